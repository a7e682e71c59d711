//! Every route, every role: who gets in, who gets 403 or the login page.

use crate::helpers::{TestApp, USERS, client, location, root_caller, spawn};
use kaoping_core::person::PersonInput;
use reqwest::Method;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user.
    User,
    /// System and organizer admins.
    Admin,
}

struct Route {
    method: Method,
    path: String,
    form: Vec<(&'static str, String)>,
    who: Who,
    api: bool,
}

fn get(path: impl Into<String>, who: Who) -> Route {
    let path = path.into();
    let api = path.starts_with("/api/");
    Route { method: Method::GET, path, form: vec![], who, api }
}

fn post(path: impl Into<String>, who: Who, form: Vec<(&'static str, String)>) -> Route {
    let path = path.into();
    let api = path.starts_with("/api/");
    Route { method: Method::POST, path, form, who, api }
}

async fn routes(app: &TestApp) -> Vec<Route> {
    let a = app.a.id;
    let person = app
        .svc
        .person_create(
            &root_caller(),
            &PersonInput {
                name: "甲镇干部".into(), org_unit_id: Some(app.a1.id.to_string()), ..Default::default()
            },
            None,
        )
        .await
        .unwrap()
        .id;
    let unit_form = || {
        vec![
            ("code", "NEWX".to_string()),
            ("name", "新单位".into()),
            ("kind", "other".into()),
            ("parent_id", a.to_string()),
        ]
    };
    vec![
        get("/healthz", Who::Public),
        get("/readyz", Who::Public),
        get("/login", Who::Public),
        get("/api/v1/openapi.json", Who::Public),
        get("/", Who::User),
        get("/account", Who::User),
        get("/account/password", Who::User),
        get("/account/totp", Who::User),
        get("/api/v1/session", Who::User),
        get("/admin/org", Who::Admin),
        get("/admin/org/new", Who::Admin),
        get("/admin/org/import", Who::Admin),
        get("/admin/org/template.xlsx", Who::Admin),
        get("/admin/org/export.xlsx", Who::Admin),
        get(format!("/admin/org/{a}"), Who::Admin),
        get("/admin/people", Who::Admin),
        get("/admin/people/new", Who::Admin),
        get(format!("/admin/people/{person}"), Who::Admin),
        get("/admin/accounts", Who::Admin),
        get("/admin/audit", Who::Admin),
        get("/api/v1/org-units", Who::Admin),
        get(format!("/api/v1/org-units/{a}"), Who::Admin),
        get("/api/v1/people", Who::Admin),
        get(format!("/api/v1/people/{person}"), Who::Admin),
        post("/admin/org/new", Who::Admin, unit_form()),
        post(
            format!("/admin/org/{a}"),
            Who::Admin,
            vec![("code", "A".into()), ("name", "甲区委".into()), ("kind", "county_committee".into())],
        ),
        post(format!("/admin/org/{}/move", app.a1.id), Who::Admin, vec![("parent_id", a.to_string())]),
        post(format!("/admin/org/{a}/active"), Who::Admin, vec![("active", "1".into())]),
        post("/admin/people/new", Who::Admin, vec![("name", "新人".into()), ("org_unit_id", a.to_string())]),
        post(
            format!("/admin/people/{person}"),
            Who::Admin,
            vec![("name", "甲镇干部".into()), ("org_unit_id", app.a1.id.to_string())],
        ),
        post(
            "/account/password",
            Who::User,
            vec![("current", "x".into()), ("new_password", "y".into()), ("confirm", "y".into())],
        ),
        post("/account/totp/disable", Who::User, vec![("current", "x".into())]),
    ]
}

#[tokio::test]
async fn every_route_admits_exactly_its_roles() {
    let app = spawn().await;
    let routes = routes(&app).await;
    let mut clients = vec![("anonymous", client(&app))];
    for (u, _, _) in USERS {
        clients.push((u, app.login(u).await));
    }
    let mut failures = Vec::new();
    for r in &routes {
        for (who, c) in &clients {
            let is_admin = matches!(*who, "sys" | "orga");
            let logged_in = *who != "anonymous";
            let mut req = c.request(r.method.clone(), app.url(&r.path));
            if !r.form.is_empty() {
                req = req.form(&r.form);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let loc = location(&res);
            let ok = match (r.who, logged_in, is_admin) {
                (Who::Public, true, _) if r.path == "/login" => status == 303 && loc == "/",
                (Who::Public, _, _) => status == 200,
                (_, false, _) if r.api => status == 401,
                (_, false, _) => status == 303 && loc.starts_with("/login"),
                (Who::User, true, _) => status != 403 && status != 401 && !loc.starts_with("/login"),
                (Who::Admin, true, true) => status != 403 && status != 401 && !loc.starts_with("/login"),
                (Who::Admin, true, false) => status == 403,
            };
            if !ok {
                failures.push(format!("{} {} as {who}: {status} {loc}", r.method, r.path));
            }
        }
    }
    assert!(failures.is_empty(), "unexpected access:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn organizers_are_kept_to_their_subtree() {
    let app = spawn().await;
    let c = app.login("orga").await;
    for path in [
        format!("/admin/org/{}", app.b.id),
        format!("/admin/org/{}", app.city.id),
        format!("/api/v1/org-units/{}", app.b.id),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    let r = c
        .post(app.url(&format!("/admin/org/{}/move", app.a1.id)))
        .form(&[("parent_id", app.b.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The tree page lists only the subtree.
    let body = c.get(app.url("/admin/org")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("甲一镇党委"));
    assert!(!body.contains("乙区委"));
    // Denials are audited.
    let denials = app
        .svc
        .store
        .audit_list(&kaoping_core::audit::AuditFilter {
            result: Some("denied".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(denials.iter().any(|e| e.actor == "orga" && e.action == "org.view"), "{denials:?}");
}

#[tokio::test]
async fn unknown_ids_are_404_pages() {
    let app = spawn().await;
    let c = app.login("sys").await;
    for path in ["/admin/org/999999", "/admin/people/999999", "/no/such/page"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("页面不存在"), "{path}: {body}");
    }
    let r = c.get(app.url("/api/v1/org-units/999999")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
