//! Rectification plans, progress, sign-off and the ledger over JSON:
//! `/api/v1/cycles/{id}/…` for the organizer and `/api/v1/my/feedback/…`
//! for the subject. Exact values (KPI baselines, targets and values) are
//! decimal strings, as in the forms.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::SignOffTarget;
use kaoping_core::rectification::progress::{ProgressInput, ProgressReport};
use kaoping_core::rectification::{Measure, MeasureInput};
use kaoping_core::services::PlanPage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::feedback::api::ProblemDto;

type Cp = Path<(CycleId, PersonId)>;

/// A rectification measure.
#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: i64,
    pub problem_id: i64,
    pub text: String,
    pub responsible: String,
    pub deadline: chrono::NaiveDate,
    pub kpi_name: Option<String>,
    pub kpi_unit: Option<String>,
    pub kpi_baseline: Option<String>,
    pub kpi_target: Option<String>,
    pub kpi_current: Option<String>,
    pub percent: u8,
    pub signed_off: bool,
}

impl From<&Measure> for MeasureDto {
    fn from(m: &Measure) -> Self {
        let k = m.kpi.as_ref();
        Self {
            id: m.id,
            problem_id: m.problem_id,
            text: m.text.clone(),
            responsible: m.responsible.clone(),
            deadline: m.deadline,
            kpi_name: k.map(|k| k.name.clone()),
            kpi_unit: k.map(|k| k.unit.clone()),
            kpi_baseline: k.map(|k| k.baseline.to_string()),
            kpi_target: k.map(|k| k.target.to_string()),
            kpi_current: k.and_then(|k| k.current.map(|c| c.to_string())),
            percent: m.percent,
            signed_off: m.signed_off,
        }
    }
}

/// A measure to add (KPI fields all empty for none).
#[derive(Deserialize, ToSchema)]
pub struct MeasureBody {
    pub problem_id: i64,
    pub text: String,
    pub responsible: String,
    /// YYYY-MM-DD, today or later.
    pub deadline: String,
    #[serde(default)]
    pub kpi_name: String,
    #[serde(default)]
    pub kpi_unit: String,
    #[serde(default)]
    pub kpi_baseline: String,
    #[serde(default)]
    pub kpi_target: String,
}

/// A progress report.
#[derive(Serialize, ToSchema)]
pub struct ProgressDto {
    pub id: i64,
    pub measure_id: i64,
    /// e.g. `2026Q4`.
    pub period: String,
    pub text: String,
    pub percent: u8,
    pub kpi_value: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Evidence file names (uploaded through the page).
    pub files: Vec<String>,
}

impl From<&ProgressReport> for ProgressDto {
    fn from(r: &ProgressReport) -> Self {
        Self {
            id: r.id,
            measure_id: r.measure_id,
            period: r.period.clone(),
            text: r.text.clone(),
            percent: r.percent,
            kpi_value: r.kpi_value.map(|v| v.to_string()),
            created_at: r.created_at,
            files: r.files.iter().map(|f| f.name.clone()).collect(),
        }
    }
}

/// Progress on a measure (evidence files are uploaded through the page).
#[derive(Deserialize, ToSchema)]
pub struct ProgressBody {
    pub text: String,
    /// 0–100.
    pub percent: u8,
    /// Required when the measure has a KPI: its current value.
    #[serde(default)]
    pub kpi_value: String,
}

/// A subject's plan with its measures and progress.
#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub sheet_number: String,
    /// `none`, `draft`, `submitted`, `approved` or `returned`.
    pub status: String,
    pub version: i32,
    pub comment: Option<String>,
    pub problems: Vec<ProblemDto>,
    pub measures: Vec<MeasureDto>,
    pub progress: Vec<ProgressDto>,
}

impl From<PlanPage> for PlanDto {
    fn from(p: PlanPage) -> Self {
        Self {
            sheet_number: p.sheet.number.clone(),
            status: p.plan.as_ref().map_or("none", |x| x.status.as_str()).into(),
            version: p.plan.as_ref().map_or(0, |x| x.version),
            comment: p.plan.as_ref().and_then(|x| x.comment.clone()),
            measures: p.measures.iter().map(MeasureDto::from).collect(),
            progress: p.progress.iter().map(ProgressDto::from).collect(),
            problems: p.problems.into_iter().map(ProblemDto::from).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    pub approve: bool,
    /// Required to return the plan.
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SignOffBody {
    /// `measure` or `problem`.
    pub target: String,
    pub id: i64,
    /// The verification note (sign-off: required when a measure has not reached
    /// its target) or the reason (reopen, required).
    #[serde(default)]
    pub note: String,
}

impl SignOffBody {
    fn target(&self) -> Result<SignOffTarget, kaoping_core::CoreError> {
        match self.target.as_str() {
            "measure" => Ok(SignOffTarget::Measure(self.id)),
            "problem" => Ok(SignOffTarget::Problem(self.id)),
            _ => Err(kaoping_core::CoreError::invalid("target", kaoping_core::Msg::new("err-required"))),
        }
    }
}

/// A JSON body read after the caller's right to send it was checked.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, crate::error::AppError> {
    serde_json::from_slice(body).map_err(|e| {
        kaoping_core::CoreError::invalid("body", kaoping_core::Msg::new("err-json").arg("error", e.to_string())).into()
    })
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/subjects/{person}/plan", tag = "rectification",
    params(("id" = i64, Path), ("person" = i64, Path)), responses((status = 200, body = PlanDto)))]
pub async fn plan(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
) -> AppResult<Json<PlanDto>> {
    Ok(Json(state.services.rectification.plan_for_organizer(&a.caller, id, person).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/subjects/{person}/plan/review", tag = "rectification",
    params(("id" = i64, Path), ("person" = i64, Path)), request_body = ReviewBody,
    responses((status = 204), (status = 409, body = crate::api::Problem, description = "not submitted"), (status = 422, body = crate::api::Problem, description = "returned without a comment")))]
pub async fn review(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
    Json(b): Json<ReviewBody>,
) -> AppResult<StatusCode> {
    state.services.rectification.plan_review(&a.caller, id, person, b.approve, &b.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/subjects/{person}/sign-off", tag = "rectification",
    params(("id" = i64, Path), ("person" = i64, Path)), request_body = SignOffBody,
    responses((status = 204), (status = 409, body = crate::api::Problem, description = "plan not approved, or already signed off")))]
pub async fn sign_off(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
    Json(b): Json<SignOffBody>,
) -> AppResult<StatusCode> {
    state.services.rectification.sign_off(&a.caller, id, person, b.target()?, &b.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/subjects/{person}/reopen", tag = "rectification",
    params(("id" = i64, Path), ("person" = i64, Path)), request_body = SignOffBody,
    responses((status = 204), (status = 409, body = crate::api::Problem, description = "not signed off"), (status = 422, body = crate::api::Problem, description = "no reason")))]
pub async fn reopen(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Cp,
    Json(b): Json<SignOffBody>,
) -> AppResult<StatusCode> {
    state.services.rectification.reopen(&a.caller, id, person, b.target()?, &b.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/my/feedback/{cycle}/plan", tag = "rectification", params(("cycle" = i64, Path)),
    responses((status = 200, body = PlanDto)))]
pub async fn my_plan(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<Json<PlanDto>> {
    Ok(Json(state.services.rectification.my_plan(&a.caller, cycle).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/my/feedback/{cycle}/plan/measures", tag = "rectification", params(("cycle" = i64, Path)),
    request_body = MeasureBody,
    responses((status = 201, body = MeasureDto), (status = 409, body = crate::api::Problem, description = "the plan is under review or approved"), (status = 422, body = crate::api::Problem, description = "not your problem, deadline past, KPI not a number")))]
pub async fn add_measure(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<MeasureDto>)> {
    // Only the subject gets as far as the body (others: an audited 403).
    state.services.feedback.my_sheet(&a.caller, cycle).await?;
    let b: MeasureBody = parse(&body)?;
    let input = MeasureInput {
        problem_id: b.problem_id.to_string(),
        text: b.text,
        responsible: b.responsible,
        deadline: b.deadline,
        kpi_name: b.kpi_name,
        kpi_unit: b.kpi_unit,
        kpi_baseline: b.kpi_baseline,
        kpi_target: b.kpi_target,
    };
    let m = state.services.rectification.measure_add(&a.caller, cycle, &input).await?;
    Ok((StatusCode::CREATED, Json((&m).into())))
}

#[utoipa::path(post, path = "/api/v1/my/feedback/{cycle}/plan/submit", tag = "rectification", params(("cycle" = i64, Path)),
    responses((status = 204), (status = 422, body = crate::api::Problem, description = "a problem without a measure")))]
pub async fn submit(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<StatusCode> {
    state.services.rectification.plan_submit(&a.caller, cycle).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/my/feedback/{cycle}/plan/measures/{measure}/progress", tag = "rectification",
    params(("cycle" = i64, Path), ("measure" = i64, Path)), request_body = ProgressBody,
    responses((status = 201, body = ProgressDto), (status = 409, body = crate::api::Problem, description = "plan not approved, or signed off")))]
pub async fn progress(
    State(state): State<AppState>,
    a: Auth,
    Path((cycle, measure)): Path<(CycleId, i64)>,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<ProgressDto>)> {
    state.services.feedback.my_sheet(&a.caller, cycle).await?;
    let b: ProgressBody = parse(&body)?;
    let input = ProgressInput { text: b.text, percent: b.percent.to_string(), kpi_value: b.kpi_value };
    let r = state.services.rectification.progress_add(&a.caller, cycle, measure, &input, vec![]).await?;
    Ok((StatusCode::CREATED, Json((&r).into())))
}

/// A line of the ledger.
#[derive(Serialize, ToSchema)]
pub struct LedgerRowDto {
    pub subject_id: i64,
    pub subject_name: String,
    pub category: String,
    pub problem: ProblemDto,
    pub measure: Option<MeasureDto>,
    pub overdue: bool,
    pub recurring: bool,
}

#[derive(Deserialize)]
pub struct LedgerQuery {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    pub name: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/ledger", tag = "rectification",
    params(("id" = i64, Path), ("category" = Option<String>, Query), ("tag" = Option<String>, Query),
        ("status" = Option<String>, Query, description = "open or signed_off"), ("overdue" = Option<bool>, Query),
        ("name" = Option<String>, Query, description = "subjects whose name contains it")),
    responses((status = 200, body = Vec<LedgerRowDto>)))]
pub async fn ledger(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Json<Vec<LedgerRowDto>>> {
    let f = kaoping_core::services::LedgerFilter {
        category: q.category,
        tag: q.tag,
        status: q.status.as_deref().and_then(kaoping_core::feedback::ProblemStatus::parse),
        overdue: q.overdue,
        name: q.name.filter(|n| !n.trim().is_empty()),
    };
    let l = state.services.rectification.ledger(&a.caller, id, &f).await?;
    Ok(Json(
        l.rows
            .into_iter()
            .map(|r| LedgerRowDto {
                subject_id: r.subject.person_id.0,
                subject_name: r.subject.person_name,
                category: r.subject.category,
                measure: r.measure.as_ref().map(MeasureDto::from),
                problem: r.problem.into(),
                overdue: r.overdue,
                recurring: r.recurring,
            })
            .collect(),
    ))
}
