//! The meeting console (`/admin/cycles/{id}/meeting`): agenda in
//! presentation order with "presenting now", voting open/close with turnout,
//! the live-tally setting, lost personal links, and paper ballots entered
//! by staff for evaluators without a phone.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::form::Form;
use crate::views::{FormErrors, Page, render};
use crate::voting::ballot::{Row, marks_from_form, rows};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::roster::Evaluator;
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::services::{BallotPage, Meeting};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "voting/meeting.html")]
struct MeetingView {
    page: Page,
    cycle: Cycle,
    m: Meeting,
    /// The subject presenting now and the critique recorded so far.
    critique: Option<(kaoping_core::cycles::roster::Subject, String)>,
}

fn crumbs(page: Page, cycle: &Cycle, key: &str) -> Page {
    page.crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
        .crumb(key, None)
}

pub async fn console(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let m = state.services.meeting.meeting(&a.caller, id).await?;
    let cycle = m.turnout.cycle.clone();
    let page = crumbs(Page::new(&state, &a.ctx, "meeting-title"), &cycle, "meeting-title").flash(q.flash.as_deref());
    let mut critique = None;
    if let Some(p) = cycle.voting.presenting
        && let Some((s, _)) = m.agenda.iter().find(|(s, _)| s.person_id == p)
    {
        let text =
            state.services.feedback.critique_get(&a.caller, cycle.id, p).await?.map(|c| c.text).unwrap_or_default();
        critique = Some((s.clone(), text));
    }
    Ok(render(&MeetingView { page, cycle, m, critique }))
}

#[derive(Deserialize)]
pub struct PresentingForm {
    #[serde(default)]
    pub subject: String,
}

pub async fn presenting(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<PresentingForm>,
) -> AppResult<Response> {
    let subject = f.subject.trim().parse::<i64>().ok().map(PersonId);
    state.services.meeting.presenting_set(&a.caller, id, subject).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/meeting#agenda")).into_response())
}

#[derive(Deserialize)]
pub struct LiveForm {
    #[serde(default)]
    pub on: String,
}

pub async fn live_tally(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<LiveForm>,
) -> AppResult<Response> {
    state.services.meeting.live_tally_set(&a.caller, id, f.on == "1").await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/meeting?flash=saved")).into_response())
}

#[derive(Template)]
#[template(path = "voting/paper_ballot.html")]
struct PaperView {
    page: Page,
    cycle: Cycle,
    evaluator: Evaluator,
    groups: Vec<(String, Vec<Row>)>,
    errors: FormErrors,
    key: String,
    paper: bool,
    /// Shown after a ballot was stored.
    receipt: String,
}

async fn paper_view(
    state: &AppState,
    a: &crate::ctx::Auth,
    id: CycleId,
    person: PersonId,
    draft: Vec<kaoping_core::voting::ballot::MarkInput>,
    errors: FormErrors,
    receipt: String,
) -> AppResult<PaperView> {
    let (cycle, evaluator, scope) = state.services.meeting.paper_scope(&a.caller, id, person).await?;
    let p = BallotPage { cycle, scope: scope.into(), draft, voted: false, unread: Default::default() };
    let groups = rows(&p);
    let page = crumbs(Page::new(state, &a.ctx, "paper-title"), &p.cycle, "paper-title");
    Ok(PaperView {
        page,
        cycle: p.cycle,
        evaluator,
        groups,
        errors,
        key: kaoping_core::accounts::auth::random_token(16),
        paper: true,
        receipt,
    })
}

pub async fn paper_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    Ok(render(&paper_view(&state, &a, id, person, Vec::new(), FormErrors::default(), String::new()).await?))
}

pub async fn paper_submit(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, person)): Path<(CycleId, PersonId)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, _, scope) = state.services.meeting.paper_scope(&a.caller, id, person).await?;
    let marks = marks_from_form(&scope, &fields);
    let key = fields.iter().find(|(k, _)| k == "key").map(|(_, v)| v.clone()).unwrap_or_default();
    match state.services.meeting.paper_ballot(&a.caller, id, person, &key, marks.clone()).await {
        Ok(receipt) => {
            let view = paper_view(&state, &a, id, person, marks, FormErrors::default(), receipt).await?;
            Ok(render(&view))
        }
        Err(CoreError::Invalid(errs)) => {
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let view = paper_view(&state, &a, id, person, marks, errors, String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
