//! A cycle's feedback settings: how sheets are numbered, laid out and what
//! they ask, how often progress is reported, and what subjects are shown.

use crate::error::{FieldError, Msg, required_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most tags in a cycle's vocabulary.
pub const MAX_TAGS: usize = 40;

/// How a cycle's feedback sheets are numbered, laid out and what they ask,
/// and how often progress is reported. (Fields missing from stored
/// settings take their defaults.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackSettings {
    /// e.g. `烟组反〔{year}〕{seq}号`; `{seq}` is required.
    pub number_pattern: String,
    /// The body that issues the sheets (defaults to the organizer's name).
    pub issuing_body: String,
    /// The sheet's title.
    pub title: String,
    /// The rectification plan is due this many days after issue.
    pub plan_due_days: u32,
    /// Reporting requirements, one per line; `{plan_due}` becomes the date.
    pub requirements: Vec<String>,
    /// The tag vocabulary for problems.
    pub tags: Vec<String>,
    pub title_font: String,
    pub body_font: String,
    /// Body size in half-points (三号 = 16 pt = 32).
    pub body_size_half_points: u32,
    /// Progress is due at the end of every period of this many months
    /// (3: each quarter end; 1: each month end), in the organizer's time zone.
    pub progress_months: u32,
    /// Reminders start this many days before a progress report is due.
    pub reminder_days: u32,
    /// A subject's own result card shows per-group figures only when every
    /// group that graded them gave at least this many votes (with fewer,
    /// the subject could tell how named people voted).
    pub min_group_votes: u32,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        Self {
            number_pattern: "组反〔{year}〕{seq}号".into(),
            issuing_body: String::new(),
            title: "抓基层党建工作述职评议问题反馈单".into(),
            plan_due_days: 30,
            requirements: vec![
                "请于{plan_due}前报送整改方案，逐条明确整改措施、责任人和完成时限。".into(),
                "每季度末报送整改进展情况，并附佐证材料。".into(),
                "在下一年度述职评议会上报告整改落实情况。".into(),
            ],
            tags: ["党建与业务融合", "队伍建设", "品牌建设", "阵地建设", "制度落实"].map(String::from).to_vec(),
            title_font: "方正小标宋简体".into(),
            body_font: "仿宋_GB2312".into(),
            body_size_half_points: 32,
            progress_months: 3,
            reminder_days: 7,
            min_group_votes: 3,
        }
    }
}

impl FeedbackSettings {
    /// The sheet number for `year` and sequence `seq`.
    pub fn number(&self, year: i32, seq: i64) -> String {
        sheet_number(&self.number_pattern, year, seq)
    }

    /// The requirements with the plan's due date filled in.
    pub fn requirements_for(&self, plan_due: NaiveDate) -> Vec<String> {
        let due = plan_due.format("%Y年%-m月%-d日").to_string();
        self.requirements.iter().map(|r| r.replace("{plan_due}", &due)).collect()
    }
}

/// A sheet number: `{year}` and `{seq}` of `pattern` filled in.
pub fn sheet_number(pattern: &str, year: i32, seq: i64) -> String {
    pattern.replace("{year}", &year.to_string()).replace("{seq}", &seq.to_string())
}

/// Raw input for the feedback settings (one text per field; lists one per line).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedbackSettingsInput {
    #[serde(default)]
    pub number_pattern: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub plan_due_days: String,
    #[serde(default)]
    pub requirements: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub title_font: String,
    #[serde(default)]
    pub body_font: String,
    #[serde(default)]
    pub body_size_half_points: String,
    #[serde(default)]
    pub progress_months: String,
    #[serde(default)]
    pub reminder_days: String,
    #[serde(default)]
    pub min_group_votes: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

impl From<&FeedbackSettings> for FeedbackSettingsInput {
    /// The form as it shows stored settings.
    fn from(s: &FeedbackSettings) -> Self {
        Self {
            number_pattern: s.number_pattern.clone(),
            issuing_body: s.issuing_body.clone(),
            title: s.title.clone(),
            plan_due_days: s.plan_due_days.to_string(),
            requirements: s.requirements.join("\n"),
            tags: s.tags.join("\n"),
            title_font: s.title_font.clone(),
            body_font: s.body_font.clone(),
            body_size_half_points: s.body_size_half_points.to_string(),
            progress_months: s.progress_months.to_string(),
            reminder_days: s.reminder_days.to_string(),
            min_group_votes: s.min_group_votes.to_string(),
        }
    }
}

impl FeedbackSettingsInput {
    pub fn validate(&self) -> Result<FeedbackSettings, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errs.push(e)).unwrap_or_default();
        let number_pattern = keep(required_text("number_pattern", &self.number_pattern, 60));
        let issuing_body = keep(required_text("issuing_body", &self.issuing_body, 100));
        let title = keep(required_text("title", &self.title, 100));
        let title_font = keep(required_text("title_font", &self.title_font, 40));
        let body_font = keep(required_text("body_font", &self.body_font, 40));
        if !number_pattern.is_empty() {
            let rest = number_pattern.replace("{year}", "").replace("{seq}", "");
            if !number_pattern.contains("{seq}") || number_pattern.matches("{seq}").count() > 1 {
                errs.push(FieldError::new("number_pattern", Msg::new("err-number-pattern-seq")));
            } else if !number_pattern.contains("{year}") {
                // Sequences restart each year: without the year a number would repeat.
                errs.push(FieldError::new("number_pattern", Msg::new("err-number-pattern-year")));
            } else if rest.contains('{') || rest.contains('}') {
                errs.push(FieldError::new("number_pattern", Msg::new("err-number-pattern-unknown")));
            }
        }
        let plan_due_days = match self.plan_due_days.trim().parse::<u32>() {
            Ok(d) if (1..=365).contains(&d) => d,
            _ => {
                errs.push(FieldError::new("plan_due_days", Msg::new("err-between").arg("min", 1).arg("max", 365)));
                0
            }
        };
        let body_size_half_points = match self.body_size_half_points.trim().parse::<u32>() {
            Ok(d) if (16..=72).contains(&d) => d,
            _ => {
                errs.push(FieldError::new(
                    "body_size_half_points",
                    Msg::new("err-between").arg("min", 16).arg("max", 72),
                ));
                0
            }
        };
        let progress_months = match self.progress_months.trim() {
            "1" => 1,
            "3" | "" => 3,
            _ => {
                errs.push(FieldError::new("progress_months", Msg::new("err-progress-months")));
                0
            }
        };
        let reminder_days = match self.reminder_days.trim() {
            "" => 7,
            d => match d.parse::<u32>() {
                Ok(d) if d <= 60 => d,
                _ => {
                    errs.push(FieldError::new("reminder_days", Msg::new("err-between").arg("min", 0).arg("max", 60)));
                    0
                }
            },
        };
        let min_group_votes = match self.min_group_votes.trim() {
            "" => 3,
            d => match d.parse::<u32>() {
                Ok(d) if (1..=50).contains(&d) => d,
                _ => {
                    errs.push(FieldError::new("min_group_votes", Msg::new("err-between").arg("min", 1).arg("max", 50)));
                    0
                }
            },
        };
        let requirements = lines(&self.requirements);
        if requirements.iter().any(|r| r.chars().count() > 200) {
            errs.push(FieldError::new("requirements", Msg::new("err-too-long").arg("max", 200)));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in lines(&self.tags) {
            if t.chars().count() > 20 {
                errs.push(FieldError::new("tags", Msg::new("err-tag-too-long").arg("tag", &t)));
            } else if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.is_empty() {
            errs.push(FieldError::new("tags", Msg::new("err-required")));
        } else if tags.len() > MAX_TAGS {
            errs.push(FieldError::new("tags", Msg::new("err-too-many").arg("max", MAX_TAGS)));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(FeedbackSettings {
            number_pattern,
            issuing_body,
            title,
            plan_due_days,
            requirements,
            tags,
            title_font,
            body_font,
            body_size_half_points,
            progress_months,
            reminder_days,
            min_group_votes,
        })
    }
}
