//! Written reports, personal links and reading over HTTP: the happy path and
//! the bad input the issue names.

use crate::helpers::{TestApp, client, location, root_caller, spawn};
use kaoping_core::cycles::CycleInput;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AccountStore, AuditStore, LinkStore, ReportStore};
use reqwest::multipart::{Form, Part};

async fn person_of(app: &TestApp, username: &str) -> PersonId {
    app.db.db.account_by_username(username).await.unwrap().unwrap().person_id
}

/// A city cycle: "subj" and a second secretary report; "eval" and an
/// outside deputy evaluate.
async fn setup(app: &TestApp) -> (CycleId, PersonId, PersonId) {
    let c = root_caller();
    let input = CycleInput { name: "2026年度述职评议".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    let subj = person_of(app, "subj").await;
    let other = app
        .svc
        .people
        .person_create(
            &c,
            &PersonInput { name: "乙书记".into(), org_unit_id: Some(app.b.id.to_string()), ..Default::default() },
            None,
        )
        .await
        .unwrap()
        .id;
    for p in [subj, other] {
        let si = SubjectInput { person_id: p.to_string(), category: "county".into(), mode: None, post: None };
        app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    }
    app.svc.cycles.evaluator_add(&c, cy, &person_of(app, "eval").await.to_string(), "all").await.unwrap();
    let deputy = app
        .svc
        .people
        .person_create(&c, &PersonInput { name: "党代表丙".into(), ..Default::default() }, Some(app.city.id))
        .await
        .unwrap()
        .id;
    app.svc.cycles.evaluator_add(&c, cy, &deputy.to_string(), "all").await.unwrap();
    (cy, subj, other)
}

fn multipart(body: &str, file: Option<(&str, Vec<u8>)>, action: &str) -> Form {
    let mut f = Form::new().text("body", body.to_string()).text("action", action.to_string());
    if let Some((name, data)) = file {
        f = f.part("file", Part::bytes(data).file_name(name.to_string()));
    }
    f
}

#[tokio::test]
async fn a_subject_writes_and_submits_and_bad_files_are_refused() {
    let app = spawn().await;
    let (cy, subj, other) = setup(&app).await;
    let s = app.login("subj").await;
    let home = s.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains(&format!("/my/reports/{cy}")), "the home page offers the report");
    let page = s.get(app.url(&format!("/my/reports/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("履行第一责任人职责情况"), "the template prompts the sections");

    // A .exe renamed .docx: refused with a specific message, nothing saved.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00program".to_vec();
    let r = s
        .post(app.url(&format!("/my/reports/{cy}/save")))
        .multipart(multipart("<p>正文</p>", Some(("述职报告.docx", exe)), "save"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("内容与扩展名不符"));
    assert!(app.db.db.report_get(cy, subj).await.unwrap().is_none());

    // A 200 MB upload: refused from its Content-Length before it is read,
    // with the limit named (raw HTTP, so the early answer is seen).
    let answer = raw_post(&app, &format!("/my/reports/{cy}/save"), 200 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("MB 上限"), "{answer}");
    assert!(app.db.db.report_get(cy, subj).await.unwrap().is_none());

    // Script tags and event handlers never survive.
    let dirty = r#"<h3 onclick="x()">一、履行第一责任人职责情况</h3><p>抓基层党建<script>alert(1)</script><img src=x onerror=alert(2)></p>"#;
    let pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".to_vec();
    let r = s
        .post(app.url(&format!("/my/reports/{cy}/save")))
        .multipart(multipart(dirty, Some(("述职报告.pdf", pdf.clone())), "submit"))
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/my/reports/{cy}?flash=report-submitted")));
    let rep = app.db.db.report_get(cy, subj).await.unwrap().unwrap();
    assert_eq!(rep.body_html, "<h3>一、履行第一责任人职责情况</h3><p>抓基层党建</p>");
    assert_eq!(rep.status.as_str(), "submitted");
    // The file comes back as a download that is never rendered inline.
    let f = s.get(app.url(&format!("/my/reports/{cy}/file"))).send().await.unwrap();
    assert_eq!(f.headers()["content-type"], "application/pdf");
    assert!(f.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(f.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        f.headers()["content-security-policy"],
        "default-src 'none'; sandbox",
        "the page CSP must not replace it"
    );
    assert_eq!(f.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // Submitted: no more changes until returned.
    let r = s
        .post(app.url(&format!("/my/reports/{cy}/save")))
        .multipart(multipart("<p>改</p>", None, "save"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);

    // The organizer returns it with a comment; the subject sees the comment.
    let admin = app.login("sys").await;
    let list = admin.get(app.url(&format!("/admin/cycles/{cy}/reports"))).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("已提交") && list.contains("未开始"), "{list}");
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/reports/{subj}/review")))
        .form(&[("decision", "return"), ("comment", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "returning needs a comment");
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/reports/{subj}/review")))
        .form(&[("decision", "return"), ("comment", "请补充存在问题及原因")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = s.get(app.url(&format!("/my/reports/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("请补充存在问题及原因") && page.contains("已退回"));

    // Search finds words in the body (and in extracted file text).
    let found = admin
        .get(app.url(&format!("/admin/cycles/{cy}/reports?q=%E6%8A%93%E5%9F%BA%E5%B1%82")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("1 份报告含此内容"), "search by 抓基层");

    // The same through the API.
    let list: serde_json::Value =
        admin.get(app.url(&format!("/api/v1/cycles/{cy}/reports"))).send().await.unwrap().json().await.unwrap();
    let mine = list.as_array().unwrap().iter().find(|r| r["person_id"] == subj.0).unwrap();
    assert_eq!((mine["status"].as_str(), mine["version"].as_i64()), (Some("returned"), Some(2)));
    let one: serde_json::Value =
        admin.get(app.url(&format!("/api/v1/cycles/{cy}/reports/{subj}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["versions"].as_array().unwrap().len(), 2);
    assert_eq!(one["attachment_name"], "述职报告.pdf");
    let subjects: serde_json::Value =
        admin.get(app.url(&format!("/api/v1/cycles/{cy}/subjects"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(subjects.as_array().unwrap().len(), 2);
    let doc = admin.get(app.url("/api/v1/openapi.json")).send().await.unwrap().text().await.unwrap();
    assert!(doc.contains("/api/v1/cycles/{id}/reading") && doc.contains("SubmissionDto"));

    // Another subject's report is not reachable by a subject.
    let r = s.get(app.url(&format!("/admin/cycles/{cy}/reports/{other}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn personal_links_open_reading_and_refuse_bad_tokens() {
    let app = spawn().await;
    let (cy, subj, other) = setup(&app).await;
    // subj submits; the other secretary only has a draft.
    let s = app.login("subj").await;
    s.post(app.url(&format!("/my/reports/{cy}/save")))
        .multipart(multipart("<p>抓党建促发展，成效明显。</p>", None, "submit"))
        .send()
        .await
        .unwrap();
    let c = root_caller();
    let other_caller = kaoping_core::services::Caller {
        actor: kaoping_core::accounts::scope::Actor { person_id: other, ..c.actor.clone() },
        client: None,
    };
    let draft = kaoping_core::services::ReportSave {
        body_html: "<p>草稿内容保密</p>".into(),
        attachment: kaoping_core::reports::AttachmentChange::Keep,
        submit: false,
    };
    app.svc.reports.report_save(&other_caller, cy, draft).await.unwrap();

    // The organizer prints the QR sheet: one card per evaluator, with links.
    let admin = app.login("sys").await;
    let sheet = admin
        .post(app.url(&format!("/admin/cycles/{cy}/links/issue")))
        .form(&[("which", "missing")])
        .send()
        .await
        .unwrap();
    assert_eq!(sheet.headers()["cache-control"], "no-store");
    let html = sheet.text().await.unwrap();
    assert_eq!(html.matches("class=\"qr-card\"").count(), 2);
    assert_eq!(html.matches("<svg").count(), 2);
    let links: Vec<String> =
        html.split("class=\"qr-url mono\" href=\"").skip(1).map(|p| p.split('"').next().unwrap().to_string()).collect();
    assert_eq!(links.len(), 2);
    let token_path = links[0].trim_start_matches(&app.base).to_string();
    assert!(token_path.starts_with("/k/") && token_path.len() == 43);

    // Opening a link trades it for a cookie and a clean URL.
    let phone = client(&app);
    let r = phone.get(app.url(&token_path)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/e/{cy}")));
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("kp_link=") && cookie.contains("HttpOnly") && cookie.contains("Path=/e"));
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let list = phone.get(app.url(&format!("/e/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("乙书记") && list.contains("尚未提交"));
    // The evaluator reads subj's report, never the other's draft.
    let page = phone.get(app.url(&format!("/e/{cy}/s/{subj}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("抓党建促发展"));
    let page = phone.get(app.url(&format!("/e/{cy}/s/{other}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("草稿内容保密") && page.contains("尚未提交述职报告"));
    // A note on a passage, and reading time.
    let r = phone
        .post(app.url(&format!("/e/{cy}/s/{subj}/notes")))
        .form(&[("quote", "成效明显"), ("body", "请举具体数据")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = phone.post(app.url(&format!("/e/{cy}/s/{subj}/ping"))).form(&[("seconds", "15")]).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let notes = phone.get(app.url(&format!("/e/{cy}/notes"))).send().await.unwrap().text().await.unwrap();
    assert!(notes.contains("请举具体数据") && notes.contains("成效明显"));
    // Outside the cycle's subjects: refused and audited.
    let eval_person = person_of(&app, "eval").await;
    let r = phone.get(app.url(&format!("/e/{cy}/s/{eval_person}"))).send().await.unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());

    // The organizer sees the coverage.
    let cov = admin.get(app.url(&format!("/admin/cycles/{cy}/reading"))).send().await.unwrap().text().await.unwrap();
    assert!(cov.contains("data-chart"), "a chart");

    // Re-issue: the old link is gone (410) and its phone is signed out (401).
    let r = phone.get(app.url(&format!("/e/{cy}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let eval_list = app.db.db.link_list(cy).await.unwrap();
    for l in &eval_list {
        admin.post(app.url(&format!("/admin/cycles/{cy}/links/{}/revoke", l.person_id))).send().await.unwrap();
    }
    let r = phone.get(app.url(&format!("/e/{cy}"))).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = client(&app).get(app.url(&token_path)).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("已被撤销"));

    // Repeated bad tokens from one client: 429.
    let bad = client(&app);
    let mut statuses = Vec::new();
    for i in 0..12 {
        let r = bad.get(app.url(&format!("/k/{:040x}", i + 1))).send().await.unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses[0], 404);
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
    // Tokens never reach the audit log.
    let log =
        app.db.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    let token = token_path.trim_start_matches("/k/");
    assert!(log.iter().any(|e| e.action == "link.open"), "link opens are audited");
    assert!(log.iter().all(|e| !e.detail.contains(token) && !e.object.contains(token)));
}

/// POST headers announcing `length` bytes (and send none); the response text.
async fn raw_post(app: &TestApp, path: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A fresh login, to put its session cookie on the raw request.
    let login = client(app);
    let r = login
        .post(app.url("/login"))
        .form(&[("username", "subj"), ("password", crate::helpers::PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nSec-Fetch-Site: same-origin\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n",
        app.base
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf).to_string()
}
