//! Helpers shared by the benches (each bench uses some of them).
#![allow(dead_code)]

use kaoping_core::accounts::Role;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::ids::{AccountId, PersonId};
use kaoping_core::services::Caller;
use std::time::Duration;

/// A system administrator that exists only as an actor.
pub fn root() -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: PersonId(0),
            username: "bench".into(),
            display_name: "bench".into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::SystemAdmin].into(),
            scopes: vec![],
        },
        client: None,
    }
}

/// A field of `/proc/self/status` in KiB (Linux; 0 elsewhere).
pub fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU time used by this process so far (user + system, all threads), in
/// seconds (Linux; 0 elsewhere).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the
    // 14th field of the line, stime the 15th, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse::<u64>().ok()).sum();
    ticks as f64 / 100.0
}

/// Reset the peak resident size (Linux), returning the current one in MiB.
pub fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    status_kb("VmRSS:") / 1024
}

/// Wait for every client task; all their request times, sorted.
pub async fn sorted_times(tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>) -> Vec<Duration> {
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A client that keeps cookies, follows no redirect and passes the CSRF
/// checks (same-origin headers) of `base`.
pub fn client(base: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("origin", base.parse().unwrap());
    h.insert("sec-fetch-site", "same-origin".parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .build()
        .unwrap()
}
