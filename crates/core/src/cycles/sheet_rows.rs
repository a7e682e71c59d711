//! The rows of the subject and evaluator import sheets (see
//! `crate::sheet_rows`).

use crate::cycles::Cycle;
use crate::cycles::roster::{EvaluatorRowInput, ReportingMode, SubjectRowInput};
use crate::cycles::roster_index::RosterIndex;
use crate::error::{FieldError, Msg};
use crate::ids::PersonId;
use crate::ports::NewSubject;
use crate::services::Caller;
use crate::sheet_rows::{Checked, finish};
use std::collections::HashMap;

/// Subjects: the person by name within the unit's code (in scope), the
/// category by code or name, the mode 现场/书面, each person once.
pub fn subject_rows(
    cycle: &Cycle,
    index: &RosterIndex,
    caller: &Caller,
    rows: &[SubjectRowInput],
) -> Checked<NewSubject> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<PersonId, usize> = HashMap::new();
    for r in rows {
        let at = |field: &str, m: Msg| FieldError::new(field, m).at_row(r.row);
        let category = cycle
            .categories
            .iter()
            .find(|k| k.code == r.category.trim() || k.name == r.category.trim())
            .map(|k| k.code.clone());
        if category.is_none() {
            errs.push(at("category", Msg::new("err-category-unknown").arg("category", r.category.trim())));
        }
        let mode = match r.mode.trim() {
            "" | "现场述职" | "现场" | "on_stage" | "On stage" => Some(ReportingMode::OnStage),
            "书面述职" | "书面" | "written" | "Written only" => Some(ReportingMode::Written),
            other => {
                errs.push(at("mode", Msg::new("err-reporting-mode").arg("value", other)));
                None
            }
        };
        let (person, unit) = match index.find(caller, &r.name, &r.org_code, false) {
            Ok(found) => found,
            Err(e) => {
                errs.push(e.at_row(r.row));
                continue;
            }
        };
        if let Some(first) = seen.insert(person.person.id, r.row) {
            errs.push(at(
                "name",
                Msg::new("err-roster-person-twice").arg("name", &person.person.name).arg("row", first),
            ));
            continue;
        }
        if let (Some(category), Some(mode)) = (category, mode) {
            let post = Some(r.post.trim().to_string()).filter(|p| !p.is_empty()).unwrap_or(person.person.post.clone());
            out.push(NewSubject { person_id: person.person.id, post, org_unit_id: Some(unit.id), category, mode });
        }
    }
    finish(out, errs)
}

/// Evaluators: the person by name within their unit's code (or, for
/// people outside the tree, the managing unit's), the group by code or
/// label, each person once.
pub fn evaluator_rows(
    cycle: &Cycle,
    index: &RosterIndex,
    caller: &Caller,
    rows: &[EvaluatorRowInput],
) -> Checked<(PersonId, String)> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<PersonId, usize> = HashMap::new();
    for r in rows {
        let at = |field: &str, m: Msg| FieldError::new(field, m).at_row(r.row);
        let group = cycle
            .scheme
            .groups
            .iter()
            .find(|g| g.code == r.group.trim() || g.label == r.group.trim())
            .map(|g| g.code.clone());
        if group.is_none() {
            errs.push(at("group", Msg::new("err-group-unknown").arg("group", r.group.trim())));
        }
        let person = match index.find(caller, &r.name, &r.org_code, true) {
            Ok((p, _)) => p.person.id,
            Err(e) => {
                errs.push(e.at_row(r.row));
                continue;
            }
        };
        if let Some(first) = seen.insert(person, r.row) {
            errs.push(at("name", Msg::new("err-roster-person-twice").arg("name", r.name.trim()).arg("row", first)));
            continue;
        }
        if let Some(g) = group {
            out.push((person, g));
        }
    }
    finish(out, errs)
}
