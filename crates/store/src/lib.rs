//! Persistence for kaoping on SQLite (embedded, the default) and PostgreSQL
//! (for several nodes), through one sea-orm code path and one migration set.
//!
//! Every write that matters runs in one transaction together with its audit
//! entry. On SQLite, write transactions begin `IMMEDIATE` so that the busy
//! timeout applies; on PostgreSQL, audit appends are serialised with a
//! transaction-scoped advisory lock.

mod accounts;
mod audit;
mod convert;
mod cycles;
mod entity;
mod events;
mod feedback;
mod meeting;
mod meta;
mod migration;
mod org;
mod people;
mod rectification;
mod reports;
mod results;
mod subtree;
pub mod testing;
mod txn;
mod voting;

use kaoping_core::audit::{AuditDraft, AuditEntry};
use kaoping_core::error::{CoreError, Result};
use kaoping_core::time;
use sea_orm::sqlx::postgres::PgPoolOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlxPostgresConnector,
    SqlxSqliteConnector, Statement,
};
use sea_orm_migration::MigratorTrait;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migration::Migrator;
pub(crate) use txn::{Serial, append_audit, append_audit_many, begin_write, serialize};

/// Where the data lives.
#[derive(Clone)]
pub enum Target {
    /// An SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Target::Postgres(url) => write!(f, "{}", redact_url(url)),
        }
    }
}

/// A database URL with its password replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Target {
    /// The SQLite file inside a data folder.
    pub fn in_data_dir(dir: &Path) -> Self {
        Target::Sqlite(dir.join("kaoping.db"))
    }
}

/// The state of a database's schema compared with this binary's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// No migrations applied yet (a new database).
    Empty,
    /// Exactly this binary's migrations.
    Current,
    /// Some of this binary's migrations are not applied.
    Older { pending: Vec<String> },
    /// The database has migrations this binary does not know.
    Newer { unknown: Vec<String> },
}

/// The store: one database connection pool.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// The ballot writer's own connection (a pool of one, opened on the
    /// first ballot), so that group commits never wait for a pooled one.
    writer: DatabaseConnection,
    /// Group commit for final ballots (shared by the clones of this store).
    ballots: std::sync::Arc<voting::ballot_writer::BallotWriter>,
    /// Announcements of meeting changes (to this node's screens) and of
    /// link changes (to its kept link sessions).
    events: std::sync::Arc<events::Events>,
    /// The server key, kept outside the database: seals anonymous ballots
    /// until voting closes, and drafts (`sealing`).
    key: Option<std::sync::Arc<kaoping_core::secrets::ServerKey>>,
    /// Where every instant written comes from.
    clock: std::sync::Arc<dyn kaoping_core::time::Clock>,
    /// Link sessions' last use, written once a second (`reports::touches`).
    touches: std::sync::Arc<reports::touches::Touches>,
}

pub(crate) fn db_err(e: DbErr) -> CoreError {
    CoreError::Store(e.to_string())
}

impl Db {
    /// Wait until this node hears other nodes' announcements (meeting and
    /// link changes): at once on SQLite; on PostgreSQL once its listener is
    /// connected. Tests wait on it instead of sleeping.
    pub async fn announcements_heard(&self) {
        self.events.heard(&self.conn).await
    }
}

impl Db {
    /// Connect with power-loss durability: on SQLite every commit is synced
    /// to disk (`synchronous=FULL` with WAL).
    pub async fn connect(target: &Target) -> Result<Self> {
        Self::connect_with(target, true).await
    }

    /// Connect; `durable: false` uses SQLite's `synchronous=NORMAL` (a power
    /// loss may drop the last commits, the file stays consistent) — for bulk
    /// set-up in benchmarks. PostgreSQL follows the server's settings.
    pub async fn connect_with(target: &Target, durable: bool) -> Result<Self> {
        let (conn, writer) = match target {
            Target::Sqlite(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| CoreError::Store(format!("{}: {e}", dir.display())))?;
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(if durable { SqliteSynchronous::Full } else { SqliteSynchronous::Normal })
                    .foreign_keys(true)
                    // Deleted content is overwritten with zeros (drafts,
                    // sealed ballots: no remnant in free pages).
                    .pragma("secure_delete", "on")
                    .busy_timeout(Duration::from_secs(10));
                // A local file: no ping before each use. The ballot writer
                // keeps statement journals in memory (a batch insert's would
                // spill to a file) and checkpoints the WAL at 4,000 pages, so
                // the pages every batch rewrites are copied out less often.
                let writer = SqlitePoolOptions::new().max_connections(1).test_before_acquire(false).connect_lazy_with(
                    opts.clone().pragma("temp_store", "memory").pragma("wal_autocheckpoint", "4000"),
                );
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .test_before_acquire(false)
                    .connect_with(opts)
                    .await
                    .map_err(|e| CoreError::Store(format!("{}: {e}", path.display())))?;
                (SqlxSqliteConnector::from_sqlx_sqlite_pool(pool), SqlxSqliteConnector::from_sqlx_sqlite_pool(writer))
            }
            Target::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(|e| CoreError::Store(format!("{}: {e}", redact_url(url))))?;
                // The writer finds rows by key with IN lists of up to 128:
                // each statement is planned for the tables as they are, by
                // index only (generic plans and lagging statistics chose full
                // scans as a meeting filled the tables). A connection is
                // pinged only after it sat idle, so a dropped one fails within
                // `acquire_timeout`. Settings after connecting: PgBouncer
                // refuses start-up options it does not know.
                let writer = PgPoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            use sea_orm::sqlx::Connection;
                            if meta.idle_for > Duration::from_secs(1) {
                                conn.ping().await?;
                            }
                            Ok(true)
                        })
                    })
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sea_orm::sqlx::Executor;
                            conn.execute(
                                "SELECT set_config('plan_cache_mode', 'force_custom_plan', false), \
                                 set_config('enable_seqscan', 'off', false), \
                                 set_config('enable_bitmapscan', 'off', false)",
                            )
                            .await
                            .map(|_| ())
                        })
                    })
                    .connect_lazy(url)
                    .map_err(|e| CoreError::Store(format!("{}: {e}", redact_url(url))))?;
                (
                    SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
                    SqlxPostgresConnector::from_sqlx_postgres_pool(writer),
                )
            }
        };
        let clock: std::sync::Arc<dyn kaoping_core::time::Clock> = std::sync::Arc::new(kaoping_core::time::SystemClock);
        let ballots = std::sync::Arc::new(voting::ballot_writer::BallotWriter::new(None, clock.clone()));
        Ok(Self { conn, writer, ballots, events: Default::default(), key: None, clock, touches: Default::default() })
    }

    /// Use the server key (read from its file by the caller). Without one,
    /// anonymous ballots are refused and drafts are kept as written. Set
    /// before the first ballot.
    pub fn with_server_key(mut self, key: std::sync::Arc<kaoping_core::secrets::ServerKey>) -> Self {
        self.ballots =
            std::sync::Arc::new(voting::ballot_writer::BallotWriter::new(Some(key.clone()), self.clock.clone()));
        self.key = Some(key);
        self
    }

    /// The same store taking its time from `clock` (tests move a
    /// [`kaoping_core::time::TestClock`]). Set before the first ballot.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn kaoping_core::time::Clock>) -> Self {
        self.ballots = std::sync::Arc::new(voting::ballot_writer::BallotWriter::new(self.key.clone(), clock.clone()));
        self.clock = clock;
        self
    }

    /// Write the link sessions' uses still waiting (they are written once a
    /// second anyway; tests and shutdown do not wait for that).
    pub async fn flush_touches(&self) -> Result<()> {
        self.touches.flush(&self.conn).await
    }

    /// The current instant on this store's clock.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The current instant on this store's clock, in stored microseconds.
    pub(crate) fn now_micros(&self) -> i64 {
        time::to_micros(self.clock.now())
    }

    /// Append an audit entry inside a write transaction, chained to the last.
    pub(crate) async fn append_audit(&self, txn: &DatabaseTransaction, d: &AuditDraft) -> Result<AuditEntry> {
        append_audit(txn, d, self.now()).await
    }

    /// The server key in use, if any.
    pub fn server_key(&self) -> Option<std::sync::Arc<kaoping_core::secrets::ServerKey>> {
        self.key.clone()
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Apply every pending migration.
    pub async fn migrate(&self) -> Result<Vec<String>> {
        let pending: Vec<String> = match self.schema_state().await? {
            SchemaState::Newer { unknown } => {
                return Err(CoreError::Store(format!(
                    "the database schema is newer than this binary (unknown migrations: {}); upgrade kaoping",
                    unknown.join(", ")
                )));
            }
            SchemaState::Older { pending } => pending,
            SchemaState::Empty => Migrator::migrations().iter().map(|m| m.name().to_string()).collect(),
            SchemaState::Current => Vec::new(),
        };
        Migrator::up(&self.conn, None).await.map_err(db_err)?;
        Ok(pending)
    }

    /// Compare the applied migrations with this binary's.
    pub async fn schema_state(&self) -> Result<SchemaState> {
        let exists = self.table_exists("seaql_migrations").await?;
        let applied: Vec<String> = if exists {
            Migrator::get_migration_models(&self.conn).await.map_err(db_err)?.into_iter().map(|m| m.version).collect()
        } else {
            Vec::new()
        };
        let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        let unknown: Vec<String> = applied.iter().filter(|a| !known.contains(a)).cloned().collect();
        if !unknown.is_empty() {
            return Ok(SchemaState::Newer { unknown });
        }
        if applied.is_empty() {
            return Ok(SchemaState::Empty);
        }
        let pending: Vec<String> = known.into_iter().filter(|k| !applied.contains(k)).collect();
        Ok(if pending.is_empty() { SchemaState::Current } else { SchemaState::Older { pending } })
    }

    async fn table_exists(&self, name: &str) -> Result<bool> {
        let sql = match self.backend() {
            DbBackend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
            _ => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
            }
        };
        let row = self
            .conn
            .query_one_raw(Statement::from_sql_and_values(self.backend(), sql, [name.into()]))
            .await
            .map_err(db_err)?;
        let n: i64 = row.map(|r| r.try_get("", "n")).transpose().map_err(db_err)?.unwrap_or(0);
        Ok(n > 0)
    }

    /// The columns of every table, as `table.column nullable`, sorted: used
    /// by the test that keeps both backends' schemas equal.
    pub async fn schema_outline(&self) -> Result<Vec<String>> {
        let (sql, backend) = match self.backend() {
            DbBackend::Sqlite => (
                "SELECT m.name AS t, p.name AS c, p.\"notnull\" AS nn, p.pk AS pk \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                DbBackend::Sqlite,
            ),
            b => (
                "SELECT c.table_name::text AS t, c.column_name::text AS c, \
                 CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS nn, 0 AS pk \
                 FROM information_schema.columns c WHERE c.table_schema = current_schema()",
                b,
            ),
        };
        let rows = self.conn.query_all_raw(Statement::from_string(backend, sql)).await.map_err(db_err)?;
        let mut out = Vec::new();
        for r in rows {
            let t: String = r.try_get("", "t").map_err(db_err)?;
            let c: String = r.try_get("", "c").map_err(db_err)?;
            let nn: i64 =
                r.try_get::<i32>("", "nn").map(i64::from).or_else(|_| r.try_get::<i64>("", "nn")).map_err(db_err)?;
            let pk: i64 =
                r.try_get::<i32>("", "pk").map(i64::from).or_else(|_| r.try_get::<i64>("", "pk")).map_err(db_err)?;
            // SQLite reports primary keys as nullable; they never are.
            let nullable = nn == 0 && pk == 0;
            out.push(format!("{t}.{c}{}", if nullable { " null" } else { "" }));
        }
        out.sort();
        Ok(out)
    }

    /// Write a consistent copy of a running SQLite database to `to` (which
    /// must not exist): `VACUUM INTO` reads one snapshot while ballots keep
    /// being written, and leaves free pages behind. PostgreSQL is backed up
    /// with `pg_dump` (docs/operations.md).
    pub async fn backup_to(&self, to: &Path) -> Result<()> {
        if self.backend() != DbBackend::Sqlite {
            return Err(CoreError::Store(
                "kaoping backup copies SQLite databases; back PostgreSQL up with pg_dump (docs/operations.md)".into(),
            ));
        }
        if to.exists() {
            return Err(CoreError::Store(format!("{} exists already; choose a new file", to.display())));
        }
        let path = to.to_str().ok_or_else(|| CoreError::Store(format!("{}: not a UTF-8 path", to.display())))?;
        self.conn
            .execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()]))
            .await
            .map_err(db_err)?;
        // Durable before it is reported done.
        std::fs::File::open(to)
            .and_then(|f| f.sync_all())
            .map_err(|e| CoreError::Store(format!("{}: {e}", to.display())))
    }

    /// Begin a write transaction (`BEGIN IMMEDIATE` on SQLite).
    /// A raw statement with one value, written with a `?` placeholder
    /// (`$1` on PostgreSQL).
    pub(crate) fn raw1(&self, sql: &str, value: sea_orm::Value) -> Statement {
        let sql = match self.backend() {
            DbBackend::Postgres => sql.replace('?', "$1"),
            _ => sql.to_string(),
        };
        Statement::from_sql_and_values(self.backend(), sql, [value])
    }

    pub(crate) async fn write(&self) -> Result<DatabaseTransaction> {
        begin_write(&self.conn).await
    }

    pub(crate) async fn commit(txn: DatabaseTransaction) -> Result<()> {
        txn.commit().await.map_err(db_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }
}
