//! Results (`scoring.md` §3–§6, §8): computed from the vote counts kept as
//! ballots arrive and the other assessment inputs; hidden until voting
//! closes (or looked at live, audited, where the cycle allows it); entered
//! components, routine grades and vetoes; finalize and publish to the
//! organizer only, to each subject, or as a public summary.

use crate::cycles::roster::Subject;
use crate::cycles::{Cycle, Visibility};
use crate::error::{CoreError, FieldError, Msg, Result};
use crate::exact::Dec4;
use crate::ids::{CycleId, PersonId};
use crate::results::assessment::{Assessment, extras};
use crate::results::tally::{SubjectResult, TallySubject, tally_counts};
use crate::services::Caller;
use std::collections::BTreeMap;

/// One subject's own result card.
#[derive(Debug, Clone)]
pub struct ResultCard {
    pub cycle: Cycle,
    pub subject: Subject,
    pub result: SubjectResult,
    /// How many subjects share the category (for "rank r of n").
    pub of: usize,
    pub assessment: Option<Assessment>,
    /// Per-group figures left out because a group gave fewer votes than
    /// this (the subject's own card, `FeedbackSettings::min_group_votes`).
    pub groups_withheld: Option<u32>,
}

/// The public summary: per category name, each subject's name, post and grade code.
pub type Summary = Vec<(String, Vec<(String, String, Option<String>)>)>;

crate::services::ports!(
    /// The ports the results service uses.
    ResultPorts: AuditStore, BallotStore, CycleStore, ResultsStore, RosterStore
);

/// The service for the tally, the composite's components and the export.
#[derive(Clone)]
pub struct ResultService {
    pub(crate) ports: std::sync::Arc<dyn ResultPorts>,
    pub(crate) common: crate::services::Common,
    pub(crate) cycles: crate::cycles::service::CycleService,
    pub(crate) audit: crate::audit::service::AuditService,
    /// Where each component of the composite comes from
    /// ([`crate::results::components`]).
    pub(crate) components: std::sync::Arc<Vec<std::sync::Arc<dyn crate::results::components::ComponentSource>>>,
}

impl ResultService {
    /// Compute the results now (no access or state checks).
    pub(crate) async fn compute(&self, c: &Cycle) -> Result<Vec<SubjectResult>> {
        let roster = self.ports.subject_list(c.id).await?;
        let subjects: Vec<TallySubject> = roster
            .iter()
            .map(|s| TallySubject { id: s.person_id.0, category: s.category.clone(), order: s.order })
            .collect();
        let counts = self.ports.ballot_counts(c.id).await?;
        let rows = self.ports.assessment_list(c.id).await?;
        let extras = extras(&rows, &self.component_values(c, &rows).await?);
        tally_counts(&c.scheme, &subjects, &counts, &extras).map_err(|missing| {
            let list: Vec<String> = missing
                .iter()
                .map(|m| {
                    let name = roster.iter().find(|s| s.person_id.0 == m.subject).map(|s| s.person_name.clone());
                    let comps: Vec<&str> = m.components.iter().map(|c| c.as_str()).collect();
                    format!("{}（{}）", name.unwrap_or_default(), comps.join("、"))
                })
                .collect();
            CoreError::Conflict(Msg::new("err-results-missing").arg("list", list.join("；")))
        })
    }

    /// Results from the final ballots, once voting has closed. Fails with
    /// the subjects that lack a weighted component.
    pub async fn results(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<SubjectResult>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if !c.voting.is_closed() {
            return Err(CoreError::Conflict(Msg::new("err-results-hidden")));
        }
        let r = self.compute(&c).await?;
        Ok((c, r))
    }

    /// Partial results while voting is open, where the cycle allows a live
    /// tally; every look is audited (`scoring.md` §8).
    pub async fn results_partial(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<SubjectResult>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.voting.is_closed() {
            return self.results(caller, cycle).await;
        }
        if !c.voting.live_tally || !c.voting.is_open() || c.ballot_mode != crate::cycles::BallotMode::Named {
            return Err(CoreError::Conflict(Msg::new("err-results-hidden")));
        }
        self.ports.audit_append(&caller.audit("results.view_partial", format!("cycle:{cycle}"))).await?;
        let r = self.compute(&c).await?;
        Ok((c, r))
    }

    /// Finalize and publish the results to `to` (voting closed, every
    /// weighted component present); the inputs are frozen from then on.
    pub async fn results_publish(&self, caller: &Caller, cycle: CycleId, to: Visibility) -> Result<()> {
        let (c, results) = self.results(caller, cycle).await?;
        // The results seal over everything that decides them, in the log.
        let seal = crate::results::export::results_seal(&self.build_export(&c, &results, false).await?).seal;
        let audit = caller
            .audit("results.publish", format!("cycle:{cycle}"))
            .detail(format!("{}; results seal {seal}", to.as_str()));
        let done = self.ports.results_publish(cycle, Some((to, self.common.clock.now())), &audit).await;
        self.cycles.forget_cycle(c.id).await;
        done?;
        self.audit.audit_anchor().await;
        Ok(())
    }

    /// The results seal written to the audit log when the cycle's results
    /// were last published (for `kaoping verify`; no caller: the CLI).
    pub async fn results_seal_recorded(&self, cycle: CycleId) -> Result<Option<String>> {
        let f =
            crate::audit::AuditFilter { action: Some("results.publish".into()), limit: 10_000, ..Default::default() };
        let object = format!("cycle:{cycle}");
        Ok(self
            .ports
            .audit_list(&f)
            .await?
            .into_iter()
            .filter(|e| e.object == object)
            .find_map(|e| e.detail.split_once("results seal ").map(|(_, s)| s.trim().to_string())))
    }

    /// Withdraw published results (to correct an input); audited.
    pub async fn results_withdraw(&self, caller: &Caller, cycle: CycleId) -> Result<()> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.results.published_at.is_none() {
            return Err(CoreError::Conflict(Msg::new("err-results-not-published")));
        }
        let done =
            self.ports.results_publish(cycle, None, &caller.audit("results.withdraw", format!("cycle:{cycle}"))).await;
        self.cycles.forget_cycle(c.id).await;
        done
    }

    /// One subject's card, for the organizer (voting closed).
    pub async fn result_card(&self, caller: &Caller, cycle: CycleId, subject: PersonId) -> Result<ResultCard> {
        let (c, results) = self.results(caller, cycle).await?;
        let roster = self.ports.subject_list(cycle).await?;
        let s = roster.into_iter().find(|s| s.person_id == subject).ok_or(CoreError::NotFound("subject"))?;
        let result = results.iter().find(|r| r.subject == subject.0).cloned().ok_or(CoreError::NotFound("subject"))?;
        let of = results.iter().filter(|r| r.category == result.category && r.rank.is_some()).count();
        let assessment = self.ports.assessment_list(cycle).await?.into_iter().find(|a| a.subject == subject);
        Ok(ResultCard { cycle: c, subject: s, result, of, assessment, groups_withheld: None })
    }

    /// The caller's own result cards: cycles where they are a subject and the
    /// results are published to subjects (or publicly).
    pub async fn my_results(&self, caller: &Caller) -> Result<Vec<ResultCard>> {
        let mut out = Vec::new();
        for id in self.ports.roster_cycles(caller.actor.person_id).await?.subject {
            let Some(c) = self.ports.cycle_get(id).await? else { continue };
            if c.results.published_at.is_none() || c.results.visibility == Visibility::Organizer {
                continue;
            }
            let roster = self.ports.subject_list(id).await?;
            let Some(subject) = roster.iter().find(|s| s.person_id == caller.actor.person_id).cloned() else {
                continue;
            };
            let results = self.compute(&c).await?;
            let Some(mut result) = results.iter().find(|r| r.subject == subject.person_id.0).cloned() else {
                continue;
            };
            // A group of two that gave 40 points: both graded 差. All the
            // groups go, not only the small one: the democratic score and
            // the others' means would give its mean back.
            let k = u64::from(c.feedback.min_group_votes);
            let groups_withheld = result.groups.iter().any(|g| g.n > 0 && g.n < k).then(|| {
                result.groups.clear();
                c.feedback.min_group_votes
            });
            let of = results.iter().filter(|r| r.category == result.category && r.rank.is_some()).count();
            let assessment = self.ports.assessment_list(id).await?.into_iter().find(|a| a.subject == subject.person_id);
            out.push(ResultCard { cycle: c, subject, result, of, assessment, groups_withheld });
        }
        Ok(out)
    }

    /// The public summary (grades by category, no scores or votes), when
    /// the organizer published it publicly.
    pub async fn results_public(&self, cycle: CycleId) -> Result<(Cycle, Summary)> {
        let c = self.ports.cycle_get(cycle).await?.ok_or(CoreError::NotFound("cycle"))?;
        if c.results.published_at.is_none() || c.results.visibility != Visibility::Public {
            return Err(CoreError::NotFound("results"));
        }
        let results = self.compute(&c).await?;
        let roster = self.ports.subject_list(cycle).await?;
        let mut out: Summary = Vec::new();
        for cat in &c.categories {
            let mut rows: Vec<(i32, String, String, Option<String>)> = roster
                .iter()
                .filter(|s| s.category == cat.code)
                .map(|s| {
                    let grade = results
                        .iter()
                        .find(|r| r.subject == s.person_id.0)
                        .and_then(|r| r.grade.as_ref())
                        .map(|(g, _)| g.clone());
                    (s.order, s.person_name.clone(), s.post.clone(), grade)
                })
                .collect();
            rows.sort();
            if !rows.is_empty() {
                out.push((cat.name.clone(), rows.into_iter().map(|(_, n, p, g)| (n, p, g)).collect()));
            }
        }
        Ok((c, out))
    }

    /// The subjects with what was entered for them besides the ballots.
    /// Each subject with their assessment, its component values as their
    /// sources give them (entered or computed).
    pub async fn assessments(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<(Subject, Assessment)>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let entered = self.ports.assessment_list(cycle).await?;
        let values = self.component_values(&c, &entered).await?;
        let rows = self
            .ports
            .subject_list(cycle)
            .await?
            .into_iter()
            .map(|s| {
                let a = entered.iter().find(|a| a.subject == s.person_id).cloned();
                let mut a = a.unwrap_or_else(|| Assessment::new(s.person_id));
                for src in self.component_sources() {
                    a.set(src.component(), values.get(&(s.person_id, src.component())).copied());
                }
                (s, a)
            })
            .collect();
        Ok((c, rows))
    }

    /// Save entered assessments (all or nothing): scores 0–100 with at
    /// most 4 decimals, a reason for every veto; refused once published.
    /// Components computed by their modules are not taken from `rows`.
    pub async fn assessments_save(&self, caller: &Caller, cycle: CycleId, mut rows: Vec<Assessment>) -> Result<usize> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        for src in self.component_sources().iter().filter(|s| !s.entered()) {
            rows.iter_mut().for_each(|a| a.set(src.component(), None));
        }
        if c.results.published_at.is_some() {
            return Err(CoreError::Conflict(Msg::new("err-results-published")));
        }
        let roster: std::collections::HashSet<PersonId> =
            self.ports.subject_list(cycle).await?.into_iter().map(|s| s.person_id).collect();
        let mut errors = Vec::new();
        for (i, a) in rows.iter().enumerate() {
            if !roster.contains(&a.subject) {
                errors.push(FieldError::new("subject", Msg::new("err-subject-unknown")).at_row(i + 1));
            }
            for v in [a.routine, a.observation, a.service].into_iter().flatten() {
                if v < Dec4::from_int(0) || v > Dec4::from_int(100) {
                    errors.push(
                        FieldError::new("score", Msg::new("err-score-range").arg("value", v.to_string())).at_row(i + 1),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        let audit =
            caller.audit("assessment.save", format!("cycle:{cycle}")).detail(format!("{} subjects", rows.len()));
        self.ports.assessment_save(cycle, &rows, &audit).await?;
        Ok(rows.len())
    }
}

impl ResultService {
    /// The public export (`scoring.md` §9), once voting has closed; the
    /// restricted one adds evaluator ids in named mode and is audited.
    pub async fn cycle_export(
        &self,
        caller: &Caller,
        cycle: CycleId,
        restricted: bool,
    ) -> Result<crate::results::export::Export> {
        let (c, results) = self.results(caller, cycle).await?;
        if restricted {
            self.ports.audit_append(&caller.audit("export.restricted", format!("cycle:{cycle}"))).await?;
        }
        self.build_export(&c, &results, restricted).await
    }

    /// The export of a cycle whose results are `results`, with its results seal.
    pub(crate) async fn build_export(
        &self,
        c: &Cycle,
        results: &[crate::results::tally::SubjectResult],
        restricted: bool,
    ) -> Result<crate::results::export::Export> {
        use crate::results::export::{BallotOut, CycleOut, Export, FORMAT, SubjectOut, result_out};
        let cycle = c.id;
        let ballots = self.ports.ballot_list(cycle).await?;
        let receipts: Vec<String> = ballots.iter().map(|b| b.receipt.clone()).collect();
        let mut ballots: Vec<BallotOut> = ballots
            .into_iter()
            .map(|b| BallotOut {
                id: b.id,
                group: b.group,
                marks: crate::voting::ballot::marks_to_stored(&b.marks),
                receipt: b.receipt,
                evaluator: if restricted { b.evaluator } else { None },
            })
            .collect();
        ballots.sort_by(|a, b| a.id.cmp(&b.id));
        let assessments = self.ports.assessment_list(cycle).await?;
        let values = self.component_values(c, &assessments).await?;
        let extras = crate::results::assessment::extras(&assessments, &values);
        let mut components: BTreeMap<String, BTreeMap<i64, crate::exact::Frac>> = BTreeMap::new();
        for ((subject, component), v) in &extras.components {
            components.entry(component.as_str().to_string()).or_default().insert(*subject, *v);
        }
        let mut vetoes: Vec<i64> = extras.vetoes.iter().copied().collect();
        vetoes.sort_unstable();
        let mut routine_excellent: Vec<i64> = extras
            .routine_grades
            .iter()
            .filter(|(_, g)| **g == crate::results::tally::RoutineGrade::Excellent)
            .map(|(s, _)| *s)
            .collect();
        routine_excellent.sort_unstable();
        let subjects = self
            .ports
            .subject_list(cycle)
            .await?
            .into_iter()
            .map(|s| SubjectOut { id: s.person_id.0, name: s.person_name, category: s.category, order: s.order })
            .collect();
        let mut group_sizes: BTreeMap<String, u64> = c.scheme.groups.iter().map(|g| (g.code.clone(), 0)).collect();
        for e in self.ports.evaluator_list(cycle).await? {
            *group_sizes.entry(e.group).or_default() += 1;
        }
        let mut export = Export {
            format: FORMAT.into(),
            kind: if restricted { "restricted" } else { "public" }.into(),
            cycle: CycleOut {
                id: c.id.0,
                name: c.name.clone(),
                year: c.year,
                ballot_mode: c.ballot_mode.as_str().into(),
            },
            scheme: c.scheme.clone(),
            subjects,
            ballots,
            seal: Some(crate::voting::ballot::seal(&receipts)),
            components,
            vetoes,
            routine_excellent,
            results: results.iter().map(result_out).collect(),
            group_sizes,
            results_seal: None,
        };
        export.results_seal = Some(crate::results::export::results_seal(&export));
        Ok(export)
    }
}
