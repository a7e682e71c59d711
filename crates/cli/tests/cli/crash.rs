//! Reliability: `kaoping serve` is killed (SIGKILL) in the middle of a burst
//! of final ballots. After a restart every acknowledged ballot is there, none
//! twice, and retrying the unacknowledged ones (same keys, same bodies)
//! leaves exactly one ballot per evaluator and the expected tally.

use kaoping_core::accounts::Role;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::ids::{AccountId, PersonId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{BallotStore, RosterStore};
use kaoping_core::services::{AuthConfig, Caller, IssueFor, Services};
use kaoping_store::Target;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const EVALUATORS: usize = 240;

fn root() -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: PersonId(0),
            username: "test".into(),
            display_name: "test".into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::SystemAdmin].into(),
            scopes: vec![],
        },
        client: None,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Start `kaoping serve` and return once it says it is listening (its log
/// line on stderr, which is drained afterwards so the server never blocks).
async fn serve(target: &Target, port: u16) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaoping"));
    cmd.arg("serve").args(["--listen", &format!("127.0.0.1:{port}")]).env("KAOPING_LOG", "warn,kaoping=info");
    match target {
        Target::Sqlite(file) => cmd.args(["--data", file.parent().unwrap().to_str().unwrap()]),
        Target::Postgres(url) => cmd.args(["--database-url", url]),
    };
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start kaoping serve");
    let stderr = child.stderr.take().unwrap();
    let (ready, listening) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("kaoping is listening") {
                let _ = ready.send(());
            }
        }
    });
    let started = tokio::task::spawn_blocking(move || listening.recv_timeout(Duration::from_secs(60)).is_ok());
    if started.await.unwrap() {
        return child;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("kaoping serve did not start");
}

/// Submit one evaluator's ballot; the receipt if it was acknowledged.
async fn submit(base: &str, cycle: i64, session: &str, key: &str, marks: &str) -> Option<String> {
    let r = reqwest::Client::new()
        .post(format!("{base}/e/{cycle}/ballot/submit"))
        .header("cookie", format!("kp_link={session}"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(&[("key", key), ("marks", marks)])
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .ok()?;
    if r.status() != 200 {
        return None;
    }
    let page = r.text().await.ok()?;
    let at = page.find("id=\"receipt\">")? + 13;
    Some(page[at..at + 64].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_keeps_every_acknowledged_ballot_once() {
    let t = kaoping_store::testing::fresh_db().await;
    let svc = Services::new(Arc::new(t.db.clone()), AuthConfig::default());
    let c = root();
    let unit =
        OrgUnitInput {
            code: "LG".into(), name: "琅港市委".into(), kind: "city_committee".into(), sort_order: None
        };
    let city = svc.org.org_create(&c, None, &unit).await.unwrap().id;
    let input = CycleInput { name: "2026".into(), year: "2026".into(), ballot_mode: None };
    let cy = svc.cycles.cycle_create(&c, city, &input, None).await.unwrap().id;
    let mut subjects = Vec::new();
    for i in 0..3 {
        let input = PersonInput { name: format!("书记{i}"), ..Default::default() };
        let id = svc.people.person_create(&c, &input, Some(city)).await.unwrap().id;
        let si = SubjectInput { person_id: id.to_string(), category: "county".into(), mode: None, post: None };
        svc.cycles.subject_add(&c, cy, &si).await.unwrap();
        subjects.push(id.0);
    }
    let mut rows = Vec::new();
    for i in 0..EVALUATORS {
        let input = PersonInput { name: format!("评议人{i}"), ..Default::default() };
        rows.push((svc.people.person_create(&c, &input, Some(city)).await.unwrap().id, "all".to_string()));
    }
    let audit = kaoping_core::audit::AuditDraft::new(None, "test", None, "x", "x");
    t.db.evaluator_replace(cy, &rows, &audit).await.unwrap();
    svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let mut sessions = Vec::new();
    for l in svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap() {
        sessions.push(svc.reports.link_exchange(&l.token, None).await.unwrap().0);
    }
    svc.voting.voting_set(&c, cy, true).await.unwrap();
    let marks = serde_json::to_string(
        &subjects.iter().map(|s| serde_json::json!({"subject": s, "grades": {"overall": "good"}})).collect::<Vec<_>>(),
    )
    .unwrap();

    // The burst; the server is killed once a third has been acknowledged.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&t.target, port).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for (i, session) in sessions.iter().enumerate() {
        let (tx, base, session, marks) = (tx.clone(), base.clone(), session.clone(), marks.clone());
        tokio::spawn(async move {
            let got = submit(&base, cy.0, &session, &format!("crash-key-{i:06}"), &marks).await;
            let _ = tx.send((i, got));
        });
    }
    drop(tx);
    let mut acked: Vec<Option<String>> = vec![None; EVALUATORS];
    let mut answered = 0;
    while let Some((i, got)) = rx.recv().await {
        answered += 1;
        if got.is_some() {
            acked[i] = got;
        }
        if acked.iter().flatten().count() == EVALUATORS / 3 {
            server.kill().expect("SIGKILL");
            server.wait().unwrap();
        }
    }
    assert_eq!(answered, EVALUATORS);
    let n_acked = acked.iter().flatten().count();
    assert!((EVALUATORS / 3..EVALUATORS).contains(&n_acked), "killed mid-burst ({n_acked} acknowledged)");

    // Restarted: every acknowledged ballot is there, none twice.
    let mut server = serve(&t.target, port).await;
    let stored = t.db.ballot_list(cy).await.unwrap();
    let receipts: std::collections::HashSet<&str> = stored.iter().map(|b| b.receipt.as_str()).collect();
    assert_eq!(receipts.len(), stored.len());
    for r in acked.iter().flatten() {
        assert!(receipts.contains(r.as_str()), "acknowledged receipt {r} lost");
    }
    assert_eq!(t.db.participants(cy).await.unwrap().len(), stored.len(), "none twice");

    // Retry everything: acknowledged ones answer with the same receipt,
    // the others are stored now (or were, unacknowledged, before the kill).
    for (i, session) in sessions.iter().enumerate() {
        let again = submit(&base, cy.0, session, &format!("crash-key-{i:06}"), &marks).await;
        let again = again.unwrap_or_else(|| panic!("retry {i} answered"));
        if let Some(first) = &acked[i] {
            assert_eq!(&again, first);
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let stored = t.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), EVALUATORS);
    assert_eq!(t.db.participants(cy).await.unwrap().len(), EVALUATORS);
    svc.voting.voting_set(&c, cy, false).await.unwrap();
    let (_, results) = svc.results.results(&c, cy).await.unwrap();
    for r in &results {
        assert_eq!(r.counts.n(), EVALUATORS as u64);
        assert_eq!(r.democratic, Some(kaoping_core::results::tally::q_int(80)));
    }
}
