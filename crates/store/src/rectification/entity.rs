//! Tables of the rectification feature (see `crate::entity`).

use crate::entity::entity;

entity!(plan, "plan", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub status: String,
    pub version: i32,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<String>,
    pub comment: Option<String>,
});

entity!(plan_version, "plan_version", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub version: i32,
    pub status: String,
    pub at: i64,
    pub by: String,
    pub comment: Option<String>,
    pub measures: String,
});

entity!(measure, "measure", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub problem_id: i64,
    pub body: String,
    pub responsible: String,
    pub deadline: String,
    pub kpi_name: Option<String>,
    pub kpi_unit: Option<String>,
    pub kpi_baseline: Option<i64>,
    pub kpi_target: Option<i64>,
    pub kpi_current: Option<i64>,
    pub percent: i32,
    pub signed_off_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
});

entity!(progress_report, "progress_report", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub measure_id: i64,
    pub period: String,
    pub body: String,
    pub percent: i32,
    pub kpi_value: Option<i64>,
    pub created_at: i64,
    pub created_by: String,
});

entity!(progress_file, "progress_file", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progress_id: i64,
    pub digest: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
});

entity!(rectification_event, "rectification_event", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub subject_id: i64,
    pub problem_id: Option<i64>,
    pub measure_id: Option<i64>,
    pub kind: String,
    pub note: String,
    pub actor: String,
    pub at: i64,
});

entity!(notice, "notice", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub cycle_id: i64,
    pub kind: String,
    pub period: String,
    pub at: i64,
});
