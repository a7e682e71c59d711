//! A small time-limited cache, kept in the process.
//!
//! Used for what every request needs: the session with its account, and the
//! actor (roles, scopes, name). Every change made through this process drops
//! the affected entries at once; with several nodes, a change made on another
//! node is seen here within the time to live (`auth.cache_seconds`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    ttl: Duration,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, map: Mutex::new(HashMap::new()) }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, k: &K) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        self.map().get(k).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    /// The entry even when it has expired, and whether it is still fresh.
    pub fn get_any(&self, k: &K) -> Option<(V, bool)> {
        if self.ttl.is_zero() {
            return None;
        }
        self.map().get(k).map(|(at, v)| (v.clone(), at.elapsed() < self.ttl))
    }

    pub fn put(&self, k: K, v: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.map();
        if map.len() >= 10_000 {
            let ttl = self.ttl;
            map.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        map.insert(k, (Instant::now(), v));
    }

    pub fn forget(&self, k: &K) {
        self.map().remove(k);
    }

    /// Drop the entries whose value matches.
    pub fn forget_where(&self, f: impl Fn(&V) -> bool) {
        self.map().retain(|_, (_, v)| !f(v));
    }

    pub fn clear(&self) {
        self.map().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_dropped() {
        let c = TtlCache::new(Duration::from_millis(50));
        c.put(1, "a");
        c.put(2, "b");
        assert_eq!(c.get(&1), Some("a"));
        c.forget_where(|v| *v == "a");
        assert_eq!(c.get(&1), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&2), None);
        let off = TtlCache::new(Duration::ZERO);
        off.put(1, "a");
        assert_eq!(off.get(&1), None);
    }
}
