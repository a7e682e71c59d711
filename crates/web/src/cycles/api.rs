//! `/api/v1/cycles`.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kaoping_core::cycles::scheme::Scheme;
use kaoping_core::cycles::{Category, Cycle, CycleInput, Phase};
use kaoping_core::error::{CoreError, Msg};
use kaoping_core::ids::{CycleId, OrgUnitId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A subject category of a cycle.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CategoryDto {
    /// 1–32 of a–z, 0–9, `_`, `-`.
    pub code: String,
    pub name: String,
}

/// An assessment cycle.
#[derive(Serialize, ToSchema)]
pub struct CycleDto {
    pub id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub name: String,
    pub year: i32,
    /// `preparation`, `reporting`, `evaluation`, `tally`, `feedback`, `rectification` or `archived`.
    pub phase: String,
    /// `named` or `anonymous`.
    pub ballot_mode: String,
    pub categories: Vec<CategoryDto>,
    /// The scoring scheme (docs/api.md): points and weights as integers
    /// scaled by 10⁴ (0.35 → 3500), shares as `"p/q"` strings or null.
    #[schema(value_type = Object)]
    pub scheme: serde_json::Value,
    pub copied_from: Option<i64>,
    pub settings: SettingsDto,
}

/// Reporting settings of a cycle.
#[derive(Serialize, ToSchema)]
pub struct SettingsDto {
    /// When written reports are due (end of that day, Asia/Shanghai), if set.
    pub report_deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// Seconds of visible reading for a report to count as read.
    pub min_read_seconds: i32,
    /// Section headings a new report starts with.
    pub report_template: Vec<String>,
}

impl From<Cycle> for CycleDto {
    fn from(c: Cycle) -> Self {
        Self {
            id: c.id.0,
            organizer_id: c.organizer_id.0,
            organizer_name: c.organizer_name,
            name: c.name,
            year: c.year,
            phase: c.phase.as_str().into(),
            ballot_mode: c.ballot_mode.as_str().into(),
            categories: c.categories.into_iter().map(|k| CategoryDto { code: k.code, name: k.name }).collect(),
            scheme: serde_json::to_value(&c.scheme).unwrap_or_default(),
            copied_from: c.copied_from.map(|i| i.0),
            settings: SettingsDto {
                report_deadline: c.settings.report_deadline,
                min_read_seconds: c.settings.min_read_seconds,
                report_template: c.settings.report_template,
            },
        }
    }
}

#[utoipa::path(get, path = "/api/v1/cycles", tag = "cycles",
    responses((status = 200, body = [CycleDto])))]
pub async fn list(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Json<Vec<CycleDto>>> {
    Ok(Json(state.services.cycles.cycles_list(&a.caller).await?.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCycleBody {
    pub organizer_id: i64,
    pub name: String,
    pub year: i32,
    /// `named` (default) or `anonymous`.
    pub ballot_mode: Option<String>,
    /// Copy the scheme, categories, rosters and reporting settings (not the
    /// deadline) of this cycle.
    pub copy_from: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/cycles", tag = "cycles", request_body = NewCycleBody,
    responses((status = 201, body = CycleDto)))]
pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Json(b): Json<NewCycleBody>,
) -> AppResult<(StatusCode, Json<CycleDto>)> {
    let input = CycleInput { name: b.name, year: b.year.to_string(), ballot_mode: b.ballot_mode };
    let c = state
        .services
        .cycles
        .cycle_create(&a.caller, OrgUnitId(b.organizer_id), &input, b.copy_from.map(CycleId))
        .await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}", tag = "cycles", params(("id" = i64, Path)),
    responses((status = 200, body = CycleDto)))]
pub async fn get_one(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<CycleDto>> {
    Ok(Json(state.services.cycles.cycle_get(&a.caller, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct SchemeBody {
    pub categories: Vec<CategoryDto>,
    /// The scheme in the format of `CycleDto.scheme`.
    #[schema(value_type = Object)]
    pub scheme: serde_json::Value,
}

#[utoipa::path(put, path = "/api/v1/cycles/{id}/scheme", tag = "cycles", params(("id" = i64, Path)), request_body = SchemeBody,
    responses((status = 204), (status = 409, body = crate::api::Problem, description = "the scheme is frozen")))]
pub async fn put_scheme(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<SchemeBody>,
) -> AppResult<StatusCode> {
    let scheme: Scheme = serde_json::from_value(b.scheme)
        .map_err(|e| CoreError::invalid("scheme", Msg::new("err-scheme-json").arg("error", e)))?;
    let cats: Vec<Category> = b.categories.into_iter().map(|c| Category { code: c.code, name: c.name }).collect();
    state.services.cycles.cycle_set_scheme(&a.caller, id, &scheme, &cats).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PhaseBody {
    /// The next phase.
    pub to: String,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/phase", tag = "cycles", params(("id" = i64, Path)), request_body = PhaseBody,
    responses((status = 200, body = CycleDto), (status = 422, body = crate::api::Problem, description = "why the cycle cannot move")))]
pub async fn advance(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<PhaseBody>,
) -> AppResult<Json<CycleDto>> {
    let to = Phase::parse(&b.to)
        .ok_or_else(|| CoreError::invalid("to", Msg::new("err-phase-unknown").arg("value", &b.to)))?;
    Ok(Json(state.services.cycles.cycle_advance(&a.caller, id, to).await?.into()))
}
