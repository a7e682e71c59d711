//! The rows of the assessment import sheet (see `crate::sheet_rows`).

use crate::cycles::roster::Subject;
use crate::error::{FieldError, Msg};
use crate::exact::Dec4;
use crate::results::assessment::Assessment;
use crate::results::tally::RoutineGrade;
use crate::sheet_rows::CellRow;
use crate::sheet_rows::{Checked, finish};

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
