//! Progress reports (季度进展) on the measures of an approved plan: due at
//! the end of every period (each quarter by default) in the organizer's
//! time zone, with evidence files; reminders before, overdue flags after.

use crate::error::{FieldError, Msg};
use crate::exact::Dec4;
use crate::feedback::{MAX_TEXT, multiline_text};
use crate::rectification::Measure;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A reporting period: a quarter (`2026Q4`) or a month (`2026M11`) in the
/// organizer's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1-based: the quarter (1–4) or the month (1–12).
    pub index: u32,
    /// Months per period: 3 or 1.
    pub months: u32,
}

impl Period {
    /// The period of `months` months containing `d`.
    pub fn containing(d: NaiveDate, months: u32) -> Self {
        use chrono::Datelike;
        let months = if months == 1 { 1 } else { 3 };
        Period { year: d.year(), index: (d.month() - 1) / months + 1, months }
    }

    pub fn code(&self) -> String {
        if self.months == 1 {
            format!("{}M{:02}", self.year, self.index)
        } else {
            format!("{}Q{}", self.year, self.index)
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.index - 1) * self.months + 1, 1).expect("a valid period")
    }

    /// The due date: the last day of the period.
    pub fn last_day(&self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a valid date")
    }

    pub fn next(&self) -> Self {
        let per_year = 12 / self.months;
        if self.index == per_year {
            Period { year: self.year + 1, index: 1, ..*self }
        } else {
            Period { index: self.index + 1, ..*self }
        }
    }

    pub fn previous(&self) -> Self {
        if self.index == 1 {
            Period { year: self.year - 1, index: 12 / self.months, ..*self }
        } else {
            Period { index: self.index - 1, ..*self }
        }
    }
}

/// Whether a measure's progress report is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Nothing to report now.
    No,
    /// The current period's report is due on this date (within the reminder window).
    Soon(NaiveDate),
    /// The report of this period (already ended) is missing.
    Overdue(Period),
}

/// The reporting state of one open measure of an approved plan.
/// `approved` is the day the plan was approved; `reported` the periods
/// (codes) with a report; periods that ended before approval need none.
/// The earliest ended period without a report is overdue (a late report
/// is filed under it, see [`period_for_report`]).
pub fn due(today: NaiveDate, months: u32, reminder_days: u32, approved: NaiveDate, reported: &[String]) -> Due {
    let current = Period::containing(today, months);
    let mut p = Period::containing(approved, months);
    while p < current {
        if p.last_day() >= approved && !reported.contains(&p.code()) {
            return Due::Overdue(p);
        }
        p = p.next();
    }
    let end = current.last_day();
    if !reported.contains(&current.code()) && (end - today).num_days() <= i64::from(reminder_days) {
        return Due::Soon(end);
    }
    Due::No
}

/// The period a report made today is filed under: the earliest overdue
/// one if any (a late report catches up), else the current one.
pub fn period_for_report(
    today: NaiveDate,
    months: u32,
    reminder_days: u32,
    approved: Option<NaiveDate>,
    reported: &[String],
) -> Period {
    match approved.map(|a| due(today, months, reminder_days, a, reported)) {
        Some(Due::Overdue(p)) => p,
        _ => Period::containing(today, months),
    }
}

/// An evidence file of a progress report (stored once by content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub id: i64,
    pub digest: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
}

/// A checked evidence upload, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub digest: String,
    pub name: String,
    pub media_type: String,
    pub data: Vec<u8>,
}

/// The most evidence files on one progress report.
pub const MAX_EVIDENCE: usize = 6;

/// One progress report (进展) on a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    pub id: i64,
    pub measure_id: i64,
    /// The period code, e.g. `2026Q4`.
    pub period: String,
    pub text: String,
    pub percent: u8,
    pub kpi_value: Option<Dec4>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub files: Vec<EvidenceFile>,
}

/// A progress report as the subject writes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressFields {
    pub text: String,
    pub percent: u8,
    pub kpi_value: Option<Dec4>,
}

/// Raw input for a progress report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgressInput {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub kpi_value: String,
}

impl ProgressInput {
    /// Check a report on `m`: text, a percentage 0–100, the KPI's value (a
    /// number, required when the measure has a KPI).
    pub fn validate(&self, m: &Measure) -> Result<ProgressFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let text = multiline_text("text", &self.text, MAX_TEXT).map_err(|e| errs.push(e)).ok();
        let percent = match self.percent.trim().trim_end_matches('%').parse::<u8>() {
            Ok(p) if p <= 100 => Some(p),
            _ => {
                errs.push(FieldError::new("percent", Msg::new("err-between").arg("min", 0).arg("max", 100)));
                None
            }
        };
        let v = self.kpi_value.trim();
        let kpi_value = match (&m.kpi, v.is_empty()) {
            (None, _) => None,
            (Some(_), true) => {
                errs.push(FieldError::new("kpi_value", Msg::new("err-required")));
                None
            }
            (Some(_), false) => match Dec4::parse(v) {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push(FieldError::new("kpi_value", Msg::new("err-kpi-number").arg("value", v)));
                    None
                }
            },
        };
        match (text, percent) {
            (Some(text), Some(percent)) if errs.is_empty() => Ok(ProgressFields { text, percent, kpi_value }),
            _ => Err(errs),
        }
    }
}

/// One entry of a subject's rectification history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RectificationEvent {
    pub problem_id: Option<i64>,
    pub measure_id: Option<i64>,
    /// e.g. `plan_submitted`, `progress`, `measure_signed_off`, `problem_reopened`.
    pub kind: String,
    pub note: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CycleId, PersonId};
    use crate::rectification::Kpi;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_are_quarters_or_months() {
        let q = Period::containing(d(2026, 11, 26), 3);
        assert_eq!((q.code(), q.first_day(), q.last_day()), ("2026Q4".into(), d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(q.next().code(), "2027Q1");
        assert_eq!(q.next().previous(), q);
        assert_eq!(Period::containing(d(2027, 1, 5), 3).previous().code(), "2026Q4");
        let m = Period::containing(d(2028, 2, 10), 1);
        assert_eq!((m.code(), m.last_day()), ("2028M02".into(), d(2028, 2, 29)));
        assert_eq!(Period::containing(d(2028, 1, 1), 1).previous().code(), "2027M12");
    }

    #[test]
    fn reports_fall_due_at_each_period_end() {
        let approved = d(2026, 12, 10);
        // Early in the quarter: nothing yet.
        assert_eq!(due(d(2026, 12, 15), 3, 7, approved, &[]), Due::No);
        // Within 7 days of the quarter end.
        assert_eq!(due(d(2026, 12, 24), 3, 7, approved, &[]), Due::Soon(d(2026, 12, 31)));
        assert_eq!(due(d(2026, 12, 24), 3, 7, approved, &["2026Q4".into()]), Due::No);
        // The quarter ended unreported: overdue, until reported.
        let q4 = Period::containing(approved, 3);
        assert_eq!(due(d(2027, 1, 3), 3, 7, approved, &[]), Due::Overdue(q4));
        assert_eq!(due(d(2027, 1, 3), 3, 7, approved, &["2026Q4".into()]), Due::No);
        // Approved after the quarter ended: that quarter needs no report.
        assert_eq!(due(d(2027, 1, 3), 3, 7, d(2027, 1, 2), &[]), Due::No);
        // A quarter missed two quarters ago is still overdue, and a late
        // report is filed under it.
        let reported = vec!["2027Q1".to_string()];
        assert_eq!(due(d(2027, 4, 20), 3, 7, approved, &reported), Due::Overdue(q4));
        assert_eq!(period_for_report(d(2027, 4, 20), 3, 7, Some(approved), &reported), q4);
        let reported = vec!["2026Q4".to_string(), "2027Q1".to_string()];
        assert_eq!(due(d(2027, 4, 20), 3, 7, approved, &reported), Due::No);
        assert_eq!(period_for_report(d(2027, 4, 20), 3, 7, Some(approved), &reported).code(), "2027Q2");
    }

    #[test]
    fn progress_needs_the_kpi_value_as_a_number() {
        let m = Measure {
            id: 1,
            cycle_id: CycleId(1),
            subject_id: PersonId(1),
            problem_id: 7,
            text: "x".into(),
            responsible: "y".into(),
            deadline: d(2027, 3, 31),
            kpi: Some(Kpi { name: "率".into(), unit: "%".into(), baseline: Dec4(0), target: Dec4(0), current: None }),
            percent: 0,
            signed_off: false,
            created_at: crate::time::from_micros(1_800_000_000_000_000),
        };
        let i =
            |p: &str, v: &str| ProgressInput { text: "已完成调度".into(), percent: p.into(), kpi_value: v.into() };
        assert_eq!(i("50", "84.3").validate(&m).unwrap().kpi_value, Some(Dec4(843_000)));
        let keys =
            |x: ProgressInput| -> Vec<&'static str> { x.validate(&m).unwrap_err().iter().map(|e| e.msg.key).collect() };
        assert_eq!(keys(i("101", "1")), ["err-between"]);
        assert_eq!(keys(i("50", "")), ["err-required"]);
        assert_eq!(keys(i("50", "八成")), ["err-kpi-number"]);
        let plain = Measure { kpi: None, ..m };
        assert_eq!(i("100%", "").validate(&plain).unwrap().percent, 100);
    }
}
