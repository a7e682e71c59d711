use kaoping_store::testing::{empty_db, fresh_db};
use kaoping_store::{Db, SchemaState, Target};

#[tokio::test]
async fn migrations_bring_an_empty_database_to_current() {
    let t = empty_db().await;
    assert_eq!(t.db.schema_state().await.unwrap(), SchemaState::Empty);
    let applied = t.db.migrate().await.unwrap();
    assert!(!applied.is_empty());
    assert_eq!(t.db.schema_state().await.unwrap(), SchemaState::Current);
    assert!(t.db.migrate().await.unwrap().is_empty(), "migrating twice does nothing");
}

#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let here = fresh_db().await;
    let dir = kaoping_store::testing::TempDir::new();
    let sqlite = Db::connect(&Target::in_data_dir(&dir.0)).await.unwrap();
    sqlite.migrate().await.unwrap();
    let a = here.db.schema_outline().await.unwrap();
    let b = sqlite.schema_outline().await.unwrap();
    assert!(a.iter().any(|c| c == "org_unit.parent_id null"), "{a:?}");
    assert_eq!(a, b);
}
