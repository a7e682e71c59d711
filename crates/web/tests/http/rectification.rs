//! Rectification over HTTP: a plan with a KPI approved, progress from a
//! phone with a photo (a renamed program refused with its name), the
//! evidence served as a download, sign-off freezing the measure.

use crate::helpers::{TestApp, root_caller, spawn};
use kaoping_core::feedback::ProblemInput;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::RectificationStore;
use reqwest::multipart::{Form, Part};

/// A cycle whose subject is the "subj" account's person, with one problem
/// on an issued sheet.
async fn issued(app: &TestApp) -> (CycleId, PersonId, i64) {
    let c = root_caller();
    let (cy, subj) = crate::feedback::voting_cycle(app).await;
    app.svc.voting.voting_set(&c, cy, false).await.unwrap();
    let p = ProblemInput {
        source: "routine".into(),
        text: "项目开复工率偏低".into(),
        tag: "党建与业务融合".into(),
        severity: "serious".into(),
        ..Default::default()
    };
    let problem = app.svc.feedback.problem_add(&c, cy, subj, &p).await.unwrap().id;
    app.svc.feedback.sheets_issue(&c, cy, None).await.unwrap();
    (cy, subj, problem)
}

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0photo";

#[tokio::test]
async fn progress_with_a_photo_then_sign_off() {
    let app = spawn().await;
    let (cy, subj, problem) = issued(&app).await;
    let me = app.login("subj").await;
    let admin = app.login("sys").await;
    let r = me
        .post(app.url(&format!("/my/feedback/{cy}/plan/measures")))
        .form(&[
            ("problem_id", problem.to_string().as_str()),
            ("text", "重点项目周调度"),
            ("responsible", "贾传峰"),
            ("deadline", "2099-06-30"),
            ("kpi_name", "项目开复工率"),
            ("kpi_unit", "%"),
            ("kpi_baseline", "60"),
            ("kpi_target", "90"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let measure = app.db.db.measure_list(cy, None).await.unwrap()[0].id;
    assert_eq!(me.post(app.url(&format!("/my/feedback/{cy}/plan/submit"))).send().await.unwrap().status(), 303);
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/plan/review")))
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    let progress = format!("/my/feedback/{cy}/plan/measures/{measure}/progress");
    let form = |name: &str, bytes: &'static [u8]| {
        Form::new()
            .text("text", "开复工率提升到 84.3%")
            .text("percent", "60")
            .text("kpi_value", "84.3")
            .part("files", Part::bytes(bytes).file_name(name.to_string()).mime_str("image/jpeg").unwrap())
    };
    // A program renamed to .jpg: refused, named, nothing stored.
    let r = me.post(app.url(&progress)).multipart(form("现场.jpg", b"MZ\x90\0program")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("“现场.jpg”的内容与扩展名不符"));
    assert!(app.db.db.progress_list(cy, None).await.unwrap().is_empty());
    let r = me.post(app.url(&progress)).multipart(form("现场.jpg", JPEG)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let file = app.db.db.progress_list(cy, None).await.unwrap()[0].files[0].id;

    // The organizer sees it and downloads the photo as an attachment.
    let page = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/plan"))).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("开复工率提升到 84.3%") && page.contains("现场.jpg") && page.contains("60%"), "{page}");
    let f = admin.get(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/files/{file}"))).send().await.unwrap();
    assert_eq!(f.status(), 200);
    assert_eq!(f.headers()["content-type"], "image/jpeg");
    assert!(f.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(f.bytes().await.unwrap().as_ref(), JPEG);
    let mine = me.get(app.url(&format!("/my/feedback/{cy}/files/{file}"))).send().await.unwrap();
    assert_eq!(mine.status(), 200);

    // Signed off: no more progress on it.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/sign-off")))
        .form(&[("target", "problem"), ("id", &problem.to_string()), ("note", "现场核实到位")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = me.post(app.url(&progress)).multipart(form("现场.jpg", JPEG)).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("已销号，不能再修改"));
    // Reopening needs a reason.
    let r = admin
        .post(app.url(&format!("/admin/cycles/{cy}/feedback/{subj}/reopen")))
        .form(&[("target", "problem"), ("id", &problem.to_string()), ("note", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = me.get(app.url(&format!("/my/feedback/{cy}/plan"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已销号") && page.contains("问题销号 · 现场核实到位"), "{page}");

    // The ledger: the row with its KPI and state, filtered, and as Excel.
    let ledger = admin.get(app.url(&format!("/admin/cycles/{cy}/ledger"))).send().await.unwrap().text().await.unwrap();
    assert!(ledger.contains("重点项目周调度") && ledger.contains("项目开复工率 60 → 90 % (84.3)"), "{ledger}");
    // The cycle selector goes to that cycle's ledger with the same filters.
    let r = admin.get(app.url(&format!("/admin/cycles/{cy}/ledger?cycle=424242&tag=x"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(crate::helpers::location(&r).starts_with("/admin/cycles/424242/ledger?"));
    let open = admin.get(app.url(&format!("/admin/cycles/{cy}/ledger?status=open"))).send().await.unwrap();
    assert!(open.text().await.unwrap().contains("没有符合条件的问题"));
    let x = admin.get(app.url(&format!("/admin/cycles/{cy}/ledger.xlsx?status=signed_off"))).send().await.unwrap();
    assert_eq!(x.status(), 200);
    let sheet = kaoping_office::read_xlsx(&x.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.rows.len(), 1);
    assert!(sheet.rows[0].1.iter().any(|c| c == "重点项目周调度"));
}

#[tokio::test]
async fn the_whole_loop_over_json() {
    use serde_json::{Value, json};
    let app = spawn().await;
    let (cy, subj, problem) = issued(&app).await;
    let me = app.login("subj").await;
    let admin = app.login("sys").await;
    let post = |c: &reqwest::Client, path: String, body: Value| c.post(app.url(&path)).json(&body).send();
    // A problem from a critique that does not say so: 422 with the code.
    let r = admin
        .put(app.url(&format!("/api/v1/cycles/{cy}/subjects/{subj}/critique")))
        .json(&json!({"text": "台账管理不规范。"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let body = json!({"source": "critique", "text": "台账很规范", "tag": "制度落实", "severity": "minor"});
    let r = post(&admin, format!("/api/v1/cycles/{cy}/subjects/{subj}/problems"), body).await.unwrap();
    assert_eq!(r.status(), 409, "the sheet is issued already");
    let sheets: Value = app.get_json(&admin, &format!("/api/v1/cycles/{cy}/sheets")).await;
    assert_eq!(sheets[0]["number"], "组反〔2026〕1号");

    // The subject: acknowledge, a measure (bad KPI first), submit.
    let r = post(&me, format!("/api/v1/my/feedback/{cy}/acknowledge"), json!({})).await.unwrap();
    assert_eq!(r.status(), 200);
    let measure = |target: &str| {
        json!({"problem_id": problem, "text": "周调度", "responsible": "贾传峰", "deadline": "2099-06-30",
               "kpi_name": "开复工率", "kpi_unit": "%", "kpi_baseline": "60", "kpi_target": target})
    };
    // A body that is not JSON: a non-subject is refused first (audited), the subject is told why.
    let stranger = app.login("eval").await;
    let bad = |c: &reqwest::Client| {
        c.post(app.url(&format!("/api/v1/my/feedback/{cy}/plan/measures")))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
    };
    assert_eq!(bad(&stranger).await.unwrap().status(), 403);
    let r = bad(&me).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "err-json");
    let r = post(&me, format!("/api/v1/my/feedback/{cy}/plan/measures"), measure("九十")).await.unwrap();
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["code"], "err-kpi-number");
    let r = post(&me, format!("/api/v1/my/feedback/{cy}/plan/measures"), measure("90")).await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["kpi_target"], "90");
    assert_eq!(post(&me, format!("/api/v1/my/feedback/{cy}/plan/submit"), json!({})).await.unwrap().status(), 204);
    let r = post(&admin, format!("/api/v1/cycles/{cy}/subjects/{subj}/plan/review"), json!({"approve": false})).await;
    assert_eq!(r.unwrap().status(), 422, "a return needs a comment");
    let r = post(&admin, format!("/api/v1/cycles/{cy}/subjects/{subj}/plan/review"), json!({"approve": true})).await;
    assert_eq!(r.unwrap().status(), 204);

    // Progress, the ledger, sign-off; then no more progress.
    let progress = format!("/api/v1/my/feedback/{cy}/plan/measures/{}/progress", m["id"]);
    let r = post(&me, progress.clone(), json!({"text": "已过半", "percent": 55, "kpi_value": "77.5"})).await.unwrap();
    assert_eq!(r.status(), 201);
    let ledger: Value = app.get_json(&admin, &format!("/api/v1/cycles/{cy}/ledger?status=open")).await;
    assert_eq!(ledger[0]["measure"]["kpi_current"], "77.5");
    assert_eq!(ledger[0]["measure"]["percent"], 55);
    // The target is not reached (77.5 of 60 → 90): a note must say why.
    let sign_off = format!("/api/v1/cycles/{cy}/subjects/{subj}/sign-off");
    let r = post(&admin, sign_off.clone(), json!({"target": "measure", "id": m["id"]})).await.unwrap();
    assert_eq!(r.status(), 409);
    let p: serde_json::Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("58%"), "{p}");
    let r = post(&admin, sign_off, json!({"target": "measure", "id": m["id"], "note": "阶段目标已达，转入常态化"}));
    assert_eq!(r.await.unwrap().status(), 204);
    let r = post(&me, progress, json!({"text": "再报", "percent": 90, "kpi_value": "88"})).await.unwrap();
    assert_eq!(r.status(), 409);
    let plan: Value = app.get_json(&me, &format!("/api/v1/my/feedback/{cy}/plan")).await;
    assert_eq!((plan["status"].as_str(), plan["measures"][0]["signed_off"].as_bool()), (Some("approved"), Some(true)));
}
