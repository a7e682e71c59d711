//! Services: the business rules, called by the web handlers and the CLI.
//! Each takes the [`Caller`] and decides what it may see and change.

mod accounts;
mod audit;
mod auth;
mod cache;
mod cycles;
mod links;
mod org;
mod people;
mod reading;
mod reports;
mod roster_index;
mod voting;

pub use accounts::{AccountInput, CreatedAccount};
pub use auth::{AuthConfig, LoginOutcome, SessionInfo, minutes_until};
pub use cache::TtlCache;
pub use cycles::check_categories;
pub use links::{IssueFor, IssuedLink};
pub use org::{OrgImportInput, OrgImportRowInput};
pub use reading::{Coverage, ReadingList, ReadingPage, coverage, in_scope};
pub use reports::{MyReport, ReportSave, Submissions, Task, is_late};
pub use voting::{BallotPage, Turnout};

use crate::audit::{AuditDraft, AuditResult};
use crate::error::{CoreError, Result};
use crate::ports::Store;
use crate::scope::Actor;
use std::sync::Arc;

/// Who is calling, from where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub client: Option<String>,
}

impl Caller {
    pub fn audit(&self, action: &str, object: impl Into<String>) -> AuditDraft {
        AuditDraft::new(Some(self.actor.account_id), self.actor.username.clone(), self.client.clone(), action, object)
    }
}

/// The services, sharing one store.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub auth: AuthConfig,
    /// Actors (roles, scopes, name) recently built, by account.
    pub actors: Arc<TtlCache<crate::ids::AccountId, Actor>>,
    /// Sessions with their accounts recently read, by token digest.
    pub sessions: Arc<TtlCache<String, (crate::ports::SessionRecord, crate::account::Account)>>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, auth: AuthConfig) -> Self {
        let ttl = std::time::Duration::from_secs(auth.cache_seconds);
        Self { store, auth, actors: Arc::new(TtlCache::new(ttl)), sessions: Arc::new(TtlCache::new(ttl)) }
    }

    /// Drop what this node has cached about an account (after a change).
    pub fn forget_account(&self, id: crate::ids::AccountId) {
        self.sessions.forget_where(|(_, a)| a.id == id);
        self.actors.forget(&id);
    }

    /// Record a denial in the audit log and return `Forbidden`.
    pub async fn deny(&self, caller: &Caller, action: &str, object: impl Into<String>) -> CoreError {
        let d = caller.audit(action, object).result(AuditResult::Denied);
        if let Err(e) = self.store.audit_append(&d).await {
            tracing::error!(error = %e, "could not record a denial");
        }
        CoreError::Forbidden
    }

    /// Fail with `Forbidden` (audited) unless the caller administers org data.
    async fn require_org_admin(&self, caller: &Caller, action: &str) -> Result<()> {
        if caller.actor.is_org_admin() { Ok(()) } else { Err(self.deny(caller, action, "-").await) }
    }

    /// Fail with `Forbidden` (audited) unless the caller is a system admin.
    async fn require_system_admin(&self, caller: &Caller, action: &str) -> Result<()> {
        if caller.actor.is_system_admin() { Ok(()) } else { Err(self.deny(caller, action, "-").await) }
    }
}
