use crate::{input, root, world};
use kaoping_core::audit::{AuditFilter, AuditResult};
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn every_change_is_chained_and_tampering_is_found() {
    let w = world().await;
    let c = root();
    let city = w.svc.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    w.svc.org_update(&c, city.id, &input("LG", "琅港市委员会", "city_committee")).await.unwrap();
    let _ = w.svc.login("nobody", "x", Some("10.0.0.1".into())).await;
    let list = w.svc.audit_list(&c, AuditFilter { limit: 50, ..Default::default() }).await.unwrap();
    let actions: Vec<_> = list.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["auth.login", "org.update", "org.create"]);
    assert_eq!(list[0].result, AuditResult::Failed);
    assert_eq!(list[0].client.as_deref(), Some("10.0.0.1"));
    assert_eq!(w.svc.audit_verify().await.unwrap(), Ok(3));

    // Change a stored entry behind the application's back.
    let db = w.t.db.connection();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE audit_log SET object = 'org_unit:999' WHERE seq = 2",
    ))
    .await
    .unwrap();
    let broken = w.svc.audit_verify().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    let w = world().await;
    let c = root();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let svc = w.svc.clone();
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            svc.store.audit_append(&c.audit("test.append", format!("n:{i}"))).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(w.svc.audit_verify().await.unwrap(), Ok(20));
}
