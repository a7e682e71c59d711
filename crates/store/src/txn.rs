//! Write transactions: begun so that SQLite's busy timeout applies,
//! serialized where a check and its write must not interleave, and the
//! audit entry of every change appended, chained, in the same transaction.

use crate::{convert, db_err, entity};
use chrono::{DateTime, Utc};
use kaoping_core::audit::{AuditDraft, AuditEntry, GENESIS};
use kaoping_core::error::Result;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QueryOrder, Statement,
    TransactionOptions, TransactionTrait,
};

/// Begin a write transaction on a connection (`BEGIN IMMEDIATE` on SQLite).
pub(crate) async fn begin_write(conn: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let opts = match conn.get_database_backend() {
        DbBackend::Sqlite => TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        },
        _ => TransactionOptions::default(),
    };
    conn.begin_with_options(opts).await.map_err(db_err)
}

/// What a write of the feedback loop serializes on (PostgreSQL; on SQLite
/// every write transaction is already `BEGIN IMMEDIATE`).
#[derive(Clone, Copy)]
pub(crate) enum Serial {
    /// Critiques, problems, sheets, plans, progress and sign-off of a cycle.
    Cycle(i64),
    /// The sheet numbers of an organizer.
    Numbers(i64),
}

/// Take the transaction-scoped lock of `on` (PostgreSQL), so that a
/// check and the write it allows cannot interleave with another's. Taken
/// before the audit chain's lock, always in this order.
pub(crate) async fn serialize(txn: &DatabaseTransaction, on: Serial) -> Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (class, id) = match on {
        Serial::Cycle(id) => (1_i64, id),
        Serial::Numbers(id) => (2_i64, id),
    };
    // 8 bits of class, 48 bits of id: distinct from the audit lock's key.
    let key = (class << 56) | (id & 0x0000_FFFF_FFFF_FFFF);
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key.into()],
    ))
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Append an audit entry at `now` inside a write transaction, chained to the last.
pub(crate) async fn append_audit(txn: &DatabaseTransaction, d: &AuditDraft, now: DateTime<Utc>) -> Result<AuditEntry> {
    let mut entries = append_audit_many(txn, std::slice::from_ref(d), now).await?;
    Ok(entries.pop().expect("one entry appended"))
}

/// Append audit entries in order inside a write transaction, chained to the
/// last one and to each other, with one insert.
pub(crate) async fn append_audit_many(
    txn: &DatabaseTransaction,
    drafts: &[AuditDraft],
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    use entity::audit_log;
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        // One appender at a time across every node.
        txn.execute_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_advisory_xact_lock(7461726)"))
            .await
            .map_err(db_err)?;
    }
    let last = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(txn).await.map_err(db_err)?;
    let (mut seq, mut prev) = match last {
        Some(l) => (l.seq + 1, l.hash),
        None => (1, GENESIS.to_string()),
    };
    let mut entries = Vec::with_capacity(drafts.len());
    for d in drafts {
        let e = d.seal(seq, now, &prev);
        seq += 1;
        prev = e.hash.clone();
        entries.push(e);
    }
    audit_log::Entity::insert_many(entries.iter().map(convert::audit_active))
        .exec_without_returning(txn)
        .await
        .map_err(db_err)?;
    Ok(entries)
}
