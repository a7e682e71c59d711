//! The port for critiques, problems and feedback sheets.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{CycleId, OrgUnitId, PersonId};
use async_trait::async_trait;

/// A feedback sheet to issue: the subject and what the sheet says (its
/// number is filled in by the store from `pattern` and the next sequence
/// number of the organizer's year).
#[derive(Debug, Clone)]
pub struct NewSheet {
    pub subject_id: PersonId,
    pub content: crate::feedback::SheetContent,
}

/// Critiques, problems and feedback sheets.
#[async_trait]
pub trait FeedbackStore: Send + Sync {
    async fn cycle_set_feedback(
        &self,
        cycle: CycleId,
        s: &crate::cycles::feedback_settings::FeedbackSettings,
        audit: &AuditDraft,
    ) -> Result<()>;
    async fn critique_list(&self, cycle: CycleId) -> Result<Vec<crate::feedback::Critique>>;
    /// Write (or, with an empty text, remove) a subject's critique.
    async fn critique_set(&self, cycle: CycleId, subject: PersonId, text: &str, audit: &AuditDraft) -> Result<()>;
    /// A cycle's problems (or one subject's), by subject and position.
    async fn problem_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<crate::feedback::Problem>>;
    /// Add a problem at the end of the subject's list; refused once the
    /// subject's sheet is issued.
    async fn problem_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        f: &crate::feedback::ProblemFields,
        audit: &AuditDraft,
    ) -> Result<crate::feedback::Problem>;
    /// Change a draft problem (refused once on an issued sheet).
    async fn problem_update(
        &self,
        cycle: CycleId,
        id: i64,
        f: &crate::feedback::ProblemFields,
        audit: &AuditDraft,
    ) -> Result<crate::feedback::Problem>;
    async fn problem_delete(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()>;
    /// Move a draft problem one place up or down among its subject's.
    async fn problem_move(&self, cycle: CycleId, id: i64, up: bool, audit: &AuditDraft) -> Result<bool>;
    /// Issue sheets in one transaction: numbers from the organizer's
    /// sequence for `year` (never reused), the problems on them no longer
    /// drafts. Refused as a whole if a subject already has a sheet or its
    /// problems changed since `sheets` was composed.
    async fn sheet_issue(
        &self,
        cycle: CycleId,
        organizer: OrgUnitId,
        year: i32,
        pattern: &str,
        sheets: &[NewSheet],
        audit: &AuditDraft,
    ) -> Result<Vec<crate::feedback::FeedbackSheet>>;
    async fn sheet_list(&self, cycle: CycleId) -> Result<Vec<crate::feedback::FeedbackSheet>>;
    async fn sheet_get(&self, cycle: CycleId, subject: PersonId) -> Result<Option<crate::feedback::FeedbackSheet>>;
    /// Record that the subject received the sheet (once; false if already).
    async fn sheet_acknowledge(&self, cycle: CycleId, subject: PersonId, audit: &AuditDraft) -> Result<bool>;
}
