//! Fresh databases for tests: SQLite in a temporary folder by default, or a
//! new PostgreSQL database when `KAOPING_TEST_DATABASE_URL` names a server.

use crate::{Db, Target};
use kaoping_core::accounts::auth::random_token;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The environment variable naming a PostgreSQL server for tests.
pub const ENV: &str = "KAOPING_TEST_DATABASE_URL";

/// A fresh, migrated database, and what keeps it alive (and removes it
/// when dropped: the SQLite folder, or the PostgreSQL database).
pub struct TestDb {
    pub db: Db,
    pub target: Target,
    _dir: Option<TempDir>,
    _pg: Option<PgDatabase>,
}

/// A PostgreSQL test database, dropped (with any connection still open to
/// it) when this is, so that a developer's long-lived cluster does not fill
/// up with them.
struct PgDatabase {
    server: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // A runtime of its own: this may run inside (or after) the test's.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let admin = Db::connect(&Target::Postgres(server)).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.connection().execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("note: the test database {} was left behind", self.name);
        }
    }
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TempDir {
    pub fn new() -> Self {
        let p = std::env::temp_dir().join(format!("kaoping-test-{}", random_token(8)));
        std::fs::create_dir_all(&p).expect("create temp dir");
        Self(p)
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(ENV).is_ok_and(|v| !v.is_empty())
}

/// A new empty database (not migrated).
pub async fn empty_db() -> TestDb {
    match std::env::var(ENV).ok().filter(|v| !v.is_empty()) {
        Some(url) => {
            let admin = Db::connect(&Target::Postgres(url.clone())).await.expect("connect to test server");
            let name = format!("kp_{}", random_token(6));
            admin
                .connection()
                .execute_raw(Statement::from_string(DbBackend::Postgres, format!("CREATE DATABASE {name}")))
                .await
                .expect("create test database");
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
            let target = Target::Postgres(format!("{base}/{name}"));
            let db = Db::connect(&target).await.expect("connect to test database").with_server_key(test_key());
            TestDb { db, target, _dir: None, _pg: Some(PgDatabase { server: url, name }) }
        }
        None => {
            let dir = TempDir::new();
            let target = Target::in_data_dir(&dir.0);
            let db = Db::connect(&target).await.expect("open sqlite").with_server_key(test_key());
            TestDb { db, target, _dir: Some(dir), _pg: None }
        }
    }
}

/// A new server key for one test database (every node of it must share it).
fn test_key() -> std::sync::Arc<kaoping_core::secrets::ServerKey> {
    std::sync::Arc::new(kaoping_core::secrets::ServerKey::generate())
}

/// A new migrated database.
pub async fn fresh_db() -> TestDb {
    let t = empty_db().await;
    t.db.migrate().await.expect("migrate");
    t
}
