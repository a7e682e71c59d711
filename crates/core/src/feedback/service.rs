//! Critiques, problems and feedback sheets (点评, 问题, 问题反馈单): the
//! organizer composes each subject's problems and issues the sheets; the
//! subject reads theirs and acknowledges receipt.

use crate::cycles::roster::Subject;
use crate::cycles::{BallotMode, Cycle, Phase};
use crate::error::{CoreError, Msg, Result};
use crate::feedback::ProblemStatus;
use crate::feedback::{
    Critique, FeedbackSheet, MAX_TEXT, Problem, ProblemInput, ProblemSource, SheetContent, SheetProblem, Sources,
    multiline_text,
};
use crate::ids::{CycleId, PersonId};
use crate::ports::NewSheet;
use crate::services::{Caller, not_archived};
use crate::time;
use std::collections::{BTreeSet, HashMap};

/// In an anonymous cycle a remark names its group only when the group has
/// at least this many evaluators; otherwise it is attributed to no group.
pub const ANONYMOUS_GROUP_MIN: usize = 3;

/// One subject's line in the feedback overview.
#[derive(Debug, Clone)]
pub struct SubjectFeedback {
    pub subject: Subject,
    pub critique: bool,
    pub problems: usize,
    pub sheet: Option<FeedbackSheet>,
}

/// Everything about one subject's feedback, for the organizer.
#[derive(Debug, Clone)]
pub struct SubjectDetail {
    pub cycle: Cycle,
    pub subject: Subject,
    pub critique: Option<Critique>,
    pub problems: Vec<Problem>,
    /// (group code, or empty where naming it could identify the evaluator;
    /// remark) of the final ballots, once voting has closed.
    pub remarks: Vec<(String, String)>,
    pub sheet: Option<FeedbackSheet>,
    /// Tags of the subject's problems in the previous cycle (a problem
    /// with one of them is flagged as recurring).
    pub last_year_tags: Vec<String>,
}

impl SubjectDetail {
    /// Whether the remark is already one of the subject's problems.
    pub fn remark_used(&self, remark: &str) -> bool {
        self.problems.iter().any(|p| remark_used(p, remark))
    }
}

fn remark_used(p: &Problem, remark: &str) -> bool {
    p.source == ProblemSource::Remark && p.text.trim() == remark.trim()
}

/// What a bulk issue did.
#[derive(Debug, Clone, Default)]
pub struct IssueOutcome {
    pub issued: Vec<FeedbackSheet>,
    /// Subjects left out: (name, catalog key of the reason).
    pub skipped: Vec<(String, &'static str)>,
}

fn may_compose(c: &Cycle) -> Result<()> {
    if c.phase < Phase::Evaluation {
        return Err(CoreError::Conflict(Msg::new("err-critique-phase")));
    }
    not_archived(c)
}

crate::services::ports!(
    /// The ports the feedback service uses.
    FeedbackPorts: BallotStore, CycleStore, FeedbackStore, RosterStore
);

/// The service for critiques, problems and feedback sheets.
#[derive(Clone)]
pub struct FeedbackService {
    pub(crate) ports: std::sync::Arc<dyn FeedbackPorts>,
    pub(crate) common: crate::services::Common,
    pub(crate) cycles: crate::cycles::service::CycleService,
}

impl FeedbackService {
    /// Every problem of a cycle in the caller's scope.
    pub async fn problems(&self, caller: &Caller, cycle: CycleId) -> Result<Vec<crate::feedback::Problem>> {
        self.cycles.cycle_get(caller, cycle).await?;
        self.ports.problem_list(cycle, None).await
    }

    async fn subject_of(&self, cycle: CycleId, subject: PersonId) -> Result<Subject> {
        self.ports
            .subject_list(cycle)
            .await?
            .into_iter()
            .find(|s| s.person_id == subject)
            .ok_or(CoreError::NotFound("subject"))
    }

    /// Every subject with the state of their critique, problems and sheet.
    pub async fn feedback_overview(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<SubjectFeedback>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let critiques: BTreeSet<PersonId> =
            self.ports.critique_list(cycle).await?.into_iter().map(|x| x.subject_id).collect();
        let mut problems: HashMap<PersonId, usize> = HashMap::new();
        for p in self.ports.problem_list(cycle, None).await? {
            *problems.entry(p.subject_id).or_default() += 1;
        }
        let mut sheets: HashMap<PersonId, FeedbackSheet> =
            self.ports.sheet_list(cycle).await?.into_iter().map(|s| (s.subject_id, s)).collect();
        let rows = self
            .ports
            .subject_list(cycle)
            .await?
            .into_iter()
            .map(|s| SubjectFeedback {
                critique: critiques.contains(&s.person_id),
                problems: problems.get(&s.person_id).copied().unwrap_or(0),
                sheet: sheets.remove(&s.person_id),
                subject: s,
            })
            .collect();
        Ok((c, rows))
    }

    /// One subject's critique, problems, quotable remarks and sheet.
    pub async fn feedback_subject(&self, caller: &Caller, cycle: CycleId, subject: PersonId) -> Result<SubjectDetail> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let s = self.subject_of(cycle, subject).await?;
        let critique = self.ports.critique_list(cycle).await?.into_iter().find(|x| x.subject_id == subject);
        let problems = self.ports.problem_list(cycle, Some(subject)).await?;
        let remarks = self.remarks_of(&c, subject).await?;
        let sheet = self.ports.sheet_get(cycle, subject).await?;
        let last_year_tags = self.recurring_tags(&c).await?.remove(&subject).unwrap_or_default();
        Ok(SubjectDetail { cycle: c, subject: s, critique, problems, remarks, sheet, last_year_tags })
    }

    /// The evaluators' remarks on `subject`, by group (never by person),
    /// sorted so their order says nothing about who wrote them; only once
    /// voting has closed. In an anonymous cycle the remarks of a group with
    /// fewer than [`ANONYMOUS_GROUP_MIN`] ballots on this subject are left
    /// out: quoting them could point at the evaluator.
    async fn remarks_of(&self, c: &Cycle, subject: PersonId) -> Result<Vec<(String, String)>> {
        if !c.voting.is_closed() {
            return Ok(Vec::new());
        }
        let ballots = self.ports.ballot_list(c.id).await?;
        let mut small: BTreeSet<String> = BTreeSet::new();
        if c.ballot_mode == BallotMode::Anonymous {
            let mut sizes: HashMap<&str, usize> = HashMap::new();
            for b in ballots.iter().filter(|b| b.marks.contains_key(&subject.0)) {
                *sizes.entry(b.group.as_str()).or_default() += 1;
            }
            small = sizes.into_iter().filter(|(_, n)| *n < ANONYMOUS_GROUP_MIN).map(|(g, _)| g.to_string()).collect();
        }
        let mut out: BTreeSet<(String, String)> = BTreeSet::new();
        for b in &ballots {
            if small.contains(&b.group) {
                continue;
            }
            if let Some(r) = b.remarks.get(&subject.0) {
                let r = r.trim();
                if !r.is_empty() {
                    out.insert((b.group.clone(), r.to_string()));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// A subject's critique, if recorded.
    pub async fn critique_get(&self, caller: &Caller, cycle: CycleId, subject: PersonId) -> Result<Option<Critique>> {
        self.cycles.cycle_get(caller, cycle).await?;
        Ok(self.ports.critique_list(cycle).await?.into_iter().find(|x| x.subject_id == subject))
    }

    /// Write (or clear, with an empty text) the critique of a subject: in
    /// the meeting while they present, or afterwards.
    pub async fn critique_set(&self, caller: &Caller, cycle: CycleId, subject: PersonId, text: &str) -> Result<()> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        may_compose(&c)?;
        self.subject_of(cycle, subject).await?;
        let text = if text.trim().is_empty() {
            String::new()
        } else {
            multiline_text("critique", text, MAX_TEXT).map_err(|e| CoreError::Invalid(vec![e]))?
        };
        let audit = caller.audit("feedback.critique", format!("cycle:{cycle}")).detail(format!("person:{subject}"));
        self.ports.critique_set(cycle, subject, &text, &audit).await
    }

    async fn checked_problem(
        &self,
        c: &Cycle,
        subject: PersonId,
        input: &ProblemInput,
    ) -> Result<crate::feedback::ProblemFields> {
        let critique = self.ports.critique_list(c.id).await?.into_iter().find(|x| x.subject_id == subject);
        let remarks = if ProblemSource::parse(input.source.trim()) == Some(ProblemSource::Remark) {
            self.remarks_of(c, subject).await?
        } else {
            Vec::new()
        };
        let src =
            Sources { critique: critique.as_ref().map(|x| x.text.as_str()), remarks: &remarks, tags: &c.feedback.tags };
        input.validate(&src).map_err(CoreError::Invalid)
    }

    /// Add a problem to a subject's list (before their sheet is issued).
    pub async fn problem_add(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
        input: &ProblemInput,
    ) -> Result<Problem> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        may_compose(&c)?;
        self.subject_of(cycle, subject).await?;
        // Once the sheet is out, nothing is added, whatever the input.
        if self.ports.sheet_get(cycle, subject).await?.is_some() {
            return Err(CoreError::Conflict(Msg::new("err-problem-issued")));
        }
        let f = self.checked_problem(&c, subject, input).await?;
        // A remark goes on the sheet once: quoted twice, it would read as two problems.
        if f.source == ProblemSource::Remark
            && self.ports.problem_list(cycle, Some(subject)).await?.iter().any(|p| remark_used(p, &f.text))
        {
            return Err(CoreError::Conflict(Msg::new("err-problem-remark-used")));
        }
        let audit = caller
            .audit("feedback.problem.add", "problem:new")
            .detail(format!("cycle:{cycle} person:{subject} source:{}", f.source.as_str()));
        self.ports.problem_add(cycle, subject, &f, &audit).await
    }

    async fn problem_of(&self, cycle: CycleId, id: i64) -> Result<Problem> {
        self.ports
            .problem_list(cycle, None)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(CoreError::NotFound("problem"))
    }

    /// Change a problem (while it is a draft).
    pub async fn problem_update(
        &self,
        caller: &Caller,
        cycle: CycleId,
        id: i64,
        input: &ProblemInput,
    ) -> Result<Problem> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        may_compose(&c)?;
        let p = self.problem_of(cycle, id).await?;
        let f = self.checked_problem(&c, p.subject_id, input).await?;
        let audit = caller.audit("feedback.problem.update", format!("problem:{id}"));
        self.ports.problem_update(cycle, id, &f, &audit).await
    }

    pub async fn problem_delete(&self, caller: &Caller, cycle: CycleId, id: i64) -> Result<PersonId> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        may_compose(&c)?;
        let p = self.problem_of(cycle, id).await?;
        self.ports.problem_delete(cycle, id, &caller.audit("feedback.problem.delete", format!("problem:{id}"))).await?;
        Ok(p.subject_id)
    }

    pub async fn problem_move(&self, caller: &Caller, cycle: CycleId, id: i64, up: bool) -> Result<PersonId> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        may_compose(&c)?;
        let p = self.problem_of(cycle, id).await?;
        let audit =
            caller.audit("feedback.problem.move", format!("problem:{id}")).detail(if up { "up" } else { "down" });
        self.ports.problem_move(cycle, id, up, &audit).await?;
        Ok(p.subject_id)
    }

    /// Issue the sheets of every subject of `category` (or of all) that has
    /// problems and no sheet yet, in presentation order, in one transaction.
    pub async fn sheets_issue(&self, caller: &Caller, cycle: CycleId, category: Option<&str>) -> Result<IssueOutcome> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        if !c.voting.is_closed() {
            return Err(CoreError::Conflict(Msg::new("err-sheet-before-close")));
        }
        not_archived(&c)?;
        let mut problems: HashMap<PersonId, Vec<Problem>> = HashMap::new();
        for p in self.ports.problem_list(cycle, None).await? {
            problems.entry(p.subject_id).or_default().push(p);
        }
        let issued: BTreeSet<PersonId> =
            self.ports.sheet_list(cycle).await?.into_iter().map(|s| s.subject_id).collect();
        let today = self.common.clock.now().with_timezone(&time::DEFAULT_TZ).date_naive();
        let plan_due = today + chrono::Days::new(u64::from(c.feedback.plan_due_days));
        let mut out = IssueOutcome::default();
        let mut sheets = Vec::new();
        for s in self.ports.subject_list(cycle).await? {
            if category.is_some_and(|k| k != s.category) {
                continue;
            }
            if issued.contains(&s.person_id) {
                out.skipped.push((s.person_name.clone(), "sheet-skip-issued"));
                continue;
            }
            let Some(list) = problems.remove(&s.person_id).filter(|l| !l.is_empty()) else {
                out.skipped.push((s.person_name.clone(), "sheet-skip-no-problems"));
                continue;
            };
            sheets.push(NewSheet { subject_id: s.person_id, content: content(&c, &s, &list, today, plan_due) });
        }
        if sheets.is_empty() {
            return Ok(out);
        }
        let audit =
            caller.audit("feedback.sheets.issue", format!("cycle:{cycle}")).detail(category.unwrap_or("*").to_string());
        out.issued =
            self.ports.sheet_issue(cycle, c.organizer_id, c.year, &c.feedback.number_pattern, &sheets, &audit).await?;
        Ok(out)
    }

    /// An issued sheet, for the organizer.
    pub async fn sheet_for_organizer(
        &self,
        caller: &Caller,
        cycle: CycleId,
        subject: PersonId,
    ) -> Result<FeedbackSheet> {
        self.cycles.cycle_get(caller, cycle).await?;
        self.ports.sheet_get(cycle, subject).await?.ok_or(CoreError::NotFound("sheet"))
    }

    /// Every sheet of the cycles in which the caller is a subject, newest first.
    pub async fn my_sheets(&self, caller: &Caller) -> Result<Vec<FeedbackSheet>> {
        let mut out = Vec::new();
        for id in self.ports.roster_cycles(caller.actor.person_id).await?.subject {
            if let Some(s) = self.ports.sheet_get(id, caller.actor.person_id).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The caller's own sheet of `cycle`.
    /// Only the cycle's subjects may ask (others: an audited 403).
    pub async fn my_sheet(&self, caller: &Caller, cycle: CycleId) -> Result<FeedbackSheet> {
        if !self.ports.subject_list(cycle).await?.iter().any(|s| s.person_id == caller.actor.person_id) {
            return Err(self.common.deny(caller, "feedback.sheet.view", format!("cycle:{cycle}")).await);
        }
        self.ports.sheet_get(cycle, caller.actor.person_id).await?.ok_or(CoreError::NotFound("sheet"))
    }

    /// The subject confirms they received their sheet (once).
    pub async fn sheet_acknowledge(&self, caller: &Caller, cycle: CycleId) -> Result<FeedbackSheet> {
        let sheet = self.my_sheet(caller, cycle).await?;
        if let Some(c) = self.ports.cycle_get(cycle).await? {
            not_archived(&c)?;
        }
        if sheet.acknowledged_at.is_none() {
            let audit =
                caller.audit("feedback.sheet.acknowledge", format!("sheet:{}", sheet.id)).detail(sheet.number.clone());
            self.ports.sheet_acknowledge(cycle, caller.actor.person_id, &audit).await?;
        }
        self.my_sheet(caller, cycle).await
    }

    /// The tags of the problems each subject had in the organizer's
    /// previous cycle (the one this cycle was copied from, else the latest
    /// earlier year).
    pub async fn recurring_tags(&self, c: &Cycle) -> Result<HashMap<PersonId, Vec<String>>> {
        let Some(prev) = self.cycles.previous_cycle(c).await? else { return Ok(HashMap::new()) };
        let mut out: HashMap<PersonId, Vec<String>> = HashMap::new();
        for p in self.ports.problem_list(prev.id, None).await? {
            if p.status != ProblemStatus::Draft {
                out.entry(p.subject_id).or_default().push(p.tag);
            }
        }
        Ok(out)
    }
}

/// What a subject's sheet says (numbered by the store).
fn content(
    c: &Cycle,
    s: &Subject,
    problems: &[Problem],
    issued_on: chrono::NaiveDate,
    plan_due: chrono::NaiveDate,
) -> SheetContent {
    let f = &c.feedback;
    SheetContent {
        title: f.title.clone(),
        number: String::new(),
        cycle_name: c.name.clone(),
        year: c.year,
        subject_name: s.person_name.clone(),
        post: s.post.clone(),
        unit: s.org_unit_name.clone().unwrap_or_default(),
        category: c.category_name(&s.category),
        problems: problems
            .iter()
            .map(|p| SheetProblem {
                problem_id: p.id,
                text: p.text.clone(),
                tag: p.tag.clone(),
                severity: p.severity,
                source: p.source,
                group_label: p.group.as_ref().filter(|g| !g.is_empty()).map(|g| c.scheme.group_label(g)),
            })
            .collect(),
        requirements: f.requirements_for(plan_due),
        issuing_body: f.issuing_body.clone(),
        issued_on,
        plan_due,
        title_font: f.title_font.clone(),
        body_font: f.body_font.clone(),
        body_size_half_points: f.body_size_half_points,
    }
}
