//! Time handling. Instants are stored as microseconds since the Unix epoch
//! (UTC) so that both databases hold the same exact value and the audit
//! chain hashes the same bytes everywhere.
//!
//! Nothing reads the system time but [`SystemClock`]: services and stores
//! take it from the [`Clock`] they were given, so tests move time on a
//! [`TestClock`] instead of sleeping.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Mutex;

/// Where the current instant comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, truncated to whole microseconds.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        from_micros(Utc::now().timestamp_micros())
    }
}

/// A clock that stands still until it is moved (for tests).
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// Standing at the system's time now.
    pub fn new() -> Self {
        Self::at(SystemClock.now())
    }

    pub fn at(t: DateTime<Utc>) -> Self {
        Self(Mutex::new(t))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Microseconds since the epoch for an instant.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The instant for a count of microseconds since the epoch.
pub fn from_micros(us: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(us).single().unwrap_or_default()
}

/// The organizer's default time zone.
pub const DEFAULT_TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_round_trip() {
        let t = SystemClock.now();
        assert_eq!(from_micros(to_micros(t)), t);
    }

    #[test]
    fn a_test_clock_moves_only_when_told() {
        let c = TestClock::at(from_micros(1_000_000));
        assert_eq!(c.now(), c.now());
        c.advance(Duration::seconds(2));
        assert_eq!(to_micros(c.now()), 3_000_000);
    }
}
