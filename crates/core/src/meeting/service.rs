//! The meeting console (评议会): the agenda in presentation order, who is
//! presenting (shown on evaluators' pages), the live tally setting, paper
//! ballots entered by staff, and the state the big screen shows.

use crate::cycles::roster::{Evaluator, Subject};
use crate::cycles::scope::scope_of;
use crate::cycles::{Cycle, Phase};
use crate::error::{CoreError, Msg, Result};
use crate::ids::{CycleId, PersonId};
use crate::reports::ReportStatus;
use crate::results::tally::SubjectResult;
use crate::services::{Caller, Turnout};
use crate::voting::ballot::{MarkInput, ScopeSubject};
use crate::voting::service::Voter;
use std::collections::{HashMap, HashSet};

/// The console: agenda, turnout and who has not voted yet.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub turnout: Turnout,
    /// Subjects in presentation order, with their report status.
    pub agenda: Vec<(Subject, Option<ReportStatus>)>,
    /// Evaluators without a final ballot, by name.
    pub pending: Vec<Evaluator>,
}

/// What the big screen shows; results only once voting has closed, or
/// while open where the cycle allows a live tally.
#[derive(Debug, Clone)]
pub struct Screen {
    pub turnout: Turnout,
    pub presenting: Option<Subject>,
    pub results: Option<Vec<SubjectResult>>,
    pub subjects: Vec<Subject>,
}

crate::services::ports!(
    /// The ports the meeting service uses.
    MeetingPorts: AuditStore, BallotStore, MeetingStore, ReportStore, RosterStore
);

/// The service for the review meeting and its big screen.
#[derive(Clone)]
pub struct MeetingService {
    pub(crate) ports: std::sync::Arc<dyn MeetingPorts>,
    pub(crate) cycles: crate::cycles::service::CycleService,
    pub(crate) voting: crate::voting::service::VotingService,
    pub(crate) results: crate::results::service::ResultService,
}

impl MeetingService {
    /// The meeting console of `cycle`.
    pub async fn meeting(&self, caller: &Caller, cycle: CycleId) -> Result<Meeting> {
        let turnout = self.voting.turnout(caller, cycle).await?;
        let reports: HashMap<PersonId, ReportStatus> =
            self.ports.report_list(cycle).await?.into_iter().map(|r| (r.person_id, r.status)).collect();
        let agenda = self
            .cycles
            .cycle_snapshot(cycle)
            .await?
            .subjects
            .iter()
            .map(|s| (s.clone(), reports.get(&s.person_id).copied()))
            .collect();
        let voted: HashSet<PersonId> = self.ports.participants(cycle).await?.into_iter().collect();
        let pending =
            self.ports.evaluator_list(cycle).await?.into_iter().filter(|e| !voted.contains(&e.person_id)).collect();
        Ok(Meeting { turnout, agenda, pending })
    }

    /// Set (or clear) the subject presenting now; evaluation phase only.
    pub async fn presenting_set(&self, caller: &Caller, cycle: CycleId, subject: Option<PersonId>) -> Result<()> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.phase != Phase::Evaluation {
            return Err(CoreError::Conflict(Msg::new("err-voting-phase")));
        }
        if let Some(p) = subject
            && !self.ports.subject_list(cycle).await?.iter().any(|s| s.person_id == p)
        {
            return Err(CoreError::NotFound("subject"));
        }
        let detail = subject.map_or_else(|| "-".to_string(), |p| format!("person:{p}"));
        let audit = caller.audit("meeting.presenting", format!("cycle:{cycle}")).detail(detail);
        let done = self.ports.presenting_set(cycle, subject, &audit).await;
        self.cycles.forget_cycle(cycle).await;
        done
    }

    /// Allow (or stop) looking at partial results while voting is open.
    pub async fn live_tally_set(&self, caller: &Caller, cycle: CycleId, on: bool) -> Result<()> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.voting.is_closed() {
            return Err(CoreError::Conflict(Msg::new("err-voting-closed")));
        }
        // Anonymous: partial results after each small batch would show what
        // each voter gave (scoring.md §7).
        if on && c.ballot_mode == crate::cycles::BallotMode::Anonymous {
            return Err(CoreError::Conflict(Msg::new("err-live-tally-anonymous")));
        }
        let audit = caller.audit("cycle.live_tally", format!("cycle:{cycle}")).detail(if on { "on" } else { "off" });
        let done = self.ports.live_tally_set(cycle, on, &audit).await;
        self.cycles.forget_cycle(cycle).await;
        done
    }

    /// The subjects `evaluator` grades (for the paper ballot form).
    pub async fn paper_scope(
        &self,
        caller: &Caller,
        cycle: CycleId,
        evaluator: PersonId,
    ) -> Result<(Cycle, Evaluator, Vec<ScopeSubject>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let ev = self.ports.evaluator_get(cycle, evaluator).await?.ok_or(CoreError::NotFound("evaluator"))?;
        let subjects = self.ports.subject_list(cycle).await?;
        let scope = scope_of(&c, &ev.group, Some(ev.person_id), &subjects);
        Ok((c, ev, scope))
    }

    /// A paper ballot entered by staff for an evaluator without a phone:
    /// checked like any ballot, marked as paper, audited with who entered it.
    pub async fn paper_ballot(
        &self,
        caller: &Caller,
        cycle: CycleId,
        evaluator: PersonId,
        key: &str,
        marks: Vec<MarkInput>,
    ) -> Result<String> {
        let (c, ev, scope) = self.paper_scope(caller, cycle, evaluator).await?;
        let voter = Voter { person: ev.person_id, group: &ev.group, paper: true };
        self.voting
            .store_final(&c, &scope, voter, key, marks, |named, receipt| {
                let a = caller.audit("ballot.paper", format!("cycle:{cycle} person:{}", ev.person_id));
                if named { a.detail(format!("receipt {receipt}")) } else { a }
            })
            .await
    }

    /// The big screen's state. Partial results (live tally) are audited
    /// once per screen, when they first show (`audited` remembers it).
    pub async fn screen(
        &self,
        caller: &Caller,
        cycle: CycleId,
        audited: &std::sync::atomic::AtomicBool,
    ) -> Result<Screen> {
        let turnout = self.voting.turnout(caller, cycle).await?;
        let c = &turnout.cycle;
        let subjects = self.cycles.cycle_snapshot(cycle).await?.subjects.to_vec();
        let presenting = c.voting.presenting.and_then(|p| subjects.iter().find(|s| s.person_id == p).cloned());
        let results = if c.voting.is_closed() {
            self.results.results(caller, cycle).await.ok().map(|(_, r)| r)
        } else if c.voting.live_tally && c.voting.is_open() && c.ballot_mode == crate::cycles::BallotMode::Named {
            if !audited.swap(true, std::sync::atomic::Ordering::SeqCst) {
                self.ports.audit_append(&caller.audit("results.view_partial", format!("cycle:{cycle} screen"))).await?;
            }
            self.results.compute(c).await.ok()
        } else {
            None
        };
        Ok(Screen { turnout, presenting, results, subjects })
    }

    /// Changes of any cycle's meeting, from every node.
    pub fn meeting_events(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.ports.meeting_events()
    }
}
