//! Rectification plans (整改方案): the subject writes measures for each
//! problem of their issued sheet and submits the plan; the organizer
//! approves it or returns it with comments; every version is kept.

use crate::cycles::feedback_settings::FeedbackSettingsInput;
use crate::cycles::{Cycle, Phase};
use crate::error::{CoreError, Msg, Result};
use crate::feedback::{FeedbackSheet, MAX_TEXT, Problem, ProblemStatus, multiline_text};
use crate::ids::{CycleId, PersonId};
use crate::rectification::{Measure, MeasureInput, Plan, PlanStatus, PlanVersion, uncovered};
use crate::services::{Caller, not_archived};
use crate::time;
use std::collections::HashMap;

/// Everything about one subject's plan.
#[derive(Debug, Clone)]
pub struct PlanPage {
    pub cycle: Cycle,
    pub sheet: FeedbackSheet,
    pub problems: Vec<Problem>,
    pub measures: Vec<Measure>,
    pub plan: Option<Plan>,
    pub versions: Vec<PlanVersion>,
    /// Progress reports, oldest first.
    pub progress: Vec<crate::rectification::progress::ProgressReport>,
    /// Who did what, when (submissions, reviews, reports, sign-offs).
    pub events: Vec<crate::rectification::progress::RectificationEvent>,
    /// The day the page was read for (in the organizer's time zone).
    pub today: chrono::NaiveDate,
}

impl PlanPage {
    /// The subject may change measures now.
    pub fn editable(&self) -> bool {
        self.cycle.phase != Phase::Archived && self.plan.as_ref().is_none_or(|p| p.status.editable())
    }

    /// The measures of a problem.
    pub fn measures_of(&self, problem: i64) -> Vec<&Measure> {
        self.measures.iter().filter(|m| m.problem_id == problem).collect()
    }
}

crate::services::ports!(
    /// The ports the rectification service uses.
    RectificationPorts: CycleStore, FeedbackStore, RectificationStore, RosterStore
);

/// The service for plans, progress and the ledger.
#[derive(Clone)]
pub struct RectificationService {
    pub(crate) ports: std::sync::Arc<dyn RectificationPorts>,
    pub(crate) common: crate::services::Common,
    pub(crate) cycles: crate::cycles::service::CycleService,
    pub(crate) feedback: crate::feedback::service::FeedbackService,
    /// Where reminders and overdue flags go besides the app's own pages.
    pub(crate) notifier: std::sync::Arc<dyn crate::notify::Notifier>,
}

impl RectificationService {
    /// Today in the organizer's time zone.
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        self.common.clock.now().with_timezone(&time::DEFAULT_TZ).date_naive()
    }

    pub(crate) async fn plan_page(&self, cycle: Cycle, sheet: FeedbackSheet) -> Result<PlanPage> {
        let subject = sheet.subject_id;
        let problems = self.ports.problem_list(cycle.id, Some(subject)).await?;
        let measures = self.ports.measure_list(cycle.id, Some(subject)).await?;
        let plan = self.ports.plan_get(cycle.id, subject).await?;
        let versions = self.ports.plan_versions(cycle.id, subject).await?;
        let progress = self.ports.progress_list(cycle.id, Some(subject)).await?;
        let events = self.ports.events(cycle.id, subject).await?;
        Ok(PlanPage { cycle, sheet, problems, measures, plan, versions, progress, events, today: self.today() })
    }

    /// The caller's own plan for the problems of their sheet in `cycle`.
    pub async fn my_plan(&self, caller: &Caller, cycle: CycleId) -> Result<PlanPage> {
        let sheet = self.feedback.my_sheet(caller, cycle).await?;
        let c = self.ports.cycle_get(cycle).await?.ok_or(CoreError::NotFound("cycle"))?;
        self.plan_page(c, sheet).await
    }

    /// A subject's plan, for the organizer.
    pub async fn plan_for_organizer(&self, caller: &Caller, cycle: CycleId, subject: PersonId) -> Result<PlanPage> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let sheet = self.ports.sheet_get(cycle, subject).await?.ok_or(CoreError::NotFound("sheet"))?;
        self.plan_page(c, sheet).await
    }

    async fn editable_plan(&self, caller: &Caller, cycle: CycleId) -> Result<PlanPage> {
        let page = self.my_plan(caller, cycle).await?;
        not_archived(&page.cycle)?;
        if !page.editable() {
            return Err(CoreError::Conflict(Msg::new("err-plan-not-editable")));
        }
        Ok(page)
    }

    fn open_problems(page: &PlanPage) -> Vec<i64> {
        page.problems.iter().filter(|p| p.status == ProblemStatus::Open).map(|p| p.id).collect()
    }

    /// Add a measure to a problem of the caller's sheet.
    pub async fn measure_add(&self, caller: &Caller, cycle: CycleId, input: &MeasureInput) -> Result<Measure> {
        let page = self.editable_plan(caller, cycle).await?;
        let f = input.validate(&Self::open_problems(&page), self.today()).map_err(CoreError::Invalid)?;
        let audit = caller
            .audit("rectification.measure.add", "measure:new")
            .detail(format!("cycle:{cycle} problem:{}", f.problem_id));
        self.ports.measure_add(cycle, caller.actor.person_id, &f, &audit).await
    }

    pub async fn measure_update(
        &self,
        caller: &Caller,
        cycle: CycleId,
        id: i64,
        input: &MeasureInput,
    ) -> Result<Measure> {
        let page = self.editable_plan(caller, cycle).await?;
        let f = input.validate(&Self::open_problems(&page), self.today()).map_err(CoreError::Invalid)?;
        let audit = caller.audit("rectification.measure.update", format!("measure:{id}"));
        self.ports.measure_update(cycle, caller.actor.person_id, id, &f, &audit).await
    }

    pub async fn measure_delete(&self, caller: &Caller, cycle: CycleId, id: i64) -> Result<()> {
        self.editable_plan(caller, cycle).await?;
        let audit = caller.audit("rectification.measure.delete", format!("measure:{id}"));
        self.ports.measure_delete(cycle, caller.actor.person_id, id, &audit).await
    }

    /// Submit the plan: every open problem needs at least one measure.
    pub async fn plan_submit(&self, caller: &Caller, cycle: CycleId) -> Result<Plan> {
        let page = self.editable_plan(caller, cycle).await?;
        let uncovered = uncovered(page.sheet.content.problems.iter().map(|p| p.problem_id), &page.measures);
        if !uncovered.is_empty() {
            return Err(CoreError::Invalid(uncovered));
        }
        let audit =
            caller.audit("rectification.plan.submit", format!("cycle:{cycle}")).detail(page.sheet.number.clone());
        self.ports.plan_submit(cycle, caller.actor.person_id, &audit).await
    }

    /// Approve a submitted plan, or return it (a comment is required).
    pub async fn plan_review(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
        approve: bool,
        comment: &str,
    ) -> Result<Plan> {
        let page = self.plan_for_organizer(caller, cycle, subject).await?;
        not_archived(&page.cycle)?;
        let comment = if comment.trim().is_empty() {
            if !approve {
                return Err(CoreError::invalid("comment", Msg::new("err-plan-return-comment")));
            }
            None
        } else {
            Some(multiline_text("comment", comment, MAX_TEXT).map_err(|e| CoreError::Invalid(vec![e]))?)
        };
        let action = if approve { "rectification.plan.approve" } else { "rectification.plan.return" };
        let audit = caller.audit(action, format!("cycle:{cycle}")).detail(page.sheet.number.clone());
        self.ports.plan_review(cycle, subject, approve, comment.as_deref(), &audit).await
    }
}

impl RectificationService {
    /// Each subject's plan state, for the feedback overview.
    pub async fn plan_statuses(&self, caller: &Caller, cycle: CycleId) -> Result<HashMap<PersonId, PlanStatus>> {
        self.cycles.cycle_get(caller, cycle).await?;
        Ok(self.ports.plan_list(cycle).await?.into_iter().map(|p| (p.subject_id, p.status)).collect())
    }

    /// Change a cycle's feedback settings: numbering, layout, requirements,
    /// tag vocabulary and the progress period (fixed once a plan is approved,
    /// which is why this lives with the plans).
    pub async fn feedback_settings_set(
        &self,
        caller: &Caller,
        cycle: CycleId,
        input: &FeedbackSettingsInput,
    ) -> Result<()> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        not_archived(&c)?;
        let s = input.validate().map_err(CoreError::Invalid)?;
        // Reports are filed by period: the period length stays once a plan
        // is approved (its reports would no longer match).
        if s.progress_months != c.feedback.progress_months
            && self.ports.plan_list(cycle).await?.iter().any(|p| p.status == PlanStatus::Approved)
        {
            return Err(CoreError::invalid("progress_months", Msg::new("err-progress-months-fixed")));
        }
        let done = self
            .ports
            .cycle_set_feedback(cycle, &s, &caller.audit("feedback.settings", format!("cycle:{cycle}")))
            .await;
        self.cycles.forget_cycle(cycle).await;
        done
    }
}
