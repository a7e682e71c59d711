//! The org tree (组织树): units, their import and export.

pub(crate) mod api;
pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};

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
        .route("/api/v1/org-units", get(api::list).post(api::create))
        .route("/api/v1/org-units/{id}", get(api::get_one).put(api::update))
        .route("/api/v1/org-units/{id}/move", post(api::move_unit))
        .route("/api/v1/org-units/{id}/active", post(api::set_active))
}
