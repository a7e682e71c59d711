//! A time-limited cache kept in the process, on the services' clock.
//!
//! Used for what every request needs: the session with its account, and the
//! actor (roles, scopes, name). Every change made through this process drops
//! the affected entries at once; with several nodes, a change made on another
//! node is seen here within the time to live (`auth.cache_seconds`).
//!
//! Entries are kept by `moka` (bounded, concurrent) and judged fresh by the
//! clock, so tests move time instead of waiting for it.

use crate::time::Clock;
use chrono::{DateTime, Utc};
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

/// The most entries one cache keeps (the least used go first).
const MAX_ENTRIES: u64 = 100_000;

pub struct TtlCache<K, V> {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    map: moka::sync::Cache<K, (DateTime<Utc>, V)>,
}

impl<K, V> TtlCache<K, V>
where
    K: Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        // moka's own (wall-clock) limit only frees memory; freshness is the clock's.
        let map = moka::sync::Cache::builder().max_capacity(MAX_ENTRIES).time_to_live(ttl.max(MIN_KEEP) * 2).build();
        Self { ttl, clock, map }
    }

    fn fresh(&self, at: DateTime<Utc>) -> bool {
        fresh(self.clock.as_ref(), self.ttl, at)
    }

    pub fn get<Q>(&self, k: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.ttl.is_zero() {
            return None;
        }
        self.map.get(k).filter(|(at, _)| self.fresh(*at)).map(|(_, v)| v)
    }

    pub fn put(&self, k: K, v: V) {
        if !self.ttl.is_zero() {
            self.map.insert(k, (self.clock.now(), v));
        }
    }

    pub fn forget<Q>(&self, k: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.invalidate(k);
    }

    /// Drop the entries whose value matches.
    pub fn forget_where(&self, f: impl Fn(&V) -> bool) {
        for (k, (_, v)) in self.map.iter() {
            if f(&v) {
                self.map.invalidate(&*k);
            }
        }
    }

    pub fn clear(&self) {
        self.map.invalidate_all();
    }
}

/// The shortest time moka keeps an entry (freshness is judged on the clock).
pub(crate) const MIN_KEEP: Duration = Duration::from_secs(1);

/// Whether a value put at `at` is younger than `ttl` on `clock`.
pub(crate) fn fresh(clock: &dyn Clock, ttl: Duration, at: DateTime<Utc>) -> bool {
    (clock.now() - at).to_std().is_ok_and(|age| age < ttl)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TestClock;

    fn cache<V: Clone + Send + Sync + 'static>(ttl: Duration) -> (TtlCache<i32, V>, Arc<TestClock>) {
        let clock = Arc::new(TestClock::new());
        (TtlCache::new(ttl, clock.clone()), clock)
    }

    #[test]
    fn entries_expire_on_the_clock_and_can_be_dropped() {
        let (c, clock) = cache(Duration::from_secs(60));
        c.put(1, "a");
        c.put(2, "b");
        c.put(3, "c");
        assert_eq!(c.get(&1), Some("a"));
        c.forget_where(|v| *v == "a");
        assert_eq!(c.get(&1), None);
        c.forget(&3);
        assert_eq!(c.get(&3), None);
        clock.advance(chrono::Duration::seconds(59));
        assert_eq!(c.get(&2), Some("b"));
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(c.get(&2), None);
        c.put(4, "d");
        c.clear();
        assert_eq!(c.get(&4), None);
        let (off, _) = cache(Duration::ZERO);
        off.put(1, "a");
        assert_eq!(off.get(&1), None);
    }
}
