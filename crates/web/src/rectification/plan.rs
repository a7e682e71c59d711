//! Rectification plans: the subject's measures per problem
//! (`/my/feedback/{cycle}/plan…`) and the organizer's review
//! (`/admin/cycles/{id}/feedback/{pid}/plan…`).

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use crate::form::Form;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::rectification::progress::{Due, ProgressInput};
use kaoping_core::rectification::{Measure, MeasureInput};
use kaoping_core::services::PlanPage;

#[derive(Template)]
#[template(path = "rectification/plan.html")]
pub(super) struct PlanView {
    page: Page,
    p: PlanPage,
    /// The subject's own page (editing) rather than the organizer's (review).
    own: bool,
    /// The problem whose add form failed, with what was entered.
    failed: Option<MeasureInput>,
    /// The measure whose progress form failed, with what was entered.
    failed_progress: Option<(i64, ProgressInput)>,
    errors: FormErrors,
}

impl PlanView {
    pub(super) fn new(page: Page, p: PlanPage, own: bool, errors: FormErrors) -> Self {
        Self { page, p, own, failed: None, failed_progress: None, errors }
    }

    pub(super) fn with_progress(mut self, measure: i64, input: ProgressInput) -> Self {
        self.failed_progress = Some((measure, input));
        self
    }

    /// The progress form's values for `measure` (what failed, or empty).
    fn progress_for(&self, measure: i64) -> ProgressInput {
        match &self.failed_progress {
            Some((m, i)) if *m == measure => i.clone(),
            _ => ProgressInput::default(),
        }
    }

    /// "due" / "overdue" / "" and the date or period to show.
    fn due_label(&self, measure: i64) -> (&'static str, String) {
        match self.p.due_of(measure) {
            Due::No => ("", String::new()),
            Due::Soon(d) => ("due", d.to_string()),
            Due::Overdue(p) => ("overdue", p.code()),
        }
    }

    /// The plan is approved: progress and sign-off apply.
    fn approved(&self) -> bool {
        self.p.plan.as_ref().is_some_and(|x| x.status == kaoping_core::rectification::PlanStatus::Approved)
    }

    /// An event's label.
    fn event_label(&self, kind: &str) -> String {
        self.page.tp("event", kind)
    }

    /// A measure's KPI as one line, e.g. "项目开复工率 60 → 90 %".
    fn kpi_line(&self, m: &Measure) -> String {
        m.kpi.as_ref().map_or_else(String::new, |k| {
            let now = k.current.map(|c| format!(" · {} {c}", self.page.t("kpi-current"))).unwrap_or_default();
            format!("{}{now}", kpi_span(k))
        })
    }

    /// The add form's values for `problem` (what failed, or empty).
    fn add_for(&self, problem: i64) -> MeasureInput {
        match &self.failed {
            Some(f) if f.problem_id == problem.to_string() => f.clone(),
            _ => MeasureInput::default(),
        }
    }
}

/// A target as "name baseline → target unit" (e.g. "项目开复工率 60 → 90 %").
pub(super) fn kpi_span(k: &kaoping_core::rectification::Kpi) -> String {
    format!("{} {} → {} {}", k.name, k.baseline, k.target, k.unit)
}

/// The values of a measure form.
struct MeasureForm {
    text: String,
    responsible: String,
    deadline: String,
    kpi_name: String,
    kpi_unit: String,
    kpi_baseline: String,
    kpi_target: String,
}

impl MeasureForm {
    fn of(m: &Measure) -> Self {
        let k = m.kpi.as_ref();
        Self {
            text: m.text.clone(),
            responsible: m.responsible.clone(),
            deadline: m.deadline.to_string(),
            kpi_name: k.map(|k| k.name.clone()).unwrap_or_default(),
            kpi_unit: k.map(|k| k.unit.clone()).unwrap_or_default(),
            kpi_baseline: k.map(|k| k.baseline.to_string()).unwrap_or_default(),
            kpi_target: k.map(|k| k.target.to_string()).unwrap_or_default(),
        }
    }

    fn input(i: MeasureInput) -> Self {
        Self {
            text: i.text,
            responsible: i.responsible,
            deadline: i.deadline,
            kpi_name: i.kpi_name,
            kpi_unit: i.kpi_unit,
            kpi_baseline: i.kpi_baseline,
            kpi_target: i.kpi_target,
        }
    }
}

pub(super) fn own_page(state: &AppState, a: &Auth, p: &PlanPage, flash: Option<&str>) -> Page {
    Page::new(state, &a.ctx, "plan-title")
        .crumb("my-feedback-title", Some("/my/feedback"))
        .crumb_text(p.sheet.number.clone(), Some(&format!("/my/feedback/{}", p.cycle.id)))
        .crumb("plan-title", None)
        .flash(flash)
}

pub async fn mine(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let p = state.services.rectification.my_plan(&a.caller, cycle).await?;
    let page = own_page(&state, &a, &p, q.flash.as_deref());
    Ok(render(&PlanView::new(page, p, true, FormErrors::default())))
}

/// Show the plan again with the errors of a failed change (422).
async fn refused(
    state: &AppState,
    a: &Auth,
    cycle: CycleId,
    failed: MeasureInput,
    errs: &[kaoping_core::FieldError],
) -> AppResult<Response> {
    let p = state.services.rectification.my_plan(&a.caller, cycle).await?;
    let page = own_page(state, a, &p, None);
    let errors = FormErrors::from_fields(a.ctx.lang, errs);
    let v = PlanView { failed: Some(failed), ..PlanView::new(page, p, true, errors) };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
}

pub async fn measure_add(
    State(state): State<AppState>,
    a: Auth,
    Path(cycle): Path<CycleId>,
    Form(f): Form<MeasureInput>,
) -> AppResult<Response> {
    match state.services.rectification.measure_add(&a.caller, cycle, &f).await {
        Ok(m) => {
            Ok(Redirect::to(&format!("/my/feedback/{cycle}/plan?flash=measure-saved#measure-{}", m.id)).into_response())
        }
        Err(CoreError::Invalid(errs)) => refused(&state, &a, cycle, f, &errs).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn measure_update(
    State(state): State<AppState>,
    a: Auth,
    Path((cycle, id)): Path<(CycleId, i64)>,
    Form(f): Form<MeasureInput>,
) -> AppResult<Response> {
    match state.services.rectification.measure_update(&a.caller, cycle, id, &f).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/my/feedback/{cycle}/plan?flash=measure-saved#measure-{id}")).into_response())
        }
        Err(CoreError::Invalid(errs)) => refused(&state, &a, cycle, MeasureInput::default(), &errs).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn measure_delete(
    State(state): State<AppState>,
    a: Auth,
    Path((cycle, id)): Path<(CycleId, i64)>,
) -> AppResult<Response> {
    state.services.rectification.measure_delete(&a.caller, cycle, id).await?;
    Ok(Redirect::to(&format!("/my/feedback/{cycle}/plan?flash=measure-deleted")).into_response())
}

pub async fn submit(State(state): State<AppState>, a: Auth, Path(cycle): Path<CycleId>) -> AppResult<Response> {
    match state.services.rectification.plan_submit(&a.caller, cycle).await {
        Ok(_) => Ok(Redirect::to(&format!("/my/feedback/{cycle}/plan?flash=plan-submitted")).into_response()),
        Err(CoreError::Invalid(errs)) => refused(&state, &a, cycle, MeasureInput::default(), &errs).await,
        Err(e) => Err(e.into()),
    }
}

pub(super) fn organizer_page(state: &AppState, a: &Auth, p: &PlanPage, flash: Option<&str>) -> Page {
    let id = p.cycle.id;
    Page::new(state, &a.ctx, "plan-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(p.cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("feedback-title", Some(&format!("/admin/cycles/{id}/feedback")))
        .crumb_text(
            p.sheet.content.subject_name.clone(),
            Some(&format!("/admin/cycles/{id}/feedback/{}", p.sheet.subject_id)),
        )
        .crumb("plan-title", None)
        .flash(flash)
}

pub async fn organizer(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let p = state.services.rectification.plan_for_organizer(&a.caller, id, pid).await?;
    let page = organizer_page(&state, &a, &p, q.flash.as_deref());
    Ok(render(&PlanView::new(page, p, false, FormErrors::default())))
}

pub async fn review(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<crate::reports::pages::ReviewForm>,
) -> AppResult<Response> {
    let approve = f.decision == "approve";
    match state.services.rectification.plan_review(&a.caller, id, pid, approve, &f.comment).await {
        Ok(_) => {
            let flash = if approve { "plan-approved" } else { "plan-returned" };
            Ok(Redirect::to(&format!("/admin/cycles/{id}/feedback/{pid}/plan?flash={flash}")).into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            let p = state.services.rectification.plan_for_organizer(&a.caller, id, pid).await?;
            let page = organizer_page(&state, &a, &p, None);
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let v = PlanView::new(page, p, false, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
