//! Health, readiness and metrics for operators.

pub(crate) mod pages;

use crate::AppState;
use crate::table::Table;
use axum::routing::get;

pub fn routes() -> Table<AppState> {
    Table::new()
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/metrics", get(pages::metrics))
}
