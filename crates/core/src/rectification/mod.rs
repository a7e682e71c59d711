//! Rectification (整改): the subject's plan — one or more measures per
//! problem, each with who is responsible, a deadline and optionally a
//! measurable target (KPI) — submitted, approved or returned by the
//! organizer, every submission and review kept as a version.

pub mod ledger;
pub mod port;
pub mod progress;
pub mod progress_service;
pub mod service;

use crate::error::{FieldError, Msg, required_text};
use crate::exact::Dec4;
use crate::feedback::{MAX_TEXT, multiline_text};
use crate::ids::{CycleId, PersonId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a subject's plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written (never submitted).
    Draft,
    Submitted,
    Approved,
    /// Returned with comments: being revised.
    Returned,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Approved => "approved",
            PlanStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Approved, PlanStatus::Returned]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// The subject may change measures.
    pub fn editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Returned)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            PlanStatus::Draft => "plan-status-draft",
            PlanStatus::Submitted => "plan-status-submitted",
            PlanStatus::Approved => "plan-status-approved",
            PlanStatus::Returned => "plan-status-returned",
        }
    }
}

/// A measurable target, e.g. 项目开复工率: baseline 60 %, target 90 %.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    pub name: String,
    pub unit: String,
    pub baseline: Dec4,
    pub target: Dec4,
    /// The latest value reported (none before the first progress report).
    pub current: Option<Dec4>,
}

/// One rectification measure (整改措施) of a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: i64,
    pub cycle_id: CycleId,
    pub subject_id: PersonId,
    pub problem_id: i64,
    pub text: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    pub kpi: Option<Kpi>,
    /// Percent done, as last reported (0 before any report).
    pub percent: u8,
    pub signed_off: bool,
    pub created_at: DateTime<Utc>,
}

/// A measure as the subject writes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFields {
    pub problem_id: i64,
    pub text: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    pub kpi: Option<Kpi>,
}

/// Raw input for a measure.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeasureInput {
    #[serde(default)]
    pub problem_id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub responsible: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub deadline: String,
    /// KPI fields: all empty for none.
    #[serde(default)]
    pub kpi_name: String,
    #[serde(default)]
    pub kpi_unit: String,
    #[serde(default)]
    pub kpi_baseline: String,
    #[serde(default)]
    pub kpi_target: String,
}

impl MeasureInput {
    /// Check a measure: its problem must be one of `problems` (the
    /// subject's, still open), its deadline today or later (`today` in the
    /// organizer's time zone), a KPI complete with numbers.
    pub fn validate(&self, problems: &[i64], today: NaiveDate) -> Result<MeasureFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let problem_id = self.problem_id.trim().parse::<i64>().ok().filter(|p| problems.contains(p));
        if problem_id.is_none() {
            errs.push(FieldError::new("problem_id", Msg::new("err-measure-problem")));
        }
        let text = multiline_text("text", &self.text, MAX_TEXT).map_err(|e| errs.push(e)).ok();
        let responsible = required_text("responsible", &self.responsible, 60).map_err(|e| errs.push(e)).ok();
        let deadline = match NaiveDate::parse_from_str(self.deadline.trim(), "%Y-%m-%d") {
            Ok(d) if d < today => {
                errs.push(FieldError::new("deadline", Msg::new("err-measure-deadline-past").arg("date", d)));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(FieldError::new("deadline", Msg::new("err-date").arg("value", self.deadline.trim())));
                None
            }
        };
        let kpi = self.kpi(&mut errs);
        match (problem_id, text, responsible, deadline) {
            (Some(problem_id), Some(text), Some(responsible), Some(deadline)) if errs.is_empty() => {
                Ok(MeasureFields { problem_id, text, responsible, deadline, kpi })
            }
            _ => Err(errs),
        }
    }

    fn kpi(&self, errs: &mut Vec<FieldError>) -> Option<Kpi> {
        let fields = [&self.kpi_name, &self.kpi_unit, &self.kpi_baseline, &self.kpi_target];
        if fields.iter().all(|f| f.trim().is_empty()) {
            return None;
        }
        let name = required_text("kpi_name", &self.kpi_name, 40).map_err(|e| errs.push(e)).ok();
        let unit = self.kpi_unit.trim();
        if unit.chars().count() > 10 {
            errs.push(FieldError::new("kpi_unit", Msg::new("err-too-long").arg("max", 10)));
        }
        let mut number = |field: &str, v: &str| match Dec4::parse(v.trim()) {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(FieldError::new(field, Msg::new("err-kpi-number").arg("value", v.trim())));
                None
            }
        };
        let baseline = number("kpi_baseline", &self.kpi_baseline);
        let target = number("kpi_target", &self.kpi_target);
        Some(Kpi { name: name?, unit: unit.to_string(), baseline: baseline?, target: target?, current: None })
    }
}

/// A plan is submitted only when every problem has a measure: one error per
/// problem (ids in sheet order) that none covers, numbered as on the sheet.
pub fn uncovered(problems: impl IntoIterator<Item = i64>, measures: &[Measure]) -> Vec<FieldError> {
    problems
        .into_iter()
        .enumerate()
        .filter(|(_, p)| measures.iter().all(|m| m.problem_id != *p))
        .map(|(i, _)| FieldError::new("plan", Msg::new("err-plan-problem-uncovered").arg("n", i + 1)))
        .collect()
}

/// A subject's plan: its state and the last review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub cycle_id: CycleId,
    pub subject_id: PersonId,
    pub status: PlanStatus,
    /// Versions so far (each submission and review is one).
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    /// The organizer's comment of the last review (required to return).
    pub comment: Option<String>,
}

/// One kept version of a plan: what was submitted, or how it was reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub version: i32,
    pub status: PlanStatus,
    pub at: DateTime<Utc>,
    pub by: String,
    pub comment: Option<String>,
    pub measures: Vec<Measure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MeasureInput {
        MeasureInput {
            problem_id: "7".into(),
            text: "建立项目调度机制，每周通报".into(),
            responsible: "王建国".into(),
            deadline: "2027-03-31".into(),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn a_measure_without_kpi() {
        let m = input().validate(&[7], today()).unwrap();
        assert_eq!(m.deadline, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        assert!(m.kpi.is_none());
    }

    #[test]
    fn a_measure_with_a_kpi() {
        let i = MeasureInput {
            kpi_name: "项目开复工率".into(),
            kpi_unit: "%".into(),
            kpi_baseline: "60".into(),
            kpi_target: "90".into(),
            ..input()
        };
        let k = i.validate(&[7], today()).unwrap().kpi.unwrap();
        assert_eq!((k.baseline, k.target, k.unit.as_str()), (Dec4(600_000), Dec4(900_000), "%"));
    }

    #[test]
    fn bad_input_is_named() {
        let keys = |i: MeasureInput| -> Vec<&'static str> {
            i.validate(&[7], today()).unwrap_err().iter().map(|e| e.msg.key).collect()
        };
        assert_eq!(keys(MeasureInput { problem_id: "8".into(), ..input() }), ["err-measure-problem"]);
        assert_eq!(keys(MeasureInput { deadline: "2026-11-30".into(), ..input() }), ["err-measure-deadline-past"]);
        assert_eq!(keys(MeasureInput { deadline: "明年".into(), ..input() }), ["err-date"]);
        let k = MeasureInput {
            kpi_name: "开复工率".into(),
            kpi_baseline: "60".into(),
            kpi_target: "九成".into(),
            ..input()
        };
        assert_eq!(keys(k), ["err-kpi-number"]);
        let k = MeasureInput { kpi_target: "90".into(), ..input() };
        assert_eq!(keys(k), ["err-required", "err-kpi-number"]);
        // Today is not in the past.
        assert!(MeasureInput { deadline: "2026-12-01".into(), ..input() }.validate(&[7], today()).is_ok());
    }

    #[test]
    fn every_problem_needs_a_measure_and_is_named_by_its_sheet_number() {
        let m = Measure {
            id: 1,
            cycle_id: CycleId(1),
            subject_id: PersonId(2),
            problem_id: 8,
            text: "t".into(),
            responsible: "r".into(),
            deadline: today(),
            kpi: None,
            percent: 0,
            signed_off: false,
            created_at: crate::time::from_micros(1_800_000_000_000_000),
        };
        let e = uncovered([7, 8, 9], std::slice::from_ref(&m));
        let n: Vec<&str> = e.iter().map(|f| f.msg.args[0].1.as_str()).collect();
        assert_eq!(n, ["1", "3"]);
        assert!(uncovered([8], &[m]).is_empty());
    }
}
