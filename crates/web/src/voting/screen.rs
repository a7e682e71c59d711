//! The big screen (大屏) for the meeting hall and its live updates:
//! Server-Sent Events sent when the store announces a change of the cycle
//! (ballots, presenting, voting; from every node), at most about five times
//! a second. The evaluators' live state is in `live`.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use kaoping_core::cycles::Cycle;
use kaoping_core::ids::CycleId;
use kaoping_core::results::tally::round2;
use kaoping_core::services::Screen;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::broadcast;

/// How long to gather announcements before sending one update.
const COALESCE: Duration = Duration::from_millis(200);

/// A stream ends after this long; the browser reconnects at once, so access
/// is checked again (a logout or a lost role stops the updates).
const LIFETIME: Duration = Duration::from_secs(300);

#[derive(Template)]
#[template(path = "voting/screen.html")]
struct ScreenView {
    page: Page,
    cycle: Cycle,
    state: String,
}

/// The screen's state as JSON (labels in the viewer's language).
fn screen_json(s: &Screen, lang: crate::i18n::Lang) -> Value {
    let c = &s.turnout.cycle;
    let results = s.results.as_ref().map(|results| {
        c.categories
            .iter()
            .filter_map(|cat| {
                let mut mine: Vec<_> = results.iter().filter(|r| r.category == cat.code).collect();
                if mine.is_empty() {
                    return None;
                }
                mine.sort_by_key(|r| r.rank.unwrap_or(u32::MAX));
                let rows: Vec<Value> = mine
                    .iter()
                    .map(|r| {
                        let name =
                            s.subjects.iter().find(|x| x.person_id.0 == r.subject).map(|x| x.person_name.clone());
                        let grade =
                            r.grade.as_ref().and_then(|(g, _)| c.scheme.grades.iter().position(|x| &x.code == g));
                        json!({
                            "name": name,
                            "score": r.composite.as_ref().map(round2),
                            "grade": grade.map(|i| c.scheme.grades[i].label.clone()),
                            "grade_index": grade.map(|i| i + 1),
                        })
                    })
                    .collect();
                Some(json!({ "category": cat.name, "rows": rows }))
            })
            .collect::<Vec<_>>()
    });
    json!({
        "cycle": c.name,
        "voting": c.voting.stage(),
        "voting_label": lang.t(match c.voting.stage() { "open" => "voting-open", "closed" => "voting-closed", _ => "voting-not-open" }),
        "presenting": s.presenting.as_ref().map(|p| json!({ "name": p.person_name, "post": p.post })),
        "voted": s.turnout.voted,
        "expected": s.turnout.expected,
        "groups": s.turnout.groups.iter().map(|(l, e, v)| json!({ "label": l, "expected": e, "voted": v })).collect::<Vec<_>>(),
        "results": results,
        "partial": s.results.is_some() && !c.voting.is_closed(),
    })
}

/// Wait for an announcement about `cycle`, then for the ones right after
/// it; false when the store has stopped announcing.
pub(super) async fn next_change(rx: &mut broadcast::Receiver<i64>, cycle: CycleId) -> bool {
    loop {
        match rx.recv().await {
            Ok(c) if c == cycle.0 => break,
            Ok(_) => continue,
            Err(broadcast::error::RecvError::Lagged(_)) => break,
            Err(broadcast::error::RecvError::Closed) => return false,
        }
    }
    tokio::time::sleep(COALESCE).await;
    while rx.try_recv().is_ok() {}
    true
}

/// An SSE response: `first`, then `next()` after every change of `cycle`.
fn live<F, Fut>(
    rx: broadcast::Receiver<i64>,
    cycle: CycleId,
    first: Value,
    next: F,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Option<Value>> + Send,
{
    let end = tokio::time::Instant::now() + LIFETIME;
    let stream = futures_util::stream::unfold((rx, Some(first), next), move |(mut rx, first, next)| async move {
        let data = match first {
            Some(v) => v,
            None => {
                match tokio::time::timeout_at(end, next_change(&mut rx, cycle)).await {
                    Ok(true) => {}
                    _ => return None,
                }
                next().await?
            }
        };
        Some((Ok(Event::default().event("state").data(data.to_string())), (rx, None, next)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

pub async fn page(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let s = state.services.meeting.screen(&a.caller, id, &AtomicBool::new(false)).await?;
    let data = screen_json(&s, a.ctx.lang).to_string();
    let page = Page::new(&state, &a.ctx, "screen-title");
    Ok(render(&ScreenView { page, cycle: s.turnout.cycle, state: data }))
}

pub async fn events(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Response> {
    let rx = state.services.meeting.meeting_events();
    // Partial results are audited when this stream first shows them.
    let audited = Arc::new(AtomicBool::new(false));
    let first = screen_json(&state.services.meeting.screen(&a.caller, id, &audited).await?, a.ctx.lang);
    let Auth { ctx, caller } = a;
    let next = move || {
        let (state, caller, lang, audited) = (state.clone(), caller.clone(), ctx.lang, audited.clone());
        async move { state.services.meeting.screen(&caller, id, &audited).await.ok().map(|s| screen_json(&s, lang)) }
    };
    Ok(live(rx, id, first, next).into_response())
}
