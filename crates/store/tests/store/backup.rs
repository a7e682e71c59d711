//! Backups taken while ballots are being written restore to the same
//! ballots and results: SQLite with `Db::backup_to` (`kaoping backup`),
//! PostgreSQL with `pg_dump` and `pg_restore` (docs/operations.md).

use crate::voting::{marks, setup_n};
use kaoping_core::ids::CycleId;
use kaoping_core::ports::CycleStore;
use kaoping_core::services::{AuthConfig, Services};
use kaoping_store::testing::{TempDir, on_postgres};
use kaoping_store::{Db, Target};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const VOTERS: usize = 200;

/// A PostgreSQL program of the server's version (scripts/test installs them).
fn pg_program(name: &str) -> std::path::PathBuf {
    let mut dirs: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter().rev().map(|d| d.join(name)).find(|p| p.exists()).unwrap_or_else(|| name.into())
}

/// Back the database up and restore it as a new one; the restored store
/// (with the same server key) and the folder that holds it (SQLite) or the
/// new database's name (PostgreSQL, dropped by [`drop_restored`]).
async fn backup_and_restore(w: &crate::World) -> (Db, Option<TempDir>, Option<String>) {
    let key = w.t.db.server_key().unwrap();
    match &w.t.target {
        Target::Sqlite(_) => {
            let dir = TempDir::new();
            w.t.db.backup_to(&dir.0.join("kaoping.db")).await.unwrap();
            let db = Db::connect(&Target::in_data_dir(&dir.0)).await.unwrap().with_server_key(key);
            (db, Some(dir), None)
        }
        Target::Postgres(url) => {
            let dump = TempDir::new();
            let file = dump.0.join("kaoping.dump");
            let out = std::process::Command::new(pg_program("pg_dump"))
                .args(["-Fc", "-f", file.to_str().unwrap(), "-d", url])
                .output()
                .unwrap();
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            let (base, _) = url.rsplit_once('/').unwrap();
            let restored =
                format!("{}_r{}", url.rsplit_once('/').unwrap().1, kaoping_core::accounts::auth::random_token(3));
            let admin = Db::connect(&Target::Postgres(format!("{base}/postgres"))).await.unwrap();
            use sea_orm::ConnectionTrait;
            admin.connection().execute_unprepared(&format!("CREATE DATABASE {restored}")).await.unwrap();
            let target = format!("{base}/{restored}");
            let out = std::process::Command::new(pg_program("pg_restore"))
                .args(["--no-owner", "-d", &target, file.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(out.status.success(), "pg_restore: {}", String::from_utf8_lossy(&out.stderr));
            (
                Db::connect(&Target::Postgres(target.clone())).await.unwrap().with_server_key(key),
                Some(dump),
                Some(target),
            )
        }
    }
}

/// Drop a restored PostgreSQL database (with its connections).
async fn drop_restored(target: Option<String>) {
    let Some(target) = target else { return };
    let (base, name) = target.rsplit_once('/').unwrap();
    let admin = Db::connect(&Target::Postgres(format!("{base}/postgres"))).await.unwrap();
    use sea_orm::ConnectionTrait;
    admin.connection().execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
}

async fn receipts_in(db: &Db, cy: CycleId) -> HashMap<String, usize> {
    use kaoping_core::ports::BallotStore;
    let mut n = HashMap::new();
    for b in db.ballot_list(cy).await.unwrap() {
        *n.entry(b.receipt).or_default() += 1;
    }
    n
}

#[tokio::test]
async fn a_backup_taken_during_a_burst_restores_every_acknowledged_ballot_once_and_the_same_results() {
    use kaoping_core::ports::BallotStore;
    let (w, zzb, cy, s, sessions) = setup_n("named", VOTERS).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let mut readers = Vec::new();
    for t in &sessions {
        readers.push(w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap());
    }
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut burst = tokio::task::JoinSet::new();
    for (i, r) in readers.iter().enumerate() {
        let (svc, r, acked) = (w.svc.clone(), r.clone(), acked.clone());
        let m = marks(&[(s[0], ["excellent", "good", "fair", "poor"][i % 4]), (s[1], "good")]);
        burst.spawn(async move {
            let receipt = svc.voting.ballot_submit(&r, &format!("backup-burst-{i:06}"), m).await.unwrap();
            acked.lock().unwrap().push(receipt);
        });
    }
    // Wait for some acknowledgements, then back up while the rest arrive.
    while acked.lock().unwrap().len() < VOTERS / 4 {
        burst.join_next().await.unwrap().unwrap();
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let (during, _keep, first) = backup_and_restore(&w).await;
    while let Some(done) = burst.join_next().await {
        done.unwrap();
    }
    // Every ballot acknowledged before the backup began is in it, once; the
    // copy is one moment: its vote counts are those of its ballots.
    let copied = receipts_in(&during, cy).await;
    assert!(before.iter().all(|r| copied.get(r) == Some(&1)), "{} acknowledged, {} copied", before.len(), copied.len());
    assert!(copied.values().all(|n| *n == 1));
    assert_eq!(during.participants(cy).await.unwrap().len(), copied.len(), "participation and ballots together");
    let scheme = w.t.db.cycle_get(cy).await.unwrap().unwrap().scheme;
    let ballots: Vec<kaoping_core::voting::counts::TallyBallot> = during
        .ballot_list(cy)
        .await
        .unwrap()
        .into_iter()
        .map(|b| kaoping_core::voting::counts::TallyBallot { group: b.group, marks: b.marks })
        .collect();
    assert_eq!(
        during.ballot_counts(cy).await.unwrap(),
        kaoping_core::voting::counts::Accumulator::from_ballots(&scheme, &ballots)
    );

    // After closing: the restored copy gives exactly the same results.
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let (after, _keep, second) = backup_and_restore(&w).await;
    assert_eq!(receipts_in(&after, cy).await.len(), VOTERS);
    let restored = Services::new(Arc::new(after), AuthConfig::default());
    let (_, original) = w.svc.results.results(&zzb, cy).await.unwrap();
    let (_, again) = restored.results.results(&zzb, cy).await.unwrap();
    assert_eq!(original, again);
    assert_eq!(restored.audit.audit_verify().await.unwrap(), w.svc.audit.audit_verify().await.unwrap());
    drop((restored, during));
    drop_restored(first).await;
    drop_restored(second).await;
    let dir = TempDir::new();
    if on_postgres() {
        // PostgreSQL is backed up with pg_dump; `kaoping backup` says so.
        let e = w.t.db.backup_to(&dir.0.join("copy.db")).await.unwrap_err();
        assert!(e.to_string().contains("pg_dump"), "{e}");
    } else {
        // A backup never overwrites a file.
        std::fs::write(dir.0.join("taken"), b"x").unwrap();
        let e = w.t.db.backup_to(&dir.0.join("taken")).await.unwrap_err();
        assert!(e.to_string().contains("exists already"), "{e}");
    }
}
