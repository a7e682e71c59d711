//! Rectification (整改): plans, quarterly progress, sign-off and the ledger.

pub(crate) mod api;
pub(crate) mod ledger;
pub(crate) mod plan;
pub(crate) mod progress;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

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
        .api(routes!(api::plan))
        .api(routes!(api::review))
        .api(routes!(api::sign_off))
        .api(routes!(api::reopen))
        .api(routes!(api::ledger))
        .api(routes!(api::my_plan))
        .api(routes!(api::add_measure))
        .api(routes!(api::submit))
        .api(routes!(api::progress))
}
