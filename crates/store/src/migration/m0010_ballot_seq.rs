//! Final ballots keyed by an arrival sequence instead of their random id.
//!
//! The random 128-bit ballot id (`scoring.md` §2) stays a column, but it is
//! no longer the primary key: every group commit inserted 64 ballots at 64
//! random places of its unique index, and 64 more of `(cycle_id, receipt)`,
//! which together were about a fifth of the server's CPU under load (each
//! touched page written to the WAL at every commit). Nothing looks a ballot
//! up by id; ids are 128 random bits. The seal reads a cycle's receipts from
//! `(cycle_id, seq, receipt)` — appended to at the end, and covering — and
//! sorts them in memory.
//!
//! `seq` is the order of arrival by batch, as SQLite's rowid and
//! PostgreSQL's row order already were; ballots are shuffled within their
//! batch (`scoring.md` §7).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE: &[&str] = &[
    "CREATE TABLE ballot_new (\
       seq integer NOT NULL PRIMARY KEY, \
       id varchar(32) NOT NULL, \
       cycle_id bigint NOT NULL, \
       group_code varchar(32) NOT NULL, \
       evaluator_id bigint NULL, \
       marks text NOT NULL, \
       remarks text NOT NULL, \
       receipt varchar(64) NOT NULL, \
       paper boolean NOT NULL, \
       session_at bigint NOT NULL)",
    "INSERT INTO ballot_new (id, cycle_id, group_code, evaluator_id, marks, remarks, receipt, paper, session_at) \
     SELECT id, cycle_id, group_code, evaluator_id, marks, remarks, receipt, paper, session_at FROM ballot ORDER BY rowid",
    "DROP TABLE ballot",
    "ALTER TABLE ballot_new RENAME TO ballot",
];

const POSTGRES: &[&str] = &[
    "ALTER TABLE ballot DROP CONSTRAINT ballot_pkey",
    "ALTER TABLE ballot ADD COLUMN seq bigserial NOT NULL",
    "ALTER TABLE ballot ADD PRIMARY KEY (seq)",
    "DROP INDEX IF EXISTS ix_ballot_cycle",
    "DROP INDEX IF EXISTS ix_ballot_receipt",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: a crash between the table's drop
    /// and its rename must not leave the database without `ballot`.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::execute_for_backend(m, SQLITE, POSTGRES).await?;
        m.create_index(
            Index::create()
                .name("ix_ballot_seal")
                .table(Alias::new("ballot"))
                .col(Alias::new("cycle_id"))
                .col(Alias::new("seq"))
                .col(Alias::new("receipt"))
                .to_owned(),
        )
        .await
    }
}
