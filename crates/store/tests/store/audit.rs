use crate::{input, root, world};
use kaoping_core::audit::{AnchorBreak, AuditFilter, AuditResult};
use kaoping_core::ports::AuditStore;
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn every_change_is_chained_and_tampering_is_found() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    w.svc.org.org_update(&c, city.id, &input("LG", "琅港市委员会", "city_committee")).await.unwrap();
    let _ = w.svc.accounts.login("nobody", "x", Some("10.0.0.1".into())).await;
    let list = w.svc.audit.audit_list(&c, AuditFilter { limit: 50, ..Default::default() }).await.unwrap();
    let actions: Vec<_> = list.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["auth.login", "org.update", "org.create"]);
    assert_eq!(list[0].result, AuditResult::Failed);
    assert_eq!(list[0].client.as_deref(), Some("10.0.0.1"));
    assert_eq!(w.svc.audit.audit_verify().await.unwrap(), Ok(3));

    // Change a stored entry behind the application's back (an owner of the
    // database, who can lift the append-only triggers).
    lift_append_only(&w).await;
    let db = w.t.db.connection();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE audit_log SET object = 'org_unit:999' WHERE seq = 2",
    ))
    .await
    .unwrap();
    let broken = w.svc.audit.audit_verify().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    let w = world().await;
    let c = root();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let db = w.t.db.clone();
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            db.audit_append(&c.audit("test.append", format!("n:{i}"))).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(w.svc.audit.audit_verify().await.unwrap(), Ok(20));
}

async fn sql(w: &crate::World, sql: &str) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
    let db = w.t.db.connection();
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_string())).await
}

/// What a database owner can do: take the append-only triggers away.
async fn lift_append_only(w: &crate::World) {
    let steps: &[&str] = if kaoping_store::testing::on_postgres() {
        &["ALTER TABLE audit_log DISABLE TRIGGER USER"]
    } else {
        &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    };
    for s in steps {
        sql(w, s).await.unwrap();
    }
}

#[tokio::test]
async fn the_log_refuses_changes_and_anchors_find_what_an_owner_removes() {
    let w = world().await;
    let c = root();
    for code in ["LG", "YT", "WH", "QD"] {
        w.svc.org.org_create(&c, None, &input(code, "市委", "city_committee")).await.unwrap();
    }
    // Through the app's connection the log is append-only.
    for change in ["UPDATE audit_log SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 4"] {
        let e = sql(&w, change).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{change}: {e}");
    }
    if kaoping_store::testing::on_postgres() {
        let e = sql(&w, "TRUNCATE audit_log").await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    assert_eq!(w.svc.audit.audit_verify().await.unwrap(), Ok(4));

    // Anchored at #4; an owner removes #3 and #4: the chain that is left is
    // whole, the anchor is not.
    let head = w.svc.audit.audit_head().await.unwrap().unwrap();
    assert_eq!(head.seq, 4);
    assert_eq!(w.svc.audit.audit_check_anchors(std::slice::from_ref(&head)).await.unwrap(), Ok(1));
    lift_append_only(&w).await;
    sql(&w, "DELETE FROM audit_log WHERE seq >= 3").await.unwrap();
    assert_eq!(w.svc.audit.audit_verify().await.unwrap(), Ok(2), "a shorter chain is still a chain");
    let broken = w.svc.audit.audit_check_anchors(std::slice::from_ref(&head)).await.unwrap().unwrap_err();
    assert_eq!(broken, AnchorBreak::Truncated { anchor: head.clone(), last: 2 });
    assert!(broken.to_string().contains("entry #4"), "{broken}");
    // Entries appended again up to #4 have other hashes: rewritten.
    for code in ["JN", "ZB"] {
        w.svc.org.org_create(&c, None, &input(code, "市委", "city_committee")).await.unwrap();
    }
    let broken = w.svc.audit.audit_check_anchors(std::slice::from_ref(&head)).await.unwrap().unwrap_err();
    assert_eq!(broken, AnchorBreak::Altered { anchor: head });
}
