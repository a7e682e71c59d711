//! Assessment cycles: list, create (or copy), the cycle page with its phase
//! and scheme, and phase moves.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::form::Form;
use crate::org::pages::{TreeRow, rows};
use crate::views::FlashQuery;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::scheme::Component;
use kaoping_core::cycles::{Cycle, CycleInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, OrgUnitId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "cycles/cycles_list.html")]
struct ListView {
    page: Page,
    cycles: Vec<Cycle>,
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let cycles = state.services.cycles.cycles_list(&a.caller).await?;
    let page = Page::new(&state, &a.ctx, "cycles-title").crumb("nav-cycles", None).flash(q.flash.as_deref());
    Ok(render(&ListView { page, cycles }))
}

#[derive(Deserialize, Default)]
pub struct CycleForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub year: String,
    pub ballot_mode: Option<String>,
    pub organizer_id: Option<String>,
    pub copy_from: Option<String>,
}

#[derive(Template)]
#[template(path = "cycles/cycle_new.html")]
struct NewView {
    page: Page,
    form: CycleForm,
    units: Vec<TreeRow>,
    cycles: Vec<Cycle>,
    errors: FormErrors,
}

async fn new_view(state: &AppState, a: &crate::ctx::Auth, form: CycleForm, errors: FormErrors) -> AppResult<NewView> {
    let units = rows(a.ctx.lang, state.services.org.org_tree(&a.caller, false).await?);
    let cycles = state.services.cycles.cycles_list(&a.caller).await?;
    let page =
        Page::new(state, &a.ctx, "cycle-new").crumb("nav-cycles", Some("/admin/cycles")).crumb("cycle-new", None);
    Ok(NewView { page, form, units, cycles, errors })
}

pub async fn new_form(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    let year = state.services.clock.now().with_timezone(&kaoping_core::time::DEFAULT_TZ).format("%Y").to_string();
    let form = CycleForm { year, ..Default::default() };
    Ok(render(&new_view(&state, &a, form, FormErrors::default()).await?))
}

pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Form(f): Form<CycleForm>,
) -> AppResult<Response> {
    let input = CycleInput { name: f.name.clone(), year: f.year.clone(), ballot_mode: f.ballot_mode.clone() };
    let parse = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    let result = match parse(&f.organizer_id) {
        Some(org) => {
            state
                .services
                .cycles
                .cycle_create(&a.caller, OrgUnitId(org), &input, parse(&f.copy_from).map(CycleId))
                .await
        }
        None => Err(CoreError::invalid("organizer_id", kaoping_core::Msg::new("err-org-unknown"))),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/admin/cycles/{}?flash=cycle-created", c.id)).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = new_view(&state, &a, f, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One step of the phase bar.
pub struct Step {
    pub label: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "cycles/cycle_show.html")]
struct ShowView {
    page: Page,
    cycle: Cycle,
    steps: Vec<Step>,
    next: Option<(String, String)>,
    problems: Vec<String>,
    warnings: Vec<String>,
    components: Vec<(String, String)>,
    groups: Vec<(String, String, String)>,
    bands: Vec<(String, String)>,
    rules: Vec<(String, String)>,
    subjects: Vec<(kaoping_core::cycles::roster::Subject, String)>,
    people: Vec<kaoping_core::ports::PersonRow>,
    evaluators: Vec<(kaoping_core::cycles::roster::Evaluator, String)>,
    deadline: String,
    turnout: Option<kaoping_core::services::Turnout>,
    errors: FormErrors,
}

async fn show_view(state: &AppState, a: &crate::ctx::Auth, id: CycleId, errors: FormErrors) -> AppResult<ShowView> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let steps = Phase::ALL
        .iter()
        .map(|p| Step {
            label: lang.t(&p.label_key()),
            state: match p.cmp(&cycle.phase) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            },
        })
        .collect();
    let next = cycle.phase.next().map(|p| (p.as_str().to_string(), lang.t(&p.label_key())));
    let problems = cycle
        .scheme
        .validate(&cycle.category_codes())
        .err()
        .unwrap_or_default()
        .iter()
        .map(|e| lang.msg(&e.msg))
        .collect();
    // Nothing supplies routine, observation or service values yet.
    let warnings = cycle
        .scheme
        .unsourced(|_| false)
        .into_iter()
        .map(|c| lang.t_args("scheme-unsourced", &[("component", lang.t(&format!("component-{}", c.as_str())))]))
        .collect();
    let components = Component::ALL
        .iter()
        .map(|c| (lang.t(&format!("component-{}", c.as_str())), cycle.scheme.weight_of(*c).to_string()))
        .collect();
    let grade_name = |code: &str| {
        cycle.scheme.grades.iter().find(|g| g.code == code).map(|g| g.label.clone()).unwrap_or_else(|| code.to_string())
    };
    let all = cycle.categories.iter().all(|c| cycle.scheme.groups.iter().all(|g| g.categories.contains(&c.code)));
    let groups = cycle
        .scheme
        .groups
        .iter()
        .map(|g| {
            let cats = if all && g.categories.len() == cycle.categories.len() {
                lang.t("scheme-all-categories")
            } else {
                g.categories.iter().map(|c| cycle.category_name(c)).collect::<Vec<_>>().join("、")
            };
            (g.label.clone(), g.weight.to_string(), cats)
        })
        .collect();
    let bands = cycle.scheme.rules.bands.iter().map(|b| (b.threshold.to_string(), grade_name(&b.grade))).collect();
    let none = lang.t("scheme-none");
    let frac = |f: Option<kaoping_core::exact::Frac>| f.map(|f| f.to_string()).unwrap_or_else(|| none.clone());
    let rules = vec![
        (lang.t("scheme-trim"), cycle.scheme.trim.to_string()),
        (lang.t("scheme-ballot-quota"), frac(cycle.scheme.ballot_quota)),
        (lang.t("scheme-veto-grade"), grade_name(&cycle.scheme.rules.veto_grade)),
        (lang.t("scheme-poor-threshold"), frac(cycle.scheme.rules.poor_vote_threshold)),
        (lang.t("scheme-excellent-quota"), frac(cycle.scheme.rules.excellent_quota)),
        (lang.t("scheme-gate"), lang.t(if cycle.scheme.rules.gate { "yes" } else { "no" })),
    ];
    let page = Page::new(state, &a.ctx, "cycle-title")
        .title_text(cycle.name.clone())
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), None);
    let subjects = state
        .services
        .cycles
        .subjects_list(&a.caller, cycle.id)
        .await?
        .into_iter()
        .map(|s| {
            let cat = cycle.category_name(&s.category);
            (s, cat)
        })
        .collect();
    let people = if cycle.phase.rosters_editable() {
        state.services.people.people_list(&a.caller, None, 0, 500).await?.0
    } else {
        Vec::new()
    };
    let evaluators = state
        .services
        .cycles
        .evaluators_list(&a.caller, cycle.id)
        .await?
        .into_iter()
        .map(|e| {
            let g = cycle.scheme.group_label(&e.group);
            (e, g)
        })
        .collect();
    let deadline = crate::reports::pages::deadline_text(&cycle);
    let turnout = if cycle.phase >= Phase::Evaluation {
        Some(state.services.voting.turnout(&a.caller, cycle.id).await?)
    } else {
        None
    };
    Ok(ShowView {
        page,
        deadline,
        turnout,
        cycle,
        steps,
        next,
        problems,
        warnings,
        components,
        groups,
        bands,
        rules,
        subjects,
        people,
        evaluators,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let mut view = show_view(&state, &a, id, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

#[derive(Deserialize)]
pub struct PhaseForm {
    pub to: String,
}

pub async fn advance(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<PhaseForm>,
) -> AppResult<Response> {
    let Some(to) = Phase::parse(&f.to) else {
        return Err(crate::error::AppError::bad_request(
            kaoping_core::Msg::new("err-phase-order").arg("from", "").arg("to", &f.to),
        ));
    };
    match state.services.cycles.cycle_advance(&a.caller, id, to).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=cycle-advanced")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = show_view(&state, &a, id, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SubjectForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub category: String,
    pub mode: Option<String>,
    pub post: Option<String>,
}

pub async fn add_subject(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<SubjectForm>,
) -> AppResult<Response> {
    let input = kaoping_core::cycles::roster::SubjectInput {
        person_id: f.person_id,
        category: f.category,
        mode: f.mode,
        post: f.post,
    };
    match state.services.cycles.subject_add(&a.caller, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=subject-added#subjects")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = show_view(&state, &a, id, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_subject(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, sid)): Path<(CycleId, i64)>,
) -> AppResult<Response> {
    match state.services.cycles.subject_remove(&a.caller, id, sid).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=subject-removed#subjects")).into_response()),
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub dir: String,
}

pub async fn move_subject(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, sid)): Path<(CycleId, i64)>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    state.services.cycles.subject_move(&a.caller, id, sid, f.dir == "up").await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}#subject-{sid}")).into_response())
}

#[derive(Deserialize)]
pub struct EvaluatorForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub group: String,
}

pub async fn add_evaluator(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<EvaluatorForm>,
) -> AppResult<Response> {
    match state.services.cycles.evaluator_add(&a.caller, id, &f.person_id, &f.group).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=evaluator-added#evaluators")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = show_view(&state, &a, id, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_evaluator(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, eid)): Path<(CycleId, i64)>,
) -> AppResult<Response> {
    match state.services.cycles.evaluator_remove(&a.caller, id, eid).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=evaluator-removed#evaluators")).into_response()),
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
