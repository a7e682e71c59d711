//! Issue 5 figures (docs/performance.md), on a fresh database:
//!   - issuing 1,000 feedback sheets in bulk (one transaction), then
//!     downloading all 1,000 as .docx in one zip over HTTP (time; peak
//!     memory of the process);
//!   - the ledger page with 10,000 measures, over HTTP (p50/p99, one
//!     client after another and 8 at once), and its Excel export.
//!
//! `cargo bench -p kaoping-web --bench feedback` (SQLite in a temp folder),
//! or with `KAOPING_TEST_DATABASE_URL=postgres://…` for PostgreSQL.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::{client, pct, reset_peak, root, status_kb};
use kaoping_core::ports::{AccountStore, FeedbackStore, RosterStore};

use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::roster::ReportingMode;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::feedback::ProblemInput;
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{NewAccount, NewSubject};
use kaoping_core::rectification::progress::ProgressFields;
use kaoping_core::rectification::{Kpi, MeasureFields};
use kaoping_core::services::{AuthConfig, Services};
use kaoping_store::Db;
use kaoping_web::{AppState, WebConfig};
use std::sync::Arc;
use std::time::Instant;

const SUBJECTS: usize = 1_000;
const PROBLEMS_PER_SUBJECT: usize = 2;
const MEASURES_PER_PROBLEM: usize = 5;
const REQUESTS: usize = 100;

/// On the server's runtime ([`kaoping_web::runtime`]).
fn main() {
    kaoping_web::runtime().expect("runtime").block_on(bench());
}

async fn bench() {
    let t = kaoping_store::testing::fresh_db().await;
    // Set-up writes go through a second, non-durable connection (SQLite).
    let setup_db = Db::connect_with(&t.target, false).await.unwrap();
    let setup = Services::new(Arc::new(setup_db.clone()), AuthConfig::default());
    let c = root();
    let audit = || AuditDraft::new(None, "bench", None, "bench", "x");
    let unit =
        OrgUnitInput {
            code: "LG".into(), name: "琅港市委".into(), kind: "city_committee".into(), sort_order: None
        };
    let city = setup.org.org_create(&c, None, &unit).await.unwrap().id;
    let started = Instant::now();
    let input = CycleInput { name: "千人反馈".into(), year: "2026".into(), ballot_mode: None };
    let cy = setup.cycles.cycle_create(&c, city, &input, None).await.unwrap().id;
    let mut subjects = Vec::with_capacity(SUBJECTS);
    for i in 0..SUBJECTS {
        let p = PersonInput { name: format!("书记{i:04}"), ..Default::default() };
        let id = setup.people.person_create(&c, &p, Some(city)).await.unwrap().id;
        subjects.push(NewSubject {
            person_id: id,
            post: "党委书记".into(),
            org_unit_id: None,
            category: "county".into(),
            mode: ReportingMode::Written,
        });
    }
    setup_db.subject_replace(cy, &subjects, &audit()).await.unwrap();
    let e =
        setup.people.person_create(&c, &PersonInput { name: "评议人".into(), ..Default::default() }, Some(city)).await;
    setup.cycles.evaluator_add(&c, cy, &e.unwrap().id.to_string(), "all").await.unwrap();
    setup.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    setup.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    setup.voting.voting_set(&c, cy, true).await.unwrap();
    setup.voting.voting_set(&c, cy, false).await.unwrap();
    let tags = ["党建与业务融合", "队伍建设", "品牌建设", "阵地建设", "制度落实"];
    for (i, s) in subjects.iter().enumerate() {
        for j in 0..PROBLEMS_PER_SUBJECT {
            let p = ProblemInput {
                source: "routine".into(),
                text: format!("第{}条：党建工作与中心工作融合不够紧密，抓党建促发展的办法不多。", j + 1),
                tag: tags[(i + j) % tags.len()].into(),
                severity: "moderate".into(),
                ..Default::default()
            };
            setup.feedback.problem_add(&c, cy, s.person_id, &p).await.unwrap();
        }
    }
    let organizer = PersonInput { name: "组织部".into(), ..Default::default() };
    let acc = NewAccount {
        person_id: setup.people.person_create(&c, &organizer, Some(city)).await.unwrap().id,
        username: "orga".into(),
        password_hash: kaoping_core::accounts::auth::hash_password("Bench-Passw0rd!"),
        must_change_password: false,
        grants: vec![RoleGrant { role: Role::OrganizerAdmin, org_unit_id: Some(city) }],
    };
    setup_db.account_create(&acc, &audit()).await.unwrap();
    eprintln!(
        "setup: {SUBJECTS} subjects, {} problems in {:.1} s",
        SUBJECTS * PROBLEMS_PER_SUBJECT,
        started.elapsed().as_secs_f64()
    );

    let svc = Services::new(Arc::new(t.db.clone()), AuthConfig::default());
    let web = WebConfig { login_per_minute: 100_000, login_burst: 100_000, ..Default::default() };
    let app = kaoping_web::app(AppState::new(svc.clone(), web, None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let limits = kaoping_web::serve::Limits::from(&kaoping_web::WebConfig::default());
        kaoping_web::serve::serve(listener, app, limits, std::future::pending()).await.unwrap();
    });

    // 1. Issue 1,000 sheets at once, then all of them as .docx.
    let rss = reset_peak();
    let t0 = Instant::now();
    let out = svc.feedback.sheets_issue(&c, cy, None).await.unwrap();
    let issue_s = t0.elapsed().as_secs_f64();
    assert_eq!(out.issued.len(), SUBJECTS);
    println!(
        "issue {SUBJECTS} feedback sheets (one transaction): {issue_s:.2} s; RSS {rss} MiB, peak {} MiB",
        status_kb("VmHWM:") / 1024
    );
    let admin = client(&base);
    let r = admin
        .post(format!("{base}/login"))
        .form(&[("username", "orga"), ("password", "Bench-Passw0rd!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let rss = reset_peak();
    let t0 = Instant::now();
    let zip = admin.get(format!("{base}/admin/cycles/{cy}/feedback/sheets.zip")).send().await.unwrap();
    assert_eq!(zip.status(), 200);
    let bytes = zip.bytes().await.unwrap();
    let docx_s = t0.elapsed().as_secs_f64();
    println!(
        "download {SUBJECTS} sheets as .docx in one zip: {docx_s:.2} s ({:.1} ms per sheet), {:.1} MiB; RSS {rss} MiB, peak {} MiB",
        docx_s * 1000.0 / SUBJECTS as f64,
        bytes.len() as f64 / 1048576.0,
        status_kb("VmHWM:") / 1024
    );

    // 2. 10,000 measures on approved plans, a third with a KPI and progress.
    let started = Instant::now();
    let store = Db::connect_with(&t.target, false).await.unwrap();
    use kaoping_core::ports::RectificationStore;
    let problems = t.db.problem_list(cy, None).await.unwrap();
    let deadline = chrono::NaiveDate::from_ymd_opt(2099, 6, 30).unwrap();
    let mut n = 0;
    for p in &problems {
        for k in 0..MEASURES_PER_PROBLEM {
            let kpi = (n % 3 == 0).then(|| Kpi {
                name: "项目开复工率".into(),
                unit: "%".into(),
                baseline: kaoping_core::exact::Dec4(600_000),
                target: kaoping_core::exact::Dec4(900_000),
                current: None,
            });
            let f = MeasureFields {
                problem_id: p.id,
                text: format!("措施{k}：建立重点项目周调度机制，每周通报进度"),
                responsible: "责任人".into(),
                deadline,
                kpi,
            };
            store.measure_add(cy, p.subject_id, &f, &audit()).await.unwrap();
            n += 1;
        }
    }
    for s in &subjects {
        store.plan_submit(cy, s.person_id, &audit()).await.unwrap();
        store.plan_review(cy, s.person_id, true, None, &audit()).await.unwrap();
    }
    for (i, m) in store.measure_list(cy, None).await.unwrap().iter().enumerate() {
        if i % 3 == 0 {
            let f = ProgressFields {
                text: "按计划推进".into(),
                percent: (i % 100) as u8,
                kpi_value: m.kpi.as_ref().map(|_| kaoping_core::exact::Dec4(843_000)),
            };
            store.progress_add(cy, m.subject_id, m.id, "2026Q4", &f, &[], &audit()).await.unwrap();
        }
    }
    eprintln!("setup: {n} measures on {SUBJECTS} approved plans in {:.1} s", started.elapsed().as_secs_f64());

    let page = format!("{base}/admin/cycles/{cy}/ledger");
    let first = admin.get(&page).send().await.unwrap().text().await.unwrap();
    assert!(first.contains(&format!("<strong class=\"num\">{n}</strong>")), "the ledger counts {n} measures");
    let mut times = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        let t0 = Instant::now();
        let r = admin.get(format!("{page}?page={}", i % 10 + 1)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        times.push(t0.elapsed());
    }
    times.sort();
    println!(
        "ledger page, {n} measures, one client: p50 {:.0} ms, p99 {:.0} ms ({REQUESTS} requests)",
        pct(&times, 0.5),
        pct(&times, 0.99)
    );
    let mut tasks = Vec::new();
    let t0 = Instant::now();
    for w in 0..8 {
        let (admin, page) = (admin.clone(), page.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..REQUESTS / 4 {
                let t0 = Instant::now();
                let r = admin.get(format!("{page}?tag=%E9%98%9F%E4%BC%8D%E5%BB%BA%E8%AE%BE&page={}", (w + i) % 3 + 1));
                let r = r.send().await.unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                out.push(t0.elapsed());
            }
            out
        }));
    }
    let times = common::sorted_times(tasks).await;
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "ledger page filtered by tag, 8 clients at once: p50 {:.0} ms, p99 {:.0} ms, {:.1} pages/s",
        pct(&times, 0.5),
        pct(&times, 0.99),
        times.len() as f64 / wall
    );
    let rss = reset_peak();
    let t0 = Instant::now();
    let x = admin.get(format!("{page}.xlsx")).send().await.unwrap();
    assert_eq!(x.status(), 200);
    let x = x.bytes().await.unwrap();
    println!(
        "ledger Excel export, {n} rows: {:.2} s, {:.1} MiB; RSS {rss} MiB, peak {} MiB",
        t0.elapsed().as_secs_f64(),
        x.len() as f64 / 1048576.0,
        status_kb("VmHWM:") / 1024
    );
}
