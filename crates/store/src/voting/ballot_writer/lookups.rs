//! What a batch reads before it writes: the keys it has seen before (their
//! first answers) and the evaluators who have voted.

use super::Job;
use crate::db_err;
use crate::entity::{idempotency, participation};
use kaoping_core::error::Result;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// The batch's keys seen before, and which of its evaluators have voted.
pub(super) async fn lookups(
    txn: &DatabaseTransaction,
    jobs: &[Job],
    cycles: Vec<i64>,
) -> Result<(HashMap<String, idempotency::Model>, HashSet<(i64, i64)>)> {
    let keys: Vec<String> = jobs.iter().map(|j| j.ballot.key_hash.clone()).collect();
    let seen: HashMap<String, idempotency::Model> = idempotency::Entity::find()
        .filter(idempotency::Column::KeyHash.is_in(keys))
        .all(txn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|m| (m.key_hash.clone(), m))
        .collect();
    let voted: HashSet<(i64, i64)> = participation::Entity::find()
        .filter(participation::Column::CycleId.is_in(cycles))
        .filter(participation::Column::EvaluatorId.is_in(jobs.iter().map(|j| j.ballot.participant)))
        .select_only()
        .column(participation::Column::CycleId)
        .column(participation::Column::EvaluatorId)
        .into_tuple::<(i64, i64)>()
        .all(txn)
        .await
        .map_err(db_err)?
        .into_iter()
        .collect();
    Ok((seen, voted))
}

pub(super) fn by_cycle(jobs: &[&Job]) -> HashMap<i64, Vec<i64>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for j in jobs {
        out.entry(j.ballot.cycle).or_default().push(j.ballot.participant);
    }
    out
}
