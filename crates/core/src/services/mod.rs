//! Services: the business rules, called by the web handlers and the CLI.
//! Each takes the [`Caller`] and decides what it may see and change.
//!
//! Each feature has its own service (`<feature>/service.rs` and siblings)
//! holding only the ports it uses; [`Services`] puts them together, one
//! field a feature. The store itself is reachable only through them.

pub(crate) mod cache;

/// Declares the ports a feature's service uses: a trait that every store
/// with those ports has, and [`Store`] lists, so the store converts to it.
macro_rules! ports {
    ($(#[$doc:meta])* $name:ident: $($port:ident),+) => {
        $(#[$doc])*
        pub trait $name: $(crate::ports::$port +)+ {}
        impl<T: $(crate::ports::$port +)+ ?Sized> $name for T {}
    };
}
pub(crate) use ports;

pub use crate::accounts::service::{AccountInput, AccountService, CreatedAccount};
pub use crate::accounts::sessions::{AuthConfig, LoginOutcome, SessionInfo};
pub use crate::audit::service::AuditService;
pub use crate::cycles::scope::in_scope;
pub use crate::cycles::service::{CycleService, check_categories};
pub use crate::cycles::snapshot::CycleSnapshot;
pub use crate::feedback::service::{
    ANONYMOUS_GROUP_MIN, FeedbackService, IssueOutcome, SubjectDetail, SubjectFeedback,
};
pub use crate::meeting::service::{Meeting, MeetingService, Screen};
pub use crate::org::service::{OrgImportInput, OrgImportRowInput, OrgService};
pub use crate::people::service::PeopleService;
pub use crate::rectification::ledger::{CarryItem, CarryOver, Ledger, LedgerFilter, LedgerRow, kpi_reached};
pub use crate::rectification::service::{PlanPage, RectificationService};
pub use crate::reports::links::{IssueFor, IssuedLink};
pub use crate::reports::reading_service::{Coverage, ReadingList, ReadingPage, coverage};
pub use crate::reports::service::{MyReport, ReportSave, ReportService, Submissions, Task, is_late};
pub use crate::results::service::{ResultCard, ResultService, Summary};
pub use crate::voting::service::{BallotPage, Turnout, VotingService};
pub use cache::TtlCache;

use crate::accounts::scope::Actor;
use crate::audit::{AuditDraft, AuditResult};
use crate::error::{CoreError, Msg, Result};
use crate::ports::{AuditStore, Store};
use crate::results::components::ComponentSource;
use crate::time::Clock;
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

/// What every feature's service shares: the clock, the settings, the
/// actors recently built and the audit log where denials are recorded.
#[derive(Clone)]
pub struct Common {
    /// The store's clock: every instant the services write or compare.
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) auth: AuthConfig,
    /// Actors (roles, scopes, name) recently built, by account; org and
    /// people changes drop them.
    pub(crate) actors: Arc<TtlCache<crate::ids::AccountId, Actor>>,
    audit_log: Arc<dyn AuditStore>,
}

impl Common {
    /// Record a denial in the audit log and return `Forbidden`.
    pub async fn deny(&self, caller: &Caller, action: &str, object: impl Into<String>) -> CoreError {
        let d = caller.audit(action, object).result(AuditResult::Denied);
        if let Err(e) = self.audit_log.audit_append(&d).await {
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

/// What can be plugged in besides the store.
#[derive(Clone)]
struct Plugins {
    notifier: Arc<dyn crate::notify::Notifier>,
    anchors: Option<Arc<dyn crate::audit::AnchorSink>>,
    components: Arc<Vec<Arc<dyn ComponentSource>>>,
}

/// The services of every feature, sharing one store.
#[derive(Clone)]
pub struct Services {
    /// The store's clock.
    pub clock: Arc<dyn Clock>,
    pub auth: AuthConfig,
    pub org: OrgService,
    pub people: PeopleService,
    pub accounts: AccountService,
    pub audit: AuditService,
    pub cycles: CycleService,
    pub reports: ReportService,
    pub voting: VotingService,
    pub meeting: MeetingService,
    pub results: ResultService,
    pub feedback: FeedbackService,
    pub rectification: RectificationService,
    common: Common,
    store: Arc<dyn Store>,
    plugins: Plugins,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, auth: AuthConfig) -> Self {
        let plugins = Plugins {
            notifier: Arc::new(crate::notify::LogNotifier),
            anchors: None,
            components: Arc::new(crate::results::components::entered_sources()),
        };
        Self::assemble(store, auth, plugins)
    }

    fn assemble(store: Arc<dyn Store>, auth: AuthConfig, plugins: Plugins) -> Self {
        let ttl = std::time::Duration::from_secs(auth.cache_seconds);
        let clock = store.clock();
        let common = Common {
            clock: clock.clone(),
            auth: auth.clone(),
            actors: Arc::new(TtlCache::new(ttl, clock.clone())),
            audit_log: store.clone(),
        };
        let audit = AuditService { ports: store.clone(), common: common.clone(), anchors: plugins.anchors.clone() };
        let cycles = CycleService {
            ports: store.clone(),
            common: common.clone(),
            snapshots: moka::future::Cache::builder()
                .max_capacity(1_000)
                .time_to_live(ttl.max(cache::MIN_KEEP) * 2)
                .build(),
            frozen: Arc::new(TtlCache::new(
                if ttl.is_zero() {
                    ttl
                } else {
                    std::time::Duration::from_secs(crate::cycles::snapshot::FROZEN_ROSTER_SECONDS)
                },
                clock.clone(),
            )),
        };
        let feedback = FeedbackService { ports: store.clone(), common: common.clone(), cycles: cycles.clone() };
        let rectification = RectificationService {
            ports: store.clone(),
            common: common.clone(),
            cycles: cycles.clone(),
            feedback: feedback.clone(),
            notifier: plugins.notifier.clone(),
        };
        let voting = VotingService {
            ports: store.clone(),
            common: common.clone(),
            cycles: cycles.clone(),
            audit: audit.clone(),
        };
        let results = ResultService {
            ports: store.clone(),
            common: common.clone(),
            cycles: cycles.clone(),
            audit: audit.clone(),
            components: plugins.components.clone(),
        };
        Self {
            clock,
            auth: auth.clone(),
            org: OrgService { ports: store.clone(), common: common.clone() },
            people: PeopleService { ports: store.clone(), common: common.clone() },
            accounts: AccountService {
                ports: store.clone(),
                common: common.clone(),
                sessions: Arc::new(TtlCache::new(ttl, common.clock.clone())),
                login_throttle: Arc::new(crate::accounts::throttle::LoginThrottle::new(
                    auth.lockout.max_failures.max(1) as u32,
                    auth.lockout.lock_minutes,
                )),
            },
            reports: ReportService {
                ports: store.clone(),
                common: common.clone(),
                cycles: cycles.clone(),
                rectification: rectification.clone(),
            },
            meeting: MeetingService {
                ports: store.clone(),
                cycles: cycles.clone(),
                voting: voting.clone(),
                results: results.clone(),
            },
            common,
            audit,
            cycles,
            voting,
            results,
            feedback,
            rectification,
            store,
            plugins,
        }
    }

    /// The same services anchoring the audit chain in `sink`.
    pub fn with_anchor_sink(self, sink: Arc<dyn crate::audit::AnchorSink>) -> Self {
        let plugins = Plugins { anchors: Some(sink), ..self.plugins };
        Self::assemble(self.store, self.auth, plugins)
    }

    /// The same services with another notifier (e-mail, SMS, …).
    pub fn with_notifier(self, notifier: Arc<dyn crate::notify::Notifier>) -> Self {
        let plugins = Plugins { notifier, ..self.plugins };
        Self::assemble(self.store, self.auth, plugins)
    }

    /// The same services taking `source`'s component from it instead of
    /// from what was registered before (by default, entered by hand).
    pub fn with_component_source(self, source: Arc<dyn ComponentSource>) -> Self {
        let components = Arc::new(crate::results::components::replace(&self.plugins.components, source));
        let plugins = Plugins { components, ..self.plugins };
        Self::assemble(self.store, self.auth, plugins)
    }

    /// Record a denial in the audit log and return `Forbidden`.
    pub async fn deny(&self, caller: &Caller, action: &str, object: impl Into<String>) -> CoreError {
        self.common.deny(caller, action, object).await
    }

    /// Whether the database answers (readiness).
    pub async fn ready(&self) -> Result<()> {
        self.store.ping().await
    }
}

/// Refuse changes to an archived cycle (its record is closed).
pub(crate) fn not_archived(c: &crate::cycles::Cycle) -> Result<()> {
    if c.phase == crate::cycles::Phase::Archived {
        return Err(CoreError::Conflict(Msg::new("err-cycle-archived")));
    }
    Ok(())
}
