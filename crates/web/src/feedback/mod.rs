//! Feedback (反馈): critiques, numbered problems and feedback sheets.

pub(crate) mod api;
pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .route("/admin/cycles/{id}/feedback", get(pages::overview))
        .route("/admin/cycles/{id}/feedback/issue", post(pages::issue))
        .route("/admin/cycles/{id}/feedback/sheets.zip", get(pages::sheets_zip))
        .route("/admin/cycles/{id}/feedback/settings", get(pages::settings_form).post(pages::settings_save))
        .route("/admin/cycles/{id}/feedback/{pid}", get(pages::subject))
        .route("/admin/cycles/{id}/feedback/{pid}/critique", post(pages::critique))
        .route("/admin/cycles/{id}/feedback/{pid}/problems", post(pages::problem_add))
        .route("/admin/cycles/{id}/feedback/{pid}/sheet", get(pages::organizer_sheet))
        .route("/admin/cycles/{id}/feedback/{pid}/sheet.docx", get(pages::organizer_docx))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/update", post(pages::problem_update))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/delete", post(pages::problem_delete))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/move", post(pages::problem_move))
        .route("/my/feedback", get(pages::mine))
        .route("/my/feedback/{cycle}", get(pages::my_sheet))
        .route("/my/feedback/{cycle}/acknowledge", post(pages::acknowledge))
        .route("/my/feedback/{cycle}/sheet.docx", get(pages::my_docx))
        .api(routes!(api::problems))
        .api(routes!(api::critique))
        .api(routes!(api::add_problem))
        .api(routes!(api::sheets, api::issue))
        .api(routes!(api::my_sheets))
        .api(routes!(api::acknowledge))
}
