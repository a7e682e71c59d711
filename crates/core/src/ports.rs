//! Ports: what the core needs from storage. `kaoping-store` implements them
//! for SQLite and PostgreSQL.
//!
//! Every method that changes something takes the [`AuditDraft`] describing
//! the change and appends it in the same transaction: a change and its audit
//! entry are written together or not at all.

use crate::account::{Account, AccountSummary, RoleGrant};
use crate::audit::{AuditDraft, AuditEntry, AuditFilter};
use crate::cycle::{Category, Cycle, CycleFields, CycleSettings, Phase};
use crate::error::Result;
use crate::ids::{AccountId, CycleId, OrgUnitId, PersonId};
use crate::org::{OrgUnit, OrgUnitFields};
use crate::person::{Person, PersonFields};
use crate::reading::{LinkChange, LinkGrant, LinkSession, LinkStatus, Note, ReadingRecord};
use crate::report::{AttachmentChange, Blob, Report, ReportStatus, ReportSummary, ReportVersion};

use crate::scheme::Scheme;
use crate::scope::ScopeGrant;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

mod feedback;
mod rectification;
mod rosters;
pub use feedback::{FeedbackStore, NewSheet};
pub use rectification::{RectificationStore, SignOffTarget};
pub use rosters::{NewSubject, RosterCycles, RosterStore};

/// One row of an org import, already validated, in an order where every
/// parent comes before its children.
#[derive(Debug, Clone)]
pub struct OrgImportRow {
    pub row: usize,
    pub fields: OrgUnitFields,
    /// `None`: keep an existing unit's parent (a new unit goes to the top level).
    pub parent_code: Option<String>,
    /// `None`: keep an existing unit's state (a new unit is active).
    pub active: Option<bool>,
    /// Keep an existing unit's sort order (the column was absent or blank).
    pub keep_sort: bool,
}

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Units under any of the given path prefixes (all when `None`).
    async fn org_list(&self, under: Option<&[String]>, include_inactive: bool) -> Result<Vec<OrgUnit>>;
    async fn org_get(&self, id: OrgUnitId) -> Result<Option<OrgUnit>>;
    async fn org_by_code(&self, code: &str) -> Result<Option<OrgUnit>>;
    async fn org_create(&self, parent: Option<OrgUnitId>, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit>;
    async fn org_update(&self, id: OrgUnitId, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit>;
    /// Move a unit (and its subtree) under `parent`; refuses cycles.
    async fn org_move(&self, id: OrgUnitId, parent: Option<OrgUnitId>, audit: &AuditDraft) -> Result<OrgUnit>;
    async fn org_set_active(&self, id: OrgUnitId, active: bool, audit: &AuditDraft) -> Result<OrgUnit>;
    /// Create or update units by code, all in one transaction. `allowed`
    /// limits where units may be placed (path prefixes; `None` = anywhere).
    async fn org_import(
        &self,
        rows: &[OrgImportRow],
        allowed: Option<&[String]>,
        audit: &AuditDraft,
    ) -> Result<ImportOutcome>;
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
}

/// A person with the names the lists show.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub person: Person,
    pub org_unit_name: Option<String>,
    pub managed_by_name: String,
    pub username: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Path prefixes of the managing units (all when `None`).
    pub under: Option<Vec<String>>,
    /// Substring of the name, post or pinyin key.
    pub query: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

#[async_trait]
pub trait PersonStore: Send + Sync {
    async fn person_list(&self, f: &PersonFilter) -> Result<(Vec<PersonRow>, u64)>;
    async fn person_get(&self, id: PersonId) -> Result<Option<PersonRow>>;
    /// Name, post and the name of the person's org unit, in one query.
    async fn person_brief(&self, id: PersonId) -> Result<Option<(String, String, Option<String>)>>;
    async fn person_create(&self, f: &PersonFields, managed_by: OrgUnitId, audit: &AuditDraft) -> Result<Person>;
    async fn person_update(
        &self,
        id: PersonId,
        f: &PersonFields,
        managed_by: OrgUnitId,
        audit: &AuditDraft,
    ) -> Result<Person>;
}

pub struct NewAccount {
    pub person_id: PersonId,
    pub username: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub grants: Vec<RoleGrant>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn account_by_username(&self, username: &str) -> Result<Option<Account>>;
    async fn account_get(&self, id: AccountId) -> Result<Option<Account>>;
    async fn account_for_person(&self, person: PersonId) -> Result<Option<Account>>;
    async fn account_create(&self, a: &NewAccount, audit: &AuditDraft) -> Result<Account>;
    /// Grants with the names and paths of their org units.
    async fn account_scopes(&self, id: AccountId) -> Result<(Vec<RoleGrant>, Vec<ScopeGrant>)>;
    async fn account_set_grants(&self, id: AccountId, grants: &[RoleGrant], audit: &AuditDraft) -> Result<()>;
    /// Set a new password hash; the one it replaces joins the account's
    /// history, which keeps the newest [`crate::auth::PASSWORD_HISTORY`].
    async fn account_set_password(
        &self,
        id: AccountId,
        hash: &str,
        must_change: bool,
        audit: &AuditDraft,
    ) -> Result<()>;
    /// The hashes of the account's previous passwords, newest first.
    async fn account_password_history(&self, id: AccountId) -> Result<Vec<String>>;
    /// Count a failed login; lock the account when `lock_until` says so.
    /// Returns the failure count after this one.
    async fn account_login_failed(
        &self,
        id: AccountId,
        lock: &crate::auth::LockoutPolicy,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> Result<(i32, Option<DateTime<Utc>>)>;
    /// Reset the failure count and note the login.
    async fn account_login_ok(&self, id: AccountId, now: DateTime<Utc>, audit: &AuditDraft) -> Result<()>;
    async fn account_set_totp(&self, id: AccountId, secret: Option<&str>, audit: &AuditDraft) -> Result<()>;
    /// Record that a TOTP time step was used; false if it (or a later one)
    /// was used before, so that a code is accepted only once.
    async fn account_totp_step(&self, id: AccountId, step: i64) -> Result<bool>;
    async fn account_set_active(&self, id: AccountId, active: bool, audit: &AuditDraft) -> Result<()>;
    async fn account_unlock(&self, id: AccountId, audit: &AuditDraft) -> Result<()>;
    async fn account_set_lang(&self, id: AccountId, lang: Option<&str>) -> Result<()>;
    /// Accounts whose person is managed under the given prefixes (all when `None`).
    async fn account_list(&self, under: Option<&[String]>) -> Result<Vec<AccountSummary>>;
}

/// A stored session (the id is kept only as a digest).
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub digest: String,
    pub account_id: AccountId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// A password was accepted but the second factor is still due.
    pub mfa_pending: bool,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn session_create(&self, s: &SessionRecord) -> Result<()>;
    /// A session with its account (one query).
    async fn session_get(&self, digest: &str) -> Result<Option<(SessionRecord, Account)>>;
    async fn session_touch(&self, digest: &str, now: DateTime<Utc>) -> Result<()>;
    async fn session_mfa_done(&self, digest: &str) -> Result<()>;
    async fn session_delete(&self, digest: &str) -> Result<()>;
    /// Remove every session of an account ("log out everywhere"), except
    /// the one with the digest `keep`, if given.
    async fn session_delete_account(&self, id: AccountId, keep: Option<&str>) -> Result<u64>;
    /// Remove sessions idle since before `idle_before` or past their expiry.
    async fn session_purge(&self, now: DateTime<Utc>, idle_before: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Append one entry on its own (a denial, a failed login).
    async fn audit_append(&self, d: &AuditDraft) -> Result<AuditEntry>;
    /// Newest first, filtered.
    async fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// In sequence order, from `after_seq` (exclusive), for verification.
    async fn audit_chunk(&self, after_seq: i64, limit: u64) -> Result<Vec<AuditEntry>>;
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
    /// Counts of what lies under the given path prefixes (all when `None`).
    async fn counts(&self, under: Option<&[String]>, now: DateTime<Utc>) -> Result<Counts>;
    async fn ping(&self) -> Result<()>;
    async fn meta_get(&self, key: &str) -> Result<Option<String>>;
    async fn meta_set(&self, key: &str, value: &str) -> Result<()>;
    /// Whether the database holds no org units, people or accounts.
    async fn is_empty(&self) -> Result<bool>;
}

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
    pub feedback: crate::feedback::FeedbackSettings,
}

/// Personal links (一人一码) and the reader sessions they open. Only token
/// digests are stored.
#[async_trait]
pub trait LinkStore: Send + Sync {
    /// Every evaluator of the cycle with their live link, if any.
    async fn link_list(&self, cycle: CycleId) -> Result<Vec<LinkStatus>>;
    /// Issue new links (person, token digest) in one transaction, revoking
    /// any live link of those people (and its sessions); the change it
    /// announced, if it revoked any.
    async fn link_issue(
        &self,
        cycle: CycleId,
        links: &[(PersonId, String)],
        audit: &AuditDraft,
    ) -> Result<Option<LinkChange>>;
    /// Revoke a person's live link; the change it announced, or `None` if
    /// there was no live link.
    async fn link_revoke(&self, cycle: CycleId, person: PersonId, audit: &AuditDraft) -> Result<Option<LinkChange>>;
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
    /// Record that the session was used; false if it no longer exists. The
    /// time may be written shortly after the answer (with the next batch of
    /// ballots), never before a later one.
    async fn link_session_touch(&self, digest: &str, now: DateTime<Utc>) -> Result<bool>;
    /// End a link session (announced as a [`LinkChange::Session`]).
    async fn link_session_delete(&self, digest: &str) -> Result<()>;
    /// Changes to links and link sessions from every node; issuing and
    /// revoking links announce theirs when they commit.
    fn link_changes(&self) -> tokio::sync::broadcast::Receiver<LinkChange>;
    /// Whether changes made on other nodes are being heard right now (always
    /// on a single-node SQLite store; on PostgreSQL while the listener is
    /// connected). Kept link sessions are used only then.
    fn link_changes_heard(&self) -> bool;
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
        b: crate::ballot::NewBallot,
        audit: AuditDraft,
    ) -> Result<crate::ballot::SubmitOutcome>;
    async fn ballot_list(&self, cycle: CycleId) -> Result<Vec<crate::ballot::StoredBallot>>;
    /// Who has voted.
    async fn participants(&self, cycle: CycleId) -> Result<Vec<PersonId>>;
    async fn has_voted(&self, cycle: CycleId, person: PersonId) -> Result<bool>;
    /// How many evaluators of each group have voted (group code, count).
    async fn turnout_counts(&self, cycle: CycleId) -> Result<Vec<(String, u64)>>;
    /// The vote counts kept as ballots were stored (see `tally::Accumulator`).
    async fn ballot_counts(&self, cycle: CycleId) -> Result<crate::tally::Accumulator>;
}

/// The review meeting, results publishing and the other assessment inputs.
/// Changes that screens show (presenting, voting, ballots) are announced to
/// every node: in process on SQLite, with LISTEN/NOTIFY on PostgreSQL.
#[async_trait]
pub trait MeetingStore: Send + Sync {
    async fn presenting_set(&self, cycle: CycleId, subject: Option<PersonId>, audit: &AuditDraft) -> Result<()>;
    async fn live_tally_set(&self, cycle: CycleId, on: bool, audit: &AuditDraft) -> Result<()>;
    /// Publish (or, with `None`, withdraw) the results to the given audience.
    async fn results_publish(
        &self,
        cycle: CycleId,
        publish: Option<(crate::cycle::Visibility, DateTime<Utc>)>,
        audit: &AuditDraft,
    ) -> Result<()>;
    async fn assessment_list(&self, cycle: CycleId) -> Result<Vec<crate::meeting::Assessment>>;
    /// Replace the listed subjects' assessments (all in one transaction;
    /// an empty assessment removes the row).
    async fn assessment_save(
        &self,
        cycle: CycleId,
        rows: &[crate::meeting::Assessment],
        audit: &AuditDraft,
    ) -> Result<()>;
    /// Cycles whose meeting changed, from every node (ids; may repeat).
    fn meeting_events(&self) -> tokio::sync::broadcast::Receiver<i64>;
}

/// Everything the core needs from storage.
pub trait Store:
    OrgStore
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
        + FeedbackStore
        + RectificationStore
{
}
