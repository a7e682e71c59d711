//! The org tree (组织树): units, their import and export.

pub(crate) mod api;
pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .upload("/admin/org/import", post(pages::import_submit))
        .route("/admin/org", get(pages::list))
        .route("/admin/org/new", get(pages::new_form).post(pages::create))
        .route("/admin/org/import", get(pages::import_form))
        .route("/admin/org/template.xlsx", get(pages::template))
        .route("/admin/org/export.xlsx", get(pages::export))
        .route("/admin/org/{id}", get(pages::edit_form).post(pages::update))
        .route("/admin/org/{id}/move", post(pages::move_unit))
        .route("/admin/org/{id}/active", post(pages::set_active))
        .api(routes!(api::list, api::create))
        .api(routes!(api::get_one, api::update))
        .api(routes!(api::move_unit))
        .api(routes!(api::set_active))
}
