//! The link sessions each node keeps while they live (an evaluator opens
//! the ballot page, then submits minutes later).
//!
//! A kept session is dropped the moment a change to links is announced
//! ([`LinkChange`]: issued or revoked links, an ended session — from this
//! node at once, from other nodes through PostgreSQL), and it is used only
//! while the store hears those announcements
//! ([`crate::ports::LinkStore::link_changes_heard`]). It is not trusted past
//! its session's idle or absolute limit, and at least once a minute the
//! session is touched in the database, which also finds a session that has
//! ended meanwhile: a lost announcement lets a revoked link in for a minute
//! at most. A session read from the database while a change was being
//! announced is not kept (the count of applied changes is compared under
//! the cache's lock). The reader's name and group always come from the
//! cycle's snapshot, so roster changes need no announcement.

use crate::ids::{CycleId, PersonId};
use crate::ports::Store;
use crate::reports::reading::LinkChange;
use crate::services::TtlCache;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast::error::RecvError;

/// A link session as last read or touched by this node.
#[derive(Debug, Clone)]
pub struct KeptSession {
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub link_id: i64,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct LinkReaders {
    kept: TtlCache<String, KeptSession>,
    /// Announcements applied so far.
    changes: AtomicU64,
    following: OnceLock<()>,
}

impl LinkReaders {
    /// Sessions kept for `ttl` at most (zero: none kept).
    pub fn new(ttl: std::time::Duration, clock: Arc<dyn crate::time::Clock>) -> Self {
        Self { kept: TtlCache::new(ttl, clock), changes: AtomicU64::new(0), following: OnceLock::new() }
    }

    /// Follow the store's link changes (from the first call on, in a task of
    /// the current runtime; not when nothing is kept); the count of changes
    /// applied so far, to hand to [`Self::keep`] for what is read next.
    pub fn follow(self: &Arc<Self>, store: &dyn Store) -> u64 {
        if !self.kept.is_enabled() {
            return 0;
        }
        self.following.get_or_init(|| {
            let mut rx = store.link_changes();
            let me = Arc::downgrade(self);
            tokio::spawn(async move {
                loop {
                    let change = match rx.recv().await {
                        Ok(c) => c,
                        Err(RecvError::Lagged(_)) => LinkChange::All,
                        Err(RecvError::Closed) => return,
                    };
                    let Some(me) = me.upgrade() else { return };
                    me.apply(&change);
                }
            });
        });
        self.changes.load(Ordering::SeqCst)
    }

    /// Drop what `change` makes stale (counted first, so that a session
    /// read before it is not kept after it).
    pub fn apply(&self, change: &LinkChange) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        match change {
            LinkChange::Cycle(c) => self.kept.forget_where(|k| k.cycle_id == *c),
            LinkChange::Person(c, p) => self.kept.forget_where(|k| k.cycle_id == *c && k.person_id == *p),
            LinkChange::Session(digest) => self.kept.forget(digest),
            LinkChange::All => self.kept.clear(),
        }
    }

    pub fn get(&self, digest: &str) -> Option<KeptSession> {
        self.kept.get(digest)
    }

    /// A kept session's use recorded at `at` (by a ballot's batch), so its
    /// next page does not touch it again within the minute.
    pub fn seen(&self, digest: &str, at: DateTime<Utc>) {
        self.kept.update(digest, |k| k.last_seen_at = k.last_seen_at.max(at));
    }

    /// Keep a session read when [`Self::follow`] returned `seen`, unless a
    /// change was applied since.
    pub fn keep(&self, digest: String, session: KeptSession, seen: u64) {
        self.kept.put_unless(digest, session, || self.changes.load(Ordering::SeqCst) != seen);
    }
}
