//! The port for rectification plans and their measures.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::files::Blob;
use crate::ids::{CycleId, PersonId};
use crate::rectification::progress::{EvidenceFile, NewEvidence, ProgressFields, ProgressReport, RectificationEvent};
use crate::rectification::{Measure, MeasureFields, Plan, PlanVersion};
use async_trait::async_trait;

/// Plans, measures and their versions. Every change checks, inside its
/// transaction, that the plan is in a state that allows it.
#[async_trait]
pub trait RectificationStore: Send + Sync {
    async fn plan_get(&self, cycle: CycleId, subject: PersonId) -> Result<Option<Plan>>;
    async fn plan_list(&self, cycle: CycleId) -> Result<Vec<Plan>>;
    /// A cycle's measures (or one subject's), by problem and order.
    async fn measure_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<Measure>>;
    /// Add a measure (the plan is started as a draft if need be); refused
    /// unless the plan is a draft or returned, or the problem is not the
    /// subject's open problem.
    async fn measure_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        f: &MeasureFields,
        audit: &AuditDraft,
    ) -> Result<Measure>;
    async fn measure_update(
        &self,
        cycle: CycleId,
        subject: PersonId,
        id: i64,
        f: &MeasureFields,
        audit: &AuditDraft,
    ) -> Result<Measure>;
    async fn measure_delete(&self, cycle: CycleId, subject: PersonId, id: i64, audit: &AuditDraft) -> Result<()>;
    /// Submit a draft or returned plan: a new version with its measures.
    async fn plan_submit(&self, cycle: CycleId, subject: PersonId, audit: &AuditDraft) -> Result<Plan>;
    /// Approve or return a submitted plan: a new version with the comment.
    async fn plan_review(
        &self,
        cycle: CycleId,
        subject: PersonId,
        approve: bool,
        comment: Option<&str>,
        audit: &AuditDraft,
    ) -> Result<Plan>;
    /// Every version, newest first.
    async fn plan_versions(&self, cycle: CycleId, subject: PersonId) -> Result<Vec<PlanVersion>>;
    /// Report progress on a measure of an approved plan (its files stored
    /// once by content); the measure keeps the latest percent and KPI
    /// value. Refused once the measure or its problem is signed off.
    #[allow(clippy::too_many_arguments)]
    async fn progress_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        measure: i64,
        period: &str,
        f: &ProgressFields,
        files: &[NewEvidence],
        audit: &AuditDraft,
    ) -> Result<ProgressReport>;
    /// A cycle's progress reports (or one subject's), oldest first.
    async fn progress_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<ProgressReport>>;
    /// (measure, period) of every progress report of a cycle.
    async fn progress_periods(&self, cycle: CycleId) -> Result<Vec<(i64, String)>>;
    /// An evidence file of a subject's report, with its bytes.
    async fn evidence_get(&self, cycle: CycleId, subject: PersonId, file: i64) -> Result<Option<(EvidenceFile, Blob)>>;
    /// Verify and sign off (销号) a measure; with `problem`, the whole problem
    /// and every measure of it. Signed-off items no longer change.
    async fn sign_off(
        &self,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        note: &str,
        audit: &AuditDraft,
    ) -> Result<()>;
    /// Reopen a signed-off measure or problem, with the reason.
    async fn reopen(
        &self,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        reason: &str,
        audit: &AuditDraft,
    ) -> Result<()>;
    /// A subject's rectification history, oldest first.
    async fn events(&self, cycle: CycleId, subject: PersonId) -> Result<Vec<RectificationEvent>>;
    /// Record a notice; false if this one (person, cycle, kind, period) was sent before.
    async fn notice_once(&self, person: PersonId, cycle: CycleId, kind: &str, period: &str) -> Result<bool>;
}

/// What is signed off or reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOffTarget {
    Measure(i64),
    Problem(i64),
}
