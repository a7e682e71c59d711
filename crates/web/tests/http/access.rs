//! Every route, every role: who gets in, who gets 403 or the login page.

use crate::helpers::{TestApp, USERS, client, location, root_caller, spawn};
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::AuditStore;
use kaoping_core::services::AccountInput;
use reqwest::Method;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user.
    User,
    /// System and organizer admins.
    Admin,
    /// Only the subjects of the cycle (none of the test users): logged-in
    /// users get an audited 403.
    Subject,
    /// Only the cycle's evaluators (by link or account; none of the test
    /// users): logged-in users get an audited 403, others a 401 page.
    Reader,
}

struct Route {
    method: Method,
    path: String,
    form: Vec<(&'static str, String)>,
    json: Option<serde_json::Value>,
    who: Who,
    api: bool,
}

fn get(path: impl Into<String>, who: Who) -> Route {
    let path = path.into();
    let api = path.starts_with("/api/");
    Route { method: Method::GET, path, form: vec![], json: None, who, api }
}

fn post(path: impl Into<String>, who: Who, form: Vec<(&'static str, String)>) -> Route {
    let path = path.into();
    let api = path.starts_with("/api/");
    Route { method: Method::POST, path, form, json: None, who, api }
}

fn put(path: impl Into<String>, who: Who, json: serde_json::Value) -> Route {
    let path = path.into();
    Route { method: Method::PUT, path, form: vec![], json: Some(json), who, api: true }
}

fn post_json(path: impl Into<String>, who: Who, json: serde_json::Value) -> Route {
    let path = path.into();
    Route { method: Method::POST, path, form: vec![], json: Some(json), who, api: true }
}

/// Every route of the router, with the roles it admits (checked against
/// the router by `the_table_covers_every_route_of_the_router`).
async fn routes(app: &TestApp) -> (Vec<Route>, Vec<Route>) {
    let a = app.a.id;
    let c = root_caller();
    let person = app
        .svc
        .people
        .person_create(
            &c,
            &PersonInput {
                name: "甲镇干部".into(), org_unit_id: Some(app.a1.id.to_string()), ..Default::default()
            },
            None,
        )
        .await
        .unwrap()
        .id;
    // A spare account in A for the account actions.
    let spare_person = app
        .svc
        .people
        .person_create(
            &c,
            &PersonInput { name: "备用".into(), org_unit_id: Some(app.a1.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap()
        .id;
    let spare = app
        .svc
        .accounts
        .account_create(
            &c,
            spare_person,
            &AccountInput {
                username: "spare".into(),
                grants: vec![RoleGrant { role: Role::Evaluator, org_unit_id: None }],
            },
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
    let unit_json = json!({"code": "A", "name": "甲区委", "kind": "county_committee"});
    let cycle = app
        .svc
        .cycles
        .cycle_create(
            &c,
            a,
            &kaoping_core::cycles::CycleInput { name: "甲区2026".into(), year: "2026".into(), ballot_mode: None },
            None,
        )
        .await
        .unwrap()
        .id;
    let routes = vec![
        get("/healthz", Who::Public),
        get("/readyz", Who::Public),
        get("/metrics", Who::Public),
        get("/login", Who::Public),
        post("/login", Who::Public, vec![("username", "nobody".into()), ("password", "x".into())]),
        post("/lang", Who::Public, vec![("lang", "zh-CN".into()), ("next", "/".into())]),
        get("/api/v1/openapi.json", Who::Public),
        post_json("/api/v1/session", Who::Public, json!({"username": "nobody", "password": "x"})),
        get("/", Who::User),
        get("/account", Who::User),
        get("/account/password", Who::User),
        get("/account/totp", Who::User),
        get("/login/totp", Who::User),
        get("/api/v1/session", Who::User),
        post("/login/totp", Who::User, vec![("code", "000000".into())]),
        post_json("/api/v1/session/totp", Who::User, json!({"code": "000000"})),
        post(
            "/account/password",
            Who::User,
            vec![("current", "x".into()), ("new_password", "y".into()), ("confirm", "y".into())],
        ),
        post("/account/totp", Who::User, vec![("secret", "JBSWY3DPEHPK3PXP".into()), ("code", "000000".into())]),
        post("/account/totp/disable", Who::User, vec![("current", "x".into())]),
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
        get("/admin/cycles", Who::Admin),
        get("/admin/cycles/new", Who::Admin),
        get(format!("/admin/cycles/{cycle}"), Who::Admin),
        post(
            "/admin/cycles/new",
            Who::Admin,
            vec![("name", "新周期".into()), ("year", "2026".into()), ("organizer_id", a.to_string())],
        ),
        post(format!("/admin/cycles/{cycle}/phase"), Who::Admin, vec![("to", "reporting".into())]),
        get(format!("/admin/cycles/{cycle}/scheme"), Who::Admin),
        post(
            format!("/admin/cycles/{cycle}/subjects"),
            Who::Admin,
            vec![("person_id", person.to_string()), ("category", "county".into())],
        ),
        post(format!("/admin/cycles/{cycle}/subjects/999999/remove"), Who::Admin, vec![]),
        post(format!("/admin/cycles/{cycle}/subjects/999999/move"), Who::Admin, vec![("dir", "up".into())]),
        get(format!("/admin/cycles/{cycle}/subjects/import"), Who::Admin),
        post(
            format!("/admin/cycles/{cycle}/evaluators"),
            Who::Admin,
            vec![("person_id", person.to_string()), ("group", "all".into())],
        ),
        post(format!("/admin/cycles/{cycle}/evaluators/999999/remove"), Who::Admin, vec![]),
        get(format!("/admin/cycles/{cycle}/evaluators/import"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/evaluators.xlsx"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/evaluators/import"), Who::Admin, vec![("file", "x".into())]),
        get(format!("/admin/cycles/{cycle}/subjects.xlsx"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/subjects/import"), Who::Admin, vec![("file", "x".into())]),
        get("/api/v1/cycles", Who::Admin),
        get(format!("/api/v1/cycles/{cycle}"), Who::Admin),
        post_json("/api/v1/cycles", Who::Admin, json!({"organizer_id": a.0, "name": "", "year": 2026})),
        put(format!("/api/v1/cycles/{cycle}/scheme"), Who::Admin, json!({"categories": [], "scheme": {}})),
        post_json(format!("/api/v1/cycles/{cycle}/phase"), Who::Admin, json!({"to": "reporting"})),
        post(format!("/admin/cycles/{cycle}/scheme"), Who::Admin, vec![("trim", "x".into())]),
        get("/admin/audit", Who::Admin),
        post(
            format!("/admin/cycles/{cycle}/settings"),
            Who::Admin,
            vec![("report_deadline", "2026-12-20".into()), ("min_read_seconds", "60".into())],
        ),
        get(format!("/admin/cycles/{cycle}/links"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/links/issue"), Who::Admin, vec![("which", "missing".into())]),
        post(format!("/admin/cycles/{cycle}/links/{person}/reissue"), Who::Admin, vec![]),
        post(format!("/admin/cycles/{cycle}/links/{person}/revoke"), Who::Admin, vec![]),
        get(format!("/admin/cycles/{cycle}/reports"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/reports/{person}"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/reports/{person}/review"), Who::Admin, vec![("decision", "accept".into())]),
        get(format!("/admin/cycles/{cycle}/reports/{person}/file"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/reading"), Who::Admin),
        get(format!("/api/v1/cycles/{cycle}/subjects"), Who::Admin),
        post_json(
            format!("/api/v1/cycles/{cycle}/subjects"),
            Who::Admin,
            json!({"person_id": person.0, "category": "nope"}),
        ),
        get(format!("/api/v1/cycles/{cycle}/evaluators"), Who::Admin),
        post_json(
            format!("/api/v1/cycles/{cycle}/evaluators"),
            Who::Admin,
            json!({"person_id": person.0, "group": "nope"}),
        ),
        get(format!("/api/v1/cycles/{cycle}/reports"), Who::Admin),
        get(format!("/api/v1/cycles/{cycle}/reports/{person}"), Who::Admin),
        get(format!("/api/v1/cycles/{cycle}/reading"), Who::Admin),
        get("/my/reports", Who::User),
        get(format!("/my/reports/{cycle}"), Who::Subject),
        get(format!("/my/reports/{cycle}/file"), Who::Subject),
        post(format!("/my/reports/{cycle}/save"), Who::Subject, vec![("body", "<p>x</p>".into())]),
        get(format!("/k/{}", "0".repeat(40)), Who::Public),
        post("/e/logout", Who::Public, vec![]),
        get(format!("/e/{cycle}"), Who::Reader),
        get(format!("/e/{cycle}/ballot"), Who::Reader),
        post(format!("/e/{cycle}/ballot"), Who::Reader, vec![("action", "save".into())]),
        get(format!("/e/{cycle}/ballot/review"), Who::Reader),
        post(format!("/e/{cycle}/ballot/submit"), Who::Reader, vec![("key", "x".into()), ("marks", "[]".into())]),
        post(format!("/admin/cycles/{cycle}/voting"), Who::Admin, vec![("action", "open".into())]),
        get(format!("/admin/cycles/{cycle}/results"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/export.json"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/export-restricted.json"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/results.xlsx"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/ballots"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/meeting"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/meeting/presenting"), Who::Admin, vec![("subject", String::new())]),
        post(format!("/admin/cycles/{cycle}/meeting/live-tally"), Who::Admin, vec![("on", "1".into())]),
        get(format!("/admin/cycles/{cycle}/paper/{person}"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/paper/{person}"), Who::Admin, vec![("key", "x".into())]),
        get(format!("/admin/cycles/{cycle}/screen"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/screen/events"), Who::Admin),
        get(format!("/e/{cycle}/events"), Who::Reader),
        post(format!("/admin/cycles/{cycle}/results/publish"), Who::Admin, vec![("visibility", "subjects".into())]),
        post(format!("/admin/cycles/{cycle}/results/withdraw"), Who::Admin, vec![]),
        get(format!("/admin/cycles/{cycle}/results/{person}"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/assessments"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/assessments.xlsx"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/assessments/import"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/assessments/import"), Who::Admin, vec![]),
        post(format!("/admin/cycles/{cycle}/assessments"), Who::Admin, vec![]),
        get(format!("/admin/cycles/{cycle}/feedback"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/feedback/issue"), Who::Admin, vec![("category", String::new())]),
        get(format!("/admin/cycles/{cycle}/feedback/sheets.zip"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/feedback/settings"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/feedback/settings"), Who::Admin, vec![("number_pattern", "x".into())]),
        get(format!("/admin/cycles/{cycle}/feedback/{person}"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/feedback/{person}/critique"), Who::Admin, vec![("critique", "x".into())]),
        post(format!("/admin/cycles/{cycle}/feedback/{person}/problems"), Who::Admin, vec![("text", "x".into())]),
        get(format!("/admin/cycles/{cycle}/feedback/{person}/sheet"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/feedback/{person}/sheet.docx"), Who::Admin),
        post(format!("/admin/cycles/{cycle}/feedback/problems/999999/update"), Who::Admin, vec![("text", "x".into())]),
        post(format!("/admin/cycles/{cycle}/feedback/problems/999999/delete"), Who::Admin, vec![]),
        post(format!("/admin/cycles/{cycle}/feedback/problems/999999/move"), Who::Admin, vec![("dir", "up".into())]),
        get(format!("/admin/cycles/{cycle}/feedback/{person}/plan"), Who::Admin),
        post(
            format!("/admin/cycles/{cycle}/feedback/{person}/plan/review"),
            Who::Admin,
            vec![("decision", "approve".into())],
        ),
        get(format!("/my/feedback/{cycle}/plan"), Who::Subject),
        post(format!("/my/feedback/{cycle}/plan/measures"), Who::Subject, vec![("text", "x".into())]),
        post(format!("/my/feedback/{cycle}/plan/measures/1"), Who::Subject, vec![("text", "x".into())]),
        post(format!("/my/feedback/{cycle}/plan/measures/1/delete"), Who::Subject, vec![]),
        post(format!("/my/feedback/{cycle}/plan/submit"), Who::Subject, vec![]),
        post(format!("/my/feedback/{cycle}/plan/measures/1/progress"), Who::Subject, vec![("text", "x".into())]),
        get(format!("/my/feedback/{cycle}/files/1"), Who::Subject),
        get(format!("/admin/cycles/{cycle}/feedback/{person}/files/1"), Who::Admin),
        post(
            format!("/admin/cycles/{cycle}/feedback/{person}/sign-off"),
            Who::Admin,
            vec![("target", "measure".into()), ("id", "1".into())],
        ),
        post(
            format!("/admin/cycles/{cycle}/feedback/{person}/reopen"),
            Who::Admin,
            vec![("target", "measure".into()), ("id", "1".into())],
        ),
        get(format!("/admin/cycles/{cycle}/ledger"), Who::Admin),
        get(format!("/admin/cycles/{cycle}/ledger.xlsx"), Who::Admin),
        get(format!("/api/v1/cycles/{cycle}/problems"), Who::Admin),
        put(format!("/api/v1/cycles/{cycle}/subjects/{person}/critique"), Who::Admin, json!({"text": "x"})),
        post_json(
            format!("/api/v1/cycles/{cycle}/subjects/{person}/problems"),
            Who::Admin,
            json!({"source": "routine", "text": "x", "tag": "t", "severity": "minor"}),
        ),
        get(format!("/api/v1/cycles/{cycle}/sheets"), Who::Admin),
        post_json(format!("/api/v1/cycles/{cycle}/sheets"), Who::Admin, json!({"category": null})),
        get(format!("/api/v1/cycles/{cycle}/subjects/{person}/plan"), Who::Admin),
        post_json(
            format!("/api/v1/cycles/{cycle}/subjects/{person}/plan/review"),
            Who::Admin,
            json!({"approve": true}),
        ),
        post_json(
            format!("/api/v1/cycles/{cycle}/subjects/{person}/sign-off"),
            Who::Admin,
            json!({"target": "measure", "id": 1}),
        ),
        post_json(
            format!("/api/v1/cycles/{cycle}/subjects/{person}/reopen"),
            Who::Admin,
            json!({"target": "measure", "id": 1}),
        ),
        get(format!("/api/v1/cycles/{cycle}/ledger"), Who::Admin),
        get("/api/v1/my/feedback", Who::User),
        post_json(format!("/api/v1/my/feedback/{cycle}/acknowledge"), Who::Subject, json!({})),
        get(format!("/api/v1/my/feedback/{cycle}/plan"), Who::Subject),
        post_json(
            format!("/api/v1/my/feedback/{cycle}/plan/measures"),
            Who::Subject,
            json!({"problem_id": 1, "text": "x", "responsible": "y", "deadline": "2099-01-01"}),
        ),
        post_json(format!("/api/v1/my/feedback/{cycle}/plan/submit"), Who::Subject, json!({})),
        post_json(
            format!("/api/v1/my/feedback/{cycle}/plan/measures/1/progress"),
            Who::Subject,
            json!({"text": "x", "percent": 10}),
        ),
        get("/my/feedback", Who::User),
        get(format!("/my/feedback/{cycle}"), Who::Subject),
        post(format!("/my/feedback/{cycle}/acknowledge"), Who::Subject, vec![]),
        get(format!("/my/feedback/{cycle}/sheet.docx"), Who::Subject),
        get("/my/results", Who::User),
        get(format!("/public/cycles/{cycle}/results"), Who::Public),
        get(format!("/api/v1/cycles/{cycle}/meeting"), Who::Admin),
        post_json(format!("/api/v1/cycles/{cycle}/meeting/presenting"), Who::Admin, json!({"person_id": null})),
        post_json(format!("/api/v1/cycles/{cycle}/voting"), Who::Admin, json!({"action": "open"})),
        get(format!("/api/v1/cycles/{cycle}/results"), Who::Admin),
        post_json(format!("/api/v1/cycles/{cycle}/results/publish"), Who::Admin, json!({"to": null})),
        get(format!("/e/{cycle}/api/ballot"), Who::Reader),
        post_json(format!("/e/{cycle}/api/ballot"), Who::Reader, json!({"key": "x", "marks": []})),
        get(format!("/e/{cycle}/notes"), Who::Reader),
        post(format!("/e/{cycle}/notes/1"), Who::Reader, vec![("body", "x".into())]),
        post(format!("/e/{cycle}/notes/1/delete"), Who::Reader, vec![("back", "notes".into())]),
        get(format!("/e/{cycle}/s/{person}"), Who::Reader),
        get(format!("/e/{cycle}/s/{person}/file"), Who::Reader),
        post(format!("/e/{cycle}/s/{person}/notes"), Who::Reader, vec![("body", "x".into())]),
        post(format!("/e/{cycle}/s/{person}/ping"), Who::Reader, vec![("seconds", "15".into())]),
        post("/admin/org/new", Who::Admin, unit_form()),
        post("/admin/org/import", Who::Admin, vec![("file", "x".into())]),
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
        post(format!("/admin/people/{person}/account"), Who::Admin, vec![("username", "".into())]),
        post(format!("/admin/accounts/{spare}/grants"), Who::Admin, vec![("role", "evaluator".into())]),
        post(format!("/admin/accounts/{spare}/reset-password"), Who::Admin, vec![]),
        post(format!("/admin/accounts/{spare}/unlock"), Who::Admin, vec![]),
        post(format!("/admin/accounts/{spare}/active"), Who::Admin, vec![("active", "1".into())]),
        get("/api/v1/org-units", Who::Admin),
        post_json("/api/v1/org-units", Who::Admin, json!({"parent_id": a.0, "code": "", "name": "", "kind": "other"})),
        get(format!("/api/v1/org-units/{a}"), Who::Admin),
        put(format!("/api/v1/org-units/{a}"), Who::Admin, unit_json),
        post_json(format!("/api/v1/org-units/{}/move", app.a1.id), Who::Admin, json!({"parent_id": a.0})),
        post_json(format!("/api/v1/org-units/{a}/active"), Who::Admin, json!({"active": true})),
        get("/api/v1/people", Who::Admin),
        post_json("/api/v1/people", Who::Admin, json!({"name": "", "org_unit_id": a.0})),
        get(format!("/api/v1/people/{person}"), Who::Admin),
        put(format!("/api/v1/people/{person}"), Who::Admin, json!({"name": "甲镇干部", "org_unit_id": app.a1.id.0})),
    ];
    // Routes that end the caller's session: tried last, each with a fresh login.
    let ending = vec![
        post("/logout", Who::User, vec![]),
        post("/account/logout-all", Who::User, vec![]),
        Route {
            method: Method::DELETE,
            path: "/api/v1/session".into(),
            form: vec![],
            json: None,
            who: Who::User,
            api: true,
        },
    ];
    (routes, ending)
}

fn judge(r: &Route, who: &str, status: u16, loc: &str) -> bool {
    let is_admin = matches!(who, "sys" | "orga");
    let logged_in = who != "anonymous";
    // A redirect that asks for a login (as opposed to e.g. "/login?flash=logged-out").
    let to_login = loc == "/login" || loc.starts_with("/login?next=");
    match (r.who, logged_in, is_admin) {
        // Public routes never ask for a login and never refuse.
        (Who::Public, _, _) => status != 403 && !to_login,
        (_, false, _) if r.api => status == 401,
        (Who::Reader, false, _) => status == 401,
        (_, false, _) => status == 303 && loc.starts_with("/login"),
        (Who::User, true, _) | (Who::Admin, true, true) => status != 403 && status != 401 && !to_login,
        (Who::Admin, true, false) | (Who::Subject | Who::Reader, true, _) => status == 403,
    }
}

async fn call(app: &TestApp, c: &reqwest::Client, r: &Route) -> (u16, String) {
    let mut req = c.request(r.method.clone(), app.url(&r.path));
    if let Some(j) = &r.json {
        req = req.json(j);
    } else if !r.form.is_empty() {
        req = req.form(&r.form);
    }
    let res = req.send().await.unwrap();
    let (status, loc) = (res.status().as_u16(), location(&res));
    // Whatever a page or error says comes from the catalog: a key missing
    // from it would show as fluent's "Unknown localization key". (An event
    // stream does not end, so it is not read.)
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = if ct.starts_with("text/event-stream") { String::new() } else { res.text().await.unwrap_or_default() };
    assert!(!text.contains("Unknown localization key"), "{} {}: an untranslated message", r.method, r.path);
    (status, loc)
}

#[tokio::test]
async fn every_route_admits_exactly_its_roles() {
    let app = spawn().await;
    let (routes, ending) = routes(&app).await;
    let mut clients = vec![("anonymous", client(&app))];
    for (u, _, _) in USERS {
        clients.push((u, app.login(u).await));
    }
    let mut failures = Vec::new();
    for r in &routes {
        for (who, c) in &clients {
            let (status, loc) = call(&app, c, r).await;
            if !judge(r, who, status, &loc) {
                failures.push(format!("{} {} as {who}: {status} {loc}", r.method, r.path));
            }
        }
    }
    for r in &ending {
        for (who, _) in &clients {
            let c = if *who == "anonymous" { client(&app) } else { app.login(who).await };
            let (status, loc) = call(&app, &c, r).await;
            if !judge(r, who, status, &loc) {
                failures.push(format!("{} {} as {who}: {status} {loc}", r.method, r.path));
            }
        }
    }
    assert!(failures.is_empty(), "unexpected access:\n{}", failures.join("\n"));
    // Every refusal of a non-admin was audited.
    let denials = app
        .db
        .db
        .audit_list(&kaoping_core::audit::AuditFilter {
            result: Some("denied".into()),
            actor: Some("eval".into()),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let refused = routes.iter().filter(|r| matches!(r.who, Who::Admin | Who::Subject | Who::Reader)).count();
    assert_eq!(denials.len(), refused, "one audited denial per refused route for an evaluator");
}

/// The router's path that serves `path`, as the router picks it: of the
/// patterns that match, the one with the most literal segments.
fn pattern_of<'a>(patterns: &'a [String], path: &str) -> Option<&'a str> {
    let segs: Vec<&str> = path.split('/').collect();
    patterns
        .iter()
        .filter_map(|p| {
            let ps: Vec<&str> = p.split('/').collect();
            let fits = ps.len() == segs.len() && ps.iter().zip(&segs).all(|(p, s)| p.starts_with('{') || p == s);
            fits.then(|| (ps.iter().filter(|p| !p.starts_with('{')).count(), p.as_str()))
        })
        .max()
        .map(|(_, p)| p)
}

#[tokio::test]
async fn the_table_covers_every_route_of_the_router() {
    let app = spawn().await;
    let (routes, ending) = routes(&app).await;
    let table: Vec<&Route> = routes.iter().chain(&ending).collect();
    let c = client(&app);
    let mut missing = Vec::new();
    let mut covered = std::collections::HashSet::new();
    for r in &table {
        match pattern_of(&app.paths, &r.path) {
            Some(p) => {
                covered.insert((r.method.clone(), p));
            }
            None => missing.push(format!("{} {}: no such route in the router", r.method, r.path)),
        }
    }
    assert!(app.paths.len() > 100, "the router lists its routes: {}", app.paths.len());
    for pattern in &app.paths {
        // A method no route uses answers 405 with the methods it allows.
        let probe: Vec<String> =
            pattern.split('/').map(|s| if s.starts_with('{') { "1".to_string() } else { s.to_string() }).collect();
        let res = c.request(Method::PATCH, app.url(&probe.join("/"))).send().await.unwrap();
        assert_eq!(res.status(), 405, "{pattern}");
        let allow = res.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let methods: Vec<Method> =
            allow.split(',').map(|m| m.trim().parse().unwrap()).filter(|m| *m != Method::HEAD).collect();
        assert!(!methods.is_empty(), "{pattern}: Allow: {allow}");
        for m in methods {
            if !covered.contains(&(m.clone(), pattern.as_str())) {
                missing.push(format!("{m} {pattern}: no entry in the access table"));
            }
        }
    }
    assert!(missing.is_empty(), "the access table and the router differ:\n{}", missing.join("\n"));
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
        .db
        .db
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
