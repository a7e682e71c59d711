//! Rectification (整改): plans, quarterly progress, sign-off and the ledger.

pub(crate) mod api;
pub(crate) mod ledger;
pub(crate) mod plan;
pub(crate) mod progress;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};

pub fn routes() -> Table<AppState> {
    Table::new()
        .upload("/my/feedback/{cycle}/plan/measures/{mid}/progress", post(progress::add))
        .route("/admin/cycles/{id}/feedback/{pid}/plan", get(plan::organizer))
        .route("/admin/cycles/{id}/feedback/{pid}/plan/review", post(plan::review))
        .route("/my/feedback/{cycle}/plan", get(plan::mine))
        .route("/my/feedback/{cycle}/plan/measures", post(plan::measure_add))
        .route("/my/feedback/{cycle}/plan/measures/{mid}", post(plan::measure_update))
        .route("/my/feedback/{cycle}/plan/measures/{mid}/delete", post(plan::measure_delete))
        .route("/my/feedback/{cycle}/plan/submit", post(plan::submit))
        .route("/my/feedback/{cycle}/files/{fid}", get(progress::my_file))
        .route("/admin/cycles/{id}/feedback/{pid}/files/{fid}", get(progress::organizer_file))
        .route("/admin/cycles/{id}/feedback/{pid}/sign-off", post(progress::sign_off))
        .route("/admin/cycles/{id}/feedback/{pid}/reopen", post(progress::reopen))
        .route("/admin/cycles/{id}/ledger", get(ledger::show))
        .route("/admin/cycles/{id}/ledger.xlsx", get(ledger::xlsx))
        .route("/api/v1/cycles/{id}/subjects/{person}/plan", get(api::plan))
        .route("/api/v1/cycles/{id}/subjects/{person}/plan/review", post(api::review))
        .route("/api/v1/cycles/{id}/subjects/{person}/sign-off", post(api::sign_off))
        .route("/api/v1/cycles/{id}/subjects/{person}/reopen", post(api::reopen))
        .route("/api/v1/cycles/{id}/ledger", get(api::ledger))
        .route("/api/v1/my/feedback/{cycle}/plan", get(api::my_plan))
        .route("/api/v1/my/feedback/{cycle}/plan/measures", post(api::add_measure))
        .route("/api/v1/my/feedback/{cycle}/plan/submit", post(api::submit))
        .route("/api/v1/my/feedback/{cycle}/plan/measures/{measure}/progress", post(api::progress))
}
