//! Services: the business rules, called by the web handlers and the CLI.
//! Each takes the [`Caller`] and decides what it may see and change.

mod accounts;
mod audit;
mod auth;
mod org;
mod people;

pub use accounts::{AccountInput, CreatedAccount};
pub use auth::{AuthConfig, LoginOutcome, SessionInfo, minutes_until};
pub use org::{OrgImportInput, OrgImportRowInput};

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

/// How long a built [`Actor`] (roles, scopes, name) is reused. A session
/// and its account are still read on every request, so logging out, locking
/// and disabling take effect at once; a change of roles made on another node
/// takes effect within this time (on this node, at once).
pub const ACTOR_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// Recently built actors by account.
#[derive(Default)]
pub struct ActorCache {
    map: std::sync::Mutex<std::collections::HashMap<crate::ids::AccountId, (std::time::Instant, Actor)>>,
}

impl ActorCache {
    fn get(&self, id: crate::ids::AccountId) -> Option<Actor> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&id).filter(|(at, _)| at.elapsed() < ACTOR_TTL).map(|(_, a)| a.clone())
    }

    fn put(&self, actor: &Actor) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (at, _)| at.elapsed() < ACTOR_TTL);
        }
        map.insert(actor.account_id, (std::time::Instant::now(), actor.clone()));
    }

    /// Forget one account (after a change of its roles or state).
    pub fn forget(&self, id: crate::ids::AccountId) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// Forget everyone (after a change that may touch many actors).
    pub fn clear(&self) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The services, sharing one store.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub auth: AuthConfig,
    pub actors: Arc<ActorCache>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, auth: AuthConfig) -> Self {
        Self { store, auth, actors: Arc::default() }
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
