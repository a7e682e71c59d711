//! The rectification ledger (`/admin/cycles/{id}/ledger`): filters,
//! charts by tag and of measurable targets, pages of rows, Excel export.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::feedback::ProblemStatus;
use kaoping_core::ids::CycleId;
use kaoping_core::services::{Ledger, LedgerFilter, LedgerRow};
use kaoping_office::Column;
use serde::Deserialize;

/// Rows per page.
const PAGE: usize = 100;

#[derive(Deserialize, Default, Clone)]
pub struct LedgerQuery {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub name: String,
    /// Another cycle to show (the cycle selector): redirects there.
    pub cycle: Option<i64>,
    pub page: Option<usize>,
}

impl LedgerQuery {
    fn filter(&self) -> LedgerFilter {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        LedgerFilter {
            category: some(&self.category),
            tag: some(&self.tag),
            status: ProblemStatus::parse(self.status.trim()),
            overdue: self.overdue == "1",
            name: some(&self.name),
        }
    }

    /// The filters as a query string (for the pager and the export link).
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("category", &self.category),
            ("tag", &self.tag),
            ("status", &self.status),
            ("overdue", &self.overdue),
            ("name", &self.name),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "rectification/ledger.html")]
struct LedgerView {
    page: Page,
    cycle: Cycle,
    /// The organizer's cycles the caller may see, for the selector.
    cycles: Vec<(i64, String)>,
    rows: Vec<LedgerRow>,
    total: usize,
    problems: usize,
    overdue: usize,
    q: LedgerQuery,
    query: String,
    page_no: usize,
    pages: usize,
    tag_chart: String,
    kpi_chart: String,
}

fn kpi_text(r: &LedgerRow) -> String {
    r.measure.as_ref().and_then(|m| m.kpi.as_ref()).map_or_else(String::new, |k| {
        let cur = k.current.map(|c| c.to_string()).unwrap_or_else(|| "—".into());
        format!("{} ({cur})", crate::rectification::plan::kpi_span(k))
    })
}

fn status_text(lang: Lang, r: &LedgerRow) -> String {
    match (&r.measure, r.problem.status) {
        (_, ProblemStatus::SignedOff) => lang.t("signed-off"),
        (Some(m), _) if m.signed_off => lang.t("signed-off"),
        _ => lang.t("ledger-open"),
    }
}

impl LedgerView {
    fn kpi(&self, r: &LedgerRow) -> String {
        kpi_text(r)
    }

    fn status(&self, r: &LedgerRow) -> String {
        status_text(self.page.lang, r)
    }
}

fn charts(lang: Lang, l: &Ledger) -> (String, String) {
    let tag = serde_json::json!({
        "categories": l.by_tag.iter().map(|(t, _, _)| t.clone()).collect::<Vec<_>>(),
        "series": [
            {"name": lang.t("ledger-open"), "data": l.by_tag.iter().map(|(_, o, _)| *o).collect::<Vec<_>>()},
            {"name": lang.t("signed-off"), "data": l.by_tag.iter().map(|(_, _, s)| *s).collect::<Vec<_>>()},
        ],
    });
    // At most 30 targets, the least advanced first.
    let mut kpis = l.kpis.clone();
    kpis.sort_by_key(|(_, r)| *r);
    kpis.truncate(30);
    let kpi = serde_json::json!({
        "categories": kpis.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        "series": [{"name": lang.t("ledger-kpi-reached"), "data": kpis.iter().map(|(_, r)| *r).collect::<Vec<_>>()}],
    });
    (tag.to_string(), kpi.to_string())
}

pub async fn show(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Response> {
    if let Some(other) = q.cycle.filter(|c| *c != id.0) {
        let to = format!("/admin/cycles/{other}/ledger?{}", q.query());
        return Ok(axum::response::Redirect::to(&to).into_response());
    }
    let l = state.services.rectification.ledger(&a.caller, id, &q.filter()).await?;
    let cycles = state
        .services
        .cycles
        .cycles_list(&a.caller)
        .await?
        .into_iter()
        .filter(|c| c.organizer_id == l.cycle.organizer_id)
        .map(|c| (c.id.0, c.name))
        .collect();
    let (tag_chart, kpi_chart) = charts(a.ctx.lang, &l);
    let total = l.rows.len();
    let mut seen = std::collections::HashSet::new();
    let problems = l.rows.iter().filter(|r| seen.insert(r.problem.id)).count();
    let overdue = l.rows.iter().filter(|r| r.overdue).count();
    let pages = total.div_ceil(PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let rows: Vec<LedgerRow> = l.rows.into_iter().skip((page_no - 1) * PAGE).take(PAGE).collect();
    let page = Page::new(&state, &a.ctx, "ledger-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(l.cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("ledger-title", None);
    let query = q.query();
    let v = LedgerView {
        page,
        cycle: l.cycle,
        cycles,
        rows,
        total,
        problems,
        overdue,
        q,
        query,
        page_no,
        pages,
        tag_chart,
        kpi_chart,
    };
    Ok(render(&v))
}

/// Every filtered row as a printable workbook.
pub async fn xlsx(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let l = state.services.rectification.ledger(&a.caller, id, &q.filter()).await?;
    let columns = vec![
        Column::new(lang.t("person-name"), 10.0),
        Column::new(lang.t("subject-category"), 16.0),
        Column::new(lang.t("problem-text"), 40.0),
        Column::new(lang.t("problem-tag"), 14.0),
        Column::new(lang.t("problem-severity"), 8.0),
        Column::new(lang.t("measure-text"), 40.0),
        Column::new(lang.t("measure-responsible"), 10.0),
        Column::new(lang.t("measure-deadline"), 12.0),
        Column::new(lang.t("progress-percent"), 10.0).numeric(),
        Column::new(lang.t("kpi"), 30.0),
        Column::new(lang.t("ledger-status"), 10.0),
        Column::new(lang.t("ledger-overdue"), 8.0),
    ];
    let rows: Vec<Vec<String>> = l
        .rows
        .iter()
        .map(|r| {
            let m = r.measure.as_ref();
            vec![
                r.subject.person_name.clone(),
                l.cycle.category_name(&r.subject.category),
                r.problem.text.clone(),
                r.problem.tag.clone(),
                lang.t(r.problem.severity.label_key()),
                m.map(|m| m.text.clone()).unwrap_or_default(),
                m.map(|m| m.responsible.clone()).unwrap_or_default(),
                m.map(|m| m.deadline.to_string()).unwrap_or_default(),
                m.map(|m| m.percent.to_string()).unwrap_or_default(),
                kpi_text(r),
                status_text(lang, r),
                if r.overdue { lang.t("yes") } else { String::new() },
            ]
        })
        .collect();
    let bytes = kaoping_office::write_xlsx(&lang.t("ledger-title"), &columns, &rows)
        .map_err(|e| kaoping_core::CoreError::Store(e.to_string()))?;
    Ok(crate::sheet::xlsx(bytes, &format!("ledger-{id}.xlsx")))
}
