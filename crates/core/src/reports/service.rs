//! Written reports: the subject writes, uploads and submits; the organizer
//! returns with comments or accepts; every write is a kept version.

use crate::cycles::roster::Subject;
use crate::cycles::{Cycle, CycleSettings, CycleSettingsInput};
use crate::error::{CoreError, Msg, Result};
use crate::ids::{CycleId, PersonId};
use crate::ports::ReportWrite;
use crate::reports::{
    AttachmentChange, BODY_MAX, Blob, COMMENT_MAX, Report, ReportStatus, ReportSummary, ReportVersion, html_to_text,
    sanitize_html,
};
use crate::services::Caller;
use crate::time;

/// A subject's own report page.
#[derive(Debug, Clone)]
pub struct MyReport {
    pub cycle: Cycle,
    pub subject: Subject,
    pub report: Option<Report>,
    pub versions: Vec<ReportVersion>,
}

/// What a subject sends when saving.
#[derive(Debug, Clone)]
pub struct ReportSave {
    pub body_html: String,
    pub attachment: AttachmentChange,
    pub submit: bool,
}

/// The submission status of one cycle, for the organizer.
#[derive(Debug, Clone)]
pub struct Submissions {
    pub cycle: Cycle,
    pub rows: Vec<(Subject, Option<ReportSummary>)>,
}

/// Something waiting for the caller on their home page.
#[derive(Debug, Clone)]
pub enum Task {
    /// Write (or look at) one's report in a cycle.
    Report(Cycle),
    /// Read the reports of a cycle as an evaluator.
    Read(Cycle),
}

crate::services::ports!(
    /// The ports the reports service uses.
    ReportPorts: AuditStore, CycleStore, LinkStore, ReadingStore, ReportStore, RosterStore
);

/// The service for reports, reader links and reading.
#[derive(Clone)]
pub struct ReportService {
    pub(crate) ports: std::sync::Arc<dyn ReportPorts>,
    pub(crate) common: crate::services::Common,
    pub(crate) cycles: crate::cycles::service::CycleService,
    pub(crate) rectification: crate::rectification::service::RectificationService,
}

impl ReportService {
    /// The caller's reports to write and reports to read, newest cycle first.
    pub async fn my_tasks(&self, caller: &Caller) -> Result<Vec<Task>> {
        let rc = self.ports.roster_cycles(caller.actor.person_id).await?;
        let mut out = Vec::new();
        for id in rc.subject {
            if let Some(c) = self.ports.cycle_get(id).await?.filter(|c| c.phase.reports_open()) {
                out.push(Task::Report(c));
            }
        }
        for id in rc.evaluator {
            if let Some(c) = self.ports.cycle_get(id).await?.filter(|c| c.phase.links_open()) {
                out.push(Task::Read(c));
            }
        }
        Ok(out)
    }

    /// The cycles in which the caller is a subject, with their reports' state.
    pub async fn my_reports(&self, caller: &Caller) -> Result<Vec<(Cycle, Subject, Option<ReportSummary>)>> {
        let mut out = Vec::new();
        for id in self.ports.roster_cycles(caller.actor.person_id).await?.subject {
            let Some(c) = self.ports.cycle_get(id).await? else { continue };
            let Some(s) =
                self.ports.subject_list(id).await?.into_iter().find(|s| s.person_id == caller.actor.person_id)
            else {
                continue;
            };
            let r = self.ports.report_list(id).await?.into_iter().find(|r| r.person_id == s.person_id);
            out.push((c, s, r));
        }
        Ok(out)
    }

    /// The caller's own report in a cycle; others are refused (audited).
    pub async fn my_report(&self, caller: &Caller, cycle: CycleId) -> Result<MyReport> {
        let c = self.ports.cycle_get(cycle).await?.ok_or(CoreError::NotFound("cycle"))?;
        let subject = self.ports.subject_list(cycle).await?.into_iter().find(|s| s.person_id == caller.actor.person_id);
        let Some(subject) = subject else {
            return Err(self.common.deny(caller, "report.view", format!("cycle:{cycle}")).await);
        };
        let report = self.ports.report_get(cycle, subject.person_id).await?;
        let versions = self.ports.report_versions(cycle, subject.person_id).await?;
        Ok(MyReport { cycle: c, subject, report, versions })
    }

    /// Save the caller's report as a draft, or submit it.
    pub async fn report_save(&self, caller: &Caller, cycle: CycleId, save: ReportSave) -> Result<Report> {
        let mine = self.my_report(caller, cycle).await?;
        if !mine.cycle.phase.reports_open() {
            return Err(CoreError::Conflict(Msg::new("err-reports-closed")));
        }
        let current = mine.report.as_ref().map(|r| r.status);
        if current.is_some_and(|s| !s.editable()) {
            return Err(CoreError::Conflict(Msg::new("err-report-not-editable")));
        }
        if save.body_html.chars().count() > BODY_MAX {
            return Err(CoreError::invalid("body", Msg::new("err-too-long").arg("max", BODY_MAX)));
        }
        let body = sanitize_html(&save.body_html);
        let has_attachment = match &save.attachment {
            AttachmentChange::Keep => mine.report.as_ref().is_some_and(|r| r.attachment.is_some()),
            AttachmentChange::Remove => false,
            AttachmentChange::Replace(_) => true,
        };
        if save.submit && html_to_text(&body).is_empty() && !has_attachment {
            return Err(CoreError::invalid("body", Msg::new("err-report-empty")));
        }
        let status = if save.submit { ReportStatus::Submitted } else { current.unwrap_or(ReportStatus::Draft) };
        let w = ReportWrite {
            cycle_id: cycle,
            person_id: mine.subject.person_id,
            expect: current,
            status,
            body_html: Some(body),
            attachment: save.attachment,
            comment: None,
            author: caller.actor.display_name.clone(),
            now: self.common.clock.now(),
        };
        let action = if save.submit { "report.submit" } else { "report.save" };
        let audit = caller.audit(action, format!("cycle:{cycle} person:{}", mine.subject.person_id));
        self.ports.report_write(&w, &audit).await
    }

    /// Submission status of every subject, for the organizer.
    pub async fn submissions(&self, caller: &Caller, cycle: CycleId) -> Result<Submissions> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let mut reports: std::collections::HashMap<PersonId, ReportSummary> =
            self.ports.report_list(cycle).await?.into_iter().map(|r| (r.person_id, r)).collect();
        let rows = self.ports.subject_list(cycle).await?.into_iter().map(|s| {
            let r = reports.remove(&s.person_id);
            (s, r)
        });
        Ok(Submissions { cycle: c, rows: rows.collect() })
    }

    /// The subjects whose report mentions `text` (body or file text).
    pub async fn reports_search(&self, caller: &Caller, cycle: CycleId, text: &str) -> Result<Vec<PersonId>> {
        self.cycles.cycle_get(caller, cycle).await?;
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        // Stored bodies are HTML: search for the escaped form too.
        let mut out = self.ports.report_search(cycle, text).await?;
        let escaped = ammonia::clean_text(text);
        if escaped != text {
            out.extend(self.ports.report_search(cycle, &escaped).await?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// One subject's report with its versions, for the organizer.
    pub async fn report_for_organizer(&self, caller: &Caller, cycle: CycleId, person: PersonId) -> Result<MyReport> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let subject = self
            .ports
            .subject_list(cycle)
            .await?
            .into_iter()
            .find(|s| s.person_id == person)
            .ok_or(CoreError::NotFound("subject"))?;
        let report = self.ports.report_get(cycle, person).await?;
        let versions = self.ports.report_versions(cycle, person).await?;
        Ok(MyReport { cycle: c, subject, report, versions })
    }

    /// Accept a submitted report, or return it with a comment (required).
    pub async fn report_review(
        &self,
        caller: &Caller,
        cycle: CycleId,
        person: PersonId,
        accept: bool,
        comment: &str,
    ) -> Result<Report> {
        let r = self.report_for_organizer(caller, cycle, person).await?;
        let comment = comment.trim();
        if !accept && comment.is_empty() {
            return Err(CoreError::invalid("comment", Msg::new("err-required")));
        }
        if comment.chars().count() > COMMENT_MAX {
            return Err(CoreError::invalid("comment", Msg::new("err-too-long").arg("max", COMMENT_MAX)));
        }
        if r.report.as_ref().map(|r| r.status) != Some(ReportStatus::Submitted) {
            return Err(CoreError::Conflict(Msg::new("err-report-not-submitted")));
        }
        let w = ReportWrite {
            cycle_id: cycle,
            person_id: person,
            expect: Some(ReportStatus::Submitted),
            status: if accept { ReportStatus::Accepted } else { ReportStatus::Returned },
            body_html: None,
            attachment: AttachmentChange::Keep,
            comment: (!comment.is_empty()).then(|| comment.to_string()),
            author: caller.actor.display_name.clone(),
            now: self.common.clock.now(),
        };
        let action = if accept { "report.accept" } else { "report.return" };
        self.ports.report_write(&w, &caller.audit(action, format!("cycle:{cycle} person:{person}"))).await
    }

    /// A report's attachment for the subject themself or the organizer.
    pub async fn report_file(&self, caller: &Caller, cycle: CycleId, person: PersonId) -> Result<(String, Blob)> {
        let r = if caller.actor.person_id == person {
            self.my_report(caller, cycle).await?
        } else {
            self.report_for_organizer(caller, cycle, person).await?
        };
        self.attachment_of(r.report).await
    }

    pub(crate) async fn attachment_of(&self, report: Option<Report>) -> Result<(String, Blob)> {
        let a = report.and_then(|r| r.attachment).ok_or(CoreError::NotFound("attachment"))?;
        let blob = self.ports.blob_get(&a.digest).await?.ok_or(CoreError::NotFound("attachment"))?;
        Ok((a.name, blob))
    }

    /// Change the reporting settings (deadline, reading minimum, template).
    pub async fn cycle_set_settings(
        &self,
        caller: &Caller,
        cycle: CycleId,
        input: &CycleSettingsInput,
    ) -> Result<CycleSettings> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.phase >= crate::cycles::Phase::Archived {
            return Err(CoreError::Conflict(Msg::new("err-cycle-archived")));
        }
        let s = input.validate(time::DEFAULT_TZ).map_err(CoreError::Invalid)?;
        let done =
            self.ports.cycle_set_settings(cycle, &s, &caller.audit("cycle.settings", format!("cycle:{cycle}"))).await;
        self.cycles.forget_cycle(cycle).await;
        done?;
        Ok(s)
    }
}

/// Whether a report is late: not handed in (or handed in) after the deadline.
pub fn is_late(settings: &CycleSettings, r: Option<&ReportSummary>, now: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(deadline) = settings.report_deadline else { return false };
    match r {
        Some(r) if r.status.handed_in() => r.submitted_at.is_some_and(|t| t > deadline),
        _ => now > deadline,
    }
}
