//! The evaluators' live state ("presenting now", voting open or closed):
//! one watcher per cycle, kept in the app state, and the Server-Sent Events
//! that carry it to their pages. The big screen's stream is in `screen`.

use super::screen::next_change;
use crate::AppState;
use crate::error::AppResult;
use crate::reports::reader::ReaderIn;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use kaoping_core::ids::CycleId;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// What an evaluator's page shows live: who is presenting, whether voting
/// is open — read once per change by one watcher per cycle on this node and
/// shared by every evaluator's connection (a hall of phones costs one query
/// per change, not one per phone).
pub type LiveStates = Arc<Mutex<HashMap<CycleId, watch::Receiver<Value>>>>;

async fn reader_state(state: &AppState, cycle: CycleId) -> Option<Value> {
    let c = state.services.cycles.cycle_now(cycle).await.ok()??;
    let presenting = match c.voting.presenting {
        Some(p) => {
            state.services.cycles.cycle_snapshot(c.id).await.ok()?.subjects.iter().find(|s| s.person_id == p).cloned()
        }
        None => None,
    };
    Some(json!({
        "presenting": presenting.map(|p| json!({ "id": p.person_id.0, "name": p.person_name, "post": p.post })),
        "voting": c.voting.stage(),
    }))
}

/// The watcher of `cycle` (started on first use; it stops when nobody watches).
async fn watch_reader_state(state: &AppState, cycle: CycleId) -> watch::Receiver<Value> {
    let first = reader_state(state, cycle).await.unwrap_or(Value::Null);
    let mut live = state.live.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(rx) = live.get(&cycle).filter(|rx| rx.has_changed().is_ok()) {
        return rx.clone();
    }
    let (tx, rx) = watch::channel(first);
    live.insert(cycle, rx.clone());
    drop(live);
    let mut events = state.services.meeting.meeting_events();
    let state = state.clone();
    tokio::spawn(async move {
        // Stop when only the map's own receiver is left.
        while next_change(&mut events, cycle).await && tx.receiver_count() > 1 {
            if let Some(v) = reader_state(&state, cycle).await {
                tx.send_if_modified(|old| {
                    if *old == v {
                        false
                    } else {
                        *old = v;
                        true
                    }
                });
            }
        }
        let mut live = state.live.lock().unwrap_or_else(|e| e.into_inner());
        if live.get(&cycle).is_some_and(|rx| rx.same_channel(&tx.subscribe())) {
            live.remove(&cycle);
        }
    });
    rx
}

pub async fn reader_events(
    State(state): State<AppState>,
    Path(cycle): Path<CycleId>,
    ReaderIn(_reader): ReaderIn,
) -> AppResult<Response> {
    let rx = watch_reader_state(&state, cycle).await;
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let data = rx.borrow_and_update().to_string();
        Some((Ok::<_, Infallible>(Event::default().event("state").data(data)), (rx, false)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response())
}
