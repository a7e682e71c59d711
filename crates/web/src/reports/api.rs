//! `/api/v1/cycles/{id}/subjects|evaluators|reports|reading`: the rosters,
//! report submissions and reading coverage of a cycle, for the organizer.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::services::is_late;
use serde::Serialize;
use utoipa::ToSchema;

/// The report status of one subject.
#[derive(Serialize, ToSchema)]
pub struct SubmissionDto {
    pub person_id: i64,
    pub name: String,
    pub category: String,
    /// `none` (not started), `draft`, `submitted`, `returned` or `accepted`.
    pub status: String,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub has_attachment: bool,
    /// Not handed in by the deadline, or handed in after it.
    pub late: bool,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/reports", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = [SubmissionDto])))]
pub async fn submissions(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<SubmissionDto>>> {
    let s = state.services.reports.submissions(&a.caller, id).await?;
    let now = state.services.clock.now();
    Ok(Json(
        s.rows
            .into_iter()
            .map(|(subj, r)| SubmissionDto {
                late: is_late(&s.cycle.settings, r.as_ref(), now),
                person_id: subj.person_id.0,
                name: subj.person_name,
                category: subj.category,
                status: r.as_ref().map_or("none", |r| r.status.as_str()).into(),
                version: r.as_ref().map_or(0, |r| r.version),
                submitted_at: r.as_ref().and_then(|r| r.submitted_at),
                has_attachment: r.as_ref().is_some_and(|r| r.has_attachment),
            })
            .collect(),
    ))
}

/// A kept version of a report.
#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i32,
    pub status: String,
    pub author: String,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One subject's report.
#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub person_id: i64,
    pub status: String,
    pub version: i32,
    /// Sanitized HTML (p, br, strong, em, u, h3, h4, lists, blockquote; no attributes).
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment_size: Option<i64>,
    /// Text extracted from an uploaded .docx.
    pub attachment_text: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    /// Newest first.
    pub versions: Vec<VersionDto>,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/reports/{person}", tag = "reports",
    params(("id" = i64, Path), ("person" = i64, Path, description = "the subject's person id")),
    responses((status = 200, body = ReportDto)))]
pub async fn report(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Path<(CycleId, PersonId)>,
) -> AppResult<Json<ReportDto>> {
    let r = state.services.reports.report_for_organizer(&a.caller, id, person).await?;
    let rep = r.report.ok_or(kaoping_core::CoreError::NotFound("report"))?;
    Ok(Json(ReportDto {
        person_id: person.0,
        status: rep.status.as_str().into(),
        version: rep.version,
        body_html: rep.body_html,
        attachment_name: rep.attachment.as_ref().map(|a| a.name.clone()),
        attachment_size: rep.attachment.as_ref().map(|a| a.size),
        attachment_text: rep.attachment_text,
        submitted_at: rep.submitted_at,
        review_comment: rep.review_comment,
        versions: r
            .versions
            .into_iter()
            .map(|v| VersionDto {
                version: v.version,
                status: v.status.as_str().into(),
                author: v.author,
                comment: v.comment,
                created_at: v.created_at,
            })
            .collect(),
    }))
}

/// Reading coverage of one evaluator.
#[derive(Serialize, ToSchema)]
pub struct CoverageDto {
    pub person_id: i64,
    pub name: String,
    pub group: String,
    /// Handed-in reports in the evaluator's scope.
    pub available: usize,
    pub opened: usize,
    /// Read for at least the cycle's minimum seconds.
    pub read: usize,
    pub notes: i64,
    pub seconds: i64,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/reading", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = [CoverageDto])))]
pub async fn reading(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<Vec<CoverageDto>>> {
    let (_, cov) = state.services.reports.reading_coverage(&a.caller, id).await?;
    Ok(Json(
        cov.into_iter()
            .map(|c| CoverageDto {
                person_id: c.person_id.0,
                name: c.name,
                group: c.group,
                available: c.available,
                opened: c.opened,
                read: c.read,
                notes: c.notes,
                seconds: c.seconds,
            })
            .collect(),
    ))
}
