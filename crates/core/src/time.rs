//! Time handling. Instants are stored as microseconds since the Unix epoch
//! (UTC) so that both databases hold the same exact value and the audit
//! chain hashes the same bytes everywhere.

use chrono::{DateTime, TimeZone, Utc};

/// The current instant, truncated to whole microseconds.
pub fn now() -> DateTime<Utc> {
    from_micros(Utc::now().timestamp_micros())
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
        let t = now();
        assert_eq!(from_micros(to_micros(t)), t);
    }
}
