//! Progress reports on an approved plan, verification and sign-off (销号)
//! with reopening, and the reminders sent through the notifier.

use crate::cycles::Phase;
use crate::error::{CoreError, Msg, Result};
use crate::feedback::{MAX_TEXT, ProblemStatus, multiline_text};
use crate::files::Blob;
use crate::ids::{CycleId, PersonId};
use crate::notify::{Notice, NoticeKind};
use crate::ports::SignOffTarget;
use crate::rectification::PlanStatus;
use crate::rectification::progress::{
    Due, EvidenceFile, MAX_EVIDENCE, NewEvidence, Period, ProgressInput, ProgressReport, due, period_for_report,
};
use crate::rectification::service::RectificationService;
use crate::services::{Caller, PlanPage, not_archived};

impl PlanPage {
    /// The day the plan was approved (in the organizer's time zone).
    pub fn approved_on(&self) -> Option<chrono::NaiveDate> {
        self.plan
            .as_ref()
            .filter(|p| p.status == PlanStatus::Approved)
            .and_then(|p| p.reviewed_at)
            .map(|t| t.with_timezone(&crate::time::DEFAULT_TZ).date_naive())
    }

    /// Whether the progress of an open measure is due, soon or overdue
    /// (only once the plan is approved).
    pub fn due_of(&self, measure: i64) -> Due {
        let Some(approved) = self.approved_on() else {
            return Due::No;
        };
        let Some(m) = self.measures.iter().find(|m| m.id == measure) else { return Due::No };
        let open = self.problems.iter().any(|p| p.id == m.problem_id && p.status == ProblemStatus::Open);
        if m.signed_off || !open {
            return Due::No;
        }
        let reported: Vec<String> =
            self.progress.iter().filter(|r| r.measure_id == measure).map(|r| r.period.clone()).collect();
        let f = &self.cycle.feedback;
        due(self.today, f.progress_months, f.reminder_days, approved, &reported)
    }

    /// The most pressing state over all measures (overdue before due).
    pub fn due_overall(&self) -> Due {
        let all: Vec<Due> = self.measures.iter().map(|m| self.due_of(m.id)).collect();
        all.iter()
            .find(|d| matches!(d, Due::Overdue(_)))
            .or_else(|| all.iter().find(|d| matches!(d, Due::Soon(_))))
            .cloned()
            .unwrap_or(Due::No)
    }

    /// Progress reports of a measure, newest first.
    pub fn progress_of(&self, measure: i64) -> Vec<&ProgressReport> {
        self.progress.iter().rev().filter(|r| r.measure_id == measure).collect()
    }

    /// Whether a problem is signed off.
    pub fn signed_off(&self, problem: i64) -> bool {
        self.problems.iter().any(|p| p.id == problem && p.status == ProblemStatus::SignedOff)
    }
}

impl RectificationService {
    /// Report progress on one of the caller's measures.
    pub async fn progress_add(
        &self,
        caller: &Caller,
        cycle: CycleId,
        measure: i64,
        input: &ProgressInput,
        files: Vec<NewEvidence>,
    ) -> Result<ProgressReport> {
        let page = self.my_plan(caller, cycle).await?;
        not_archived(&page.cycle)?;
        let m = page.measures.iter().find(|m| m.id == measure).ok_or(CoreError::NotFound("measure"))?;
        let f = input.validate(m).map_err(CoreError::Invalid)?;
        if files.len() > MAX_EVIDENCE {
            return Err(CoreError::invalid("files", Msg::new("err-evidence-count").arg("max", MAX_EVIDENCE)));
        }
        // A late report catches up the earliest period left without one.
        let reported: Vec<String> =
            page.progress.iter().filter(|r| r.measure_id == measure).map(|r| r.period.clone()).collect();
        let settings = &page.cycle.feedback;
        let period = period_for_report(
            self.today(),
            settings.progress_months,
            settings.reminder_days,
            page.approved_on(),
            &reported,
        )
        .code();
        let audit =
            caller.audit("rectification.progress", format!("measure:{measure}")).detail(format!("cycle:{cycle}"));
        self.ports.progress_add(cycle, caller.actor.person_id, measure, &period, &f, &files, &audit).await
    }

    /// An evidence file of the caller's own reports.
    pub async fn my_evidence(&self, caller: &Caller, cycle: CycleId, file: i64) -> Result<(EvidenceFile, Blob)> {
        self.feedback.my_sheet(caller, cycle).await?;
        self.ports.evidence_get(cycle, caller.actor.person_id, file).await?.ok_or(CoreError::NotFound("file"))
    }

    /// An evidence file of a subject's reports, for the organizer.
    pub async fn evidence(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
        file: i64,
    ) -> Result<(EvidenceFile, Blob)> {
        self.cycles.cycle_get(caller, cycle).await?;
        self.ports.evidence_get(cycle, subject, file).await?.ok_or(CoreError::NotFound("file"))
    }

    /// Verify and sign off a measure or a whole problem.
    pub async fn sign_off(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        note: &str,
    ) -> Result<()> {
        let page = self.plan_for_organizer(caller, cycle, subject).await?;
        not_archived(&page.cycle)?;
        if page.plan.as_ref().is_none_or(|p| p.status != PlanStatus::Approved) {
            return Err(CoreError::Conflict(Msg::new("err-signoff-plan-not-approved")));
        }
        let note = if note.trim().is_empty() {
            String::new()
        } else {
            multiline_text("note", note, MAX_TEXT).map_err(|e| CoreError::Invalid(vec![e]))?
        };
        // A target not reached may still be signed off, but not without a word why.
        let short = page
            .measures
            .iter()
            .filter(|m| !m.signed_off)
            .filter(|m| match target {
                SignOffTarget::Measure(id) => m.id == id,
                SignOffTarget::Problem(id) => m.problem_id == id,
            })
            .filter_map(|m| m.kpi.as_ref())
            .map(|k| (k, k.current.map_or(0, |c| crate::rectification::ledger::kpi_reached(k.baseline, k.target, c))))
            .find(|(_, reached)| *reached < 100);
        if let Some((k, reached)) = short
            && note.is_empty()
        {
            return Err(CoreError::Conflict(
                Msg::new("err-signoff-kpi-unmet").arg("kpi", &k.name).arg("reached", reached),
            ));
        }
        let (action, object) = match target {
            SignOffTarget::Measure(id) => ("rectification.measure.sign_off", format!("measure:{id}")),
            SignOffTarget::Problem(id) => ("rectification.problem.sign_off", format!("problem:{id}")),
        };
        let audit = caller.audit(action, object).detail(format!("cycle:{cycle} person:{subject}"));
        self.ports.sign_off(cycle, subject, target, &note, &audit).await
    }

    /// Reopen a signed-off measure or problem; the reason is required.
    pub async fn reopen(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        reason: &str,
    ) -> Result<()> {
        let page = self.plan_for_organizer(caller, cycle, subject).await?;
        not_archived(&page.cycle)?;
        let reason = multiline_text("reason", reason, MAX_TEXT).map_err(|e| CoreError::Invalid(vec![e]))?;
        let (action, object) = match target {
            SignOffTarget::Measure(id) => ("rectification.measure.reopen", format!("measure:{id}")),
            SignOffTarget::Problem(id) => ("rectification.problem.reopen", format!("problem:{id}")),
        };
        let audit = caller.audit(action, object).detail(format!("cycle:{cycle} person:{subject}"));
        self.ports.reopen(cycle, subject, target, &reason, &audit).await
    }

    /// Send each subject with progress due soon or overdue one notice per
    /// period through the notifier (the app shows them anyway). Returns
    /// how many were sent.
    pub async fn send_reminders(&self) -> Result<usize> {
        let mut sent = 0;
        for c in self.ports.cycle_list(None).await? {
            if !matches!(c.phase, Phase::Feedback | Phase::Rectification) {
                continue;
            }
            for plan in self.ports.plan_list(c.id).await? {
                if plan.status != PlanStatus::Approved {
                    continue;
                }
                let Some(sheet) = self.ports.sheet_get(c.id, plan.subject_id).await? else { continue };
                let page = self.plan_page(c.clone(), sheet).await?;
                let (kind, period, due) = match page.due_overall() {
                    Due::No => continue,
                    Due::Soon(d) => (NoticeKind::ProgressDue, Period::containing(d, c.feedback.progress_months), d),
                    Due::Overdue(p) => (NoticeKind::ProgressOverdue, p, p.last_day()),
                };
                let code = period.code();
                // Claimed before sending, so several nodes send it once; a
                // failed send is logged, not retried (the app shows it anyway).
                if self.ports.notice_once(plan.subject_id, c.id, kind.as_str(), &code).await? {
                    let n = Notice { to: plan.subject_id, cycle: c.id, kind, period: code, due };
                    match self.notifier.notify(&n).await {
                        Ok(()) => sent += 1,
                        Err(e) => tracing::warn!(error = %e, person = n.to.0, cycle = n.cycle.0, "notice not sent"),
                    }
                }
            }
        }
        Ok(sent)
    }
}
