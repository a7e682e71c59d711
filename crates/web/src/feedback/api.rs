//! Problems and feedback sheets over JSON: `/api/v1/cycles/{id}/…` for
//! the organizer and `/api/v1/my/feedback/…` for the subject.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kaoping_core::feedback::{FeedbackSheet, Problem, ProblemInput};
use kaoping_core::ids::{CycleId, PersonId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A problem of a subject.
#[derive(Serialize, ToSchema)]
pub struct ProblemDto {
    pub id: i64,
    pub subject_id: i64,
    pub position: i32,
    /// `critique`, `routine` or `remark`.
    pub source: String,
    /// The evaluator group of a remark (never a person).
    pub group: Option<String>,
    pub text: String,
    pub tag: String,
    /// `minor`, `moderate` or `serious`.
    pub severity: String,
    /// `draft`, `open` or `signed_off`.
    pub status: String,
}

impl From<Problem> for ProblemDto {
    fn from(p: Problem) -> Self {
        Self {
            id: p.id,
            subject_id: p.subject_id.0,
            position: p.position,
            source: p.source.as_str().into(),
            group: p.group,
            text: p.text,
            tag: p.tag,
            severity: p.severity.as_str().into(),
            status: p.status.as_str().into(),
        }
    }
}

/// A problem to add.
#[derive(Deserialize, ToSchema)]
pub struct ProblemBody {
    /// `critique` (a verbatim passage of it), `routine` or `remark` (one of the subject's remarks, verbatim).
    pub source: String,
    #[serde(default)]
    pub group: String,
    pub text: String,
    pub tag: String,
    pub severity: String,
}

/// The critique of a subject; an empty text removes it.
#[derive(Deserialize, ToSchema)]
pub struct CritiqueBody {
    pub text: String,
}

/// An issued feedback sheet.
#[derive(Serialize, ToSchema)]
pub struct SheetDto {
    pub cycle_id: i64,
    pub subject_id: i64,
    pub number: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub acknowledged_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the sheet says, frozen at issue.
    #[schema(value_type = Object)]
    pub content: kaoping_core::feedback::SheetContent,
}

impl From<FeedbackSheet> for SheetDto {
    fn from(s: FeedbackSheet) -> Self {
        Self {
            cycle_id: s.cycle_id.0,
            subject_id: s.subject_id.0,
            number: s.number,
            issued_at: s.issued_at,
            acknowledged_at: s.acknowledged_at,
            content: s.content,
        }
    }
}

/// Which subjects to issue sheets to.
#[derive(Deserialize, ToSchema)]
pub struct IssueBody {
    /// A category code; absent for every category.
    pub category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IssueReply {
    pub issued: Vec<SheetDto>,
    /// Subjects left out, with the reason's code (`sheet-skip-issued`, `sheet-skip-no-problems`).
    pub skipped: Vec<SkippedDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SkippedDto {
    pub name: String,
    pub reason: String,
}

type Cp = Path<(CycleId, PersonId)>;

#[utoipa::path(get, path = "/api/v1/cycles/{id}/problems", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ProblemDto>)))]
pub async fn problems(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<ProblemDto>>> {
    Ok(Json(state.services.feedback.problems(&a.caller, id).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(put, path = "/api/v1/cycles/{id}/subjects/{person}/critique", tag = "feedback",
    params(("id" = i64, Path), ("person" = i64, Path)), request_body = CritiqueBody,
    responses((status = 204), (status = 409, body = crate::api::Problem, description = "before evaluation or archived")))]
pub async fn critique(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
    Json(b): Json<CritiqueBody>,
) -> AppResult<StatusCode> {
    state.services.feedback.critique_set(&a.caller, id, person, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/subjects/{person}/problems", tag = "feedback",
    params(("id" = i64, Path), ("person" = i64, Path)), request_body = ProblemBody,
    responses((status = 201, body = ProblemDto), (status = 409, body = crate::api::Problem, description = "the sheet is issued"), (status = 422, body = crate::api::Problem, description = "not verbatim, unknown tag, …")))]
pub async fn add_problem(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
    Json(b): Json<ProblemBody>,
) -> AppResult<(StatusCode, Json<ProblemDto>)> {
    let input = ProblemInput { source: b.source, group: b.group, text: b.text, tag: b.tag, severity: b.severity };
    let p = state.services.feedback.problem_add(&a.caller, id, person, &input).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/sheets", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SheetDto>)))]
pub async fn sheets(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<SheetDto>>> {
    let (_, rows) = state.services.feedback.feedback_overview(&a.caller, id).await?;
    Ok(Json(rows.into_iter().filter_map(|r| r.sheet).map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/sheets", tag = "feedback", params(("id" = i64, Path)), request_body = IssueBody,
    responses((status = 200, body = IssueReply), (status = 409, body = crate::api::Problem, description = "voting still open, or a subject's problems changed meanwhile")))]
pub async fn issue(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<IssueBody>,
) -> AppResult<Json<IssueReply>> {
    let out = state.services.feedback.sheets_issue(&a.caller, id, b.category.as_deref()).await?;
    Ok(Json(IssueReply {
        issued: out.issued.into_iter().map(Into::into).collect(),
        skipped: out.skipped.into_iter().map(|(name, why)| SkippedDto { name, reason: why.into() }).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/my/feedback", tag = "rectification", responses((status = 200, body = Vec<SheetDto>)))]
pub async fn my_sheets(State(state): State<AppState>, a: Auth) -> AppResult<Json<Vec<SheetDto>>> {
    Ok(Json(state.services.feedback.my_sheets(&a.caller).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/my/feedback/{cycle}/acknowledge", tag = "rectification", params(("cycle" = i64, Path)),
    responses((status = 200, body = SheetDto)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
) -> AppResult<Json<SheetDto>> {
    Ok(Json(state.services.feedback.sheet_acknowledge(&a.caller, cycle).await?.into()))
}
