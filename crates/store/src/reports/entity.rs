//! Tables of the reports feature (see `crate::entity`).

use crate::entity::entity;

entity!(evaluator_link, "evaluator_link", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub person_id: i64,
    pub token_digest: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub first_used_at: Option<i64>,
    pub last_used_at: Option<i64>,
});

entity!(link_session, "link_session", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    pub link_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
});

entity!(stored_file, "stored_file", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    pub media_type: String,
    pub size: i64,
    pub data: Vec<u8>,
    pub created_at: i64,
});

entity!(report, "report", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub person_id: i64,
    pub status: String,
    pub body_html: String,
    pub file_digest: Option<String>,
    pub file_name: Option<String>,
    pub file_text: String,
    pub version: i32,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub review_comment: Option<String>,
});

entity!(report_version, "report_version", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i64,
    pub version: i32,
    pub status: String,
    pub body_html: String,
    pub file_digest: Option<String>,
    pub file_name: Option<String>,
    pub comment: Option<String>,
    pub author: String,
    pub created_at: i64,
});

entity!(reading, "reading", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub evaluator_id: i64,
    pub subject_id: i64,
    pub opened_at: Option<i64>,
    pub seconds: i64,
    pub updated_at: i64,
});

entity!(note, "note", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub evaluator_id: i64,
    pub subject_id: i64,
    pub quote: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
});
