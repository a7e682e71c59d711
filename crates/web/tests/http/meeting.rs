//! The review meeting over HTTP: presenting now (on evaluators' pages and
//! over SSE), paper ballots by staff (audited), the big screen's live
//! turnout, the live tally (audited), routine scores and vetoes, publishing
//! to subjects and the public, and the subject's own result card.

use crate::helpers::{client, location, root_caller, spawn};
use kaoping_core::audit::AuditFilter;
use kaoping_core::cycle::{CycleInput, Phase};
use kaoping_core::person::PersonInput;
use kaoping_core::roster::SubjectInput;
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
    let cy = app.svc.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    // Subjects: the "subj" account's person and another secretary.
    let subj = app.svc.store.account_by_username("subj").await.unwrap().unwrap().person_id;
    let other = app
        .svc
        .person_create(&c, &PersonInput { name: "乙书记".into(), ..Default::default() }, Some(app.city.id))
        .await
        .unwrap()
        .id;
    for p in [subj, other] {
        let si = SubjectInput { person_id: p.to_string(), category: "county".into(), mode: None, post: None };
        app.svc.subject_add(&c, cy, &si).await.unwrap();
    }
    let mut evaluators = Vec::new();
    for name in ["手机评议人", "纸质评议人"] {
        let p = app
            .svc
            .person_create(&c, &PersonInput { name: name.into(), ..Default::default() }, Some(app.city.id))
            .await
            .unwrap()
            .id;
        app.svc.evaluator_add(&c, cy, &p.to_string(), "all").await.unwrap();
        evaluators.push(p);
    }
    app.svc.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    let links = app.svc.links_issue(&c, cy, IssueFor::Missing).await.unwrap();
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
    let ballots = app.svc.store.ballot_list(cy).await.unwrap();
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

    let log = app.svc.store.audit_list(&AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    for action in ["meeting.presenting", "ballot.paper", "cycle.live_tally", "results.view_partial", "results.publish"]
    {
        assert!(log.iter().any(|e| e.action == action), "{action} audited");
    }
    // The export carries the entered inputs and verifies.
    let e = app.svc.cycle_export(&c, cy, false).await.unwrap();
    assert_eq!(e.vetoes, vec![other.0]);
    assert_eq!(kaoping_core::export::verify(&e), Vec::<String>::new());
}
