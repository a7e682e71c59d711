use kaoping_core::accounts::auth;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::audit::AuditDraft;
use kaoping_core::ids::{AccountId, OrgUnitId};
use kaoping_core::org::{OrgUnit, OrgUnitInput};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::AccountStore;
use kaoping_core::ports::NewAccount;
use kaoping_core::services::{AuthConfig, Caller, Services};
use kaoping_store::testing::{TestDb, fresh_db};
use kaoping_web::{AppState, WebConfig};
use metrics_exporter_prometheus::PrometheusHandle;
use reqwest::redirect::Policy;
use std::sync::Arc;

pub const PASSWORD: &str = "Test-Passw0rd!";

/// A running app with a small tree: city → county A (→ town A1), county B;
/// and one account per role.
pub struct TestApp {
    pub base: String,
    pub svc: Services,
    pub city: OrgUnit,
    pub a: OrgUnit,
    pub a1: OrgUnit,
    pub b: OrgUnit,
    /// Every route's path as the router has it, e.g. `/admin/cycles/{id}`.
    pub paths: Vec<String>,
    pub db: TestDb,
}

pub fn root_caller() -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: kaoping_core::ids::PersonId(0),
            username: "test".into(),
            display_name: "test".into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::SystemAdmin].into(),
            scopes: vec![],
        },
        client: None,
    }
}

fn input(code: &str, name: &str, kind: &str) -> OrgUnitInput {
    OrgUnitInput { code: code.into(), name: name.into(), kind: kind.into(), sort_order: None }
}

/// The accounts every app has: (username, role, scope).
pub const USERS: &[(&str, Role, Option<&str>)] = &[
    ("sys", Role::SystemAdmin, None),
    ("orga", Role::OrganizerAdmin, Some("A")),
    ("subj", Role::Subject, None),
    ("eval", Role::Evaluator, None),
    ("comm", Role::CommunityAdmin, Some("A1")),
    ("member", Role::PartyMember, None),
    ("obs", Role::Observer, None),
];

pub async fn spawn() -> TestApp {
    spawn_with(|_, _| {}).await
}

pub async fn spawn_with(tweak: impl FnOnce(&mut WebConfig, &mut AuthConfig)) -> TestApp {
    spawn_with_metrics(tweak, None).await
}

/// As [`spawn_with`], serving `/metrics` from `metrics`.
pub async fn spawn_with_metrics(
    tweak: impl FnOnce(&mut WebConfig, &mut AuthConfig),
    metrics: Option<PrometheusHandle>,
) -> TestApp {
    let db = fresh_db().await;
    let mut web = WebConfig { login_per_minute: 10_000, login_burst: 10_000, ..Default::default() };
    let mut authc = AuthConfig::default();
    tweak(&mut web, &mut authc);
    let svc = Services::new(Arc::new(db.db.clone()), authc);
    let c = root_caller();
    let city = svc.org.org_create(&c, None, &input("LG", "琅港市委", "city_committee")).await.unwrap();
    let a = svc.org.org_create(&c, Some(city.id), &input("A", "甲区委", "county_committee")).await.unwrap();
    let a1 = svc.org.org_create(&c, Some(a.id), &input("A1", "甲一镇党委", "township_committee")).await.unwrap();
    let b = svc.org.org_create(&c, Some(city.id), &input("B", "乙区委", "county_committee")).await.unwrap();
    let code_id = |code: &str| -> OrgUnitId {
        match code {
            "A" => a.id,
            "A1" => a1.id,
            _ => city.id,
        }
    };
    let hash = auth::hash_password(PASSWORD);
    for (username, role, scope) in USERS {
        let p = svc
            .people
            .person_create(
                &c,
                &PersonInput {
                    name: format!("用户{username}"),
                    org_unit_id: Some(city.id.to_string()),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap();
        let acc = NewAccount {
            person_id: p.id,
            username: (*username).into(),
            password_hash: hash.clone(),
            must_change_password: false,
            grants: vec![RoleGrant { role: *role, org_unit_id: scope.map(code_id) }],
        };
        db.db.account_create(&acc, &AuditDraft::new(None, "test", None, "account.create", "x")).await.unwrap();
    }
    let limits = kaoping_web::serve::Limits::from(&web);
    let state = AppState::new(svc.clone(), web, metrics);
    let paths = kaoping_web::route_paths(state.clone());
    let app = kaoping_web::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The server loop `kaoping serve` runs, with its limits.
    tokio::spawn(async move {
        kaoping_web::serve::serve(listener, app, limits, std::future::pending()).await.unwrap();
    });
    TestApp { base: format!("http://{addr}"), svc, city, a, a1, b, paths, db }
}

/// A browser-like client: keeps cookies, does not follow redirects, and
/// sends same-origin headers on every request.
pub fn client(app: &TestApp) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("origin", app.base.parse().unwrap());
    h.insert("sec-fetch-site", "same-origin".parse().unwrap());
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).default_headers(h).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` as `client` and parse the JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, client: &reqwest::Client, path: &str) -> T {
        client.get(self.url(path)).send().await.unwrap().json().await.unwrap()
    }

    /// A client logged in as `username`.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = client(self);
        let r =
            c.post(self.url("/login")).form(&[("username", username), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), 303, "login as {username}");
        c
    }
}

/// Where a redirect points.
pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}
