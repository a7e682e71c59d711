//! Routine scores, routine grades and vetoes as a sheet: export (also the
//! template: one row per subject) and all-or-nothing import with a row
//! report. Subjects are matched by name within the cycle; rows left out of
//! the sheet keep what was entered before.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::views::{Page, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::error::{CoreError, FieldError};
use kaoping_core::exact::Dec4;
use kaoping_core::ids::CycleId;
use kaoping_core::results::sheet_rows::assessment_rows;
use kaoping_core::results::tally::RoutineGrade;
use kaoping_core::sheet_rows::CellRow;

const COLUMNS: crate::sheet::Columns = &[
    ("name", "subject-col-name"),
    ("routine", "component-routine"),
    ("observation", "component-observation"),
    ("service", "component-service"),
    ("routine_grade", "routine-grade"),
    ("veto", "veto-reason"),
];

fn view(
    state: &AppState,
    a: &crate::ctx::Auth,
    cycle: &Cycle,
    report: Vec<crate::sheet::ReportRow>,
    summary: Option<String>,
) -> crate::sheet::ImportView {
    let page = Page::new(state, &a.ctx, "assessments-import")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{}", cycle.id)))
        .crumb("assessments-title", Some(&format!("/admin/cycles/{}/assessments", cycle.id)))
        .crumb("assessments-import", None);
    crate::sheet::ImportView {
        page,
        action: format!("/admin/cycles/{}/assessments/import", cycle.id),
        intro: "assessments-import-intro",
        download: format!("/admin/cycles/{}/assessments.xlsx", cycle.id),
        download_label: "assessments-export",
        report,
        summary,
    }
}

pub async fn form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    Ok(render(&view(&state, &a, &cycle, Vec::new(), None)))
}

pub async fn export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    use kaoping_office::Column;
    let lang = a.ctx.lang;
    let (_, rows) = state.services.results.assessments(&a.caller, id).await?;
    let num = |key: &str| Column::new(lang.t(key), 12.0).numeric();
    let columns = vec![
        Column::new(lang.t("subject-col-name"), 12.0),
        num("component-routine"),
        num("component-observation"),
        num("component-service"),
        Column::new(lang.t("routine-grade"), 14.0)
            .choices(RoutineGrade::ALL.iter().map(|g| g.zh().to_string()).collect()),
        Column::new(lang.t("veto-reason"), 36.0),
    ];
    let text = |d: Option<Dec4>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(s, x)| {
            vec![
                s.person_name,
                text(x.routine),
                text(x.observation),
                text(x.service),
                x.routine_grade.map(|g| g.zh().to_string()).unwrap_or_default(),
                x.veto_reason.unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = kaoping_office::write_xlsx(&lang.t("assessments-title"), &columns, &rows)
        .map_err(|_| crate::error::AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(crate::sheet::xlsx(bytes, &format!("assessments-{id}.xlsx")))
}

pub async fn import(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let fail = |report: Vec<crate::sheet::ReportRow>| {
        (StatusCode::UNPROCESSABLE_ENTITY, render(&view(&state, &a, &cycle, report, Some(lang.t("import-failed")))))
            .into_response()
    };
    let (sheet, map) = match crate::sheet::read_upload(&mut mp, lang, COLUMNS, &["name"]).await? {
        Ok(x) => x,
        Err(report) => return Ok(fail(report)),
    };
    let (_, subjects) = state.services.results.assessments(&a.caller, id).await?;
    let cell_rows: Vec<CellRow> = sheet
        .rows
        .iter()
        .map(|(n, cells)| CellRow {
            row: *n,
            cells: map
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.map(|f| (f, cells.get(i).cloned().unwrap_or_default())))
                .collect(),
        })
        .collect();
    let rows = match assessment_rows(&subjects, &cell_rows) {
        Ok(rows) => rows,
        Err(errs) => return Ok(fail(crate::sheet::report_for(lang, COLUMNS, &errs))),
    };
    let sheet_rows: Vec<usize> = cell_rows.iter().map(|r| r.row).collect();
    match state.services.results.assessments_save(&a.caller, id, rows).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/cycles/{id}/assessments?flash=assessments-imported")).into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            // The service numbers entries from 1; show the sheet's rows.
            let errs: Vec<FieldError> = errs
                .into_iter()
                .map(|mut e| {
                    e.row = e.row.and_then(|i| sheet_rows.get(i - 1).copied());
                    e
                })
                .collect();
            Ok(fail(crate::sheet::report_for(lang, COLUMNS, &errs)))
        }
        Err(CoreError::Conflict(m)) => {
            Ok(fail(vec![crate::sheet::ReportRow { row: String::new(), column: String::new(), message: lang.msg(&m) }]))
        }
        Err(e) => Err(e.into()),
    }
}
