//! Rosters of a cycle: the subjects (述职对象) who report.

use crate::error::{FieldError, Msg};
use crate::ids::{CycleId, OrgUnitId, PersonId};
use serde::{Deserialize, Serialize};

/// How a subject reports at the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReportingMode {
    /// 现场述职
    #[default]
    OnStage,
    /// 书面述职
    Written,
}

impl ReportingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnStage => "on_stage",
            Self::Written => "written",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::OnStage, Self::Written].into_iter().find(|m| m.as_str() == s)
    }
}

/// A subject of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub id: i64,
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub person_name: String,
    /// The post as reported (defaults to the person's post).
    pub post: String,
    pub org_unit_id: Option<OrgUnitId>,
    pub org_unit_name: Option<String>,
    pub category: String,
    pub mode: ReportingMode,
    /// Presentation order within the cycle (1 = first).
    pub order: i32,
}

/// A validated subject to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFields {
    pub person_id: PersonId,
    pub category: String,
    pub mode: ReportingMode,
    pub post: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubjectInput {
    pub person_id: String,
    pub category: String,
    pub mode: Option<String>,
    pub post: Option<String>,
}

impl SubjectInput {
    /// Check the fields against the cycle's category codes.
    pub fn validate(&self, categories: &[String]) -> Result<SubjectFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let person_id = self.person_id.trim().parse::<i64>().map(PersonId);
        if person_id.is_err() {
            errs.push(FieldError::new("person_id", Msg::new("err-person-unknown")));
        }
        let category = self.category.trim().to_string();
        if !categories.contains(&category) {
            errs.push(FieldError::new("category", Msg::new("err-category-unknown").arg("category", &category)));
        }
        let mode = match self.mode.as_deref().map(str::trim) {
            None | Some("") => ReportingMode::OnStage,
            Some(m) => ReportingMode::parse(m).unwrap_or_else(|| {
                errs.push(FieldError::new("mode", Msg::new("err-reporting-mode").arg("value", m)));
                ReportingMode::OnStage
            }),
        };
        let post = self.post.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        if post.as_ref().is_some_and(|p| p.chars().count() > crate::people::POST_MAX) {
            errs.push(FieldError::new("post", Msg::new("err-too-long").arg("max", crate::people::POST_MAX)));
        }
        match person_id {
            Ok(person_id) if errs.is_empty() => Ok(SubjectFields { person_id, category, mode, post }),
            _ => Err(errs),
        }
    }
}

/// An evaluator of a cycle (评议人员), in one evaluator group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluator {
    pub id: i64,
    pub cycle_id: CycleId,
    pub person_id: PersonId,
    pub person_name: String,
    pub post: String,
    /// Code of the scheme's evaluator group.
    pub group: String,
}

/// One row of a subject roster sheet (cells as text).
#[derive(Debug, Clone, Default)]
pub struct SubjectRowInput {
    /// 1-based row number in the sheet.
    pub row: usize,
    pub name: String,
    /// Code of the person's org unit (to tell apart people of the same name).
    pub org_code: String,
    /// Category code or name.
    pub category: String,
    pub mode: String,
    pub post: String,
}

/// One row of an evaluator roster sheet (cells as text).
#[derive(Debug, Clone, Default)]
pub struct EvaluatorRowInput {
    pub row: usize,
    pub name: String,
    /// Code of the person's org unit, or for people outside the tree of the
    /// unit that manages their record.
    pub org_code: String,
    /// Evaluator group code or name.
    pub group: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_input_is_checked_against_the_categories() {
        let cats = vec!["county".to_string()];
        let ok =
            SubjectInput { person_id: "7".into(), category: "county".into(), mode: Some("written".into()), post: None };
        assert_eq!(ok.validate(&cats).unwrap().mode, ReportingMode::Written);
        let bad =
            SubjectInput { person_id: "x".into(), category: "nope".into(), mode: Some("sing".into()), post: None };
        let keys: Vec<_> = bad.validate(&cats).unwrap_err().into_iter().map(|e| e.msg.key).collect();
        assert_eq!(keys, ["err-person-unknown", "err-category-unknown", "err-reporting-mode"]);
    }
}
