//! The feedback sheet as .docx: re-read by an independent reader (our
//! upload checker's zip + XML text extraction, which shares nothing with
//! docx-rs) and opened by LibreOffice, which must make an A4 PDF of it that
//! says the same.

use super::soffice_or_skip;
use chrono::NaiveDate;
use kaoping_core::feedback::{ProblemSource, Severity, SheetContent, SheetProblem};
use kaoping_office::docs::check_document;
use kaoping_office::sheet_docx::{SheetLabels, feedback_sheet_docx};
use std::process::Command;

fn sample(problems: usize) -> (SheetContent, SheetLabels) {
    let c = SheetContent {
        title: "抓基层党建工作述职评议问题反馈单".into(),
        number: "烟组反〔2026〕7号".into(),
        cycle_name: "2026年度述职评议".into(),
        year: 2026,
        subject_name: "王建国".into(),
        post: "芝山区委书记".into(),
        unit: "中共芝山区委员会".into(),
        category: "县市区委书记".into(),
        problems: (1..=problems)
            .map(|i| SheetProblem {
                problem_id: i as i64,
                text: format!("第{i}条：党建工作与中心工作融合不够紧密 <&>"),
                tag: "党建与业务融合".into(),
                severity: Severity::Moderate,
                source: if i == 2 { ProblemSource::Remark } else { ProblemSource::Critique },
                group_label: (i == 2).then(|| "党代表".to_string()),
            })
            .collect(),
        requirements: vec!["请于2027年1月5日前报送整改方案。".into(), "每季度末报送整改进展情况。".into()],
        issuing_body: "中共烟台市委组织部".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
        plan_due: NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
        title_font: "方正小标宋简体".into(),
        body_font: "仿宋_GB2312".into(),
        body_size_half_points: 32,
    };
    let l = SheetLabels {
        subject: "述职人".into(),
        post: "职务".into(),
        unit: "单位".into(),
        category: "类别".into(),
        problems: "一、存在问题".into(),
        requirements: "二、整改要求".into(),
        notes: (1..=problems)
            .map(|i| {
                let source = if i == 2 { "评议意见·党代表" } else { "点评" };
                format!("（类型：党建与业务融合；程度：较重；来源：{source}）")
            })
            .collect(),
        issued_on: "2026年12月6日".into(),
    };
    (c, l)
}

#[test]
fn an_independent_reader_finds_the_sheet_text_in_order() {
    let (c, l) = sample(3);
    let bytes = feedback_sheet_docx(&c, &l).unwrap();
    let doc = check_document("sheet.docx", &bytes, 10 << 20).expect("a well-formed .docx");
    let text = doc.text;
    let expect = [
        "抓基层党建工作述职评议问题反馈单",
        "烟组反〔2026〕7号",
        "王建国",
        "芝山区委书记",
        "一、存在问题",
        "1. 第1条：党建工作与中心工作融合不够紧密 <&>",
        "（类型：党建与业务融合；程度：较重；来源：评议意见·党代表）",
        "3. 第3条",
        "二、整改要求",
        "1. 请于2027年1月5日前报送整改方案。",
        "中共烟台市委组织部",
        "2026年12月6日",
    ];
    let mut at = 0;
    for e in expect {
        let i = text[at..].find(e).unwrap_or_else(|| panic!("{e:?} not found after byte {at} in:\n{text}"));
        at += i + e.len();
    }
}

#[test]
fn libreoffice_makes_an_a4_pdf_of_the_sheet() {
    let Some(bin) = soffice_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Enough problems to need a second page, so the page numbers show.
    let (c, l) = sample(14);
    let path = dir.path().join("sheet.docx");
    std::fs::write(&path, feedback_sheet_docx(&c, &l).unwrap()).unwrap();
    if let Ok(keep) = std::env::var("KAOPING_KEEP_SHEET") {
        std::fs::copy(&path, keep).unwrap();
    }
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let out = Command::new(bin)
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    let pdf = dir.path().join("sheet.pdf");
    assert!(pdf.exists(), "LibreOffice wrote no PDF: {}", String::from_utf8_lossy(&out.stderr));
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("595.") && info.contains("841."), "not A4: {info}");
    let pages: u32 =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|p| p.trim().parse().ok()).expect("a page count");
    assert!(pages >= 2, "{pages} page(s): {info}");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    // Text as laid out, without the spaces the PDF puts between glyphs.
    let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for e in ["问题反馈单", "烟组反〔2026〕7号", "王建国", "存在问题", "整改要求", "中共烟台市委组织部", "—1—", "—2—"]
    {
        assert!(text.contains(e), "{e:?} not in the PDF's text:\n{text}");
    }
}
