//! The evaluator's reading pages (`/e/{cycle}`), reached by a personal link
//! (reader cookie) or by a logged-in account on the cycle's evaluator roster.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::middleware::cookie;
use crate::reports::links::LINK_COOKIE;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::cycles::roster::Subject;
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::reports::reading::{Note, Reader, ReadingRecord};
use kaoping_core::reports::{Report, ReportSummary};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reports/reader_ended.html")]
struct EndedView {
    page: Page,
}

/// The reader for this request in `cycle`, or the response to send instead.
pub async fn reader_for(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    cycle: CycleId,
) -> AppResult<Result<Reader, Response>> {
    if let Some(token) = cookie(headers, LINK_COOKIE).filter(|t| !t.is_empty()) {
        let r = state.services.reports.reader_from_link(token, ctx.client.clone()).await?;
        if let Some(r) = r.filter(|r| r.cycle_id == cycle) {
            return Ok(Ok(r));
        }
    }
    if let Some(caller) = ctx.caller().filter(|_| {
        ctx.session.as_ref().is_some_and(|s| !s.mfa_pending && !s.must_change_password && !s.must_enroll_totp)
    }) {
        return Ok(Ok(state.services.reports.reader_from_account(&caller, cycle).await?));
    }
    if ctx.is_api {
        return Err(AppError::status(StatusCode::UNAUTHORIZED, "error-unauthenticated"));
    }
    Ok(Err(ended(state, ctx)))
}

/// The page for a link session that has ended (401).
pub fn ended(state: &AppState, ctx: &Ctx) -> Response {
    let page = Page::new(state, ctx, "reader-ended");
    let mut r = render(&EndedView { page });
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    r
}

/// The evaluator reading the path's `{cycle}`, by personal link or by an
/// account on its roster. Without one the request is answered before the
/// handler runs: the "link ended" page (401), or 401 problem JSON on the API.
pub struct ReaderIn(pub Reader);

impl FromRequestParts<AppState> for ReaderIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let cycle = params.iter().find(|(k, _)| *k == "cycle").and_then(|(_, v)| v.parse::<i64>().ok()).map(CycleId);
        let Some(cycle) = cycle else { return Err(AppError::not_found().into_response()) };
        match reader_for(state, &ctx, &parts.headers, cycle).await {
            Ok(Ok(r)) => Ok(Self(r)),
            Ok(Err(refused)) => Err(refused),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A subject row of the reading list.
pub struct Row {
    pub subject: Subject,
    pub handed_in: bool,
    pub record: Option<ReadingRecord>,
}

#[derive(Template)]
#[template(path = "reports/reader_list.html")]
struct ListView {
    page: Page,
    cycle: Cycle,
    reader: Reader,
    rows: Vec<Row>,
    opened: usize,
    available: usize,
    min_seconds: i32,
    presenting: String,
}

/// A page of the reading pages: the cycle and who is reading in the breadcrumbs.
pub(crate) fn reader_page(state: &AppState, ctx: &Ctx, title: &str, reader: &Reader, cycle: &Cycle) -> Page {
    Page::new(state, ctx, title)
        .crumb_text(cycle.name.clone(), Some(&format!("/e/{}", cycle.id)))
        .crumb_text(ctx.lang.t_args("reader-who", &[("name", reader.name.clone())]), None)
}

/// Who is presenting now in `cycle` ("name（post）"), or empty.
pub(crate) async fn presenting_of(state: &AppState, cycle: &Cycle) -> String {
    let Some(p) = cycle.voting.presenting else { return String::new() };
    let Ok(snap) = state.services.cycles.cycle_snapshot(cycle.id).await else { return String::new() };
    snap.subjects
        .iter()
        .find(|s| s.person_id == p)
        .map(|s| if s.post.is_empty() { s.person_name.clone() } else { format!("{}（{}）", s.person_name, s.post) })
        .unwrap_or_default()
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, ReaderIn(reader): ReaderIn) -> AppResult<Response> {
    let mut l = state.services.reports.reading_list(&reader).await?;
    let rows: Vec<Row> = l
        .subjects
        .iter()
        .map(|s| Row {
            handed_in: l.reports.get(&s.person_id).is_some_and(|r: &ReportSummary| r.status.handed_in()),
            record: l.records.remove(&s.person_id),
            subject: s.clone(),
        })
        .collect();
    let available = rows.iter().filter(|r| r.handed_in).count();
    let opened = rows.iter().filter(|r| r.record.as_ref().is_some_and(|x| x.opened_at.is_some())).count();
    let min_seconds = l.cycle.settings.min_read_seconds;
    let page = reader_page(&state, &ctx, "reader-title", &reader, &l.cycle);
    let presenting = presenting_of(&state, &l.cycle).await;
    Ok(render(&ListView { page, cycle: l.cycle, reader, rows, opened, available, min_seconds, presenting }))
}

#[derive(Template)]
#[template(path = "reports/reader_read.html")]
struct ReadView {
    page: Page,
    cycle: Cycle,
    subject: Subject,
    category: String,
    report: Option<Report>,
    paragraphs: Vec<String>,
    notes: Vec<Note>,
    errors: FormErrors,
    prev: Option<i64>,
    next: Option<i64>,
    carry: kaoping_core::services::CarryOver,
}

#[derive(Deserialize, Default)]
pub struct NoteForm {
    #[serde(default)]
    pub quote: String,
    #[serde(default)]
    pub body: String,
}

async fn read_view(
    state: &AppState,
    ctx: &Ctx,
    reader: &Reader,
    pid: PersonId,
    errors: FormErrors,
) -> AppResult<ReadView> {
    let p = state.services.reports.reading_page(reader, pid).await?;
    let pos = p.order.iter().position(|s| *s == p.subject.person_id);
    let prev = pos.and_then(|i| i.checked_sub(1)).and_then(|i| p.order.get(i)).map(|s| s.0);
    let next = pos.and_then(|i| p.order.get(i + 1)).map(|s| s.0);
    let category = p.cycle.category_name(&p.subject.category);
    let paragraphs = p
        .report
        .as_ref()
        .map(|r| r.attachment_text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let page = reader_page(state, ctx, "reader-read", reader, &p.cycle).title_text(p.subject.person_name.clone());
    Ok(ReadView {
        page,
        cycle: p.cycle,
        subject: p.subject,
        category,
        report: p.report,
        paragraphs,
        notes: p.notes,
        errors,
        prev,
        next,
        carry: p.carry_over,
    })
}

pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, pid)): Path<(CycleId, PersonId)>,
    ReaderIn(reader): ReaderIn,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let mut view = read_view(&state, &ctx, &reader, pid, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

pub async fn note_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((cycle, pid)): Path<(CycleId, PersonId)>,
    ReaderIn(reader): ReaderIn,
    Form(f): Form<NoteForm>,
) -> AppResult<Response> {
    match state.services.reports.note_add(&reader, pid, &f.quote, &f.body).await {
        Ok(n) => Ok(Redirect::to(&format!("/e/{cycle}/s/{pid}?flash=note-saved#note-{}", n.id)).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = read_view(&state, &ctx, &reader, pid, FormErrors::from_fields(ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct NoteEdit {
    #[serde(default)]
    pub body: String,
    /// Where to go back to: the subject's page, or "notes".
    #[serde(default)]
    pub back: String,
}

fn back_to(cycle: CycleId, back: &str) -> String {
    match back.parse::<i64>() {
        Ok(pid) => format!("/e/{cycle}/s/{pid}"),
        Err(_) => format!("/e/{cycle}/notes"),
    }
}

pub async fn note_update(
    State(state): State<AppState>,
    Path((cycle, nid)): Path<(CycleId, i64)>,
    ReaderIn(reader): ReaderIn,
    Form(f): Form<NoteEdit>,
) -> AppResult<Response> {
    state.services.reports.note_update(&reader, nid, &f.body).await?;
    Ok(Redirect::to(&format!("{}?flash=note-saved", back_to(cycle, &f.back))).into_response())
}

pub async fn note_delete(
    State(state): State<AppState>,
    Path((cycle, nid)): Path<(CycleId, i64)>,
    ReaderIn(reader): ReaderIn,
    Form(f): Form<NoteEdit>,
) -> AppResult<Response> {
    state.services.reports.note_delete(&reader, nid).await?;
    Ok(Redirect::to(&format!("{}?flash=note-deleted", back_to(cycle, &f.back))).into_response())
}

#[derive(Deserialize)]
pub struct PingForm {
    pub seconds: i64,
}

/// Seconds of visible reading, sent by the page while it is on screen.
pub async fn ping(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((cycle, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<PingForm>,
) -> AppResult<Response> {
    let reader = match reader_for(&state, &ctx, &headers, cycle).await? {
        Ok(r) => r,
        Err(_) => return Ok(StatusCode::UNAUTHORIZED.into_response()),
    };
    state.services.reports.reading_ping(&reader, pid, f.seconds).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Template)]
#[template(path = "reports/reader_notes.html")]
struct NotesView {
    page: Page,
    cycle: Cycle,
    rows: Vec<(Subject, Vec<Note>)>,
}

pub async fn my_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    ReaderIn(reader): ReaderIn,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let (c, rows) = state.services.reports.my_notes(&reader).await?;
    let page = reader_page(&state, &ctx, "notes-title", &reader, &c).flash(q.flash.as_deref());
    Ok(render(&NotesView { page, cycle: c, rows }))
}

/// A stored report file as a download: never rendered inline, never sniffed.
pub fn file_response(name: &str, blob: kaoping_core::reports::Blob) -> Response {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let encoded = crate::ctx::urlencode(name).replace('/', "%2F");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut r = blob.data.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&blob.media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

pub async fn file(
    State(state): State<AppState>,
    Path((_, pid)): Path<(CycleId, PersonId)>,
    ReaderIn(reader): ReaderIn,
) -> AppResult<Response> {
    let (name, blob) = state.services.reports.reading_file(&reader, pid).await?;
    Ok(file_response(&name, blob))
}

/// End the reader session on this device (a shared phone).
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(t) = cookie(&headers, LINK_COOKIE) {
        state.services.reports.link_session_end(t).await?;
    }
    let mut r = Redirect::to("/").into_response();
    let c = format!("{LINK_COOKIE}=; Path=/e; HttpOnly; SameSite=Lax; Max-Age=0");
    r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ASCII cookie"));
    Ok(r)
}
