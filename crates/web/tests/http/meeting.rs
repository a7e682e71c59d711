//! The review meeting over HTTP: presenting now (on evaluators' pages and
//! over SSE), paper ballots by staff (audited), the big screen's live
//! turnout, the live tally (audited), routine scores and vetoes, publishing
//! to subjects and the public, and the subject's own result card.

use crate::helpers::{client, location, root_caller, spawn};
use kaoping_core::audit::AuditFilter;
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AccountStore, AuditStore, BallotStore};
use kaoping_core::services::IssueFor;
use std::time::Duration;

/// Read SSE `data:` lines from a streaming response until `want` matches
/// one (or give up after 5 s).
async fn sse_until(res: &mut reqwest::Response, want: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let chunk = tokio::time::timeout_at(deadline, res.chunk()).await.expect("an update within 5 s").unwrap();
        buf.push_str(&String::from_utf8_lossy(&chunk.expect("stream open")));
        while let Some(end) = buf.find("\n\n") {
            let event: String = buf.drain(..end + 2).collect();
            for line in event.lines() {
                if let Some(data) = line.strip_prefix("data:") {
                    let v: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
                    if want(&v) {
                        return v;
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_meeting_runs_with_presenting_paper_ballots_a_live_screen_and_published_results() {
    let app = spawn().await;
    let c = root_caller();
    let input = CycleInput { name: "2026年度".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    // Subjects: the "subj" account's person and another secretary.
    let subj = app.db.db.account_by_username("subj").await.unwrap().unwrap().person_id;
    let other = app
        .svc
        .people
        .person_create(&c, &PersonInput { name: "乙书记".into(), ..Default::default() }, Some(app.city.id))
        .await
        .unwrap()
        .id;
    for p in [subj, other] {
        let si = SubjectInput { person_id: p.to_string(), category: "county".into(), mode: None, post: None };
        app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    }
    let mut evaluators = Vec::new();
    for name in ["手机评议人", "纸质评议人"] {
        let p = app
            .svc
            .people
            .person_create(&c, &PersonInput { name: name.into(), ..Default::default() }, Some(app.city.id))
            .await
            .unwrap()
            .id;
        app.svc.cycles.evaluator_add(&c, cy, &p.to_string(), "all").await.unwrap();
        evaluators.push(p);
    }
    app.svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let links = app.svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap();
    let token = links.iter().find(|l| l.person_id == evaluators[0]).unwrap().token.clone();
    let phone = client(&app);
    assert_eq!(phone.get(app.url(&format!("/k/{token}"))).send().await.unwrap().status(), 303);
    let admin = app.login("sys").await;

    // The console lists the agenda and who has not voted.
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/meeting"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("乙书记") && page.contains("纸质评议人") && page.contains("开始述职"));

    // The evaluator's live feed; then the organizer sets who is presenting.
    let mut feed = phone.get(app.url(&format!("/e/{cy}/events"))).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    sse_until(&mut feed, |v| v["presenting"].is_null()).await;
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/meeting/presenting")))
        .form(&[("subject", other.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v = sse_until(&mut feed, |v| !v["presenting"].is_null()).await;
    assert_eq!(v["presenting"]["name"], "乙书记");
    let list = phone.get(app.url(&format!("/e/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("正在述职") && list.contains("乙书记"));

    // The big screen: turnout live over SSE; no results while voting is open.
    let screen = admin.get(app.url(&format!("/admin/cycles/{cy}/screen"))).send().await.unwrap();
    assert_eq!(screen.status(), 200);
    let mut live = admin.get(app.url(&format!("/admin/cycles/{cy}/screen/events"))).send().await.unwrap();
    let first = sse_until(&mut live, |_| true).await;
    assert_eq!((first["voted"].as_u64(), first["expected"].as_u64()), (Some(0), Some(2)));
    assert!(first["results"].is_null());
    let r =
        admin.post(app.url(&format!("/admin/cycles/{cy}/voting"))).form(&[("action", "open")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    sse_until(&mut live, |v| v["voting"] == "open").await;

    // The phone votes (both 较好).
    let marks = serde_json::json!([
        {"subject": subj.0, "grades": {"overall": "good"}},
        {"subject": other.0, "grades": {"overall": "good"}},
    ])
    .to_string();
    let r = phone
        .post(app.url(&format!("/e/{cy}/ballot/submit")))
        .form(&[("key", "meeting-key-000000001"), ("marks", marks.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = sse_until(&mut live, |v| v["voted"] == 1).await;
    assert_eq!(v["groups"][0]["voted"], 1);

    // A paper ballot by staff: a missing subject is named, then it is stored.
    let paper = format!("/admin/cycles/{cy}/paper/{}", evaluators[1]);
    let form = admin.get(app.url(&paper)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(&format!("name=\"g_{subj}_overall\"")));
    let key = "paper-key-0000000001";
    let bad = [("key".to_string(), key.to_string()), (format!("g_{subj}_overall"), "excellent".into())];
    let r = admin.post(app.url(&paper)).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("乙书记"));
    let good = [
        ("key".to_string(), key.to_string()),
        (format!("g_{subj}_overall"), "excellent".into()),
        (format!("g_{other}_overall"), "fair".into()),
        (format!("r_{other}"), "整改不够有力".into()),
    ];
    let r = admin.post(app.url(&paper)).form(&good).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("纸质票已录入"));
    let v = sse_until(&mut live, |v| v["voted"] == 2).await;
    assert_eq!(v["expected"], 2);
    let ballots = app.db.db.ballot_list(cy).await.unwrap();
    assert_eq!(ballots.iter().filter(|b| b.paper).count(), 1);
    // Entering it again is refused (already voted).
    let r = admin.post(app.url(&paper)).form(&[("key", "paper-key-0000000002")]).send().await.unwrap();
    assert!(r.status() == 409 || r.status() == 422);

    // A live tally must be allowed, and every look is audited.
    let r = admin.get(app.url(&format!("/admin/cycles/{cy}/results?live=1"))).send().await.unwrap();
    assert_eq!(r.status(), 409);
    admin.post(app.url(&format!("/admin/cycles/{cy}/meeting/live-tally"))).form(&[("on", "1")]).send().await.unwrap();
    let r = admin.get(app.url(&format!("/admin/cycles/{cy}/results?live=1"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("部分结果"));

    // Routine scores are not weighted by default, but a veto caps the grade.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/assessments")))
        .form(&[(format!("r_{subj}"), "101".to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a score over 100 is refused");
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/assessments")))
        .form(&[
            (format!("r_{subj}"), "92.5".to_string()),
            (format!("g_{subj}"), "excellent".into()),
            (format!("v_{other}"), "发生重大安全事故".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), format!("/admin/cycles/{cy}/assessments?flash=saved"));

    // Close; the screen shows results; publish to the public.
    admin.post(app.url(&format!("/admin/cycles/{cy}/voting"))).form(&[("action", "close")]).send().await.unwrap();
    let v = sse_until(&mut live, |v| v["voting"] == "closed").await;
    assert!(v["presenting"].is_null(), "closing ends the presentation: {v}");
    let rows = &v["results"][0]["rows"];
    // subj: 好 + 较好 → 90; other: 较好 + 一般 → 70, vetoed → 差.
    assert_eq!(rows[0]["score"], "90.00");
    assert_eq!(rows[1]["grade"], "差");
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/results/publish")))
        .form(&[("visibility", "public")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), format!("/admin/cycles/{cy}/results?flash=results-published"));
    // The subject sees their own card; the public sees grades only.
    let me = app.login("subj").await;
    let card = me.get(app.url("/my/results")).send().await.unwrap().text().await.unwrap();
    assert!(card.contains("90.00") && card.contains("92.5"), "{card}");
    assert!(!card.contains("乙书记"));
    let public = client(&app).get(app.url(&format!("/public/cycles/{cy}/results"))).send().await.unwrap();
    let public = public.text().await.unwrap();
    assert!(public.contains("乙书记") && !public.contains("90.00"));
    // Inputs are frozen once published.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/assessments")))
        .form(&[(format!("r_{subj}"), "80".to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);

    let log = app.db.db.audit_list(&AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    for action in ["meeting.presenting", "ballot.paper", "cycle.live_tally", "results.view_partial", "results.publish"]
    {
        assert!(log.iter().any(|e| e.action == action), "{action} audited");
    }
    // The export carries the entered inputs and verifies.
    let e = app.svc.results.cycle_export(&c, cy, false).await.unwrap();
    assert_eq!(e.vetoes, vec![other.0]);
    assert_eq!(kaoping_core::results::export::verify(&e), Vec::<String>::new());
    // Its results seal is the one written to the audit log at publishing.
    let recorded = app.svc.results.results_seal_recorded(cy).await.unwrap();
    assert_eq!(recorded.as_deref(), Some(e.results_seal.as_ref().unwrap().seal.as_str()));
}

#[tokio::test]
async fn the_api_runs_a_vote_from_ballot_to_published_results() {
    let app = spawn().await;
    let c = root_caller();
    let input = CycleInput { name: "接口评议".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    let input = PersonInput { name: "丙书记".into(), ..Default::default() };
    let subject = app.svc.people.person_create(&c, &input, Some(app.city.id)).await.unwrap().id;
    let si = SubjectInput { person_id: subject.to_string(), category: "county".into(), mode: None, post: None };
    app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    let input = PersonInput { name: "接口评议人".into(), ..Default::default() };
    let ev = app.svc.people.person_create(&c, &input, Some(app.city.id)).await.unwrap().id;
    app.svc.cycles.evaluator_add(&c, cy, &ev.to_string(), "all").await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let token = app.svc.reports.links_issue(&c, cy, IssueFor::Missing).await.unwrap().remove(0).token;
    let phone = client(&app);
    phone.get(app.url(&format!("/k/{token}"))).send().await.unwrap();
    let admin = app.login("sys").await;

    let scope: serde_json::Value =
        phone.get(app.url(&format!("/e/{cy}/api/ballot"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((scope["voting"].as_str(), scope["voted"].as_bool()), (Some("none"), Some(false)));
    assert_eq!(scope["subjects"][0]["person_id"], subject.0);
    let r = admin
        .post(app.url(&format!("/api/v1/cycles/{cy}/voting")))
        .json(&serde_json::json!({"action": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A grade not on the scale: 422 naming the problem; then a good ballot.
    let bad = serde_json::json!({"key": "api-key-00000000001", "marks": [{"subject": subject.0, "grades": {"overall": "great"}}]});
    let r = phone.post(app.url(&format!("/e/{cy}/api/ballot"))).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body = serde_json::json!({"key": "api-key-00000000001", "marks": [{"subject": subject.0, "grades": {"overall": "excellent"}}]});
    let r = phone.post(app.url(&format!("/e/{cy}/api/ballot"))).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let receipt: serde_json::Value = r.json().await.unwrap();
    let again: serde_json::Value =
        phone.post(app.url(&format!("/e/{cy}/api/ballot"))).json(&body).send().await.unwrap().json().await.unwrap();
    assert_eq!(receipt, again, "the same key and body: the same receipt");

    let m: serde_json::Value =
        admin.get(app.url(&format!("/api/v1/cycles/{cy}/meeting"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((m["voting"].as_str(), m["voted"].as_u64(), m["expected"].as_u64()), (Some("open"), Some(1), Some(1)));
    let r = admin.get(app.url(&format!("/api/v1/cycles/{cy}/results"))).send().await.unwrap();
    assert_eq!(r.status(), 409, "hidden while voting is open");
    let closed: serde_json::Value = admin
        .post(app.url(&format!("/api/v1/cycles/{cy}/voting")))
        .json(&serde_json::json!({"action": "close"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(closed["seal"].as_str().map(str::len), Some(64));
    let res: serde_json::Value =
        admin.get(app.url(&format!("/api/v1/cycles/{cy}/results"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(res["results"][0]["composite"]["exact"], "100");
    assert_eq!(res["results"][0]["grade"], "excellent");
    let r = admin
        .post(app.url(&format!("/api/v1/cycles/{cy}/results/publish")))
        .json(&serde_json::json!({"to": "subjects"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let spec: serde_json::Value =
        client(&app).get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/e/{cycle}/api/ballot", "/api/v1/cycles/{id}/results", "/api/v1/cycles/{id}/meeting"] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn routine_scores_and_vetoes_come_from_a_sheet_all_or_nothing() {
    use kaoping_office::{Column, write_xlsx};
    use reqwest::multipart::{Form, Part};
    let app = spawn().await;
    let c = root_caller();
    let input = CycleInput { name: "日常考核导入".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    for name in ["甲书记", "乙书记"] {
        let input = PersonInput { name: name.into(), ..Default::default() };
        let p = app.svc.people.person_create(&c, &input, Some(app.city.id)).await.unwrap().id;
        let si = SubjectInput { person_id: p.to_string(), category: "county".into(), mode: None, post: None };
        app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    }
    let admin = app.login("sys").await;
    let sheet = |rows: &[[&str; 4]]| {
        let cols: Vec<Column> =
            ["姓名", "日常考核", "日常考核等次", "一票否决事项"].iter().map(|h| Column::new(*h, 10.0)).collect();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        Form::new().part("file", Part::bytes(write_xlsx("x", &cols, &rows).unwrap()).file_name("a.xlsx"))
    };
    let url = app.url(&format!("/admin/cycles/{cy}/assessments/import"));
    // Every problem is reported by row; nothing is saved.
    let bad = sheet(&[["甲书记", "八十", "优秀", ""], ["丁书记", "80", "", ""], ["乙书记", "101", "很好", ""]]);
    let r = admin.post(&url).multipart(bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let report = r.text().await.unwrap();
    assert!(report.contains("八十") && report.contains("不是本次的被评议人") && report.contains("很好"), "{report}");
    let (_, rows) = app.svc.results.assessments(&c, cy).await.unwrap();
    assert!(rows.iter().all(|(_, a)| a.is_empty()));
    // A sheet is an upload: over the 1 MB form limit, under the file limit,
    // it is read (and this one refused as no workbook), not cut off as a form.
    let big = Form::new().part("file", Part::bytes(vec![b'x'; 3 << 20]).file_name("big.xlsx"));
    let r = admin.post(&url).multipart(big).send().await.unwrap();
    assert_eq!(r.status(), 422, "{}", r.text().await.unwrap());
    // A good sheet.
    let good = sheet(&[["甲书记", "87.5", "优秀", ""], ["乙书记", "79", "称职", "发生重大安全事故"]]);
    let r = admin.post(&url).multipart(good).send().await.unwrap();
    assert_eq!(location(&r), format!("/admin/cycles/{cy}/assessments?flash=assessments-imported"));
    let (_, rows) = app.svc.results.assessments(&c, cy).await.unwrap();
    let jia = &rows.iter().find(|(s, _)| s.person_name == "甲书记").unwrap().1;
    assert_eq!(jia.routine.map(|d| d.to_string()), Some("87.5".into()));
    assert_eq!(jia.routine_grade, Some(kaoping_core::results::tally::RoutineGrade::Excellent));
    let yi = &rows.iter().find(|(s, _)| s.person_name == "乙书记").unwrap().1;
    assert_eq!(yi.veto_reason.as_deref(), Some("发生重大安全事故"));
    // The export is the same sheet, ready to edit.
    let x = admin.get(app.url(&format!("/admin/cycles/{cy}/assessments.xlsx"))).send().await.unwrap();
    let back = kaoping_office::read_xlsx(&x.bytes().await.unwrap()).unwrap();
    assert_eq!(back.rows.len(), 2);
}
