//! Assessment cycles: create (from scratch or by copying an earlier one),
//! edit the scheme and categories until evaluation opens, move phases.

use crate::cycles::feedback_settings::FeedbackSettings;
use crate::cycles::roster::{Evaluator, EvaluatorRowInput, Subject, SubjectInput, SubjectRowInput};
use crate::cycles::scheme::Scheme;
use crate::cycles::{Category, Cycle, CycleInput, CycleSettings, Phase, Readiness, check_advance, default_categories};
use crate::error::{CoreError, FieldError, Msg, Result, required_text};
use crate::ids::{CycleId, OrgUnitId};
use crate::ports::{NewCycle, NewSubject};
use crate::services::Caller;
use std::collections::HashSet;

/// Category codes: 1–32 of a–z, 0–9, `_`, `-`.
fn valid_code(c: &str) -> bool {
    (1..=32).contains(&c.len())
        && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "_-".contains(ch))
}

/// Check a cycle's categories: codes well-formed and unique, names present.
pub fn check_categories(cats: &[Category]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    if cats.is_empty() {
        errs.push(FieldError::new("categories", Msg::new("err-categories-empty")));
    }
    for c in cats {
        if !valid_code(&c.code) {
            errs.push(FieldError::new("categories", Msg::new("err-category-code").arg("code", &c.code)));
        } else if !seen.insert(c.code.as_str()) {
            errs.push(FieldError::new("categories", Msg::new("err-scheme-duplicate").arg("code", &c.code)));
        }
        if let Err(e) = required_text("categories", &c.name, crate::cycles::NAME_MAX) {
            errs.push(e);
        }
    }
    errs
}

crate::services::ports!(
    /// The ports the cycles service uses.
    CyclePorts: CycleStore, OrgStore, PersonStore, RosterStore
);

/// The service for the cycles, their schemes and rosters.
#[derive(Clone)]
pub struct CycleService {
    pub(crate) ports: std::sync::Arc<dyn CyclePorts>,
    pub(crate) common: crate::services::Common,
    /// Cycles with their subject rosters, for the reading and ballot pages.
    pub(crate) snapshots: moka::future::Cache<
        crate::ids::CycleId,
        (chrono::DateTime<chrono::Utc>, std::sync::Arc<crate::cycles::snapshot::CycleSnapshot>),
    >,
    /// Rosters of cycles past the point where they can change (evaluation
    /// on), kept longer than the snapshots that hold them.
    pub(crate) frozen: std::sync::Arc<crate::services::TtlCache<crate::ids::CycleId, crate::cycles::snapshot::Rosters>>,
}

impl CycleService {
    /// The cycle as stored now (no cache, no scope): for what every
    /// evaluator's page shows live — who presents, whether voting is open.
    pub async fn cycle_now(&self, id: CycleId) -> Result<Option<Cycle>> {
        self.ports.cycle_get(id).await
    }

    pub async fn cycles_list(&self, caller: &Caller) -> Result<Vec<Cycle>> {
        self.common.require_org_admin(caller, "cycle.list").await?;
        self.ports.cycle_list(caller.actor.admin_paths().as_deref()).await
    }

    /// A cycle, if the caller administers its organizer unit.
    pub async fn cycle_get(&self, caller: &Caller, id: CycleId) -> Result<Cycle> {
        let c = self.ports.cycle_get(id).await?.ok_or(CoreError::NotFound("cycle"))?;
        let unit = self.ports.org_get(c.organizer_id).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, "cycle.view", format!("cycle:{id}")).await);
        }
        Ok(c)
    }

    /// Create a cycle run by `organizer`, with the default scheme and
    /// categories, or with those of the cycle `copy_from`.
    pub async fn cycle_create(
        &self,
        caller: &Caller,
        organizer: OrgUnitId,
        input: &CycleInput,
        copy_from: Option<CycleId>,
    ) -> Result<Cycle> {
        self.common.require_org_admin(caller, "cycle.create").await?;
        let fields = input.validate().map_err(CoreError::Invalid)?;
        let unit = self
            .ports
            .org_get(organizer)
            .await?
            .ok_or_else(|| CoreError::invalid("organizer_id", Msg::new("err-org-unknown")))?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, "cycle.create", format!("org_unit:{organizer}")).await);
        }
        let (scheme, categories, settings, feedback) = match copy_from {
            Some(src) => {
                let from = self.cycle_get(caller, src).await?;
                // A deadline belongs to its year; the rest carries over.
                let settings = CycleSettings { report_deadline: None, ..from.settings };
                (from.scheme, from.categories, settings, from.feedback)
            }
            None => {
                let cats = default_categories();
                let codes: Vec<String> = cats.iter().map(|c| c.code.clone()).collect();
                let feedback = FeedbackSettings { issuing_body: unit.name.clone(), ..Default::default() };
                (Scheme::default_for(&codes), cats, CycleSettings::default(), feedback)
            }
        };
        let new = NewCycle {
            organizer_id: organizer,
            fields,
            scheme,
            categories,
            copied_from: copy_from,
            settings,
            feedback,
        };
        let detail = match copy_from {
            Some(src) => format!("{} (copied from cycle:{src})", new.fields.name),
            None => new.fields.name.clone(),
        };
        self.ports.cycle_create(&new, &caller.audit("cycle.create", "cycle:new").detail(detail)).await
    }

    /// Replace the scheme and categories; refused once evaluation opens, and
    /// unless both are valid together.
    pub async fn cycle_set_scheme(
        &self,
        caller: &Caller,
        id: CycleId,
        scheme: &Scheme,
        categories: &[Category],
    ) -> Result<()> {
        let c = self.cycle_get(caller, id).await?;
        if c.phase.scheme_frozen() {
            return Err(CoreError::Conflict(Msg::new("err-scheme-frozen")));
        }
        let mut errs = check_categories(categories);
        let codes: Vec<String> = categories.iter().map(|c| c.code.clone()).collect();
        if let Err(e) = scheme.validate(&codes) {
            errs.extend(e);
        }
        if !errs.is_empty() {
            return Err(CoreError::Invalid(errs));
        }
        let audit = caller.audit("cycle.scheme", format!("cycle:{id}"));
        let done = self.ports.cycle_set_scheme(id, scheme, categories, &audit).await;
        self.forget_cycle(id).await;
        done
    }

    /// Move a cycle to its next phase, after the checks of that move.
    pub async fn cycle_advance(&self, caller: &Caller, id: CycleId, to: Phase) -> Result<Cycle> {
        let c = self.cycle_get(caller, id).await?;
        let readiness = Readiness {
            scheme_problems: c.scheme.validate(&c.category_codes()).err().map_or(0, |e| e.len()),
            subjects: self.ports.subject_list(id).await?.len(),
            evaluators: self.ports.evaluator_list(id).await?.len(),
            voting_open: c.voting.is_open(),
            // Results are final once published (finalize and publish are one step).
            results_final: c.results.published_at.is_some(),
        };
        check_advance(c.phase, to, &readiness)
            .map_err(|msgs| CoreError::Invalid(msgs.into_iter().map(|m| FieldError::new("phase", m)).collect()))?;
        let audit = caller.audit("cycle.phase", format!("cycle:{id}")).detail(format!(
            "{} → {}",
            c.phase.as_str(),
            to.as_str()
        ));
        let moved = self.ports.cycle_set_phase(id, c.phase, to, &audit).await;
        self.forget_cycle(id).await;
        if !moved? {
            return Err(CoreError::Conflict(Msg::new("err-phase-moved")));
        }
        self.cycle_get(caller, id).await
    }
}

impl CycleService {
    /// The subjects of a cycle, in presentation order.
    pub async fn subjects_list(&self, caller: &Caller, cycle: CycleId) -> Result<Vec<Subject>> {
        self.cycle_get(caller, cycle).await?;
        self.ports.subject_list(cycle).await
    }

    /// Add a person in the caller's scope as a subject (until evaluation opens).
    pub async fn subject_add(&self, caller: &Caller, cycle: CycleId, input: &SubjectInput) -> Result<Subject> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        let f = input.validate(&c.category_codes()).map_err(CoreError::Invalid)?;
        let person = match self.ports.person_get(f.person_id).await? {
            Some(p) => p,
            None => return Err(CoreError::invalid("person_id", Msg::new("err-person-unknown"))),
        };
        let unit = self.ports.org_get(person.person.managed_by).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, "cycle.subject_add", format!("person:{}", f.person_id)).await);
        }
        let new = NewSubject {
            person_id: f.person_id,
            post: f.post.unwrap_or(person.person.post.clone()),
            org_unit_id: person.person.org_unit_id,
            category: f.category,
            mode: f.mode,
        };
        let audit = caller.audit("cycle.subject_add", format!("cycle:{cycle}")).detail(&person.person.name);
        let done = self.ports.subject_add(cycle, &new, &audit).await;
        self.forget_cycle(cycle).await;
        done
    }

    pub async fn subject_remove(&self, caller: &Caller, cycle: CycleId, id: i64) -> Result<()> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        let audit = caller.audit("cycle.subject_remove", format!("cycle:{cycle}")).detail(format!("subject:{id}"));
        let done = self.ports.subject_remove(cycle, id, &audit).await;
        self.forget_cycle(cycle).await;
        done
    }

    /// Move a subject one place earlier or later in the presentation order.
    pub async fn subject_move(&self, caller: &Caller, cycle: CycleId, id: i64, up: bool) -> Result<()> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        let audit = caller
            .audit("cycle.subject_move", format!("cycle:{cycle}"))
            .detail(format!("subject:{id} {}", if up { "up" } else { "down" }));
        let done = self.ports.subject_move(cycle, id, up, &audit).await.map(|_| ());
        self.forget_cycle(cycle).await;
        done
    }
}

impl CycleService {
    /// Replace a cycle's subject roster from sheet rows: every row checked
    /// first (person found by name within the org unit's code, in scope;
    /// category by code or name; mode 现场/书面), every problem reported with
    /// its row; only a clean sheet changes anything.
    pub async fn subjects_import(&self, caller: &Caller, cycle: CycleId, rows: &[SubjectRowInput]) -> Result<usize> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        if rows.is_empty() {
            return Err(CoreError::invalid("file", Msg::new("err-import-empty")));
        }
        let index = super::roster_index::RosterIndex::load(self, caller).await?;
        let out = crate::cycles::sheet_rows::subject_rows(&c, &index, caller, rows).map_err(CoreError::Invalid)?;
        let audit =
            caller.audit("cycle.subject_import", format!("cycle:{cycle}")).detail(format!("{} subjects", out.len()));
        let done = self.ports.subject_replace(cycle, &out, &audit).await;
        self.forget_cycle(cycle).await;
        done?;
        Ok(out.len())
    }
}

impl CycleService {
    pub async fn evaluators_list(&self, caller: &Caller, cycle: CycleId) -> Result<Vec<Evaluator>> {
        self.cycle_get(caller, cycle).await?;
        self.ports.evaluator_list(cycle).await
    }

    /// Add a person managed in the caller's scope (in or outside the tree)
    /// as an evaluator in one of the scheme's groups, until evaluation opens.
    pub async fn evaluator_add(&self, caller: &Caller, cycle: CycleId, person: &str, group: &str) -> Result<()> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        let mut errs = Vec::new();
        if !c.scheme.groups.iter().any(|g| g.code == group) {
            errs.push(FieldError::new("group", Msg::new("err-group-unknown").arg("group", group)));
        }
        let person = match person.trim().parse::<i64>() {
            Ok(id) => self.ports.person_get(crate::ids::PersonId(id)).await?,
            Err(_) => None,
        };
        let Some(person) = person else {
            errs.push(FieldError::new("person_id", Msg::new("err-person-unknown")));
            return Err(CoreError::Invalid(errs));
        };
        if !errs.is_empty() {
            return Err(CoreError::Invalid(errs));
        }
        let unit = self.ports.org_get(person.person.managed_by).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, "cycle.evaluator_add", format!("person:{}", person.person.id)).await);
        }
        let audit = caller
            .audit("cycle.evaluator_add", format!("cycle:{cycle}"))
            .detail(format!("{} → {group}", person.person.name));
        let done = self.ports.evaluator_add(cycle, person.person.id, group, &audit).await;
        self.forget_cycle(cycle).await;
        done
    }

    pub async fn evaluator_remove(&self, caller: &Caller, cycle: CycleId, id: i64) -> Result<()> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        let audit = caller.audit("cycle.evaluator_remove", format!("cycle:{cycle}")).detail(format!("evaluator:{id}"));
        let done = self.ports.evaluator_remove(cycle, id, &audit).await;
        self.forget_cycle(cycle).await;
        done
    }
}

impl CycleService {
    /// Replace a cycle's evaluator roster from sheet rows (person by name
    /// within their unit's code, or the managing unit's code for people
    /// outside the tree; group by code or name); all-or-nothing.
    pub async fn evaluators_import(
        &self,
        caller: &Caller,
        cycle: CycleId,
        rows: &[EvaluatorRowInput],
    ) -> Result<usize> {
        let c = self.cycle_get(caller, cycle).await?;
        if !c.phase.rosters_editable() {
            return Err(CoreError::Conflict(Msg::new("err-roster-frozen")));
        }
        if rows.is_empty() {
            return Err(CoreError::invalid("file", Msg::new("err-import-empty")));
        }
        let index = super::roster_index::RosterIndex::load(self, caller).await?;
        let out = crate::cycles::sheet_rows::evaluator_rows(&c, &index, caller, rows).map_err(CoreError::Invalid)?;
        let audit = caller
            .audit("cycle.evaluator_import", format!("cycle:{cycle}"))
            .detail(format!("{} evaluators", out.len()));
        let done = self.ports.evaluator_replace(cycle, &out, &audit).await;
        self.forget_cycle(cycle).await;
        done?;
        Ok(out.len())
    }

    /// The cycle before `c` of the same organizer: the one it was copied
    /// from (if it is the same organizer's, of an earlier year), else the
    /// latest of an earlier year.
    pub async fn previous_cycle(&self, c: &Cycle) -> Result<Option<Cycle>> {
        if let Some(from) = c.copied_from
            && let Some(p) = self.ports.cycle_get(from).await?
            && p.organizer_id == c.organizer_id
            && p.year < c.year
        {
            return Ok(Some(p));
        }
        let all = self.ports.cycle_list(None).await?;
        Ok(all
            .into_iter()
            .filter(|x| x.organizer_id == c.organizer_id && x.year < c.year)
            .max_by_key(|x| (x.year, x.id.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_checked() {
        assert!(check_categories(&default_categories()).is_empty());
        let bad = vec![
            Category { code: "County".into(), name: "县".into() },
            Category { code: "x".into(), name: " ".into() },
            Category { code: "x".into(), name: "乡".into() },
        ];
        let keys: Vec<_> = check_categories(&bad).into_iter().map(|e| e.msg.key).collect();
        assert_eq!(keys, ["err-category-code", "err-required", "err-scheme-duplicate"]);
    }
}
