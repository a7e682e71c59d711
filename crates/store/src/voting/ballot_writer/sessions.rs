//! Link sessions' last use, written by the ballot writer (decision 0007).

use crate::entity::link_session;
use crate::{begin_write, db_err};
use kaoping_core::error::Result;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::collections::HashSet;

use super::Touches;

/// Which of these link sessions (the ballots') still exist, recording their
/// use now along with the `waiting` times. On PostgreSQL their rows are
/// locked: ending one of them waits for the batch (SQLite: BEGIN IMMEDIATE).
pub(super) async fn touch_live(
    txn: &DatabaseTransaction,
    digests: impl Iterator<Item = String>,
    waiting: &Touches,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashSet<String>> {
    let live = live_sessions(txn, digests.collect()).await?;
    let mut touches = waiting.clone();
    let now = kaoping_core::time::to_micros(now);
    touches.extend(live.iter().map(|d| (d.clone(), now)));
    touch_in(txn, &touches).await?;
    Ok(live)
}

async fn live_sessions(txn: &DatabaseTransaction, digests: Vec<String>) -> Result<HashSet<String>> {
    if digests.is_empty() {
        return Ok(HashSet::new());
    }
    let mut q = link_session::Entity::find()
        .select_only()
        .column(link_session::Column::Digest)
        .filter(link_session::Column::Digest.is_in(digests));
    if txn.get_database_backend() == DbBackend::Postgres {
        q = q.lock_shared();
    }
    let found: Vec<String> = q.into_tuple().all(txn).await.map_err(db_err)?;
    Ok(found.into_iter().collect())
}

/// Record link sessions' last use, in a transaction of their own.
pub(super) async fn store_touches(conn: &DatabaseConnection, touches: &Touches) -> Result<()> {
    if touches.is_empty() {
        return Ok(());
    }
    let txn = begin_write(conn).await?;
    touch_in(&txn, touches).await?;
    txn.commit().await.map_err(db_err)
}

/// Record link sessions' last use: the latest of the times (usually a batch
/// apart; more when a batch is retried), never moving one back; sessions
/// ended meanwhile are gone.
async fn touch_in(txn: &DatabaseTransaction, touches: &Touches) -> Result<()> {
    let Some(at) = touches.values().max().copied() else { return Ok(()) };
    link_session::Entity::update_many()
        .col_expr(link_session::Column::LastSeenAt, Expr::value(at))
        .filter(link_session::Column::Digest.is_in(touches.keys().cloned()))
        .filter(link_session::Column::LastSeenAt.lt(at))
        .exec(txn)
        .await
        .map_err(db_err)?;
    Ok(())
}
