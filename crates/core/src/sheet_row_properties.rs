//! Property tests of the sheet-row readers (`sheet_rows`): 100,000 random
//! sheets each, of cells drawn from the values a sheet should hold, near
//! misses and any text. None may panic; a sheet is accepted exactly when
//! each of its rows is accepted alone and no person or unit repeats; every
//! problem names a row of the sheet, in order.

use crate::accounts::scope::{Actor, ScopeGrant};
use crate::cycles::roster::{EvaluatorRowInput, ReportingMode, Subject, SubjectRowInput};
use crate::cycles::roster_index::RosterIndex;
use crate::cycles::scheme::Scheme;
use crate::cycles::sheet_rows::{evaluator_rows, subject_rows};
use crate::cycles::{BallotMode, Cycle, CycleSettings, Phase, default_categories};
use crate::error::FieldError;
use crate::ids::{AccountId, CycleId, OrgUnitId, PersonId};
use crate::org::sheet_rows::org_rows;
use crate::org::{OrgUnit, OrgUnitType};
use crate::people::Person;
use crate::ports::PersonRow;
use crate::results::assessment::Assessment;
use crate::results::sheet_rows::assessment_rows;
use crate::services::{Caller, OrgImportRowInput};
use crate::sheet_rows::CellRow;
use proptest::prelude::*;
use std::collections::HashSet;

const CASES: u32 = 100_000;

/// One of the values a cell should hold, a near miss of one, or any text.
fn cell(good: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::sample::select(good).prop_map(str::to_string),
        1 => prop::sample::select(good).prop_map(|g| format!(" {g}\t")),
        1 => "[A-Za-z0-9_ .\\-]{0,6}",
        1 => any::<String>(),
    ]
}

const NAMES: &[&str] = &["王一", "王二", "王一", "王二", "同名", "李四", "外人", ""];
const CODES: &[&str] = &["A", "a", "A", "B", "CITY", "X", ""];

fn unit(id: i64, parent: Option<i64>, code: &str, path: &str) -> OrgUnit {
    OrgUnit {
        id: OrgUnitId(id),
        parent_id: parent.map(OrgUnitId),
        code: code.into(),
        name: code.into(),
        kind: OrgUnitType::Other,
        sort_order: 0,
        name_sort: code.into(),
        path: path.into(),
        active: true,
        created_at: crate::time::from_micros(1_800_000_000_000_000),
        updated_at: crate::time::from_micros(1_800_000_000_000_000),
    }
}

fn person(id: i64, name: &str, unit: Option<i64>, managed_by: i64) -> PersonRow {
    PersonRow {
        person: Person {
            id: PersonId(id),
            name: name.into(),
            name_sort: name.into(),
            org_unit_id: unit.map(OrgUnitId),
            managed_by: OrgUnitId(managed_by),
            post: "书记".into(),
            phone: None,
            active: true,
            created_at: crate::time::from_micros(1_800_000_000_000_000),
        },
        org_unit_name: None,
        managed_by_name: String::new(),
        username: None,
    }
}

/// The organizer of unit A (under CITY; B is a sibling out of scope): two
/// people of A, two of the same name, one of B, one outside the tree whose
/// record A manages.
fn make_fixture() -> (Cycle, RosterIndex, Caller) {
    let units = vec![unit(1, None, "CITY", "/1/"), unit(2, Some(1), "A", "/1/2/"), unit(3, Some(1), "B", "/1/3/")];
    let people = vec![
        person(10, "王一", Some(2), 2),
        person(11, "王二", Some(2), 2),
        person(12, "同名", Some(2), 2),
        person(13, "同名", Some(2), 2),
        person(14, "李四", Some(3), 3),
        person(15, "外人", None, 2),
    ];
    let cats = default_categories();
    let codes: Vec<String> = cats.iter().map(|c| c.code.clone()).collect();
    let cycle = Cycle {
        id: CycleId(1),
        organizer_id: OrgUnitId(2),
        organizer_name: String::new(),
        name: "c".into(),
        year: 2026,
        phase: Phase::Preparation,
        ballot_mode: BallotMode::Named,
        scheme: Scheme::default_for(&codes),
        categories: cats,
        copied_from: None,
        settings: CycleSettings::default(),
        feedback: Default::default(),
        voting: Default::default(),
        results: Default::default(),
        created_at: crate::time::from_micros(1_800_000_000_000_000),
        updated_at: crate::time::from_micros(1_800_000_000_000_000),
    };
    let actor = Actor {
        account_id: AccountId(1),
        person_id: PersonId(1),
        username: "orga".into(),
        display_name: String::new(),
        post: String::new(),
        unit_name: None,
        roles: [crate::accounts::Role::OrganizerAdmin].into(),
        scopes: vec![ScopeGrant {
            role: crate::accounts::Role::OrganizerAdmin,
            unit_id: OrgUnitId(2),
            unit_name: "A".into(),
            path: "/1/2/".into(),
        }],
    };
    (cycle, RosterIndex::new(units, people), Caller { actor, client: None })
}

/// Built once: the 100,000 cases of a test share it.
static FIXTURE: std::sync::LazyLock<(Cycle, RosterIndex, Caller)> = std::sync::LazyLock::new(make_fixture);
static SUBJECTS: std::sync::LazyLock<Vec<(Subject, Assessment)>> = std::sync::LazyLock::new(assessed_subjects);

/// Rows numbered as a sheet numbers them (the header is row 1).
fn numbered<T>(rows: Vec<T>, set: impl Fn(&mut T, usize)) -> Vec<T> {
    rows.into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            set(&mut r, i + 2);
            r
        })
        .collect()
}

/// Every problem names a row of the sheet, and they come in row order.
fn rows_named(errs: &[FieldError], rows: &HashSet<usize>) -> bool {
    errs.iter().all(|e| e.row.is_some_and(|r| rows.contains(&r))) && errs.is_sorted_by_key(|e| e.row)
}

fn subject_row() -> impl Strategy<Value = SubjectRowInput> {
    let cats: &'static [&'static str] = &["county", "township", "县市区委书记", "County", ""];
    let modes: &'static [&'static str] = &["", "现场", "书面述职", "written", "On stage", "网上"];
    (cell(NAMES), cell(CODES), cell(cats), cell(modes), cell(&["", "书记"])).prop_map(
        |(name, org_code, category, mode, post)| SubjectRowInput { row: 0, name, org_code, category, mode, post },
    )
}

fn evaluator_row() -> impl Strategy<Value = EvaluatorRowInput> {
    (cell(NAMES), cell(CODES), cell(&["all", "评议人员", "ALL", ""]))
        .prop_map(|(name, org_code, group)| EvaluatorRowInput { row: 0, name, org_code, group })
}

fn org_row() -> impl Strategy<Value = OrgImportRowInput> {
    let kinds: &'static [&'static str] = &["other", "county_committee", "县市区委", "none", ""];
    let opt = |s: BoxedStrategy<String>| prop::option::of(s);
    (
        cell(&["A1", "a1", "B-2", "A 1", "X.Y", ""]),
        cell(&["甲镇", "", "单位"]),
        cell(kinds),
        opt(cell(CODES).boxed()),
        opt(cell(&["0", "10", "-1", "99999999999", ""]).boxed()),
        opt(cell(&["是", "否", "yes", "0", "maybe", ""]).boxed()),
    )
        .prop_map(|(code, name, kind, parent_code, sort_order, active)| OrgImportRowInput {
            row: 0,
            code,
            name,
            kind,
            parent_code,
            sort_order,
            active,
        })
}

fn assessment_row() -> impl Strategy<Value = CellRow> {
    let numbers: &'static [&'static str] = &["", "95", "88.5", "100.00001", "-3", "1e3", "9223372036854775807"];
    let grades: &'static [&'static str] = &["", "优秀", "称职", "基本称职", "不称职", "good", "甲"];
    (
        cell(&["s1", "s2", "同名", "s9", ""]),
        prop::option::of(cell(numbers)),
        prop::option::of(cell(numbers)),
        prop::option::of(cell(grades)),
        prop::option::of(cell(&["", "违纪"])),
    )
        .prop_map(|(name, routine, service, grade, veto)| {
            let mut cells = std::collections::HashMap::from([("name", name)]);
            for (k, v) in [("routine", routine), ("service", service), ("routine_grade", grade), ("veto", veto)] {
                if let Some(v) = v {
                    cells.insert(k, v);
                }
            }
            CellRow { row: 0, cells }
        })
}

fn assessed_subjects() -> Vec<(Subject, Assessment)> {
    ["s1", "s2", "同名", "同名"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = PersonId(i as i64 + 1);
            let s = Subject {
                id: id.0,
                cycle_id: CycleId(1),
                person_id: id,
                person_name: (*name).into(),
                post: String::new(),
                org_unit_id: None,
                org_unit_name: None,
                category: "county".into(),
                mode: ReportingMode::OnStage,
                order: i as i32,
            };
            (s, Assessment::new(id))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn subject_rows_are_read_row_by_row(rows in prop::collection::vec(subject_row(), 0..6)) {
        let (cycle, index, caller) = &*FIXTURE;
        let rows = numbered(rows, |r, n| r.row = n);
        let numbers: HashSet<usize> = rows.iter().map(|r| r.row).collect();
        let alone: Vec<_> = rows.iter().map(|r| subject_rows(cycle, index, caller, std::slice::from_ref(r))).collect();
        match subject_rows(cycle, index, caller, &rows) {
            Ok(out) => {
                prop_assert_eq!(out.len(), rows.len());
                prop_assert!(alone.iter().all(Result::is_ok));
                let people: HashSet<_> = out.iter().map(|s| s.person_id).collect();
                prop_assert_eq!(people.len(), out.len());
                prop_assert!(out.iter().all(|s| cycle.categories.iter().any(|c| c.code == s.category)));
                // Only people of A itself: B is out of scope, 外人 is outside the tree.
                prop_assert!(out.iter().all(|s| [10, 11].contains(&s.person_id.0)));
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty() && rows_named(&errs, &numbers));
                let ids: Vec<_> = alone.iter().filter_map(|r| r.as_ref().ok()).flatten().map(|s| s.person_id).collect();
                let repeats = ids.len() != ids.iter().collect::<HashSet<_>>().len();
                prop_assert!(alone.iter().any(Result::is_err) || repeats);
            }
        }
    }

    #[test]
    fn evaluator_rows_are_read_row_by_row(rows in prop::collection::vec(evaluator_row(), 0..6)) {
        let (cycle, index, caller) = &*FIXTURE;
        let rows = numbered(rows, |r, n| r.row = n);
        let numbers: HashSet<usize> = rows.iter().map(|r| r.row).collect();
        let alone: Vec<_> = rows.iter().map(|r| evaluator_rows(cycle, index, caller, std::slice::from_ref(r))).collect();
        match evaluator_rows(cycle, index, caller, &rows) {
            Ok(out) => {
                prop_assert_eq!(out.len(), rows.len());
                prop_assert!(alone.iter().all(Result::is_ok));
                prop_assert_eq!(out.iter().map(|(p, _)| p).collect::<HashSet<_>>().len(), out.len());
                prop_assert!(out.iter().all(|(p, g)| [10, 11, 15].contains(&p.0) && g == "all"));
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty() && rows_named(&errs, &numbers));
                let ids: Vec<_> = alone.iter().filter_map(|r| r.as_ref().ok()).flatten().map(|(p, _)| *p).collect();
                let repeats = ids.len() != ids.iter().collect::<HashSet<_>>().len();
                prop_assert!(alone.iter().any(Result::is_err) || repeats);
            }
        }
    }

    #[test]
    fn org_rows_are_read_row_by_row(rows in prop::collection::vec(org_row(), 0..6)) {
        let rows = numbered(rows, |r, n| r.row = n);
        let numbers: HashSet<usize> = rows.iter().map(|r| r.row).collect();
        let (out, mut errs) = org_rows(&rows);
        errs.sort_by_key(|e| e.row);
        prop_assert!(rows_named(&errs, &numbers));
        // Every row is taken or has a problem; taken codes are unique and
        // as stored (upper case, no spaces), never their own parent.
        let flagged: HashSet<usize> = errs.iter().filter_map(|e| e.row).collect();
        prop_assert!(rows.iter().all(|r| flagged.contains(&r.row) || out.iter().any(|o| o.row == r.row)));
        prop_assert_eq!(out.iter().map(|o| &o.fields.code).collect::<HashSet<_>>().len(), out.len());
        for o in &out {
            prop_assert!(!o.fields.code.is_empty() && o.fields.code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
            prop_assert!(o.parent_code.as_deref() != Some(o.fields.code.as_str()));
        }
        for (r, alone) in rows.iter().map(|r| (r, org_rows(std::slice::from_ref(r)))) {
            if alone.1.is_empty() && !flagged.contains(&r.row) {
                prop_assert!(out.iter().any(|o| o.row == r.row));
            }
        }
    }

    #[test]
    fn assessment_rows_are_read_row_by_row(rows in prop::collection::vec(assessment_row(), 0..6)) {
        let subjects = &*SUBJECTS;
        let rows = numbered(rows, |r, n| r.row = n);
        let numbers: HashSet<usize> = rows.iter().map(|r| r.row).collect();
        let alone: Vec<_> = rows.iter().map(|r| assessment_rows(subjects, std::slice::from_ref(r))).collect();
        match assessment_rows(subjects, &rows) {
            Ok(out) => {
                prop_assert_eq!(out.len(), rows.len());
                prop_assert!(alone.iter().all(Result::is_ok));
                prop_assert_eq!(out.iter().map(|a| a.subject).collect::<HashSet<_>>().len(), out.len());
                // A cell given is the value kept; a column left out keeps nothing new.
                for (a, r) in out.iter().zip(&rows) {
                    prop_assert_eq!(a.routine.is_some(), r.cells.get("routine").is_some_and(|v| !v.trim().is_empty()));
                    prop_assert_eq!(a.veto_reason.is_some(), r.cells.get("veto").is_some_and(|v| !v.trim().is_empty()));
                }
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty() && rows_named(&errs, &numbers));
                let ids: Vec<_> = alone.iter().filter_map(|r| r.as_ref().ok()).flatten().map(|a| a.subject).collect();
                let repeats = ids.len() != ids.iter().collect::<HashSet<_>>().len();
                prop_assert!(alone.iter().any(Result::is_err) || repeats);
            }
        }
    }
}
