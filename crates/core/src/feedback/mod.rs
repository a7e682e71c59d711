//! Critiques, problems and the problem feedback sheet (点评, 问题, 问题反馈单).
//!
//! The organizer's critique (点评) of a subject is kept verbatim. Problems
//! are composed from it (a passage quoted verbatim), from routine-assessment
//! findings and from evaluators' remarks (quoted verbatim, attributed to the
//! evaluator group only). Issuing the feedback sheet numbers it by the
//! cycle's pattern and freezes what it says: the sheet keeps its own copy
//! of the subject, the problems and the requirements, so a printed sheet
//! and the one in the app always agree.

pub mod port;
pub mod service;

use crate::error::{FieldError, Msg};
use crate::ids::{CycleId, PersonId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::cycles::feedback_settings::MAX_TAGS;

/// The longest critique, problem or requirement text (characters).
pub const MAX_TEXT: usize = 2000;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 一般
    Minor,
    /// 较重
    Moderate,
    /// 严重
    Serious,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Moderate, Severity::Serious];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Moderate => "moderate",
            Severity::Serious => "serious",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The catalog key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Severity::Minor => "severity-minor",
            Severity::Moderate => "severity-moderate",
            Severity::Serious => "severity-serious",
        }
    }
}

/// Where a problem comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemSource {
    /// A passage of the organizer's critique, verbatim.
    Critique,
    /// A finding of the routine assessment (日常考核).
    Routine,
    /// An evaluator's remark on the ballot, verbatim, attributed to a group.
    Remark,
}

impl ProblemSource {
    pub const ALL: [ProblemSource; 3] = [ProblemSource::Critique, ProblemSource::Routine, ProblemSource::Remark];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemSource::Critique => "critique",
            ProblemSource::Routine => "routine",
            ProblemSource::Remark => "remark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ProblemSource::Critique => "source-critique",
            ProblemSource::Routine => "source-routine",
            ProblemSource::Remark => "source-remark",
        }
    }
}

/// The state of a problem in the rectification loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    /// Recorded, not yet on an issued sheet (still editable).
    Draft,
    /// On an issued feedback sheet: being rectified.
    Open,
    /// Verified and signed off (销号); immutable.
    SignedOff,
}

impl ProblemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Draft => "draft",
            ProblemStatus::Open => "open",
            ProblemStatus::SignedOff => "signed_off",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ProblemStatus::Draft, ProblemStatus::Open, ProblemStatus::SignedOff].into_iter().find(|x| x.as_str() == s)
    }
}

/// The organizer's critique (点评) of one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Critique {
    pub cycle_id: CycleId,
    pub subject_id: PersonId,
    pub text: String,
    pub updated_at: DateTime<Utc>,
    /// The account that last wrote it.
    pub updated_by: String,
}

/// One problem (问题) of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub id: i64,
    pub cycle_id: CycleId,
    pub subject_id: PersonId,
    /// Order on the sheet (1 = first).
    pub position: i32,
    pub source: ProblemSource,
    /// The evaluator group a remark came from (never a person).
    pub group: Option<String>,
    pub text: String,
    pub tag: String,
    pub severity: Severity,
    pub status: ProblemStatus,
    pub created_at: DateTime<Utc>,
}

/// A problem as the organizer composes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFields {
    pub source: ProblemSource,
    pub group: Option<String>,
    pub text: String,
    pub tag: String,
    pub severity: Severity,
}

/// Raw input for a problem.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProblemInput {
    #[serde(default)]
    pub source: String,
    /// For a remark: the evaluator group it came from.
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub severity: String,
}

/// What a problem may be quoted from.
pub struct Sources<'a> {
    pub critique: Option<&'a str>,
    /// (group code, remark text) of the subject's final ballots.
    pub remarks: &'a [(String, String)],
    pub tags: &'a [String],
}

impl ProblemInput {
    /// Check a problem: a critique passage must appear verbatim in the
    /// critique, a remark must be one of the subject's remarks from that
    /// group, the tag must be in the cycle's vocabulary.
    pub fn validate(&self, src: &Sources<'_>) -> Result<ProblemFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let source = ProblemSource::parse(self.source.trim());
        if source.is_none() {
            errs.push(FieldError::new("source", Msg::new("err-problem-source")));
        }
        let text = multiline_text("text", &self.text, MAX_TEXT).map_err(|e| errs.push(e)).ok();
        let tag = self.tag.trim();
        if !src.tags.iter().any(|t| t == tag) {
            errs.push(FieldError::new("tag", Msg::new("err-problem-tag").arg("tag", tag)));
        }
        let severity = Severity::parse(self.severity.trim());
        if severity.is_none() {
            errs.push(FieldError::new("severity", Msg::new("err-problem-severity")));
        }
        let mut group = None;
        if let (Some(source), Some(text)) = (source, &text) {
            match source {
                ProblemSource::Critique => match src.critique {
                    None => errs.push(FieldError::new("text", Msg::new("err-problem-no-critique"))),
                    Some(c) if !normalized(c).contains(&normalized(text)) => {
                        errs.push(FieldError::new("text", Msg::new("err-problem-not-verbatim")))
                    }
                    Some(_) => {}
                },
                ProblemSource::Remark => {
                    let g = self.group.trim();
                    if src.remarks.iter().any(|(rg, rt)| rg == g && rt.trim() == text) {
                        group = Some(g.to_string());
                    } else {
                        errs.push(FieldError::new("text", Msg::new("err-problem-not-a-remark")));
                    }
                }
                ProblemSource::Routine => {}
            }
        }
        match (source, text, severity) {
            (Some(source), Some(text), Some(severity)) if errs.is_empty() => {
                Ok(ProblemFields { source, group, text, tag: tag.to_string(), severity })
            }
            _ => Err(errs),
        }
    }
}

/// Whitespace runs folded to one space, so a passage copied across a line
/// break still counts as verbatim.
fn normalized(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required text of several lines: trimmed, non-empty, at most `max`
/// characters, no control characters other than line breaks and tabs.
pub fn multiline_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        Err(FieldError::new(field, Msg::new("err-required")))
    } else if v.chars().count() > max {
        Err(FieldError::new(field, Msg::new("err-too-long").arg("max", max)))
    } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        Err(FieldError::new(field, Msg::new("err-control-chars")))
    } else {
        Ok(v)
    }
}

/// One problem as printed on a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetProblem {
    pub problem_id: i64,
    pub text: String,
    pub tag: String,
    pub severity: Severity,
    pub source: ProblemSource,
    /// The evaluator group's label, for a remark.
    pub group_label: Option<String>,
}

/// What an issued sheet says, frozen at issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetContent {
    pub title: String,
    pub number: String,
    pub cycle_name: String,
    pub year: i32,
    pub subject_name: String,
    pub post: String,
    pub unit: String,
    pub category: String,
    pub problems: Vec<SheetProblem>,
    pub requirements: Vec<String>,
    pub issuing_body: String,
    pub issued_on: NaiveDate,
    pub plan_due: NaiveDate,
    pub title_font: String,
    pub body_font: String,
    pub body_size_half_points: u32,
}

/// An issued feedback sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackSheet {
    pub id: i64,
    pub cycle_id: CycleId,
    pub subject_id: PersonId,
    pub number: String,
    pub seq: i64,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub content: SheetContent,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycles::feedback_settings::{FeedbackSettings, FeedbackSettingsInput};

    fn src<'a>(critique: Option<&'a str>, remarks: &'a [(String, String)], tags: &'a [String]) -> Sources<'a> {
        Sources { critique, remarks, tags }
    }

    fn input(source: &str, text: &str) -> ProblemInput {
        ProblemInput {
            source: source.into(),
            group: "cadre".into(),
            text: text.into(),
            tag: "队伍建设".into(),
            severity: "moderate".into(),
        }
    }

    #[test]
    fn numbers_follow_the_pattern() {
        let s = FeedbackSettings { number_pattern: "烟组反〔{year}〕{seq}号".into(), ..Default::default() };
        assert_eq!(s.number(2026, 7), "烟组反〔2026〕7号");
    }

    #[test]
    fn requirements_carry_the_due_date() {
        let s = FeedbackSettings::default();
        let r = s.requirements_for(NaiveDate::from_ymd_opt(2027, 2, 5).unwrap());
        assert!(r[0].starts_with("请于2027年2月5日前"), "{r:?}");
    }

    #[test]
    fn a_critique_passage_must_be_verbatim() {
        let tags = FeedbackSettings::default().tags;
        let c = "党建工作与中心工作融合不够紧密，\n对基层党员干部队伍建设抓得不紧。";
        let ok = input("critique", "对基层党员干部队伍建设抓得不紧").validate(&src(Some(c), &[], &tags)).unwrap();
        assert_eq!(ok.source, ProblemSource::Critique);
        let e = input("critique", "队伍建设抓得很紧").validate(&src(Some(c), &[], &tags)).unwrap_err();
        assert_eq!(e[0].msg.key, "err-problem-not-verbatim");
        // Across the line break, whitespace folded.
        assert!(input("critique", "紧密， 对基层").validate(&src(Some(c), &[], &tags)).is_ok());
        let e = input("critique", "x").validate(&src(None, &[], &tags)).unwrap_err();
        assert_eq!(e[0].msg.key, "err-problem-no-critique");
    }

    #[test]
    fn a_remark_must_be_one_of_the_group() {
        let tags = FeedbackSettings::default().tags;
        let remarks = vec![("cadre".to_string(), "缺乏叫得响的品牌".to_string())];
        let ok = input("remark", "缺乏叫得响的品牌").validate(&src(None, &remarks, &tags)).unwrap();
        assert_eq!(ok.group.as_deref(), Some("cadre"));
        let mut other = input("remark", "缺乏叫得响的品牌");
        other.group = "rep".into();
        assert_eq!(other.validate(&src(None, &remarks, &tags)).unwrap_err()[0].msg.key, "err-problem-not-a-remark");
    }

    #[test]
    fn tag_severity_and_text_are_checked_together() {
        let tags = FeedbackSettings::default().tags;
        let bad =
            ProblemInput { source: "nope".into(), tag: "x".into(), severity: "huge".into(), ..Default::default() };
        let keys: Vec<_> = bad.validate(&src(None, &[], &tags)).unwrap_err().iter().map(|e| e.msg.key).collect();
        assert_eq!(keys, ["err-problem-source", "err-required", "err-problem-tag", "err-problem-severity"]);
    }

    #[test]
    fn settings_validation_names_the_field() {
        let good = FeedbackSettingsInput {
            number_pattern: "烟组反〔{year}〕{seq}号".into(),
            issuing_body: "中共烟台市委组织部".into(),
            title: "问题反馈单".into(),
            plan_due_days: "30".into(),
            requirements: "a\n\nb".into(),
            tags: "队伍建设\n队伍建设\n品牌建设".into(),
            title_font: "黑体".into(),
            body_font: "仿宋_GB2312".into(),
            body_size_half_points: "32".into(),
            ..Default::default()
        };
        let s = good.validate().unwrap();
        assert_eq!((s.progress_months, s.reminder_days), (3, 7));
        assert_eq!(s.tags, ["队伍建设", "品牌建设"]);
        assert_eq!(s.requirements, ["a", "b"]);
        let mut bad = good.clone();
        bad.number_pattern = "烟组反〔{year}〕号".into();
        assert_eq!(bad.validate().unwrap_err()[0].msg.key, "err-number-pattern-seq");
        bad.number_pattern = "组反{seq}号".into();
        assert_eq!(bad.validate().unwrap_err()[0].msg.key, "err-number-pattern-year");
        bad.number_pattern = "{org}{year}{seq}".into();
        assert_eq!(bad.validate().unwrap_err()[0].msg.key, "err-number-pattern-unknown");
        let mut bad = good;
        bad.plan_due_days = "0".into();
        bad.tags = String::new();
        let fields: Vec<_> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["plan_due_days", "tags"]);
    }
}
