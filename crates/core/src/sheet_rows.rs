//! The rows of an import sheet read into checked values. Pure functions,
//! apart from the database look-ups the services make around them, so every
//! rule is tested without a database (and on 100,000 random sheets each in
//! `parser_properties`). Each returns every problem with its row, or the
//! values of a clean sheet.

use crate::cycles::Cycle;
use crate::cycles::roster::{EvaluatorRowInput, ReportingMode, Subject, SubjectRowInput};
use crate::cycles::roster_index::RosterIndex;
use crate::error::{FieldError, Msg};
use crate::exact::Dec4;
use crate::ids::PersonId;
use crate::org::OrgUnitInput;
use crate::ports::{NewSubject, OrgImportRow};
use crate::results::tally::RoutineGrade;
use crate::services::{Caller, OrgImportRowInput};
use crate::voting::meeting::Assessment;
use std::collections::HashMap;

type Checked<T> = Result<Vec<T>, Vec<FieldError>>;

fn finish<T>(out: Vec<T>, mut errs: Vec<FieldError>) -> Checked<T> {
    if errs.is_empty() {
        Ok(out)
    } else {
        errs.sort_by_key(|e| e.row);
        Err(errs)
    }
}

/// 是/否 and its synonyms; blank is "not given".
fn parse_active(s: &str) -> Result<Option<bool>, ()> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "是" | "启用" | "yes" | "y" | "true" | "1" | "active" => Ok(Some(true)),
        "否" | "停用" | "no" | "n" | "false" | "0" | "inactive" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Org units: each row's fields, 是/否, a code given once, not its own
/// parent. Returns the rows that pass and the problems of the others, as
/// parents and scope are checked against the database afterwards.
pub fn org_rows(input: &[OrgImportRowInput]) -> (Vec<OrgImportRow>, Vec<FieldError>) {
    let mut errs = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in input {
        let sort = r.sort_order.as_deref().map(str::trim).filter(|v| !v.is_empty());
        let fields = OrgUnitInput {
            code: r.code.clone(),
            name: r.name.clone(),
            kind: r.kind.clone(),
            sort_order: sort.map(str::to_string),
        }
        .validate();
        let active = parse_active(r.active.as_deref().unwrap_or(""));
        if active.is_err() {
            let value = r.active.as_deref().unwrap_or("").trim();
            errs.push(FieldError::new("active", Msg::new("err-yes-no").arg("value", value)).at_row(r.row));
        }
        let fields = match fields {
            Err(e) => {
                errs.extend(e.into_iter().map(|e| e.at_row(r.row)));
                continue;
            }
            Ok(f) => f,
        };
        if let Some(first) = seen.insert(fields.code.clone(), r.row) {
            let m = Msg::new("err-import-duplicate-code").arg("code", &fields.code).arg("row", first);
            errs.push(FieldError::new("code", m).at_row(r.row));
            continue;
        }
        let parent_code = r.parent_code.as_deref().map(|p| p.trim().to_ascii_uppercase()).filter(|p| !p.is_empty());
        if parent_code.as_deref() == Some(fields.code.as_str()) {
            errs.push(FieldError::new("parent_code", Msg::new("err-org-move-self")).at_row(r.row));
            continue;
        }
        rows.push(OrgImportRow {
            row: r.row,
            fields,
            parent_code,
            active: active.unwrap_or(None),
            keep_sort: sort.is_none(),
        });
    }
    (rows, errs)
}

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

/// A sheet row of the assessment import: its number and the cell under
/// each column the sheet has (a column it lacks is absent).
#[derive(Debug, Clone)]
pub struct CellRow {
    pub row: usize,
    pub cells: HashMap<&'static str, String>,
}

/// Routine scores, grades and vetoes: the subject by name, once; a column
/// the sheet lacks keeps what was entered before, an empty cell in one it
/// has clears it. Ranges are checked by `assessments_save`.
pub fn assessment_rows(subjects: &[(Subject, Assessment)], rows: &[CellRow]) -> Checked<Assessment> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        let cell = |f: &str| r.cells.get(f).map(|v| v.trim().to_string());
        let at = |field: &str, m: Msg| FieldError::new(field, m).at_row(r.row);
        let name = cell("name").unwrap_or_default();
        let mut matches = subjects.iter().filter(|(s, _)| s.person_name == name);
        let (s, before) = match (matches.next(), matches.next()) {
            (None, _) => {
                errs.push(at("name", Msg::new("err-subject-unknown")));
                continue;
            }
            (Some(_), Some(_)) => {
                errs.push(at("name", Msg::new("err-subject-ambiguous")));
                continue;
            }
            (Some(one), None) => one,
        };
        if !seen.insert(s.person_id) {
            errs.push(at("name", Msg::new("err-assessment-twice")));
            continue;
        }
        let mut x = before.clone();
        for (field, slot) in
            [("routine", &mut x.routine), ("observation", &mut x.observation), ("service", &mut x.service)]
        {
            let Some(v) = cell(field) else { continue };
            *slot = None;
            if !v.is_empty() {
                match Dec4::parse(&v) {
                    Ok(d) => *slot = Some(d),
                    Err(m) => errs.push(at(field, m)),
                }
            }
        }
        if let Some(g) = cell("routine_grade") {
            x.routine_grade = None;
            if !g.is_empty() {
                match RoutineGrade::from_cell(&g) {
                    Some(g) => x.routine_grade = Some(g),
                    None => errs.push(at("routine_grade", Msg::new("err-routine-grade").arg("value", g))),
                }
            }
        }
        if let Some(v) = cell("veto") {
            x.veto_reason = (!v.is_empty()).then_some(v);
        }
        out.push(x);
    }
    finish(out, errs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_cells() {
        assert_eq!(parse_active("是"), Ok(Some(true)));
        assert_eq!(parse_active(""), Ok(None));
        assert_eq!(parse_active("否"), Ok(Some(false)));
        assert_eq!(parse_active("maybe"), Err(()));
    }
}
