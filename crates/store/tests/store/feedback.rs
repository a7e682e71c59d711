//! Critiques, problems and feedback sheets through the services: verbatim
//! quoting, remarks by group only, numbering that never repeats, sheets
//! frozen once issued, acknowledgement by the subject alone.

use crate::rectification::{key as conflict_key, subject_caller};
use crate::voting::{marks, setup_n};
use kaoping_core::cycles::feedback_settings::FeedbackSettingsInput;
use kaoping_core::cycles::{Phase, Visibility};
use kaoping_core::error::CoreError;
use kaoping_core::feedback::{ProblemInput, ProblemStatus};
use kaoping_core::ids::PersonId;
use kaoping_core::ports::{AuditStore, FeedbackStore};

fn problem(source: &str, text: &str) -> ProblemInput {
    ProblemInput {
        source: source.into(),
        group: "all".into(),
        text: text.into(),
        tag: "队伍建设".into(),
        severity: "serious".into(),
    }
}

#[tokio::test]
async fn problems_are_quoted_verbatim_and_sheets_numbered_once_and_frozen() {
    let (w, zzb, cy, s, sessions) = setup_n("named", 3).await;
    let (s0, s1) = (PersonId(s[0]), PersonId(s[1]));
    // During the meeting: a critique, no remarks yet.
    let critique = "党建工作与中心工作融合不够紧密。\n对基层党员干部队伍建设抓得不紧。";
    w.svc.feedback.critique_set(&zzb, cy, s0, critique).await.unwrap();
    assert!(w.svc.feedback.feedback_subject(&zzb, cy, s0).await.unwrap().remarks.is_empty());
    // Sheets wait for the vote to close.
    assert_eq!(conflict_key(w.svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap_err()), "err-sheet-before-close");

    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    for (i, t) in sessions.iter().enumerate() {
        let r = w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap();
        let mut m = marks(&[(s[0], "good"), (s[1], "fair")]);
        m[0].remark = Some(if i == 2 { "缺乏叫得响的品牌".into() } else { "  阵地建设薄弱 ".into() });
        w.svc.voting.ballot_submit(&r, &format!("k-{i:016}"), m).await.unwrap();
    }
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();

    let d = w.svc.feedback.feedback_subject(&zzb, cy, s0).await.unwrap();
    // Two distinct remarks, by group, sorted; never a person.
    assert_eq!(
        d.remarks,
        [("all".to_string(), "缺乏叫得响的品牌".to_string()), ("all".to_string(), "阵地建设薄弱".to_string())]
    );

    // From the critique: only a verbatim passage.
    let e = w.svc.feedback.problem_add(&zzb, cy, s0, &problem("critique", "融合很紧密")).await.unwrap_err();
    assert_eq!(conflict_key(e), "err-problem-not-verbatim");
    let p1 =
        w.svc.feedback.problem_add(&zzb, cy, s0, &problem("critique", "对基层党员干部队伍建设抓得不紧")).await.unwrap();
    // A remark: as written, from its group.
    let mut r = problem("remark", "阵地建设薄弱");
    r.group = "other".into();
    assert_eq!(
        conflict_key(w.svc.feedback.problem_add(&zzb, cy, s0, &r).await.unwrap_err()),
        "err-problem-not-a-remark"
    );
    r.group = "all".into();
    let p2 = w.svc.feedback.problem_add(&zzb, cy, s0, &r).await.unwrap();
    assert_eq!((p1.position, p2.position), (1, 2));
    // The same remark again (spaces aside) is refused, and the page marks it as used.
    r.text = " 阵地建设薄弱 ".into();
    assert_eq!(
        conflict_key(w.svc.feedback.problem_add(&zzb, cy, s0, &r).await.unwrap_err()),
        "err-problem-remark-used"
    );
    assert!(w.svc.feedback.feedback_subject(&zzb, cy, s0).await.unwrap().remark_used("阵地建设薄弱"));
    // A tag outside the vocabulary; a routine finding.
    let mut bad = problem("routine", "三会一课记录不全");
    bad.tag = "不存在".into();
    assert_eq!(conflict_key(w.svc.feedback.problem_add(&zzb, cy, s0, &bad).await.unwrap_err()), "err-problem-tag");
    let p3 = w.svc.feedback.problem_add(&zzb, cy, s0, &problem("routine", "三会一课记录不全")).await.unwrap();
    w.svc.feedback.problem_move(&zzb, cy, p3.id, true).await.unwrap();
    let order: Vec<i64> = w.t.db.problem_list(cy, Some(s0)).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(order, [p1.id, p3.id, p2.id]);

    // Settings: a pattern without {seq} is refused; a good one is kept.
    let mut f = FeedbackSettingsInput {
        number_pattern: "烟组反〔{year}〕号".into(),
        issuing_body: "中共琅港市委组织部".into(),
        title: "问题反馈单".into(),
        plan_due_days: "30".into(),
        requirements: "请于{plan_due}前报送整改方案。".into(),
        tags: "队伍建设\n阵地建设".into(),
        title_font: "黑体".into(),
        body_font: "仿宋_GB2312".into(),
        body_size_half_points: "32".into(),
        ..Default::default()
    };
    assert_eq!(
        conflict_key(w.svc.rectification.feedback_settings_set(&zzb, cy, &f).await.unwrap_err()),
        "err-number-pattern-seq"
    );
    f.number_pattern = "烟组反〔{year}〕{seq}号".into();
    w.svc.rectification.feedback_settings_set(&zzb, cy, &f).await.unwrap();

    // Bulk issue: 乙 has no problem and is skipped.
    let out = w.svc.feedback.sheets_issue(&zzb, cy, Some("county")).await.unwrap();
    assert_eq!(out.issued.len(), 1);
    assert_eq!(out.skipped.len(), 1);
    let sheet = &out.issued[0];
    assert_eq!(sheet.number, "烟组反〔2026〕1号");
    assert_eq!(sheet.content.number, sheet.number);
    assert_eq!(sheet.content.issuing_body, "中共琅港市委组织部");
    assert!(sheet.content.requirements[0].starts_with("请于") && sheet.content.requirements[0].contains("日前"));
    let texts: Vec<&str> = sheet.content.problems.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["对基层党员干部队伍建设抓得不紧", "三会一课记录不全", "阵地建设薄弱"]);
    assert_eq!(sheet.content.problems[2].group_label.as_deref(), Some("评议人员"));

    // Frozen: no new, changed, moved or deleted problem for 甲.
    let frozen = "err-problem-issued";
    assert_eq!(
        conflict_key(w.svc.feedback.problem_add(&zzb, cy, s0, &problem("routine", "x")).await.unwrap_err()),
        frozen
    );
    let e = w.svc.feedback.problem_update(&zzb, cy, p1.id, &problem("routine", "改写")).await.unwrap_err();
    assert_eq!(conflict_key(e), frozen);
    assert_eq!(conflict_key(w.svc.feedback.problem_delete(&zzb, cy, p1.id).await.unwrap_err()), frozen);
    assert_eq!(conflict_key(w.svc.feedback.problem_move(&zzb, cy, p1.id, false).await.unwrap_err()), frozen);
    assert!(w.t.db.problem_list(cy, Some(s0)).await.unwrap().iter().all(|p| p.status == ProblemStatus::Open));

    // The next sheet takes the next number; issuing again adds none.
    w.svc.feedback.problem_add(&zzb, cy, s1, &problem("routine", "台账不规范")).await.unwrap();
    let out = w.svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap();
    assert_eq!(out.issued.iter().map(|s| s.number.as_str()).collect::<Vec<_>>(), ["烟组反〔2026〕2号"]);
    let out = w.svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap();
    assert!(out.issued.is_empty());
    assert!(out.skipped.iter().all(|(_, why)| *why == "sheet-skip-issued"));
    assert_eq!(w.t.db.sheet_list(cy).await.unwrap().len(), 2);

    // The subject reads and acknowledges their own sheet, once; others may not.
    let me = subject_caller(s[0]);
    assert!(w.svc.feedback.my_sheet(&me, cy).await.unwrap().acknowledged_at.is_none());
    let acked = w.svc.feedback.sheet_acknowledge(&me, cy).await.unwrap().acknowledged_at.unwrap();
    assert_eq!(w.svc.feedback.sheet_acknowledge(&me, cy).await.unwrap().acknowledged_at, Some(acked));
    assert_eq!(w.svc.feedback.my_sheets(&me).await.unwrap().len(), 1);
    let stranger = subject_caller(999_999);
    assert!(matches!(w.svc.feedback.my_sheet(&stranger, cy).await, Err(CoreError::Forbidden)));
    let log =
        w.t.db.audit_list(&kaoping_core::audit::AuditFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    let count = |a: &str| log.iter().filter(|e| e.action == a).count();
    assert_eq!(count("feedback.sheet.acknowledge"), 1);
    assert_eq!(count("feedback.sheets.issue"), 2);
    assert_eq!(count("feedback.problem.add"), 4);
    assert!(log.iter().any(|e| e.action == "feedback.sheets.issue" && e.detail.contains("烟组反〔2026〕1号")));

    // The feedback phase follows the published results.
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap();
    let e = w.svc.cycles.cycle_advance(&zzb, cy, Phase::Feedback).await.unwrap_err();
    assert_eq!(conflict_key(e), "err-phase-results-not-final");
    w.svc.results.results_publish(&zzb, cy, Visibility::Subjects).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Feedback).await.unwrap();
}

#[tokio::test]
async fn an_anonymous_cycle_leaves_out_the_remarks_of_a_small_group() {
    for (evaluators, shown) in [(2, false), (3, true)] {
        let (w, zzb, cy, s, sessions) = setup_n("anonymous", evaluators).await;
        w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
        for (i, t) in sessions.iter().enumerate() {
            let r = w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap();
            let mut m = marks(&[(s[0], "good"), (s[1], "fair")]);
            m[1].remark = Some(format!("意见{i}"));
            w.svc.voting.ballot_submit(&r, &format!("k-{i:016}"), m).await.unwrap();
        }
        w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
        let d = w.svc.feedback.feedback_subject(&zzb, cy, PersonId(s[1])).await.unwrap();
        let mut p = problem("remark", "意见1");
        p.group = "all".into();
        let added = w.svc.feedback.problem_add(&zzb, cy, PersonId(s[1]), &p).await;
        if shown {
            assert_eq!(d.remarks.len(), 3);
            assert!(d.remarks.iter().all(|(g, _)| g == "all"));
            assert_eq!(added.unwrap().group.as_deref(), Some("all"));
        } else {
            // Two ballots in the group: quoting one could point at its writer.
            assert!(d.remarks.is_empty());
            assert_eq!(conflict_key(added.unwrap_err()), "err-problem-not-a-remark");
        }
    }
}

#[tokio::test]
async fn two_organizers_issuing_at_once_issue_one_sheet() {
    let (w, zzb, cy, s, _) = setup_n("named", 1).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    w.svc.feedback.problem_add(&zzb, cy, PersonId(s[0]), &problem("routine", "台账不规范")).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (svc, zzb) = (w.svc.clone(), zzb.clone());
            tokio::spawn(async move { svc.feedback.sheets_issue(&zzb, cy, None).await })
        })
        .collect();
    let mut issued = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(out) => issued += out.issued.len(),
            Err(e) => assert_eq!(conflict_key(e), "err-sheet-exists"),
        }
    }
    assert_eq!(issued, 1);
    let sheets = w.t.db.sheet_list(cy).await.unwrap();
    assert_eq!(sheets.iter().map(|s| s.number.as_str()).collect::<Vec<_>>(), ["组反〔2026〕1号"]);
}

#[tokio::test]
async fn a_subject_sees_no_per_group_figures_when_a_group_gave_too_few_votes() {
    // Two evaluators in one group: from its mean the subject could tell
    // both grades. The organizer lowers the floor to 2: then they are shown.
    let (w, zzb, cy, s, sessions) = setup_n("named", 2).await;
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    for (i, t) in sessions.iter().enumerate() {
        let r = w.svc.reports.reader_from_link(t, None).await.unwrap().unwrap();
        w.svc
            .voting
            .ballot_submit(&r, &format!("small-group-{i:06}"), marks(&[(s[0], "poor"), (s[1], "good")]))
            .await
            .unwrap();
    }
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    w.svc.cycles.cycle_advance(&zzb, cy, Phase::Tally).await.unwrap();
    w.svc.results.results_publish(&zzb, cy, Visibility::Subjects).await.unwrap();
    let me = subject_caller(s[0]);
    let card = w.svc.results.my_results(&me).await.unwrap().remove(0);
    assert_eq!(card.groups_withheld, Some(3));
    assert!(card.result.groups.is_empty());
    assert_eq!(card.result.counts.n(), 2, "the totals are still there");
    // The organizer's view of the same card keeps the groups.
    let full = w.svc.results.result_card(&zzb, cy, PersonId(s[0])).await.unwrap();
    assert_eq!(full.result.groups.len(), 1);

    let c = w.svc.cycles.cycle_get(&zzb, cy).await.unwrap();
    let input = FeedbackSettingsInput {
        issuing_body: "琅港市委组织部".into(),
        min_group_votes: "0".into(),
        ..FeedbackSettingsInput::from(&c.feedback)
    };
    let e = w.svc.rectification.feedback_settings_set(&zzb, cy, &input).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f[0].field == "min_group_votes"), "{e:?}");
    let input = FeedbackSettingsInput { min_group_votes: "2".into(), ..input };
    w.svc.rectification.feedback_settings_set(&zzb, cy, &input).await.unwrap();
    let card = w.svc.results.my_results(&me).await.unwrap().remove(0);
    assert_eq!(card.groups_withheld, None);
    assert_eq!(card.result.groups.len(), 1);
}
