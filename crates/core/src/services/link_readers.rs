//! The readers behind link sessions, kept by each node while their sessions
//! live (an evaluator opens the ballot page, then submits minutes later).
//!
//! A kept reader is dropped the moment a change to links is announced
//! ([`LinkChange`]: issued or revoked links, an ended session — from this
//! node at once, from other nodes through PostgreSQL), and it is not trusted
//! past its session's idle or absolute limit: then the session is read again.
//! A reader read from the database while a change was being announced is
//! not kept (the announcement count is compared under the cache's lock).

use super::cache::TtlCache;
use crate::ids::CycleId;
use crate::ports::Store;
use crate::reading::{LinkChange, Reader};
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast::error::RecvError;

/// A reader with the limits of its session as last read or touched here.
#[derive(Debug, Clone)]
pub struct KeptReader {
    pub reader: Reader,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct LinkReaders {
    kept: TtlCache<String, KeptReader>,
    /// Announcements applied so far.
    changes: AtomicU64,
    following: OnceLock<()>,
}

impl LinkReaders {
    /// Readers kept for `ttl` at most (zero: none kept).
    pub fn new(ttl: std::time::Duration) -> Self {
        Self { kept: TtlCache::new(ttl), changes: AtomicU64::new(0), following: OnceLock::new() }
    }

    /// Follow the store's link changes (from the first call on, in a task of
    /// the current runtime); the count of changes applied so far, to hand
    /// to [`Self::keep`] for what is read next.
    pub fn follow(self: &Arc<Self>, store: &dyn Store) -> u64 {
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

    /// Drop what `change` makes stale (counted first, so that a reader read
    /// before it is not kept after it).
    pub fn apply(&self, change: &LinkChange) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        match change {
            LinkChange::Cycle(c) => self.forget_cycle(*c),
            LinkChange::Session(digest) => self.kept.forget(digest),
            LinkChange::All => self.kept.clear(),
        }
    }

    pub fn get(&self, digest: &str) -> Option<KeptReader> {
        self.kept.get(digest)
    }

    /// Keep a reader read when [`Self::follow`] returned `seen`, unless a
    /// change was applied since.
    pub fn keep(&self, digest: String, reader: KeptReader, seen: u64) {
        self.kept.put_unless(digest, reader, || self.changes.load(Ordering::SeqCst) != seen);
    }

    pub fn forget_cycle(&self, cycle: CycleId) {
        self.kept.forget_where(|k| k.reader.cycle_id == cycle);
    }
}
