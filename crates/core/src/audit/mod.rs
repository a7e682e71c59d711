//! The audit log: append-only, each entry SM3-chained to the previous one.
//!
//! `hash(n) = SM3(JSON[seq, at_us, actor_id, actor, action, object, result,
//! client, detail, hash(n-1)])`, with 64 zeros before the first entry. The
//! store appends entries (serialised, inside the transaction of the change
//! they record); [`verify_chain`] recomputes it.

pub mod port;
pub mod service;

use crate::ids::AccountId;
use crate::time;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    Ok,
    Denied,
    Failed,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Ok, Self::Denied, Self::Failed].into_iter().find(|r| r.as_str() == s)
    }
}

/// Who did what, before it is given its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditDraft {
    pub actor_id: Option<AccountId>,
    /// The actor's username, or a word such as `anonymous` or `system`.
    pub actor: String,
    /// A dotted action name, e.g. `org.create`, `auth.login`.
    pub action: String,
    /// The object acted on, e.g. `org_unit:12`.
    pub object: String,
    pub result: AuditResult,
    pub client: Option<String>,
    /// Free detail (JSON or text); never a secret.
    pub detail: String,
}

impl AuditDraft {
    pub fn new(
        actor_id: Option<AccountId>,
        actor: impl Into<String>,
        client: Option<String>,
        action: impl Into<String>,
        object: impl Into<String>,
    ) -> Self {
        Self {
            actor_id,
            actor: actor.into(),
            action: action.into(),
            object: object.into(),
            result: AuditResult::Ok,
            client,
            detail: String::new(),
        }
    }

    /// The same actor and client, another action.
    pub fn with(&self, action: impl Into<String>, object: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            object: object.into(),
            result: AuditResult::Ok,
            detail: String::new(),
            ..self.clone()
        }
    }

    pub fn with_object(mut self, o: impl Into<String>) -> Self {
        self.object = o.into();
        self
    }

    pub fn result(mut self, r: AuditResult) -> Self {
        self.result = r;
        self
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = d.into();
        self
    }

    /// Give the draft its place after `prev` (or first) at time `at`.
    pub fn seal(&self, seq: i64, at: DateTime<Utc>, prev_hash: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at,
            actor_id: self.actor_id,
            actor: clip(&self.actor, 64),
            action: clip(&self.action, 64),
            object: clip(&self.object, 200),
            result: self.result,
            client: self.client.as_deref().map(|c| clip(c, 64)),
            detail: self.detail.clone(),
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }
}

/// At most `max` characters of `s` (the stored columns are bounded).
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<AccountId>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub result: AuditResult,
    pub client: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    pub fn compute_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            time::to_micros(self.at),
            self.actor_id.map(|a| a.0),
            self.actor,
            self.action,
            self.object,
            self.result.as_str(),
            self.client,
            self.detail,
            self.prev_hash,
        ]);
        hex::encode(Sm3::digest(canonical.to_string().as_bytes()))
    }
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: &'static str,
}

/// Recomputes the chain entry by entry (in sequence order), so that a long
/// log can be checked in chunks.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev: String,
    expected_seq: Option<i64>,
    pub count: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev: GENESIS.to_string(), expected_seq: None, count: 0 }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if let Some(s) = self.expected_seq
            && e.seq != s
        {
            return Err(ChainBreak { seq: e.seq, reason: "sequence gap (an entry was removed)" });
        }
        if e.prev_hash != self.prev {
            return Err(ChainBreak { seq: e.seq, reason: "previous hash does not match" });
        }
        if e.compute_hash() != e.hash {
            return Err(ChainBreak { seq: e.seq, reason: "entry hash does not match its content" });
        }
        self.prev = e.hash.clone();
        self.expected_seq = Some(e.seq + 1);
        self.count += 1;
        Ok(())
    }
}

/// Recompute the chain over entries in sequence order.
pub fn verify_chain<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<u64, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.push(e)?;
    }
    Ok(v.count)
}

/// A point of the chain recorded outside the database (a line of the anchor
/// file): a later check finds an entry up to it removed or rewritten even
/// when the whole chain after it was rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub at: DateTime<Utc>,
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// `<RFC 3339 time> <seq> <hash>` and a newline.
    pub fn line(&self) -> String {
        format!("{} {} {}\n", self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), self.seq, self.hash)
    }

    /// A line of the anchor file (`None` if it is not one).
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split_whitespace();
        let at = DateTime::parse_from_rfc3339(parts.next()?).ok()?.with_timezone(&Utc);
        let seq = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_string();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && parts.next().is_none()).then_some(Self {
            at,
            seq,
            hash,
        })
    }
}

/// Where the stored log departs from an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorBreak {
    /// The anchored entry is gone: the log ends at `last` (0: empty).
    Truncated { anchor: Anchor, last: i64 },
    /// The entry at the anchored sequence has another hash.
    Altered { anchor: Anchor },
}

impl std::fmt::Display for AnchorBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Truncated { anchor, last } => write!(
                f,
                "the audit log was truncated: entry #{} (anchored {}) is missing; the log ends at #{last}",
                anchor.seq, anchor.at
            ),
            Self::Altered { anchor } => {
                write!(f, "entry #{} differs from its anchor of {} (the log was rewritten)", anchor.seq, anchor.at)
            }
        }
    }
}

/// Where anchors are written (a file outside the database; see the CLI).
pub trait AnchorSink: Send + Sync {
    fn append(&self, anchor: &Anchor) -> std::io::Result<()>;
}

/// Filters for the audit page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Show entries with a sequence number below this (paging backwards).
    pub before: Option<i64>,
    pub limit: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_lines_round_trip_and_other_lines_are_not_anchors() {
        let a = Anchor {
            at: DateTime::parse_from_rfc3339("2026-12-07T09:30:00Z").unwrap().with_timezone(&Utc),
            seq: 42,
            hash: "ab".repeat(32),
        };
        assert_eq!(a.line(), format!("2026-12-07T09:30:00Z 42 {}\n", "ab".repeat(32)));
        assert_eq!(Anchor::parse(&a.line()), Some(a.clone()));
        assert_eq!(Anchor::parse("2026-12-07T09:30:00Z 42 xyz"), None);
        assert_eq!(Anchor::parse("garbage"), None);
        assert_eq!(Anchor::parse(&format!("{} extra", a.line().trim())), None);
    }

    fn chain(n: usize) -> Vec<AuditEntry> {
        let d = AuditDraft::new(Some(AccountId(1)), "admin", Some("127.0.0.1".into()), "org.create", "org_unit:1");
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| e.hash.clone()).unwrap_or_else(|| GENESIS.into());
            out.push(d.seal(i as i64 + 1, time::from_micros(1_700_000_000_000_000 + i as i64), &prev));
        }
        out
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
    }

    #[test]
    fn tampering_is_found_at_the_first_broken_entry() {
        let mut c = chain(5);
        c[2].object = "org_unit:99".into();
        assert_eq!(verify_chain(&c).unwrap_err().seq, 3);
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(verify_chain(&c).unwrap_err().seq, 5);
        let mut c = chain(5);
        c[1].hash = c[1].compute_hash(); // unchanged: still fine
        assert!(verify_chain(&c).is_ok());
    }
}
