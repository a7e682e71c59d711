//! The public cycle export (`scoring.md` §9, `docs/export-format.md`):
//! everything needed to recompute the results — scheme, roster, final
//! ballots without evaluator ids, receipts, the seal, other components — and
//! the results as published. `recompute` and `verify` are what `kaoping
//! tally` and `kaoping verify` run.

mod check;
mod seal;

pub use check::validate;
pub use seal::{ResultsSeal, canonical, check_seal, results_seal};

use crate::cycles::scheme::{Component, Scheme};
use crate::exact::Frac;
use crate::results::tally::{Extras, Q, RoutineGrade, SubjectResult, TallySubject, exact_string, round2, tally};
use crate::voting::ballot::{StoredMarks, marks_from_stored, receipt, seal};
use crate::voting::counts::TallyBallot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT: &str = "kaoping-cycle-export/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    /// `public` (no evaluator ids) or `restricted`.
    pub kind: String,
    pub cycle: CycleOut,
    pub scheme: Scheme,
    pub subjects: Vec<SubjectOut>,
    pub ballots: Vec<BallotOut>,
    /// SM3 of the sorted receipts joined by `\n` (none while voting is open).
    pub seal: Option<String>,
    /// Values (0–100, exact `"p/q"`) of the other components, by component then subject id.
    #[serde(default)]
    pub components: BTreeMap<String, BTreeMap<i64, Frac>>,
    /// Subjects with a recorded veto.
    #[serde(default)]
    pub vetoes: Vec<i64>,
    /// Subjects whose routine-assessment grade is 优秀 (for the gate).
    #[serde(default)]
    pub routine_excellent: Vec<i64>,
    /// The results as published (ignored by `tally`).
    #[serde(default)]
    pub results: Vec<ResultOut>,
    /// Evaluators on the roster per group code.
    #[serde(default)]
    pub group_sizes: BTreeMap<String, u64>,
    /// The results seal over all of the above that decides the results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_seal: Option<ResultsSeal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleOut {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub ballot_mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectOut {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub order: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOut {
    pub id: String,
    pub group: String,
    /// Grade by item per subject id; `null` for 不了解.
    pub marks: StoredMarks,
    pub receipt: String,
    /// The evaluator's person id (restricted export, named mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<i64>,
}

/// An exact value with its display rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    /// Reduced fraction, e.g. `"1007/12"`.
    pub exact: String,
    /// Half away from zero, 2 decimals.
    pub rounded: String,
}

fn value(q: &Q) -> Value {
    Value { exact: exact_string(q), rounded: round2(q) }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultOut {
    pub subject: i64,
    pub category: String,
    pub democratic: Option<Value>,
    pub composite: Option<Value>,
    /// Ballots that graded the subject, and abstentions.
    pub votes: u64,
    pub abstain: u64,
    /// Per grade of the scale on the overall item, best first.
    pub counts: Vec<u64>,
    pub excellent_rate: Option<Value>,
    pub approval_rate: Option<Value>,
    pub poor_rate: Option<Value>,
    /// n(g,s) and m(g,s) per evaluator group.
    pub groups: Vec<GroupOut>,
    pub grade: Option<String>,
    pub rule: Option<String>,
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOut {
    pub group: String,
    pub n: u64,
    pub mean: Option<Value>,
    /// The group's votes per grade on the overall item, best first, and abstentions.
    #[serde(default)]
    pub counts: Vec<u64>,
    #[serde(default)]
    pub abstain: u64,
    #[serde(default)]
    pub excellent_rate: Option<Value>,
    #[serde(default)]
    pub approval_rate: Option<Value>,
    #[serde(default)]
    pub poor_rate: Option<Value>,
}

pub fn result_out(r: &SubjectResult) -> ResultOut {
    ResultOut {
        subject: r.subject,
        category: r.category.clone(),
        democratic: r.democratic.as_ref().map(value),
        composite: r.composite.as_ref().map(value),
        votes: r.counts.n(),
        abstain: r.counts.abstain,
        counts: r.counts.per_grade.clone(),
        excellent_rate: r.excellent_rate().as_ref().map(value),
        approval_rate: r.approval_rate().as_ref().map(value),
        poor_rate: r.poor_rate().as_ref().map(value),
        groups: r
            .groups
            .iter()
            .map(|g| GroupOut {
                group: g.group.clone(),
                n: g.n,
                mean: g.mean.as_ref().map(value),
                counts: g.counts.per_grade.clone(),
                abstain: g.counts.abstain,
                excellent_rate: g.counts.excellent_rate().as_ref().map(value),
                approval_rate: g.counts.approval_rate().as_ref().map(value),
                poor_rate: g.counts.poor_rate().as_ref().map(value),
            })
            .collect(),
        grade: r.grade.as_ref().map(|(g, _)| g.clone()),
        rule: r.grade.as_ref().map(|(_, rule)| rule.as_str().to_string()),
        rank: r.rank,
    }
}

fn component(code: &str) -> Option<Component> {
    Component::ALL.into_iter().find(|c| c.as_str() == code)
}

/// Recompute every result from the export's inputs (its `results`
/// ignored); an invalid export is refused with every problem named.
pub fn recompute(e: &Export) -> Result<Vec<ResultOut>, String> {
    let problems = validate(e);
    if !problems.is_empty() {
        return Err(format!("the export is invalid, nothing was computed:\n{}", problems.join("\n")));
    }
    let subjects: Vec<TallySubject> =
        e.subjects.iter().map(|s| TallySubject { id: s.id, category: s.category.clone(), order: s.order }).collect();
    let ballots: Vec<TallyBallot> = e
        .ballots
        .iter()
        .map(|b| TallyBallot { group: b.group.clone(), marks: marks_from_stored(b.marks.clone()) })
        .collect();
    let mut extras = Extras::default();
    for (code, values) in &e.components {
        let c = component(code).ok_or_else(|| format!("unknown component {code}"))?;
        for (subject, v) in values {
            extras.components.insert((*subject, c), *v);
        }
    }
    extras.vetoes = e.vetoes.iter().copied().collect();
    extras.routine_grades = e.routine_excellent.iter().map(|s| (*s, RoutineGrade::Excellent)).collect();
    match tally(&e.scheme, &subjects, &ballots, &extras) {
        Ok(r) => Ok(r.iter().map(result_out).collect()),
        Err(missing) => Err(format!(
            "subjects lack weighted components: {}",
            missing
                .iter()
                .map(|m| format!(
                    "{} ({})",
                    m.subject,
                    m.components.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// Every difference between the export and a recomputation: results,
/// receipts and the seal. Empty: the export verifies.
pub fn verify(e: &Export) -> Vec<String> {
    let mut out = validate(e);
    if !out.is_empty() {
        return out;
    }
    for b in &e.ballots {
        let r = receipt(e.cycle.id, &b.id, &b.group, &marks_from_stored(b.marks.clone()));
        if r != b.receipt {
            out.push(format!("ballot {}: receipt {} does not match its content ({r})", b.id, b.receipt));
        }
    }
    let receipts: Vec<String> = e.ballots.iter().map(|b| b.receipt.clone()).collect();
    match &e.seal {
        Some(s) if *s != seal(&receipts) => {
            out.push(format!("seal {s} does not match the receipts ({})", seal(&receipts)))
        }
        None => out.push("no seal: voting was not closed".to_string()),
        _ => {}
    }
    match recompute(e) {
        Err(msg) => out.push(msg),
        Ok(fresh) => {
            let published: BTreeMap<i64, &ResultOut> = e.results.iter().map(|r| (r.subject, r)).collect();
            for r in &fresh {
                match published.get(&r.subject) {
                    None => out.push(format!("subject {}: no published result", r.subject)),
                    Some(p) if *p != r => out.push(format!(
                        "subject {}: published {} differs from recomputed {}",
                        r.subject,
                        serde_json::to_string(p).unwrap_or_default(),
                        serde_json::to_string(r).unwrap_or_default()
                    )),
                    Some(_) => {}
                }
            }
            if published.len() != fresh.len() {
                out.push(format!("{} published results for {} subjects", published.len(), fresh.len()));
            }
        }
    }
    out.extend(check_seal(e));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn export() -> Export {
        let scheme = Scheme::default_for(&["county".into()]);
        let mark = |g: &str| -> StoredMarks {
            [(1, Some([("overall".to_string(), g.to_string())].into_iter().collect())), (2, None)].into_iter().collect()
        };
        let ballots: Vec<BallotOut> = [("a1", "excellent"), ("b2", "good"), ("c3", "fair")]
            .into_iter()
            .map(|(id, g)| {
                let marks = mark(g);
                BallotOut {
                    receipt: receipt(9, id, "all", &marks_from_stored(marks.clone())),
                    id: id.into(),
                    group: "all".into(),
                    marks,
                    evaluator: None,
                }
            })
            .collect();
        let receipts: Vec<String> = ballots.iter().map(|b| b.receipt.clone()).collect();
        let mut e = Export {
            format: FORMAT.into(),
            kind: "public".into(),
            cycle: CycleOut { id: 9, name: "2025".into(), year: 2025, ballot_mode: "named".into() },
            scheme,
            subjects: vec![
                SubjectOut { id: 1, name: "甲".into(), category: "county".into(), order: 1 },
                SubjectOut { id: 2, name: "乙".into(), category: "county".into(), order: 2 },
            ],
            ballots,
            seal: Some(seal(&receipts)),
            components: BTreeMap::new(),
            vetoes: vec![],
            routine_excellent: vec![],
            results: vec![],
            group_sizes: [("all".to_string(), 3)].into(),
            results_seal: None,
        };
        e.results = recompute(&e).unwrap();
        e.results_seal = Some(results_seal(&e));
        e
    }

    #[test]
    fn an_export_round_trips_and_verifies() {
        let e = export();
        // (100 + 80 + 50) / 3.
        assert_eq!(e.results[0].democratic, Some(Value { exact: "230/3".into(), rounded: "76.67".into() }));
        assert_eq!(e.results[1].democratic, None);
        let json = serde_json::to_string(&e).unwrap();
        let back: Export = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert!(verify(&back).is_empty(), "{:?}", verify(&back));
    }

    #[test]
    fn the_results_seal_names_the_part_that_changed() {
        // Another scheme with results recomputed to match: every receipt
        // and result checks out, the seal does not.
        let mut e = export();
        e.scheme.grades[1].points = crate::exact::Dec4::from_int(90);
        e.results = recompute(&e).unwrap();
        e.group_sizes.insert("all".into(), 30);
        let problems = verify(&e);
        let named = |part: &str| {
            problems.iter().any(|p| p == &format!("results seal: part {part} differs from what was sealed"))
        };
        assert!(named("scheme") && named("results") && named("groups"), "{problems:?}");
        assert!(!named("ballots") && !named("subjects") && !named("components"), "{problems:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
        // A seal made up to match the edited parts is still no seal of them.
        let mut e = export();
        e.results_seal.as_mut().unwrap().seal = "00".repeat(32);
        assert_eq!(verify(&e), ["results seal: the seal does not match its parts"]);
        // An export without one says so.
        let mut e = export();
        e.results_seal = None;
        assert!(verify(&e)[0].starts_with("no results seal"));
        // The per-group counts are carried: 好, 较好, 一般 from the one group.
        let g = &export().results[0].groups[0];
        assert_eq!((g.counts.as_slice(), g.abstain), ([1, 1, 1, 0].as_slice(), 0));
    }

    #[test]
    fn tampering_is_named() {
        let mut e = export();
        e.ballots[0].marks.insert(1, Some([("overall".to_string(), "poor".to_string())].into_iter().collect()));
        e.results[0].rank = Some(7);
        let problems = verify(&e);
        assert!(problems.iter().any(|p| p.starts_with("ballot a1: receipt")), "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("subject 1: published")), "{problems:?}");
        let mut e = export();
        e.seal = Some("00".into());
        assert!(verify(&e)[0].starts_with("seal 00"));
    }
}
