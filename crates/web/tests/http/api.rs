//! The JSON API and its OpenAPI document.

use crate::helpers::{PASSWORD, client, spawn};
use serde_json::{Value, json};

#[tokio::test]
async fn session_org_units_and_people_over_json() {
    let app = spawn().await;
    let c = client(&app);
    let r =
        c.post(app.url("/api/v1/session")).json(&json!({"username": "orga", "password": "bad"})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "orga", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = c.get(app.url("/api/v1/session")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "orga");
    assert_eq!(me["roles"], json!(["organizer_admin"]));

    let units: Value = c.get(app.url("/api/v1/org-units")).send().await.unwrap().json().await.unwrap();
    assert_eq!(units.as_array().unwrap().len(), 2);
    let r = c
        .post(app.url("/api/v1/org-units"))
        .json(&json!({"parent_id": app.a.id.0, "code": "a9", "name": "甲九镇", "kind": "township_committee"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let unit: Value = r.json().await.unwrap();
    assert_eq!(unit["code"], "A9");
    let r = c
        .post(app.url("/api/v1/org-units"))
        .header("accept-language", "en")
        .json(&json!({"parent_id": app.a.id.0, "code": "A9", "name": "", "kind": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    let codes: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["err-required", "err-org-type-unknown"]);
    let r = c
        .post(app.url(&format!("/api/v1/org-units/{}/move", app.a.id)))
        .json(&json!({"parent_id": unit["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a move into its own subtree");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["code"], "err-org-move-cycle");

    let r = c
        .post(app.url("/api/v1/people"))
        .json(&json!({"name": "张三", "org_unit_id": app.a1.id.0, "post": "镇党委书记", "phone": "13800001234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let person: Value = r.json().await.unwrap();
    assert_eq!(person["phone"], "138****1234");
    let page: Value = c.get(app.url("/api/v1/people?q=zhang")).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["total"], 1);

    let r = c.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(c.get(app.url("/api/v1/session")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/session",
        "/api/v1/session/totp",
        "/api/v1/org-units",
        "/api/v1/org-units/{id}",
        "/api/v1/org-units/{id}/move",
        "/api/v1/org-units/{id}/active",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/cycles",
        "/api/v1/cycles/{id}",
        "/api/v1/cycles/{id}/scheme",
        "/api/v1/cycles/{id}/phase",
        "/api/v1/cycles/{id}/problems",
        "/api/v1/cycles/{id}/sheets",
        "/api/v1/cycles/{id}/subjects/{person}/plan/review",
        "/api/v1/cycles/{id}/subjects/{person}/sign-off",
        "/api/v1/cycles/{id}/ledger",
        "/api/v1/my/feedback/{cycle}/plan/measures/{measure}/progress",
    ] {
        assert!(paths.contains_key(p), "{p} missing");
    }
}

#[tokio::test]
async fn cycles_over_json() {
    let app = spawn().await;
    let c = client(&app);
    c.post(app.url("/api/v1/session")).json(&json!({"username": "orga", "password": PASSWORD})).send().await.unwrap();
    let r = c
        .post(app.url("/api/v1/cycles"))
        .json(&json!({"organizer_id": app.a.id.0, "name": "甲区2026", "year": 2026}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cy: Value = r.json().await.unwrap();
    assert_eq!(cy["phase"], "preparation");
    assert_eq!(cy["scheme"]["groups"][0]["weight"], 10000);
    let id = cy["id"].as_i64().unwrap();
    let mut scheme = cy["scheme"].clone();
    scheme["groups"][0]["weight"] = json!(9500);
    let r = c
        .put(app.url(&format!("/api/v1/cycles/{id}/scheme")))
        .header("accept-language", "en")
        .json(&json!({"categories": cy["categories"], "scheme": scheme}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["message"], "Evaluator group weights sum to 0.95, must be 1.");
    scheme["groups"][0]["weight"] = json!(10000);
    scheme["rules"]["poor_vote_threshold"] = json!("1/3");
    let r = c
        .put(app.url(&format!("/api/v1/cycles/{id}/scheme")))
        .json(&json!({"categories": cy["categories"], "scheme": scheme}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let got: Value = c.get(app.url(&format!("/api/v1/cycles/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["scheme"]["rules"]["poor_vote_threshold"], "1/3");
    let r =
        c.post(app.url(&format!("/api/v1/cycles/{id}/phase"))).json(&json!({"to": "reporting"})).send().await.unwrap();
    assert_eq!(r.status(), 422);
}
