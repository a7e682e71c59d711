//! Assessment cycles: list, create (or copy), the cycle page with its phase
//! and scheme, and phase moves.

use super::org::{TreeRow, rows};
use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycle::{Cycle, CycleInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, OrgUnitId};
use kaoping_core::scheme::Component;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FlashQuery {
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "cycles_list.html")]
struct ListView {
    page: Page,
    cycles: Vec<Cycle>,
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let cycles = state.services.cycles_list(&a.caller).await?;
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
#[template(path = "cycle_new.html")]
struct NewView {
    page: Page,
    form: CycleForm,
    units: Vec<TreeRow>,
    cycles: Vec<Cycle>,
    errors: FormErrors,
}

async fn new_view(state: &AppState, a: &crate::ctx::Auth, form: CycleForm, errors: FormErrors) -> AppResult<NewView> {
    let units = rows(a.ctx.lang, state.services.org_tree(&a.caller, false).await?);
    let cycles = state.services.cycles_list(&a.caller).await?;
    let page =
        Page::new(state, &a.ctx, "cycle-new").crumb("nav-cycles", Some("/admin/cycles")).crumb("cycle-new", None);
    Ok(NewView { page, form, units, cycles, errors })
}

pub async fn new_form(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    let year = chrono::Utc::now().with_timezone(&kaoping_core::time::DEFAULT_TZ).format("%Y").to_string();
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
            state.services.cycle_create(&a.caller, OrgUnitId(org), &input, parse(&f.copy_from).map(CycleId)).await
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
#[template(path = "cycle_show.html")]
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
    subjects: Vec<(kaoping_core::roster::Subject, String)>,
    people: Vec<kaoping_core::ports::PersonRow>,
    evaluators: Vec<(kaoping_core::roster::Evaluator, String)>,
    deadline: String,
    turnout: Option<kaoping_core::services::Turnout>,
    errors: FormErrors,
}

async fn show_view(state: &AppState, a: &crate::ctx::Auth, id: i64, errors: FormErrors) -> AppResult<ShowView> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
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
    let cat_name = |code: &str| {
        cycle.categories.iter().find(|c| c.code == code).map(|c| c.name.clone()).unwrap_or_else(|| code.to_string())
    };
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
                g.categories.iter().map(|c| cat_name(c)).collect::<Vec<_>>().join("、")
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
        .subjects_list(&a.caller, cycle.id)
        .await?
        .into_iter()
        .map(|s| {
            let cat =
                cycle.categories.iter().find(|c| c.code == s.category).map(|c| c.name.clone()).unwrap_or_default();
            (s, cat)
        })
        .collect();
    let people = if cycle.phase.rosters_editable() {
        state.services.people_list(&a.caller, None, 0, 500).await?.0
    } else {
        Vec::new()
    };
    let evaluators = state
        .services
        .evaluators_list(&a.caller, cycle.id)
        .await?
        .into_iter()
        .map(|e| {
            let g = cycle.scheme.groups.iter().find(|g| g.code == e.group).map(|g| g.label.clone()).unwrap_or_default();
            (e, g)
        })
        .collect();
    let deadline = cycle
        .settings
        .report_deadline
        .map(|d| d.with_timezone(&kaoping_core::time::DEFAULT_TZ).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let turnout =
        if cycle.phase >= Phase::Evaluation { Some(state.services.turnout(&a.caller, cycle.id).await?) } else { None };
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
    Path(id): Path<i64>,
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
    Path(id): Path<i64>,
    Form(f): Form<PhaseForm>,
) -> AppResult<Response> {
    let Some(to) = Phase::parse(&f.to) else {
        return Err(crate::error::AppError::bad_request(
            kaoping_core::Msg::new("err-phase-order").arg("from", "").arg("to", &f.to),
        ));
    };
    match state.services.cycle_advance(&a.caller, CycleId(id), to).await {
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
    Path(id): Path<i64>,
    Form(f): Form<SubjectForm>,
) -> AppResult<Response> {
    let input =
        kaoping_core::roster::SubjectInput { person_id: f.person_id, category: f.category, mode: f.mode, post: f.post };
    match state.services.subject_add(&a.caller, CycleId(id), &input).await {
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
    Path((id, sid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match state.services.subject_remove(&a.caller, CycleId(id), sid).await {
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
    Path((id, sid)): Path<(i64, i64)>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    state.services.subject_move(&a.caller, CycleId(id), sid, f.dir == "up").await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}#subject-{sid}")).into_response())
}

// ---- subject roster import and export ----

const SUBJECT_COLUMNS: super::sheet::Columns = &[
    ("name", "subject-col-name"),
    ("org_code", "subject-col-org"),
    ("category", "subject-col-category"),
    ("mode", "subject-col-mode"),
    ("post", "subject-col-post"),
];

fn subject_columns(lang: crate::i18n::Lang, cycle: &Cycle) -> Vec<kaoping_office::Column> {
    use kaoping_office::Column;
    vec![
        Column::new(lang.t("subject-col-name"), 12.0),
        Column::new(lang.t("subject-col-org"), 16.0),
        Column::new(lang.t("subject-col-category"), 30.0)
            .choices(cycle.categories.iter().map(|c| c.name.clone()).collect()),
        Column::new(lang.t("subject-col-mode"), 12.0).choices(vec![lang.t("mode-on-stage"), lang.t("mode-written")]),
        Column::new(lang.t("subject-col-post"), 30.0),
    ]
}

/// The import page of one of a cycle's rosters (`subjects` or `evaluators`).
fn roster_import_view(
    state: &AppState,
    a: &crate::ctx::Auth,
    cycle: &Cycle,
    roster: &'static str,
    report: Vec<super::sheet::ReportRow>,
    summary: Option<String>,
) -> super::sheet::ImportView {
    let (title, intro, export) = match roster {
        "subjects" => ("subjects-import", "subjects-import-intro", "subjects-export"),
        _ => ("evaluators-import", "evaluators-import-intro", "evaluators-export"),
    };
    let page = Page::new(state, &a.ctx, title)
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
        .crumb(title, None);
    super::sheet::ImportView {
        page,
        action: format!("/admin/cycles/{}/{roster}/import", cycle.id),
        intro,
        download: format!("/admin/cycles/{}/{roster}.xlsx", cycle.id),
        download_label: export,
        report,
        summary,
    }
}

pub async fn subjects_import_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    Ok(render(&roster_import_view(&state, &a, &cycle, "subjects", Vec::new(), None)))
}

pub async fn subjects_import(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    let fail = |report: Vec<super::sheet::ReportRow>| {
        let view = roster_import_view(&state, &a, &cycle, "subjects", report, Some(lang.t("import-failed")));
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
    };
    let (sheet, map) =
        match super::sheet::read_upload(&mut mp, lang, SUBJECT_COLUMNS, &["name", "org_code", "category"]).await? {
            Ok(x) => x,
            Err(report) => return Ok(fail(report)),
        };
    let rows: Vec<kaoping_core::roster::SubjectRowInput> = sheet
        .rows
        .iter()
        .map(|(n, cells)| {
            let mut r = kaoping_core::roster::SubjectRowInput { row: *n, ..Default::default() };
            for (i, field) in map.iter().enumerate() {
                let v = cells.get(i).cloned().unwrap_or_default();
                match field {
                    Some("name") => r.name = v,
                    Some("org_code") => r.org_code = v,
                    Some("category") => r.category = v,
                    Some("mode") => r.mode = v,
                    Some("post") => r.post = v,
                    _ => {}
                }
            }
            r
        })
        .collect();
    match state.services.subjects_import(&a.caller, CycleId(id), &rows).await {
        Ok(n) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=subjects-imported#subjects")).into_response())
            .inspect(|_| {
                tracing::info!(cycle = id, subjects = n, "subject roster imported");
            }),
        Err(CoreError::Invalid(errs)) => Ok(fail(super::sheet::report_for(lang, SUBJECT_COLUMNS, &errs))),
        Err(CoreError::Conflict(m)) => {
            Ok(fail(vec![super::sheet::ReportRow { row: String::new(), column: String::new(), message: lang.msg(&m) }]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The roster as a sheet in the import format (also the template when empty).
pub async fn subjects_export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    let subjects = state.services.subjects_list(&a.caller, CycleId(id)).await?;
    let mut rows = Vec::with_capacity(subjects.len());
    for s in &subjects {
        let code = match s.org_unit_id {
            Some(u) => state.services.store.org_get(u).await?.map(|u| u.code).unwrap_or_default(),
            None => String::new(),
        };
        let cat = cycle.categories.iter().find(|c| c.code == s.category).map(|c| c.name.clone()).unwrap_or_default();
        rows.push(vec![s.person_name.clone(), code, cat, lang.tp_mode(s.mode), s.post.clone()]);
    }
    let bytes = kaoping_office::write_xlsx(&lang.t("subjects-title"), &subject_columns(lang, &cycle), &rows)
        .map_err(|_| crate::error::AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(super::sheet::xlsx(bytes, &format!("subjects-{id}.xlsx")))
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
    Path(id): Path<i64>,
    Form(f): Form<EvaluatorForm>,
) -> AppResult<Response> {
    match state.services.evaluator_add(&a.caller, CycleId(id), &f.person_id, &f.group).await {
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
    Path((id, eid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match state.services.evaluator_remove(&a.caller, CycleId(id), eid).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=evaluator-removed#evaluators")).into_response()),
        Err(CoreError::Conflict(m)) => {
            let view = show_view(&state, &a, id, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- evaluator roster import and export ----

const EVALUATOR_COLUMNS: super::sheet::Columns =
    &[("name", "evaluator-col-name"), ("org_code", "evaluator-col-org"), ("group", "evaluator-col-group")];

pub async fn evaluators_import_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    Ok(render(&roster_import_view(&state, &a, &cycle, "evaluators", Vec::new(), None)))
}

pub async fn evaluators_import(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    let fail = |report: Vec<super::sheet::ReportRow>| {
        let view = roster_import_view(&state, &a, &cycle, "evaluators", report, Some(lang.t("import-failed")));
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
    };
    let (sheet, map) =
        match super::sheet::read_upload(&mut mp, lang, EVALUATOR_COLUMNS, &["name", "org_code", "group"]).await? {
            Ok(x) => x,
            Err(report) => return Ok(fail(report)),
        };
    let rows: Vec<kaoping_core::roster::EvaluatorRowInput> = sheet
        .rows
        .iter()
        .map(|(n, cells)| {
            let mut r = kaoping_core::roster::EvaluatorRowInput { row: *n, ..Default::default() };
            for (i, field) in map.iter().enumerate() {
                let v = cells.get(i).cloned().unwrap_or_default();
                match field {
                    Some("name") => r.name = v,
                    Some("org_code") => r.org_code = v,
                    Some("group") => r.group = v,
                    _ => {}
                }
            }
            r
        })
        .collect();
    match state.services.evaluators_import(&a.caller, CycleId(id), &rows).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=evaluators-imported#evaluators")).into_response()),
        Err(CoreError::Invalid(errs)) => Ok(fail(super::sheet::report_for(lang, EVALUATOR_COLUMNS, &errs))),
        Err(CoreError::Conflict(m)) => {
            Ok(fail(vec![super::sheet::ReportRow { row: String::new(), column: String::new(), message: lang.msg(&m) }]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The evaluator roster as a sheet in the import format.
pub async fn evaluators_export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    use kaoping_office::Column;
    let lang = a.ctx.lang;
    let cycle = state.services.cycle_get(&a.caller, CycleId(id)).await?;
    let evaluators = state.services.evaluators_list(&a.caller, CycleId(id)).await?;
    let mut rows = Vec::with_capacity(evaluators.len());
    for e in &evaluators {
        let person = state.services.person_get(&a.caller, e.person_id).await?;
        let unit = person.person.org_unit_id.unwrap_or(person.person.managed_by);
        let code = state.services.store.org_get(unit).await?.map(|u| u.code).unwrap_or_default();
        let group = cycle.scheme.groups.iter().find(|g| g.code == e.group).map(|g| g.label.clone()).unwrap_or_default();
        rows.push(vec![e.person_name.clone(), code, group]);
    }
    let columns = vec![
        Column::new(lang.t("evaluator-col-name"), 12.0),
        Column::new(lang.t("evaluator-col-org"), 16.0),
        Column::new(lang.t("evaluator-col-group"), 24.0)
            .choices(cycle.scheme.groups.iter().map(|g| g.label.clone()).collect()),
    ];
    let bytes = kaoping_office::write_xlsx(&lang.t("evaluators-title"), &columns, &rows)
        .map_err(|_| crate::error::AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(super::sheet::xlsx(bytes, &format!("evaluators-{id}.xlsx")))
}
