//! A cycle's settings: the report deadline and the reading time.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::form::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::CycleSettingsInput;
use kaoping_core::ids::CycleId;

pub async fn save_settings(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<CycleSettingsInput>,
) -> AppResult<Response> {
    state.services.reports.cycle_set_settings(&a.caller, id, &f).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=settings-saved#settings")).into_response())
}
