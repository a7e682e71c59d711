//! Evaluators reading reports: personal links (一人一码), the reader behind a
//! request, reading records and private notes.

use crate::audit::AuditDraft;
use crate::ids::{AccountId, CycleId, PersonId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Random bytes in a personal link token (160 bits, as 40 hex digits).
pub const LINK_TOKEN_BYTES: usize = 20;

/// The personal link of one evaluator in a cycle, as the organizer sees it
/// (never the token: only its digest is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkStatus {
    pub person_id: PersonId,
    pub person_name: String,
    pub post: String,
    pub group: String,
    /// The live link, if one was issued and not revoked.
    pub link_id: Option<i64>,
    pub issued_at: Option<DateTime<Utc>>,
    pub first_used_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What a link token or a link session resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGrant {
    pub link_id: i64,
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub revoked: bool,
}

/// A reader's session opened by a personal link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSession {
    pub grant: LinkGrant,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// How a reader proved who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReaderVia {
    /// A personal link (its id).
    Link(i64),
    /// A logged-in account.
    Account(AccountId),
}

/// An evaluator of one cycle, acting on the reading pages.
#[derive(Debug, Clone, Serialize)]
pub struct Reader {
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub name: String,
    pub group: String,
    pub via: ReaderVia,
    pub client: Option<String>,
}

impl Reader {
    /// Whether the reader came by a personal link (not a login).
    pub fn is_link(&self) -> bool {
        matches!(self.via, ReaderVia::Link(_))
    }

    pub fn audit(&self, action: &str, object: impl Into<String>) -> AuditDraft {
        let (id, who) = match &self.via {
            ReaderVia::Account(a) => (Some(*a), format!("person:{} ({})", self.person_id, self.name)),
            ReaderVia::Link(l) => (None, format!("link:{l} person:{} ({})", self.person_id, self.name)),
        };
        AuditDraft::new(id, who, self.client.clone(), action, object)
    }
}

/// Per evaluator and subject: when the report was first opened, how long it
/// was visibly read, and how many notes were made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadingRecord {
    pub evaluator_id: PersonId,
    pub subject_id: PersonId,
    pub opened_at: Option<DateTime<Utc>>,
    pub seconds: i64,
    pub notes: i64,
}

/// A private note of an evaluator on a subject, optionally on a quoted passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: i64,
    pub subject_id: PersonId,
    /// The highlighted passage, if the note is attached to one.
    pub quote: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const QUOTE_MAX: usize = 1_000;
pub const NOTE_MAX: usize = 4_000;
/// Most seconds one reading heartbeat may add (the page pings every 15 s).
pub const PING_MAX_SECONDS: i64 = 30;
