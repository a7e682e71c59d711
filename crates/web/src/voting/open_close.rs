//! Opening and closing voting (评议), from the cycle's pages.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::form::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::ids::CycleId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct VotingForm {
    #[serde(default)]
    pub action: String,
    /// `meeting`: back to the meeting console.
    #[serde(default)]
    pub back: String,
}

pub async fn voting(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<VotingForm>,
) -> AppResult<Response> {
    let open = f.action == "open";
    state.services.voting.voting_set(&a.caller, id, open).await?;
    let flash = if open { "voting-opened" } else { "voting-closed" };
    let page = if f.back == "meeting" { "/meeting" } else { "" };
    Ok(Redirect::to(&format!("/admin/cycles/{id}{page}?flash={flash}#voting")).into_response())
}
