use kaoping_store::SchemaState;
use kaoping_store::testing::{empty_db, fresh_db};

#[tokio::test]
async fn migrations_bring_an_empty_database_to_current() {
    let t = empty_db().await;
    assert_eq!(t.db.schema_state().await.unwrap(), SchemaState::Empty);
    let applied = t.db.migrate().await.unwrap();
    assert!(!applied.is_empty());
    assert_eq!(t.db.schema_state().await.unwrap(), SchemaState::Current);
    assert!(t.db.migrate().await.unwrap().is_empty(), "migrating twice does nothing");
}

/// Tables, columns, nullability and keys as `schema.outline` records them.
/// The SQLite run and the PostgreSQL run each compare their database with
/// this one file, so the two backends cannot drift apart unseen (a plain
/// `cargo test` checks SQLite; `./scripts/test` checks both). After a
/// migration, write the new outline with `KAOPING_WRITE_SCHEMA_OUTLINE=1`.
#[tokio::test]
async fn both_backends_have_the_schema_on_record() {
    let here = fresh_db().await;
    let outline = here.db.schema_outline().await.unwrap().join("\n") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/store/schema.outline");
    if std::env::var_os("KAOPING_WRITE_SCHEMA_OUTLINE").is_some() {
        std::fs::write(&path, &outline).unwrap();
    }
    let recorded = std::fs::read_to_string(&path).unwrap();
    assert!(recorded.lines().any(|c| c == "org_unit.parent_id null"), "{recorded}");
    assert!(outline == recorded, "the schema differs from tests/store/schema.outline:\n{}", diff(&recorded, &outline));
}

/// The lines only one side has.
fn diff(recorded: &str, actual: &str) -> String {
    let r: std::collections::BTreeSet<_> = recorded.lines().collect();
    let a: std::collections::BTreeSet<_> = actual.lines().collect();
    let only = |x: &std::collections::BTreeSet<&str>, y: &std::collections::BTreeSet<&str>, sign: &str| {
        x.difference(y).map(|l| format!("{sign} {l}")).collect::<Vec<_>>()
    };
    [only(&r, &a, "-"), only(&a, &r, "+")].concat().join("\n")
}
