//! Entities of migrations m0005–m0006, m0008 and m0010: links, reader sessions,
//! reports, files, reading records and notes; critiques, problems and
//! feedback sheets. (Queried without relations.)

macro_rules! entity {
    ($m:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $m {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($body)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}
pub(crate) use entity;

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

entity!(ballot_draft, "ballot_draft", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub evaluator_id: i64,
    pub marks: String,
    pub remarks: String,
    pub updated_at: i64,
});

// Keyed by arrival sequence (m0010); `id` is the random ballot id.
entity!(ballot, "ballot", {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub id: String,
    pub cycle_id: i64,
    pub group_code: String,
    pub evaluator_id: Option<i64>,
    pub marks: String,
    pub remarks: String,
    pub receipt: String,
    pub paper: bool,
    pub session_at: i64,
});

// Anonymous ballots while voting is open, sealed with the server key (m0011).
entity!(ballot_sealed, "ballot_sealed", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub sealed: Vec<u8>,
});

entity!(participation, "participation", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub evaluator_id: i64,
    pub session_at: i64,
});

entity!(idempotency, "idempotency", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    pub request_hash: String,
    pub receipt: String,
});

entity!(ballot_tally, "ballot_tally", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub group_code: String,
    pub score: i64,
    pub grade: i32,
    pub n: i64,
});

entity!(subject_assessment, "subject_assessment", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub routine: Option<String>,
    pub observation: Option<String>,
    pub service: Option<String>,
    pub routine_grade: Option<String>,
    pub veto_reason: Option<String>,
    pub updated_at: i64,
});

entity!(critique, "critique", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub body: String,
    pub updated_at: i64,
    pub updated_by: String,
});

entity!(problem, "problem", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub position: i32,
    pub source: String,
    pub group_code: Option<String>,
    pub body: String,
    pub tag: String,
    pub severity: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
});

entity!(feedback_sheet, "feedback_sheet", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub organizer_id: i64,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub content: String,
    pub issued_at: i64,
    pub issued_by: String,
    pub acknowledged_at: Option<i64>,
});
