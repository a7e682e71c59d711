//! Services: the business rules, called by the web handlers and the CLI.
//! Each takes the [`Caller`] and decides what it may see and change.

mod cache;

// Each feature's service lives in its folder (`<feature>/service.rs` and
// siblings) as `impl Services` blocks; these are the types they expose.
pub use crate::accounts::service::{AccountInput, CreatedAccount};
pub use crate::accounts::sessions::{AuthConfig, LoginOutcome, SessionInfo};
pub use crate::cycles::service::check_categories;
pub use crate::feedback::service::{ANONYMOUS_GROUP_MIN, IssueOutcome, SubjectDetail, SubjectFeedback};
pub use crate::meeting::service::{Meeting, Screen};
pub use crate::org::service::{OrgImportInput, OrgImportRowInput};
pub use crate::rectification::ledger::{CarryItem, CarryOver, Ledger, LedgerFilter, LedgerRow, kpi_reached};
pub use crate::rectification::service::PlanPage;
pub use crate::reports::links::{IssueFor, IssuedLink};
pub use crate::reports::reading_service::{Coverage, ReadingList, ReadingPage, coverage, in_scope};
pub use crate::reports::service::{MyReport, ReportSave, Submissions, Task, is_late};
pub use crate::results::service::{ResultCard, Summary};
pub use crate::voting::service::{BallotPage, Turnout};
pub use cache::TtlCache;

use crate::accounts::scope::Actor;
use crate::audit::{AuditDraft, AuditResult};
use crate::error::{CoreError, Msg, Result};
use crate::ports::Store;
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
    /// The store's clock: every instant the services write or compare.
    pub clock: Arc<dyn crate::time::Clock>,
    pub auth: AuthConfig,
    /// Actors (roles, scopes, name) recently built, by account.
    pub actors: Arc<TtlCache<crate::ids::AccountId, Actor>>,
    /// Sessions with their accounts recently read, by token digest.
    pub sessions: Arc<TtlCache<String, (crate::ports::SessionRecord, crate::accounts::Account)>>,
    /// Cycles with their subject rosters, for the reading and ballot pages.
    snapshots: moka::future::Cache<crate::ids::CycleId, (chrono::DateTime<chrono::Utc>, Arc<CycleSnapshot>)>,
    /// Rosters of cycles past the point where they can change (evaluation
    /// on), kept longer than the snapshots that hold them.
    frozen: Arc<TtlCache<crate::ids::CycleId, Rosters>>,
    /// Where reminders and overdue flags go besides the app's own pages.
    pub notifier: Arc<dyn crate::notify::Notifier>,
    /// Failed logins per client address and username (this node).
    pub login_throttle: Arc<crate::accounts::throttle::LoginThrottle>,
    /// Where each component of the composite comes from
    /// ([`crate::results::components`]).
    pub(crate) components: Arc<Vec<Arc<dyn crate::results::components::ComponentSource>>>,
    /// Where the head of the audit chain is anchored outside the database.
    pub anchors: Option<Arc<dyn crate::audit::AnchorSink>>,
}

/// A cycle and its subjects as the evaluators' pages see them, read once and
/// kept per node for `auth.cache_seconds`; changes made through this node
/// drop it at once. Voting open/closed is checked again where ballots are
/// stored, so a stale copy can only delay what a page shows.
///
/// From evaluation on the rosters cannot change (phases only advance), so
/// a refresh reads the cycle row again but reuses the rosters for up to
/// [`FROZEN_ROSTER_SECONDS`] (after which names changed meanwhile show).
#[derive(Debug)]
pub struct CycleSnapshot {
    pub cycle: crate::cycles::Cycle,
    pub subjects: Arc<Vec<crate::cycles::roster::Subject>>,
    pub evaluators: Arc<std::collections::HashMap<crate::ids::PersonId, crate::cycles::roster::Evaluator>>,
    /// The ballot scope of each evaluator group, built once per snapshot
    /// (every final ballot is checked against one).
    scopes: std::collections::HashMap<String, Arc<Vec<crate::voting::ballot::ScopeSubject>>>,
}

impl CycleSnapshot {
    pub(crate) fn new(cycle: crate::cycles::Cycle, rosters: Rosters) -> Self {
        let (subjects, evaluators) = rosters;
        let scopes = cycle
            .scheme
            .groups
            .iter()
            .map(|g| (g.code.clone(), Arc::new(crate::voting::service::scope_of(&cycle, &g.code, None, &subjects))))
            .collect();
        Self { cycle, subjects, evaluators, scopes }
    }

    /// The subjects an evaluator of `group` grades, in presentation order
    /// (never themselves).
    pub fn scope(&self, group: &str, me: crate::ids::PersonId) -> Arc<Vec<crate::voting::ballot::ScopeSubject>> {
        match self.scopes.get(group) {
            Some(s) if s.iter().any(|x| x.id == me.0) => Arc::new(s.iter().filter(|x| x.id != me.0).cloned().collect()),
            Some(s) => s.clone(),
            None => Arc::default(),
        }
    }
}

/// How long a node reuses the rosters of a cycle past the point where they
/// can change.
pub const FROZEN_ROSTER_SECONDS: u64 = 300;

type Rosters = (
    Arc<Vec<crate::cycles::roster::Subject>>,
    Arc<std::collections::HashMap<crate::ids::PersonId, crate::cycles::roster::Evaluator>>,
);

impl Services {
    pub fn new(store: Arc<dyn Store>, auth: AuthConfig) -> Self {
        let login_throttle = Arc::new(crate::accounts::throttle::LoginThrottle::new(
            auth.lockout.max_failures.max(1) as u32,
            auth.lockout.lock_minutes,
        ));
        let ttl = std::time::Duration::from_secs(auth.cache_seconds);
        let clock = store.clock();
        Self {
            auth,
            actors: Arc::new(TtlCache::new(ttl, clock.clone())),
            sessions: Arc::new(TtlCache::new(ttl, clock.clone())),
            snapshots: moka::future::Cache::builder()
                .max_capacity(1_000)
                .time_to_live(ttl.max(cache::MIN_KEEP) * 2)
                .build(),
            frozen: Arc::new(TtlCache::new(
                if ttl.is_zero() { ttl } else { std::time::Duration::from_secs(FROZEN_ROSTER_SECONDS) },
                clock.clone(),
            )),
            clock,
            store,
            notifier: Arc::new(crate::notify::LogNotifier),
            anchors: None,
            components: Arc::new(crate::results::components::entered_sources()),
            login_throttle,
        }
    }

    /// The same services anchoring the audit chain in `sink`.
    pub fn with_anchor_sink(mut self, sink: Arc<dyn crate::audit::AnchorSink>) -> Self {
        self.anchors = Some(sink);
        self
    }

    /// The same services with another notifier (e-mail, SMS, …).
    pub fn with_notifier(mut self, n: Arc<dyn crate::notify::Notifier>) -> Self {
        self.notifier = n;
        self
    }

    /// The cycle and its rosters (cached briefly, see [`CycleSnapshot`]).
    /// One request reads it while the others for the same cycle wait for it,
    /// so a full hall pressing submit at once does not read it hundreds of
    /// times.
    pub async fn cycle_snapshot(&self, id: crate::ids::CycleId) -> Result<Arc<CycleSnapshot>> {
        let ttl = std::time::Duration::from_secs(self.auth.cache_seconds);
        if ttl.is_zero() {
            return Ok(Arc::new(self.load_snapshot(id).await?));
        }
        let fresh = |at| cache::fresh(self.clock.as_ref(), ttl, at);
        if let Some((at, s)) = self.snapshots.get(&id).await
            && fresh(at)
        {
            return Ok(s);
        }
        let done = self
            .snapshots
            .entry(id)
            .and_try_compute_with(|kept| async move {
                match kept {
                    Some(e) if fresh(e.value().0) => Ok(moka::ops::compute::Op::Nop),
                    _ => {
                        let s = Arc::new(self.load_snapshot(id).await?);
                        Ok::<_, CoreError>(moka::ops::compute::Op::Put((self.clock.now(), s)))
                    }
                }
            })
            .await?;
        use moka::ops::compute::CompResult;
        match done {
            CompResult::Inserted(e) | CompResult::ReplacedWith(e) | CompResult::Unchanged(e) => Ok(e.into_value().1),
            CompResult::StillNone(_) | CompResult::Removed(_) => Err(CoreError::NotFound("cycle")),
        }
    }

    async fn load_snapshot(&self, id: crate::ids::CycleId) -> Result<CycleSnapshot> {
        let cycle = self.store.cycle_get(id).await?.ok_or(CoreError::NotFound("cycle"))?;
        // Read after the cycle: if it was frozen then, these are final.
        let frozen = !cycle.phase.rosters_editable();
        if frozen && let Some(rosters) = self.frozen.get(&id) {
            return Ok(CycleSnapshot::new(cycle, rosters));
        }
        let subjects = Arc::new(self.store.subject_list(id).await?);
        let evaluators: Arc<std::collections::HashMap<_, _>> =
            Arc::new(self.store.evaluator_list(id).await?.into_iter().map(|e| (e.person_id, e)).collect());
        if frozen {
            self.frozen.put(id, (subjects.clone(), evaluators.clone()));
        }
        Ok(CycleSnapshot::new(cycle, (subjects, evaluators)))
    }

    /// Drop what this node has cached about a cycle (after a change).
    /// Whether the database answers (readiness).
    pub async fn ready(&self) -> Result<()> {
        self.store.ping().await
    }

    pub async fn forget_cycle(&self, id: crate::ids::CycleId) {
        self.snapshots.invalidate(&id).await;
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
    pub(crate) async fn require_org_admin(&self, caller: &Caller, action: &str) -> Result<()> {
        if caller.actor.is_org_admin() { Ok(()) } else { Err(self.deny(caller, action, "-").await) }
    }

    /// Fail with `Forbidden` (audited) unless the caller is a system admin.
    pub(crate) async fn require_system_admin(&self, caller: &Caller, action: &str) -> Result<()> {
        if caller.actor.is_system_admin() { Ok(()) } else { Err(self.deny(caller, action, "-").await) }
    }
}

/// Refuse changes to an archived cycle (its record is closed).
pub(crate) fn not_archived(c: &crate::cycles::Cycle) -> Result<()> {
    if c.phase == crate::cycles::Phase::Archived {
        return Err(CoreError::Conflict(Msg::new("err-cycle-archived")));
    }
    Ok(())
}
