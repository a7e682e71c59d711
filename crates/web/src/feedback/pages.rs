//! Critiques, problems and feedback sheets (`/admin/cycles/{id}/feedback…`)
//! for the organizer; the subject's own sheets (`/my/feedback…`).

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use crate::form::Form;
use crate::i18n::Lang;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::feedback_settings::FeedbackSettingsInput;
use kaoping_core::error::{CoreError, Msg};
use kaoping_core::feedback::{FeedbackSheet, ProblemInput, ProblemSource, Severity};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::rectification::PlanStatus;
use kaoping_core::services::{SubjectDetail, SubjectFeedback};
use kaoping_office::sheet_docx::{SheetLabels, feedback_sheet_docx, zip_files};
use serde::Deserialize;
use std::collections::HashMap;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn crumbs(page: Page, cycle: &Cycle) -> Page {
    page.crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
}

/// A date as written on a sheet.
fn long_date(lang: Lang, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    lang.msg(&Msg::new("date-long").arg("y", d.year()).arg("m", d.month()).arg("d", d.day()))
}

/// The words around a sheet's content, in `lang`.
fn labels(lang: Lang, s: &FeedbackSheet) -> SheetLabels {
    let c = &s.content;
    SheetLabels {
        subject: lang.t("sheet-subject"),
        post: lang.t("person-post"),
        unit: lang.t("sheet-unit"),
        category: lang.t("subject-category"),
        problems: lang.t("sheet-problems"),
        requirements: lang.t("sheet-requirements"),
        notes: c.problems.iter().map(|p| problem_note(lang, p)).collect(),
        issued_on: long_date(lang, c.issued_on),
    }
}

/// The note printed after a problem: tag, severity and source (with the
/// evaluator group of a remark).
pub(crate) fn problem_note(lang: Lang, p: &kaoping_core::feedback::SheetProblem) -> String {
    let mut source = lang.t(p.source.label_key());
    if let Some(g) = &p.group_label {
        source = format!("{source}·{g}");
    }
    lang.msg(
        &Msg::new("problem-note")
            .arg("tag", &p.tag)
            .arg("severity", lang.t(p.severity.label_key()))
            .arg("source", source),
    )
}

/// A file name safe inside a zip: no path separators or reserved characters.
fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) || c.is_control() { '_' } else { c })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

fn docx_of(lang: Lang, s: &FeedbackSheet) -> AppResult<Vec<u8>> {
    feedback_sheet_docx(&s.content, &labels(lang, s)).map_err(|e| CoreError::Store(e.to_string()).into())
}

fn docx_name(s: &FeedbackSheet) -> String {
    format!("feedback-{}-{:04}.docx", s.content.year, s.seq)
}

// ---------- overview and bulk issue ----------

#[derive(Template)]
#[template(path = "feedback/feedback.html")]
struct OverviewView {
    page: Page,
    cycle: Cycle,
    rows: Vec<SubjectFeedback>,
    plans: HashMap<PersonId, PlanStatus>,
    issued: usize,
    acknowledged: usize,
    notes: Vec<String>,
}

impl OverviewView {
    fn plan_of(&self, r: &SubjectFeedback) -> Option<PlanStatus> {
        self.plans.get(&r.subject.person_id).copied()
    }
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    pub flash: Option<String>,
    /// Issued count and skipped subjects of a bulk issue, to report.
    pub issued: Option<usize>,
}

pub async fn overview(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<OverviewQuery>,
) -> AppResult<Response> {
    let (cycle, rows) = state.services.feedback.feedback_overview(&a.caller, id).await?;
    let plans = state.services.rectification.plan_statuses(&a.caller, id).await?;
    let issued = rows.iter().filter(|r| r.sheet.is_some()).count();
    let acknowledged = rows.iter().filter(|r| r.sheet.as_ref().is_some_and(|s| s.acknowledged_at.is_some())).count();
    let notes = q.issued.map(|n| vec![a.ctx.lang.msg(&Msg::new("sheets-issued").arg("n", n))]).unwrap_or_default();
    let page = crumbs(Page::new(&state, &a.ctx, "feedback-title"), &cycle).crumb("feedback-title", None);
    let page = page.flash(q.flash.as_deref());
    Ok(render(&OverviewView { page, cycle, rows, plans, issued, acknowledged, notes }))
}

#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    pub category: String,
}

pub async fn issue(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    let category = Some(f.category.trim()).filter(|c| !c.is_empty());
    let out = state.services.feedback.sheets_issue(&a.caller, id, category).await?;
    if out.issued.is_empty() {
        let (cycle, rows) = state.services.feedback.feedback_overview(&a.caller, id).await?;
        let plans = state.services.rectification.plan_statuses(&a.caller, id).await?;
        let lang = a.ctx.lang;
        let mut notes = vec![lang.t("sheets-none-issued")];
        notes.extend(out.skipped.iter().map(|(name, why)| format!("{name}: {}", lang.t(why))));
        let issued = rows.iter().filter(|r| r.sheet.is_some()).count();
        let acknowledged =
            rows.iter().filter(|r| r.sheet.as_ref().is_some_and(|s| s.acknowledged_at.is_some())).count();
        let page = crumbs(Page::new(&state, &a.ctx, "feedback-title"), &cycle).crumb("feedback-title", None);
        let v = OverviewView { page, cycle, rows, plans, issued, acknowledged, notes };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response());
    }
    Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback?issued={}", out.issued.len())).into_response())
}

#[derive(Deserialize)]
pub struct ZipQuery {
    #[serde(default)]
    pub category: String,
}

/// Every issued sheet (of a category) as .docx files in one zip.
pub async fn sheets_zip(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<ZipQuery>,
) -> AppResult<Response> {
    let (_, rows) = state.services.feedback.feedback_overview(&a.caller, id).await?;
    let mut files = Vec::new();
    for r in rows {
        if !q.category.is_empty() && r.subject.category != q.category {
            continue;
        }
        if let Some(s) = r.sheet {
            files.push((format!("{:04}-{}.docx", s.seq, safe_name(&s.content.subject_name)), docx_of(a.ctx.lang, &s)?));
        }
    }
    let bytes = zip_files(&files).map_err(|e| CoreError::Store(e.to_string()))?;
    Ok(crate::sheet::download(bytes, "application/zip", &format!("feedback-sheets-{id}.zip")))
}

// ---------- settings ----------

#[derive(Template)]
#[template(path = "feedback/feedback_settings.html")]
struct SettingsView {
    page: Page,
    cycle: Cycle,
    f: FeedbackSettingsInput,
    errors: FormErrors,
}

impl SettingsView {
    /// The single-line fields: (name, label key, value, help key or "").
    fn fields(&self) -> Vec<(&'static str, &'static str, String, &'static str)> {
        let f = &self.f;
        vec![
            ("number_pattern", "fb-number-pattern", f.number_pattern.clone(), "fb-number-pattern-help"),
            ("issuing_body", "fb-issuing-body", f.issuing_body.clone(), ""),
            ("title", "fb-title", f.title.clone(), ""),
            ("plan_due_days", "fb-plan-due-days", f.plan_due_days.clone(), ""),
            ("title_font", "fb-title-font", f.title_font.clone(), ""),
            ("body_font", "fb-body-font", f.body_font.clone(), ""),
            ("body_size_half_points", "fb-body-size", f.body_size_half_points.clone(), "fb-body-size-help"),
            ("reminder_days", "fb-reminder-days", f.reminder_days.clone(), "fb-reminder-days-help"),
            ("min_group_votes", "fb-min-group-votes", f.min_group_votes.clone(), "fb-min-group-votes-help"),
        ]
    }
}

fn settings_input(c: &Cycle) -> FeedbackSettingsInput {
    FeedbackSettingsInput::from(&c.feedback)
}

pub async fn settings_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let page = crumbs(Page::new(&state, &a.ctx, "feedback-settings-title"), &cycle)
        .crumb("feedback-title", Some(&format!("/admin/cycles/{id}/feedback")))
        .crumb("feedback-settings-title", None);
    let f = settings_input(&cycle);
    Ok(render(&SettingsView { page, cycle, f, errors: FormErrors::default() }))
}

pub async fn settings_save(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<FeedbackSettingsInput>,
) -> AppResult<Response> {
    match state.services.rectification.feedback_settings_set(&a.caller, id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback?flash=saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
            let page = crumbs(Page::new(&state, &a.ctx, "feedback-settings-title"), &cycle)
                .crumb("feedback-title", Some(&format!("/admin/cycles/{id}/feedback")))
                .crumb("feedback-settings-title", None);
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&SettingsView { page, cycle, f, errors })).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------- one subject: critique and problems ----------

#[derive(Template)]
#[template(path = "feedback/feedback_subject.html")]
struct SubjectView {
    page: Page,
    d: SubjectDetail,
    /// The add form as entered (after an error).
    add: ProblemInput,
    errors: FormErrors,
    severities: Vec<Severity>,
    sources: Vec<ProblemSource>,
}

async fn subject_view(
    state: &AppState,
    a: &Auth,
    id: CycleId,
    pid: PersonId,
    add: ProblemInput,
    errors: FormErrors,
    flash: Option<&str>,
) -> AppResult<SubjectView> {
    let d = state.services.feedback.feedback_subject(&a.caller, id, pid).await?;
    let page = crumbs(Page::new(&state.clone(), &a.ctx, "feedback-subject-title"), &d.cycle)
        .crumb("feedback-title", Some(&format!("/admin/cycles/{id}/feedback")))
        .crumb_text(d.subject.person_name.clone(), None)
        .flash(flash);
    Ok(SubjectView {
        page,
        d,
        add,
        errors,
        severities: Severity::ALL.to_vec(),
        sources: vec![ProblemSource::Critique, ProblemSource::Routine],
    })
}

pub async fn subject(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let add = ProblemInput { source: "critique".into(), severity: "moderate".into(), ..Default::default() };
    Ok(render(&subject_view(&state, &a, id, pid, add, FormErrors::default(), q.flash.as_deref()).await?))
}

#[derive(Deserialize)]
pub struct CritiqueForm {
    #[serde(default)]
    pub critique: String,
    /// "meeting" to go back to the meeting console.
    #[serde(default)]
    pub back: String,
}

pub async fn critique(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<CritiqueForm>,
) -> AppResult<Response> {
    match state.services.feedback.critique_set(&a.caller, id, pid, &f.critique).await {
        Ok(()) if f.back == "meeting" => {
            Ok(Redirect::to(&format!("/admin/cycles/{id}/meeting?flash=critique-saved#critique")).into_response())
        }
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{pid}?flash=critique-saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let add = ProblemInput { source: "critique".into(), ..Default::default() };
            let mut v = subject_view(&state, &a, id, pid, add, errors, None).await?;
            if let Some(c) = v.d.critique.as_mut() {
                c.text = f.critique;
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn problem_add(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<ProblemInput>,
) -> AppResult<Response> {
    match state.services.feedback.problem_add(&a.caller, id, pid, &f).await {
        Ok(p) => Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{pid}?flash=problem-added#problem-{}", p.id))
            .into_response()),
        Err(CoreError::Invalid(errs)) => {
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let v = subject_view(&state, &a, id, pid, f, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn problem_update(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, prob)): Path<(CycleId, i64)>,
    Form(f): Form<ProblemInput>,
) -> AppResult<Response> {
    let p = state.services.feedback.problem_update(&a.caller, id, prob, &f).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{}?flash=saved#problem-{prob}", p.subject_id))
        .into_response())
}

pub async fn problem_delete(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, prob)): Path<(CycleId, i64)>,
) -> AppResult<Response> {
    let pid = state.services.feedback.problem_delete(&a.caller, id, prob).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{pid}?flash=problem-deleted")).into_response())
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub dir: String,
}

pub async fn problem_move(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, prob)): Path<(CycleId, i64)>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let pid = state.services.feedback.problem_move(&a.caller, id, prob, f.dir == "up").await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{pid}#problem-{prob}")).into_response())
}

// ---------- the sheet: printable page and .docx ----------

#[derive(Template)]
#[template(path = "feedback/feedback_sheet.html")]
struct SheetView {
    page: Page,
    sheet: FeedbackSheet,
    issued_on: String,
    /// The subject's own view: acknowledge button and their links.
    own: bool,
}

impl SheetView {
    fn note(&self, p: &kaoping_core::feedback::SheetProblem) -> String {
        problem_note(self.page.lang, p)
    }
}

pub async fn organizer_sheet(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    let sheet = state.services.feedback.sheet_for_organizer(&a.caller, id, pid).await?;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let page = crumbs(Page::new(&state, &a.ctx, "sheet-title"), &cycle)
        .crumb("feedback-title", Some(&format!("/admin/cycles/{id}/feedback")))
        .crumb_text(sheet.number.clone(), None);
    let issued_on = long_date(a.ctx.lang, sheet.content.issued_on);
    Ok(render(&SheetView { page, sheet, issued_on, own: false }))
}

pub async fn organizer_docx(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    let sheet = state.services.feedback.sheet_for_organizer(&a.caller, id, pid).await?;
    Ok(crate::sheet::download(docx_of(a.ctx.lang, &sheet)?, DOCX, &docx_name(&sheet)))
}

// ---------- the subject's own sheets ----------

#[derive(Template)]
#[template(path = "feedback/my_feedback.html")]
struct MineView {
    page: Page,
    sheets: Vec<FeedbackSheet>,
}

pub async fn mine(State(state): State<AppState>, a: Auth) -> AppResult<Response> {
    let sheets = state.services.feedback.my_sheets(&a.caller).await?;
    Ok(render(&MineView { page: Page::new(&state, &a.ctx, "my-feedback-title"), sheets }))
}

pub async fn my_sheet(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let sheet = state.services.feedback.my_sheet(&a.caller, cycle).await?;
    let page = Page::new(&state, &a.ctx, "sheet-title")
        .crumb("my-feedback-title", Some("/my/feedback"))
        .crumb_text(sheet.number.clone(), None)
        .flash(q.flash.as_deref());
    let issued_on = long_date(a.ctx.lang, sheet.content.issued_on);
    Ok(render(&SheetView { page, sheet, issued_on, own: true }))
}

pub async fn acknowledge(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<Response> {
    state.services.feedback.sheet_acknowledge(&a.caller, cycle).await?;
    Ok(Redirect::to(&format!("/my/feedback/{cycle}?flash=sheet-acknowledged")).into_response())
}

pub async fn my_docx(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<Response> {
    let sheet = state.services.feedback.my_sheet(&a.caller, cycle).await?;
    Ok(crate::sheet::download(docx_of(a.ctx.lang, &sheet)?, DOCX, &docx_name(&sheet)))
}
