//! Assessment cycles (考评周期): the scheme, categories, settings and the rosters of subjects and evaluators.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod roster_api;
pub(crate) mod roster_sheets;
pub(crate) mod scheme;
pub(crate) mod settings;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .upload("/admin/cycles/{id}/subjects/import", post(roster_sheets::subjects_import))
        .upload("/admin/cycles/{id}/evaluators/import", post(roster_sheets::evaluators_import))
        .route("/admin/cycles", get(pages::list))
        .route("/admin/cycles/new", get(pages::new_form).post(pages::create))
        .route("/admin/cycles/{id}", get(pages::show))
        .route("/admin/cycles/{id}/phase", post(pages::advance))
        .route("/admin/cycles/{id}/scheme", get(scheme::edit_form).post(scheme::save))
        .route("/admin/cycles/{id}/subjects", post(pages::add_subject))
        .route("/admin/cycles/{id}/evaluators", post(pages::add_evaluator))
        .route("/admin/cycles/{id}/evaluators/import", get(roster_sheets::evaluators_import_form))
        .route("/admin/cycles/{id}/evaluators.xlsx", get(roster_sheets::evaluators_export))
        .route("/admin/cycles/{id}/evaluators/{eid}/remove", post(pages::remove_evaluator))
        .route("/admin/cycles/{id}/subjects/import", get(roster_sheets::subjects_import_form))
        .route("/admin/cycles/{id}/subjects.xlsx", get(roster_sheets::subjects_export))
        .route("/admin/cycles/{id}/subjects/{sid}/remove", post(pages::remove_subject))
        .route("/admin/cycles/{id}/subjects/{sid}/move", post(pages::move_subject))
        .api(routes!(api::list, api::create))
        .api(routes!(api::get_one))
        .api(routes!(api::put_scheme))
        .api(routes!(api::advance))
        .api(routes!(roster_api::subjects, roster_api::add_subject))
        .api(routes!(roster_api::evaluators, roster_api::add_evaluator))
        .route("/admin/cycles/{id}/settings", post(settings::save_settings))
}
