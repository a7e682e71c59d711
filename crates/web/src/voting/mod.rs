//! Voting (评议): ballots, the meeting console, paper ballots and the big screen.

pub(crate) mod api;
pub(crate) mod ballot;
pub(crate) mod live;
pub(crate) mod meeting;
pub(crate) mod open_close;
pub(crate) mod screen;

use crate::AppState;
use crate::table::Table;
use axum::routing::{get, post};
use utoipa_axum::routes;

pub fn routes() -> Table<AppState> {
    Table::new()
        .route("/e/{cycle}/ballot", get(ballot::show).post(ballot::save))
        .route("/e/{cycle}/ballot/review", get(ballot::review))
        .route("/e/{cycle}/ballot/submit", post(ballot::submit))
        .route("/admin/cycles/{id}/meeting", get(meeting::console))
        .route("/admin/cycles/{id}/meeting/presenting", post(meeting::presenting))
        .route("/admin/cycles/{id}/meeting/live-tally", post(meeting::live_tally))
        .route("/admin/cycles/{id}/paper/{pid}", get(meeting::paper_form).post(meeting::paper_submit))
        .route("/admin/cycles/{id}/screen", get(screen::page))
        .route("/admin/cycles/{id}/screen/events", get(screen::events))
        .route("/e/{cycle}/events", get(live::reader_events))
        .api(routes!(api::meeting))
        .api(routes!(api::presenting))
        .api(routes!(api::voting))
        .api(routes!(api::ballot_scope, api::ballot_submit))
        .route("/admin/cycles/{id}/voting", post(open_close::voting))
}
