//! Login, lockout, rate limit, sessions, password change, TOTP, language.

use crate::helpers::{PASSWORD, client, location, root_caller, spawn, spawn_with};
use kaoping_core::accounts::auth::totp;
use kaoping_core::people::PersonInput;
use kaoping_core::ports::AccountStore;
use kaoping_core::services::AccountInput;

#[tokio::test]
async fn wrong_passwords_are_refused_in_the_users_language_and_lock_the_account() {
    // Clients told apart by X-Forwarded-For (behind a proxy).
    let app = spawn_with(|w, _| w.trust_proxy = true).await;
    let c = client(&app);
    let login = |from: &'static str, user: &'static str, pw: &'static str| {
        let (c, url) = (c.clone(), app.url("/login"));
        async move {
            c.post(url)
                .header("x-forwarded-for", from)
                .form(&[("username", user), ("password", pw)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = login("198.51.100.7", "orga", "nope").await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    let r = c
        .post(app.url("/login"))
        .header("x-forwarded-for", "198.51.100.7")
        .header("accept-language", "en-US,en;q=0.9")
        .form(&[("username", "orga"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Wrong username or password"));
    for _ in 0..2 {
        login("198.51.100.7", "orga", "nope").await;
    }
    let r = login("198.51.100.7", "orga", "nope").await;
    assert_eq!(r.status(), 429, "the fifth failure from this client throttles it");
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&wait), "Retry-After {wait}");
    assert!(r.text().await.unwrap().contains("账号已锁定"));
    // That client is refused even with the right password …
    assert_eq!(login("198.51.100.7", "orga", PASSWORD).await.status(), 429);
    // … but the account is not locked for anyone else.
    let acc = app.db.db.account_by_username("orga").await.unwrap().unwrap();
    assert!(acc.locked_until.is_none());
    assert_eq!(login("192.0.2.44", "orga", PASSWORD).await.status(), 303);
    // An unknown name is answered exactly the same way.
    for i in 0..5 {
        let r = login("198.51.100.7", "no-such-user", "nope").await;
        assert_eq!(r.status(), if i < 4 { 401 } else { 429 });
    }
    // An admin's unlock lifts the throttle too.
    let admin = app.login("sys").await;
    let r = admin.post(app.url(&format!("/admin/accounts/{}/unlock", acc.id))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(login("198.51.100.7", "orga", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn logins_per_client_are_rate_limited() {
    let app = spawn_with(|w, _| {
        w.login_per_minute = 1;
        w.login_burst = 3;
    })
    .await;
    let c = client(&app);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = c.post(app.url("/login")).form(&[("username", "x"), ("password", "y")]).send().await.unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    let r = c.post(app.url("/login")).form(&[("username", "x"), ("password", "y")]).send().await.unwrap();
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("操作过于频繁"));
}

#[tokio::test]
async fn sessions_end_at_logout_everywhere_and_when_idle() {
    let app = spawn().await;
    let c1 = app.login("eval").await;
    let c2 = app.login("eval").await;
    assert_eq!(c1.get(app.url("/")).send().await.unwrap().status(), 200);
    let r = c1.post(app.url("/account/logout-all")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c2.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));

    let idle = spawn_with(|_, a| a.session_idle_minutes = 0).await;
    let c = idle.login("eval").await;
    let r = c.get(idle.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303, "an idle session has expired");
    assert_eq!(location(&r), "/login?next=/account");
}

#[tokio::test]
async fn accounts_made_by_an_admin_must_change_the_password_first() {
    let app = spawn().await;
    let p = app
        .svc
        .people
        .person_create(
            &root_caller(),
            &PersonInput { name: "新同志".into(), org_unit_id: Some(app.a.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap();
    let admin = app.login("orga").await;
    let r = admin
        .post(app.url(&format!("/admin/people/{}/account", p.id)))
        .body("username=xin&role=evaluator")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let start = body.find("id=\"temp-password\">").unwrap() + "id=\"temp-password\">".len();
    let temp = &body[start..start + body[start..].find('<').unwrap()];
    let c = client(&app);
    let r = c.post(app.url("/login")).form(&[("username", "xin"), ("password", temp)]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/account/password");
    let r = c
        .post(app.url("/account/password"))
        .form(&[("current", temp), ("new_password", "short"), ("confirm", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("密码至少 10 位"));
    let r = c
        .post(app.url("/account/password"))
        .form(&[("current", temp), ("new_password", "Brand-New-2026"), ("confirm", "Brand-New-2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200);
    let _ = AccountInput::default();
}

#[tokio::test]
async fn totp_second_factor() {
    let app = spawn().await;
    let c = app.login("sys").await;
    let page = c.get(app.url("/account/totp")).send().await.unwrap().text().await.unwrap();
    let start = page.find("name=\"secret\" value=\"").unwrap() + "name=\"secret\" value=\"".len();
    let secret = page[start..start + page[start..].find('"').unwrap()].to_string();
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let r =
        c.post(app.url("/account/totp")).form(&[("secret", secret.as_str()), ("code", "000000")]).send().await.unwrap();
    assert_eq!(r.status(), 422, "a wrong first code is refused");
    let code = totp::code_at(&secret, now()).unwrap();
    let r = c
        .post(app.url("/account/totp"))
        .form(&[("secret", secret.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // The next login needs the code.
    let c2 = client(&app);
    let r = c2.post(app.url("/login")).form(&[("username", "sys"), ("password", PASSWORD)]).send().await.unwrap();
    assert!(location(&r).starts_with("/login/totp"));
    let r = c2.get(app.url("/admin/org")).send().await.unwrap();
    assert!(location(&r).starts_with("/login/totp"), "nothing else until the second factor");
    let r = c2.post(app.url("/login/totp")).form(&[("code", "123456")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    // The enrolment's code is spent; the next one completes the login with
    // a new session cookie.
    let enrolled = code;
    let r = c2.post(app.url("/login/totp")).form(&[("code", enrolled.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 422, "the enrolment code cannot be used again");
    let code = totp::code_at(&secret, now() + 30).unwrap();
    let r = c2.post(app.url("/login/totp")).form(&[("code", code.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"].to_str().unwrap().starts_with("kp_session="), "a new session id");
    assert_eq!(c2.get(app.url("/admin/org")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn admins_must_enroll_totp_when_the_config_requires_it() {
    let app = spawn_with(|_, a| a.require_totp_for_admins = true).await;
    let c = app.login("sys").await;
    let r = c.get(app.url("/admin/org")).send().await.unwrap();
    assert_eq!(location(&r), "/account/totp");
    // Other roles are not asked.
    let e = app.login("eval").await;
    assert_eq!(e.get(app.url("/")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn language_follows_preference_then_accept_language() {
    let app = spawn().await;
    let c = client(&app);
    let zh = c.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("登录"));
    let en = c.get(app.url("/login")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Log in"));
    // The switcher stores a cookie, and for a logged-in user the account's preference.
    let u = app.login("eval").await;
    let r = u.post(app.url("/lang")).form(&[("lang", "en"), ("next", "/account")]).send().await.unwrap();
    assert_eq!(location(&r), "/account");
    let page =
        u.get(app.url("/account")).header("accept-language", "zh-CN").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("My account"), "{page}");
    let r = u.post(app.url("/lang")).form(&[("lang", "xx"), ("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_rate_limit_counts_login_attempts_not_page_views() {
    let app = spawn_with(|w, _| {
        w.login_per_minute = 1;
        w.login_burst = 2;
    })
    .await;
    let c = app.login("eval").await;
    for _ in 0..5 {
        assert_eq!(c.get(app.url("/login")).send().await.unwrap().status(), 303);
        assert_eq!(c.get(app.url("/api/v1/session")).send().await.unwrap().status(), 200);
    }
}
