//! Org tree pages: create, edit, move, deactivate, import, export.

use crate::helpers::{location, spawn};
use kaoping_core::ports::OrgStore;
use kaoping_office::{Column, read_xlsx, write_xlsx};
use reqwest::multipart::{Form, Part};

#[tokio::test]
async fn create_validate_move_and_deactivate() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let r = c
        .post(app.url("/admin/org/new"))
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "a2".into()),
            ("name", "甲二镇党委".into()),
            ("kind", "township_committee".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let id: i64 = location(&r).trim_start_matches("/admin/org/").split('?').next().unwrap().parse().unwrap();

    // Duplicate code, empty name, over-long code: one page naming each problem; nothing stored.
    let r = c
        .post(app.url("/admin/org/new"))
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "A2".into()),
            ("name", "".into()),
            ("kind", "other".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("必填"), "{body}");
    let r = c
        .post(app.url("/admin/org/new"))
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "A2".into()),
            ("name", "重复".into()),
            ("kind", "other".into()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("组织代码“A2”已被使用"));
    let r = c
        .post(app.url("/admin/org/new"))
        .form(&[
            ("parent_id", app.a.id.to_string()),
            ("code", "X".repeat(40)),
            ("name", "名".repeat(120)),
            ("kind", "other".into()),
        ])
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("不能超过 32 个字符") && body.contains("不能超过 100 个字符"));

    // Move into its own subtree: refused with a specific message.
    let r = c
        .post(app.url(&format!("/admin/org/{}/move", app.a.id)))
        .form(&[("parent_id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不能把“甲区委”移到“甲二镇党委”之下"));
    // A real move.
    let r = c
        .post(app.url(&format!("/admin/org/{id}/move")))
        .form(&[("parent_id", app.b.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "B is outside orga's scope");
    let r = c
        .post(app.url(&format!("/admin/org/{id}/move")))
        .form(&[("parent_id", app.a1.id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let moved = app.db.db.org_get(kaoping_core::ids::OrgUnitId(id)).await.unwrap().unwrap();
    assert_eq!(moved.path, format!("{}{id}/", app.a1.path));

    // Deactivation needs the sub-units inactive first.
    let r = c.post(app.url(&format!("/admin/org/{}/active", app.a1.id))).form(&[("active", "0")]).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let r = c.post(app.url(&format!("/admin/org/{id}/active"))).form(&[("active", "0")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let list = c.get(app.url("/admin/org")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("甲二镇党委"));
    let list = c.get(app.url("/admin/org?inactive=1")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("甲二镇党委"));
}

fn upload(name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()))
}

fn sheet(headers: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    let cols: Vec<Column> = headers.iter().map(|h| Column::new(*h, 10.0)).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    write_xlsx("Sheet1", &cols, &rows).unwrap()
}

#[tokio::test]
async fn import_reports_every_bad_row_and_changes_nothing() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let count = || async { app.db.db.org_list(None, true).await.unwrap().len() };
    let before = count().await;

    // A text file renamed .xlsx.
    let r = c
        .post(app.url("/admin/org/import"))
        .multipart(upload("units.xlsx", b"code,name\nA,B".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("文件不是 Excel 工作簿"));
    // A corrupt zip.
    let r = c
        .post(app.url("/admin/org/import"))
        .multipart(upload("units.xlsx", b"PK\x03\x04broken".to_vec()))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Excel 文件已损坏"));
    // Wrong columns.
    let bytes = sheet(&["编号", "名称"], &[&["X", "Y"]]);
    let r = c.post(app.url("/admin/org/import")).multipart(upload("units.xlsx", bytes)).send().await.unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("缺少“组织代码、组织类型”列"), "{body}");
    // Bad rows: each reported with its row number.
    let bytes = sheet(
        &["组织代码", "组织名称", "组织类型", "上级组织代码", "排序", "启用"],
        &[
            &["A3", "甲三镇党委", "乡镇(街道)党(工)委", "A", "1", "是"],
            &["A4", "", "乡镇(街道)党(工)委", "A", "2", "是"],
            &["A5", "越权", "其他", "B", "3", "是"],
            &["A6", "类型错", "不存在的类型", "A", "x", "也许"],
        ],
    );
    let r = c.post(app.url("/admin/org/import")).multipart(upload("units.xlsx", bytes)).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    for needle in [
        "<td class=\"num\">3</td>",
        "必填",
        "<td class=\"num\">4</td>",
        "不在您的管理范围内",
        "<td class=\"num\">5</td>",
        "未知的组织类型",
        "不是有效的是/否值",
    ] {
        assert!(body.contains(needle), "missing {needle} in {body}");
    }
    assert_eq!(count().await, before, "nothing was imported");

    // A clean file, with headers in English: all rows in.
    let bytes = sheet(
        &["Code", "Name", "Type", "Parent code", "Order", "Active"],
        &[
            &["A3-01", "甲三镇一社区", "Community party organization", "A3", "1", "Yes"],
            &["A3", "甲三镇党委", "township_committee", "A", "1", "Yes"],
        ],
    );
    let r = c.post(app.url("/admin/org/import")).multipart(upload("units.xlsx", bytes)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("导入成功：新建 2 个"));
    assert_eq!(count().await, before + 2);
}

/// A workbook whose shared strings unpack to `mib` MiB of one cell's text
/// (packed, about a thousandth of that).
fn xlsx_bomb(mib: usize) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", o).unwrap();
    w.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    w.start_file("xl/sharedStrings.xml", o).unwrap();
    w.write_all(b"<sst><si><t>").unwrap();
    let mib_of_a = vec![b'a'; 1024 * 1024];
    for _ in 0..mib {
        w.write_all(&mib_of_a).unwrap();
    }
    w.write_all(b"</t></si></sst>").unwrap();
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn an_import_that_unpacks_too_far_is_refused_before_it_is_read() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let bomb = xlsx_bomb(40);
    assert!(bomb.len() < 100 * 1024, "a small upload: {} bytes", bomb.len());
    let r = c.post(app.url("/admin/org/import")).multipart(upload("units.xlsx", bomb)).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("压缩比异常（超过 200 倍）"), "{body}");
}

#[tokio::test]
async fn export_and_template_are_real_workbooks() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let r = c.get(app.url("/admin/org/export.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let s = read_xlsx(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(s.headers[0], "组织代码");
    let codes: Vec<_> = s.rows.iter().map(|(_, r)| r[0].as_str()).collect();
    assert_eq!(codes, ["A", "A1"], "only the organizer's subtree");
    let r = c.get(app.url("/admin/org/template.xlsx")).send().await.unwrap();
    let t = read_xlsx(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(t.headers.len(), 6);
}

#[tokio::test]
async fn an_organizer_can_import_their_own_export() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let bytes = c.get(app.url("/admin/org/export.xlsx")).send().await.unwrap().bytes().await.unwrap().to_vec();
    let r = c.post(app.url("/admin/org/import")).multipart(upload("org-units.xlsx", bytes)).send().await.unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("导入成功：新建 0 个，更新 2 个"), "{body}");
}

#[tokio::test]
async fn cycles_are_created_copied_and_shown_with_their_scheme() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[
            ("organizer_id", app.a.id.to_string()),
            ("name", "甲区2025年度述职评议".into()),
            ("year", "2025".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let first = location(&r);
    let page = c.get(app.url(&first)).send().await.unwrap().text().await.unwrap();
    for needle in ["甲区2025年度述职评议", "县市区委书记", "综合评价", "≥ 90", "进入“述职”阶段"]
    {
        assert!(page.contains(needle), "{needle} missing");
    }
    let id = first.trim_start_matches("/admin/cycles/").split('?').next().unwrap().to_string();
    // Copy it for next year.
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[
            ("organizer_id", app.a.id.to_string()),
            ("name", "甲区2026年度述职评议".into()),
            ("year", "2026".into()),
            ("copy_from", id.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // A cycle of another county is refused; bad input names the fields.
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[("organizer_id", app.b.id.to_string()), ("name", "越权".into()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[("organizer_id", app.a.id.to_string()), ("name", "".into()), ("year", "26".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("须为 2000 到 2100 之间的整数"));
    // No subjects yet: the move to reporting is refused with the reason.
    let r = c.post(app.url(&format!("/admin/cycles/{id}/phase"))).form(&[("to", "reporting")]).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("还没有述职对象"));
    let list = c.get(app.url("/admin/cycles")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("甲区2025年度述职评议") && list.contains("甲区2026年度述职评议"));
}

fn scheme_body(second_group_weight: &str) -> String {
    let mut f: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: &str| f.push((k.to_string(), v.to_string()));
    for (c, n) in [("county", "县市区委书记"), ("township", "乡镇党委书记"), ("", "")] {
        add("cat_code", c);
        add("cat_name", n);
    }
    for (c, l, p) in
        [("excellent", "好", "100"), ("good", "较好", "80"), ("fair", "一般", "50"), ("poor", "差", "0"), ("", "", "")]
    {
        add("grade_code", c);
        add("grade_label", l);
        add("grade_points", p);
    }
    add("item_code", "overall");
    add("item_label", "综合评价");
    add("item_weight", "1");
    add("item_overall", "0");
    for (i, (c, l, w)) in
        [("leaders", "市级领导", "0.35"), ("deputies", "党代表", second_group_weight)].into_iter().enumerate()
    {
        add("group_code", c);
        add("group_label", l);
        add("group_weight", w);
        add(&format!("group_cats_{i}"), "county");
        add(&format!("group_cats_{i}"), "township");
    }
    add("comp_democratic", "1");
    add("trim", "1");
    add("ballot_quota", "3/10");
    add("veto_grade", "poor");
    add("poor_threshold", "1/3");
    for (t, g) in [("90", "excellent"), ("80", "good"), ("60", "fair"), ("0", "poor")] {
        add("band_threshold", t);
        add("band_grade", g);
    }
    serde_urlencoded::to_string(&f).unwrap()
}

#[tokio::test]
async fn the_scheme_editor_saves_only_a_valid_scheme() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[("organizer_id", app.a.id.to_string()), ("name", "甲区2026".into()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    let id = location(&r).trim_start_matches("/admin/cycles/").split('?').next().unwrap().to_string();
    assert_eq!(c.get(app.url(&format!("/admin/cycles/{id}/scheme"))).send().await.unwrap().status(), 200);
    let post = |body: String| {
        c.post(app.url(&format!("/admin/cycles/{id}/scheme")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let r = post(scheme_body("0.6")).await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("评议人类别的权重之和为 0.95，须为 1"), "{body}");
    let r = post(scheme_body("0.6x")).await.unwrap();
    assert!(r.text().await.unwrap().contains("“0.6x”不是有效的数字"));
    let r = post(scheme_body("0.65")).await.unwrap();
    assert_eq!(r.status(), 303);
    let page = c.get(app.url(&format!("/admin/cycles/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("党代表") && page.contains("0.65") && page.contains("3/10") && page.contains("1/3"));
}

#[tokio::test]
async fn the_subject_roster_round_trips_through_excel() {
    let app = spawn().await;
    let c = app.login("orga").await;
    let p = app
        .svc
        .people
        .person_create(
            &crate::helpers::root_caller(),
            &kaoping_core::people::PersonInput {
                name: "甲一书记".into(),
                org_unit_id: Some(app.a1.id.to_string()),
                post: Some("镇党委书记".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[("organizer_id", app.a.id.to_string()), ("name", "甲区2026".into()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    let id = location(&r).trim_start_matches("/admin/cycles/").split('?').next().unwrap().to_string();
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/subjects")))
        .form(&[("person_id", p.id.to_string()), ("category", "township".into()), ("mode", "written".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bytes = c
        .get(app.url(&format!("/admin/cycles/{id}/subjects.xlsx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let sheet = read_xlsx(&bytes).unwrap();
    assert_eq!(sheet.rows[0].1, ["甲一书记", "A1", "乡镇（街道）党（工）委书记", "书面述职", "镇党委书记"]);
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/subjects/import")))
        .multipart(upload("roster.xlsx", bytes))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bad = sheet_of(&["姓名", "所在组织代码", "类别"], &[&["查无此人", "A1", "乡镇（街道）党（工）委书记"]]);
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/subjects/import")))
        .multipart(upload("roster.xlsx", bad))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("组织“A1”中没有名为“查无此人”的人员"));
}

fn sheet_of(headers: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    sheet(headers, rows)
}

#[tokio::test]
async fn the_evaluator_roster_round_trips_through_excel() {
    let app = spawn().await;
    let c = app.login("orga").await;
    // A deputy from outside the tree, managed by county A.
    let deputy = app
        .svc
        .people
        .person_create(
            &crate::helpers::root_caller(),
            &kaoping_core::people::PersonInput { name: "党代表乙".into(), ..Default::default() },
            Some(app.a.id),
        )
        .await
        .unwrap();
    let r = c
        .post(app.url("/admin/cycles/new"))
        .form(&[("organizer_id", app.a.id.to_string()), ("name", "甲区2026".into()), ("year", "2026".into())])
        .send()
        .await
        .unwrap();
    let id = location(&r).trim_start_matches("/admin/cycles/").split('?').next().unwrap().to_string();
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/evaluators")))
        .form(&[("person_id", deputy.id.to_string()), ("group", "all".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bytes = c
        .get(app.url(&format!("/admin/cycles/{id}/evaluators.xlsx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let sheet = read_xlsx(&bytes).unwrap();
    assert_eq!(sheet.rows[0].1, ["党代表乙", "A", "评议人员"]);
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/evaluators/import")))
        .multipart(upload("e.xlsx", bytes))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bad = sheet_of(&["姓名", "所在组织代码", "评议人类别"], &[&["党代表乙", "A", "不存在的类别"]]);
    let r = c
        .post(app.url(&format!("/admin/cycles/{id}/evaluators/import")))
        .multipart(upload("e.xlsx", bad))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("评议方案中没有“不存在的类别”这个评议人类别"));
}
