//! `/api/v1/org-units`.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaoping_core::ids::OrgUnitId;
use kaoping_core::org::{OrgUnit, OrgUnitInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An org unit (组织机构).
#[derive(Serialize, ToSchema)]
pub struct OrgUnitDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    /// One of `city_committee`, `organization_dept`, `organs_work_committee`,
    /// `county_committee`, `township_committee`, `village_committee`,
    /// `community_committee`, `department_party_group`, `stationed_unit`, `other`.
    pub kind: String,
    pub sort_order: i32,
    /// Materialized path of ids, e.g. `/1/5/23/`.
    pub path: String,
    pub active: bool,
}

impl From<OrgUnit> for OrgUnitDto {
    fn from(u: OrgUnit) -> Self {
        Self {
            id: u.id.0,
            parent_id: u.parent_id.map(|p| p.0),
            code: u.code,
            name: u.name,
            kind: u.kind.as_str().to_string(),
            sort_order: u.sort_order,
            path: u.path,
            active: u.active,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Include deactivated units.
    #[serde(default)]
    pub include_inactive: bool,
}

#[utoipa::path(get, path = "/api/v1/org-units", tag = "org-units", params(ListParams),
    responses((status = 200, body = [OrgUnitDto], description = "The units the caller administers, in tree order")))]
pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(p): Query<ListParams>,
) -> AppResult<Json<Vec<OrgUnitDto>>> {
    let units = state.services.org.org_tree(&a.caller, p.include_inactive).await?;
    Ok(Json(units.into_iter().map(Into::into).collect()))
}

/// Fields of a unit to create or replace.
#[derive(Deserialize, ToSchema)]
pub struct OrgUnitBody {
    /// Parent unit (only when creating); none: top level (system admins only).
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sort_order: Option<i32>,
}

impl OrgUnitBody {
    fn input(&self) -> OrgUnitInput {
        OrgUnitInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            sort_order: self.sort_order.map(|n| n.to_string()),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/org-units", tag = "org-units", request_body = OrgUnitBody,
    responses((status = 201, body = OrgUnitDto)))]
pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Json(b): Json<OrgUnitBody>,
) -> AppResult<(StatusCode, Json<OrgUnitDto>)> {
    let u = state.services.org.org_create(&a.caller, b.parent_id.map(OrgUnitId), &b.input()).await?;
    Ok((StatusCode::CREATED, Json(u.into())))
}

#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "org-units", params(("id" = i64, Path)),
    responses((status = 200, body = OrgUnitDto)))]
pub async fn get_one(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
) -> AppResult<Json<OrgUnitDto>> {
    Ok(Json(state.services.org.org_get(&a.caller, id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/org-units/{id}", tag = "org-units", params(("id" = i64, Path)), request_body = OrgUnitBody,
    responses((status = 200, body = OrgUnitDto)))]
pub async fn update(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Json(b): Json<OrgUnitBody>,
) -> AppResult<Json<OrgUnitDto>> {
    Ok(Json(state.services.org.org_update(&a.caller, id, &b.input()).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// The new parent; none: top level (system admins only).
    pub parent_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/org-units/{id}/move", tag = "org-units", params(("id" = i64, Path)), request_body = MoveBody,
    responses((status = 200, body = OrgUnitDto), (status = 422, body = crate::api::Problem, description = "e.g. a move into its own subtree")))]
pub async fn move_unit(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Json(b): Json<MoveBody>,
) -> AppResult<Json<OrgUnitDto>> {
    Ok(Json(state.services.org.org_move(&a.caller, id, b.parent_id.map(OrgUnitId)).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ActiveBody {
    pub active: bool,
}

#[utoipa::path(post, path = "/api/v1/org-units/{id}/active", tag = "org-units", params(("id" = i64, Path)), request_body = ActiveBody,
    responses((status = 200, body = OrgUnitDto)))]
pub async fn set_active(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<OrgUnitId>,
    Json(b): Json<ActiveBody>,
) -> AppResult<Json<OrgUnitDto>> {
    Ok(Json(state.services.org.org_set_active(&a.caller, id, b.active).await?.into()))
}
