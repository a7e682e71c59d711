//! Voting (`scoring.md` §2, §7): the organizer opens and closes it; an
//! evaluator keeps a draft and submits one final ballot; results come from
//! the scoring engine once voting has closed.

use crate::accounts::auth::token_digest;
use crate::cycles::snapshot::CycleSnapshot;
use crate::cycles::{BallotMode, Cycle, Phase};
use crate::error::{CoreError, Msg, Result};
use crate::ids::{CycleId, PersonId};
use crate::reports::reading::Reader;
use crate::services::Caller;
use crate::voting::ballot::{MarkInput, NewBallot, ScopeSubject, SubmitOutcome, check_final, receipt_and_request_hash};
use std::collections::HashSet;
use std::sync::Arc;

/// An evaluator's ballot page.
#[derive(Debug, Clone)]
pub struct BallotPage {
    pub cycle: Cycle,
    pub scope: Arc<Vec<ScopeSubject>>,
    /// The draft so far (or nothing).
    pub draft: Vec<MarkInput>,
    pub voted: bool,
    /// Subjects whose handed-in report the evaluator has not opened.
    pub unread: HashSet<i64>,
}

/// Who a final ballot is for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Voter<'a> {
    pub person: PersonId,
    pub group: &'a str,
    /// Entered by staff from a paper ballot.
    pub paper: bool,
}

/// Turnout: who was expected, who voted.
#[derive(Debug, Clone)]
pub struct Turnout {
    pub cycle: Cycle,
    pub expected: usize,
    pub voted: usize,
    /// (group label, expected, voted)
    pub groups: Vec<(String, usize, usize)>,
}

crate::services::ports!(
    /// The ports the voting service uses.
    VotingPorts: AuditStore, BallotStore, CycleStore, RosterStore, ReportStore, ReadingStore
);

/// The service for ballots and turnout.
#[derive(Clone)]
pub struct VotingService {
    pub(crate) ports: std::sync::Arc<dyn VotingPorts>,
    pub(crate) common: crate::services::Common,
    pub(crate) cycles: crate::cycles::service::CycleService,
    pub(crate) audit: crate::audit::service::AuditService,
}

impl VotingService {
    /// Open or close voting (evaluation phase only; closing seals the ballot set).
    pub async fn voting_set(&self, caller: &Caller, cycle: CycleId, open: bool) -> Result<Option<String>> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.phase != Phase::Evaluation {
            return Err(CoreError::Conflict(Msg::new("err-voting-phase")));
        }
        let action = if open { "voting.open" } else { "voting.close" };
        let done = self
            .ports
            .voting_set(cycle, open, self.common.clock.now(), &caller.audit(action, format!("cycle:{cycle}")))
            .await;
        self.cycles.forget_cycle(cycle).await;
        let done = done?;
        if !open && done.is_some() {
            // The ballot-set seal is in the log: anchor it at once.
            self.audit.audit_anchor().await;
        }
        match done {
            Some(seal) => Ok((!open).then_some(seal)),
            None => Err(CoreError::Conflict(Msg::new(if open { "err-voting-opened" } else { "err-voting-not-open" }))),
        }
    }

    /// The reader's cycle and the subjects they grade, in presentation order.
    pub async fn ballot_scope(&self, reader: &Reader) -> Result<(Arc<CycleSnapshot>, Arc<Vec<ScopeSubject>>)> {
        let snapshot = self.cycles.cycle_snapshot(reader.cycle_id).await?;
        let scope = snapshot.scope(&reader.group, reader.person_id);
        Ok((snapshot, scope))
    }

    /// The ballot page: scope, draft, whether the evaluator has voted.
    pub async fn ballot_page(&self, reader: &Reader) -> Result<BallotPage> {
        let (snapshot, scope) = self.ballot_scope(reader).await?;
        let cycle = snapshot.cycle.clone();
        let draft = match self.ports.draft_get(cycle.id, reader.person_id).await? {
            Some((marks, _)) => serde_json::from_str(&marks).unwrap_or_default(),
            None => Vec::new(),
        };
        let voted = self.ports.has_voted(cycle.id, reader.person_id).await?;
        let handed_in: HashSet<PersonId> = self
            .ports
            .report_list(cycle.id)
            .await?
            .into_iter()
            .filter(|r| r.status.handed_in())
            .map(|r| r.person_id)
            .collect();
        let opened: HashSet<PersonId> = self
            .ports
            .reading_list(cycle.id, Some(reader.person_id))
            .await?
            .into_iter()
            .filter(|r| r.opened_at.is_some())
            .map(|r| r.subject_id)
            .collect();
        let unread = scope
            .iter()
            .map(|s| PersonId(s.id))
            .filter(|p| handed_in.contains(p) && !opened.contains(p))
            .map(|p| p.0)
            .collect();
        Ok(BallotPage { cycle, scope, draft, voted, unread })
    }

    /// Keep the evaluator's marks so far (any state; checked only on submit).
    pub async fn ballot_save_draft(&self, reader: &Reader, marks: &[MarkInput]) -> Result<()> {
        let c = self.ports.cycle_get(reader.cycle_id).await?.ok_or(CoreError::NotFound("cycle"))?;
        if c.phase != Phase::Evaluation || c.voting.is_closed() {
            return Err(CoreError::Conflict(Msg::new("err-voting-not-open")));
        }
        if self.ports.has_voted(c.id, reader.person_id).await? {
            return Err(CoreError::Conflict(Msg::new("err-ballot-already")));
        }
        let json = serde_json::to_string(marks).expect("marks serialize");
        self.ports.draft_save(c.id, reader.person_id, &json, "{}", self.common.clock.now()).await
    }

    /// Submit the final ballot; the receipt. The same key and body again
    /// give the same receipt and store nothing.
    pub async fn ballot_submit(&self, reader: &Reader, key: &str, marks: Vec<MarkInput>) -> Result<String> {
        let (snapshot, scope) = self.ballot_scope(reader).await?;
        let cycle = &snapshot.cycle;
        let voter = Voter { person: reader.person_id, group: &reader.group, paper: false };
        // Anonymous: the audit entry records participation, never the ballot.
        self.store_final(cycle, &scope, voter, key, marks, |named, receipt| {
            if named {
                reader.audit("ballot.submit", format!("cycle:{}", cycle.id)).detail(format!("receipt {receipt}"))
            } else {
                reader.audit("ballot.participate", format!("cycle:{}", cycle.id))
            }
        })
        .await
    }

    /// Check and store a final ballot for `voter` (see [`Self::ballot_submit`]).
    pub(crate) async fn store_final(
        &self,
        cycle: &Cycle,
        scope: &[ScopeSubject],
        voter: Voter<'_>,
        key: &str,
        marks: Vec<MarkInput>,
        audit: impl FnOnce(bool, &str) -> crate::audit::AuditDraft,
    ) -> Result<String> {
        // Whether voting is open is checked in the store's transaction, after
        // a replay (the first answer is returned even after closing).
        let key = key.trim();
        if key.len() < 16 || key.len() > 128 {
            return Err(CoreError::invalid("key", Msg::new("err-ballot-key")));
        }
        let checked = check_final(&cycle.scheme, scope, marks).map_err(CoreError::Invalid)?;
        let ballot_id = crate::accounts::auth::random_token(16);
        let remarks = serde_json::to_string(&checked.remarks).expect("remarks serialize");
        let (receipt, request_hash) = receipt_and_request_hash(cycle.id.0, &ballot_id, voter.group, &checked, &remarks);
        let named = cycle.ballot_mode == BallotMode::Named;
        let audit = audit(named, &receipt);
        let b = NewBallot {
            cycle: cycle.id.0,
            id: ballot_id,
            group: voter.group.to_string(),
            evaluator: named.then_some(voter.person.0),
            participant: voter.person.0,
            contributions: crate::voting::counts::contributions(&cycle.scheme, voter.group, &checked.marks),
            marks: crate::voting::ballot::stored_json(&checked.marks),
            remarks,
            receipt,
            // In anonymous mode a marked paper ballot would single out whom staff
            // entered it for (the audit log names them): not marked.
            paper: voter.paper && named,
            key_hash: token_digest(key),
            request_hash,
        };
        match self.ports.ballot_submit(b, audit).await? {
            SubmitOutcome::Stored(r) | SubmitOutcome::Replayed(r) => Ok(r),
            SubmitOutcome::KeyReused => Err(CoreError::invalid("key", Msg::new("err-ballot-key-reused"))),
            SubmitOutcome::AlreadyVoted => Err(CoreError::Conflict(Msg::new("err-ballot-already"))),
            SubmitOutcome::InFlight => Err(CoreError::Conflict(Msg::new("err-ballot-in-flight"))),
            SubmitOutcome::VotingClosed => Err(CoreError::Conflict(Msg::new("err-voting-not-open"))),
        }
    }

    /// Turnout per group, for the organizer (and later the big screen).
    pub async fn turnout(&self, caller: &Caller, cycle: CycleId) -> Result<Turnout> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        // Rosters are fixed from evaluation on: the expected counts come from
        // the node's snapshot, the votes from one grouped count.
        let snapshot = self.cycles.cycle_snapshot(cycle).await?;
        let voted: std::collections::HashMap<String, u64> =
            self.ports.turnout_counts(cycle).await?.into_iter().collect();
        let groups: Vec<(String, usize, usize)> = c
            .scheme
            .groups
            .iter()
            .map(|g| {
                let expected = snapshot.evaluators.values().filter(|e| e.group == g.code).count();
                (g.label.clone(), expected, voted.get(&g.code).copied().unwrap_or(0) as usize)
            })
            .collect();
        Ok(Turnout {
            expected: snapshot.evaluators.len(),
            voted: voted.values().sum::<u64>() as usize,
            groups,
            cycle: c,
        })
    }

    /// Who gave what to one subject (named mode only; every view audited):
    /// (evaluator name, group code, grade code or None for 不了解, remark).
    pub async fn named_ballots(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
    ) -> Result<Vec<(String, String, Option<String>, Option<String>)>> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if c.ballot_mode != BallotMode::Named {
            return Err(CoreError::Conflict(Msg::new("err-ballots-anonymous")));
        }
        let names: std::collections::HashMap<i64, String> =
            self.ports.evaluator_list(cycle).await?.into_iter().map(|e| (e.person_id.0, e.person_name)).collect();
        let overall = c.scheme.items.iter().find(|i| i.overall).map(|i| i.code.clone()).unwrap_or_default();
        self.ports.audit_append(&caller.audit("ballot.view_named", format!("cycle:{cycle} person:{subject}"))).await?;
        let mut out: Vec<(String, String, Option<String>, Option<String>)> = self
            .ports
            .ballot_list(cycle)
            .await?
            .into_iter()
            .filter_map(|b| {
                let mark = b.marks.get(&subject.0)?;
                let grade = match mark {
                    crate::voting::counts::Mark::Abstain => None,
                    crate::voting::counts::Mark::Grades(g) => g.get(&overall).map(str::to_string),
                };
                let who = b.evaluator.and_then(|e| names.get(&e).cloned()).unwrap_or_default();
                Some((who, b.group, grade, b.remarks.get(&subject.0).cloned()))
            })
            .collect();
        out.sort();
        Ok(out)
    }
}
