//! `/api/v1/people`.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::{AppError, AppResult};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaoping_core::ids::{OrgUnitId, PersonId};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::PersonRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A person (人员). The phone number is masked.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub name: String,
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub managed_by: i64,
    pub post: String,
    /// Masked, e.g. `138****1234`.
    pub phone: Option<String>,
    pub username: Option<String>,
}

impl From<PersonRow> for PersonDto {
    fn from(r: PersonRow) -> Self {
        Self {
            id: r.person.id.0,
            phone: r.person.masked_phone(),
            name: r.person.name,
            org_unit_id: r.person.org_unit_id.map(|o| o.0),
            org_unit_name: r.org_unit_name,
            managed_by: r.person.managed_by.0,
            post: r.person.post,
            username: r.username,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    pub total: u64,
    pub items: Vec<PersonDto>,
}

/// The largest offset accepted (far beyond any tree's people).
const MAX_OFFSET: u64 = 1_000_000_000;

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Part of the name, post, or the pinyin of the name.
    pub q: Option<String>,
    /// 0 to 1,000,000,000; default 0.
    #[serde(default)]
    pub offset: u64,
    /// 1 to 500; default 50.
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(ListParams),
    responses((status = 200, body = PersonPage)))]
pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(p): Query<ListParams>,
) -> AppResult<Json<PersonPage>> {
    let offset = AppError::in_range("offset", p.offset, 0, MAX_OFFSET)?;
    let limit = AppError::in_range("limit", p.limit.unwrap_or(50), 1, 500)?;
    let (rows, total) = state.services.people.people_list(&a.caller, p.q, offset, limit).await?;
    Ok(Json(PersonPage { total, items: rows.into_iter().map(Into::into).collect() }))
}

/// A person to create or replace.
#[derive(Deserialize, ToSchema)]
pub struct PersonBody {
    pub name: String,
    /// The org unit the person belongs to; none for people from outside the tree.
    pub org_unit_id: Option<i64>,
    /// For people outside the tree: the unit under which the record is managed.
    pub managed_by: Option<i64>,
    pub post: Option<String>,
    pub phone: Option<String>,
}

impl PersonBody {
    fn input(&self) -> PersonInput {
        PersonInput {
            name: self.name.clone(),
            org_unit_id: self.org_unit_id.map(|o| o.to_string()),
            post: self.post.clone(),
            phone: self.phone.clone(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonBody,
    responses((status = 201, body = PersonDto)))]
pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Json(b): Json<PersonBody>,
) -> AppResult<(StatusCode, Json<PersonDto>)> {
    let p = state.services.people.person_create(&a.caller, &b.input(), b.managed_by.map(OrgUnitId)).await?;
    let row = state.services.people.person_get(&a.caller, p.id).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = PersonDto)))]
pub async fn get_one(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<PersonId>,
) -> AppResult<Json<PersonDto>> {
    Ok(Json(state.services.people.person_get(&a.caller, id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonBody,
    responses((status = 200, body = PersonDto)))]
pub async fn update(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<PersonId>,
    Json(b): Json<PersonBody>,
) -> AppResult<Json<PersonDto>> {
    state.services.people.person_update(&a.caller, id, &b.input(), b.managed_by.map(OrgUnitId)).await?;
    Ok(Json(state.services.people.person_get(&a.caller, id).await?.into()))
}
