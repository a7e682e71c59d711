//! The audit log's page.

pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::get;

pub fn routes() -> Table<AppState> {
    Table::new().route("/admin/audit", get(pages::list))
}
