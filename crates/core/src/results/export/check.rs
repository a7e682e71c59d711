//! Validation of an export against every rule of `scoring.md` §1 and §2,
//! before anything is computed from it: `kaoping tally` and `kaoping verify`
//! refuse an invalid export and name the rule and the place.

use super::{Export, FORMAT};
use crate::cycles::scheme::Component;
use crate::exact::Frac;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The problems of an export, each naming the rule (`scoring.md` section)
/// and the place; empty: valid.
pub fn validate(e: &Export) -> Vec<String> {
    let mut out = Vec::new();
    if e.format != FORMAT {
        out.push(format!("format: {:?} is not {FORMAT}", e.format));
    }
    if !["public", "restricted"].contains(&e.kind.as_str()) {
        out.push(format!("kind: {:?} is neither public nor restricted", e.kind));
    }
    if !["named", "anonymous"].contains(&e.cycle.ballot_mode.as_str()) {
        out.push(format!("cycle.ballot_mode: {:?} is neither named nor anonymous", e.cycle.ballot_mode));
    }
    subjects(e, &mut out);
    // §1: the scheme, as the editor checks it; categories are the subjects'
    // and the groups' (an export does not list empty categories).
    let mut categories: BTreeSet<String> = e.subjects.iter().map(|s| s.category.clone()).collect();
    categories.extend(e.scheme.groups.iter().flat_map(|g| g.categories.iter().cloned()));
    let categories: Vec<String> = categories.into_iter().collect();
    if let Err(errs) = e.scheme.validate(&categories) {
        for f in errs {
            out.push(format!("scoring.md §1, scheme.{}: {}", f.field, f.msg));
        }
    }
    components(e, &mut out);
    // Ballots are checked only against a valid scheme.
    if out.is_empty() {
        ballots(e, &mut out);
    }
    out
}

fn subjects(e: &Export, out: &mut Vec<String>) {
    let mut ids = HashSet::new();
    for s in &e.subjects {
        if !ids.insert(s.id) {
            out.push(format!("subjects: subject {} is listed twice", s.id));
        }
    }
}

fn components(e: &Export, out: &mut Vec<String>) {
    let known: HashSet<i64> = e.subjects.iter().map(|s| s.id).collect();
    for (code, values) in &e.components {
        match Component::ALL.into_iter().find(|c| c.as_str() == code) {
            None => out.push(format!("scoring.md §1, components.{code}: unknown component")),
            Some(Component::Democratic) => {
                out.push(format!("scoring.md §1, components.{code}: the democratic score comes from the ballots"))
            }
            Some(_) => {}
        }
        for (subject, v) in values {
            if !known.contains(subject) {
                out.push(format!("components.{code}: subject {subject} is not in the roster"));
            }
            if *v < Frac::ZERO || *v > Frac::new(100, 1) {
                out.push(format!("scoring.md §1, components.{code}.{subject}: {v} is outside 0–100"));
            }
        }
    }
    for (name, list) in [("vetoes", &e.vetoes), ("routine_excellent", &e.routine_excellent)] {
        let mut seen = HashSet::new();
        for s in list {
            if !known.contains(s) {
                out.push(format!("{name}: subject {s} is not in the roster"));
            }
            if !seen.insert(*s) {
                out.push(format!("{name}: subject {s} is listed twice"));
            }
        }
    }
}

/// §2 for each ballot: its group, its subjects (the group's scope, less at
/// most one — an evaluator who is also a subject does not grade
/// themselves), every item graded on the scale or abstain, the quota.
fn ballots(e: &Export, out: &mut Vec<String>) {
    let s = &e.scheme;
    let category: BTreeMap<i64, &str> = e.subjects.iter().map(|x| (x.id, x.category.as_str())).collect();
    let grades: HashSet<&str> = s.grades.iter().map(|g| g.code.as_str()).collect();
    let top = s.grades.first().map(|g| g.code.as_str());
    let overall = s.items.iter().find(|i| i.overall).map(|i| i.code.as_str());
    let mut ids = HashSet::new();
    let mut receipts = HashSet::new();
    for b in &e.ballots {
        let at = format!("ballot {}", b.id);
        if !ids.insert(b.id.as_str()) {
            out.push(format!("scoring.md §2, {at}: the ballot is given twice"));
        }
        if !receipts.insert(b.receipt.as_str()) {
            out.push(format!("scoring.md §2, {at}: receipt {} is given twice", b.receipt));
        }
        let Some(group) = s.groups.iter().find(|g| g.code == b.group) else {
            out.push(format!("scoring.md §2, {at}: unknown evaluator group {:?}", b.group));
            continue;
        };
        let scope: BTreeSet<i64> =
            category.iter().filter(|(_, c)| group.categories.iter().any(|g| g == *c)).map(|(id, _)| *id).collect();
        for subject in b.marks.keys() {
            if !category.contains_key(subject) {
                out.push(format!("scoring.md §2, {at}: subject {subject} is not in the roster"));
            } else if !scope.contains(subject) {
                out.push(format!("scoring.md §2, {at}: subject {subject} is outside group {}'s scope", group.code));
            }
        }
        let missing: Vec<i64> = scope.iter().filter(|id| !b.marks.contains_key(id)).copied().collect();
        let allowed = match b.evaluator {
            Some(me) => missing.iter().all(|m| *m == me),
            None => missing.len() <= 1,
        };
        if !allowed {
            out.push(format!("scoring.md §2, {at}: subjects in scope not graded: {missing:?}"));
        }
        let mut excellent: BTreeMap<&str, i128> = BTreeMap::new();
        let mut in_category: BTreeMap<&str, i128> = BTreeMap::new();
        for (subject, mark) in &b.marks {
            let Some(cat) = category.get(subject) else { continue };
            *in_category.entry(cat).or_default() += 1;
            let Some(g) = mark else { continue };
            for (item, grade) in g.iter() {
                if !s.items.iter().any(|i| i.code == item) {
                    out.push(format!("scoring.md §2, {at}, subject {subject}: unknown item {item:?}"));
                }
                if !grades.contains(grade) {
                    out.push(format!("scoring.md §2, {at}, subject {subject}: grade {grade:?} is not on the scale"));
                }
            }
            for i in &s.items {
                if g.get(&i.code).is_none() {
                    out.push(format!("scoring.md §2, {at}, subject {subject}: item {:?} is not graded", i.code));
                }
            }
            if overall.and_then(|o| g.get(o)) == top {
                *excellent.entry(cat).or_default() += 1;
            }
        }
        if let Some(q) = s.ballot_quota {
            for (cat, m) in in_category {
                let limit = q.mul_int(m).floor();
                let given = excellent.get(cat).copied().unwrap_or(0);
                if given > limit {
                    out.push(format!(
                        "scoring.md §2, {at}: {given} top grades in category {cat} exceed the quota of {limit} ({q} of {m})"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::Dec4;
    use crate::results::export::tests::export;

    /// A change to the sample export, and what its refusal must say.
    type Case = (&'static str, Box<dyn FnOnce(&mut Export)>);

    /// The problems of the sample export after `change`.
    fn after(change: impl FnOnce(&mut Export)) -> Vec<String> {
        let mut e = export();
        change(&mut e);
        validate(&e)
    }

    fn mark(g: &str) -> Option<crate::voting::grades::Grades> {
        Some([("overall".to_string(), g.to_string())].into_iter().collect())
    }

    /// Each malformed export is refused, naming the rule and the place; none
    /// is computed, and none panics.
    #[test]
    fn every_rule_of_the_scheme_and_the_ballots_is_checked() {
        assert_eq!(validate(&export()), Vec::<String>::new());
        let cases: Vec<Case> = vec![
            ("err-scheme-item-weights-sum", Box::new(|e| e.scheme.items[0].weight = Dec4(9_000))),
            ("err-scheme-group-weights-sum", Box::new(|e| e.scheme.groups[0].weight = Dec4(5_000))),
            ("err-scheme-overall-item", Box::new(|e| e.scheme.items[0].overall = false)),
            (
                "err-scheme-overall-item",
                Box::new(|e| {
                    let mut second = e.scheme.items[0].clone();
                    second.code = "second".into();
                    e.scheme.items[0].weight = Dec4(5_000);
                    second.weight = Dec4(5_000);
                    e.scheme.items.push(second);
                }),
            ),
            ("err-scheme-points-order", Box::new(|e| e.scheme.grades[1].points = e.scheme.grades[0].points)),
            ("err-scheme-points-range", Box::new(|e| e.scheme.grades[0].points = Dec4::from_int(120))),
            ("err-scheme-grades-count", Box::new(|e| e.scheme.grades.truncate(1))),
            ("err-scheme-band-floor", Box::new(|e| e.scheme.rules.bands.retain(|b| b.threshold > Dec4::ZERO))),
            ("err-scheme-grade-unknown", Box::new(|e| e.scheme.rules.bands[0].grade = "superb".into())),
            ("err-scheme-grade-unknown", Box::new(|e| e.scheme.rules.veto_grade = "worst".into())),
            ("err-scheme-quota-range", Box::new(|e| e.scheme.rules.excellent_quota = Some(Frac::new(3, 2)))),
            ("err-scheme-quota-range", Box::new(|e| e.scheme.ballot_quota = Some(Frac::new(3, 2)))),
            ("err-scheme-component-weights-sum", Box::new(|e| e.scheme.components[0].1 = Dec4(2))),
            (
                "err-scheme-points-range",
                Box::new(|e| {
                    // Near i64::MAX: refused, never overflowing.
                    e.scheme.grades[0].points = Dec4(i64::MAX);
                    e.scheme.items[0].weight = Dec4(i64::MAX);
                    e.scheme.groups[0].weight = Dec4(i64::MAX);
                }),
            ),
            ("is not on the scale", Box::new(|e| e.ballots[0].marks.insert(1, mark("superb")).map(drop).unwrap())),
            (
                "item \"overall\" is not graded",
                Box::new(|e| e.ballots[0].marks.insert(1, Some(Default::default())).map(drop).unwrap()),
            ),
            (
                "unknown item",
                Box::new(|e| e.ballots[0].marks.get_mut(&1).unwrap().as_mut().unwrap().insert("x", "good")),
            ),
            ("not in the roster", Box::new(|e| drop(e.ballots[0].marks.insert(99, mark("good"))))),
            ("unknown evaluator group", Box::new(|e| e.ballots[0].group = "strangers".into())),
            ("the ballot is given twice", Box::new(|e| e.ballots[1].id = e.ballots[0].id.clone())),
            ("listed twice", Box::new(|e| e.subjects.push(e.subjects[0].clone()))),
            (
                "subjects in scope not graded",
                Box::new(|e| {
                    e.ballots[0].marks.clear();
                }),
            ),
            (
                "outside 0–100",
                Box::new(|e| drop(e.components.insert("routine".into(), [(1, Frac::new(250, 1))].into()))),
            ),
            (
                "outside 0–100",
                Box::new(|e| drop(e.components.insert("routine".into(), [(1, Frac::new(-5, 1))].into()))),
            ),
            ("unknown component", Box::new(|e| drop(e.components.insert("charisma".into(), Default::default())))),
            ("vetoes: subject 5 is not in the roster", Box::new(|e| e.vetoes.push(5))),
            ("format", Box::new(|e| e.format = "kaoping-cycle-export/0".into())),
            (
                "exceed the quota",
                Box::new(|e| {
                    e.scheme.ballot_quota = Some(Frac::new(3, 10));
                    e.ballots[0].marks.insert(2, mark("excellent"));
                }),
            ),
        ];
        for (i, (needle, change)) in cases.into_iter().enumerate() {
            let problems = after(change);
            assert!(problems.iter().any(|p| p.contains(needle)), "case {i}: {needle} not in {problems:?}");
            let mut e = export();
            // Nothing is computed from what is refused.
            e.format = "x".into();
            assert!(super::super::recompute(&e).is_err());
        }
    }
}
