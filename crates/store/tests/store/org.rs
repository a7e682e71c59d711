use crate::{input, organizer, root, world};
use kaoping_core::error::CoreError;
use kaoping_core::services::{OrgImportInput, OrgImportRowInput};

#[tokio::test]
async fn tree_create_move_and_paths() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("lg", "琅港市委", "city_committee")).await.unwrap();
    assert_eq!(city.code, "LG");
    assert_eq!(city.path, format!("/{}/", city.id));
    let county =
        w.svc.org.org_create(&c, Some(city.id), &input("LG-ZS", "芝山区委", "county_committee")).await.unwrap();
    let town = w
        .svc
        .org
        .org_create(&c, Some(county.id), &input("LG-ZS-01", "杏林镇党委", "township_committee"))
        .await
        .unwrap();
    assert_eq!(town.path, format!("/{}/{}/{}/", city.id, county.id, town.id));
    let other = w.svc.org.org_create(&c, Some(city.id), &input("LG-WH", "望海区委", "county_committee")).await.unwrap();

    // Move the county under the other one: the whole subtree follows.
    let moved = w.svc.org.org_move(&c, county.id, Some(other.id)).await.unwrap();
    assert_eq!(moved.path, format!("{}{}/", other.path, county.id));
    let town2 = w.svc.org.org_get(&c, town.id).await.unwrap();
    assert_eq!(town2.path, format!("{}{}/", moved.path, town.id));

    // A move into one's own subtree is refused, and nothing changes.
    let err = w.svc.org.org_move(&c, other.id, Some(town.id)).await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e[0].msg.key == "err-org-move-cycle"), "{err:?}");
    assert_eq!(w.svc.org.org_get(&c, other.id).await.unwrap().path, other.path);

    let tree = w.svc.org.org_tree(&c, false).await.unwrap();
    let codes: Vec<_> = tree.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["LG", "LG-WH", "LG-ZS", "LG-ZS-01"]);
}

#[tokio::test]
async fn duplicate_codes_and_bad_input_change_nothing() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let err = w.svc.org.org_create(&c, Some(city.id), &input("lg", "重复", "other")).await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e[0].msg.key == "err-org-code-duplicate"), "{err:?}");
    let err = w.svc.org.org_create(&c, Some(city.id), &input("", "", "x")).await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e.len() == 3));
    let err = w
        .svc
        .org
        .org_create(&c, Some(kaoping_core::ids::OrgUnitId(9999)), &input("NEW", "新", "other"))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e[0].msg.key == "err-org-unknown"));
    assert_eq!(w.svc.org.org_tree(&c, true).await.unwrap().len(), 1);
}

#[tokio::test]
async fn organizers_see_and_change_only_their_subtree() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let a1 = w.svc.org.org_create(&c, Some(a.id), &input("A1", "甲一镇", "township_committee")).await.unwrap();
    let b = w.svc.org.org_create(&c, Some(city.id), &input("B", "乙区委", "county_committee")).await.unwrap();
    let o = organizer(&[&a]);
    let seen: Vec<_> = w.svc.org.org_tree(&o, false).await.unwrap().into_iter().map(|u| u.code).collect();
    assert_eq!(seen, ["A", "A1"]);
    assert!(matches!(w.svc.org.org_get(&o, b.id).await, Err(CoreError::Forbidden)));
    assert!(matches!(
        w.svc.org.org_create(&o, Some(b.id), &input("B1", "乙一", "other")).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(w.svc.org.org_create(&o, None, &input("R", "根", "other")).await, Err(CoreError::Forbidden)));
    assert!(matches!(w.svc.org.org_move(&o, a1.id, Some(b.id)).await, Err(CoreError::Forbidden)));
    w.svc.org.org_create(&o, Some(a1.id), &input("A1-1", "社区", "community_committee")).await.unwrap();
}

#[tokio::test]
async fn deactivation_keeps_history_and_respects_children() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    assert!(matches!(w.svc.org.org_set_active(&c, city.id, false).await, Err(CoreError::Conflict(_))));
    let a = w.svc.org.org_set_active(&c, a.id, false).await.unwrap();
    assert!(!a.active);
    assert_eq!(w.svc.org.org_tree(&c, false).await.unwrap().len(), 1);
    assert_eq!(w.svc.org.org_tree(&c, true).await.unwrap().len(), 2);
    assert!(w.svc.org.org_set_active(&c, a.id, true).await.unwrap().active);
}

fn row(row: usize, code: &str, name: &str, kind: &str, parent: &str) -> OrgImportRowInput {
    OrgImportRowInput {
        row,
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
        parent_code: Some(parent.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn import_is_all_or_nothing_with_row_errors() {
    let w = world().await;
    let c = root();
    w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let bad = OrgImportInput {
        rows: vec![
            row(2, "X1", "好的", "county_committee", "LG"),
            row(3, "X2", "", "county_committee", "LG"),
            row(4, "X3", "父级不存在", "other", "NOPE"),
            row(5, "X1", "重复", "other", "LG"),
        ],
    };
    let CoreError::Invalid(errs) = w.svc.org.org_import(&c, &bad).await.unwrap_err() else { panic!() };
    let rows: Vec<_> = errs.iter().map(|e| (e.row.unwrap(), e.msg.key)).collect();
    assert_eq!(rows, [(3, "err-required"), (4, "err-import-parent-unknown"), (5, "err-import-duplicate-code")]);
    assert_eq!(w.svc.org.org_tree(&c, true).await.unwrap().len(), 1, "nothing imported");

    let good = OrgImportInput {
        rows: vec![
            row(2, "X1-01", "一镇", "township_committee", "X1"),
            row(3, "X1", "一区", "county_committee", "LG"),
            row(4, "LG", "琅港市委（改名）", "city_committee", ""),
        ],
    };
    let out = w.svc.org.org_import(&c, &good).await.unwrap();
    assert_eq!((out.created, out.updated), (2, 1));
    let tree = w.svc.org.org_tree(&c, true).await.unwrap();
    assert_eq!(tree.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["LG", "X1", "X1-01"]);
    assert_eq!(tree[0].name, "琅港市委（改名）");
    assert!(tree[2].path.starts_with(&tree[1].path));
}

#[tokio::test]
async fn import_by_an_organizer_stays_in_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    let o = organizer(&[&a]);
    let rows =
        OrgImportInput { rows: vec![row(2, "A-1", "甲一", "other", "A"), row(3, "Z", "越权", "other", "LG")] };
    let CoreError::Invalid(errs) = w.svc.org.org_import(&o, &rows).await.unwrap_err() else { panic!() };
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].row, errs[0].msg.key), (Some(3), "err-import-out-of-scope"));
}

#[tokio::test]
async fn import_keeps_what_the_sheet_does_not_say_and_respects_activation() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    let a1 = w.svc.org.org_create(&c, Some(a.id), &input("A1", "甲一", "other")).await.unwrap();
    // A sheet with only code, name and type renames and keeps parents.
    let rows = OrgImportInput {
        rows: vec![OrgImportRowInput {
            row: 2,
            code: "a1".into(),
            name: "甲一（新）".into(),
            kind: "other".into(),
            ..Default::default()
        }],
    };
    w.svc.org.org_import(&c, &rows).await.unwrap();
    let got = w.svc.org.org_get(&c, a1.id).await.unwrap();
    assert_eq!((got.name.as_str(), got.parent_id, got.active), ("甲一（新）", Some(a.id), true));
    // Lower-case parent codes name units in the same file.
    let rows = OrgImportInput {
        rows: vec![
            OrgImportRowInput {
                row: 2,
                code: "b1".into(),
                name: "乙一".into(),
                kind: "other".into(),
                parent_code: Some("b".into()),
                ..Default::default()
            },
            OrgImportRowInput {
                row: 3,
                code: "b".into(),
                name: "乙".into(),
                kind: "other".into(),
                parent_code: Some("lg".into()),
                ..Default::default()
            },
        ],
    };
    assert_eq!(w.svc.org.org_import(&c, &rows).await.unwrap().created, 2);
    // Deactivating a parent while its child stays active is refused, whole.
    let rows = OrgImportInput {
        rows: vec![OrgImportRowInput {
            row: 2,
            code: "A".into(),
            name: "甲".into(),
            kind: "other".into(),
            active: Some("否".into()),
            ..Default::default()
        }],
    };
    let CoreError::Invalid(errs) = w.svc.org.org_import(&c, &rows).await.unwrap_err() else { panic!() };
    assert_eq!(errs[0].msg.key, "err-import-active-under-inactive");
    assert!(w.svc.org.org_get(&c, a.id).await.unwrap().active, "nothing changed");
}
