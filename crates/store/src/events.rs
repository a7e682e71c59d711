//! Announcements of meeting changes between nodes, for the screens: in
//! process, and on PostgreSQL also through LISTEN/NOTIFY, sent in the
//! transaction that makes the change.

use crate::db_err;
use kaoping_core::error::Result;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement};
use std::sync::{Arc, OnceLock};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel that carries cycle ids between nodes.
const CHANNEL: &str = "kaoping_meeting";
/// Announcements of meeting changes: in process, and on PostgreSQL also
/// through LISTEN/NOTIFY (a listener started on the first subscription).
pub(crate) struct Events {
    tx: broadcast::Sender<i64>,
    listening: OnceLock<()>,
    /// Whether the listener is connected (PostgreSQL).
    heard: Arc<watch::Sender<bool>>,
}

impl Default for Events {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0, listening: OnceLock::new(), heard: Arc::new(watch::Sender::new(false)) }
    }
}

impl Events {
    /// Tell this node's screens (after a commit).
    pub(crate) fn local(&self, cycle: i64) {
        let _ = self.tx.send(cycle);
    }

    fn listen_once(&self, conn: &DatabaseConnection) {
        if conn.get_database_backend() == DbBackend::Postgres {
            self.listening.get_or_init(|| {
                let pool = conn.get_postgres_connection_pool().clone();
                tokio::spawn(listen(pool, self.tx.clone(), self.heard.clone()));
            });
        }
    }

    pub(crate) fn subscribe(&self, conn: &DatabaseConnection) -> broadcast::Receiver<i64> {
        self.listen_once(conn);
        self.tx.subscribe()
    }

    /// Wait until other nodes' announcements are heard (at once on SQLite),
    /// starting the listener if none runs.
    pub(crate) async fn heard(&self, conn: &DatabaseConnection) {
        if conn.get_database_backend() == DbBackend::Postgres {
            self.listen_once(conn);
            // The sender lives as long as `self`, so the wait ends only when heard.
            let _ = self.heard.subscribe().wait_for(|h| *h).await;
        }
    }
}

/// Forward other nodes' announcements; `heard` is false while no
/// connection listens (sqlx reconnects inside `try_recv`, answering `None`).
async fn listen(pool: sea_orm::sqlx::PgPool, tx: broadcast::Sender<i64>, heard: Arc<watch::Sender<bool>>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "announcements: cannot listen; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "announcements: LISTEN failed; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            continue;
        }
        heard.send_replace(true);
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    if let Ok(id) = n.payload().parse() {
                        let _ = tx.send(id);
                    }
                }
                Ok(None) => {
                    tracing::warn!("announcements: connection lost and made again; some may be missed");
                }
                Err(e) => {
                    heard.send_replace(false);
                    tracing::warn!(error = %e, "announcements: connection lost; listening again");
                    break;
                }
            }
        }
    }
}

/// Announce a change of `cycle` to the other nodes when `txn` commits
/// (PostgreSQL; a no-op on SQLite).
pub(crate) async fn notify_in(txn: &DatabaseTransaction, cycle: i64) -> Result<()> {
    pg_notify(txn, CHANNEL, cycle.to_string()).await
}

async fn pg_notify(conn: &impl ConnectionTrait, channel: &str, payload: String) -> Result<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [channel.into(), payload.into()],
        ))
        .await
        .map_err(db_err)?;
    }
    Ok(())
}
