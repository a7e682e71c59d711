//! Issue 3 figures (docs/performance.md), over real HTTP on a fresh database:
//!   - importing a 10,000-row evaluator sheet (time; peak memory of the process);
//!   - printing the QR sheet for 1,000 evaluators;
//!   - the reading page under 64 concurrent readers with personal links (p50/p99).
//!
//! `cargo bench -p kaoping-web --bench reading` (SQLite in a temp folder), or
//! with `KAOPING_TEST_DATABASE_URL=postgres://…` for PostgreSQL.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::{client, pct, root, status_kb};
use kaoping_core::ports::{AccountStore, RosterStore};

use kaoping_core::accounts::auth;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::NewAccount;
use kaoping_core::reports::AttachmentChange;
use kaoping_core::services::{AuthConfig, Caller, ReportSave, Services};
use kaoping_office::{Column, write_xlsx};
use kaoping_store::Db;
use kaoping_web::{AppState, WebConfig};
use std::sync::Arc;
use std::time::Instant;

const PEOPLE: usize = 10_000;
const READERS: usize = 64;
const REQUESTS_PER_READER: usize = 100;

/// On the server's runtime ([`kaoping_web::runtime`]).
fn main() {
    kaoping_web::runtime().expect("runtime").block_on(bench());
}

async fn bench() {
    let db = kaoping_store::testing::fresh_db().await;
    let svc = Services::new(Arc::new(db.db.clone()), AuthConfig::default());
    let c = root();
    let unit = |code: &str, name: &str, kind: &str| OrgUnitInput {
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
        sort_order: None,
    };
    let city = svc.org.org_create(&c, None, &unit("LG", "琅港市委", "city_committee")).await.unwrap();
    let mut units = Vec::new();
    for i in 0..100 {
        units.push(
            svc.org
                .org_create(&c, Some(city.id), &unit(&format!("U{i:03}"), &format!("单位{i}"), "other"))
                .await
                .unwrap(),
        );
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut people = Vec::new();
    for i in 0..PEOPLE {
        let u = &units[i % units.len()];
        let name = format!("评议人{i:05}");
        let p = PersonInput { name: name.clone(), org_unit_id: Some(u.id.to_string()), ..Default::default() };
        people.push(svc.people.person_create(&c, &p, None).await.unwrap().id);
        rows.push(vec![name, u.code.clone(), "评议人员".to_string()]);
    }
    eprintln!("setup: {PEOPLE} people in {:.1} s", started.elapsed().as_secs_f64());
    let hash = auth::hash_password("Bench-Passw0rd!");
    let acc = NewAccount {
        person_id: people[0],
        username: "orga".into(),
        password_hash: hash,
        must_change_password: false,
        grants: vec![RoleGrant { role: Role::OrganizerAdmin, org_unit_id: Some(city.id) }],
    };
    db.db.account_create(&acc, &AuditDraft::new(None, "bench", None, "account.create", "x")).await.unwrap();

    let web =
        WebConfig { login_per_minute: 100_000, login_burst: 100_000, max_upload_bytes: 20 << 20, ..Default::default() };
    let app = kaoping_web::app(AppState::new(svc.clone(), web, None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let limits = kaoping_web::serve::Limits::from(&kaoping_web::WebConfig::default());
        kaoping_web::serve::serve(listener, app, limits, std::future::pending()).await.unwrap();
    });
    let admin = client(&base);
    let r = admin
        .post(format!("{base}/login"))
        .form(&[("username", "orga"), ("password", "Bench-Passw0rd!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // 1. A 10,000-row evaluator sheet.
    let cycle_input = |n: &str| CycleInput { name: n.into(), year: "2026".into(), ballot_mode: None };
    let big = svc.cycles.cycle_create(&c, city.id, &cycle_input("万人评议"), None).await.unwrap().id;
    let columns = [Column::new("姓名", 12.0), Column::new("所在组织代码", 16.0), Column::new("评议人类别", 24.0)];
    let xlsx = write_xlsx("评议人员", &columns, &rows).unwrap();
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(xlsx.clone()).file_name("evaluators.xlsx"));
    let rss_before = status_kb("VmRSS:");
    let _ = std::fs::write("/proc/self/clear_refs", "5"); // reset the peak (Linux)
    let t = Instant::now();
    let r = admin.post(format!("{base}/admin/cycles/{big}/evaluators/import")).multipart(form).send().await.unwrap();
    let import_s = t.elapsed().as_secs_f64();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let peak = status_kb("VmHWM:");
    assert_eq!(db.db.evaluator_list(big).await.unwrap().len(), PEOPLE);
    println!(
        "import {PEOPLE} evaluators ({} KiB xlsx): {import_s:.2} s; RSS before {} MiB, peak during import {} MiB",
        xlsx.len() / 1024,
        rss_before / 1024,
        peak / 1024
    );

    // 2. The QR sheet for 1,000 evaluators.
    let qr = svc.cycles.cycle_create(&c, city.id, &cycle_input("千人评议"), None).await.unwrap().id;
    let evs: Vec<(PersonId, String)> = people[..1000].iter().map(|p| (*p, "all".to_string())).collect();
    db.db.evaluator_replace(qr, &evs, &AuditDraft::new(None, "bench", None, "x", "x")).await.unwrap();
    let t = Instant::now();
    let r = admin.post(format!("{base}/admin/cycles/{qr}/links/issue")).form(&[("which", "all")]).send().await.unwrap();
    let html = r.text().await.unwrap();
    let qr_s = t.elapsed().as_secs_f64();
    assert_eq!(html.matches("class=\"qr-card\"").count(), 1000);
    println!("QR sheet for 1,000 evaluators: {qr_s:.2} s, {:.1} MiB of HTML", html.len() as f64 / 1048576.0);

    // 3. 64 readers on one reading page each, with personal links.
    let read = reading_cycle(&svc, &db.db, &c, city.id, &people).await;
    let r =
        admin.post(format!("{base}/admin/cycles/{read}/links/issue")).form(&[("which", "all")]).send().await.unwrap();
    let html = r.text().await.unwrap();
    let links: Vec<String> =
        html.split("class=\"qr-url mono\" href=\"").skip(1).map(|p| p.split('"').next().unwrap().to_string()).collect();
    let subject = svc.cycles.subjects_list(&c, read).await.unwrap()[0].person_id;
    let mut tasks = Vec::new();
    let t = Instant::now();
    for link in links.into_iter().take(READERS) {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let phone = client(&base);
            let path = link.trim_start_matches(&base).to_string();
            assert_eq!(phone.get(format!("{base}{path}")).send().await.unwrap().status(), 303);
            let mut times = Vec::with_capacity(REQUESTS_PER_READER);
            for _ in 0..REQUESTS_PER_READER {
                let t = Instant::now();
                let r = phone.get(format!("{base}/e/{read}/s/{subject}")).send().await.unwrap();
                assert_eq!(r.status(), 200);
                let _ = r.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times
        }));
    }
    let all = common::sorted_times(tasks).await;
    let wall = t.elapsed().as_secs_f64();
    println!(
        "reading page, {READERS} readers × {REQUESTS_PER_READER}: {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms",
        all.len() as f64 / wall,
        pct(&all, 0.50),
        pct(&all, 0.99)
    );
}

/// A cycle in reporting with one submitted report and 64+ evaluators.
async fn reading_cycle(
    svc: &Services,
    db: &Db,
    c: &Caller,
    city: kaoping_core::ids::OrgUnitId,
    people: &[PersonId],
) -> CycleId {
    let input = CycleInput { name: "阅读".into(), year: "2026".into(), ballot_mode: None };
    let cy = svc.cycles.cycle_create(c, city, &input, None).await.unwrap().id;
    let subject = people[PEOPLE - 1];
    let si = SubjectInput { person_id: subject.to_string(), category: "county".into(), mode: None, post: None };
    svc.cycles.subject_add(c, cy, &si).await.unwrap();
    let evs: Vec<(PersonId, String)> = people[..READERS].iter().map(|p| (*p, "all".to_string())).collect();
    db.evaluator_replace(cy, &evs, &AuditDraft::new(None, "bench", None, "x", "x")).await.unwrap();
    svc.cycles.cycle_advance(c, cy, Phase::Reporting).await.unwrap();
    let me = Caller { actor: Actor { person_id: subject, ..c.actor.clone() }, client: None };
    let body: String = (0..40)
        .map(|i| format!("<p>第{i}段：抓基层党建工作，落实第一责任人职责，推动党建与业务深度融合，成效明显。</p>"))
        .collect();
    let save = ReportSave {
        body_html: format!("<h3>一、履行职责情况</h3>{body}"),
        attachment: AttachmentChange::Keep,
        submit: true,
    };
    svc.reports.report_save(&me, cy, save).await.unwrap();
    cy
}
