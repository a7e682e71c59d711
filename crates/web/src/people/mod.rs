//! People (人员) and their records.

pub(crate) mod api;
pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .route("/admin/people", get(pages::list))
        .route("/admin/people/new", get(pages::new_form).post(pages::create))
        .route("/admin/people/{id}", get(pages::edit_form).post(pages::update))
        .route("/admin/people/{id}/account", post(pages::create_account))
        .api(routes!(api::list, api::create))
        .api(routes!(api::get_one, api::update))
}
