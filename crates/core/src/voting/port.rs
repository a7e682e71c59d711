//! What voting and the review meeting need from storage.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{CycleId, PersonId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Voting: open/close, drafts, final ballots with participation and
/// idempotency records (all written together or not at all).
#[async_trait]
pub trait BallotStore: Send + Sync {
    /// Open (`open`) or close voting; None if it was not in the state to do
    /// so (already open, never opened, already closed). Closing writes the
    /// ballot-set seal into the audit entry and returns it.
    async fn voting_set(
        &self,
        cycle: CycleId,
        open: bool,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> Result<Option<String>>;
    async fn draft_get(&self, cycle: CycleId, evaluator: PersonId) -> Result<Option<(String, String)>>;
    async fn draft_save(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        marks: &str,
        remarks: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn ballot_submit(
        &self,
        b: crate::voting::ballot::NewBallot,
        audit: AuditDraft,
    ) -> Result<crate::voting::ballot::SubmitOutcome>;
    async fn ballot_list(&self, cycle: CycleId) -> Result<Vec<crate::voting::ballot::StoredBallot>>;
    /// Who has voted.
    async fn participants(&self, cycle: CycleId) -> Result<Vec<PersonId>>;
    async fn has_voted(&self, cycle: CycleId, person: PersonId) -> Result<bool>;
    /// How many evaluators of each group have voted (group code, count).
    async fn turnout_counts(&self, cycle: CycleId) -> Result<Vec<(String, u64)>>;
    /// The vote counts kept as ballots were stored (see `tally::Accumulator`).
    async fn ballot_counts(&self, cycle: CycleId) -> Result<crate::voting::counts::Accumulator>;
}
