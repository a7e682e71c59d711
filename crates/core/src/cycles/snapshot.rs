//! The cycle with its rosters as the evaluators' pages see them, kept per
//! node for a short while.

use crate::cycles::service::CycleService;
use crate::error::{CoreError, Result};
use std::sync::Arc;

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
    scopes: std::collections::HashMap<String, Arc<Vec<crate::cycles::scope::ScopeSubject>>>,
}

impl CycleSnapshot {
    pub(crate) fn new(cycle: crate::cycles::Cycle, rosters: Rosters) -> Self {
        let (subjects, evaluators) = rosters;
        let scopes = cycle
            .scheme
            .groups
            .iter()
            .map(|g| (g.code.clone(), Arc::new(crate::cycles::scope::scope_of(&cycle, &g.code, None, &subjects))))
            .collect();
        Self { cycle, subjects, evaluators, scopes }
    }

    /// The subjects an evaluator of `group` grades, in presentation order
    /// (never themselves).
    pub fn scope(&self, group: &str, me: crate::ids::PersonId) -> Arc<Vec<crate::cycles::scope::ScopeSubject>> {
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

pub(crate) type Rosters = (
    Arc<Vec<crate::cycles::roster::Subject>>,
    Arc<std::collections::HashMap<crate::ids::PersonId, crate::cycles::roster::Evaluator>>,
);

impl CycleService {
    /// The cycle and its rosters (cached briefly, see [`CycleSnapshot`]).
    /// One request reads it while the others for the same cycle wait for it,
    /// so a full hall pressing submit at once does not read it hundreds of
    /// times.
    pub async fn cycle_snapshot(&self, id: crate::ids::CycleId) -> Result<Arc<CycleSnapshot>> {
        let ttl = std::time::Duration::from_secs(self.common.auth.cache_seconds);
        if ttl.is_zero() {
            return Ok(Arc::new(self.load_snapshot(id).await?));
        }
        let fresh = |at| crate::services::cache::fresh(self.common.clock.as_ref(), ttl, at);
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
                        Ok::<_, CoreError>(moka::ops::compute::Op::Put((self.common.clock.now(), s)))
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
        let cycle = self.ports.cycle_get(id).await?.ok_or(CoreError::NotFound("cycle"))?;
        // Read after the cycle: if it was frozen then, these are final.
        let frozen = !cycle.phase.rosters_editable();
        if frozen && let Some(rosters) = self.frozen.get(&id) {
            return Ok(CycleSnapshot::new(cycle, rosters));
        }
        let subjects = Arc::new(self.ports.subject_list(id).await?);
        let evaluators: Arc<std::collections::HashMap<_, _>> =
            Arc::new(self.ports.evaluator_list(id).await?.into_iter().map(|e| (e.person_id, e)).collect());
        if frozen {
            self.frozen.put(id, (subjects.clone(), evaluators.clone()));
        }
        Ok(CycleSnapshot::new(cycle, (subjects, evaluators)))
    }

    /// Drop what this node has cached about a cycle (after a change).
    pub async fn forget_cycle(&self, id: crate::ids::CycleId) {
        self.snapshots.invalidate(&id).await;
    }
}
