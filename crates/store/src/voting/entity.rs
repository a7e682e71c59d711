//! Tables of the voting feature (see `crate::entity`).

use crate::entity::entity;

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
