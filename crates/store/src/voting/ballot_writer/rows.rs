//! The rows a batch writes: ballots and the kept vote counts.

use crate::db_err;
use crate::entity::{ballot, ballot_tally};
use kaoping_core::error::Result;
use kaoping_core::voting::ballot::NewBallot;
use kaoping_core::voting::counts::Contribution;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait};
use std::collections::HashMap;

/// Insert `rows`, leaving any row already there (`on` its unique key):
/// whether all `n` went in.
pub(crate) async fn inserted_all<A: ActiveModelTrait>(
    txn: &DatabaseTransaction,
    rows: sea_orm::InsertMany<A>,
    mut on: OnConflict,
    n: usize,
) -> Result<bool> {
    let inserted = rows.on_conflict(on.do_nothing().to_owned()).exec_without_returning(txn).await.map_err(db_err)?;
    Ok(inserted == n as u64)
}

/// Add the ballots' contributions to the kept vote counts (one upsert).
pub(crate) async fn add_counts(txn: &DatabaseTransaction, ballots: impl IntoIterator<Item = &NewBallot>) -> Result<()> {
    // A fast hash: a batch adds ~66 contributions per ballot.
    let mut sums: HashMap<(i64, &Contribution), i64, foldhash::fast::RandomState> = HashMap::default();
    for b in ballots {
        for c in &b.contributions {
            *sums.entry((b.cycle, c)).or_insert(0) += 1;
        }
    }
    if sums.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<ballot_tally::ActiveModel> = sums
        .into_iter()
        .map(|((cycle, c), n)| {
            let (score, grade) = c.score.map_or((0, -1), |(x, g)| (x, g as i32));
            ballot_tally::ActiveModel {
                cycle_id: Set(cycle),
                subject_id: Set(c.subject),
                group_code: Set(c.group.to_string()),
                score: Set(score),
                grade: Set(grade),
                n: Set(n),
                ..Default::default()
            }
        })
        .collect();
    use ballot_tally::Column as T;
    let on = OnConflict::columns([T::CycleId, T::SubjectId, T::GroupCode, T::Score, T::Grade])
        .value(T::N, Expr::col((ballot_tally::Entity, T::N)).add(Expr::cust("excluded.n")))
        .to_owned();
    // A batch of varied ballots over many subjects and items can sum to
    // thousands of rows: SQLite binds at most 32,766 values a statement
    // (PostgreSQL 65,535), six a row here. The keys are distinct, so the
    // parts never touch the same row twice.
    while !rows.is_empty() {
        let part = rows.split_off(rows.len().saturating_sub(TALLY_ROWS));
        ballot_tally::Entity::insert_many(part)
            .on_conflict(on.clone())
            .exec_without_returning(txn)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// The most kept-count rows upserted by one statement.
const TALLY_ROWS: usize = 4_000;

pub(crate) fn ballot_row(b: &NewBallot, session_at: i64) -> ballot::ActiveModel {
    ballot::ActiveModel {
        seq: sea_orm::ActiveValue::NotSet,
        id: Set(b.id.clone()),
        cycle_id: Set(b.cycle),
        group_code: Set(b.group.clone()),
        evaluator_id: Set(b.evaluator),
        marks: Set(b.marks.clone()),
        remarks: Set(b.remarks.clone()),
        receipt: Set(b.receipt.clone()),
        paper: Set(b.paper),
        session_at: Set(session_at),
    }
}
