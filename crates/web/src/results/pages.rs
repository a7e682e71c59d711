//! The organizer's side of voting: open and close it (with turnout), and the
//! results once it has closed.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::form::Form;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::ids::CycleId;
use kaoping_core::results::tally::{SubjectResult, round2};
use serde::Deserialize;
use std::collections::HashMap;

/// One line of the results table, ready to show.
pub struct Line {
    pub rank: String,
    pub name: String,
    pub democratic: String,
    pub composite: String,
    pub exact: String,
    pub n: u64,
    pub abstain: u64,
    pub excellent: String,
    pub approval: String,
    pub poor: String,
    pub grade: String,
    pub grade_index: usize,
    pub rule: String,
    pub subject: i64,
    /// Per group: "label mean (n)".
    pub groups: String,
}

#[derive(Template)]
#[template(path = "results/results.html")]
struct ResultsView {
    page: Page,
    cycle: Cycle,
    categories: Vec<(String, Vec<Line>)>,
    /// Partial results while voting is open (live tally).
    live: bool,
    /// Per category: the chart data (names and composite scores).
    charts: Vec<String>,
    /// (code, label) of who results can be published to.
    visibilities: Vec<(&'static str, String)>,
    published_to: String,
    /// The results seal written to the audit log at publishing (to publish with the results).
    seal: String,
}

fn pct(q: Option<kaoping_core::results::tally::Q>) -> String {
    q.map(|q| format!("{}%", round2(&(q * kaoping_core::results::tally::q_int(100))))).unwrap_or_default()
}

/// The results as lines, by category in the cycle's order.
async fn lines(
    state: &AppState,
    a: &crate::ctx::Auth,
    id: CycleId,
    live: bool,
) -> AppResult<(Cycle, Vec<(String, Vec<Line>)>)> {
    let lang = a.ctx.lang;
    let (cycle, results) = if live {
        state.services.results.results_partial(&a.caller, id).await?
    } else {
        state.services.results.results(&a.caller, id).await?
    };
    let subjects = state.services.cycles.subjects_list(&a.caller, id).await?;
    let names: HashMap<i64, String> = subjects.iter().map(|s| (s.person_id.0, s.person_name.clone())).collect();
    let line = |r: &SubjectResult| {
        let (grade, grade_index, rule) = match &r.grade {
            Some((g, rule)) => {
                let i = cycle.scheme.grades.iter().position(|x| &x.code == g).unwrap_or(0);
                (
                    cycle.scheme.grades[i].label.clone(),
                    i + 1,
                    lang.t(&format!("rule-{}", rule.as_str().replace('_', "-"))),
                )
            }
            None => (lang.t("results-no-votes"), 0, String::new()),
        };
        Line {
            rank: r.rank.map(|x| x.to_string()).unwrap_or_default(),
            name: names.get(&r.subject).cloned().unwrap_or_default(),
            democratic: r.democratic.as_ref().map(round2).unwrap_or_default(),
            composite: r.composite.as_ref().map(round2).unwrap_or_default(),
            exact: r.composite.as_ref().map(kaoping_core::results::tally::exact_string).unwrap_or_default(),
            n: r.counts.n(),
            abstain: r.counts.abstain,
            excellent: pct(r.excellent_rate()),
            approval: pct(r.approval_rate()),
            poor: pct(r.poor_rate()),
            grade,
            grade_index,
            rule,
            subject: r.subject,
            groups: r
                .groups
                .iter()
                .filter(|g| g.n > 0)
                .map(|g| {
                    let mean = g.mean.as_ref().map(round2).unwrap_or_default();
                    format!("{} {mean} ({})", cycle.scheme.group_label(&g.group), g.n)
                })
                .collect::<Vec<_>>()
                .join(" · "),
        }
    };
    let categories = cycle
        .categories
        .iter()
        .filter_map(|c| {
            let mut mine: Vec<&SubjectResult> = results.iter().filter(|r| r.category == c.code).collect();
            if mine.is_empty() {
                return None;
            }
            mine.sort_by_key(|r| r.rank.unwrap_or(u32::MAX));
            Some((c.name.clone(), mine.into_iter().map(line).collect()))
        })
        .collect();
    Ok((cycle, categories))
}

#[derive(Deserialize)]
pub struct ResultsQuery {
    #[serde(default)]
    pub live: Option<String>,
    pub flash: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    axum::extract::Query(q): axum::extract::Query<ResultsQuery>,
) -> AppResult<Response> {
    let live = q.live.is_some();
    let (cycle, categories) = lines(&state, &a, id, live).await?;
    let charts = categories
        .iter()
        .map(|(_, lines)| {
            serde_json::json!({
                "categories": lines.iter().map(|l| l.name.clone()).collect::<Vec<_>>(),
                "series": [{
                    "name": a.ctx.lang.t("results-composite"),
                    "data": lines.iter().map(|l| l.composite.parse::<f64>().unwrap_or(0.0)).collect::<Vec<_>>(),
                }],
            })
            .to_string()
        })
        .collect();
    let page = Page::new(&state, &a.ctx, "results-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("results-title", None)
        .flash(q.flash.as_deref());
    let label = |v: kaoping_core::cycles::Visibility| a.ctx.lang.t(&format!("visibility-{}", v.as_str()));
    let visibilities = kaoping_core::cycles::Visibility::ALL.iter().map(|v| (v.as_str(), label(*v))).collect();
    let published_to = label(cycle.results.visibility);
    let seal = match cycle.results.published_at {
        Some(_) => state.services.results.results_seal_recorded(cycle.id).await?.unwrap_or_default(),
        None => String::new(),
    };
    Ok(render(&ResultsView { page, cycle, categories, live, charts, visibilities, published_to, seal }))
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub visibility: String,
}

/// Finalize and publish (to organizers, each subject, or a public summary).
pub async fn publish(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    let to = kaoping_core::cycles::Visibility::parse(&f.visibility).ok_or_else(|| {
        kaoping_core::error::CoreError::invalid("visibility", kaoping_core::Msg::new("err-visibility"))
    })?;
    state.services.results.results_publish(&a.caller, id, to).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/results?flash=results-published")).into_response())
}

pub async fn withdraw(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    state.services.results.results_withdraw(&a.caller, id).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/results?flash=results-withdrawn")).into_response())
}

/// The results as an Excel sheet, one row per subject, ready to print.
pub async fn xlsx(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    use kaoping_office::Column;
    let lang = a.ctx.lang;
    let (_, categories) = lines(&state, &a, id, false).await?;
    let num = |key: &str, w: f64| Column::new(lang.t(key), w).numeric();
    let columns = vec![
        Column::new(lang.t("subject-category"), 24.0),
        num("results-rank", 6.0),
        Column::new(lang.t("person-name"), 10.0),
        num("results-composite", 10.0),
        num("results-democratic", 12.0),
        num("results-n", 8.0),
        num("ballot-abstain", 8.0),
        num("results-excellent", 10.0),
        num("results-approval", 10.0),
        num("results-poor", 10.0),
        Column::new(lang.t("results-grade"), 12.0),
        Column::new(lang.t("results-rule"), 16.0),
    ];
    let rows: Vec<Vec<String>> = categories
        .iter()
        .flat_map(|(cat, lines)| {
            lines.iter().map(move |l| {
                vec![
                    cat.clone(),
                    l.rank.clone(),
                    l.name.clone(),
                    l.composite.clone(),
                    l.democratic.clone(),
                    l.n.to_string(),
                    l.abstain.to_string(),
                    l.excellent.clone(),
                    l.approval.clone(),
                    l.poor.clone(),
                    l.grade.clone(),
                    l.rule.clone(),
                ]
            })
        })
        .collect();
    let bytes = kaoping_office::write_xlsx(&lang.t("results-title"), &columns, &rows)
        .map_err(|_| crate::error::AppError::status(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(crate::sheet::xlsx(bytes, &format!("results-{id}.xlsx")))
}

/// The public export of a closed vote, as a JSON download.
pub async fn export(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    export_json(&state, &a, id, false).await
}

/// The restricted export (evaluator ids in named mode); every download audited.
pub async fn export_restricted(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    export_json(&state, &a, id, true).await
}

async fn export_json(state: &AppState, a: &crate::ctx::Auth, id: CycleId, restricted: bool) -> AppResult<Response> {
    let e = state.services.results.cycle_export(&a.caller, id, restricted).await?;
    let body = serde_json::to_vec_pretty(&e).expect("export serializes");
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    let name = format!("attachment; filename=\"kaoping-cycle-{id}-{}.json\"", e.kind);
    h.insert(axum::http::header::CONTENT_DISPOSITION, axum::http::HeaderValue::from_str(&name).expect("ASCII"));
    Ok(r)
}

#[derive(serde::Deserialize)]
pub struct BallotsQuery {
    pub subject: Option<i64>,
}

#[derive(Template)]
#[template(path = "results/named_ballots.html")]
struct NamedView {
    page: Page,
    cycle: Cycle,
    subjects: Vec<kaoping_core::cycles::roster::Subject>,
    /// The subject shown (0: none yet).
    chosen: i64,
    /// (evaluator, group label, grade label and index, remark)
    rows: Vec<(String, String, String, usize, String)>,
}

/// Who gave what (named ballots), one subject at a time; every view audited.
pub async fn named(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    axum::extract::Query(q): axum::extract::Query<BallotsQuery>,
) -> AppResult<Response> {
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let subjects = state.services.cycles.subjects_list(&a.caller, id).await?;
    let mut rows = Vec::new();
    if let Some(s) = q.subject {
        let abstain = a.ctx.lang.t("ballot-abstain");
        for (who, group, grade, remark) in
            state.services.voting.named_ballots(&a.caller, id, kaoping_core::ids::PersonId(s)).await?
        {
            let group = cycle.scheme.group_label(&group);
            let (label, index) = match grade.and_then(|g| cycle.scheme.grades.iter().position(|x| x.code == g)) {
                Some(i) => (cycle.scheme.grades[i].label.clone(), i + 1),
                None => (abstain.clone(), 0),
            };
            rows.push((who, group, label, index, remark.unwrap_or_default()));
        }
    }
    let page = Page::new(&state, &a.ctx, "named-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("named-title", None);
    Ok(render(&NamedView { page, cycle, subjects, chosen: q.subject.unwrap_or(0), rows }))
}
