//! Results (结果): the tally, components of the composite, publication and exports.

pub(crate) mod api;
pub(crate) mod assessment_sheets;
pub(crate) mod assessments;
pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .upload("/admin/cycles/{id}/assessments/import", post(assessment_sheets::import))
        .route("/admin/cycles/{id}/results/publish", post(pages::publish))
        .route("/admin/cycles/{id}/results/withdraw", post(pages::withdraw))
        .route("/admin/cycles/{id}/results/{pid}", get(assessments::organizer_card))
        .route("/admin/cycles/{id}/assessments", get(assessments::show).post(assessments::save))
        .route("/admin/cycles/{id}/assessments.xlsx", get(assessment_sheets::export))
        .route("/admin/cycles/{id}/assessments/import", get(assessment_sheets::form))
        .route("/my/results", get(assessments::mine))
        .route("/public/cycles/{id}/results", get(assessments::public))
        .route("/admin/cycles/{id}/results", get(pages::show))
        .route("/admin/cycles/{id}/export.json", get(pages::export))
        .route("/admin/cycles/{id}/export-restricted.json", get(pages::export_restricted))
        .route("/admin/cycles/{id}/results.xlsx", get(pages::xlsx))
        .route("/admin/cycles/{id}/ballots", get(pages::named))
        .api(routes!(api::results))
        .api(routes!(api::publish))
}
