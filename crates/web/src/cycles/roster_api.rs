//! The rosters of a cycle over JSON: its subjects and evaluators.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::ids::CycleId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A subject of a cycle (述职对象).
#[derive(Serialize, ToSchema)]
pub struct SubjectDto {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub post: String,
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    /// A category code of the cycle.
    pub category: String,
    /// `on_stage` or `written`.
    pub mode: String,
    /// Presentation order (1 = first).
    pub order: i32,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/subjects", tag = "cycles", params(("id" = i64, Path)),
    responses((status = 200, body = [SubjectDto])))]
pub async fn subjects(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<SubjectDto>>> {
    let list = state.services.cycles.subjects_list(&a.caller, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SubjectDto {
                id: s.id,
                person_id: s.person_id.0,
                name: s.person_name,
                post: s.post,
                org_unit_id: s.org_unit_id.map(|u| u.0),
                org_unit_name: s.org_unit_name,
                category: s.category,
                mode: s.mode.as_str().into(),
                order: s.order,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SubjectBody {
    pub person_id: i64,
    pub category: String,
    /// `on_stage` (default) or `written`.
    pub mode: Option<String>,
    /// The post as reported (default: the person's post).
    pub post: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/subjects", tag = "cycles", params(("id" = i64, Path)), request_body = SubjectBody,
    responses((status = 201), (status = 409, body = crate::api::Problem, description = "evaluation has opened")))]
pub async fn add_subject(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<SubjectBody>,
) -> AppResult<StatusCode> {
    let input = SubjectInput { person_id: b.person_id.to_string(), category: b.category, mode: b.mode, post: b.post };
    state.services.cycles.subject_add(&a.caller, id, &input).await?;
    Ok(StatusCode::CREATED)
}

/// An evaluator of a cycle (评议人员).
#[derive(Serialize, ToSchema)]
pub struct EvaluatorDto {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub post: String,
    /// An evaluator group code of the scheme.
    pub group: String,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/evaluators", tag = "cycles", params(("id" = i64, Path)),
    responses((status = 200, body = [EvaluatorDto])))]
pub async fn evaluators(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<EvaluatorDto>>> {
    let list = state.services.cycles.evaluators_list(&a.caller, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|e| EvaluatorDto {
                id: e.id,
                person_id: e.person_id.0,
                name: e.person_name,
                post: e.post,
                group: e.group,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct EvaluatorBody {
    pub person_id: i64,
    pub group: String,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/evaluators", tag = "cycles", params(("id" = i64, Path)), request_body = EvaluatorBody,
    responses((status = 201), (status = 409, body = crate::api::Problem, description = "evaluation has opened")))]
pub async fn add_evaluator(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<EvaluatorBody>,
) -> AppResult<StatusCode> {
    state.services.cycles.evaluator_add(&a.caller, id, &b.person_id.to_string(), &b.group).await?;
    Ok(StatusCode::CREATED)
}
