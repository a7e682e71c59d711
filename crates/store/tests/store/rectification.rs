//! Rectification plans through the services: measures checked (whose
//! problem, deadline, KPI numbers), submit only with every problem
//! covered, return needs a comment, nothing changes while under review or
//! after approval, every submission and review a version.

use crate::voting::setup_n;
use kaoping_core::error::CoreError;
use kaoping_core::feedback::ProblemInput;
use kaoping_core::ids::PersonId;
use kaoping_core::ports::{CycleStore, RectificationStore};
use kaoping_core::rectification::{MeasureInput, PlanStatus};
use kaoping_core::services::Caller;

/// The message key of a refusal (conflict or first invalid field).
pub(crate) fn key(e: CoreError) -> &'static str {
    match e {
        CoreError::Conflict(m) => m.key,
        CoreError::Invalid(f) => f[0].msg.key,
        other => panic!("unexpected {other:?}"),
    }
}

pub(crate) fn subject_caller(p: i64) -> Caller {
    let mut c = crate::root();
    c.actor.person_id = PersonId(p);
    c.actor.username = format!("subject{p}");
    c.actor.roles = [kaoping_core::accounts::Role::Subject].into();
    c
}

fn measure(problem: i64, deadline: &str) -> MeasureInput {
    MeasureInput {
        problem_id: problem.to_string(),
        text: "建立重点项目周调度机制".into(),
        responsible: "王建国".into(),
        deadline: deadline.into(),
        kpi_name: "项目开复工率".into(),
        kpi_unit: "%".into(),
        kpi_baseline: "60".into(),
        kpi_target: "90".into(),
    }
}

#[tokio::test]
async fn a_plan_is_written_submitted_returned_revised_and_approved() {
    let (w, zzb, cy, s, _) = setup_n("named", 1).await;
    let (me, other) = (subject_caller(s[0]), subject_caller(s[1]));
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let routine = |text: &str| ProblemInput {
        source: "routine".into(),
        text: text.into(),
        tag: "制度落实".into(),
        severity: "moderate".into(),
        ..Default::default()
    };
    let p1 = w.svc.feedback.problem_add(&zzb, cy, PersonId(s[0]), &routine("台账不规范")).await.unwrap().id;
    let p2 = w.svc.feedback.problem_add(&zzb, cy, PersonId(s[0]), &routine("三会一课记录不全")).await.unwrap().id;
    let q = w.svc.feedback.problem_add(&zzb, cy, PersonId(s[1]), &routine("别人的问题")).await.unwrap().id;
    // No sheet yet: nothing to plan.
    assert!(matches!(w.svc.rectification.my_plan(&me, cy).await, Err(CoreError::NotFound(_))));
    w.svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap();

    // Bad measures, each refused with its reason; nothing stored.
    let future = "2099-12-31";
    assert_eq!(
        key(w.svc.rectification.measure_add(&me, cy, &measure(q, future)).await.unwrap_err()),
        "err-measure-problem"
    );
    assert_eq!(
        key(w.svc.rectification.measure_add(&me, cy, &measure(p1, "2020-01-01")).await.unwrap_err()),
        "err-measure-deadline-past"
    );
    let mut bad = measure(p1, future);
    bad.kpi_target = "九成".into();
    assert_eq!(key(w.svc.rectification.measure_add(&me, cy, &bad).await.unwrap_err()), "err-kpi-number");
    assert!(w.t.db.measure_list(cy, None).await.unwrap().is_empty());

    let m1 = w.svc.rectification.measure_add(&me, cy, &measure(p1, future)).await.unwrap();
    assert_eq!(m1.kpi.as_ref().unwrap().target.to_string(), "90");
    // Submitting with a problem uncovered names it.
    let e = w.svc.rectification.plan_submit(&me, cy).await.unwrap_err();
    assert!(matches!(e, CoreError::Invalid(ref f) if f.len() == 1 && f[0].msg.args[0].1 == "2"));
    let mut plain = measure(p2, future);
    (plain.kpi_name, plain.kpi_unit, plain.kpi_baseline, plain.kpi_target) = Default::default();
    let m2 = w.svc.rectification.measure_add(&me, cy, &plain).await.unwrap();
    assert!(m2.kpi.is_none());
    assert_eq!(w.svc.rectification.plan_submit(&me, cy).await.unwrap().status, PlanStatus::Submitted);

    // Under review: no change, no second submission; another subject may not touch it.
    assert_eq!(key(w.svc.rectification.measure_delete(&me, cy, m1.id).await.unwrap_err()), "err-plan-not-editable");
    assert_eq!(key(w.svc.rectification.plan_submit(&me, cy).await.unwrap_err()), "err-plan-not-editable");
    assert!(w.svc.rectification.measure_delete(&other, cy, m1.id).await.is_err());

    // Returned only with a comment; then editable again.
    let e = w.svc.rectification.plan_review(&zzb, cy, PersonId(s[0]), false, " ").await.unwrap_err();
    assert_eq!(key(e), "err-plan-return-comment");
    let p = w.svc.rectification.plan_review(&zzb, cy, PersonId(s[0]), false, "措施二要有量化指标").await.unwrap();
    assert_eq!((p.status, p.comment.as_deref()), (PlanStatus::Returned, Some("措施二要有量化指标")));
    w.svc.rectification.measure_update(&me, cy, m2.id, &measure(p2, future)).await.unwrap();
    w.svc.rectification.plan_submit(&me, cy).await.unwrap();
    let p = w.svc.rectification.plan_review(&zzb, cy, PersonId(s[0]), true, "").await.unwrap();
    assert_eq!((p.status, p.version), (PlanStatus::Approved, 4));
    assert_eq!(
        key(w.svc.rectification.measure_add(&me, cy, &measure(p1, future)).await.unwrap_err()),
        "err-plan-not-editable"
    );
    assert_eq!(
        key(w.svc.rectification.plan_review(&zzb, cy, PersonId(s[0]), true, "").await.unwrap_err()),
        "err-plan-not-submitted"
    );

    // Every version kept, newest first, with what was submitted.
    let page = w.svc.rectification.plan_for_organizer(&zzb, cy, PersonId(s[0])).await.unwrap();
    let statuses: Vec<PlanStatus> = page.versions.iter().map(|v| v.status).collect();
    use PlanStatus::*;
    assert_eq!(statuses, [Approved, Submitted, Returned, Submitted]);
    assert!(page.versions[3].measures[1].kpi.is_none());
    assert!(page.versions[1].measures[1].kpi.is_some());
    assert_eq!(page.versions[2].comment.as_deref(), Some("措施二要有量化指标"));
}

struct Collect(std::sync::Mutex<Vec<kaoping_core::notify::Notice>>);

#[async_trait::async_trait]
impl kaoping_core::notify::Notifier for Collect {
    async fn notify(&self, n: &kaoping_core::notify::Notice) -> kaoping_core::Result<()> {
        self.0.lock().unwrap().push(n.clone());
        Ok(())
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[tokio::test]
async fn progress_is_reported_with_evidence_then_signed_off_and_reopened() {
    use kaoping_core::ports::SignOffTarget;
    use kaoping_core::rectification::progress::{NewEvidence, ProgressInput};
    let (w, zzb, cy, s, _) = setup_n("named", 1).await;
    let collect = std::sync::Arc::new(Collect(Default::default()));
    let svc = w.svc.clone().with_notifier(collect.clone());
    let me = subject_caller(s[0]);
    let subject = PersonId(s[0]);
    svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let input = ProblemInput {
        source: "routine".into(),
        text: "项目开复工率低".into(),
        tag: "党建与业务融合".into(),
        severity: "serious".into(),
        ..Default::default()
    };
    let p = svc.feedback.problem_add(&zzb, cy, subject, &input).await.unwrap().id;
    svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap();
    let m = svc.rectification.measure_add(&me, cy, &measure(p, "2099-12-31")).await.unwrap().id;
    let report =
        |pct: &str, v: &str| ProgressInput {
            text: "开复工率提升".into(), percent: pct.into(), kpi_value: v.into()
        };
    // Not before the plan is approved.
    let e = svc.rectification.progress_add(&me, cy, m, &report("50", "70"), vec![]).await.unwrap_err();
    assert_eq!(key(e), "err-progress-plan-not-approved");
    let e = svc.rectification.sign_off(&zzb, cy, subject, SignOffTarget::Measure(m), "").await.unwrap_err();
    assert_eq!(key(e), "err-signoff-plan-not-approved");
    // Monthly reports, reminders from 60 days before: due now, one notice per period.
    let mut f = kaoping_core::cycles::feedback_settings::FeedbackSettingsInput {
        number_pattern: "组反〔{year}〕{seq}号".into(),
        issuing_body: "组织部".into(),
        title: "问题反馈单".into(),
        plan_due_days: "30".into(),
        requirements: "x".into(),
        tags: "党建与业务融合".into(),
        title_font: "黑体".into(),
        body_font: "仿宋".into(),
        body_size_half_points: "32".into(),
        progress_months: "1".into(),
        reminder_days: "60".into(),
        ..Default::default()
    };
    svc.rectification.feedback_settings_set(&zzb, cy, &f).await.unwrap();
    svc.rectification.plan_submit(&me, cy).await.unwrap();
    svc.rectification.plan_review(&zzb, cy, subject, true, "").await.unwrap();
    // Reports are filed by period: its length is fixed once a plan is approved.
    f.progress_months = "3".into();
    assert_eq!(
        key(svc.rectification.feedback_settings_set(&zzb, cy, &f).await.unwrap_err()),
        "err-progress-months-fixed"
    );
    f.progress_months = "1".into();
    svc.cycles.cycle_advance(&zzb, cy, kaoping_core::cycles::Phase::Tally).await.unwrap();
    svc.results.results_publish(&zzb, cy, kaoping_core::cycles::Visibility::Subjects).await.unwrap();
    svc.cycles.cycle_advance(&zzb, cy, kaoping_core::cycles::Phase::Feedback).await.unwrap();
    assert!(matches!(
        svc.rectification.my_plan(&me, cy).await.unwrap().due_overall(),
        kaoping_core::rectification::progress::Due::Soon(_)
    ));
    assert_eq!(svc.rectification.send_reminders().await.unwrap(), 1);
    assert_eq!(svc.rectification.send_reminders().await.unwrap(), 0);
    let sent = collect.0.lock().unwrap().clone();
    assert_eq!((sent[0].to, sent[0].kind), (subject, kaoping_core::notify::NoticeKind::ProgressDue));

    // A report with a photo: the KPI value must be a number.
    assert_eq!(
        key(svc.rectification.progress_add(&me, cy, m, &report("50", "七成"), vec![]).await.unwrap_err()),
        "err-kpi-number"
    );
    let photo = NewEvidence {
        digest: kaoping_core::reports::content_digest(PNG),
        name: "现场.png".into(),
        media_type: "image/png".into(),
        data: PNG.to_vec(),
    };
    let r = svc.rectification.progress_add(&me, cy, m, &report("60", "84.3"), vec![photo]).await.unwrap();
    assert_eq!((r.percent, r.files.len()), (60, 1));
    let page = svc.rectification.plan_for_organizer(&zzb, cy, subject).await.unwrap();
    assert_eq!(page.due_overall(), kaoping_core::rectification::progress::Due::No);
    let kpi = page.measures[0].kpi.clone().unwrap();
    assert_eq!((page.measures[0].percent, kpi.current.unwrap().to_string()), (60, "84.3".to_string()));
    let (file, blob) = svc.rectification.evidence(&zzb, cy, subject, r.files[0].id).await.unwrap();
    assert_eq!((file.name.as_str(), blob.data.as_slice()), ("现场.png", PNG));
    // Another subject's file is not found through this subject.
    assert!(svc.rectification.evidence(&zzb, cy, PersonId(s[1]), r.files[0].id).await.is_err());

    // The target is 60 % reached: signing off needs a note saying why.
    let e = svc.rectification.sign_off(&zzb, cy, subject, SignOffTarget::Measure(m), " ").await.unwrap_err();
    assert_eq!(key(e), "err-signoff-kpi-unmet");
    // Signed off: immutable; reopening needs a reason and is kept as history.
    svc.rectification.sign_off(&zzb, cy, subject, SignOffTarget::Measure(m), "现场核实").await.unwrap();
    assert_eq!(
        key(svc.rectification.progress_add(&me, cy, m, &report("90", "90"), vec![]).await.unwrap_err()),
        "err-signed-off"
    );
    assert_eq!(
        key(svc.rectification.sign_off(&zzb, cy, subject, SignOffTarget::Measure(m), "").await.unwrap_err()),
        "err-signed-off"
    );
    svc.rectification.sign_off(&zzb, cy, subject, SignOffTarget::Problem(p), "整改到位").await.unwrap();
    assert_eq!(
        key(svc.rectification.reopen(&zzb, cy, subject, SignOffTarget::Measure(m), "x").await.unwrap_err()),
        "err-signed-off"
    );
    assert_eq!(
        key(svc.rectification.reopen(&zzb, cy, subject, SignOffTarget::Problem(p), " ").await.unwrap_err()),
        "err-required"
    );
    svc.rectification.reopen(&zzb, cy, subject, SignOffTarget::Problem(p), "群众反映仍有问题").await.unwrap();
    svc.rectification.reopen(&zzb, cy, subject, SignOffTarget::Measure(m), "重新核实").await.unwrap();
    svc.rectification.progress_add(&me, cy, m, &report("95", "91"), vec![]).await.unwrap();
    let kinds: Vec<String> =
        svc.rectification.my_plan(&me, cy).await.unwrap().events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            "plan_submitted",
            "plan_approved",
            "progress",
            "measure_signed_off",
            "problem_signed_off",
            "problem_reopened",
            "measure_reopened",
            "progress"
        ]
    );
    f.reminder_days = "61".into();
    assert_eq!(key(svc.rectification.feedback_settings_set(&zzb, cy, &f).await.unwrap_err()), "err-between");
}

#[tokio::test]
async fn the_ledger_filters_and_next_year_carries_last_years_problems() {
    use kaoping_core::cycles::CycleInput;
    use kaoping_core::services::LedgerFilter;
    let (w, zzb, cy, s, _) = setup_n("named", 1).await;
    let me = subject_caller(s[0]);
    let subject = PersonId(s[0]);
    w.svc.voting.voting_set(&zzb, cy, true).await.unwrap();
    w.svc.voting.voting_set(&zzb, cy, false).await.unwrap();
    let problem = |text: &str, tag: &str| ProblemInput {
        source: "routine".into(),
        text: text.into(),
        tag: tag.into(),
        severity: "moderate".into(),
        ..Default::default()
    };
    let p1 = w.svc.feedback.problem_add(&zzb, cy, subject, &problem("品牌不响", "品牌建设")).await.unwrap().id;
    let p2 = w.svc.feedback.problem_add(&zzb, cy, subject, &problem("阵地闲置", "阵地建设")).await.unwrap().id;
    w.svc.feedback.problem_add(&zzb, cy, PersonId(s[1]), &problem("制度不严", "制度落实")).await.unwrap();
    w.svc.feedback.sheets_issue(&zzb, cy, None).await.unwrap();
    w.svc.rectification.measure_add(&me, cy, &measure(p1, "2099-12-31")).await.unwrap();
    // A measure whose deadline has passed (written straight to the store:
    // the form refuses past dates).
    let late = kaoping_core::rectification::MeasureFields {
        problem_id: p2,
        text: "盘活阵地".into(),
        responsible: "甲".into(),
        deadline: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        kpi: None,
    };
    let audit = zzb.audit("test", "measure:new");
    w.t.db.measure_add(cy, subject, &late, &audit).await.unwrap();

    let all = w.svc.rectification.ledger(&zzb, cy, &LedgerFilter::default()).await.unwrap();
    // 甲's two measures, and 乙's problem without a plan.
    assert_eq!(all.rows.len(), 3);
    assert_eq!(
        all.by_tag.iter().map(|(t, o, _)| (t.as_str(), *o)).collect::<Vec<_>>(),
        [("制度落实", 1), ("品牌建设", 1), ("阵地建设", 1)]
    );
    assert_eq!(all.kpis.len(), 1);
    let overdue =
        w.svc.rectification.ledger(&zzb, cy, &LedgerFilter { overdue: true, ..Default::default() }).await.unwrap();
    assert_eq!(overdue.rows.iter().map(|r| r.problem.id).collect::<Vec<_>>(), [p2]);
    let tag = LedgerFilter { tag: Some("品牌建设".into()), ..Default::default() };
    assert_eq!(w.svc.rectification.ledger(&zzb, cy, &tag).await.unwrap().rows.len(), 1);

    // Next year: copied from this one; the report and the ledger remember.
    let next = CycleInput { name: "2027".into(), year: "2027".into(), ballot_mode: None };
    let cy2 = w.svc.cycles.cycle_create(&zzb, zzb_unit(&w, cy).await, &next, Some(cy)).await.unwrap().id;
    let mine = w.svc.reports.my_report(&me, cy2).await.unwrap();
    let carry_over = w.svc.rectification.carry_over(&mine.cycle, mine.subject.person_id).await.unwrap();
    let texts: Vec<&str> = carry_over.items.iter().map(|i| i.problem.text.as_str()).collect();
    assert_eq!(texts, ["品牌不响", "阵地闲置"]);
    assert_eq!(carry_over.items[0].measures.len(), 1);
    assert_eq!(carry_over.cycle_name, "2026");
    let c2 = w.svc.cycles.cycle_get(&zzb, cy2).await.unwrap();
    let tags = w.svc.feedback.recurring_tags(&c2).await.unwrap();
    assert_eq!(tags[&subject], ["品牌建设", "阵地建设"]);
}

async fn zzb_unit(w: &crate::World, cy: kaoping_core::ids::CycleId) -> kaoping_core::ids::OrgUnitId {
    w.t.db.cycle_get(cy).await.unwrap().unwrap().organizer_id
}
