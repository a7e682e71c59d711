//! Personal links (一人一码): the organizer's list, issuing (the printable
//! A4 sheet of QR cards, or one person's slip), revoking; and `/k/{token}`,
//! where a link is traded for a reader cookie and a clean URL.

use crate::AppState;
use crate::ctx::{Ctx, OrgAdmin};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kaoping_core::cycles::Cycle;
use kaoping_core::error::CoreError;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::reports::reading::LinkStatus;
use kaoping_core::services::{IssueFor, IssuedLink};
use serde::Deserialize;
use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock};

pub const LINK_COOKIE: &str = "kp_link";

#[derive(Template)]
#[template(path = "reports/links.html")]
struct ListView {
    page: Page,
    cycle: Cycle,
    links: Vec<(LinkStatus, String)>,
    issued: usize,
    used: usize,
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Query(q): Query<crate::views::FlashQuery>,
) -> AppResult<Response> {
    let (cycle, links) = state.services.reports.links_list(&a.caller, id).await?;
    let issued = links.iter().filter(|l| l.link_id.is_some()).count();
    let used = links.iter().filter(|l| l.first_used_at.is_some()).count();
    let links = links.into_iter().map(|l| (l.clone(), cycle.scheme.group_label(&l.group))).collect();
    let page = Page::new(&state, &a.ctx, "links-title")
        .crumb("nav-cycles", Some("/admin/cycles"))
        .crumb_text(cycle.name.clone(), Some(&format!("/admin/cycles/{id}")))
        .crumb("links-title", None)
        .flash(q.flash.as_deref());
    Ok(render(&ListView { page, cycle, links, issued, used }))
}

/// One printed card.
pub struct Card {
    pub name: String,
    pub post: String,
    pub group: String,
    pub url: String,
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "reports/links_sheet.html")]
struct SheetView {
    page: Page,
    cycle: Cycle,
    cards: Vec<Card>,
    slip: bool,
}

/// The origin links point to: the configured public URL, else this request's host.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = state.config.public_url.as_deref().filter(|u| !u.is_empty()) {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let proto = if state.config.secure_cookies { "https" } else { "http" };
    format!("{proto}://{host}")
}

/// An inline SVG QR code of a URL (our own markup, no script).
pub fn qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M) else {
        return String::new();
    };
    let s = code.render::<svg::Color<'_>>().min_dimensions(150, 150).quiet_zone(true).build();
    match s.find("<svg") {
        Some(i) => s[i..].to_string(),
        None => s,
    }
}

pub fn cards(base: &str, cycle: &Cycle, issued: Vec<IssuedLink>) -> Vec<Card> {
    issued
        .into_iter()
        .map(|l| {
            let url = format!("{base}/k/{}", l.token);
            Card {
                qr_svg: qr_svg(&url),
                name: l.person_name,
                post: l.post,
                group: cycle.scheme.group_label(&l.group),
                url,
            }
        })
        .collect()
}

fn sheet(state: &AppState, ctx: &Ctx, cycle: Cycle, cards: Vec<Card>, slip: bool) -> Response {
    let page = Page::new(state, ctx, if slip { "links-slip" } else { "links-sheet" }).title_text(cycle.name.clone());
    let mut r = render(&SheetView { page, cycle, cards, slip });
    // Tokens are on this page: never cache it, never leak it.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    pub which: String,
}

/// Issue links and show the sheet to print (the only time tokens are shown).
pub async fn issue(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    headers: HeaderMap,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    let which = if f.which == "all" { IssueFor::All } else { IssueFor::Missing };
    let issued = state.services.reports.links_issue(&a.caller, id, which).await?;
    if issued.is_empty() {
        return Ok(Redirect::to(&format!("/admin/cycles/{id}/links?flash=links-none")).into_response());
    }
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let base = base_url(&state, &headers);
    let cards = tokio::task::spawn_blocking({
        let cycle = cycle.clone();
        move || cards(&base, &cycle, issued)
    })
    .await
    .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    Ok(sheet(&state, &a.ctx, cycle, cards, false))
}

/// Re-issue one person's link (the old one stops working) and show the slip.
pub async fn reissue(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let issued = state.services.reports.links_issue(&a.caller, id, IssueFor::One(pid)).await?;
    let cycle = state.services.cycles.cycle_get(&a.caller, id).await?;
    let cards = cards(&base_url(&state, &headers), &cycle, issued);
    Ok(sheet(&state, &a.ctx, cycle, cards, true))
}

pub async fn revoke(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
) -> AppResult<Response> {
    state.services.reports.link_revoke(&a.caller, id, pid).await?;
    Ok(Redirect::to(&format!("/admin/cycles/{id}/links?flash=link-revoked")).into_response())
}

/// Bad link tokens allowed per client: a burst of 10, then one a minute.
static BAD_TOKENS: LazyLock<Arc<DefaultKeyedRateLimiter<String>>> = LazyLock::new(|| {
    let q = Quota::per_minute(NonZeroU32::new(1).expect("1 > 0")).allow_burst(NonZeroU32::new(10).expect("10 > 0"));
    Arc::new(RateLimiter::keyed(q))
});

#[derive(Template)]
#[template(path = "reports/link_refused.html")]
struct RefusedView {
    page: Page,
    reason: String,
}

/// `/k/{token}`: trade a personal link for a reader cookie, then redirect to
/// the clean reading URL so the token leaves the address bar.
pub async fn open(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let client = ctx.client.clone().unwrap_or_default();
    let well_formed = token.len() == 40 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let result = if well_formed {
        state.services.reports.link_exchange(&token, ctx.client.clone()).await
    } else {
        Err(CoreError::NotFound("link"))
    };
    match result {
        Ok((session, cycle)) => {
            let mut r = Redirect::to(&format!("/e/{cycle}")).into_response();
            let secure = if state.config.secure_cookies { "; Secure" } else { "" };
            let c = format!("{LINK_COOKIE}={session}; Path=/e; HttpOnly; SameSite=Lax{secure}");
            r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ASCII cookie"));
            Ok(r)
        }
        Err(e) => {
            let (status, reason) = match &e {
                CoreError::Conflict(m) => (StatusCode::GONE, ctx.lang.msg(m)),
                CoreError::NotFound(_) => {
                    if BAD_TOKENS.check_key(&client).is_err() {
                        return Err(AppError::status(StatusCode::TOO_MANY_REQUESTS, "error-rate-limited"));
                    }
                    (StatusCode::NOT_FOUND, ctx.lang.t("err-link-unknown"))
                }
                _ => return Err(e.into()),
            };
            let page = Page::new(&state, &ctx, "link-refused");
            let mut r = render(&RefusedView { page, reason });
            *r.status_mut() = status;
            Ok(r)
        }
    }
}
