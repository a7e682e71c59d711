//! Group commit for final ballots (`scoring.md` §2, §7).
//!
//! One writer task per process takes the ballots queued while the previous
//! commit was running — up to [`BATCH`] — and stores them in one transaction:
//! voting open checked once for the whole batch, the keys seen before and
//! the evaluators who voted looked up, then one multi-row insert per table
//! and the audit entries chained in arrival order. An anonymous ballot is written sealed (`crate::sealing`) and
//! published in a random order when voting closes, so that no row order,
//! transaction id or batch ties it to its participation record.
//!
//! The writer runs on a thread of its own with its own connection, so a
//! batch neither queues behind the request tasks of a busy server nor waits
//! for a pooled connection; everything that can be computed before (the
//! checks, receipt, stored JSON, vote contributions) is computed by the
//! request, in parallel, and the request frees it again.
//!
//! If the batch transaction fails (a conflict with another node, a broken
//! row), every ballot of it is stored alone, in its own transaction, so a
//! bad one fails alone and the others are kept.

use crate::entity::{ballot, ballot_draft, ballot_sealed, cycle, idempotency, participation};
use crate::events::{Events, notify_in};
use crate::{append_audit, append_audit_many, begin_write, db_err};
use chrono::{DateTime, Utc};
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Result};
use kaoping_core::time::Clock;
use kaoping_core::voting::ballot::{NewBallot, SubmitOutcome};
use lookups::{by_cycle, lookups};
use rand::seq::SliceRandom;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, SqlErr,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot};

mod lookups;
pub(crate) mod rows;
use crate::voting::sealing::{self, key_row, replay_answer, sealed_row};
use kaoping_core::secrets::ServerKey;
use rows::{add_counts, ballot_row, inserted_all};

/// The most ballots committed together (at 512 connections batches of 64
/// were nearly always full; 128 gave more ballots per CPU second).
pub const BATCH: usize = 128;

struct Job {
    ballot: NewBallot,
    audit: AuditDraft,
    /// The outcome, with the ballot handed back to be freed by the request.
    reply: oneshot::Sender<(Result<SubmitOutcome>, NewBallot, AuditDraft)>,
}

/// The handle the store keeps: the queue to the writer task (started on the
/// first ballot) and the idempotency keys queued or being stored.
pub(crate) struct BallotWriter {
    /// Seals anonymous ballots (none: they are refused).
    key: Option<Arc<ServerKey>>,
    clock: Arc<dyn Clock>,
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
    in_flight: Arc<Mutex<HashSet<String>>>,
}

impl BallotWriter {
    pub(crate) fn new(key: Option<Arc<ServerKey>>, clock: Arc<dyn Clock>) -> Self {
        Self { key, clock, queue: Default::default(), in_flight: Default::default() }
    }

    pub(crate) async fn submit(
        &self,
        conn: &DatabaseConnection,
        events: &Arc<Events>,
        ballot: NewBallot,
        audit: AuditDraft,
    ) -> Result<SubmitOutcome> {
        sealing::require_key(&ballot, self.key.as_deref())?;
        if !self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).insert(ballot.key_hash.clone()) {
            return Ok(SubmitOutcome::InFlight);
        }
        let stopped = || CoreError::Store("the ballot writer has stopped".into());
        let (reply, answer) = oneshot::channel();
        let key = ballot.key_hash.clone();
        if self.queue(conn, events).send(Job { ballot, audit, reply }).is_err() {
            self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
            return Err(stopped());
        }
        // The ballot handed back is freed here, on the request's thread.
        answer.await.map_err(|_| stopped())?.0
    }

    /// The queue to the writer, started on first use.
    fn queue(&self, conn: &DatabaseConnection, events: &Arc<Events>) -> &mpsc::UnboundedSender<Job> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            let shared = Shared { in_flight: self.in_flight.clone(), key: self.key.clone(), clock: self.clock.clone() };
            let (conn, events) = (conn.clone(), events.clone());
            // Ends when the store (the sending side) is dropped.
            let started = std::thread::Builder::new().name("ballot-writer".into()).spawn(move || {
                match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt.block_on(run(conn, events, rx, shared)),
                    Err(e) => tracing::error!(error = %e, "the ballot writer could not start"),
                }
            });
            if let Err(e) = started {
                tracing::error!(error = %e, "the ballot writer could not start");
            }
            tx
        })
    }
}

/// What the writer shares with the requests.
struct Shared {
    in_flight: Arc<Mutex<HashSet<String>>>,
    key: Option<Arc<ServerKey>>,
    clock: Arc<dyn Clock>,
}

async fn run(conn: DatabaseConnection, events: Arc<Events>, mut rx: mpsc::UnboundedReceiver<Job>, shared: Shared) {
    let key = shared.key.as_deref();
    let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut jobs, BATCH).await > 0 {
        let now = shared.clock.now();
        let outcomes = match store_batch(&conn, key, &jobs, now).await {
            Ok(o) => o,
            Err(e) => {
                if jobs.len() > 1 {
                    tracing::warn!(error = %e, ballots = jobs.len(), "batch failed; storing its ballots one by one");
                }
                let mut each = Vec::with_capacity(jobs.len());
                for j in &jobs {
                    each.push(store_one(&conn, key, &j.ballot, &j.audit, now).await);
                }
                each
            }
        };
        {
            let mut keys = shared.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            for j in &jobs {
                keys.remove(&j.ballot.key_hash);
            }
        }
        let stored: HashSet<i64> = jobs
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| matches!(o, Ok(SubmitOutcome::Stored(_))))
            .map(|(j, _)| j.ballot.cycle)
            .collect();
        for cycle in stored {
            events.local(cycle);
        }
        for (j, o) in jobs.drain(..).zip(outcomes) {
            // The caller may have gone (a closed connection): the outcome stands.
            let _ = j.reply.send((o, j.ballot, j.audit));
        }
    }
}

/// Store a batch in one transaction; the outcome of each ballot, in order.
/// A key or voter stored meanwhile by another node fails the batch (its
/// ballots are then stored one by one).
async fn store_batch(
    conn: &DatabaseConnection,
    key: Option<&ServerKey>,
    jobs: &[Job],
    now: DateTime<Utc>,
) -> Result<Vec<Result<SubmitOutcome>>> {
    let txn = begin_write(conn).await?;
    let cycles: Vec<i64> = jobs.iter().map(|j| j.ballot.cycle).collect::<HashSet<_>>().into_iter().collect();
    // Open cycles, with the start of their voting session (the only time kept).
    let mut open = cycle::Entity::find()
        .filter(cycle::Column::Id.is_in(cycles.clone()))
        .filter(cycle::Column::VotingOpenedAt.is_not_null())
        .filter(cycle::Column::VotingClosedAt.is_null())
        .select_only()
        .column(cycle::Column::Id)
        .column(cycle::Column::VotingOpenedAt);
    if txn.get_database_backend() == DbBackend::Postgres {
        // Closing voting (an UPDATE of these rows) waits for this batch, so
        // no ballot lands after the seal (SQLite: BEGIN IMMEDIATE already).
        open = open.lock_shared();
    }
    let open: HashMap<i64, i64> =
        open.into_tuple::<(i64, i64)>().all(&txn).await.map_err(db_err)?.into_iter().collect();
    let (seen, mut voted) = lookups(&txn, jobs, cycles).await?;

    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut accepted: Vec<&Job> = Vec::with_capacity(jobs.len());
    for j in jobs {
        let b = &j.ballot;
        let outcome = if let Some(s) = seen.get(&b.key_hash) {
            replay_answer(s, b, key)
        } else if !open.contains_key(&b.cycle) {
            SubmitOutcome::VotingClosed
        } else if !voted.insert((b.cycle, b.participant)) {
            SubmitOutcome::AlreadyVoted
        } else {
            accepted.push(j);
            SubmitOutcome::Stored(b.receipt.clone())
        };
        outcomes.push(Ok(outcome));
    }
    if accepted.is_empty() {
        txn.rollback().await.map_err(db_err)?;
        return Ok(outcomes);
    }

    // Participation and audit in arrival order; keys and ballots shuffled.
    // A row already there is left alone and the batch rolled back.
    let voters = participation::Entity::insert_many(accepted.iter().map(|j| participation::ActiveModel {
        cycle_id: Set(j.ballot.cycle),
        evaluator_id: Set(j.ballot.participant),
        session_at: Set(open[&j.ballot.cycle]),
        ..Default::default()
    }));
    let voter = OnConflict::columns([participation::Column::CycleId, participation::Column::EvaluatorId]);
    let mut shuffled = accepted.clone();
    shuffled.shuffle(&mut rand::rng());
    let keys = idempotency::Entity::insert_many(shuffled.iter().map(|j| key_row(&j.ballot, key)));
    let on_key = OnConflict::column(idempotency::Column::KeyHash);
    let n = accepted.len();
    if !(inserted_all(&txn, voters, voter, n).await? && inserted_all(&txn, keys, on_key, n).await?) {
        txn.rollback().await.map_err(db_err)?;
        return Err(CoreError::Store("a key or voter of the batch was stored meanwhile".into()));
    }
    shuffled.shuffle(&mut rand::rng());
    // Anonymous ballots are kept sealed until voting closes (`sealing`).
    let (sealed, named): (Vec<&Job>, Vec<&Job>) = shuffled.into_iter().partition(|j| sealing::is_sealed(&j.ballot));
    if !named.is_empty() {
        ballot::Entity::insert_many(named.iter().map(|j| ballot_row(&j.ballot, open[&j.ballot.cycle])))
            .exec_without_returning(&txn)
            .await
            .map_err(db_err)?;
    }
    if !sealed.is_empty() {
        let k = key.ok_or_else(sealing::no_key)?;
        ballot_sealed::Entity::insert_many(sealed.iter().map(|j| sealed_row(&j.ballot, k)))
            .exec_without_returning(&txn)
            .await
            .map_err(db_err)?;
    }
    for (cycle, people) in by_cycle(&accepted) {
        ballot_draft::Entity::delete_many()
            .filter(ballot_draft::Column::CycleId.eq(cycle))
            .filter(ballot_draft::Column::EvaluatorId.is_in(people))
            .exec(&txn)
            .await
            .map_err(db_err)?;
    }
    add_counts(&txn, named.iter().map(|j| &j.ballot)).await?;
    let audits: Vec<AuditDraft> = accepted.iter().map(|j| j.audit.clone()).collect();
    append_audit_many(&txn, &audits, now).await?;
    for cycle in by_cycle(&accepted).into_keys() {
        notify_in(&txn, cycle).await?;
    }
    txn.commit().await.map_err(db_err)?;
    Ok(outcomes)
}

/// Store one ballot in its own transaction (the fallback when a batch fails,
/// e.g. when another node stored the same key or evaluator meanwhile).
pub(crate) async fn store_one(
    conn: &DatabaseConnection,
    key: Option<&ServerKey>,
    b: &NewBallot,
    audit: &AuditDraft,
    now: DateTime<Utc>,
) -> Result<SubmitOutcome> {
    let txn = begin_write(conn).await?;
    let outcome = store_one_in(&txn, key, b, audit, now).await?;
    match outcome {
        SubmitOutcome::Stored(_) => txn.commit().await.map_err(db_err)?,
        _ => txn.rollback().await.map_err(db_err)?,
    }
    Ok(outcome)
}

async fn store_one_in(
    txn: &DatabaseTransaction,
    key: Option<&ServerKey>,
    b: &NewBallot,
    audit: &AuditDraft,
    now: DateTime<Utc>,
) -> Result<SubmitOutcome> {
    if let Some(seen) = idempotency::Entity::find_by_id(b.key_hash.clone()).one(txn).await.map_err(db_err)? {
        return Ok(replay_answer(&seen, b, key));
    }
    let mut q = cycle::Entity::find_by_id(b.cycle);
    if txn.get_database_backend() == DbBackend::Postgres {
        q = q.lock_shared();
    }
    let c = q.one(txn).await.map_err(db_err)?;
    let Some(session_at) = c.filter(|c| c.voting_closed_at.is_none()).and_then(|c| c.voting_opened_at) else {
        return Ok(SubmitOutcome::VotingClosed);
    };
    if let Err(e) = idempotency::Entity::insert(key_row(b, key)).exec_without_returning(txn).await {
        // Another node is storing this key right now.
        return match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Ok(SubmitOutcome::InFlight),
            _ => Err(db_err(e)),
        };
    }
    let p = participation::ActiveModel {
        cycle_id: Set(b.cycle),
        evaluator_id: Set(b.participant),
        session_at: Set(session_at),
        ..Default::default()
    };
    if let Err(e) = p.insert(txn).await {
        return match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Ok(SubmitOutcome::AlreadyVoted),
            _ => Err(db_err(e)),
        };
    }
    match key.filter(|_| sealing::is_sealed(b)) {
        Some(k) => sealed_row(b, k).insert(txn).await.map(|_| ()).map_err(db_err)?,
        None => {
            ballot_row(b, session_at).insert(txn).await.map_err(db_err)?;
            add_counts(txn, [b]).await?;
        }
    }
    notify_in(txn, b.cycle).await?;
    ballot_draft::Entity::delete_many()
        .filter(ballot_draft::Column::CycleId.eq(b.cycle))
        .filter(ballot_draft::Column::EvaluatorId.eq(b.participant))
        .exec(txn)
        .await
        .map_err(db_err)?;
    append_audit(txn, audit, now).await?;
    Ok(SubmitOutcome::Stored(b.receipt.clone()))
}
