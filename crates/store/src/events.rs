//! Announcements between nodes: meeting changes (for the screens) and link
//! changes (for the link sessions each node keeps) — in process, and on
//! PostgreSQL also through LISTEN/NOTIFY, sent in the transaction that makes
//! the change.

use crate::db_err;
use kaoping_core::error::Result;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::reports::reading::LinkChange;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement};
use std::sync::{Arc, OnceLock};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel that carries cycle ids between nodes.
const CHANNEL: &str = "kaoping_meeting";
/// The PostgreSQL channel that carries link changes between nodes:
/// `c<cycle id>`, `p<cycle id>:<person id>` or `s<session token digest>`.
const LINKS_CHANNEL: &str = "kaoping_links";

/// Announcements of meeting and link changes: in process, and on PostgreSQL
/// also through LISTEN/NOTIFY (a listener started on the first subscription).
pub(crate) struct Events {
    tx: broadcast::Sender<i64>,
    links: broadcast::Sender<LinkChange>,
    listening: OnceLock<()>,
    /// Whether the listener is connected (PostgreSQL).
    heard: Arc<watch::Sender<bool>>,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
            links: broadcast::channel(1024).0,
            listening: OnceLock::new(),
            heard: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl Events {
    /// Tell this node's screens (after a commit).
    pub(crate) fn local(&self, cycle: i64) {
        let _ = self.tx.send(cycle);
    }

    /// Tell this node's caches of readers (after a commit).
    pub(crate) fn links_local(&self, change: LinkChange) {
        let _ = self.links.send(change);
    }

    fn listen_once(&self, conn: &DatabaseConnection) {
        if conn.get_database_backend() == DbBackend::Postgres {
            self.listening.get_or_init(|| {
                let pool = conn.get_postgres_connection_pool().clone();
                tokio::spawn(listen(pool, self.tx.clone(), self.links.clone(), self.heard.clone()));
            });
        }
    }

    pub(crate) fn subscribe(&self, conn: &DatabaseConnection) -> broadcast::Receiver<i64> {
        self.listen_once(conn);
        self.tx.subscribe()
    }

    pub(crate) fn subscribe_links(&self, conn: &DatabaseConnection) -> broadcast::Receiver<LinkChange> {
        self.listen_once(conn);
        self.links.subscribe()
    }

    /// Whether other nodes' link changes are heard (always on SQLite: one node).
    pub(crate) fn links_heard(&self, conn: &DatabaseConnection) -> bool {
        conn.get_database_backend() != DbBackend::Postgres || *self.heard.borrow()
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

/// Forward other nodes' announcements. Link changes missed while not
/// connected are announced as [`LinkChange::All`] once listening again
/// (sqlx reconnects inside `try_recv` and answers `None`), and `heard` is
/// false while no connection listens.
async fn listen(
    pool: sea_orm::sqlx::PgPool,
    tx: broadcast::Sender<i64>,
    links: broadcast::Sender<LinkChange>,
    heard: Arc<watch::Sender<bool>>,
) {
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
        if let Err(e) = listener.listen_all([CHANNEL, LINKS_CHANNEL]).await {
            tracing::warn!(error = %e, "announcements: LISTEN failed; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            continue;
        }
        let _ = links.send(LinkChange::All);
        heard.send_replace(true);
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) if n.channel() == LINKS_CHANNEL => {
                    let _ = links.send(link_change(n.payload()));
                }
                Ok(Some(n)) => {
                    if let Ok(id) = n.payload().parse() {
                        let _ = tx.send(id);
                    }
                }
                Ok(None) => {
                    tracing::warn!("announcements: connection lost and made again; some may be missed");
                    let _ = links.send(LinkChange::All);
                }
                Err(e) => {
                    heard.send_replace(false);
                    let _ = links.send(LinkChange::All);
                    tracing::warn!(error = %e, "announcements: connection lost; listening again");
                    break;
                }
            }
        }
    }
}

/// A link change from its announcement (anything unreadable: all).
fn link_change(payload: &str) -> LinkChange {
    let id = |s: &str| s.parse::<i64>().ok();
    if let Some(c) = payload.strip_prefix('c').and_then(id) {
        LinkChange::Cycle(CycleId(c))
    } else if let Some((c, p)) =
        payload.strip_prefix('p').and_then(|r| r.split_once(':')).and_then(|(c, p)| id(c).zip(id(p)))
    {
        LinkChange::Person(CycleId(c), PersonId(p))
    } else if let Some(digest) = payload.strip_prefix('s') {
        LinkChange::Session(digest.to_string())
    } else {
        LinkChange::All
    }
}

/// Announce a change of `cycle` to the other nodes when `txn` commits
/// (PostgreSQL; a no-op on SQLite).
pub(crate) async fn notify_in(txn: &DatabaseTransaction, cycle: i64) -> Result<()> {
    pg_notify(txn, CHANNEL, cycle.to_string()).await
}

/// Announce a link change to the other nodes (PostgreSQL; a no-op on
/// SQLite) — in a transaction, when it commits.
pub(crate) async fn notify_links(conn: &impl ConnectionTrait, change: &LinkChange) -> Result<()> {
    pg_notify(conn, LINKS_CHANNEL, link_payload(change)).await
}

/// The announcement of a link change (read by [`link_change`]).
fn link_payload(change: &LinkChange) -> String {
    match change {
        LinkChange::Cycle(c) => format!("c{}", c.0),
        LinkChange::Person(c, p) => format!("p{}:{}", c.0, p.0),
        LinkChange::Session(digest) => format!("s{digest}"),
        LinkChange::All => "all".to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_changes_survive_their_announcement() {
        for change in [
            LinkChange::Cycle(CycleId(7)),
            LinkChange::Person(CycleId(7), PersonId(42)),
            LinkChange::Session("ab12".into()),
            LinkChange::All,
        ] {
            assert_eq!(link_change(&link_payload(&change)), change);
        }
        assert_eq!(link_change("p7"), LinkChange::All, "unreadable: everything dropped");
    }
}
