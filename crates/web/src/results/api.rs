//! Results over JSON: reading them and publishing them.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::{AppError, AppResult};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaoping_core::cycles::Visibility;
use kaoping_core::ids::CycleId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize)]
pub struct ResultsQuery {
    /// `true`: partial results while voting is open (live tally; audited).
    #[serde(default)]
    pub live: bool,
}

/// Results by subject, with exact values (`"p/q"`) and display values.
#[derive(Serialize, ToSchema)]
pub struct ResultsDto {
    pub partial: bool,
    /// Each result as in the cycle export (`docs/export-format.md`).
    #[schema(value_type = Vec<Object>)]
    pub results: Vec<kaoping_core::results::export::ResultOut>,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/results", tag = "voting", params(("id" = i64, Path), ("live" = Option<bool>, Query)),
    responses((status = 200, body = ResultsDto), (status = 409, body = crate::api::Problem, description = "hidden until voting closes, or a weighted component is missing")))]
pub async fn results(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<ResultsQuery>,
) -> AppResult<Json<ResultsDto>> {
    let (c, r) = if q.live {
        state.services.results.results_partial(&a.caller, id).await?
    } else {
        state.services.results.results(&a.caller, id).await?
    };
    let results = r.iter().map(kaoping_core::results::export::result_out).collect();
    Ok(Json(ResultsDto { partial: !c.voting.is_closed(), results }))
}

#[derive(Deserialize, ToSchema)]
pub struct PublishBody {
    /// `organizer`, `subjects` or `public`; `null` withdraws.
    pub to: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/results/publish", tag = "voting", params(("id" = i64, Path)), request_body = PublishBody,
    responses((status = 204)))]
pub async fn publish(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<PublishBody>,
) -> AppResult<StatusCode> {
    match b.to.as_deref() {
        None => state.services.results.results_withdraw(&a.caller, id).await?,
        Some(v) => {
            let to = Visibility::parse(v).ok_or_else(|| {
                AppError::from(kaoping_core::error::CoreError::invalid("to", kaoping_core::Msg::new("err-visibility")))
            })?;
            state.services.results.results_publish(&a.caller, id, to).await?
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
