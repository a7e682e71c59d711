//! Feedback over HTTP: the critique from the meeting console, problems on
//! the subject page (bad input re-shown with its message), bulk issue, the
//! printable sheet and its .docx, and the subject's acknowledgement.

use crate::helpers::{TestApp, location, root_caller, spawn};
use kaoping_core::cycles::roster::SubjectInput;
use kaoping_core::cycles::{CycleInput, Phase};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::{AccountStore, FeedbackStore};

/// A cycle in evaluation whose subject is the "subj" account's person,
/// with one evaluator, voting open.
pub(crate) async fn voting_cycle(app: &TestApp) -> (CycleId, PersonId) {
    let c = root_caller();
    let input = CycleInput { name: "2026年度".into(), year: "2026".into(), ballot_mode: None };
    let cy = app.svc.cycles.cycle_create(&c, app.city.id, &input, None).await.unwrap().id;
    let subj = app.db.db.account_by_username("subj").await.unwrap().unwrap().person_id;
    let si = SubjectInput { person_id: subj.to_string(), category: "county".into(), mode: None, post: None };
    app.svc.cycles.subject_add(&c, cy, &si).await.unwrap();
    let e = app
        .svc
        .people
        .person_create(&c, &PersonInput { name: "评议人".into(), ..Default::default() }, Some(app.city.id))
        .await
        .unwrap()
        .id;
    app.svc.cycles.evaluator_add(&c, cy, &e.to_string(), "all").await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Reporting).await.unwrap();
    app.svc.cycles.cycle_advance(&c, cy, Phase::Evaluation).await.unwrap();
    app.svc.voting.voting_set(&c, cy, true).await.unwrap();
    (cy, subj)
}

#[tokio::test]
async fn an_organizer_composes_and_issues_a_sheet_that_the_subject_acknowledges() {
    let app = spawn().await;
    let c = root_caller();
    let (cy, subj) = voting_cycle(&app).await;
    app.svc.meeting.presenting_set(&c, cy, Some(subj)).await.unwrap();
    let admin = app.login("sys").await;

    // The console offers the critique of whoever presents; saving returns there.
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/meeting"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/admin/cycles/{cy}/feedback/{subj}/critique")));
    let critique = "党建工作与中心工作融合不够紧密，品牌建设缺乏特色。";
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/critique")))
        .form(&[("critique", critique), ("back", "meeting")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with(&format!("/admin/cycles/{cy}/meeting?flash=critique-saved")));
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/meeting"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(critique));
    app.svc.voting.voting_set(&c, cy, false).await.unwrap();

    // A passage not in the critique is refused with the reason, the text kept.
    let add = format!("/admin/cycles/{cy}/feedback/{subj}/problems");
    let r = admin
        .post(app.url(&add))
        .form(&[("source", "critique"), ("text", "融合很好"), ("tag", "品牌建设"), ("severity", "serious")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("来自点评的问题须与点评原文一致") && body.contains("融合很好"), "{body}");
    let r = admin
        .post(app.url(&add))
        .form(&[("source", "critique"), ("text", "品牌建设缺乏特色"), ("tag", "品牌建设"), ("severity", "serious")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    // Bulk issue for the category; the overview shows the number and no receipt yet.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/issue")))
        .form(&[("category", "county")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = admin.get(app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已下发 1 份反馈单") && page.contains("组反〔2026〕1号") && page.contains("未签收"));
    // Issuing again: nothing to issue, said why.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/issue")))
        .form(&[("category", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("已下发过"));

    // The .docx is a real Word file with the problem, verbatim.
    let r = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/sheet.docx"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let bytes = r.bytes().await.unwrap();
    let doc = kaoping_office::docs::check_document("s.docx", &bytes, 10 << 20).unwrap();
    assert!(doc.text.contains("1. 品牌建设缺乏特色") && doc.text.contains("组反〔2026〕1号"), "{}", doc.text);
    let zip = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback/sheets.zip"))).send().await.unwrap();
    assert_eq!(zip.headers()["content-type"], "application/zip");

    // The subject sees it, downloads it and acknowledges; the organizer sees that.
    let me = app.login("subj").await;
    let mine = me.get(app.url("/my/feedback")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("组反〔2026〕1号"));
    let sheet = me.get(app.url(&format!("/my/feedback/{cy}"))).send().await.unwrap().text().await.unwrap();
    assert!(sheet.contains("品牌建设缺乏特色") && sheet.contains("确认签收"));
    assert_eq!(me.get(app.url(&format!("/my/feedback/{cy}/sheet.docx"))).send().await.unwrap().status(), 200);
    let r = me.post(app.url(&format!("/my/feedback/{cy}/acknowledge"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已签收") && !page.contains("未签收"));

    // The plan: a KPI target that is not a number is refused and shown again.
    let pid = app.db.db.problem_list(cy, None).await.unwrap()[0].id;
    let measure = |target: &str| {
        vec![
            ("problem_id", pid.to_string()),
            ("text", "打造“一社区一品牌”".to_string()),
            ("responsible", "贾传峰".to_string()),
            ("deadline", "2099-06-30".to_string()),
            ("kpi_name", "品牌社区数".to_string()),
            ("kpi_unit", "个".to_string()),
            ("kpi_baseline", "2".to_string()),
            ("kpi_target", target.to_string()),
        ]
    };
    let r = me.post(app.url(&format!("/my/feedback/{cy}/plan/measures"))).form(&measure("十个")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("“十个”不是数字") && body.contains("打造“一社区一品牌”"), "{body}");
    let r = me.post(app.url(&format!("/my/feedback/{cy}/plan/measures"))).form(&measure("10")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = me.post(app.url(&format!("/my/feedback/{cy}/plan/submit"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/plan"))).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("品牌社区数 2 → 10 个") && page.contains("plan-review"), "{page}");
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/plan/review")))
        .form(&[("decision", "approve"), ("comment", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mine = me.get(app.url(&format!("/my/feedback/{cy}/plan"))).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("已通过") && !mine.contains("plan-submit"));

    // Frozen: the problem can no longer be changed.
    let r = admin.post(app.url(&format!("/admin/cycles/{cy}/feedback/problems/{pid}/delete"))).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("反馈单已下发，问题不能再修改"));
}
