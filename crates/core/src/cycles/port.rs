//! What cycles need from storage (rosters: [`super::roster_port`]).

use crate::audit::AuditDraft;
use crate::cycles::scheme::Scheme;
use crate::cycles::{Category, Cycle, CycleFields, CycleSettings, Phase};
use crate::error::Result;
use crate::ids::{CycleId, OrgUnitId};
use async_trait::async_trait;

#[async_trait]
pub trait CycleStore: Send + Sync {
    /// Cycles run by units under the given prefixes (all when `None`), newest first.
    async fn cycle_list(&self, under: Option<&[String]>) -> Result<Vec<Cycle>>;
    async fn cycle_get(&self, id: CycleId) -> Result<Option<Cycle>>;
    async fn cycle_create(&self, new: &NewCycle, audit: &AuditDraft) -> Result<Cycle>;
    /// Replace the scheme and the categories together (they refer to each other).
    async fn cycle_set_scheme(
        &self,
        id: CycleId,
        scheme: &Scheme,
        categories: &[Category],
        audit: &AuditDraft,
    ) -> Result<()>;
    async fn cycle_set_settings(&self, id: CycleId, s: &CycleSettings, audit: &AuditDraft) -> Result<()>;
    /// Move from `from` to `to`; false (nothing changed) if the cycle is no
    /// longer in `from` (someone else moved it first).
    async fn cycle_set_phase(&self, id: CycleId, from: Phase, to: Phase, audit: &AuditDraft) -> Result<bool>;
}

/// A cycle to create.
pub struct NewCycle {
    pub organizer_id: OrgUnitId,
    pub fields: CycleFields,
    pub scheme: Scheme,
    pub categories: Vec<Category>,
    pub copied_from: Option<CycleId>,
    pub settings: CycleSettings,
    pub feedback: crate::cycles::feedback_settings::FeedbackSettings,
}
