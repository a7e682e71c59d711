use crate::{input, organizer, root, world};
use kaoping_core::cycles::scheme::Group;
use kaoping_core::cycles::{Category, CycleInput, Phase};
use kaoping_core::error::CoreError;
use kaoping_core::exact::Dec4;

fn new_cycle(name: &str) -> CycleInput {
    CycleInput { name: name.into(), year: "2026".into(), ballot_mode: None }
}

#[tokio::test]
async fn cycles_are_created_scoped_copied_and_their_scheme_validated() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let jg = w.svc.org.org_create(&c, Some(city.id), &input("JG", "机关工委", "organs_work_committee")).await.unwrap();
    let zzb = organizer(&[&city]);
    let jgo = organizer(&[&jg]);

    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2025年度述职评议"), None).await.unwrap();
    assert_eq!((cy.phase, cy.categories.len(), cy.organizer_name.as_str()), (Phase::Preparation, 7, "琅港市委"));
    assert_eq!(cy.scheme.validate(&cy.category_codes()), Ok(()));
    // The organs work committee neither sees nor creates cycles of the city.
    assert!(matches!(w.svc.cycles.cycle_get(&jgo, cy.id).await, Err(CoreError::Forbidden)));
    assert!(matches!(w.svc.cycles.cycle_create(&jgo, city.id, &new_cycle("x"), None).await, Err(CoreError::Forbidden)));
    assert!(w.svc.cycles.cycles_list(&jgo).await.unwrap().is_empty());
    assert!(matches!(w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle(""), None).await, Err(CoreError::Invalid(_))));

    // Two weighted groups: weights must sum to 1, and every category be graded.
    let mut scheme = cy.scheme.clone();
    let cats = vec![
        Category { code: "county".into(), name: "县市区委书记".into() },
        Category { code: "township".into(), name: "乡镇党委书记".into() },
    ];
    scheme.groups = vec![
        Group {
            code: "leaders".into(),
            label: "市级领导".into(),
            weight: Dec4(3_500),
            categories: vec!["county".into()],
        },
        Group {
            code: "deputies".into(),
            label: "党代表".into(),
            weight: Dec4(6_000),
            categories: vec!["county".into()],
        },
    ];
    let CoreError::Invalid(errs) = w.svc.cycles.cycle_set_scheme(&zzb, cy.id, &scheme, &cats).await.unwrap_err() else {
        panic!()
    };
    let keys: Vec<_> = errs.iter().map(|e| e.msg.key).collect();
    assert_eq!(keys, ["err-scheme-group-weights-sum", "err-scheme-category-ungraded"]);
    scheme.groups[1].weight = Dec4(6_500);
    scheme.groups[1].categories.push("township".into());
    w.svc.cycles.cycle_set_scheme(&zzb, cy.id, &scheme, &cats).await.unwrap();
    let stored = w.svc.cycles.cycle_get(&zzb, cy.id).await.unwrap();
    assert_eq!((stored.scheme.clone(), stored.categories.clone()), (scheme.clone(), cats.clone()));

    // Next year's cycle copies the scheme and categories.
    let next = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2026年度述职评议"), Some(cy.id)).await.unwrap();
    assert_eq!((next.scheme, next.categories, next.copied_from), (scheme, cats, Some(cy.id)));
    assert_eq!(w.svc.cycles.cycles_list(&zzb).await.unwrap().len(), 2);
}

#[tokio::test]
async fn phases_move_one_step_with_their_checks_audited() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let zzb = organizer(&[&city]);
    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2026年度"), None).await.unwrap();
    let CoreError::Invalid(errs) = w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Evaluation).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(errs[0].msg.key, "err-phase-order");
    // No subjects yet: reporting cannot start.
    let CoreError::Invalid(errs) = w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Reporting).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(errs[0].msg.key, "err-phase-no-subjects");
    assert_eq!(w.svc.cycles.cycle_get(&zzb, cy.id).await.unwrap().phase, Phase::Preparation);
}

#[tokio::test]
async fn subjects_join_once_within_scope_and_open_reporting() {
    use kaoping_core::cycles::roster::{ReportingMode, SubjectInput};
    use kaoping_core::people::PersonInput;
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let b = w.svc.org.org_create(&c, Some(city.id), &input("B", "乙区委", "county_committee")).await.unwrap();
    let p = |name: &str, unit: &kaoping_core::org::OrgUnit| PersonInput {
        name: name.into(),
        org_unit_id: Some(unit.id.to_string()),
        post: Some("区委书记".into()),
        ..Default::default()
    };
    let pa = w.svc.people.person_create(&c, &p("甲书记", &a), None).await.unwrap();
    let pb = w.svc.people.person_create(&c, &p("乙书记", &b), None).await.unwrap();
    let zzb = organizer(&[&city]);
    let ao = organizer(&[&a]);
    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2026"), None).await.unwrap();
    let acy = w.svc.cycles.cycle_create(&ao, a.id, &new_cycle("甲区2026"), None).await.unwrap();
    let add = |person: i64, cat: &str| SubjectInput {
        person_id: person.to_string(),
        category: cat.into(),
        mode: Some("written".into()),
        post: None,
    };

    let s = w.svc.cycles.subject_add(&zzb, cy.id, &add(pa.id.0, "county")).await.unwrap();
    assert_eq!(
        (s.order, s.post.as_str(), s.mode, s.org_unit_name.as_deref()),
        (1, "区委书记", ReportingMode::Written, Some("甲区委"))
    );
    let s2 = w.svc.cycles.subject_add(&zzb, cy.id, &add(pb.id.0, "county")).await.unwrap();
    assert_eq!(s2.order, 2);
    let CoreError::Invalid(e) = w.svc.cycles.subject_add(&zzb, cy.id, &add(pa.id.0, "county")).await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!(e[0].msg.key, "err-subject-duplicate");
    let CoreError::Invalid(e) = w.svc.cycles.subject_add(&zzb, cy.id, &add(pa.id.0, "nope")).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(e[0].msg.key, "err-category-unknown");
    // The district organizer cannot put another district's secretary on its roster.
    assert!(matches!(w.svc.cycles.subject_add(&ao, acy.id, &add(pb.id.0, "county")).await, Err(CoreError::Forbidden)));

    // With subjects, reporting can open; the roster stays editable until evaluation.
    let moved = w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Reporting).await.unwrap();
    assert_eq!(moved.phase, Phase::Reporting);
    w.svc.cycles.subject_remove(&zzb, cy.id, s2.id).await.unwrap();
    assert_eq!(w.svc.cycles.subjects_list(&zzb, cy.id).await.unwrap().len(), 1);
    // Evaluation needs evaluators, which this release cannot add yet.
    let CoreError::Invalid(e) = w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Evaluation).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(e[0].msg.key, "err-phase-no-evaluators");
}

#[tokio::test]
async fn a_roster_sheet_replaces_the_roster_or_changes_nothing() {
    use kaoping_core::cycles::roster::{ReportingMode, SubjectRowInput};
    use kaoping_core::people::PersonInput;
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let b = w.svc.org.org_create(&c, Some(city.id), &input("B", "乙区委", "county_committee")).await.unwrap();
    for (name, unit) in [("甲书记", &a), ("乙书记", &b), ("同名", &a), ("同名", &a)] {
        let p = PersonInput {
            name: name.into(),
            org_unit_id: Some(unit.id.to_string()),
            post: Some("区委书记".into()),
            ..Default::default()
        };
        w.svc.people.person_create(&c, &p, None).await.unwrap();
    }
    let zzb = organizer(&[&city]);
    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2026"), None).await.unwrap();
    let row = |row: usize, name: &str, org: &str, cat: &str, mode: &str| SubjectRowInput {
        row,
        name: name.into(),
        org_code: org.into(),
        category: cat.into(),
        mode: mode.into(),
        post: String::new(),
    };
    let bad = vec![
        row(2, "甲书记", "A", "县市区委书记", "现场述职"),
        row(3, "无此人", "A", "county", ""),
        row(4, "同名", "A", "county", ""),
        row(5, "乙书记", "B", "不存在", "唱歌"),
        row(6, "甲书记", "A", "county", ""),
    ];
    let CoreError::Invalid(errs) = w.svc.cycles.subjects_import(&zzb, cy.id, &bad).await.unwrap_err() else { panic!() };
    let got: Vec<_> = errs.iter().map(|e| (e.row.unwrap(), e.msg.key)).collect();
    assert_eq!(
        got,
        [
            (3, "err-roster-person-unknown"),
            (4, "err-roster-person-ambiguous"),
            (5, "err-category-unknown"),
            (5, "err-reporting-mode"),
            (6, "err-roster-person-twice"),
        ]
    );
    assert!(w.svc.cycles.subjects_list(&zzb, cy.id).await.unwrap().is_empty(), "nothing imported");
    let good = vec![row(2, "乙书记", "B", "县市区委书记", "书面述职"), row(3, "甲书记", "a", "county", "")];
    assert_eq!(w.svc.cycles.subjects_import(&zzb, cy.id, &good).await.unwrap(), 2);
    let list = w.svc.cycles.subjects_list(&zzb, cy.id).await.unwrap();
    assert_eq!(
        list.iter().map(|s| (s.person_name.as_str(), s.order, s.mode)).collect::<Vec<_>>(),
        [("乙书记", 1, ReportingMode::Written), ("甲书记", 2, ReportingMode::OnStage)]
    );
}

#[tokio::test]
async fn evaluators_join_one_group_and_evaluation_freezes_everything() {
    use kaoping_core::cycles::roster::SubjectInput;
    use kaoping_core::people::PersonInput;
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let sec = w
        .svc
        .people
        .person_create(
            &c,
            &PersonInput { name: "甲书记".into(), org_unit_id: Some(a.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap();
    // A deputy from outside the tree, managed by the city.
    let deputy = w
        .svc
        .people
        .person_create(&c, &PersonInput { name: "党代表甲".into(), ..Default::default() }, Some(city.id))
        .await
        .unwrap();
    let zzb = organizer(&[&city]);
    let ao = organizer(&[&a]);
    let cy = w.svc.cycles.cycle_create(&zzb, city.id, &new_cycle("2026"), None).await.unwrap();
    let acy = w.svc.cycles.cycle_create(&ao, a.id, &new_cycle("甲区2026"), None).await.unwrap();
    let subject = SubjectInput { person_id: sec.id.to_string(), category: "county".into(), mode: None, post: None };
    w.svc.cycles.subject_add(&zzb, cy.id, &subject).await.unwrap();

    w.svc.cycles.evaluator_add(&zzb, cy.id, &deputy.id.to_string(), "all").await.unwrap();
    let CoreError::Invalid(e) =
        w.svc.cycles.evaluator_add(&zzb, cy.id, &deputy.id.to_string(), "all").await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!(e[0].msg.key, "err-evaluator-duplicate");
    let CoreError::Invalid(e) = w.svc.cycles.evaluator_add(&zzb, cy.id, &sec.id.to_string(), "nope").await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!(e[0].msg.key, "err-group-unknown");
    assert!(matches!(
        w.svc.cycles.evaluator_add(&ao, acy.id, &deputy.id.to_string(), "all").await,
        Err(CoreError::Forbidden)
    ));
    assert_eq!(w.svc.cycles.evaluators_list(&zzb, cy.id).await.unwrap()[0].person_name, "党代表甲");

    w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Reporting).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy.id, Phase::Evaluation).await.unwrap();
    let frozen = w.svc.cycles.cycle_get(&zzb, cy.id).await.unwrap();
    assert!(matches!(
        w.svc.cycles.cycle_set_scheme(&zzb, cy.id, &frozen.scheme, &frozen.categories).await,
        Err(CoreError::Conflict(_))
    ));
    assert!(matches!(w.svc.cycles.subject_add(&zzb, cy.id, &subject).await, Err(CoreError::Conflict(_))));
    assert!(matches!(
        w.svc.cycles.evaluator_add(&zzb, cy.id, &sec.id.to_string(), "all").await,
        Err(CoreError::Conflict(_))
    ));
}
