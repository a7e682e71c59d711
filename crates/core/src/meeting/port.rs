//! What the review meeting needs from storage. Changes that screens show
//! (presenting, voting, ballots) are announced to every node: in process on
//! SQLite, with LISTEN/NOTIFY on PostgreSQL.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{CycleId, PersonId};
use async_trait::async_trait;

#[async_trait]
pub trait MeetingStore: Send + Sync {
    async fn presenting_set(&self, cycle: CycleId, subject: Option<PersonId>, audit: &AuditDraft) -> Result<()>;
    async fn live_tally_set(&self, cycle: CycleId, on: bool, audit: &AuditDraft) -> Result<()>;
    /// Cycles whose meeting changed, from every node (ids; may repeat).
    fn meeting_events(&self) -> tokio::sync::broadcast::Receiver<i64>;
}
