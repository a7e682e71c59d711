//! Link sessions' last use, written in the background: a request leaves
//! the time here and a task writes every waiting time once a second in one
//! transaction, so no request waits for SQLite's write lock, which the
//! ballot writer holds through each batch.

use crate::entity::link_session;
use crate::{begin_write, db_err};
use kaoping_core::error::Result;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// How often the waiting times are written.
const EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub(crate) struct Touches {
    /// Session digest → the latest use (µs) not yet written.
    waiting: Mutex<HashMap<String, i64>>,
    started: OnceLock<()>,
}

impl Touches {
    /// Leave a use to be written (the writer task starts on the first).
    pub(crate) fn add(self: &Arc<Self>, conn: &DatabaseConnection, digest: &str, at: i64) {
        {
            let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let t = w.entry(digest.to_string()).or_insert(at);
            *t = (*t).max(at);
        }
        self.started.get_or_init(|| {
            let (me, conn) = (Arc::downgrade(self), conn.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(EVERY);
                loop {
                    tick.tick().await;
                    // Ends with the store.
                    let Some(me) = me.upgrade() else { break };
                    if let Err(e) = me.flush(&conn).await {
                        tracing::warn!(error = %e, "link sessions' last use not recorded");
                    }
                }
            });
        });
    }

    /// Write the waiting times now: the latest of them (they lie within a
    /// second of each other), never moving a session's time back; sessions
    /// ended meanwhile are gone.
    pub(crate) async fn flush(&self, conn: &DatabaseConnection) -> Result<()> {
        let waiting = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|e| e.into_inner()));
        let Some(at) = waiting.values().max().copied() else { return Ok(()) };
        let txn = begin_write(conn).await?;
        link_session::Entity::update_many()
            .col_expr(link_session::Column::LastSeenAt, Expr::value(at))
            .filter(link_session::Column::Digest.is_in(waiting.into_keys()))
            .filter(link_session::Column::LastSeenAt.lt(at))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        txn.commit().await.map_err(db_err)
    }
}
