//! An attacker with the database tries to join anonymous ballots to the
//! evaluators who cast them (`scoring.md` §7, docs/security.md).
//!
//! 600 evaluators vote — 300 one at a time, 300 in bursts of 30 — each
//! ballot told apart by its receipt and a remark of its own. While voting is
//! open and after it closes, every ordering the attacker can read on the
//! ballot side (sequence, id, receipt, SQLite rowid, PostgreSQL ctid and
//! xmin, position in the raw file) is matched rank for rank with every
//! ordering on the evaluator side (participation id, rowid, ctid, xmin, the
//! audit entries' order, the link sessions' last use), and transaction ids
//! are joined on equality. Chance matches a random order with another in
//! about one place (fixed points of a random permutation: Poisson(1));
//! more than [`BOUND`] matches has probability about 1e-6 per join, so the
//! test fails on a real link, not on bad luck.

use crate::voting::setup_n;
use kaoping_core::audit::AuditFilter;
use kaoping_core::ids::CycleId;
use kaoping_core::ports::BallotStore;
use kaoping_core::voting::ballot::MarkInput;
use kaoping_store::testing::on_postgres;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::{HashMap, HashSet};

/// Correct guesses one join may make by chance: P(Poisson(1) ≥ 9) ≈ 1.0e-6.
const BOUND: usize = 8;
const ONE_AT_A_TIME: usize = 300;
const BURSTS: usize = 10;
const BURST: usize = 30;
/// Evaluators who keep a draft and never vote.
const DRAFT_ONLY: usize = 2;

fn ballot_marks(i: usize, s: &[i64]) -> Vec<MarkInput> {
    const CODES: [&str; 5] = ["excellent", "good", "fair", "poor", "-"];
    let mut m = crate::voting::marks(&[(s[0], CODES[i % 5]), (s[1], CODES[(i / 5) % 5])]);
    m[0].remark = Some(remark(i));
    m
}

fn remark(i: usize) -> String {
    format!("评语{i:04}：联系群众不够紧密")
}

/// Per ordering of the ballots (receipts, in order) and of the evaluators
/// (person ids, in order): how many the rank-for-rank join gets right.
fn rank_joins(
    ballots: &HashMap<String, Vec<String>>,
    people: &HashMap<String, Vec<i64>>,
    truth: &HashMap<String, i64>,
) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (bn, b) in ballots {
        for (pn, p) in people {
            for reversed in [false, true] {
                let hits = b
                    .iter()
                    .zip(if reversed { p.iter().rev().collect::<Vec<_>>() } else { p.iter().collect() })
                    .filter(|(r, person)| truth.get(*r) == Some(*person))
                    .count();
                out.push((format!("{bn} ~ {pn}{}", if reversed { " (reversed)" } else { "" }), hits));
            }
        }
    }
    out
}

async fn rows(w: &crate::World, sql: &str) -> Vec<sea_orm::QueryResult> {
    let backend = w.t.db.backend();
    w.t.db.connection().query_all_raw(Statement::from_string(backend, sql.to_string())).await.unwrap()
}

/// A row's place — (page, item) of its `ctid`, or its `rowid` — and its
/// `xmin` (0 on SQLite), from the columns `c` and `x`.
fn place(r: &sea_orm::QueryResult, pg: bool) -> ((u64, u64), u64) {
    let c = if pg {
        let text: String = r.try_get("", "c").unwrap();
        let (page, item) = text.trim_matches(|c| c == '(' || c == ')').split_once(',').unwrap();
        (page.parse().unwrap(), item.parse().unwrap())
    } else {
        (r.try_get::<i64>("", "c").unwrap() as u64, 0)
    };
    (c, r.try_get::<String>("", "x").unwrap().parse().unwrap())
}

/// A ballot row as the attacker reads it: seq, id, receipt, rowid or ctid, xmin.
type BallotRow = (i64, String, String, (u64, u64), u64);

/// The ballot-side orderings SQL can see (receipts in each order), and the
/// transaction id of each receipt (PostgreSQL).
async fn ballot_orders(w: &crate::World, cy: CycleId) -> (HashMap<String, Vec<String>>, HashMap<String, u64>) {
    let pg = w.t.db.backend() == DbBackend::Postgres;
    let sql = if pg {
        format!("SELECT seq, id, receipt, ctid::text AS c, xmin::text AS x FROM ballot WHERE cycle_id = {}", cy.0)
    } else {
        format!("SELECT seq, id, receipt, rowid AS c, '0' AS x FROM ballot WHERE cycle_id = {}", cy.0)
    };
    let mut all: Vec<BallotRow> = rows(w, &sql)
        .await
        .iter()
        .map(|r| {
            let (c, x) = place(r, pg);
            (r.try_get("", "seq").unwrap(), r.try_get("", "id").unwrap(), r.try_get("", "receipt").unwrap(), c, x)
        })
        .collect();
    let mut orders = HashMap::new();
    let receipts = |v: &[BallotRow]| v.iter().map(|b| b.2.clone()).collect::<Vec<_>>();
    all.sort_by_key(|b| b.0);
    orders.insert("ballot.seq".to_string(), receipts(&all));
    all.sort_by(|a, b| a.1.cmp(&b.1));
    orders.insert("ballot.id".to_string(), receipts(&all));
    all.sort_by(|a, b| a.2.cmp(&b.2));
    orders.insert("ballot.receipt".to_string(), receipts(&all));
    all.sort_by_key(|b| b.3);
    orders.insert(if pg { "ballot.ctid" } else { "ballot.rowid" }.to_string(), receipts(&all));
    if pg {
        all.sort_by_key(|b| (b.4, b.3));
        orders.insert("ballot.xmin".to_string(), receipts(&all));
    }
    let xmin = all.iter().map(|b| (b.2.clone(), b.4)).collect();
    (orders, xmin)
}

/// The evaluator-side orderings (person ids in each order), and each
/// person's participation transaction id (PostgreSQL).
async fn people_orders(w: &crate::World, cy: CycleId) -> (HashMap<String, Vec<i64>>, HashMap<u64, Vec<i64>>) {
    let pg = w.t.db.backend() == DbBackend::Postgres;
    let sql = if pg {
        format!(
            "SELECT evaluator_id AS p, id, ctid::text AS c, xmin::text AS x FROM participation WHERE cycle_id = {}",
            cy.0
        )
    } else {
        format!("SELECT evaluator_id AS p, id, rowid AS c, '0' AS x FROM participation WHERE cycle_id = {}", cy.0)
    };
    let mut all: Vec<(i64, i64, (u64, u64), u64)> = rows(w, &sql)
        .await
        .iter()
        .map(|r| {
            let (c, x) = place(r, pg);
            (r.try_get("", "p").unwrap(), r.try_get("", "id").unwrap(), c, x)
        })
        .collect();
    let mut orders = HashMap::new();
    all.sort_by_key(|p| p.1);
    orders.insert("participation.id".to_string(), all.iter().map(|p| p.0).collect());
    all.sort_by_key(|p| p.2);
    orders.insert(
        if pg { "participation.ctid" } else { "participation.rowid" }.to_string(),
        all.iter().map(|p| p.0).collect(),
    );
    let mut by_xmin: HashMap<u64, Vec<i64>> = HashMap::new();
    if pg {
        all.sort_by_key(|p| (p.3, p.2));
        orders.insert("participation.xmin".to_string(), all.iter().map(|p| p.0).collect());
        for p in &all {
            by_xmin.entry(p.3).or_default().push(p.0);
        }
    }
    // The audit entries of participation, in chain order.
    let mut log = w.t.db_audit(100_000).await;
    log.retain(|e| e.action == "ballot.participate");
    log.sort_by_key(|e| e.seq);
    let person = |actor: &str| -> i64 {
        let rest = &actor[actor.find("person:").unwrap() + 7..];
        rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())].parse().unwrap()
    };
    orders.insert("audit.seq".to_string(), log.iter().map(|e| person(&e.actor)).collect());
    // The link sessions' last use, by person.
    let sql =
        "SELECT l.person_id AS p, s.last_seen_at AS t FROM link_session s JOIN evaluator_link l ON l.id = s.link_id";
    let mut seen: Vec<(i64, i64)> =
        rows(w, sql).await.iter().map(|r| (r.try_get("", "t").unwrap(), r.try_get("", "p").unwrap())).collect();
    seen.sort();
    orders.insert("link_session.last_seen_at".to_string(), seen.iter().map(|s| s.1).collect());
    (orders, by_xmin)
}

/// Every join the attacker can make from SQL: the most any of them gets right.
async fn best_join(w: &crate::World, cy: CycleId, truth: &HashMap<String, i64>) -> (String, usize) {
    let (ballots, xmin) = ballot_orders(w, cy).await;
    let (people, by_xmin) = people_orders(w, cy).await;
    let mut joins = rank_joins(&ballots, &people, truth);
    // Same transaction: guess the first evaluator whose participation shares it.
    let same_txn = xmin.iter().filter(|(r, x)| by_xmin.get(x).and_then(|p| p.first()) == truth.get(*r)).count();
    joins.push(("ballot.xmin = participation.xmin".into(), same_txn));
    joins.into_iter().max_by_key(|j| j.1).unwrap_or_default()
}

trait AuditOf {
    async fn db_audit(&self, limit: u64) -> Vec<kaoping_core::audit::AuditEntry>;
}

impl AuditOf for kaoping_store::testing::TestDb {
    async fn db_audit(&self, limit: u64) -> Vec<kaoping_core::audit::AuditEntry> {
        use kaoping_core::ports::AuditStore;
        self.db.audit_list(&AuditFilter { limit, ..Default::default() }).await.unwrap()
    }
}

/// Where the needle first occurs in the haystack.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    first_places(hay, &[needle.to_vec()])[0]
}

/// Where each needle (8 bytes or more) first occurs in the haystack, in one pass.
fn first_places(hay: &[u8], needles: &[Vec<u8>]) -> Vec<Option<usize>> {
    let head = |b: &[u8]| u64::from_le_bytes(b[..8].try_into().unwrap());
    let mut by_head: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, n) in needles.iter().enumerate() {
        by_head.entry(head(n)).or_default().push(i);
    }
    let mut out = vec![None; needles.len()];
    for at in 0..hay.len().saturating_sub(7) {
        if let Some(candidates) = by_head.get(&head(&hay[at..])) {
            for &i in candidates {
                if out[i].is_none() && hay[at..].starts_with(&needles[i]) {
                    out[i] = Some(at);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn an_attacker_with_the_database_cannot_join_anonymous_ballots_to_their_evaluators() {
    let voters = ONE_AT_A_TIME + BURSTS * BURST;
    let (w, zzb, cy, s, sessions) = setup_n("anonymous", voters + DRAFT_ONLY).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    let mut readers = Vec::new();
    for t in &sessions {
        readers.push(w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap());
    }
    // Drafts first (every third voter, and the ones who never vote).
    for (i, r) in readers.iter().enumerate() {
        if i % 3 == 0 || i >= voters {
            w.svc.voting.ballot_save_draft(r, &ballot_marks(i, &s)).await.unwrap();
        }
    }
    let mut truth: HashMap<String, i64> = HashMap::new();
    for (i, r) in readers.iter().enumerate().take(ONE_AT_A_TIME) {
        let receipt =
            w.svc.voting.ballot_submit(r, &format!("one-at-a-time-{i:06}"), ballot_marks(i, &s)).await.unwrap();
        truth.insert(receipt, r.person_id.0);
    }
    for burst in 0..BURSTS {
        let mut tasks = tokio::task::JoinSet::new();
        let first = ONE_AT_A_TIME + burst * BURST;
        for (i, r) in readers.iter().enumerate().skip(first).take(BURST) {
            let (svc, r, m) = (w.svc.clone(), r.clone(), ballot_marks(i, &s));
            tasks.spawn(async move {
                (r.person_id.0, svc.voting.ballot_submit(&r, &format!("in-a-burst-{i:06}"), m).await)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (person, receipt) = done.unwrap();
            truth.insert(receipt.unwrap(), person);
        }
    }
    assert_eq!(truth.len(), voters);

    // While voting is open: no plaintext ballot, no vote count; what is kept
    // is opaque (no remark, no receipt in any row the attacker can read).
    assert!(rows(&w, &format!("SELECT seq FROM ballot WHERE cycle_id = {}", cy.0)).await.is_empty());
    assert!(rows(&w, &format!("SELECT id FROM ballot_tally WHERE cycle_id = {}", cy.0)).await.is_empty());
    let sealed: Vec<Vec<u8>> = rows(&w, &format!("SELECT sealed FROM ballot_sealed WHERE cycle_id = {}", cy.0))
        .await
        .iter()
        .map(|r| r.try_get("", "sealed").unwrap())
        .collect();
    assert_eq!(sealed.len(), voters);
    let lengths: HashSet<usize> = sealed.iter().map(Vec::len).collect();
    assert_eq!(lengths.len(), 1, "padded: every sealed ballot has the same length here");
    for (i, blob) in sealed.iter().enumerate().take(50) {
        assert!(find(blob, remark(i).as_bytes()).is_none());
    }
    let drafts: Vec<String> =
        rows(&w, &format!("SELECT marks || remarks AS d FROM ballot_draft WHERE cycle_id = {}", cy.0))
            .await
            .iter()
            .map(|r| r.try_get("", "d").unwrap())
            .collect();
    assert_eq!(drafts.len(), DRAFT_ONLY, "a voter's draft goes with the ballot");
    assert!(drafts.iter().all(|d| !d.contains("excellent") && !d.contains("评语")), "drafts are sealed");
    // The owner of a draft reads it back.
    let page = w.svc.voting.ballot_page(&readers[voters]).await.unwrap();
    assert_eq!(page.draft, ballot_marks(voters, &s));
    let kept: Vec<(String, String)> = rows(&w, "SELECT request_hash, receipt FROM idempotency")
        .await
        .iter()
        .map(|r| (r.try_get("", "request_hash").unwrap(), r.try_get("", "receipt").unwrap()))
        .collect();
    assert!(kept.iter().all(|(_, r)| !truth.contains_key(r)), "receipts are masked in idempotency records");
    assert_eq!(best_join(&w, cy, &truth).await.1, 0, "no ballot to join while voting is open");
    let sealed_pieces: Vec<Vec<u8>> = sealed.iter().map(|b| b[b.len() - 48..].to_vec()).collect();

    // After closing: every ballot is there; no join beats chance.
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let stored = w.t.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), voters);
    assert!(stored.iter().all(|b| truth.contains_key(&b.receipt) && b.evaluator.is_none()));
    let (how, hits) = best_join(&w, cy, &truth).await;
    assert!(hits <= BOUND, "{how} joins {hits} of {voters} ballots to their evaluators");
    assert!(rows(&w, "SELECT id FROM ballot_sealed").await.is_empty());
    assert!(rows(&w, &format!("SELECT id FROM ballot_draft WHERE cycle_id = {}", cy.0)).await.is_empty());
    if !on_postgres() {
        raw_files_hold_no_link(&w, cy, &truth, &sealed_pieces, &drafts).await;
    }
    // Replays after closing still get their receipts.
    let again = w.svc.voting.ballot_submit(&readers[0], "one-at-a-time-000000", ballot_marks(0, &s)).await.unwrap();
    assert_eq!(truth[&again], readers[0].person_id.0);
}

async fn raw_files_hold_no_link(
    w: &crate::World,
    cy: CycleId,
    truth: &HashMap<String, i64>,
    sealed_pieces: &[Vec<u8>],
    drafts: &[String],
) {
    let voters = truth.len();
    // The raw files: the WAL is truncated, no sealed ballot or draft is
    // left in free pages, and the ballots' places in the file follow no
    // evaluator-side order.
    let kaoping_store::Target::Sqlite(path) = &w.t.target else { unreachable!() };
    let wal = std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal, 0, "the WAL is truncated after closing");
    let file = std::fs::read(path).unwrap();
    let left = first_places(&file, sealed_pieces).iter().filter(|p| p.is_some()).count();
    assert_eq!(left, 0, "sealed ballots left in the database file");
    let draft_tails: Vec<Vec<u8>> = drafts.iter().map(|d| d.as_bytes()[d.len() - 40..].to_vec()).collect();
    let left = first_places(&file, &draft_tails).iter().filter(|p| p.is_some()).count();
    assert_eq!(left, 0, "deleted drafts left in the database file");
    let receipts: Vec<String> = truth.keys().cloned().collect();
    let needles: Vec<Vec<u8>> = receipts.iter().map(|r| r.as_bytes().to_vec()).collect();
    let mut placed: Vec<(usize, String)> =
        first_places(&file, &needles).into_iter().zip(receipts).filter_map(|(at, r)| at.map(|at| (at, r))).collect();
    assert!(placed.len() >= voters, "every receipt is in the file");
    placed.sort();
    let file_order: HashMap<String, Vec<String>> =
        [("file offset".to_string(), placed.into_iter().map(|p| p.1).collect())].into();
    let (people, _) = people_orders(w, cy).await;
    let (how, hits) = rank_joins(&file_order, &people, truth).into_iter().max_by_key(|j| j.1).unwrap();
    assert!(hits <= BOUND, "{how} joins {hits} of {voters} ballots to their evaluators");
}
