//! The home page: each user's to-dos.

pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::get;

pub fn routes() -> Table<AppState> {
    Table::new().route("/", get(pages::home))
}
