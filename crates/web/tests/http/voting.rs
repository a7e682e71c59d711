//! Voting over HTTP: the no-JavaScript ballot form, review, submit with a
//! receipt (replay-safe), tampered fields, closing and results.

use crate::helpers::{client, location, root_caller, spawn};
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AuditStore, BallotStore};
use kaoping_core::services::IssueFor;

fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).expect(name);
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].replace("&quot;", "\"").replace("&#34;", "\"").replace("&amp;", "&")
}

#[tokio::test]
async fn an_evaluator_votes_by_form_and_the_organizer_closes_and_reads_results() {
    let app = spawn().await;
    let c = root_caller();
    let input = CycleInput { name: "2026年度".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    let mut subjects = Vec::new();
    for name in ["甲书记", "乙书记"] {
        let p = app
            .svc
            .people
            .person_create(
                &c,
                &PersonInput { name: name.into(), org_unit_id: Some(app.a.id.to_string()), ..Default::default() },
                None,
            )
            .await
            .unwrap()
            .id;
        let si = SubjectInput { person_id: p.to_string(), category: "county".into(), mode: None, post: None };
        app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
        subjects.push(p);
    }
    let deputy = app
        .svc
        .people
        .person_create(&c, &PersonInput { name: "代表".into(), ..Default::default() }, Some(app.city.id))
        .await
        .unwrap()
        .id;
    app.svc.cycles.evaluator_add(&c, cy, &deputy.to_string(), "all").await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let token = app.svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap().remove(0).token;
    let phone = client(&app);
    assert_eq!(phone.get(app.url(&format!("/k/{token}"))).send().await.unwrap().status(), 303);

    // The form works without JavaScript; a draft is kept before voting opens.
    let page = phone.get(app.url(&format!("/e/{cy}/ballot"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("name=\"g_{}_overall\"", subjects[0])) && page.contains("投票尚未开始"));
    let (a, b) = (subjects[0], subjects[1]);
    let form = vec![
        (format!("g_{a}_overall"), "excellent".to_string()),
        (format!("r_{a}"), "抓落实有力".to_string()),
        (format!("a_{b}"), "1".to_string()),
        ("action".to_string(), "review".to_string()),
    ];
    let r = phone.post(app.url(&format!("/e/{cy}/ballot"))).form(&form).send().await.unwrap();
    assert_eq!(location(&r), format!("/e/{cy}/ballot/review"));
    let review = phone.get(app.url(&format!("/e/{cy}/ballot/review"))).send().await.unwrap().text().await.unwrap();
    assert!(!review.contains("ballot/submit"), "no submit before voting opens");

    let admin = app.login("sys").await;
    let r =
        admin.post(app.url(&format!("/admin/cycles/{cy}/voting"))).form(&[("action", "open")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let review = phone.get(app.url(&format!("/e/{cy}/ballot/review"))).send().await.unwrap().text().await.unwrap();
    assert!(review.contains("抓落实有力"));
    let (key, marks) = (hidden(&review, "key"), hidden(&review, "marks"));

    // Tampered hidden fields: unreadable, or a subject outside the scope.
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&[("key", key.as_str()), ("marks", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("无法识别"));
    let forged = marks.replace(&format!("\"subject\":{b}"), "\"subject\":999999");
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&[("key", key.as_str()), ("marks", forged.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不在您的评议范围内"));
    // A field given twice, or a body that is not a form: refused with a page
    // that says so, in the user's language.
    let twice = format!("key={key}&marks=%5B%5D&marks=%5B%5D");
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(twice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("表单字段“marks”重复提交"));
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .header("content-type", "text/plain")
        .body(format!("key={key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().await.unwrap().contains("表单的提交格式不正确"));

    // Submit: a receipt; the same request again: the same receipt.
    let submit = [("key", key.as_str()), ("marks", marks.as_str())];
    let r = phone.post(app.url(&format!("/e/{cy}/ballot/submit"))).form(&submit).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let receipt = html.split("id=\"receipt\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(receipt.len(), 64);
    let again = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&submit)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains(&receipt));
    // A second ballot with a new key: refused.
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&[("key", "another-key-0000001"), ("marks", marks.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(app.db.db.ballot_list(cy).await.unwrap().len(), 1);

    // Results are hidden until voting closes, then shown by category.
    let r = admin.get(app.url(&format!("/admin/cycles/{cy}/results"))).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let show = admin.get(app.url(&format!("/admin/cycles/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(show.contains("1/1"), "turnout");
    admin.post(app.url(&format!("/admin/cycles/{cy}/voting"))).form(&[("action", "close")]).send().await.unwrap();
    let results =
        admin.get(app.url(&format!("/admin/cycles/{cy}/results"))).send().await.unwrap().text().await.unwrap();
    assert!(results.contains("甲书记") && results.contains("100.00") && results.contains("无有效票"), "{results}");
    // Who gave what (named mode): shown per subject, every view audited.
    let named = admin
        .get(app.url(&format!("/admin/cycles/{cy}/ballots?subject={a}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(named.contains("代表") && named.contains("抓落实有力"), "{named}");
    let log =
        app.db.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 1000, ..Default::default() }).await.unwrap();
    assert!(log.iter().any(|e| e.action == "ballot.view_named" && e.object.contains(&format!("person:{a}"))));
    // The results as a real workbook.
    let x = admin.get(app.url(&format!("/admin/cycles/{cy}/results.xlsx"))).send().await.unwrap();
    assert_eq!(x.status(), 200);
    let sheet = kaoping_office::read_xlsx(&x.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.headers[1], "名次");
    assert_eq!(sheet.rows.len(), 2);

    // The public export verifies, and carries no evaluator.
    let export: kaoping_core::results::export::Export =
        admin.get(app.url(&format!("/admin/cycles/{cy}/export.json"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(export.ballots.len(), 1);
    assert!(export.ballots.iter().all(|b| b.evaluator.is_none()));
    assert!(
        kaoping_core::results::export::verify(&export).is_empty(),
        "{:?}",
        kaoping_core::results::export::verify(&export)
    );

    // The restricted export adds the evaluator, and its download is audited.
    let restricted: kaoping_core::results::export::Export =
        app.get_json(&admin, &format!("/admin/cycles/{cy}/export-restricted.json")).await;
    assert_eq!((restricted.kind.as_str(), restricted.ballots[0].evaluator), ("restricted", Some(deputy.0)));
    assert!(kaoping_core::results::export::verify(&restricted).is_empty());
    let log =
        app.db.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 1000, ..Default::default() }).await.unwrap();
    assert!(log.iter().any(|e| e.action == "export.restricted"));

    // A retry after closing still gets its first answer.
    let late = phone.post(app.url(&format!("/e/{cy}/ballot/submit"))).form(&submit).send().await.unwrap();
    assert!(late.text().await.unwrap().contains(&receipt));
}

/// Log lines written while the test runs, as the server would print them.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn anonymous_ballots_leave_no_link_to_the_evaluator_in_the_logs() {
    // The server's default filter (crates/cli/src/config.rs), with kaoping's
    // own crates and the request log at the most verbose level.
    let filter = "info,memory_serve=warn,sea_orm_migration=warn,sqlx=warn,kaoping_web=trace,kaoping_core=trace,\
                  kaoping_store=trace,tower_http=trace";
    let mut filter = tracing_subscriber::EnvFilter::new(filter);
    for cap in kaoping_web::LOG_CAPS {
        filter = filter.add_directive(cap.parse().unwrap());
    }
    let out = Captured::default();
    let writer = out.clone();
    let subscriber =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(move || writer.clone()).with_ansi(false).finish();
    // Global, not per thread: tracing caches per call site whether anyone
    // listens, and other tests of this binary run on other threads. (Their
    // lines land here too; only this test's secrets are looked for.)
    tracing::subscriber::set_global_default(subscriber).expect("the only test that sets a subscriber");

    let app = spawn().await;
    let c = root_caller();
    let input = CycleInput { name: "无记名".into(), year: "2026".into(), ballot_mode: Some("anonymous".into()) };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    let input = PersonInput { name: "被评议甲".into(), ..Default::default() };
    let p = app.svc.people.person_create(&c, &input, Some(app.city.id));
    let subject = p.await.unwrap().id;
    let si = SubjectInput { person_id: subject.to_string(), category: "county".into(), mode: None, post: None };
    app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    let input = PersonInput { name: "匿名评议人".into(), ..Default::default() };
    let p = app.svc.people.person_create(&c, &input, Some(app.city.id));
    let evaluator = p.await.unwrap().id;
    app.svc.cycles.evaluator_add(&c, cy, &evaluator.to_string(), "all").await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    app.svc.voting.voting_set(&c, cy, true).await.unwrap();
    let token = app.svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap().remove(0).token;
    let phone = client(&app);
    assert_eq!(phone.get(app.url(&format!("/k/{token}"))).send().await.unwrap().status(), 303);
    let marks = serde_json::json!([{"subject": subject.0, "grades": {"overall": "poor"}}]).to_string();
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&[("key", "anonymous-key-00000001"), ("marks", marks.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    // Sealed until voting closes.
    assert!(app.db.db.ballot_list(cy).await.unwrap().is_empty());
    app.svc.voting.voting_set(&c, cy, false).await.unwrap();
    let stored = app.db.db.ballot_list(cy).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].evaluator, None);
    assert!(page.contains(&stored[0].receipt));

    let log = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("/ballot/submit"), "the requests were logged: {log}");
    for secret in [stored[0].receipt.as_str(), stored[0].id.as_str(), token.as_str(), "匿名评议人"] {
        assert!(
            !log.contains(secret),
            "{secret} must not be logged: {}",
            log.lines().filter(|l| l.contains(secret)).collect::<Vec<_>>().join("\n")
        );
    }
    assert!(!log.contains(&format!("person:{evaluator}")) && !log.contains(&format!("person_id={evaluator}")));
}
