//! What reports, personal links and reading need from storage.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{CycleId, PersonId};
use crate::reports::reading::{LinkGrant, LinkSession, LinkStatus, Note, ReadingRecord};
use crate::reports::{AttachmentChange, Blob, Report, ReportStatus, ReportSummary, ReportVersion};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Personal links (一人一码) and the reader sessions they open. Only token
/// digests are stored.
#[async_trait]
pub trait LinkStore: Send + Sync {
    /// Every evaluator of the cycle with their live link, if any.
    async fn link_list(&self, cycle: CycleId) -> Result<Vec<LinkStatus>>;
    /// Issue new links (person, token digest) in one transaction, revoking
    /// any live link of those people (and ending its sessions).
    async fn link_issue(&self, cycle: CycleId, links: &[(PersonId, String)], audit: &AuditDraft) -> Result<()>;
    /// Revoke a person's live link and end its sessions; false if there was
    /// no live link.
    async fn link_revoke(&self, cycle: CycleId, person: PersonId, audit: &AuditDraft) -> Result<bool>;
    async fn link_find(&self, digest: &str) -> Result<Option<LinkGrant>>;
    /// Record a use of the link and open a reader session for it.
    async fn link_session_open(
        &self,
        link_id: i64,
        digest: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()>;
    async fn link_session_get(&self, digest: &str) -> Result<Option<LinkSession>>;
    /// Record that the session was used (written within a second, never
    /// moving its time back); false if it no longer exists.
    async fn link_session_touch(&self, digest: &str, now: DateTime<Utc>) -> Result<bool>;
    async fn link_session_delete(&self, digest: &str) -> Result<()>;
}

/// A save of a report by its subject, or a review by the organizer.
pub struct ReportWrite {
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    /// The status the report must be in now (None: it must not exist yet,
    /// or be in any editable state for a subject's save).
    pub expect: Option<ReportStatus>,
    pub status: ReportStatus,
    /// New body (None: keep).
    pub body_html: Option<String>,
    pub attachment: AttachmentChange,
    pub comment: Option<String>,
    pub author: String,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    async fn report_get(&self, cycle: CycleId, person: PersonId) -> Result<Option<Report>>;
    async fn report_list(&self, cycle: CycleId) -> Result<Vec<ReportSummary>>;
    /// The subjects whose report text (body or extracted file text) contains `text`.
    async fn report_search(&self, cycle: CycleId, text: &str) -> Result<Vec<PersonId>>;
    /// Write a new version in one transaction; `Conflict` if the report is
    /// no longer in the expected state.
    async fn report_write(&self, w: &ReportWrite, audit: &AuditDraft) -> Result<Report>;
    /// Every version, newest first.
    async fn report_versions(&self, cycle: CycleId, person: PersonId) -> Result<Vec<ReportVersion>>;
    async fn blob_get(&self, digest: &str) -> Result<Option<Blob>>;
}

#[async_trait]
pub trait ReadingStore: Send + Sync {
    /// Record that an evaluator opened a subject's report (first time kept).
    async fn reading_open(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Add seconds of visible reading.
    async fn reading_add(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        seconds: i64,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Every reading record of the cycle (one evaluator only, if given),
    /// with note counts.
    async fn reading_list(&self, cycle: CycleId, evaluator: Option<PersonId>) -> Result<Vec<ReadingRecord>>;
    async fn note_add(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        quote: Option<&str>,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Note>;
    /// Change the body of one's own note; false if there is no such note.
    async fn note_update(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    async fn note_delete(&self, cycle: CycleId, evaluator: PersonId, id: i64) -> Result<bool>;
    /// An evaluator's notes in the cycle (on one subject, if given), oldest first.
    async fn note_list(&self, cycle: CycleId, evaluator: PersonId, subject: Option<PersonId>) -> Result<Vec<Note>>;
}
