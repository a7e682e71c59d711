//! Issue 4 figures (docs/performance.md): final 66-subject ballots through
//! the real ballot form endpoint (`POST /e/{cycle}/ballot/submit`:
//! personal-link session, scope, validation, idempotency, receipt, audit,
//! receipt page), over HTTP on a fresh database, with durable commits
//! (SQLite `synchronous=FULL`), against a minimal reference endpoint
//! measured in the same run.
//!
//! Before the runs every evaluator opens their ballot page once, as in the
//! meeting, and the runs start more than a minute after the first page
//! opened, as evaluators grade for minutes before they submit: every submit
//! reads its link session, and most also record its use (`GRADING=0`: no
//! wait).
//!
//! 1. Throughput: `wrk` (apt-get install wrk), `CONNECTIONS` (512) for
//!    `WRK_SECONDS` (3) each, on the reference endpoint and on the real one
//!    (`REPLAY_EVERY=n`: every n-th request to it is a client's resend of
//!    an earlier one, answered with its receipt).
//! 2. A burst: `BURST` (3,000) evaluators press submit at the same moment;
//!    the time until every one has its receipt. On PostgreSQL,
//!    `CHECKPOINT_BEFORE_BURST=1` starts it right after a checkpoint.
//! 3. Closing: seal + results right after the close, for the ballots above
//!    and for `RESULTS_BALLOTS` (100,000) ballots stored through the same
//!    group-commit path in a second cycle.
//! 4. A verdict for each of issue 22's budgets (`ballots/goals.rs`):
//!    ratios against the reference measured in the same run; the p99 is
//!    reported beside the reference's, not judged.
//!
//! `cargo bench -p kaoping-web --bench ballots` (SQLite), or with
//! `KAOPING_TEST_DATABASE_URL=postgres://…` for PostgreSQL (the reference
//! endpoint is always SQLite).

#[path = "ballots/goals.rs"]
mod goals;
#[path = "ballots/reference.rs"]
mod reference;
#[path = "ballots/wrk.rs"]
mod wrk;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::root;
use kaoping_core::ports::{AccountStore, BallotStore, CycleStore, RosterStore};

use kaoping_core::accounts::Role;
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::ids::{CycleId, OrgUnitId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::services::{AuthConfig, IssueFor, Services};
use kaoping_core::voting::ballot::{MarkInput, NewBallot};
use kaoping_store::Db;
use kaoping_web::{AppState, WebConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUBJECTS: usize = 66;
const GRADES: [&str; 4] = ["excellent", "good", "fair", "poor"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The i-th evaluator's marks: grades in turn, within the 好 quota.
fn marks(i: usize, subjects: &[i64]) -> Vec<MarkInput> {
    subjects
        .iter()
        .enumerate()
        .map(|(j, s)| MarkInput {
            subject: *s,
            abstain: false,
            grades: [("overall".to_string(), GRADES[(i + j) % 4].to_string())].into_iter().collect(),
            remark: None,
        })
        .collect()
}

/// A cycle in evaluation with 66 subjects and `evaluators` link sessions.
async fn meeting(
    svc: &Services,
    db: &Db,
    city: OrgUnitId,
    name: &str,
    evaluators: usize,
) -> (CycleId, Vec<i64>, Vec<String>) {
    let c = root();
    let input = CycleInput { name: name.into(), year: "2026".into(), ballot_mode: None };
    let cy = svc.cycles.cycle_create(&c, city, &input, None).await.unwrap().id;
    let mut subjects = Vec::new();
    for i in 0..SUBJECTS {
        let p = PersonInput { name: format!("{name}书记{i:02}"), ..Default::default() };
        let id = svc.people.person_create(&c, &p, Some(city)).await.unwrap().id;
        let si = SubjectInput { person_id: id.to_string(), category: "county".into(), mode: None, post: None };
        svc.cycles.subject_add(&c, cy, &si).await.unwrap();
        subjects.push(id.0);
    }
    let mut rows = Vec::new();
    for i in 0..evaluators {
        let p = PersonInput { name: format!("{name}评议人{i:06}"), ..Default::default() };
        rows.push((svc.people.person_create(&c, &p, Some(city)).await.unwrap().id, "all".to_string()));
    }
    let audit = AuditDraft::new(None, "bench", None, "x", "x");
    db.evaluator_replace(cy, &rows, &audit).await.unwrap();
    svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let mut sessions = Vec::new();
    for l in &svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap() {
        sessions.push(svc.reports.link_exchange(&l.token, None).await.unwrap().0);
    }
    (cy, subjects, sessions)
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let limits = kaoping_web::serve::Limits::from(&kaoping_web::WebConfig::default());
        kaoping_web::serve::serve(listener, app, limits, std::future::pending()).await.unwrap();
    });
    base
}

/// Every evaluator opens their ballot page first, as in the meeting; 32 at
/// a time.
async fn open_ballot_pages(base: &str, cy: CycleId, sessions: &[String]) {
    let client = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sessions = Arc::new(sessions.to_vec());
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (client, next, sessions, url) =
            (client.clone(), next.clone(), sessions.clone(), format!("{base}/e/{cy}/ballot"));
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(s) = sessions.get(i) else { break };
                let r = client.get(&url).header("cookie", format!("kp_link={s}")).send().await.unwrap();
                assert_eq!(r.status(), 200, "ballot page");
                r.bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Every evaluator presses submit at once; (wall time, p50, p99, failures).
async fn burst(base: &str, cy: CycleId, sessions: &[String], subjects: &[i64]) -> (f64, f64, f64, usize) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(sessions.len()).build().unwrap();
    // Each request is built before the clock starts: encoding 3,000 forms is
    // the phones' work, not the server's (it ran on the same two cores).
    let url = format!("{base}/e/{cy}/ballot/submit");
    let requests: Vec<reqwest::Request> = sessions
        .iter()
        .enumerate()
        .map(|(i, session)| {
            let m: Vec<serde_json::Value> = marks(i, subjects)
                .iter()
                .map(|m| serde_json::json!({"subject": m.subject, "grades": m.grades}))
                .collect();
            let form = [("key", format!("burst-key-{i:08}")), ("marks", serde_json::to_string(&m).unwrap())];
            client
                .post(&url)
                .header("cookie", format!("kp_link={session}"))
                .header("origin", base)
                .header("sec-fetch-site", "same-origin")
                .form(&form)
                .build()
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for request in requests {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let r = client.execute(request).await;
            let ok = match r {
                Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                Err(_) => false,
            };
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
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    (start.elapsed().as_secs_f64(), p(0.5), p(0.99), failed)
}

/// Log in as the organizer and follow the big screen's updates: (arrival, voted).
async fn watch_screen(base: &str, cy: CycleId) -> Arc<std::sync::Mutex<Vec<(Instant, u64)>>> {
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client
        .post(format!("{base}/login"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(&[("username", "orga"), ("password", "Bench-Passw0rd!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "organizer login");
    let mut res = client.get(format!("{base}/admin/cycles/{cy}/screen/events")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let out = seen.clone();
    tokio::spawn(async move {
        let mut buf = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let event: String = buf.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                    let v: serde_json::Value = serde_json::from_str(data.trim()).unwrap_or_default();
                    out.lock().unwrap().push((Instant::now(), v["voted"].as_u64().unwrap_or(0)));
                }
            }
        }
    });
    seen
}

/// A checkpoint of the PostgreSQL server the bench runs on.
async fn checkpoint() {
    use sea_orm::sqlx::Connection;
    let url = std::env::var("KAOPING_TEST_DATABASE_URL").expect("CHECKPOINT_BEFORE_BURST needs PostgreSQL");
    let mut conn = sea_orm::sqlx::PgConnection::connect(&url).await.expect("connect for CHECKPOINT");
    sea_orm::sqlx::query("CHECKPOINT").execute(&mut conn).await.expect("CHECKPOINT (needs a superuser)");
}

/// Close voting and compute the results; (milliseconds for both, for the
/// close alone, results).
async fn close_and_results(svc: &Services, cy: CycleId) -> (f64, f64, usize) {
    let t = Instant::now();
    svc.voting.voting_set(&root(), cy, false).await.unwrap();
    let closed = t.elapsed().as_secs_f64() * 1000.0;
    let (_, results) = svc.results.results(&root(), cy).await.unwrap();
    (t.elapsed().as_secs_f64() * 1000.0, closed, results.len())
}

/// On the server's runtime ([`kaoping_web::runtime`]).
fn main() {
    kaoping_web::runtime().expect("runtime").block_on(bench());
}

async fn bench() {
    let connections = env("CONNECTIONS", 512);
    let seconds = env("WRK_SECONDS", 3) as u64;
    let wrk_evaluators = env("EVALUATORS", 32_000);
    let burst_size = env("BURST", 3_000);
    let results_ballots = env("RESULTS_BALLOTS", 100_000);
    let replay_every = env("REPLAY_EVERY", 0);

    let t = kaoping_store::testing::fresh_db().await;
    // Set-up writes go through a second, non-durable connection (SQLite).
    let setup_db = Db::connect_with(&t.target, false).await.unwrap();
    let setup = Services::new(Arc::new(setup_db.clone()), AuthConfig::default());
    let c = root();
    let unit =
        OrgUnitInput {
            code: "LG".into(), name: "琅港市委".into(), kind: "city_committee".into(), sort_order: None
        };
    let city = setup.org.org_create(&c, None, &unit).await.unwrap().id;
    let started = Instant::now();
    let (cy, subjects, sessions) = meeting(&setup, &setup_db, city, "评议", wrk_evaluators + burst_size).await;
    let (cy2, subjects2, _) = meeting(&setup, &setup_db, city, "大会", 1).await;
    let organizer = PersonInput { name: "组织部".into(), ..Default::default() };
    let acc = kaoping_core::ports::NewAccount {
        person_id: setup.people.person_create(&c, &organizer, Some(city)).await.unwrap().id,
        username: "orga".into(),
        password_hash: kaoping_core::accounts::auth::hash_password("Bench-Passw0rd!"),
        must_change_password: false,
        grants: vec![kaoping_core::accounts::RoleGrant { role: Role::OrganizerAdmin, org_unit_id: Some(city) }],
    };
    setup_db.account_create(&acc, &AuditDraft::new(None, "bench", None, "account.create", "x")).await.unwrap();
    eprintln!("setup: {} evaluators in {:.1} s", sessions.len(), started.elapsed().as_secs_f64());
    drop(setup);

    let svc = Services::new(Arc::new(t.db.clone()), AuthConfig::default());
    svc.voting.voting_set(&c, cy, true).await.unwrap();
    let web = WebConfig { login_per_minute: 100_000, login_burst: 100_000, ..Default::default() };
    let base = serve(kaoping_web::app(AppState::new(svc.clone(), web, None))).await;
    let dir = kaoping_store::testing::TempDir::new();
    let (reference, ref_pool) = reference::router(&dir.0).await;
    let ref_base = serve(reference).await;
    let backend = if kaoping_store::testing::on_postgres() { "PostgreSQL" } else { "SQLite (FULL)" };
    let started = Instant::now();
    open_ballot_pages(&base, cy, &sessions).await;
    eprintln!("{} ballot pages opened in {:.1} s", sessions.len(), started.elapsed().as_secs_f64());
    // Sessions are touched at most once a minute (`TOUCH_EVERY`).
    if env("GRADING", 1) == 1 {
        tokio::time::sleep(Duration::from_secs(61).saturating_sub(started.elapsed())).await;
    }

    // 1. Throughput, reference first, each with the server's CPU time per
    // ballot (wrk is a separate process): the two measured in the same run
    // compare even when the machine's speed changes between runs.
    let cpu = common::cpu_seconds();
    let r = wrk::run(&dir.0, &ref_base, "/ref", &sessions[..1], &subjects, connections, seconds, 0);
    let ref_cpu = common::cpu_seconds() - cpu;
    let ref_stored: i64 =
        sea_orm::sqlx::query_scalar("SELECT COUNT(DISTINCT ballot) FROM mark").fetch_one(&ref_pool).await.unwrap();
    let ref_rate = ref_stored as f64 / (r.duration_us as f64 / 1e6);
    let mut run = goals::Run {
        postgres: kaoping_store::testing::on_postgres(),
        connections,
        replay_every,
        reference_rate: ref_rate,
        reference_p99_ms: r.p99_us as f64 / 1000.0,
        burst_size,
        results_ballots,
        ..Default::default()
    };
    let ref_cpu = ref_cpu * 1e6 / ref_stored as f64;
    println!(
        "reference endpoint (SQLite FULL, group commit, no checks), {connections} connections: {}; {ref_cpu:.0} µs CPU per ballot",
        r.line(ref_stored as usize)
    );
    let cpu = common::cpu_seconds();
    let path = format!("/e/{cy}/ballot/submit");
    let r = wrk::run(&dir.0, &base, &path, &sessions[..wrk_evaluators], &subjects, connections, seconds, replay_every);
    let per = common::cpu_seconds() - cpu;
    let stored = t.db.ballot_list(cy).await.unwrap().len();
    let rate = stored as f64 / (r.duration_us as f64 / 1e6);
    let per = per * 1e6 / stored as f64;
    (run.rate, run.p99_ms, run.errors) = (rate, r.p99_us as f64 / 1000.0, r.non_2xx + r.socket_errors);
    println!("ballot endpoint ({backend}), {connections} connections: {}; {per:.0} µs CPU per ballot", r.line(stored));
    if kaoping_store::testing::on_postgres() {
        // The database server's CPU is another process's: no CPU ratio.
        println!("  = {:.0} % of the reference (CPU: this process only)", 100.0 * rate / ref_rate);
    } else {
        println!(
            "  = {:.0} % of the reference's rate; the reference's CPU per ballot is {:.0} % of this endpoint's",
            100.0 * rate / ref_rate,
            100.0 * ref_cpu / per
        );
    }
    if stored >= wrk_evaluators || r.non_2xx > 0 {
        // wrk's two threads take evaluators in turn; a faster thread wraps
        // round to evaluators who already voted (409) before the other ends.
        println!("  (answers other than 200: evaluators may have run out — raise EVALUATORS)");
    }

    // 2. The burst, watched by the big screen. CHECKPOINT_BEFORE_BURST=1
    // (PostgreSQL, as a superuser): the burst starts right after a
    // checkpoint, when every page a batch touches first goes to the WAL whole.
    if env("CHECKPOINT_BEFORE_BURST", 0) == 1 {
        checkpoint().await;
    }
    let screen = watch_screen(&base, cy).await;
    let start = Instant::now();
    let (wall, p50, p99, failed) = burst(&base, cy, &sessions[wrk_evaluators..], &subjects).await;
    let confirmed = start + Duration::from_secs_f64(wall);
    (run.burst_ms, run.burst_failed) = (wall * 1000.0, failed);
    println!(
        "{burst_size} evaluators press submit at once: all confirmed in {:.0} ms (p50 {p50:.0} ms, p99 {p99:.0} ms), {failed} failed",
        wall * 1000.0
    );
    let total = t.db.ballot_list(cy).await.unwrap().len();
    let participants = t.db.participants(cy).await.unwrap().len();
    run.none_lost_or_twice = total == participants;
    // The screen's updates during the burst, and when it showed the last ballot.
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && !screen.lock().unwrap().iter().any(|(_, v)| *v as usize == participants) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    {
        let seen = screen.lock().unwrap();
        let during: Vec<Instant> = seen.iter().map(|(t, _)| *t).filter(|t| *t >= start && *t <= confirmed).collect();
        let gap = during.windows(2).map(|w| w[1] - w[0]).max().unwrap_or_default();
        let shown =
            seen.iter().find(|(_, v)| *v as usize == participants).map(|(t, _)| t.saturating_duration_since(confirmed));
        run.screen_ms = shown.map(|d| d.as_secs_f64() * 1000.0);
        println!(
            "big screen (SSE): {} updates during the burst, longest gap {:.0} ms; showed the last ballot {} after its receipt",
            during.len(),
            gap.as_secs_f64() * 1000.0,
            shown.map_or("never".to_string(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0))
        );
    }
    println!(
        "  stored {total} ballots, {participants} participation records (none lost, none twice: {})",
        total == participants
    );

    // 3. Closing.
    let (ms, closed, n) = close_and_results(&svc, cy).await;
    println!("close (seal over {total} receipts) + results for {n} subjects: {ms:.0} ms (close {closed:.0} ms)");
    svc.voting.voting_set(&c, cy2, true).await.unwrap();
    let scheme = t.db.cycle_get(cy2).await.unwrap().unwrap().scheme;
    let fill = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..results_ballots {
        let db = t.db.clone();
        let checked =
            kaoping_core::voting::ballot::check_final(&scheme, &scope(&subjects2), marks(i, &subjects2)).unwrap();
        let b = NewBallot {
            cycle: cy2.0,
            id: format!("{i:032x}"),
            group: "all".into(),
            // Named, as the cycle is: stored and counted at once (an
            // anonymous ballot stays sealed until the close opens it).
            evaluator: Some(10_000_000 + i as i64),
            participant: 10_000_000 + i as i64,
            contributions: kaoping_core::voting::counts::contributions(&scheme, "all", &checked.marks),
            marks: kaoping_core::voting::ballot::stored_json(&checked.marks),
            remarks: "{}".into(),
            receipt: format!("{i:064x}"),
            paper: false,
            key_hash: format!("results-{i}"),
            request_hash: String::new(),
        };
        tasks.spawn(async move {
            use kaoping_core::ports::BallotStore;
            db.ballot_submit(b, AuditDraft::new(None, "bench", None, "ballot.participate", "x")).await.unwrap()
        });
        if tasks.len() >= 4096 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    eprintln!("stored {results_ballots} ballots in {:.1} s", fill.elapsed().as_secs_f64());
    let (ms, closed, n) = close_and_results(&svc, cy2).await;
    println!(
        "close (seal over {results_ballots} receipts) + results for {n} subjects × {results_ballots} ballots: {ms:.0} ms (close {closed:.0} ms)"
    );
    run.results_ms = ms;
    println!("against issue 22's budgets (docs/performance-ballots.md):");
    for line in goals::lines(&run) {
        println!("  {line}");
    }
}

fn scope(subjects: &[i64]) -> Vec<kaoping_core::voting::ballot::ScopeSubject> {
    subjects
        .iter()
        .map(|s| kaoping_core::voting::ballot::ScopeSubject {
            id: *s,
            name: String::new(),
            category: "county".into(),
            category_name: String::new(),
        })
        .collect()
}
