//! The ballot pages (`/e/{cycle}/ballot`): plain forms that work without
//! JavaScript — grade every subject (or 不了解), keep a draft, review one's
//! own ballot, submit once and keep the receipt.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppResult;
use crate::form::Form;
use crate::reports::reader::{ReaderIn, reader_page};
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::error::CoreError;
use kaoping_core::reports::reading::Reader;
use kaoping_core::services::BallotPage;
use kaoping_core::voting::ballot::{MarkInput, ScopeSubject, check_final};
use kaoping_core::voting::grades::Grades;
use std::collections::BTreeMap;

/// One subject row of the ballot form.
pub struct Row {
    pub subject: ScopeSubject,
    pub abstain: bool,
    /// (item code, item label, chosen grade code)
    pub items: Vec<(String, String, String)>,
    pub remark: String,
    pub unread: bool,
}

/// The rows grouped by category, in presentation order.
pub(super) fn rows(p: &BallotPage) -> Vec<(String, Vec<Row>)> {
    let draft: BTreeMap<i64, &MarkInput> = p.draft.iter().map(|m| (m.subject, m)).collect();
    let mut out: Vec<(String, Vec<Row>)> = Vec::new();
    for s in p.scope.iter() {
        let d = draft.get(&s.id);
        let row = Row {
            abstain: d.is_some_and(|m| m.abstain),
            items: p
                .cycle
                .scheme
                .items
                .iter()
                .map(|i| {
                    let chosen = d.and_then(|m| m.grades.get(&i.code)).unwrap_or_default().to_string();
                    (i.code.clone(), i.label.clone(), chosen)
                })
                .collect(),
            remark: d.and_then(|m| m.remark.clone()).unwrap_or_default(),
            unread: p.unread.contains(&s.id),
            subject: s.clone(),
        };
        match out.iter_mut().find(|(c, _)| *c == s.category_name) {
            Some((_, v)) => v.push(row),
            None => out.push((s.category_name.clone(), vec![row])),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "voting/ballot.html")]
struct BallotView {
    page: Page,
    cycle: Cycle,
    groups: Vec<(String, Vec<Row>)>,
    voted: bool,
    graded: usize,
    total: usize,
    paper: bool,
    presenting: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    ReaderIn(reader): ReaderIn,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let p = state.services.voting.ballot_page(&reader).await?;
    let total = p.scope.len();
    let graded = p.draft.iter().filter(|m| m.abstain || !m.grades.is_empty()).count();
    let page = reader_page(&state, &ctx, "ballot-title", &reader, &p.cycle).flash(q.flash.as_deref());
    let groups = rows(&p);
    let presenting = crate::reports::reader::presenting_of(&state, &p.cycle).await;
    Ok(render(&BallotView { page, voted: p.voted, cycle: p.cycle, groups, graded, total, paper: false, presenting }))
}

/// Marks from the form fields: `a_{s}` (abstain), `g_{s}_{item}`, `r_{s}`.
pub(super) fn marks_from_form(scope: &[ScopeSubject], fields: &[(String, String)]) -> Vec<MarkInput> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    scope
        .iter()
        .filter_map(|s| {
            let abstain = get(&format!("a_{}", s.id)).is_some();
            let prefix = format!("g_{}_", s.id);
            let grades: Grades = fields
                .iter()
                .filter_map(|(n, v)| n.strip_prefix(&prefix).map(|item| (item, v.trim())))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let remark = get(&format!("r_{}", s.id)).filter(|r| !r.is_empty());
            (abstain || !grades.is_empty() || remark.is_some()).then_some(MarkInput {
                subject: s.id,
                abstain,
                grades: if abstain { Grades::new() } else { grades },
                remark,
            })
        })
        .collect()
}

pub async fn save(
    State(state): State<AppState>,
    Path(cycle): Path<kaoping_core::ids::CycleId>,
    ReaderIn(reader): ReaderIn,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, scope) = state.services.voting.ballot_scope(&reader).await?;
    let marks = marks_from_form(&scope, &fields);
    state.services.voting.ballot_save_draft(&reader, &marks).await?;
    let review = fields.iter().any(|(k, v)| k == "action" && v == "review");
    let to = if review { format!("/e/{cycle}/ballot/review") } else { format!("/e/{cycle}/ballot?flash=ballot-saved") };
    Ok(Redirect::to(&to).into_response())
}

/// Counts per grade within one category of the ballot.
pub struct CategoryCount {
    pub name: String,
    pub counts: Vec<usize>,
    pub abstain: usize,
}

#[derive(Template)]
#[template(path = "voting/ballot_review.html")]
struct ReviewView {
    page: Page,
    cycle: Cycle,
    groups: Vec<(String, Vec<Row>)>,
    counts: Vec<CategoryCount>,
    problems: FormErrors,
    key: String,
    marks_json: String,
    voted: bool,
}

async fn review_view(
    state: &AppState,
    ctx: &Ctx,
    reader: &Reader,
    errors: Option<FormErrors>,
) -> AppResult<ReviewView> {
    let p = state.services.voting.ballot_page(reader).await?;
    let problems = errors.unwrap_or_else(|| match check_final(&p.cycle.scheme, &p.scope, p.draft.clone()) {
        Ok(_) => FormErrors::default(),
        Err(e) => FormErrors::from_fields(ctx.lang, &e),
    });
    let overall = p.cycle.scheme.items.iter().find(|i| i.overall).map(|i| i.code.clone()).unwrap_or_default();
    let groups = rows(&p);
    let counts = groups
        .iter()
        .map(|(name, rows)| {
            let mut counts = vec![0; p.cycle.scheme.grades.len()];
            let mut abstain = 0;
            for r in rows {
                if r.abstain {
                    abstain += 1;
                } else if let Some((_, _, g)) = r.items.iter().find(|(c, _, _)| *c == overall)
                    && let Some(i) = p.cycle.scheme.grades.iter().position(|x| &x.code == g)
                {
                    counts[i] += 1;
                }
            }
            CategoryCount { name: name.clone(), counts, abstain }
        })
        .collect();
    let page = reader_page(state, ctx, "ballot-review", reader, &p.cycle);
    Ok(ReviewView {
        page,
        key: kaoping_core::accounts::auth::random_token(16),
        marks_json: serde_json::to_string(&p.draft).expect("marks serialize"),
        voted: p.voted,
        cycle: p.cycle,
        groups,
        counts,
        problems,
    })
}

pub async fn review(State(state): State<AppState>, ctx: Ctx, ReaderIn(reader): ReaderIn) -> AppResult<Response> {
    Ok(render(&review_view(&state, &ctx, &reader, None).await?))
}

/// The submit form: the idempotency key and the reviewed marks as JSON.
#[derive(serde::Deserialize)]
pub struct SubmitForm {
    pub key: String,
    pub marks: String,
}

#[derive(Template)]
#[template(path = "voting/ballot_receipt.html")]
struct ReceiptView {
    page: Page,
    cycle_id: kaoping_core::ids::CycleId,
    receipt: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ReaderIn(reader): ReaderIn,
    crate::form::Form(f): crate::form::Form<SubmitForm>,
) -> AppResult<Response> {
    let marks: Vec<MarkInput> = match serde_json::from_str(&f.marks) {
        Ok(m) => m,
        Err(_) => {
            let e = FormErrors::general(ctx.lang, &kaoping_core::Msg::new("err-ballot-tampered"));
            let view = review_view(&state, &ctx, &reader, Some(e)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response());
        }
    };
    match state.services.voting.ballot_submit(&reader, &f.key, marks).await {
        Ok(receipt) => {
            let snapshot = state.services.cycles.cycle_snapshot(reader.cycle_id).await?;
            let page = reader_page(&state, &ctx, "ballot-receipt", &reader, &snapshot.cycle);
            let mut r = render(&ReceiptView { page, cycle_id: reader.cycle_id, receipt });
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(r)
        }
        Err(CoreError::Invalid(errs)) => {
            let view = review_view(&state, &ctx, &reader, Some(FormErrors::from_fields(ctx.lang, &errs))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Unauthenticated) => Ok(crate::reports::reader::ended(&state, &ctx)),
        Err(e) => Err(e.into()),
    }
}
