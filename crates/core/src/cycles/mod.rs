//! Assessment cycles (`Cycle`): the phases of a year's round and the rules
//! for moving from one to the next.

pub mod feedback_settings;
pub mod port;
pub mod roster;
pub(crate) mod roster_index;
pub mod roster_port;
pub mod scheme;
pub mod scope;
pub mod service;
pub mod sheet_rows;
pub mod snapshot;

use crate::cycles::scheme::Scheme;
use crate::error::{FieldError, Msg, required_text};
use crate::ids::{CycleId, OrgUnitId, PersonId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The phases of a cycle, in order. A cycle only moves forward, one phase
/// at a time, by the organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 准备: scheme, categories and rosters are set up.
    Preparation,
    /// 述职: subjects write and submit their reports.
    Reporting,
    /// 评议: evaluators read and vote; the scheme is frozen from here on.
    Evaluation,
    /// 计票: results are computed and checked.
    Tally,
    /// 反馈: feedback sheets go out.
    Feedback,
    /// 整改: rectification until sign-off.
    Rectification,
    /// 归档: read-only.
    Archived,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Self::Preparation,
        Self::Reporting,
        Self::Evaluation,
        Self::Tally,
        Self::Feedback,
        Self::Rectification,
        Self::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preparation => "preparation",
            Self::Reporting => "reporting",
            Self::Evaluation => "evaluation",
            Self::Tally => "tally",
            Self::Feedback => "feedback",
            Self::Rectification => "rectification",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("phase-{}", self.as_str())
    }

    /// The phase after this one, if any.
    pub fn next(self) -> Option<Phase> {
        Self::ALL.iter().position(|p| *p == self).and_then(|i| Self::ALL.get(i + 1)).copied()
    }

    /// The scheme is frozen once evaluation opens (`scoring.md` §1).
    pub fn scheme_frozen(self) -> bool {
        self >= Self::Evaluation
    }

    /// Personal links work (and can be issued) until the cycle leaves evaluation.
    pub fn links_open(self) -> bool {
        self <= Self::Evaluation
    }

    /// Subjects write and submit reports until evaluation opens.
    pub fn reports_open(self) -> bool {
        self < Self::Evaluation
    }

    /// Rosters change by hand until evaluation opens.
    pub fn rosters_editable(self) -> bool {
        self < Self::Evaluation
    }
}

/// Named (实名, the default) or anonymous (无记名) ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotMode {
    #[default]
    Named,
    Anonymous,
}

/// A subject category of a cycle (县市区委书记, 乡镇(街道)党(工)委书记, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
}

/// The categories a new cycle starts with (the article's; editable per cycle).
pub fn default_categories() -> Vec<Category> {
    [
        ("county", "县市区委书记"),
        ("township", "乡镇（街道）党（工）委书记"),
        ("department", "市直部门单位党组（党委）书记"),
        ("direct", "直属党（工）委书记"),
        ("leading_group", "党建工作领导小组成员单位"),
        ("joint_conference", "基层党建联席会议成员单位"),
        ("stationed", "驻市单位"),
    ]
    .into_iter()
    .map(|(code, name)| Category { code: code.into(), name: name.into() })
    .collect()
}

/// A stored cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cycle {
    pub id: CycleId,
    /// The org unit that runs the cycle (组织方).
    pub organizer_id: OrgUnitId,
    pub organizer_name: String,
    pub name: String,
    pub year: i32,
    pub phase: Phase,
    pub ballot_mode: BallotMode,
    pub scheme: Scheme,
    pub categories: Vec<Category>,
    pub copied_from: Option<CycleId>,
    pub settings: CycleSettings,
    /// Feedback sheets: numbering, layout, requirements, problem tags.
    pub feedback: crate::cycles::feedback_settings::FeedbackSettings,
    pub voting: VotingState,
    pub results: ResultsState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The review meeting: when voting was opened and closed (during evaluation,
/// by the organizer), who is presenting, whether partial results may be seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct VotingState {
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The subject presenting now (shown on evaluators' pages).
    pub presenting: Option<PersonId>,
    /// Whether organizers may look at partial results while voting is open
    /// (every look audited, `scoring.md` §8).
    pub live_tally: bool,
}

/// Who may see a cycle's results once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Visibility {
    /// Organizers only.
    #[default]
    Organizer,
    /// Each subject sees their own result card.
    Subjects,
    /// Also a public summary (grades by category, no scores or votes).
    Public,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Self::Organizer, Self::Subjects, Self::Public];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organizer => "organizer",
            Self::Subjects => "subjects",
            Self::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Whether results are final and published, and to whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ResultsState {
    pub visibility: Visibility,
    /// When the organizer finalized and published them (components frozen).
    pub published_at: Option<DateTime<Utc>>,
}

impl VotingState {
    pub fn is_open(&self) -> bool {
        self.opened_at.is_some() && self.closed_at.is_none()
    }

    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// `none` (not opened yet), `open` or `closed`.
    pub fn stage(&self) -> &'static str {
        if self.is_closed() {
            "closed"
        } else if self.is_open() {
            "open"
        } else {
            "none"
        }
    }
}

/// The reporting settings of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleSettings {
    /// When written reports are due (None: no deadline).
    pub report_deadline: Option<DateTime<Utc>>,
    /// Seconds of visible reading for a report to count as read.
    pub min_read_seconds: i32,
    /// Section headings a new report starts with.
    pub report_template: Vec<String>,
}

impl Default for CycleSettings {
    fn default() -> Self {
        Self { report_deadline: None, min_read_seconds: 60, report_template: default_template() }
    }
}

/// Raw input for the reporting settings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CycleSettingsInput {
    /// A date (YYYY-MM-DD, due at the end of that day in the organizer's
    /// time zone) or empty.
    #[serde(default)]
    pub report_deadline: String,
    #[serde(default)]
    pub min_read_seconds: String,
    /// One section heading per line.
    #[serde(default)]
    pub report_template: String,
}

impl CycleSettingsInput {
    pub fn validate(&self, tz: chrono_tz::Tz) -> Result<CycleSettings, Vec<FieldError>> {
        use chrono::TimeZone;
        let mut errs = Vec::new();
        let d = self.report_deadline.trim();
        let report_deadline = if d.is_empty() {
            None
        } else {
            match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(date) => {
                    let end = date.and_hms_opt(23, 59, 59).expect("a valid time");
                    tz.from_local_datetime(&end).earliest().map(|t| t.with_timezone(&Utc))
                }
                Err(_) => {
                    errs.push(FieldError::new("report_deadline", Msg::new("err-date").arg("value", d)));
                    None
                }
            }
        };
        let min_read_seconds = match self.min_read_seconds.trim() {
            "" => 60,
            v => match v.parse::<i32>() {
                Ok(n) if (0..=3600).contains(&n) => n,
                _ => {
                    errs.push(FieldError::new(
                        "min_read_seconds",
                        Msg::new("err-integer-range").arg("min", 0).arg("max", 3600),
                    ));
                    60
                }
            },
        };
        let report_template: Vec<String> =
            self.report_template.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        if report_template.len() > 20 || report_template.iter().any(|l| l.chars().count() > NAME_MAX) {
            errs.push(FieldError::new("report_template", Msg::new("err-template-lines").arg("max", NAME_MAX)));
        }
        if errs.is_empty() {
            Ok(CycleSettings { report_deadline, min_read_seconds, report_template })
        } else {
            Err(errs)
        }
    }
}

impl Cycle {
    /// The name of a category of this cycle (the code itself if unknown).
    pub fn category_name(&self, code: &str) -> String {
        self.categories.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone())
    }

    pub fn category_codes(&self) -> Vec<String> {
        self.categories.iter().map(|c| c.code.clone()).collect()
    }
}

/// Validated fields of a new cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleFields {
    pub name: String,
    pub year: i32,
    pub ballot_mode: BallotMode,
}

/// Raw input for a new cycle.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CycleInput {
    pub name: String,
    pub year: String,
    pub ballot_mode: Option<String>,
}

pub const NAME_MAX: usize = 100;

impl CycleInput {
    pub fn validate(&self) -> Result<CycleFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = required_text("name", &self.name, NAME_MAX).unwrap_or_else(|e| {
            errs.push(e);
            String::new()
        });
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                errs.push(FieldError::new("year", Msg::new("err-integer-range").arg("min", 2000).arg("max", 2100)));
                0
            }
        };
        let ballot_mode = match self.ballot_mode.as_deref().map(str::trim) {
            None | Some("") | Some("named") => BallotMode::Named,
            Some("anonymous") => BallotMode::Anonymous,
            Some(other) => {
                errs.push(FieldError::new("ballot_mode", Msg::new("err-ballot-mode").arg("value", other)));
                BallotMode::Named
            }
        };
        if errs.is_empty() { Ok(CycleFields { name, year, ballot_mode }) } else { Err(errs) }
    }
}

impl BallotMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Named => "named",
            Self::Anonymous => "anonymous",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Named, Self::Anonymous].into_iter().find(|m| m.as_str() == s)
    }
}

/// What the checks for a phase move need to know about the cycle.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    /// How many problems the scheme has (0: valid).
    pub scheme_problems: usize,
    pub subjects: usize,
    pub evaluators: usize,
    /// Voting is open (it must be closed before the tally).
    pub voting_open: bool,
    /// Results are finalized (needed before feedback).
    pub results_final: bool,
}

/// Check a move from `from` to `to`; every reason it cannot happen.
pub fn check_advance(from: Phase, to: Phase, r: &Readiness) -> Result<(), Vec<Msg>> {
    if from.next() != Some(to) {
        return Err(vec![Msg::new("err-phase-order").arg("from", from.as_str()).arg("to", to.as_str())]);
    }
    let mut errs = Vec::new();
    match to {
        Phase::Reporting if r.subjects == 0 => errs.push(Msg::new("err-phase-no-subjects")),
        Phase::Evaluation => {
            if r.scheme_problems > 0 {
                errs.push(Msg::new("err-phase-scheme-invalid").arg("count", r.scheme_problems));
            }
            if r.subjects == 0 {
                errs.push(Msg::new("err-phase-no-subjects"));
            }
            if r.evaluators == 0 {
                errs.push(Msg::new("err-phase-no-evaluators"));
            }
        }
        Phase::Tally if r.voting_open => errs.push(Msg::new("err-phase-voting-open")),
        Phase::Feedback if !r.results_final => errs.push(Msg::new("err-phase-results-not-final")),
        _ => {}
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// The sections a report template prompts by default.
pub fn default_template() -> Vec<String> {
    ["一、履行第一责任人职责情况", "二、主要成效", "三、存在问题及原因", "四、下步思路举措"].map(String::from).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Readiness {
        Readiness { scheme_problems: 0, subjects: 66, evaluators: 300, voting_open: false, results_final: true }
    }

    #[test]
    fn phases_move_forward_one_at_a_time() {
        assert_eq!(Phase::Preparation.next(), Some(Phase::Reporting));
        assert_eq!(Phase::Archived.next(), None);
        assert!(check_advance(Phase::Preparation, Phase::Reporting, &ready()).is_ok());
        let e = check_advance(Phase::Preparation, Phase::Evaluation, &ready()).unwrap_err();
        assert_eq!(e[0].key, "err-phase-order");
        assert!(check_advance(Phase::Reporting, Phase::Preparation, &ready()).is_err());
    }

    #[test]
    fn evaluation_needs_a_valid_scheme_and_both_rosters() {
        let r = Readiness { scheme_problems: 2, subjects: 0, evaluators: 0, ..ready() };
        let keys: Vec<_> =
            check_advance(Phase::Reporting, Phase::Evaluation, &r).unwrap_err().iter().map(|m| m.key).collect();
        assert_eq!(keys, ["err-phase-scheme-invalid", "err-phase-no-subjects", "err-phase-no-evaluators"]);
        assert!(check_advance(Phase::Reporting, Phase::Evaluation, &ready()).is_ok());
    }

    #[test]
    fn tally_waits_for_closed_voting_and_feedback_for_final_results() {
        let open = Readiness { voting_open: true, ..ready() };
        assert!(check_advance(Phase::Evaluation, Phase::Tally, &open).is_err());
        let draft = Readiness { results_final: false, ..ready() };
        assert!(check_advance(Phase::Tally, Phase::Feedback, &draft).is_err());
    }

    #[test]
    fn cycle_input_is_checked() {
        let ok = CycleInput { name: " 2026年度述职评议 ".into(), year: "2026".into(), ballot_mode: None };
        assert_eq!(
            ok.validate().unwrap(),
            CycleFields { name: "2026年度述职评议".into(), year: 2026, ballot_mode: BallotMode::Named }
        );
        let bad = CycleInput { name: "".into(), year: "26".into(), ballot_mode: Some("secret".into()) };
        assert_eq!(bad.validate().unwrap_err().len(), 3);
        assert_eq!(default_categories().len(), 7);
    }

    #[test]
    fn settings_are_checked() {
        let tz = chrono_tz::Asia::Shanghai;
        let ok = CycleSettingsInput {
            report_deadline: "2026-12-20".into(),
            min_read_seconds: "90".into(),
            report_template: "一、职责\n\n二、成效\n".into(),
        };
        let s = ok.validate(tz).unwrap();
        assert_eq!(s.report_deadline.unwrap().to_rfc3339(), "2026-12-20T15:59:59+00:00");
        assert_eq!((s.min_read_seconds, s.report_template.len()), (90, 2));
        let bad = CycleSettingsInput {
            report_deadline: "20/12/2026".into(),
            min_read_seconds: "-1".into(),
            report_template: "x".repeat(101),
        };
        assert_eq!(bad.validate(tz).unwrap_err().len(), 3);
    }

    #[test]
    fn the_scheme_freezes_when_evaluation_opens() {
        assert!(!Phase::Reporting.scheme_frozen());
        assert!(Phase::Evaluation.scheme_frozen());
        assert!(Phase::Reporting.rosters_editable() && !Phase::Tally.rosters_editable());
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
    }
}
