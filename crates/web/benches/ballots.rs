//! Issue 4 baseline: final 66-subject ballots submitted through the real
//! ballot form endpoint (personal-link session, validation, idempotency,
//! receipt, audit), over HTTP on a fresh database.
//!
//! `cargo bench -p kaoping-web --bench ballots` (SQLite), or with
//! `KAOPING_TEST_DATABASE_URL=postgres://…` for PostgreSQL. `BALLOTS`
//! (default 3000) evaluators all press submit at once; `CONCURRENCY`
//! (default 512) requests are in flight at a time.

use kaoping_core::account::Role;
use kaoping_core::cycle::{CycleInput, Phase};
use kaoping_core::ids::{AccountId, PersonId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::person::PersonInput;
use kaoping_core::roster::SubjectInput;
use kaoping_core::scope::Actor;
use kaoping_core::services::{AuthConfig, Caller, IssueFor, Services};
use kaoping_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUBJECTS: usize = 66;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let ballots = env("BALLOTS", 3000);
    let concurrency = env("CONCURRENCY", 512);
    let db = kaoping_store::testing::fresh_db().await;
    let svc = Services::new(Arc::new(db.db.clone()), AuthConfig::default());
    let c = Caller {
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
    };
    let unit =
        OrgUnitInput {
            code: "LG".into(), name: "琅港市委".into(), kind: "city_committee".into(), sort_order: None
        };
    let city = svc.org_create(&c, None, &unit).await.unwrap();
    let input = CycleInput { name: "评议".into(), year: "2026".into(), ballot_mode: None };
    let cy = svc.cycle_create(&c, city.id, &input, None).await.unwrap().id;
    let t = Instant::now();
    let mut subjects = Vec::new();
    for i in 0..SUBJECTS {
        let p = PersonInput { name: format!("书记{i:02}"), ..Default::default() };
        let id = svc.person_create(&c, &p, Some(city.id)).await.unwrap().id;
        let si = SubjectInput { person_id: id.to_string(), category: "county".into(), mode: None, post: None };
        svc.subject_add(&c, cy, &si).await.unwrap();
        subjects.push(id.0);
    }
    let mut rows = Vec::new();
    for i in 0..ballots {
        let p = PersonInput { name: format!("评议人{i:05}"), ..Default::default() };
        rows.push((svc.person_create(&c, &p, Some(city.id)).await.unwrap().id, "all".to_string()));
    }
    let audit = kaoping_core::audit::AuditDraft::new(None, "bench", None, "x", "x");
    svc.store.evaluator_replace(cy, &rows, &audit).await.unwrap();
    svc.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    svc.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let links = svc.links_issue(&c, cy, IssueFor::Missing).await.unwrap();
    let mut sessions = Vec::new();
    for l in &links {
        sessions.push(svc.link_exchange(&l.token, None).await.unwrap().0);
    }
    svc.voting_set(&c, cy, true).await.unwrap();
    eprintln!("setup: {SUBJECTS} subjects, {ballots} evaluators in {:.1} s", t.elapsed().as_secs_f64());

    let web = WebConfig { login_per_minute: 100_000, login_burst: 100_000, ..Default::default() };
    let app = kaoping_web::app(AppState::new(svc.clone(), web, None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    let grades = ["excellent", "good", "fair", "poor"];
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap();
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (i, session) in sessions.into_iter().enumerate() {
        let marks: Vec<serde_json::Value> = subjects
            .iter()
            .enumerate()
            .map(|(j, s)| serde_json::json!({"subject": s, "grades": {"overall": grades[(i + j) % 4]}}))
            .collect();
        let body = [
            ("key".to_string(), format!("bench-key-{i:08}")),
            ("marks".to_string(), serde_json::to_string(&marks).unwrap()),
        ];
        let (client, base, limit) = (client.clone(), base.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let start = Instant::now();
            let r = client
                .post(format!("{base}/e/{cy}/ballot/submit"))
                .header("cookie", format!("kp_link={session}"))
                .header("origin", &base)
                .header("sec-fetch-site", "same-origin")
                .form(&body)
                .send()
                .await
                .unwrap();
            let ok = r.status() == 200;
            let _ = r.bytes().await;
            (ok, start.elapsed())
        }));
    }
    let mut times: Vec<Duration> = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (ok, d) = t.await.unwrap();
        failed += usize::from(!ok);
        times.push(d);
    }
    let wall = t.elapsed().as_secs_f64();
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    let stored = svc.store.ballot_list(cy).await.unwrap().len();
    println!(
        "{ballots} final {SUBJECTS}-subject ballots, {concurrency} in flight: all confirmed in {wall:.2} s = {:.0} ballots/s; p50 {:.0} ms, p99 {:.0} ms; {failed} failed; {stored} stored",
        ballots as f64 / wall,
        p(0.5),
        p(0.99)
    );
    let t = Instant::now();
    svc.voting_set(&c, cy, false).await.unwrap();
    let (_, results) = svc.results(&c, cy).await.unwrap();
    println!(
        "close + seal + results for {stored} ballots × {SUBJECTS} subjects: {:.0} ms ({} results)",
        t.elapsed().as_secs_f64() * 1000.0,
        results.len()
    );
}
