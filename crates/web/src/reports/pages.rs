//! Written reports: the subject's editor and upload; the organizer's
//! submission status, review (return/accept), reading coverage and the
//! cycle's reporting settings.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::reports::reader::file_response;
use crate::views::FlashQuery;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::roster::Subject;
use kaoping_core::error::{CoreError, Msg};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::reports::{AttachmentChange, NewAttachment, ReportSummary, template_body};
use kaoping_core::services::{CarryOver, Coverage, MyReport, ReportSave, is_late};
use serde::Deserialize;

/// A date in the organizer's time zone, as the deadline input shows it.
pub fn deadline_text(cycle: &Cycle) -> String {
    cycle
        .settings
        .report_deadline
        .map(|d| d.with_timezone(&kaoping_core::time::DEFAULT_TZ).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

// ---------- the subject ----------

#[derive(Template)]
#[template(path = "reports/my_reports.html")]
struct MineView {
    page: Page,
    rows: Vec<(Cycle, Subject, Option<ReportSummary>, String)>,
}

pub async fn mine(State(state): State<AppState>, a: Auth) -> AppResult<Response> {
    let rows = state
        .services
        .reports
        .my_reports(&a.caller)
        .await?
        .into_iter()
        .map(|(c, s, r)| {
            let d = deadline_text(&c);
            (c, s, r, d)
        })
        .collect();
    let page = Page::new(&state, &a.ctx, "my-reports-title").crumb("my-reports-title", None);
    Ok(render(&MineView { page, rows }))
}

#[derive(Template)]
#[template(path = "reports/report_edit.html")]
struct EditView {
    page: Page,
    r: MyReport,
    /// Last year's problems and their rectification (上年度问题整改落实情况).
    carry: CarryOver,
    body: String,
    deadline: String,
    late: bool,
    editable: bool,
    max_mb: usize,
    errors: FormErrors,
}

/// A new report's section on last year's problems, pre-filled from the
/// ledger (the subject edits it like the rest).
fn carry_over_html(lang: crate::i18n::Lang, c: &CarryOver) -> String {
    if c.items.is_empty() {
        return String::new();
    }
    let esc = kaoping_core::reports::escape_text;
    let mut out = format!("<h3>{}</h3><ol>", esc(&lang.t("carry-over-title")));
    for it in &c.items {
        let state = if it.problem.status == kaoping_core::feedback::ProblemStatus::SignedOff {
            lang.t("signed-off")
        } else {
            lang.t("ledger-open")
        };
        let line = lang.msg(&Msg::new("carry-over-line").arg("text", &it.problem.text).arg("state", state));
        out.push_str(&format!("<li>{}", esc(&line)));
        for m in &it.measures {
            let line = lang.msg(&Msg::new("carry-over-measure").arg("text", &m.text).arg("percent", m.percent));
            out.push_str(&format!("<br>{}", esc(&line)));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out
}

async fn edit_view(
    state: &AppState,
    a: &Auth,
    r: MyReport,
    body: Option<String>,
    errors: FormErrors,
) -> AppResult<EditView> {
    let carry = state.services.rectification.carry_over(&r.cycle, r.subject.person_id).await?;
    let body = body.unwrap_or_else(|| match &r.report {
        Some(rep) => rep.body_html.clone(),
        None => template_body(&r.cycle.settings.report_template) + &carry_over_html(a.ctx.lang, &carry),
    });
    let deadline = deadline_text(&r.cycle);
    let summary = r.report.as_ref().map(|x| ReportSummary {
        person_id: x.person_id,
        status: x.status,
        version: x.version,
        updated_at: x.updated_at,
        submitted_at: x.submitted_at,
        has_attachment: x.attachment.is_some(),
    });
    let late = is_late(&r.cycle.settings, summary.as_ref(), state.services.clock.now());
    let page = Page::new(state, &a.ctx, "report-edit-title")
        .crumb("my-reports-title", Some("/my/reports"))
        .crumb_text(r.cycle.name.clone(), None);
    let editable = r.cycle.phase.reports_open() && r.report.as_ref().is_none_or(|x| x.status.editable());
    let max_mb = state.config.max_upload_bytes / (1024 * 1024);
    Ok(EditView { page, r, carry, body, deadline, late, editable, max_mb, errors })
}

pub async fn edit(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let r = state.services.reports.my_report(&a.caller, cycle).await?;
    let mut view = edit_view(&state, &a, r, None, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

/// Read the editor form: body, optional file, remove flag, and the action.
async fn read_form(mp: &mut Multipart, max: usize) -> AppResult<(String, Option<(String, Vec<u8>)>, bool, bool)> {
    let (mut body, mut file, mut remove, mut submit) = (String::new(), None, false, false);
    let bad = |_| AppError::bad_request(Msg::new("err-upload"));
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "body" => body = field.text().await.map_err(bad)?,
            "remove_file" => remove = !field.text().await.map_err(bad)?.is_empty(),
            "action" => submit = field.text().await.map_err(bad)? == "submit",
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let data = field.bytes().await.map_err(|_| {
                    AppError::bad_request(Msg::new("err-upload-too-large").arg("max", max / (1024 * 1024)))
                })?;
                if !name.is_empty() || !data.is_empty() {
                    file = Some((name, data.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok((body, file, remove, submit))
}

pub async fn save(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Only the subject gets as far as the body (others: an audited 403).
    state.services.reports.my_report(&a.caller, cycle).await?;
    let mut mp = <Multipart as axum::extract::FromRequest<()>>::from_request(req, &())
        .await
        .map_err(|_| AppError::bad_request(Msg::new("err-upload")))?;
    let max = state.config.max_upload_bytes;
    let (body, file, remove, submit) = read_form(&mut mp, max).await?;
    let attachment = match file {
        Some((name, data)) => {
            let checked = {
                let (name, data) = (name.clone(), data.clone());
                tokio::task::spawn_blocking(move || kaoping_office::docs::check_document(&name, &data, max))
                    .await
                    .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?
            };
            match checked {
                Ok(doc) => {
                    let digest = kaoping_core::reports::content_digest(&data);
                    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
                    AttachmentChange::Replace(NewAttachment {
                        digest,
                        name,
                        media_type: doc.kind.media_type().into(),
                        data,
                        text: doc.text,
                    })
                }
                Err(msg) => {
                    let r = state.services.reports.my_report(&a.caller, cycle).await?;
                    let errors = FormErrors::from_fields(a.ctx.lang, &[kaoping_core::FieldError::new("file", msg)]);
                    let view = edit_view(&state, &a, r, Some(body), errors).await?;
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response());
                }
            }
        }
        None if remove => AttachmentChange::Remove,
        None => AttachmentChange::Keep,
    };
    let save = ReportSave { body_html: body.clone(), attachment, submit };
    match state.services.reports.report_save(&a.caller, cycle, save).await {
        Ok(_) => {
            let flash = if submit { "report-submitted" } else { "report-saved" };
            Ok(Redirect::to(&format!("/my/reports/{cycle}?flash={flash}")).into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            let r = state.services.reports.my_report(&a.caller, cycle).await?;
            let view = edit_view(&state, &a, r, Some(body), FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn own_file(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<Response> {
    let person = a.caller.actor.person_id;
    let (name, blob) = state.services.reports.report_file(&a.caller, cycle, person).await?;
    Ok(file_response(&name, blob))
}

// ---------- the organizer ----------

/// One row of the submission table.
pub struct SubmissionRow {
    pub subject: Subject,
    pub report: Option<ReportSummary>,
    pub late: bool,
}

/// Counts per category.
pub struct CategoryCount {
    pub name: String,
    pub total: usize,
    pub handed_in: usize,
    pub accepted: usize,
    pub late: usize,
}

#[derive(Template)]
#[template(path = "reports/submissions.html")]
struct SubmissionsView {
    page: Page,
    cycle: Cycle,
    groups: Vec<(CategoryCount, Vec<SubmissionRow>)>,
    deadline: String,
    filter: String,
    q: String,
    found: Option<usize>,
}

#[derive(Deserialize, Default)]
pub struct SubmissionQuery {
    pub flash: Option<String>,
    /// `late`, `pending` (not handed in) or empty.
    #[serde(default)]
    pub show: String,
    /// Words to find in the reports' text.
    #[serde(default)]
    pub q: String,
}

pub async fn submissions(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<SubmissionQuery>,
) -> AppResult<Response> {
    let s = state.services.reports.submissions(&a.caller, id).await?;
    let found: Option<std::collections::HashSet<PersonId>> = if q.q.trim().is_empty() {
        None
    } else {
        Some(state.services.reports.reports_search(&a.caller, id, &q.q).await?.into_iter().collect())
    };
    let now = state.services.clock.now();
    let mut groups: Vec<(CategoryCount, Vec<SubmissionRow>)> = s
        .cycle
        .categories
        .iter()
        .map(|c| (CategoryCount { name: c.name.clone(), total: 0, handed_in: 0, accepted: 0, late: 0 }, Vec::new()))
        .collect();
    for (subject, report) in s.rows {
        let Some(i) = s.cycle.categories.iter().position(|c| c.code == subject.category) else { continue };
        let late = is_late(&s.cycle.settings, report.as_ref(), now);
        let handed_in = report.as_ref().is_some_and(|r| r.status.handed_in());
        let (count, rows) = &mut groups[i];
        count.total += 1;
        count.handed_in += usize::from(handed_in);
        count.accepted += usize::from(report.as_ref().is_some_and(|r| r.status.as_str() == "accepted"));
        count.late += usize::from(late);
        let shown = match q.show.as_str() {
            "late" => late,
            "pending" => !handed_in,
            _ => true,
        } && found.as_ref().is_none_or(|f| f.contains(&subject.person_id));
        if shown {
            rows.push(SubmissionRow { subject, report, late });
        }
    }
    groups.retain(|(c, _)| c.total > 0);
    let deadline = deadline_text(&s.cycle);
    let page = Page::new(&state, &a.ctx, "submissions-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(s.cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("submissions-title", None)
        .flash(q.flash.as_deref());
    Ok(render(&SubmissionsView {
        page,
        cycle: s.cycle,
        groups,
        deadline,
        filter: q.show,
        q: q.q,
        found: found.map(|f| f.len()),
    }))
}

#[derive(Template)]
#[template(path = "reports/report_review.html")]
struct ReviewView {
    page: Page,
    r: MyReport,
    carry: CarryOver,
    category: String,
    chars: usize,
    paragraphs: Vec<String>,
    errors: FormErrors,
}

async fn review_view(
    state: &AppState,
    a: &Auth,
    id: CycleId,
    pid: PersonId,
    errors: FormErrors,
) -> AppResult<ReviewView> {
    let r = state.services.reports.report_for_organizer(&a.caller, id, pid).await?;
    let carry = state.services.rectification.carry_over(&r.cycle, r.subject.person_id).await?;
    let category = r.cycle.category_name(&r.subject.category);
    let chars = r.report.as_ref().map(|x| x.text_chars()).unwrap_or(0);
    let paragraphs = r
        .report
        .as_ref()
        .map(|x| x.attachment_text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let page = Page::new(state, &a.ctx, "report-review-title")
        .title_text(r.subject.person_name.clone())
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(r.cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("submissions-title", Some(&format!("/admin/cycles/{id}/reports")))
        .crumb_text(r.subject.person_name.clone(), None);
    Ok(ReviewView { page, r, carry, category, chars, paragraphs, errors })
}

pub async fn review_page(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let mut view = review_view(&state, &a, id, pid, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn review(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let accept = f.decision == "accept";
    match state.services.reports.report_review(&a.caller, id, pid, accept, &f.comment).await {
        Ok(_) => {
            let flash = if accept { "report-accepted" } else { "report-returned" };
            Ok(Redirect::to(&format!("/admin/cycles/{id}/reports/{pid}?flash={flash}")).into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            let view = review_view(&state, &a, id, pid, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn organizer_file(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    let (name, blob) = state.services.reports.report_file(&a.caller, id, pid).await?;
    Ok(file_response(&name, blob))
}

/// Coverage of one evaluator group.
pub struct GroupCoverage {
    pub label: String,
    pub evaluators: usize,
    pub available: usize,
    pub opened: usize,
    pub read: usize,
}

impl GroupCoverage {
    pub fn opened_pct(&self) -> usize {
        pct(self.opened, self.available)
    }

    pub fn read_pct(&self) -> usize {
        pct(self.read, self.available)
    }
}

pub fn pct(part: usize, whole: usize) -> usize {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

#[derive(Template)]
#[template(path = "reports/coverage.html")]
struct CoverageView {
    page: Page,
    cycle: Cycle,
    groups: Vec<GroupCoverage>,
    rows: Vec<(Coverage, String)>,
    chart: String,
}

pub async fn coverage(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let (cycle, cov) = state.services.reports.reading_coverage(&a.caller, id).await?;
    let groups: Vec<GroupCoverage> = cycle
        .scheme
        .groups
        .iter()
        .map(|g| {
            let mine = cov.iter().filter(|c| c.group == g.code);
            let mut gc = GroupCoverage { label: g.label.clone(), evaluators: 0, available: 0, opened: 0, read: 0 };
            for c in mine {
                gc.evaluators += 1;
                gc.available += c.available;
                gc.opened += c.opened;
                gc.read += c.read;
            }
            gc
        })
        .collect();
    let chart = serde_json::json!({
        "categories": groups.iter().map(|g| g.label.clone()).collect::<Vec<_>>(),
        "series": [
            {"name": lang.t("coverage-opened"), "data": groups.iter().map(GroupCoverage::opened_pct).collect::<Vec<_>>()},
            {"name": lang.t_args("coverage-read", &[("seconds", cycle.settings.min_read_seconds.to_string())]), "data": groups.iter().map(GroupCoverage::read_pct).collect::<Vec<_>>()},
        ],
    })
    .to_string();
    let mut rows: Vec<(Coverage, String)> = cov
        .into_iter()
        .map(|c| {
            let l = cycle.scheme.group_label(&c.group);
            (c, l)
        })
        .collect();
    rows.sort_by_key(|(c, _)| (pct(c.read, c.available), pct(c.opened, c.available)));
    let page = Page::new(&state, &a.ctx, "coverage-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("coverage-title", None);
    Ok(render(&CoverageView { page, cycle, groups, rows, chart }))
}
