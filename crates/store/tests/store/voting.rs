//! Voting through the services: open, drafts, final ballots with receipts
//! and idempotency, concurrent double submits, the seal, results, and the
//! anonymous mode's stored rows.

use crate::{input, organizer, root, world};
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AuditStore, BallotStore, CycleStore};
use kaoping_core::services::IssueFor;
use kaoping_core::voting::ballot::MarkInput;

pub(crate) fn marks(grades: &[(i64, &str)]) -> Vec<MarkInput> {
    grades
        .iter()
        .map(|(s, g)| MarkInput {
            subject: *s,
            abstain: *g == "-",
            grades: [("overall".to_string(), g.to_string())].into_iter().collect(),
            remark: None,
        })
        .collect()
}

async fn setup(
    mode: &str,
) -> (crate::World, kaoping_core::services::Caller, kaoping_core::ids::CycleId, Vec<i64>, Vec<String>) {
    setup_n(mode, 3).await
}

pub(crate) async fn setup_n(
    mode: &str,
    evaluators: usize,
) -> (crate::World, kaoping_core::services::Caller, kaoping_core::ids::CycleId, Vec<i64>, Vec<String>) {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let zzb = organizer(&[&city]);
    let ci = CycleInput { name: "2026".into(), year: "2026".into(), ballot_mode: Some(mode.into()) };
    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &ci, None).await.unwrap().id;
    let mut subjects = Vec::new();
    for name in ["甲", "乙"] {
        let p = w
            .svc
            .people
            .person_create(&c, &PersonInput { name: name.into(), ..Default::default() }, Some(city.id))
            .await
            .unwrap();
        let si = SubjectInput { person_id: p.id.to_string(), category: "county".into(), mode: None, post: None };
        w.svc.cycles.subject_add(&zzb, cy, &si).await.unwrap();
        subjects.push(p.id.0);
    }
    for i in 0..evaluators {
        let p = w
            .svc
            .people
            .person_create(&c, &PersonInput { name: format!("评议{i}"), ..Default::default() }, Some(city.id))
            .await
            .unwrap();
        w.svc.cycles.evaluator_add(&zzb, cy, &p.id.to_string(), "all").await.unwrap();
    }
    let links = w.svc.reports.links_issue(&zzb, cy, IssueFor::Missing).await.unwrap();
    let mut sessions = Vec::new();
    for l in &links {
        sessions.push(w.svc.reports.link_exchange(&l.token, None).await.unwrap().0);
    }
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Reporting).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Evaluation).await.unwrap();
    (w, zzb, cy, subjects, sessions)
}

#[tokio::test]
async fn ballots_are_final_once_with_receipts_and_the_close_seals_them() {
    let (w, zzb, cy, s, sessions) = setup("named").await;
    let reader = |i: usize| {
        let w = &w;
        let t = sessions[i].clone();
        async move { w.svc.reports.reader_from_link(&t, None).await.unwrap().unwrap() }
    };
    let r0 = reader(0).await;
    // Not open yet.
    let e = w.svc.voting.ballot_submit(&r0, "k-0000000000000001", marks(&[(s[0], "excellent"), (s[1], "good")])).await;
    assert!(matches!(e, Err(CoreError::Conflict(ref m)) if m.key == "err-voting-not-open"));
    w.svc.voting.ballot_save_draft(&r0, &marks(&[(s[0], "good")])).await.unwrap();
    assert_eq!(w.svc.voting.ballot_page(&r0).await.unwrap().draft.len(), 1);
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    assert!(matches!(w.svc.voting.voting_set(&zzb, cy, true).await, Err(CoreError::Conflict(_))));
    // The tally waits until voting is closed.
    let e = w.svc.cycles.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].msg.key == "err-phase-voting-open"));

    // A missing subject is named; nothing is stored.
    let e = w.svc.voting.ballot_submit(&r0, "k-0000000000000001", marks(&[(s[0], "excellent")])).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].msg.key == "err-ballot-subject-missing"));
    let body = marks(&[(s[0], "excellent"), (s[1], "good")]);
    let receipt = w.svc.voting.ballot_submit(&r0, "k-0000000000000001", body.clone()).await.unwrap();
    assert_eq!(receipt.len(), 64);
    // Same key and body: the same receipt, nothing stored twice.
    assert_eq!(w.svc.voting.ballot_submit(&r0, "k-0000000000000001", body.clone()).await.unwrap(), receipt);
    // Same key, other body: 422.
    let other = marks(&[(s[0], "good"), (s[1], "good")]);
    assert!(matches!(
        w.svc.voting.ballot_submit(&r0, "k-0000000000000001", other.clone()).await,
        Err(CoreError::Invalid(_))
    ));
    // No draft after the final ballot (it would name the evaluator again).
    let e = w.svc.voting.ballot_save_draft(&r0, &marks(&[(s[0], "fair")])).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-ballot-already"));
    // A second final ballot: refused.
    let e = w.svc.voting.ballot_submit(&r0, "k-0000000000000002", other.clone()).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-ballot-already"));
    assert!(w.svc.voting.ballot_page(&r0).await.unwrap().voted);

    // Two evaluators submit at once, each twice with different keys: one ballot each.
    let (r1, r2) = (reader(1).await, reader(2).await);
    let tasks: Vec<_> = [
        (&r1, "k-1000000000000001"),
        (&r1, "k-1000000000000002"),
        (&r2, "k-2000000000000001"),
        (&r2, "k-2000000000000002"),
    ]
    .into_iter()
    .map(|(r, k)| {
        let svc = w.svc.clone();
        let r = r.clone();
        let m = marks(&[(s[0], "good"), (s[1], "fair")]);
        tokio::spawn(async move { svc.voting.ballot_submit(&r, k, m).await })
    })
    .collect();
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap().is_ok());
    }
    assert_eq!(ok, 2);
    assert_eq!(w.t.db.ballot_list(cy).await.unwrap().len(), 3);
    let turnout = w.svc.voting.turnout(&zzb, cy).await.unwrap();
    assert_eq!((turnout.expected, turnout.voted), (3, 3));

    // Results stay hidden until voting closes; closing writes the seal.
    assert!(matches!(w.svc.results.results(&zzb, cy).await, Err(CoreError::Conflict(_))));
    let seal = w.svc.voting.voting_set(&zzb, cy, false).await.unwrap().unwrap();
    let receipts: Vec<String> = w.t.db.ballot_list(cy).await.unwrap().into_iter().map(|b| b.receipt).collect();
    assert_eq!(seal, kaoping_core::voting::ballot::seal(&receipts));
    let log =
        w.t.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    assert!(log.iter().any(|e| e.action == "voting.close" && e.detail.contains(&seal)));
    let e = w.svc.voting.ballot_submit(&r1, "k-3000000000000001", body.clone()).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(_)));
    let (_, results) = w.svc.results.results(&zzb, cy).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap();
    // 甲: 好, 较好, 较好 → 260/3; 乙: 较好, 一般, 一般 → 60.
    assert_eq!(kaoping_core::results::tally::exact_string(results[0].democratic.as_ref().unwrap()), "260/3");
    assert_eq!(results[0].grade.as_ref().unwrap().0, "good");
    assert_eq!(results[1].democratic, Some(kaoping_core::results::tally::q_int(60)));
}

#[tokio::test]
async fn anonymous_ballots_carry_no_evaluator() {
    let (w, zzb, cy, s, sessions) = setup("anonymous").await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let r = w.svc.reports.reader_from_link(&sessions[0], None).await.unwrap().unwrap();
    let receipt =
        w.svc.voting.ballot_submit(&r, "k-0000000000000009", marks(&[(s[0], "poor"), (s[1], "-")])).await.unwrap();
    // Sealed until voting closes: no plaintext ballot, no vote counts.
    assert!(w.t.db.ballot_list(cy).await.unwrap().is_empty());
    assert!(w.t.db.ballot_counts(cy).await.unwrap().counts.is_empty());
    // No live tally: partial results would show each ballot as it came.
    let e = w.svc.meeting.live_tally_set(&zzb, cy, true).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-live-tally-anonymous"));
    // The same key and body again: the first receipt, from the masked record.
    let again =
        w.svc.voting.ballot_submit(&r, "k-0000000000000009", marks(&[(s[0], "poor"), (s[1], "-")])).await.unwrap();
    assert_eq!(again, receipt);
    let e =
        w.svc.voting.ballot_submit(&r, "k-0000000000000009", marks(&[(s[0], "good"), (s[1], "-")])).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(_)), "another body with the key: {e:?}");
    let r1 = w.svc.reports.reader_from_link(&sessions[1], None).await.unwrap().unwrap();
    let paper = marks(&[(s[0], "good"), (s[1], "good")]);
    w.svc.meeting.paper_ballot(&zzb, cy, r1.person_id, "paper-key-000000001", paper.clone()).await.unwrap();
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let stored = w.t.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(w.t.db.ballot_counts(cy).await.unwrap().counts.values().sum::<u64>(), 4);
    // A replay after closing still gets its receipt.
    let again =
        w.svc.voting.ballot_submit(&r, "k-0000000000000009", marks(&[(s[0], "poor"), (s[1], "-")])).await.unwrap();
    assert_eq!(again, receipt);
    let stored: Vec<_> = stored.into_iter().filter(|b| b.receipt == receipt).collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].evaluator, None);
    assert_eq!(stored[0].id.len(), 32, "a random 128-bit id");
    // Participation is recorded apart from the ballot.
    assert_eq!(w.t.db.participants(cy).await.unwrap(), vec![r.person_id, r1.person_id]);
    // Nothing in the audit chain ties the evaluator to the ballot.
    let log =
        w.t.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    assert!(log.iter().all(|e| !e.detail.contains(&receipt) && !e.detail.contains(&stored[0].id)));
    assert!(log.iter().any(|e| e.action == "ballot.participate"));
    // A paper ballot entered by staff is not marked as paper (the audit log
    // names whom it was entered for), and there is no live tally.
    let stored = w.t.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|b| !b.paper && b.evaluator.is_none()));
}

#[tokio::test]
async fn a_burst_is_committed_in_shuffled_batches_none_lost_none_twice() {
    let (w, zzb, cy, s, sessions) = setup_n("anonymous", 150).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let mut readers = Vec::new();
    for t in &sessions {
        readers.push(w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap());
    }
    let body = marks(&[(s[0], "good"), (s[1], "fair")]);
    // Everyone at once, the first evaluator twice with the same key.
    let mut tasks = tokio::task::JoinSet::new();
    for (i, r) in readers.iter().enumerate() {
        let (svc, r, body) = (w.svc.clone(), r.clone(), body.clone());
        tasks.spawn(async move { (i, svc.voting.ballot_submit(&r, &format!("burst-key-{i:08}"), body).await) });
    }
    let (svc, r0, b0) = (w.svc.clone(), readers[0].clone(), body.clone());
    tasks.spawn(async move { (0, svc.voting.ballot_submit(&r0, "burst-key-00000000", b0).await) });
    let mut receipts = vec![String::new(); readers.len()];
    let mut first_twice = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (i, outcome) = done.unwrap();
        if i == 0 {
            first_twice.push(outcome);
        } else {
            receipts[i] = outcome.unwrap();
        }
    }
    // The second request with the key is refused while the first is stored, or
    // answered with the same receipt once it is.
    let ok: Vec<String> = first_twice.iter().filter_map(|o| o.as_ref().ok().cloned()).collect();
    assert!(!ok.is_empty());
    assert!(ok.iter().all(|r| *r == ok[0]));
    for o in &first_twice {
        if let Err(e) = o {
            assert!(matches!(e, CoreError::Conflict(m) if m.key == "err-ballot-in-flight"), "{e:?}");
        }
    }
    receipts[0] = ok[0].clone();

    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let stored = w.t.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), readers.len(), "none lost, none twice");
    // The counts kept (at closing, for sealed ballots) are those of the stored ballots.
    let scheme = w.t.db.cycle_get(cy).await.unwrap().unwrap().scheme;
    let all: Vec<kaoping_core::voting::counts::TallyBallot> = stored
        .iter()
        .map(|b| kaoping_core::voting::counts::TallyBallot { group: b.group.clone(), marks: b.marks.clone() })
        .collect();
    let kept = w.t.db.ballot_counts(cy).await.unwrap();
    assert_eq!(kept, kaoping_core::voting::counts::Accumulator::from_ballots(&scheme, &all));
    assert_eq!(kept.counts.values().sum::<u64>(), 2 * readers.len() as u64);
    let participants = w.t.db.participants(cy).await.unwrap();
    assert_eq!(participants.len(), readers.len());
    // Participation is in arrival order; the ballots are not.
    let by_person: std::collections::HashMap<_, _> =
        readers.iter().zip(&receipts).map(|(r, receipt)| (r.person_id, receipt.clone())).collect();
    let arrival: Vec<String> = participants.iter().map(|p| by_person[p].clone()).collect();
    let stored_order: Vec<String> = stored.iter().map(|b| b.receipt.clone()).collect();
    assert_ne!(arrival, stored_order, "stored order must not follow arrival");
    let mut a = arrival.clone();
    let mut b = stored_order.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // The audit chain stays intact across the batches.
    let mut log =
        w.t.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 100_000, ..Default::default() }).await.unwrap();
    log.sort_by_key(|e| e.seq);
    assert!(kaoping_core::audit::verify_chain(&log).is_ok());
    assert_eq!(log.iter().filter(|e| e.action == "ballot.participate").count(), readers.len());
}

#[tokio::test]
async fn meeting_changes_reach_every_node() {
    // Two nodes on one database: what one changes, the other's screens hear
    // (LISTEN/NOTIFY on PostgreSQL; on SQLite there is one node, in process).
    let (w, zzb, cy, s, sessions) = setup("named").await;
    let target = w.t.target.clone();
    let other = kaoping_store::Db::connect(&target).await.unwrap().with_server_key(w.t.db.server_key().unwrap());
    let node_b = kaoping_core::services::Services::new(std::sync::Arc::new(other.clone()), Default::default());
    let on_postgres = kaoping_store::testing::on_postgres();
    let mut heard = if on_postgres { node_b.meeting.meeting_events() } else { w.svc.meeting.meeting_events() };
    other.announcements_heard().await;
    let expect = |rx: &mut tokio::sync::broadcast::Receiver<i64>| {
        let mut rx = rx.resubscribe();
        async move {
            tokio::time::timeout(std::time::Duration::from_secs(3), async {
                loop {
                    if rx.recv().await.unwrap() == cy.0 {
                        break;
                    }
                }
            })
            .await
            .expect("announced within 3 s");
        }
    };
    let wait = expect(&mut heard);
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    wait.await;
    let wait = expect(&mut heard);
    w.svc.meeting.presenting_set(&zzb, cy, Some(kaoping_core::ids::PersonId(s[0]))).await.unwrap();
    wait.await;
    let wait = expect(&mut heard);
    let r = w.svc.reports.reader_from_link(&sessions[0], None).await.unwrap().unwrap();
    w.svc.voting.ballot_submit(&r, "node-key-000000001", marks(&[(s[0], "good"), (s[1], "good")])).await.unwrap();
    wait.await;
    if on_postgres {
        // Node B reads the new state itself.
        let c = other.cycle_get(cy).await.unwrap().unwrap();
        assert_eq!(c.voting.presenting, Some(kaoping_core::ids::PersonId(s[0])));
        assert_eq!(other.participants(cy).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_revoked_link_or_ended_session_is_refused_at_once_by_every_node() {
    // Every node reads the link session per request (on PostgreSQL node B
    // has its own connections to the same database).
    let (w, zzb, cy, _, sessions) = setup("named").await;
    let store_b = if kaoping_store::testing::on_postgres() {
        kaoping_store::Db::connect(&w.t.target).await.unwrap().with_server_key(w.t.db.server_key().unwrap())
    } else {
        w.t.db.clone()
    };
    let node_b = kaoping_core::services::Services::new(std::sync::Arc::new(store_b), Default::default());
    let r0 = node_b.reports.reader_from_link(&sessions[0], None).await.unwrap().expect("a good session");
    assert!(node_b.reports.reader_from_link(&sessions[1], None).await.unwrap().is_some());
    w.svc.reports.link_revoke(&zzb, cy, r0.person_id).await.unwrap();
    assert!(node_b.reports.reader_from_link(&sessions[0], None).await.unwrap().is_none(), "revoked");
    w.svc.reports.link_session_end(&sessions[1]).await.unwrap();
    assert!(node_b.reports.reader_from_link(&sessions[1], None).await.unwrap().is_none(), "ended");
    // The third evaluator's session is untouched.
    assert!(node_b.reports.reader_from_link(&sessions[2], None).await.unwrap().is_some(), "still good");
}

#[tokio::test]
async fn a_link_sessions_use_is_recorded_once_a_minute_and_never_moves_back() {
    use kaoping_core::ports::LinkStore;
    let (w, _, _, _, sessions) = setup("named").await;
    let clock = std::sync::Arc::new(kaoping_core::time::TestClock::new());
    let svc = kaoping_core::services::Services::new(
        std::sync::Arc::new(w.t.db.clone().with_clock(clock.clone())),
        Default::default(),
    );
    let store = &w.t.db;
    let digest = kaoping_core::accounts::auth::token_digest(&sessions[0]);
    let seen = || async { store.link_session_get(&digest).await.unwrap().map(|s| s.last_seen_at) };
    let before = seen().await.expect("a session");
    clock.advance(chrono::Duration::seconds(30));
    assert!(svc.reports.reader_from_link(&sessions[0], None).await.unwrap().is_some());
    store.flush_touches().await.unwrap();
    assert_eq!(seen().await, Some(before), "not within the minute");
    clock.advance(chrono::Duration::seconds(31));
    assert!(svc.reports.reader_from_link(&sessions[0], None).await.unwrap().is_some());
    store.flush_touches().await.unwrap();
    let t1 = seen().await.unwrap();
    assert_eq!(t1, svc.clock.now(), "recorded past the minute");
    // An older time (from a slower node) does not move it back.
    assert!(store.link_session_touch(&digest, before).await.unwrap());
    store.flush_touches().await.unwrap();
    assert_eq!(seen().await, Some(t1));
    // An ended session is not touched.
    store.link_session_delete(&digest).await.unwrap();
    assert!(!store.link_session_touch(&digest, t1).await.unwrap());
    assert!(svc.reports.reader_from_link(&sessions[0], None).await.unwrap().is_none());
}

/// A named cycle in which every evaluator has voted (好, 较好 or 不了解 in turn).
async fn everyone_voted()
-> (crate::World, kaoping_core::services::Caller, kaoping_core::ids::CycleId, Vec<i64>, Vec<String>) {
    let (w, zzb, cy, s, sessions) = setup("named").await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    for (i, t) in sessions.iter().enumerate() {
        let r = w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap();
        let g = ["excellent", "good", "-"][i % 3];
        w.svc
            .voting
            .ballot_submit(&r, &format!("voted-key-{i:08}"), marks(&[(s[0], g), (s[1], "fair")]))
            .await
            .unwrap();
    }
    (w, zzb, cy, s, sessions)
}

#[tokio::test]
async fn upgrading_to_kept_counts_backfills_them_from_the_stored_ballots() {
    use sea_orm::{ConnectionTrait, Statement};
    // A vote stored, then the database taken back to before m0007 (its
    // objects dropped) and migrated again: the counts come from the ballots.
    let (w, _, cy, _, _) = everyone_voted().await;
    let kept = w.t.db.ballot_counts(cy).await.unwrap();
    assert!(!kept.counts.is_empty());
    let conn = w.t.db.connection();
    let backend = conn.get_database_backend();
    for sql in [
        "DROP TABLE ballot_tally",
        "DROP TABLE subject_assessment",
        "ALTER TABLE cycle DROP COLUMN presenting_id",
        "ALTER TABLE cycle DROP COLUMN live_tally",
        "ALTER TABLE cycle DROP COLUMN results_visibility",
        "ALTER TABLE cycle DROP COLUMN results_published_at",
        "DELETE FROM seaql_migrations WHERE version LIKE 'm0007%'",
    ] {
        conn.execute_raw(Statement::from_string(backend, sql)).await.unwrap();
    }
    assert_eq!(w.t.db.migrate().await.unwrap().len(), 1);
    assert_eq!(w.t.db.ballot_counts(cy).await.unwrap(), kept);
}

#[tokio::test]
async fn rekeying_the_ballots_by_arrival_keeps_every_ballot_and_the_seal() {
    use sea_orm::ConnectionTrait;
    // Ballots stored, the table taken back to its shape before m0010 (keyed
    // by the random id) and migrated again: the same ballots, the same seal.
    let (w, zzb, cy, _, sessions) = everyone_voted().await;
    let key = |mut b: Vec<kaoping_core::voting::ballot::StoredBallot>| {
        b.sort_by(|x, y| x.id.cmp(&y.id));
        b
    };
    let before = key(w.t.db.ballot_list(cy).await.unwrap());
    assert_eq!(before.len(), sessions.len());
    let conn = w.t.db.connection();
    let backend = conn.get_database_backend();
    let old_shape = match backend {
        sea_orm::DbBackend::Postgres => vec![
            "ALTER TABLE ballot DROP COLUMN seq",
            "ALTER TABLE ballot ADD PRIMARY KEY (id)",
            "CREATE INDEX ix_ballot_cycle ON ballot (cycle_id)",
            "CREATE INDEX ix_ballot_receipt ON ballot (cycle_id, receipt)",
        ],
        _ => vec![
            "CREATE TABLE ballot_old (id varchar(32) NOT NULL PRIMARY KEY, cycle_id bigint NOT NULL, \
             group_code varchar(32) NOT NULL, evaluator_id bigint NULL, marks text NOT NULL, remarks text NOT NULL, \
             receipt varchar(64) NOT NULL, paper boolean NOT NULL, session_at bigint NOT NULL)",
            "INSERT INTO ballot_old SELECT id, cycle_id, group_code, evaluator_id, marks, remarks, receipt, paper, \
             session_at FROM ballot",
            "DROP TABLE ballot",
            "ALTER TABLE ballot_old RENAME TO ballot",
            "CREATE INDEX ix_ballot_cycle ON ballot (cycle_id)",
            "CREATE INDEX ix_ballot_receipt ON ballot (cycle_id, receipt)",
        ],
    };
    let mut steps = old_shape.join(";");
    steps.push_str(";DELETE FROM seaql_migrations WHERE version LIKE 'm0010%'");
    conn.execute_unprepared(&steps).await.unwrap();
    assert_eq!(w.t.db.migrate().await.unwrap().len(), 1);
    assert_eq!(key(w.t.db.ballot_list(cy).await.unwrap()), before);
    let seal = w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let receipts: Vec<String> = before.iter().map(|b| b.receipt.clone()).collect();
    assert_eq!(seal, Some(kaoping_core::voting::ballot::seal(&receipts)));
}
