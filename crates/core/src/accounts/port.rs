//! What accounts and sessions need from storage.

use crate::accounts::scope::ScopeGrant;
use crate::accounts::{Account, AccountSummary, RoleGrant};
use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{AccountId, PersonId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

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
    /// history, which keeps the newest [`crate::accounts::auth::PASSWORD_HISTORY`].
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
        lock: &crate::accounts::auth::LockoutPolicy,
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
