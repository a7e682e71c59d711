//! Ports: what the core needs from storage, one port per feature (its
//! `port.rs`), composed here into [`Store`]. `kaoping-store` implements them
//! for SQLite and PostgreSQL.
//!
//! Every method that changes something takes the [`AuditDraft`] describing
//! the change and appends it in the same transaction: a change and its audit
//! entry are written together or not at all.

use crate::error::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use crate::accounts::port::*;
pub use crate::audit::port::*;
pub use crate::cycles::port::*;
pub use crate::cycles::roster_port::*;
pub use crate::feedback::port::*;
pub use crate::meeting::port::*;
pub use crate::org::port::*;
pub use crate::people::port::*;
pub use crate::rectification::port::*;
pub use crate::reports::port::*;
pub use crate::results::port::*;
pub use crate::voting::port::*;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
}

/// Counts for an administrator's home page.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Active org units.
    pub units: u64,
    pub people: u64,
    pub accounts: u64,
    /// Accounts locked now.
    pub locked: u64,
}

#[async_trait]
pub trait MetaStore: Send + Sync {
    /// The clock every write of this store takes its time from.
    fn clock(&self) -> std::sync::Arc<dyn crate::time::Clock>;
    /// Counts of what lies under the given path prefixes (all when `None`).
    async fn counts(&self, under: Option<&[String]>, now: DateTime<Utc>) -> Result<Counts>;
    async fn ping(&self) -> Result<()>;
    async fn meta_get(&self, key: &str) -> Result<Option<String>>;
    async fn meta_set(&self, key: &str, value: &str) -> Result<()>;
    /// Whether the database holds no org units, people or accounts.
    async fn is_empty(&self) -> Result<bool>;
}

/// Everything the core needs from storage. Each feature's service holds it
/// as the smaller set of ports it uses (its `…Ports`, a supertrait here).
pub trait Store:
    crate::org::service::OrgPorts
    + crate::people::service::PeoplePorts
    + crate::accounts::service::AccountPorts
    + crate::audit::service::AuditPorts
    + crate::cycles::service::CyclePorts
    + crate::reports::service::ReportPorts
    + crate::voting::service::VotingPorts
    + crate::meeting::service::MeetingPorts
    + crate::results::service::ResultPorts
    + crate::feedback::service::FeedbackPorts
    + crate::rectification::service::RectificationPorts
    + OrgStore
    + PersonStore
    + AccountStore
    + SessionStore
    + AuditStore
    + MetaStore
    + CycleStore
    + RosterStore
    + LinkStore
    + ReportStore
    + ReadingStore
    + BallotStore
    + MeetingStore
    + ResultsStore
    + FeedbackStore
    + RectificationStore
{
}

impl<T> Store for T where
    T: OrgStore
        + PersonStore
        + AccountStore
        + SessionStore
        + AuditStore
        + MetaStore
        + CycleStore
        + RosterStore
        + LinkStore
        + ReportStore
        + ReadingStore
        + BallotStore
        + MeetingStore
        + ResultsStore
        + FeedbackStore
        + RectificationStore
{
}
