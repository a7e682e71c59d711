//! The rectification ledger (整改台账): every problem of a cycle with its
//! measures, filtered by category, tag, status and overdue, with counts by
//! tag and how far each measurable target has come.

use crate::cycles::Cycle;
use crate::cycles::roster::Subject;
use crate::error::Result;
use crate::exact::Dec4;
use crate::feedback::{Problem, ProblemStatus};
use crate::ids::{CycleId, PersonId};
use crate::rectification::progress::{Due, due};
use crate::rectification::service::RectificationService;
use crate::rectification::{Measure, PlanStatus};
use crate::services::Caller;
use std::collections::{BTreeMap, HashMap};

/// What the ledger shows.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub category: Option<String>,
    pub tag: Option<String>,
    /// Problems open or signed off.
    pub status: Option<ProblemStatus>,
    /// Only rows overdue (deadline passed or a progress report missing).
    pub overdue: bool,
    /// Subjects whose name contains this.
    pub name: Option<String>,
}

/// One line: a problem and one of its measures (none before the plan has one).
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub subject: Subject,
    pub problem: Problem,
    pub measure: Option<Measure>,
    pub plan: Option<PlanStatus>,
    /// The measure's deadline has passed without sign-off, or a period's
    /// progress report is missing.
    pub overdue: bool,
    /// A problem of the same tag was raised for this subject the year before.
    pub recurring: bool,
}

/// The ledger of a cycle.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub cycle: Cycle,
    pub rows: Vec<LedgerRow>,
    /// Problems per tag over the filtered rows: (tag, open, signed off).
    pub by_tag: Vec<(String, u64, u64)>,
    /// Measurable targets: (label, percent of the way from baseline to
    /// target, 0–100, as reported).
    pub kpis: Vec<(String, i64)>,
}

/// A problem of the previous cycle with its measures (as they stand).
#[derive(Debug, Clone)]
pub struct CarryItem {
    pub problem: Problem,
    pub measures: Vec<Measure>,
}

/// Last year's problems of a subject and how their rectification stands
/// (上年度问题整改落实情况).
#[derive(Debug, Clone, Default)]
pub struct CarryOver {
    pub cycle_name: String,
    pub items: Vec<CarryItem>,
}

/// How far `current` has come from `baseline` to `target`, in whole
/// percent, 0–100 (exact integer arithmetic on the ×10⁴ values).
pub fn kpi_reached(baseline: Dec4, target: Dec4, current: Dec4) -> i64 {
    let span = i128::from(target.0) - i128::from(baseline.0);
    if span == 0 {
        return if current.0 == target.0 { 100 } else { 0 };
    }
    let done = (i128::from(current.0) - i128::from(baseline.0)) * 100 / span;
    done.clamp(0, 100) as i64
}

impl RectificationService {
    pub async fn ledger(&self, caller: &Caller, cycle: CycleId, f: &LedgerFilter) -> Result<Ledger> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        let subjects: HashMap<PersonId, Subject> =
            self.ports.subject_list(cycle).await?.into_iter().map(|s| (s.person_id, s)).collect();
        let plans: HashMap<PersonId, (PlanStatus, Option<chrono::NaiveDate>)> = self
            .ports
            .plan_list(cycle)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.subject_id,
                    (p.status, p.reviewed_at.map(|t| t.with_timezone(&crate::time::DEFAULT_TZ).date_naive())),
                )
            })
            .collect();
        let mut measures: HashMap<i64, Vec<Measure>> = HashMap::new();
        for m in self.ports.measure_list(cycle, None).await? {
            measures.entry(m.problem_id).or_default().push(m);
        }
        let mut periods: HashMap<i64, Vec<String>> = HashMap::new();
        for (m, p) in self.ports.progress_periods(cycle).await? {
            periods.entry(m).or_default().push(p);
        }
        let recurring = self.feedback.recurring_tags(&c).await?;
        let plan_due: HashMap<PersonId, chrono::NaiveDate> =
            self.ports.sheet_list(cycle).await?.into_iter().map(|s| (s.subject_id, s.content.plan_due)).collect();
        let today = self.today();
        let (months, remind) = (c.feedback.progress_months, c.feedback.reminder_days);
        let mut rows = Vec::new();
        for p in self.ports.problem_list(cycle, None).await? {
            if p.status == ProblemStatus::Draft {
                continue;
            }
            let Some(s) = subjects.get(&p.subject_id) else { continue };
            if f.category.as_ref().is_some_and(|k| *k != s.category)
                || f.tag.as_ref().is_some_and(|t| *t != p.tag)
                || f.status.is_some_and(|st| st != p.status)
                || f.name.as_ref().is_some_and(|n| !s.person_name.contains(n.as_str()))
            {
                continue;
            }
            let plan = plans.get(&p.subject_id).copied();
            let is_recurring = recurring.get(&p.subject_id).is_some_and(|tags| tags.contains(&p.tag));
            let list = measures.remove(&p.id).unwrap_or_default();
            let open = p.status == ProblemStatus::Open;
            let overdue_of = |m: &Measure| {
                if !open || m.signed_off {
                    return false;
                }
                let late = m.deadline < today;
                let missing = match plan {
                    Some((PlanStatus::Approved, Some(approved))) => {
                        let reported = periods.get(&m.id).map(Vec::as_slice).unwrap_or_default();
                        matches!(due(today, months, remind, approved, reported), Due::Overdue(_))
                    }
                    _ => false,
                };
                late || missing
            };
            let lines: Vec<LedgerRow> = if list.is_empty() {
                // No measure yet: overdue once the plan's due date has passed.
                let plan_late = open && plan_due.get(&p.subject_id).is_some_and(|d| *d < today);
                vec![LedgerRow {
                    subject: s.clone(),
                    problem: p.clone(),
                    measure: None,
                    plan: plan.map(|x| x.0),
                    overdue: plan_late,
                    recurring: is_recurring,
                }]
            } else {
                list.into_iter()
                    .map(|m| LedgerRow {
                        subject: s.clone(),
                        problem: p.clone(),
                        overdue: overdue_of(&m),
                        measure: Some(m),
                        plan: plan.map(|x| x.0),
                        recurring: is_recurring,
                    })
                    .collect()
            };
            rows.extend(lines.into_iter().filter(|r| !f.overdue || r.overdue));
        }
        rows.sort_by_key(|r| (r.subject.order, r.problem.position, r.measure.as_ref().map(|m| m.id)));
        let mut by_tag: BTreeMap<String, (u64, u64, Option<i64>)> = BTreeMap::new();
        let mut kpis = Vec::new();
        for r in &rows {
            let e = by_tag.entry(r.problem.tag.clone()).or_default();
            // Count each problem once, however many measures it has.
            if e.2 != Some(r.problem.id) {
                if r.problem.status == ProblemStatus::SignedOff {
                    e.1 += 1
                } else {
                    e.0 += 1
                }
                e.2 = Some(r.problem.id);
            }
            if let Some(k) = r.measure.as_ref().and_then(|m| m.kpi.as_ref()) {
                let reached = k.current.map_or(0, |cur| kpi_reached(k.baseline, k.target, cur));
                kpis.push((format!("{}·{}", r.subject.person_name, k.name), reached));
            }
        }
        let by_tag = by_tag.into_iter().map(|(t, (o, s, _))| (t, o, s)).collect();
        Ok(Ledger { cycle: c, rows, by_tag, kpis })
    }

    /// The subject's problems of the previous cycle, with their measures.
    pub async fn carry_over(&self, c: &Cycle, subject: PersonId) -> Result<CarryOver> {
        let Some(prev) = self.cycles.previous_cycle(c).await? else { return Ok(CarryOver::default()) };
        let mut measures = self.ports.measure_list(prev.id, Some(subject)).await?;
        let items = self
            .ports
            .problem_list(prev.id, Some(subject))
            .await?
            .into_iter()
            .filter(|p| p.status != ProblemStatus::Draft)
            .map(|p| {
                let (mine, rest): (Vec<Measure>, Vec<Measure>) = measures.drain(..).partition(|m| m.problem_id == p.id);
                measures = rest;
                CarryItem { problem: p, measures: mine }
            })
            .collect();
        Ok(CarryOver { cycle_name: prev.name, items })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_progress_is_exact_and_bounded() {
        let d = |x: i64| Dec4(x * 10_000);
        assert_eq!(kpi_reached(d(60), d(90), Dec4(843_000)), 81); // 84.3 of 60→90: 81 %
        assert_eq!(kpi_reached(d(60), d(90), d(95)), 100);
        assert_eq!(kpi_reached(d(60), d(90), d(50)), 0);
        // A target below the baseline (e.g. fewer complaints).
        assert_eq!(kpi_reached(d(40), d(10), d(25)), 50);
        assert_eq!(kpi_reached(d(5), d(5), d(5)), 100);
    }
}
