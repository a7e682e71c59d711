//! Tables of the feedback feature (see `crate::entity`).

use crate::entity::entity;

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
