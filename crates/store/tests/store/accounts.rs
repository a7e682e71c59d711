use crate::{World, grant, input, organizer, root, world};
use kaoping_core::accounts::Role;
use kaoping_core::accounts::RoleGrant;
use kaoping_core::error::CoreError;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::AccountStore;
use kaoping_core::services::{AccountInput, CreatedAccount};

/// A person in `unit` with an account named `username` holding `role`.
async fn person_with_account(
    w: &World,
    unit: &kaoping_core::org::OrgUnit,
    name: &str,
    username: &str,
    role: RoleGrant,
) -> CreatedAccount {
    let c = root();
    let p = PersonInput { name: name.into(), org_unit_id: Some(unit.id.to_string()), ..Default::default() };
    let p = w.svc.people.person_create(&c, &p, None).await.unwrap();
    w.svc
        .accounts
        .account_create(&c, p.id, &AccountInput { username: username.into(), grants: vec![role] })
        .await
        .unwrap()
}

#[tokio::test]
async fn login_lockout_sessions_and_password_change() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let acc = person_with_account(&w, &city, "王建国", "wangjg", grant(Role::OrganizerAdmin, Some(city.id))).await;

    // Log in with the temporary password: a session that must change it.
    let out = w.svc.accounts.login("wangjg", &acc.temporary_password, None).await.unwrap();
    let s = w.svc.accounts.session(&out.token).await.unwrap().unwrap();
    assert!(s.must_change_password);
    assert_eq!(s.actor.scopes.len(), 1);
    assert_eq!(s.actor.display_name, "王建国");
    let me = kaoping_core::services::Caller { actor: s.actor.clone(), client: None };
    let err = w.svc.accounts.change_password(&me, Some(&s.digest), "wrong", "short", "other").await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e.len() >= 3), "{err:?}");
    let renewed = w
        .svc
        .accounts
        .change_password(&me, Some(&s.digest), &acc.temporary_password, "Xinmima-2026!", "Xinmima-2026!")
        .await
        .unwrap()
        .expect("a new session");
    // The session id is renewed: the old one ends.
    assert!(w.svc.accounts.session(&out.token).await.unwrap().is_none());
    assert!(!w.svc.accounts.session(&renewed).await.unwrap().unwrap().must_change_password);

    // Unknown sessions resolve to nothing.
    assert!(w.svc.accounts.session("nope").await.unwrap().is_none());

    // Five failures from one client refuse that client the name, even with
    // the right password; another client is not refused. An unknown name
    // is answered the same way.
    let attacker = || Some("203.0.113.9".to_string());
    for name in ["wangjg", "nobody-here"] {
        for _ in 0..4 {
            assert!(matches!(w.svc.accounts.login(name, "bad", attacker()).await, Err(CoreError::Unauthenticated)));
        }
        assert!(matches!(w.svc.accounts.login(name, "bad", attacker()).await, Err(CoreError::Locked(_))), "{name}");
    }
    assert!(matches!(w.svc.accounts.login("wangjg", "Xinmima-2026!", attacker()).await, Err(CoreError::Locked(_))));
    let elsewhere = w.svc.accounts.login("wangjg", "Xinmima-2026!", Some("10.1.2.3".into())).await.unwrap();
    w.svc.accounts.logout(&me, &kaoping_core::accounts::auth::token_digest(&elsewhere.token)).await.unwrap();
    // An administrator's unlock lifts it.
    w.svc.accounts.account_unlock(&c, acc.id).await.unwrap();
    let again = w.svc.accounts.login("wangjg", "Xinmima-2026!", attacker()).await.unwrap();

    // Logging out everywhere ends both sessions.
    let n = w.svc.accounts.logout_everywhere(&me).await.unwrap();
    assert_eq!(n, 2);
    assert!(w.svc.accounts.session(&again.token).await.unwrap().is_none());
}

#[tokio::test]
async fn organizers_cannot_grant_beyond_their_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    let o = organizer(&[&a]);
    let p = w
        .svc
        .people
        .person_create(
            &o,
            &PersonInput { name: "李四".into(), org_unit_id: Some(a.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap();
    let sys = AccountInput { username: "lisi".into(), grants: vec![grant(Role::SystemAdmin, None)] };
    assert!(matches!(w.svc.accounts.account_create(&o, p.id, &sys).await, Err(CoreError::Forbidden)));
    let wide = AccountInput { username: "lisi".into(), grants: vec![grant(Role::OrganizerAdmin, Some(city.id))] };
    assert!(matches!(w.svc.accounts.account_create(&o, p.id, &wide).await, Err(CoreError::Forbidden)));
    let ok = AccountInput { username: "lisi".into(), grants: vec![grant(Role::Evaluator, None)] };
    w.svc.accounts.account_create(&o, p.id, &ok).await.unwrap();
    assert!(matches!(w.svc.accounts.account_create(&o, p.id, &ok).await, Err(CoreError::Conflict(_))));
    // People outside the tree are managed under a unit of the admin's.
    let outside = PersonInput { name: "群众代表".into(), ..Default::default() };
    assert!(matches!(w.svc.people.person_create(&o, &outside, None).await, Err(CoreError::Invalid(_))));
    assert!(matches!(w.svc.people.person_create(&o, &outside, Some(city.id)).await, Err(CoreError::Forbidden)));
    let q = w.svc.people.person_create(&o, &outside, Some(a.id)).await.unwrap();
    assert_eq!(q.org_unit_id, None);
    let (list, total) = w.svc.people.people_list(&o, None, 0, 50).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(list.len(), 2);
}

#[tokio::test]
async fn home_counts_follow_scope() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = w.svc.org.org_create(&c, Some(city.id), &input("A", "甲", "other")).await.unwrap();
    w.svc.org.org_create(&c, Some(city.id), &input("B", "乙", "other")).await.unwrap();
    for (name, unit) in [("甲一", a.id), ("城一", city.id), ("城二", city.id)] {
        let p = PersonInput { name: name.into(), org_unit_id: Some(unit.to_string()), ..Default::default() };
        let p = w.svc.people.person_create(&c, &p, None).await.unwrap();
        let acc = AccountInput { username: format!("user{}", p.id), grants: vec![grant(Role::Evaluator, None)] };
        w.svc.accounts.account_create(&c, p.id, &acc).await.unwrap();
    }
    // Locked by five wrong second-factor codes (wrong passwords throttle the
    // client, not the account).
    let id = w.t.db.account_by_username("user1").await.unwrap().unwrap().id;
    let audit = kaoping_core::audit::AuditDraft::new(Some(id), "user1", None, "auth.totp", "session");
    for _ in 0..5 {
        w.t.db.account_login_failed(id, &Default::default(), w.svc.clock.now(), &audit).await.unwrap();
    }
    let all = w.svc.accounts.admin_counts(&c).await.unwrap();
    assert_eq!((all.units, all.people, all.accounts, all.locked), (3, 3, 3, 1));
    let o = organizer(&[&a]);
    let mine = w.svc.accounts.admin_counts(&o).await.unwrap();
    assert_eq!((mine.units, mine.people, mine.accounts), (1, 1, 1));
}

#[tokio::test]
async fn organizers_cannot_manage_accounts_that_reach_further() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let dept = w.svc.org.org_create(&c, Some(city.id), &input("ZZB", "组织部", "organization_dept")).await.unwrap();
    // The city-wide organizer's record is managed in the department…
    let p = PersonInput { name: "部长".into(), org_unit_id: Some(dept.id.to_string()), ..Default::default() };
    let p = w.svc.people.person_create(&c, &p, None).await.unwrap();
    let wide = w
        .svc
        .accounts
        .account_create(
            &c,
            p.id,
            &AccountInput { username: "buzhang".into(), grants: vec![grant(Role::OrganizerAdmin, Some(city.id))] },
        )
        .await
        .unwrap();
    // …whose own organizer must not take it over.
    let o = organizer(&[&dept]);
    assert!(matches!(w.svc.accounts.account_reset_password(&o, wide.id).await, Err(CoreError::Forbidden)));
    assert!(matches!(
        w.svc.accounts.account_set_grants(&o, wide.id, &[grant(Role::Evaluator, None)]).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(w.svc.accounts.account_set_active(&o, wide.id, false).await, Err(CoreError::Forbidden)));
    // The city organizer may.
    let city_org = organizer(&[&city]);
    w.svc.accounts.account_unlock(&city_org, wide.id).await.unwrap();
}

#[tokio::test]
async fn totp_codes_work_once_and_guessing_locks_the_account() {
    use kaoping_core::accounts::auth::totp;
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let acc = person_with_account(&w, &city, "管理员", "guanli", grant(Role::SystemAdmin, None)).await;
    let secret = totp::new_secret();
    let out = w.svc.accounts.login("guanli", &acc.temporary_password, None).await.unwrap();
    let s = w.svc.accounts.session(&out.token).await.unwrap().unwrap();
    let me = kaoping_core::services::Caller { actor: s.actor.clone(), client: None };
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let enrolment = totp::code_at(&secret, now()).unwrap();
    w.svc.accounts.enable_totp(&me, &secret, &enrolment).await.unwrap();
    assert!(
        matches!(w.svc.accounts.enable_totp(&me, &secret, "000000").await, Err(CoreError::Conflict(_))),
        "no silent replacement"
    );
    // The secret is stored sealed with the server key: the database alone
    // does not give the second factor away.
    use sea_orm::ConnectionTrait;
    let db = w.t.db.connection();
    let stored: String = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT totp_secret FROM account WHERE username = 'guanli'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "totp_secret")
        .unwrap();
    assert!(stored.starts_with("sealed:") && !stored.contains(&secret), "{stored}");
    // The enrolment code cannot also complete the first login.
    let first = w.svc.accounts.login("guanli", &acc.temporary_password, None).await.unwrap();
    let sf = w.svc.accounts.session(&first.token).await.unwrap().unwrap();
    assert!(w.svc.accounts.login_totp(&sf, &enrolment, None).await.is_err(), "the enrolment code is spent");

    // A code is good once (the next step's: the enrolment's is spent), and
    // completes the login with a new session id.
    let code = totp::code_at(&secret, now() + 30).unwrap();
    let a = w.svc.accounts.login("guanli", &acc.temporary_password, None).await.unwrap();
    assert!(a.mfa_pending);
    let sa = w.svc.accounts.session(&a.token).await.unwrap().unwrap();
    let token = w.svc.accounts.login_totp(&sa, &code, None).await.unwrap();
    assert!(w.svc.accounts.session(&a.token).await.unwrap().is_none(), "the pre-login session id is not kept");
    assert!(!w.svc.accounts.session(&token).await.unwrap().unwrap().mfa_pending);
    let b = w.svc.accounts.login("guanli", &acc.temporary_password, None).await.unwrap();
    let sb = w.svc.accounts.session(&b.token).await.unwrap().unwrap();
    assert!(w.svc.accounts.login_totp(&sb, &code, None).await.is_err(), "a used code is refused");

    // Wrong codes count, password logins in between do not reset the count,
    // and the lock ends every half-finished login.
    let mut sessions = Vec::new();
    for _ in 0..4 {
        let l = w.svc.accounts.login("guanli", &acc.temporary_password, None).await.unwrap();
        let sl = w.svc.accounts.session(&l.token).await.unwrap().unwrap();
        let _ = w.svc.accounts.login_totp(&sl, "000000", None).await;
        sessions.push(l.token);
    }
    let last = w.svc.accounts.session(&sessions[3]).await.unwrap();
    assert!(last.is_none(), "locked: the sessions waiting for a code are gone");
    assert!(matches!(w.svc.accounts.login("guanli", &acc.temporary_password, None).await, Err(CoreError::Locked(_))));
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let acc = person_with_account(&w, &city, "评议人", "pingyi", grant(Role::Evaluator, None)).await;
    let phone = w.svc.accounts.login("pingyi", &acc.temporary_password, None).await.unwrap();
    let desk = w.svc.accounts.login("pingyi", &acc.temporary_password, None).await.unwrap();
    let s = w.svc.accounts.session(&desk.token).await.unwrap().unwrap();
    let me = kaoping_core::services::Caller { actor: s.actor.clone(), client: None };
    let desk_again = w
        .svc
        .accounts
        .change_password(&me, Some(&s.digest), &acc.temporary_password, "Neue-Passw0rt", "Neue-Passw0rt")
        .await
        .unwrap()
        .unwrap();
    // The desk goes on under a new session id; the phone must log in again.
    assert!(w.svc.accounts.session(&desk.token).await.unwrap().is_none());
    assert!(w.svc.accounts.session(&desk_again).await.unwrap().is_some());
    assert!(w.svc.accounts.session(&phone.token).await.unwrap().is_none());
}

#[tokio::test]
async fn people_search_ignores_case_and_treats_wildcards_literally() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    for (name, post) in [("王建国", "Director"), ("李_明", "干部"), ("张三", "100%负责")] {
        let p = PersonInput {
            name: name.into(),
            org_unit_id: Some(city.id.to_string()),
            post: Some(post.into()),
            ..Default::default()
        };
        w.svc.people.person_create(&c, &p, None).await.unwrap();
    }
    let names = |q: &'static str| {
        let svc = w.svc.clone();
        let c = c.clone();
        async move {
            let (rows, _) = svc.people.people_list(&c, Some(q.into()), 0, 50).await.unwrap();
            rows.into_iter().map(|r| r.person.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(names("director").await, ["王建国"]);
    assert_eq!(names("WANG").await, ["王建国"]);
    assert_eq!(names("_").await, ["李_明"]);
    assert_eq!(names("%").await, ["张三"]);
}

#[tokio::test]
async fn a_second_node_sees_a_logout_within_the_cache_time() {
    use kaoping_core::services::{AuthConfig, Services};
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let acc = person_with_account(&w, &city, "两地", "liangdi", grant(Role::Evaluator, None)).await;
    let clock_b = std::sync::Arc::new(kaoping_core::time::TestClock::new());
    let node_b = Services::new(
        std::sync::Arc::new(w.t.db.clone().with_clock(clock_b.clone())),
        AuthConfig { cache_seconds: 1, ..Default::default() },
    );
    let out = w.svc.accounts.login("liangdi", &acc.temporary_password, None).await.unwrap();
    let s = node_b.accounts.session(&out.token).await.unwrap().unwrap();
    // Node A logs the account out everywhere; node A knows at once…
    let me = kaoping_core::services::Caller { actor: s.actor.clone(), client: None };
    w.svc.accounts.logout_everywhere(&me).await.unwrap();
    assert!(w.svc.accounts.session(&out.token).await.unwrap().is_none());
    // …node B within its cache time (until then it may still let it in).
    assert!(node_b.accounts.session(&out.token).await.unwrap().is_some(), "kept for the cache time");
    clock_b.advance(chrono::Duration::milliseconds(1000));
    assert!(node_b.accounts.session(&out.token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_new_password_is_not_one_of_the_last_five() {
    let w = world().await;
    let c = root();
    let city = w.svc.org.org_create(&c, None, &input("PH", "琅港市委", "city_committee")).await.unwrap();
    let acc = person_with_account(&w, &city, "李明", "liming", grant(Role::Evaluator, None)).await;
    let out = w.svc.accounts.login("liming", &acc.temporary_password, None).await.unwrap();
    let me = kaoping_core::services::Caller {
        actor: w.svc.accounts.session(&out.token).await.unwrap().unwrap().actor,
        client: None,
    };
    let reused = |e: CoreError| matches!(e, CoreError::Invalid(ref f) if f.iter().any(|f| f.field == "new_password" && f.msg.key == "err-password-reused"));
    let used: Vec<String> = (1..=6).map(|i| format!("Qiushui-Changtian-{i}")).collect();
    let mut current = acc.temporary_password.clone();
    for next in &used {
        // Every earlier password (and the temporary one, while it is among
        // the last five) is refused; the current one too.
        let err = w.svc.accounts.change_password(&me, None, &current, &current, &current).await.unwrap_err();
        assert!(reused(err), "the current password was accepted again");
        w.svc.accounts.change_password(&me, None, &current, next, next).await.unwrap();
        current = next.clone();
    }
    // Now the last five are used[1..=5]; used[0] is the sixth back and may return.
    for old in &used[2..5] {
        let err = w.svc.accounts.change_password(&me, None, &current, old, old).await.unwrap_err();
        assert!(reused(err), "{old} is among the last five");
    }
    w.svc.accounts.change_password(&me, None, &current, &used[0], &used[0]).await.unwrap();
    // An administrator's reset also pushes the old password into the history.
    let temp = w.svc.accounts.account_reset_password(&c, acc.id).await.unwrap();
    let err = w.svc.accounts.change_password(&me, None, &temp, &used[0], &used[0]).await.unwrap_err();
    assert!(reused(err));
}
