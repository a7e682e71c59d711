//! Reading and annotation by evaluators, and the organizer's view of how
//! carefully the reports were read.

use crate::cycles::Cycle;
use crate::cycles::roster::{Evaluator, Subject};
use crate::cycles::scope::in_scope;
use crate::error::{CoreError, Msg, Result};
use crate::ids::{CycleId, PersonId};
use crate::reports::reading::{NOTE_MAX, Note, PING_MAX_SECONDS, QUOTE_MAX, Reader, ReadingRecord};
use crate::reports::service::ReportService;
use crate::reports::{Blob, Report, ReportSummary};
use crate::services::Caller;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// An evaluator's reading list.
#[derive(Debug, Clone)]
pub struct ReadingList {
    pub cycle: Cycle,
    pub subjects: Vec<Subject>,
    pub reports: HashMap<PersonId, ReportSummary>,
    pub records: HashMap<PersonId, ReadingRecord>,
}

/// One report as an evaluator reads it.
#[derive(Debug, Clone)]
pub struct ReadingPage {
    pub cycle: Cycle,
    pub subject: Subject,
    /// The subjects in the reader's scope, in presentation order (for
    /// previous/next).
    pub order: Vec<PersonId>,
    /// Present once the subject has handed it in.
    pub report: Option<Report>,
    pub notes: Vec<Note>,
    /// The subject's problems of last year and how they stand.
    pub carry_over: crate::services::CarryOver,
}

/// Reading coverage of one evaluator.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Coverage {
    pub person_id: PersonId,
    pub name: String,
    pub group: String,
    /// Reports in scope that were handed in.
    pub available: usize,
    pub opened: usize,
    /// Read for at least the cycle's minimum.
    pub read: usize,
    pub notes: i64,
    pub seconds: i64,
}

/// Coverage per evaluator: of the handed-in reports in each one's scope, how
/// many were opened and how many read for at least `min_seconds`.
pub fn coverage(
    cycle: &Cycle,
    evaluators: &[Evaluator],
    subjects: &[Subject],
    handed_in: &HashSet<PersonId>,
    records: &[ReadingRecord],
) -> Vec<Coverage> {
    let min = i64::from(cycle.settings.min_read_seconds);
    let by_pair: HashMap<(PersonId, PersonId), &ReadingRecord> =
        records.iter().map(|r| ((r.evaluator_id, r.subject_id), r)).collect();
    evaluators
        .iter()
        .map(|e| {
            let mut c = Coverage {
                person_id: e.person_id,
                name: e.person_name.clone(),
                group: e.group.clone(),
                available: 0,
                opened: 0,
                read: 0,
                notes: 0,
                seconds: 0,
            };
            for s in in_scope(cycle, &e.group, Some(e.person_id), subjects) {
                if !handed_in.contains(&s.person_id) {
                    continue;
                }
                c.available += 1;
                if let Some(r) = by_pair.get(&(e.person_id, s.person_id)) {
                    c.opened += usize::from(r.opened_at.is_some());
                    c.read += usize::from(r.opened_at.is_some() && r.seconds >= min);
                    c.notes += r.notes;
                    c.seconds += r.seconds;
                }
            }
            c
        })
        .collect()
}

impl ReportService {
    async fn reader_cycle(&self, reader: &Reader) -> Result<(Cycle, Vec<Subject>)> {
        let s = self.cycles.cycle_snapshot(reader.cycle_id).await?;
        Ok((s.cycle.clone(), s.subjects.to_vec()))
    }

    /// The subjects in the reader's scope, with report states and reading records.
    pub async fn reading_list(&self, reader: &Reader) -> Result<ReadingList> {
        let (cycle, all) = self.reader_cycle(reader).await?;
        let subjects: Vec<Subject> =
            in_scope(&cycle, &reader.group, Some(reader.person_id), &all).into_iter().cloned().collect();
        let reports = self.ports.report_list(cycle.id).await?.into_iter().map(|r| (r.person_id, r)).collect();
        let records = self
            .ports
            .reading_list(cycle.id, Some(reader.person_id))
            .await?
            .into_iter()
            .map(|r| (r.subject_id, r))
            .collect();
        Ok(ReadingList { cycle, subjects, reports, records })
    }

    /// A subject in the reader's scope; anyone else is refused (audited).
    async fn scoped_subject(&self, reader: &Reader, subject: PersonId) -> Result<(Cycle, Subject)> {
        self.scoped_subject_in_order(reader, subject).await.map(|(c, s, _)| (c, s))
    }

    async fn scoped_subject_in_order(
        &self,
        reader: &Reader,
        subject: PersonId,
    ) -> Result<(Cycle, Subject, Vec<PersonId>)> {
        let (cycle, all) = self.reader_cycle(reader).await?;
        let scope = in_scope(&cycle, &reader.group, Some(reader.person_id), &all);
        let order: Vec<PersonId> = scope.iter().map(|s| s.person_id).collect();
        match scope.into_iter().find(|s| s.person_id == subject) {
            Some(s) => {
                let s = s.clone();
                Ok((cycle, s, order))
            }
            None => {
                let d = reader.audit("reading.view", format!("cycle:{} person:{subject}", reader.cycle_id));
                self.ports.audit_append(&d.result(crate::audit::AuditResult::Denied)).await?;
                Err(CoreError::Forbidden)
            }
        }
    }

    /// Open a subject's report (recorded as opened, if it was handed in).
    pub async fn reading_page(&self, reader: &Reader, subject: PersonId) -> Result<ReadingPage> {
        let (cycle, subject, order) = self.scoped_subject_in_order(reader, subject).await?;
        let report = self.ports.report_get(cycle.id, subject.person_id).await?.filter(|r| r.status.handed_in());
        if report.is_some() {
            self.ports.reading_open(cycle.id, reader.person_id, subject.person_id, self.common.clock.now()).await?;
        }
        let notes = self.ports.note_list(cycle.id, reader.person_id, Some(subject.person_id)).await?;
        let carry_over = self.rectification.carry_over(&cycle, subject.person_id).await?;
        Ok(ReadingPage { cycle, subject, order, report, notes, carry_over })
    }

    /// Add seconds of visible reading (capped per heartbeat).
    pub async fn reading_ping(&self, reader: &Reader, subject: PersonId, seconds: i64) -> Result<()> {
        let (cycle, subject) = self.scoped_subject(reader, subject).await?;
        let seconds = seconds.clamp(0, PING_MAX_SECONDS);
        if seconds > 0 {
            self.ports
                .reading_add(cycle.id, reader.person_id, subject.person_id, seconds, self.common.clock.now())
                .await?;
        }
        Ok(())
    }

    /// The attachment of a handed-in report in the reader's scope.
    pub async fn reading_file(&self, reader: &Reader, subject: PersonId) -> Result<(String, Blob)> {
        let (cycle, subject) = self.scoped_subject(reader, subject).await?;
        let report = self.ports.report_get(cycle.id, subject.person_id).await?.filter(|r| r.status.handed_in());
        self.attachment_of(report).await
    }

    pub async fn note_add(&self, reader: &Reader, subject: PersonId, quote: &str, body: &str) -> Result<Note> {
        let (cycle, subject) = self.scoped_subject(reader, subject).await?;
        let (quote, body) = (quote.trim(), body.trim());
        if quote.is_empty() && body.is_empty() {
            return Err(CoreError::invalid("body", Msg::new("err-required")));
        }
        if quote.chars().count() > QUOTE_MAX {
            return Err(CoreError::invalid("quote", Msg::new("err-too-long").arg("max", QUOTE_MAX)));
        }
        if body.chars().count() > NOTE_MAX {
            return Err(CoreError::invalid("body", Msg::new("err-too-long").arg("max", NOTE_MAX)));
        }
        let quote = (!quote.is_empty()).then_some(quote);
        self.ports.note_add(cycle.id, reader.person_id, subject.person_id, quote, body, self.common.clock.now()).await
    }

    pub async fn note_update(&self, reader: &Reader, id: i64, body: &str) -> Result<()> {
        let body = body.trim();
        if body.chars().count() > NOTE_MAX {
            return Err(CoreError::invalid("body", Msg::new("err-too-long").arg("max", NOTE_MAX)));
        }
        if self.ports.note_update(reader.cycle_id, reader.person_id, id, body, self.common.clock.now()).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound("note"))
        }
    }

    pub async fn note_delete(&self, reader: &Reader, id: i64) -> Result<()> {
        if self.ports.note_delete(reader.cycle_id, reader.person_id, id).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound("note"))
        }
    }

    /// All of the reader's notes in the cycle, grouped by subject in
    /// presentation order.
    pub async fn my_notes(&self, reader: &Reader) -> Result<(Cycle, Vec<(Subject, Vec<Note>)>)> {
        let list = self.reading_list(reader).await?;
        let mut notes: HashMap<PersonId, Vec<Note>> = HashMap::new();
        for n in self.ports.note_list(reader.cycle_id, reader.person_id, None).await? {
            notes.entry(n.subject_id).or_default().push(n);
        }
        let rows = list.subjects.into_iter().filter_map(|s| notes.remove(&s.person_id).map(|n| (s, n))).collect();
        Ok((list.cycle, rows))
    }

    /// Reading coverage of every evaluator, for the organizer.
    pub async fn reading_coverage(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<Coverage>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let subjects = self.ports.subject_list(cycle).await?;
        let evaluators = self.ports.evaluator_list(cycle).await?;
        let handed_in: HashSet<PersonId> = self
            .ports
            .report_list(cycle)
            .await?
            .into_iter()
            .filter(|r| r.status.handed_in())
            .map(|r| r.person_id)
            .collect();
        let records = self.ports.reading_list(cycle, None).await?;
        let cov = coverage(&c, &evaluators, &subjects, &handed_in, &records);
        Ok((c, cov))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycles::roster::ReportingMode;
    use crate::cycles::scheme::Scheme;
    use crate::cycles::{BallotMode, CycleSettings, Phase, default_categories};
    use crate::ids::{CycleId, OrgUnitId};

    fn cycle() -> Cycle {
        let cats = default_categories();
        let codes: Vec<String> = cats.iter().map(|c| c.code.clone()).collect();
        Cycle {
            id: CycleId(1),
            organizer_id: OrgUnitId(1),
            organizer_name: String::new(),
            name: "c".into(),
            year: 2026,
            phase: Phase::Reporting,
            ballot_mode: BallotMode::Named,
            scheme: Scheme::default_for(&codes),
            categories: cats,
            copied_from: None,
            settings: CycleSettings { min_read_seconds: 60, ..Default::default() },
            feedback: Default::default(),
            voting: Default::default(),
            results: Default::default(),
            created_at: crate::time::from_micros(0),
            updated_at: crate::time::from_micros(0),
        }
    }

    fn subject(id: i64, category: &str) -> Subject {
        Subject {
            id,
            cycle_id: CycleId(1),
            person_id: PersonId(id),
            person_name: format!("s{id}"),
            post: String::new(),
            org_unit_id: None,
            org_unit_name: None,
            category: category.into(),
            mode: ReportingMode::OnStage,
            order: id as i32,
        }
    }

    /// A cycle whose one group grades the county category, its group code,
    /// and two county subjects and a township one.
    fn county_scope() -> (Cycle, String, Vec<Subject>) {
        let mut c = cycle();
        let g = c.scheme.groups[0].code.clone();
        c.scheme.groups[0].categories = vec!["county".into()];
        (c, g, vec![subject(1, "county"), subject(2, "county"), subject(3, "township")])
    }

    #[test]
    fn scope_follows_the_group_categories_and_leaves_out_oneself() {
        let (c, g, subjects) = county_scope();
        let ids: Vec<i64> = in_scope(&c, &g, Some(PersonId(2)), &subjects).iter().map(|s| s.person_id.0).collect();
        assert_eq!(ids, [1]);
        assert!(in_scope(&c, "nobody", Some(PersonId(9)), &subjects).is_empty());
    }

    #[test]
    fn the_snapshot_keeps_each_group_scope_and_still_leaves_out_oneself() {
        let (c, g, subjects) = county_scope();
        let snap = crate::cycles::snapshot::CycleSnapshot::new(c, (std::sync::Arc::new(subjects), Default::default()));
        let ids = |me: i64| snap.scope(&g, PersonId(me)).iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(2), [1]);
        assert_eq!(ids(9), [1, 2]);
        assert_eq!(snap.scope(&g, PersonId(9))[0].category_name, snap.cycle.category_name("county"));
        assert!(snap.scope("nobody", PersonId(9)).is_empty());
    }

    #[test]
    fn coverage_counts_opened_and_read_long_enough() {
        let mut c = cycle();
        let g = c.scheme.groups[0].code.clone();
        c.scheme.groups[0].categories = vec!["county".into()];
        let subjects = vec![subject(1, "county"), subject(2, "county"), subject(3, "county")];
        let ev = Evaluator {
            id: 1,
            cycle_id: CycleId(1),
            person_id: PersonId(10),
            person_name: "e".into(),
            post: String::new(),
            group: g,
        };
        let handed_in: HashSet<PersonId> = [PersonId(1), PersonId(2)].into();
        let rec = |s: i64, secs: i64| ReadingRecord {
            evaluator_id: PersonId(10),
            subject_id: PersonId(s),
            opened_at: Some(crate::time::from_micros(0)),
            seconds: secs,
            notes: 1,
        };
        let cov = coverage(&c, &[ev], &subjects, &handed_in, &[rec(1, 75), rec(2, 20), rec(3, 500)]);
        assert_eq!((cov[0].available, cov[0].opened, cov[0].read, cov[0].notes), (2, 2, 1, 2));
    }
}
