//! Voting through the services: open, drafts, final ballots with receipts
//! and idempotency, concurrent double submits, the seal, results, and the
//! anonymous mode's stored rows.

use crate::{input, organizer, root, world};
use kaoping_core::ballot::MarkInput;
use kaoping_core::cycle::{CycleInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::person::PersonInput;
use kaoping_core::roster::SubjectInput;
use kaoping_core::services::IssueFor;

fn marks(grades: &[(i64, &str)]) -> Vec<MarkInput> {
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
    let w = world().await;
    let c = root();
    let city = w.svc.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let zzb = organizer(&[&city]);
    let ci = CycleInput { name: "2026".into(), year: "2026".into(), ballot_mode: Some(mode.into()) };
    let cy = w.svc.cycle_create(&zzb, city.id, &ci, None).await.unwrap().id;
    let mut subjects = Vec::new();
    for name in ["甲", "乙"] {
        let p = w
            .svc
            .person_create(&c, &PersonInput { name: name.into(), ..Default::default() }, Some(city.id))
            .await
            .unwrap();
        let si = SubjectInput { person_id: p.id.to_string(), category: "county".into(), mode: None, post: None };
        w.svc.subject_add(&zzb, cy, &si).await.unwrap();
        subjects.push(p.id.0);
    }
    for i in 0..3 {
        let p = w
            .svc
            .person_create(&c, &PersonInput { name: format!("评议{i}"), ..Default::default() }, Some(city.id))
            .await
            .unwrap();
        w.svc.evaluator_add(&zzb, cy, &p.id.to_string(), "all").await.unwrap();
    }
    let links = w.svc.links_issue(&zzb, cy, IssueFor::Missing).await.unwrap();
    let mut sessions = Vec::new();
    for l in &links {
        sessions.push(w.svc.link_exchange(&l.token, None).await.unwrap().0);
    }
    w.svc.cycle_advance(&zzb, cy, Phase::Reporting).await.unwrap();
    w.svc.cycle_advance(&zzb, cy, Phase::Evaluation).await.unwrap();
    (w, zzb, cy, subjects, sessions)
}

#[tokio::test]
async fn ballots_are_final_once_with_receipts_and_the_close_seals_them() {
    let (w, zzb, cy, s, sessions) = setup("named").await;
    let reader = |i: usize| {
        let w = &w;
        let t = sessions[i].clone();
        async move { w.svc.reader_from_link(&t, None).await.unwrap().unwrap() }
    };
    let r0 = reader(0).await;
    // Not open yet.
    let e = w.svc.ballot_submit(&r0, "k-0000000000000001", &marks(&[(s[0], "excellent"), (s[1], "good")])).await;
    assert!(matches!(e, Err(CoreError::Conflict(ref m)) if m.key == "err-voting-not-open"));
    w.svc.ballot_save_draft(&r0, &marks(&[(s[0], "good")])).await.unwrap();
    assert_eq!(w.svc.ballot_page(&r0).await.unwrap().draft.len(), 1);
    w.svc.voting_set(&zzb, cy, true).await.unwrap();
    assert!(matches!(w.svc.voting_set(&zzb, cy, true).await, Err(CoreError::Conflict(_))));
    // The tally waits until voting is closed.
    let e = w.svc.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].msg.key == "err-phase-voting-open"));

    // A missing subject is named; nothing is stored.
    let e = w.svc.ballot_submit(&r0, "k-0000000000000001", &marks(&[(s[0], "excellent")])).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].msg.key == "err-ballot-subject-missing"));
    let body = marks(&[(s[0], "excellent"), (s[1], "good")]);
    let receipt = w.svc.ballot_submit(&r0, "k-0000000000000001", &body).await.unwrap();
    assert_eq!(receipt.len(), 64);
    // Same key and body: the same receipt, nothing stored twice.
    assert_eq!(w.svc.ballot_submit(&r0, "k-0000000000000001", &body).await.unwrap(), receipt);
    // Same key, other body: 422.
    let other = marks(&[(s[0], "good"), (s[1], "good")]);
    assert!(matches!(w.svc.ballot_submit(&r0, "k-0000000000000001", &other).await, Err(CoreError::Invalid(_))));
    // A second final ballot: refused.
    let e = w.svc.ballot_submit(&r0, "k-0000000000000002", &other).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-ballot-already"));
    assert!(w.svc.ballot_page(&r0).await.unwrap().voted);

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
        tokio::spawn(async move { svc.ballot_submit(&r, k, &m).await })
    })
    .collect();
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap().is_ok());
    }
    assert_eq!(ok, 2);
    assert_eq!(w.svc.store.ballot_list(cy).await.unwrap().len(), 3);
    let turnout = w.svc.turnout(&zzb, cy).await.unwrap();
    assert_eq!((turnout.expected, turnout.voted), (3, 3));

    // Results stay hidden until voting closes; closing writes the seal.
    assert!(matches!(w.svc.results(&zzb, cy).await, Err(CoreError::Conflict(_))));
    let seal = w.svc.voting_set(&zzb, cy, false).await.unwrap().unwrap();
    let receipts: Vec<String> = w.svc.store.ballot_list(cy).await.unwrap().into_iter().map(|b| b.receipt).collect();
    assert_eq!(seal, kaoping_core::ballot::seal(&receipts));
    let log = w
        .svc
        .store
        .audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() })
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "voting.close" && e.detail.contains(&seal)));
    let e = w.svc.ballot_submit(&r1, "k-3000000000000001", &body).await.unwrap_err();
    assert!(matches!(e, CoreError::Conflict(_)));
    let (_, results) = w.svc.results(&zzb, cy).await.unwrap();
    w.svc.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap();
    // 甲: 好, 较好, 较好 → 260/3; 乙: 较好, 一般, 一般 → 60.
    assert_eq!(kaoping_core::tally::exact_string(results[0].democratic.as_ref().unwrap()), "260/3");
    assert_eq!(results[0].grade.as_ref().unwrap().0, "good");
    assert_eq!(results[1].democratic, Some(kaoping_core::tally::q_int(60)));
}

#[tokio::test]
async fn anonymous_ballots_carry_no_evaluator() {
    let (w, zzb, cy, s, sessions) = setup("anonymous").await;
    w.svc.voting_set(&zzb, cy, true).await.unwrap();
    let r = w.svc.reader_from_link(&sessions[0], None).await.unwrap().unwrap();
    let receipt = w.svc.ballot_submit(&r, "k-0000000000000009", &marks(&[(s[0], "poor"), (s[1], "-")])).await.unwrap();
    let stored = w.svc.store.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].evaluator, None);
    assert_eq!(stored[0].id.len(), 32, "a random 128-bit id");
    // Participation is recorded apart from the ballot.
    assert_eq!(w.svc.store.participants(cy).await.unwrap(), vec![r.person_id]);
    // Nothing in the audit chain ties the evaluator to the ballot.
    let log = w
        .svc
        .store
        .audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() })
        .await
        .unwrap();
    assert!(log.iter().all(|e| !e.detail.contains(&receipt) && !e.detail.contains(&stored[0].id)));
    assert!(log.iter().any(|e| e.action == "ballot.participate"));
}
