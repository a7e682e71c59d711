//! Login throttling per client address and username (not per account):
//! failures from one client for one name slow that pair only, whether or
//! not the account exists, so an anonymous client can neither lock an
//! administrator out nor learn which names are accounts. Kept per node, in
//! memory, bounded.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Pairs kept at most; past it, the pairs whose window ended go first, then
/// the oldest.
const MAX_PAIRS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: DateTime<Utc>,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    lock: Duration,
    pairs: Mutex<HashMap<(String, String), Window>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, lock_minutes: i64) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lock: Duration::minutes(lock_minutes.max(1)),
            pairs: Mutex::default(),
        }
    }

    fn key(client: Option<&str>, username: &str) -> (String, String) {
        (client.unwrap_or("").to_string(), username.trim().to_lowercase())
    }

    /// Until when the pair is refused, if it is.
    pub fn locked(&self, client: Option<&str>, username: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let pairs = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        pairs.get(&Self::key(client, username)).and_then(|w| w.locked_until).filter(|u| *u > now)
    }

    /// Count a failure; until when the pair is now refused, if it is.
    pub fn failed(&self, client: Option<&str>, username: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut pairs = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        if pairs.len() >= MAX_PAIRS {
            let lock = self.lock;
            pairs.retain(|_, w| w.started + lock > now || w.locked_until.is_some_and(|u| u > now));
            if pairs.len() >= MAX_PAIRS
                && let Some(oldest) = pairs.iter().min_by_key(|(_, w)| w.started).map(|(k, _)| k.clone())
            {
                pairs.remove(&oldest);
            }
        }
        let w = pairs.entry(Self::key(client, username)).or_insert(Window {
            started: now,
            failures: 0,
            locked_until: None,
        });
        // Failures count within one lock period from the first.
        if w.started + self.lock <= now || w.locked_until.is_some_and(|u| u <= now) {
            *w = Window { started: now, failures: 0, locked_until: None };
        }
        w.failures += 1;
        if w.failures >= self.max_failures {
            w.locked_until = Some(now + self.lock);
        }
        w.locked_until
    }

    /// The usernames some client is refused now, with until when (for the
    /// administrators' account list), in one pass over the pairs.
    pub fn locked_names(&self, now: DateTime<Utc>) -> HashMap<String, DateTime<Utc>> {
        let pairs = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: HashMap<String, DateTime<Utc>> = HashMap::new();
        for ((_, name), w) in pairs.iter() {
            if let Some(until) = w.locked_until.filter(|u| *u > now) {
                let e = out.entry(name.clone()).or_insert(until);
                *e = (*e).max(until);
            }
        }
        out
    }

    /// An administrator's unlock clears every pair of the username.
    pub fn clear(&self, username: &str) {
        let name = username.trim().to_lowercase();
        self.pairs.lock().unwrap_or_else(|e| e.into_inner()).retain(|(_, n), _| *n != name);
    }

    /// A successful login clears the pair.
    pub fn succeeded(&self, client: Option<&str>, username: &str) {
        self.pairs.lock().unwrap_or_else(|e| e.into_inner()).remove(&Self::key(client, username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_refused_after_its_failures_and_others_are_not() {
        let t = LoginThrottle::new(3, 15);
        let now = crate::time::from_micros(1_800_000_000_000_000);
        let ip = Some("10.0.0.9");
        assert_eq!(t.failed(ip, "Admin", now), None);
        assert_eq!(t.failed(ip, "admin ", now), None);
        let until = t.failed(ip, "admin", now).expect("locked on the third");
        assert_eq!(until, now + Duration::minutes(15));
        assert_eq!(t.locked(ip, "ADMIN", now), Some(until));
        assert_eq!(t.locked(Some("10.0.0.10"), "admin", now), None, "another client is not refused");
        assert_eq!(t.locked(ip, "other", now), None, "another name is not refused");
        assert_eq!(t.locked(ip, "admin", until), None, "the lock ends");
        t.succeeded(Some("10.0.0.10"), "admin");
        assert!(t.locked(ip, "admin", now).is_some(), "a success elsewhere does not clear it");
        assert_eq!(t.locked_names(now).get("admin"), Some(&until));
        t.clear("admin");
        assert_eq!(t.locked_names(now).get("admin"), None);
    }
}
