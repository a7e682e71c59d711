use crate::{grant, input, organizer, root, world};
use kaoping_core::account::Role;
use kaoping_core::error::CoreError;
use kaoping_core::person::PersonInput;
use kaoping_core::services::AccountInput;

#[tokio::test]
async fn login_lockout_sessions_and_password_change() {
    let w = world().await;
    let c = root();
    let city = w.svc.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let p = w
        .svc
        .person_create(
            &c,
            &PersonInput { name: "王建国".into(), org_unit_id: Some(city.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap();
    let acc = w
        .svc
        .account_create(
            &c,
            p.id,
            &AccountInput { username: "wangjg".into(), grants: vec![grant(Role::OrganizerAdmin, Some(city.id))] },
        )
        .await
        .unwrap();

    // Log in with the temporary password: a session that must change it.
    let out = w.svc.login("wangjg", &acc.temporary_password, None).await.unwrap();
    let s = w.svc.session(&out.token).await.unwrap().unwrap();
    assert!(s.must_change_password);
    assert_eq!(s.actor.scopes.len(), 1);
    assert_eq!(s.actor.display_name, "王建国");
    let me = kaoping_core::services::Caller { actor: s.actor.clone(), client: None };
    let err = w.svc.change_password(&me, "wrong", "short", "other").await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e.len() >= 3), "{err:?}");
    w.svc.change_password(&me, &acc.temporary_password, "Xinmima-2026!", "Xinmima-2026!").await.unwrap();
    assert!(!w.svc.session(&out.token).await.unwrap().unwrap().must_change_password);

    // Unknown sessions resolve to nothing.
    assert!(w.svc.session("nope").await.unwrap().is_none());

    // Five failures lock the account, even for the right password.
    for _ in 0..4 {
        assert!(matches!(w.svc.login("wangjg", "bad", None).await, Err(CoreError::Unauthenticated)));
    }
    assert!(matches!(w.svc.login("wangjg", "bad", None).await, Err(CoreError::Locked(_))));
    assert!(matches!(w.svc.login("wangjg", "Xinmima-2026!", None).await, Err(CoreError::Locked(_))));
    w.svc.account_unlock(&c, acc.id).await.unwrap();
    let again = w.svc.login("wangjg", "Xinmima-2026!", None).await.unwrap();

    // Logging out everywhere ends both sessions.
    let n = w.svc.logout_everywhere(&me).await.unwrap();
    assert_eq!(n, 2);
    assert!(w.svc.session(&again.token).await.unwrap().is_none());
}

#[tokio::test]
async fn organizers_cannot_grant_beyond_their_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    let o = organizer(&[&a]);
    let p = w
        .svc
        .person_create(
            &o,
            &PersonInput { name: "李四".into(), org_unit_id: Some(a.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap();
    let sys = AccountInput { username: "lisi".into(), grants: vec![grant(Role::SystemAdmin, None)] };
    assert!(matches!(w.svc.account_create(&o, p.id, &sys).await, Err(CoreError::Forbidden)));
    let wide = AccountInput { username: "lisi".into(), grants: vec![grant(Role::OrganizerAdmin, Some(city.id))] };
    assert!(matches!(w.svc.account_create(&o, p.id, &wide).await, Err(CoreError::Forbidden)));
    let ok = AccountInput { username: "lisi".into(), grants: vec![grant(Role::Evaluator, None)] };
    w.svc.account_create(&o, p.id, &ok).await.unwrap();
    assert!(matches!(w.svc.account_create(&o, p.id, &ok).await, Err(CoreError::Conflict(_))));
    // People outside the tree are managed under a unit of the admin's.
    let outside = PersonInput { name: "群众代表".into(), ..Default::default() };
    assert!(matches!(w.svc.person_create(&o, &outside, None).await, Err(CoreError::Invalid(_))));
    assert!(matches!(w.svc.person_create(&o, &outside, Some(city.id)).await, Err(CoreError::Forbidden)));
    let q = w.svc.person_create(&o, &outside, Some(a.id)).await.unwrap();
    assert_eq!(q.org_unit_id, None);
    let (list, total) = w.svc.people_list(&o, None, 0, 50).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(list.len(), 2);
}

#[tokio::test]
async fn home_counts_follow_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    w.svc.org_create(&c, Some(city.id), &input("B", "乙", "other")).await.unwrap();
    for (name, unit) in [("甲一", a.id), ("城一", city.id), ("城二", city.id)] {
        let p = PersonInput { name: name.into(), org_unit_id: Some(unit.to_string()), ..Default::default() };
        let p = w.svc.person_create(&c, &p, None).await.unwrap();
        let acc = AccountInput { username: format!("user{}", p.id), grants: vec![grant(Role::Evaluator, None)] };
        w.svc.account_create(&c, p.id, &acc).await.unwrap();
    }
    for _ in 0..5 {
        let _ = w.svc.login("user1", "bad", None).await;
    }
    let all = w.svc.admin_counts(&c).await.unwrap();
    assert_eq!((all.units, all.people, all.accounts, all.locked), (3, 3, 3, 1));
    let o = organizer(&[&a]);
    let mine = w.svc.admin_counts(&o).await.unwrap();
    assert_eq!((mine.units, mine.people, mine.accounts), (1, 1, 1));
}
