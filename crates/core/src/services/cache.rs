//! A small time-limited cache, kept in the process.
//!
//! Used for what every request needs: the session with its account, and the
//! actor (roles, scopes, name). Every change made through this process drops
//! the affected entries at once; with several nodes, a change made on another
//! node is seen here within the time to live (`auth.cache_seconds`).

use crate::time::Clock;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Instant = DateTime<Utc>;

pub struct TtlCache<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    map: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    map: HashMap<K, (Instant, V)>,
    /// Expired entries are swept when the map reaches this size (at least
    /// [`SWEEP_AT`], and twice what a sweep left, so that a cache full of
    /// live entries is not swept on every insert).
    sweep_at: usize,
}

const SWEEP_AT: usize = 10_000;

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self { ttl, clock, map: Mutex::new(Entries { map: HashMap::new(), sweep_at: SWEEP_AT }) }
    }

    /// Whether an entry put at `at` is still fresh.
    fn fresh(&self, at: &Instant) -> bool {
        (self.clock.now() - *at).to_std().is_ok_and(|age| age < self.ttl)
    }

    fn map(&self) -> std::sync::MutexGuard<'_, Entries<K, V>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether anything is kept at all (a zero time to live keeps nothing).
    pub fn is_enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    pub fn get<Q>(&self, k: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.ttl.is_zero() {
            return None;
        }
        self.map().map.get(k).filter(|(at, _)| self.fresh(at)).map(|(_, v)| v.clone())
    }

    /// The entry even when it has expired, and whether it is still fresh.
    pub fn get_any(&self, k: &K) -> Option<(V, bool)> {
        if self.ttl.is_zero() {
            return None;
        }
        self.map().map.get(k).map(|(at, v)| (v.clone(), self.fresh(at)))
    }

    pub fn put(&self, k: K, v: V) {
        self.put_unless(k, v, || false);
    }

    /// Insert unless `stale()`, asked while no other call can change the
    /// cache: a value read before an invalidation is not kept after it.
    pub fn put_unless(&self, k: K, v: V, stale: impl FnOnce() -> bool) {
        if self.ttl.is_zero() {
            return;
        }
        let mut e = self.map();
        if stale() {
            return;
        }
        if e.map.len() >= e.sweep_at {
            e.map.retain(|_, (at, _)| self.fresh(at));
            e.sweep_at = SWEEP_AT.max(2 * e.map.len());
        }
        e.map.insert(k, (self.clock.now(), v));
    }

    /// Change a fresh entry in place (its time to live runs on); nothing if
    /// it is absent or expired, so that an entry dropped meanwhile stays
    /// dropped.
    pub fn update<Q>(&self, k: &Q, f: impl FnOnce(&mut V))
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some((at, v)) = self.map().map.get_mut(k)
            && self.fresh(at)
        {
            f(v);
        }
    }

    pub fn forget<Q>(&self, k: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map().map.remove(k);
    }

    /// Drop the entries whose value matches.
    pub fn forget_where(&self, f: impl Fn(&V) -> bool) {
        self.map().map.retain(|_, (_, v)| !f(v));
    }

    pub fn clear(&self) {
        self.map().map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TestClock;

    fn cache<K: Eq + Hash + Clone, V: Clone>(ttl: Duration) -> (TtlCache<K, V>, Arc<TestClock>) {
        let clock = Arc::new(TestClock::new());
        (TtlCache::new(ttl, clock.clone()), clock)
    }

    #[test]
    fn entries_expire_and_can_be_dropped() {
        let (c, clock) = cache(Duration::from_secs(60));
        c.put(1, "a");
        c.put(2, "b");
        assert_eq!(c.get(&1), Some("a"));
        c.forget_where(|v| *v == "a");
        assert_eq!(c.get(&1), None);
        clock.advance(chrono::Duration::seconds(59));
        assert_eq!(c.get(&2), Some("b"));
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(c.get(&2), None);
        let (off, _) = cache(Duration::ZERO);
        off.put(1, "a");
        assert_eq!(off.get(&1), None);
        c.put_unless(3, "c", || true);
        assert_eq!(c.get(&3), None, "a stale value is not kept");
        c.put_unless(3, "c", || false);
        assert_eq!(c.get(&3), Some("c"));
    }

    #[test]
    fn an_update_changes_a_fresh_entry_and_never_brings_one_back() {
        let (c, clock) = cache(Duration::from_secs(60));
        c.put(1, 10);
        c.update(&1, |v| *v += 1);
        assert_eq!(c.get(&1), Some(11));
        c.forget(&1);
        c.update(&1, |v| *v += 1);
        assert_eq!(c.get(&1), None, "a dropped entry stays dropped");
        c.put(2, 20);
        clock.advance(chrono::Duration::seconds(60));
        c.update(&2, |v| *v += 1);
        assert_eq!(c.get_any(&2), Some((20, false)), "an expired entry is left as it was");
    }

    #[test]
    fn a_cache_full_of_live_entries_is_not_swept_on_every_insert() {
        let (c, _) = cache(Duration::from_secs(60));
        for i in 0..3 * SWEEP_AT {
            c.put(i, i);
        }
        assert_eq!(c.map().map.len(), 3 * SWEEP_AT, "live entries stay");
        assert_eq!(c.map().sweep_at, 4 * SWEEP_AT, "the next sweep waits for twice what the last one left");
    }
}
