//! Duty reports (述职报告): writing, submitting and reviewing them; personal links; evaluators' reading.

pub(crate) mod api;
pub(crate) mod links;
pub(crate) mod pages;
pub(crate) mod reader;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .upload("/my/reports/{cycle}/save", post(pages::save))
        .route("/admin/cycles/{id}/links", get(links::list))
        .route("/admin/cycles/{id}/links/issue", post(links::issue))
        .route("/admin/cycles/{id}/links/{pid}/reissue", post(links::reissue))
        .route("/admin/cycles/{id}/links/{pid}/revoke", post(links::revoke))
        .route("/admin/cycles/{id}/reports", get(pages::submissions))
        .route("/admin/cycles/{id}/reports/{pid}", get(pages::review_page))
        .route("/admin/cycles/{id}/reports/{pid}/review", post(pages::review))
        .route("/admin/cycles/{id}/reports/{pid}/file", get(pages::organizer_file))
        .route("/admin/cycles/{id}/reading", get(pages::coverage))
        .route("/k/{token}", get(links::open))
        .route("/e/{cycle}", get(reader::list))
        .route("/e/{cycle}/notes", get(reader::my_notes))
        .route("/e/{cycle}/notes/{nid}", post(reader::note_update))
        .route("/e/{cycle}/notes/{nid}/delete", post(reader::note_delete))
        .route("/e/{cycle}/s/{pid}", get(reader::read))
        .route("/e/{cycle}/s/{pid}/file", get(reader::file))
        .route("/e/{cycle}/s/{pid}/notes", post(reader::note_add))
        .route("/e/{cycle}/s/{pid}/ping", post(reader::ping))
        .route("/e/logout", post(reader::logout))
        .route("/my/reports", get(pages::mine))
        .route("/my/reports/{cycle}", get(pages::edit))
        .route("/my/reports/{cycle}/file", get(pages::own_file))
        .api(routes!(api::submissions))
        .api(routes!(api::report))
        .api(routes!(api::reading))
}
