//! CSRF, body limits, headers, error formats, health.

use crate::helpers::{TestApp, spawn};
use kaoping_core::audit::AuditFilter;
use kaoping_core::ports::{AuditStore, OrgStore};

#[tokio::test]
async fn cross_origin_state_changes_are_refused_and_audited() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let r = c
        .post(app.url("/admin/org/new"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "EVIL".into()),
            ("name", "恶意".into()),
            ("kind", "other".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("跨站请求已被拒绝"));
    assert!(app.db.db.org_by_code("EVIL").await.unwrap().is_none());
    let log = app
        .db
        .db
        .audit_list(&AuditFilter { action: Some("security.csrf".into()), limit: 5, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "orga");
    // The same request from the page itself passes.
    let r = c
        .post(app.url("/admin/org/new"))
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "GOOD".into()),
            ("name", "正常".into()),
            ("kind", "other".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = c.post(app.url("/admin/org/new")).form(&[("name", big.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let page = r.text().await.unwrap();
    assert!(page.contains("提交的内容过大") && page.contains("提交的内容超过 1024 KB 上限"), "{page}");
    let r = c
        .post(app.url("/api/v1/org-units"))
        .header("content-type", "application/json")
        .body(format!("{{\"code\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

async fn headers_of(app: &TestApp, path: &str) -> reqwest::header::HeaderMap {
    reqwest::get(app.url(path)).await.unwrap().headers().clone()
}

#[tokio::test]
async fn pages_carry_security_headers_and_request_ids() {
    let app = spawn().await;
    let h = headers_of(&app, "/login").await;
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-request-id"].len(), 36);
    // Pages reference no inline scripts or styles.
    let body = reqwest::get(app.url("/login")).await.unwrap().text().await.unwrap();
    assert!(!body.contains("<script>") && !body.contains(" style=") && !body.contains("onclick"));
}

#[tokio::test]
async fn errors_are_pages_or_problem_json_never_traces() {
    let app = spawn().await;
    let r = reqwest::get(app.url("/api/v1/org-units")).await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["status"], 401);
    assert_eq!(j["title"], "请先登录");
    let r = reqwest::Client::new().delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(r.text().await.unwrap().contains("不支持该请求方式"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn().await;
    assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(reqwest::get(app.url("/readyz")).await.unwrap().text().await.unwrap(), "ready");
}

#[tokio::test]
async fn assets_are_served_with_caching_and_checksums_match() {
    let app = spawn().await;
    let body = reqwest::get(app.url("/login")).await.unwrap().text().await.unwrap();
    let start = body.find("href=\"/assets/").unwrap() + 6;
    let css = &body[start..start + body[start..].find('"').unwrap()];
    let r = reqwest::get(app.url(css)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    // The vendored files are the ones the checksum file names.
    let sums = include_str!("../../assets/vendor/SHA256SUMS");
    assert!(sums.contains("htmx-2.0.11.min.js") && sums.contains("echarts-6.1.0.min.js"));
}

#[tokio::test]
async fn metrics_are_for_local_scrapers_only() {
    let app = crate::helpers::spawn_with(|w, _| w.trust_proxy = true).await;
    // In the tests no recorder is installed: a local client gets 404, a remote one 403.
    let local = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(local.status(), 404);
    let remote =
        reqwest::Client::new().get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(remote.status(), 403);
}

#[tokio::test]
async fn requests_are_counted_per_route_and_status() {
    // The process's one recorder (the server installs its own at start-up);
    // other tests may count requests meanwhile, so compare before and after.
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> = std::sync::OnceLock::new();
    let handle = HANDLE
        .get_or_init(|| metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().expect("recorder"))
        .clone();
    let app = crate::helpers::spawn_with_metrics(|_, _| {}, Some(handle)).await;
    let scrape = || async { reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap() };
    let count = |text: &str, labels: &str| -> u64 {
        let series = format!("kaoping_http_requests_total{{{labels}}} ");
        text.lines().find_map(|l| l.strip_prefix(&series)).map_or(0, |n| n.trim().parse().unwrap())
    };
    let ok = r#"method="GET",route="/login",status="200""#;
    let missing = r#"method="GET",route="unmatched",status="404""#;
    let before = scrape().await;
    for _ in 0..3 {
        assert_eq!(reqwest::get(app.url("/login")).await.unwrap().status(), 200);
    }
    assert_eq!(reqwest::get(app.url("/no/such/page")).await.unwrap().status(), 404);
    let after = scrape().await;
    assert!(count(&after, ok) >= count(&before, ok) + 3, "{after}");
    assert!(count(&after, missing) > count(&before, missing), "{after}");
    assert!(after.contains("kaoping_http_request_duration_seconds"), "{after}");
}

#[tokio::test]
async fn numbers_out_of_range_get_400_with_a_message_not_a_panic() {
    let app = spawn().await;
    let c = app.login("orga").await;
    for (path, name) in [
        ("/admin/people?page=9223372036854775807", "page"),
        ("/admin/people?page=0", "page"),
        ("/api/v1/people?offset=9223372036854775808", "offset"),
        ("/api/v1/people?limit=501", "limit"),
        ("/api/v1/people?limit=0", "limit"),
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
        let api = path.starts_with("/api");
        let kind = if api { "application/problem+json" } else { "text/html; charset=utf-8" };
        assert_eq!(r.headers()["content-type"], kind, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains(&format!("{name} 应在")), "{path}: {body}");
    }
    // In range: answered.
    assert_eq!(c.get(app.url("/admin/people?page=1000000")).send().await.unwrap().status(), 200);
    assert_eq!(c.get(app.url("/api/v1/people?offset=1000000000&limit=500")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_client_that_sends_its_headers_slowly_is_cut_off_and_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_with(|w, _| {
        w.header_read_seconds = 1;
        w.max_connections = 2;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Two clients send half a request and stop, holding both connections.
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    // A third client waits for one of them to be cut off, then is answered.
    let started = std::time::Instant::now();
    let waiting = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build().unwrap();
    let r = waiting.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "answered only once a slot was free");
    for mut s in slow {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "the server closes a connection whose headers do not arrive");
    }
}

#[tokio::test]
async fn hsts_is_sent_once_cookies_are_secure() {
    let plain = spawn().await;
    let r = reqwest::get(plain.url("/login")).await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none(), "not over plain HTTP");
    let tls = crate::helpers::spawn_with(|w, _| w.secure_cookies = true).await;
    let r = reqwest::get(tls.url("/login")).await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn unreadable_json_is_answered_with_problem_json_in_the_users_language() {
    let app = spawn().await;
    let c = app.login("orga").await;
    for (body, kind, status) in [
        ("{not json", "application/json", 400),
        ("{\"org_unit_id\": 1}", "application/json", 422),
        ("name=x", "application/x-www-form-urlencoded", 415),
    ] {
        let r = c.post(app.url("/api/v1/people")).header("content-type", kind).body(body).send().await.unwrap();
        assert_eq!(r.status(), status, "{body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{body}");
        let j: serde_json::Value = r.json().await.unwrap();
        assert_eq!(j["title"], "请求有误", "{body}");
        assert!(j.to_string().contains("请求内容无法读取"), "{j}");
    }
    // A path number out of range: a page, not axum's English text.
    let r = c.get(app.url("/admin/people/99999999999999999999")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn with_a_public_url_a_state_change_must_come_from_exactly_that_origin() {
    let app = crate::helpers::spawn_with(|w, _| w.public_url = Some("https://kaoping.example.gov.cn".into())).await;
    // A browser on the public origin (behind the proxy).
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("origin", "https://kaoping.example.gov.cn".parse().unwrap());
    h.insert("sec-fetch-site", "same-origin".parse().unwrap());
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .build()
        .unwrap();
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "orga"), ("password", crate::helpers::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let post = |origin: &'static str| {
        let (c, url) = (c.clone(), app.url("/lang"));
        async move {
            c.post(url)
                .header("origin", origin)
                .header("sec-fetch-site", "same-origin")
                .form(&[("lang", "en")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The same host over plain HTTP, or on another port: refused, audited.
    assert_eq!(post("http://kaoping.example.gov.cn").await, 403);
    assert_eq!(post("https://kaoping.example.gov.cn:8443").await, 403);
    assert_eq!(post("https://kaoping.example.gov.cn").await, 303);
    let log = app.db.db.audit_list(&AuditFilter { limit: 100, ..Default::default() }).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "security.csrf").count(), 2);
}
