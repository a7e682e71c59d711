//! The ballot writer's batches: the vote counts kept with them, and the
//! answers to replays and second ballots within a batch.

use kaoping_core::audit::AuditDraft;
use kaoping_core::error::CoreError;
use kaoping_core::ports::BallotStore;
use kaoping_core::voting::ballot::{NewBallot, SubmitOutcome};
use kaoping_core::voting::counts::Contribution;
use std::sync::Arc;

#[tokio::test]
async fn a_batch_with_more_count_rows_than_one_statement_binds_is_kept_whole() {
    // Ballots over many subjects and items with varied grades sum to many
    // distinct (subject, group, score, grade) rows; SQLite binds at most
    // 32,766 values a statement, six a row here.
    let (w, zzb, cy, _, sessions) = crate::voting::setup_n("named", 1).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let r = w.svc.reports.reader_from_link(&sessions[0], None).await.unwrap().unwrap();
    let group: Arc<str> = r.group.as_str().into();
    let contributions: Vec<Contribution> = (0..6_000)
        .map(|i| Contribution { subject: 1_000_000 + i, group: group.clone(), score: Some((i * 100, 0)) })
        .collect();
    let b = NewBallot {
        cycle: cy.0,
        id: "0a".repeat(16),
        group: r.group.clone(),
        evaluator: Some(r.person_id.0),
        participant: r.person_id.0,
        marks: "{}".into(),
        remarks: "{}".into(),
        receipt: "ab".repeat(32),
        paper: false,
        contributions,
        key_hash: "cd".repeat(32),
        request_hash: "ef".repeat(32),
    };
    let audit = AuditDraft::new(None, "test", None, "ballot.participate", format!("cycle:{cy}"));
    let out = w.t.db.ballot_submit(b, audit).await.unwrap();
    assert!(matches!(out, SubmitOutcome::Stored(_)), "{out:?}");
    let kept = w.t.db.ballot_counts(cy).await.unwrap();
    assert_eq!(kept.counts.len(), 6_000, "every row kept");
    assert!(kept.counts.values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_batch_with_a_replay_and_a_second_ballot_answers_each_and_keeps_the_new_ones() {
    // The batch looks keys and voters up before it writes.
    let (w, zzb, cy, s, sessions) = crate::voting::setup_n("named", 40).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let mut readers = Vec::new();
    for t in &sessions {
        readers.push(w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap());
    }
    let body = crate::voting::marks(&[(s[0], "good"), (s[1], "fair")]);
    let first = w.svc.voting.ballot_submit(&readers[0], "mixed-key-00000000", body.clone()).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, r) in readers.iter().enumerate().skip(1) {
        let (svc, r, body) = (w.svc.clone(), r.clone(), body.clone());
        tasks.spawn(async move { (i, svc.voting.ballot_submit(&r, &format!("mixed-key-{i:08}"), body).await) });
    }
    let (svc, r0, b0) = (w.svc.clone(), readers[0].clone(), body.clone());
    tasks.spawn(async move { (1000, svc.voting.ballot_submit(&r0, "mixed-key-00000000", b0).await) });
    let (svc, r0, b0) = (w.svc.clone(), readers[0].clone(), body.clone());
    tasks.spawn(async move { (2000, svc.voting.ballot_submit(&r0, "mixed-key-second", b0).await) });
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (1000, replay) => assert_eq!(replay.unwrap(), first, "the replay gets its first receipt"),
            (2000, second) => {
                let e = second.unwrap_err();
                assert!(matches!(e, CoreError::Conflict(ref m) if m.key == "err-ballot-already"), "{e:?}");
            }
            (i, outcome) => assert!(outcome.is_ok(), "evaluator {i}: {outcome:?}"),
        }
    }
    assert_eq!(w.t.db.ballot_list(cy).await.unwrap().len(), readers.len(), "one ballot each");
    assert_eq!(w.t.db.participants(cy).await.unwrap().len(), readers.len());
}
