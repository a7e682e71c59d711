//! Demo feedback: last year's critiques and problems — quoted from the
//! critique, from evaluators' remarks and from routine findings — and a
//! numbered feedback sheet issued to every subject; most have acknowledged
//! theirs, the demo subject with a login has not yet.

use super::reports::num;
use kaoping_core::Result;
use kaoping_core::audit::AuditDraft;
use kaoping_core::feedback::{FeedbackSettingsInput, ProblemInput};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::services::{Caller, Services};

/// Critique sentences (after the article) with the tag each falls under.
const CRITIQUES: &[(&str, &str)] = &[
    ("党建工作与中心工作融合不够紧密，抓党建促发展的办法不多。", "党建与业务融合"),
    ("社区工作者职业体系建设推进力度不大。", "队伍建设"),
    ("对基层党员干部队伍建设抓得不紧，年轻干部培养储备不足。", "队伍建设"),
    ("缺乏叫得响、过得硬的社区党建品牌。", "品牌建设"),
    ("部分村级党群服务中心功能发挥不充分，存在“建而不用”现象。", "阵地建设"),
    ("“三会一课”等组织生活制度落实不够严格，记录不规范。", "制度落实"),
];
const PRAISE: &str = "履行第一责任人职责较好，基层党建重点任务推进有力。";
const ROUTINE: &str = "日常考核发现：党费收缴台账更新不及时。";

pub async fn seed(svc: &Services, org: &Caller, cycle: CycleId, keep_unacknowledged: PersonId) -> Result<()> {
    let c = svc.cycle_get(org, cycle).await?;
    let f = &c.feedback;
    let settings = FeedbackSettingsInput {
        number_pattern: "琅组反〔{year}〕{seq}号".into(),
        issuing_body: "中共琅港市委组织部".into(),
        title: f.title.clone(),
        plan_due_days: f.plan_due_days.to_string(),
        requirements: f.requirements.join("\n"),
        tags: f.tags.join("\n"),
        title_font: f.title_font.clone(),
        body_font: f.body_font.clone(),
        body_size_half_points: f.body_size_half_points.to_string(),
        progress_months: f.progress_months.to_string(),
        reminder_days: f.reminder_days.to_string(),
    };
    svc.feedback_settings_set(org, cycle, &settings).await?;
    let (_, rows) = svc.feedback_overview(org, cycle).await?;
    for (i, r) in rows.iter().enumerate() {
        let p = r.subject.person_id;
        let a = num(i, 21, 0, CRITIQUES.len());
        let b = (a + 1 + num(i, 22, 0, CRITIQUES.len() - 1)) % CRITIQUES.len();
        let critique = format!("{PRAISE}{}{}", CRITIQUES[a].0, CRITIQUES[b].0);
        svc.critique_set(org, cycle, p, &critique).await?;
        let problem = |source: &str, text: &str, tag: &str, group: &str, severity: &str| ProblemInput {
            source: source.into(),
            group: group.into(),
            text: text.into(),
            tag: tag.into(),
            severity: severity.into(),
        };
        let severity = ["minor", "moderate", "serious"][num(i, 23, 0, 3)];
        svc.problem_add(org, cycle, p, &problem("critique", CRITIQUES[a].0, CRITIQUES[a].1, "", severity)).await?;
        if i % 2 == 0 {
            let q = problem("critique", CRITIQUES[b].0, CRITIQUES[b].1, "", "moderate");
            svc.problem_add(org, cycle, p, &q).await?;
        }
        // The first critical remark an evaluator wrote, quoted by group.
        let d = svc.feedback_subject(org, cycle, p).await?;
        if let Some((g, text)) = d.remarks.iter().find(|(_, t)| !t.starts_with("工作扎实")) {
            svc.problem_add(org, cycle, p, &problem("remark", text, "党建与业务融合", g, "minor")).await?;
        }
        if i % 5 == 0 {
            svc.problem_add(org, cycle, p, &problem("routine", ROUTINE, "制度落实", "", "minor")).await?;
        }
    }
    let out = svc.sheets_issue(org, cycle, None).await?;
    for (i, s) in out.issued.iter().enumerate() {
        if s.subject_id == keep_unacknowledged || num(i, 24, 0, 100) < 25 {
            continue;
        }
        let audit = AuditDraft::new(
            None,
            s.content.subject_name.clone(),
            None,
            "feedback.sheet.acknowledge",
            format!("sheet:{}", s.id),
        )
        .detail(s.number.clone());
        svc.store.sheet_acknowledge(cycle, s.subject_id, &audit).await?;
    }
    Ok(())
}
