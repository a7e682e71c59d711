//! Roster sheets of a cycle: the subject and evaluator rosters as xlsx —
//! template/export, and all-or-nothing import with a row report.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::views::{Page, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::error::CoreError;
use kaoping_core::ids::CycleId;

// ---- subject roster import and export ----

const SUBJECT_COLUMNS: crate::sheet::Columns = &[
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
    report: Vec<crate::sheet::ReportRow>,
    summary: Option<String>,
) -> crate::sheet::ImportView {
    let (title, intro, export) = match roster {
        "subjects" => ("subjects-import", "subjects-import-intro", "subjects-export"),
        _ => ("evaluators-import", "evaluators-import-intro", "evaluators-export"),
    };
    let page = Page::new(state, &a.ctx, title)
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
        .crumb(title, None);
    crate::sheet::ImportView {
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
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    Ok(render(&roster_import_view(&state, &a, &cycle, "subjects", Vec::new(), None)))
}

pub async fn subjects_import(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let fail = |report: Vec<crate::sheet::ReportRow>| {
        let view = roster_import_view(&state, &a, &cycle, "subjects", report, Some(lang.t("import-failed")));
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
    };
    let (sheet, map) =
        match crate::sheet::read_upload(&mut mp, lang, SUBJECT_COLUMNS, &["name", "org_code", "category"]).await? {
            Ok(x) => x,
            Err(report) => return Ok(fail(report)),
        };
    let rows: Vec<kaoping_core::cycles::roster::SubjectRowInput> = sheet
        .rows
        .iter()
        .map(|(n, cells)| {
            let mut r = kaoping_core::cycles::roster::SubjectRowInput { row: *n, ..Default::default() };
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
    match state.services.cycles.subjects_import(&a.caller, id, &rows).await {
        Ok(n) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=subjects-imported#subjects")).into_response())
            .inspect(|_| {
                tracing::info!(cycle = id.0, subjects = n, "subject roster imported");
            }),
        Err(CoreError::Invalid(errs)) => Ok(fail(crate::sheet::report_for(lang, SUBJECT_COLUMNS, &errs))),
        Err(CoreError::Conflict(m)) => {
            Ok(fail(vec![crate::sheet::ReportRow { row: String::new(), column: String::new(), message: lang.msg(&m) }]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The roster as a sheet in the import format (also the template when empty).
pub async fn subjects_export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let subjects = state.services.cycles.subjects_list(&a.caller, id).await?;
    let units: Vec<_> = subjects.iter().filter_map(|s| s.org_unit_id).collect();
    let codes = state.services.org.org_codes(&a.caller, &units).await?;
    let mut rows = Vec::with_capacity(subjects.len());
    for s in &subjects {
        let code = s.org_unit_id.and_then(|u| codes.get(&u).cloned()).unwrap_or_default();
        let cat = cycle.category_name(&s.category);
        rows.push(vec![s.person_name.clone(), code, cat, lang.tp_mode(s.mode), s.post.clone()]);
    }
    let bytes = kaoping_office::write_xlsx(&lang.t("subjects-title"), &subject_columns(lang, &cycle), &rows)
        .map_err(|_| crate::error::AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(crate::sheet::xlsx(bytes, &format!("subjects-{id}.xlsx")))
}

// ---- evaluator roster import and export ----

const EVALUATOR_COLUMNS: crate::sheet::Columns =
    &[("name", "evaluator-col-name"), ("org_code", "evaluator-col-org"), ("group", "evaluator-col-group")];

pub async fn evaluators_import_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    Ok(render(&roster_import_view(&state, &a, &cycle, "evaluators", Vec::new(), None)))
}

pub async fn evaluators_import(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let fail = |report: Vec<crate::sheet::ReportRow>| {
        let view = roster_import_view(&state, &a, &cycle, "evaluators", report, Some(lang.t("import-failed")));
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
    };
    let (sheet, map) =
        match crate::sheet::read_upload(&mut mp, lang, EVALUATOR_COLUMNS, &["name", "org_code", "group"]).await? {
            Ok(x) => x,
            Err(report) => return Ok(fail(report)),
        };
    let rows: Vec<kaoping_core::cycles::roster::EvaluatorRowInput> = sheet
        .rows
        .iter()
        .map(|(n, cells)| {
            let mut r = kaoping_core::cycles::roster::EvaluatorRowInput { row: *n, ..Default::default() };
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
    match state.services.cycles.evaluators_import(&a.caller, id, &rows).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/cycles/{id}?flash=evaluators-imported#evaluators")).into_response()),
        Err(CoreError::Invalid(errs)) => Ok(fail(crate::sheet::report_for(lang, EVALUATOR_COLUMNS, &errs))),
        Err(CoreError::Conflict(m)) => {
            Ok(fail(vec![crate::sheet::ReportRow { row: String::new(), column: String::new(), message: lang.msg(&m) }]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The evaluator roster as a sheet in the import format.
pub async fn evaluators_export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    use kaoping_office::Column;
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let evaluators = state.services.cycles.evaluators_list(&a.caller, id).await?;
    let mut units = Vec::with_capacity(evaluators.len());
    for e in &evaluators {
        let person = state.services.people.person_get(&a.caller, e.person_id).await?;
        units.push(person.person.org_unit_id.unwrap_or(person.person.managed_by));
    }
    let codes = state.services.org.org_codes(&a.caller, &units).await?;
    let mut rows = Vec::with_capacity(evaluators.len());
    for (e, unit) in evaluators.iter().zip(&units) {
        let code = codes.get(unit).cloned().unwrap_or_default();
        let group = cycle.scheme.group_label(&e.group);
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
    Ok(crate::sheet::xlsx(bytes, &format!("evaluators-{id}.xlsx")))
}
