//! Demo feedback: last year's critiques and problems — quoted from the
//! critique, from evaluators' remarks and from routine findings — and a
//! numbered feedback sheet issued to every subject; most have acknowledged
//! theirs, the demo subject with a login has not yet.

use super::reports::num;
use kaoping_core::Result;
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::feedback_settings::FeedbackSettingsInput;
use kaoping_core::feedback::ProblemInput;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::*;
use kaoping_core::services::{Caller, Services};
use kaoping_store::Db;

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

pub async fn seed(svc: &Services, db: &Db, org: &Caller, cycle: CycleId, keep_unacknowledged: PersonId) -> Result<()> {
    let c = svc.cycles.cycle_get(org, cycle).await?;
    let settings = FeedbackSettingsInput {
        number_pattern: "琅组反〔{year}〕{seq}号".into(),
        issuing_body: "中共琅港市委组织部".into(),
        ..FeedbackSettingsInput::from(&c.feedback)
    };
    svc.rectification.feedback_settings_set(org, cycle, &settings).await?;
    let (_, rows) = svc.feedback.feedback_overview(org, cycle).await?;
    for (i, r) in rows.iter().enumerate() {
        let p = r.subject.person_id;
        let a = num(i, 21, 0, CRITIQUES.len());
        let b = (a + 1 + num(i, 22, 0, CRITIQUES.len() - 1)) % CRITIQUES.len();
        let critique = format!("{PRAISE}{}{}", CRITIQUES[a].0, CRITIQUES[b].0);
        svc.feedback.critique_set(org, cycle, p, &critique).await?;
        let problem = |source: &str, text: &str, tag: &str, group: &str, severity: &str| ProblemInput {
            source: source.into(),
            group: group.into(),
            text: text.into(),
            tag: tag.into(),
            severity: severity.into(),
        };
        let severity = ["minor", "moderate", "serious"][num(i, 23, 0, 3)];
        svc.feedback
            .problem_add(org, cycle, p, &problem("critique", CRITIQUES[a].0, CRITIQUES[a].1, "", severity))
            .await?;
        if i % 2 == 0 {
            let q = problem("critique", CRITIQUES[b].0, CRITIQUES[b].1, "", "moderate");
            svc.feedback.problem_add(org, cycle, p, &q).await?;
        }
        // The first critical remark an evaluator wrote, quoted by group.
        let d = svc.feedback.feedback_subject(org, cycle, p).await?;
        if let Some((g, text)) = d.remarks.iter().find(|(_, t)| !t.starts_with("工作扎实")) {
            svc.feedback.problem_add(org, cycle, p, &problem("remark", text, "党建与业务融合", g, "minor")).await?;
        }
        if i % 5 == 0 {
            svc.feedback.problem_add(org, cycle, p, &problem("routine", ROUTINE, "制度落实", "", "minor")).await?;
        }
    }
    let out = svc.feedback.sheets_issue(org, cycle, None).await?;
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
        db.sheet_acknowledge(cycle, s.subject_id, &audit).await?;
    }
    Ok(())
}

/// The subject `p` acting for themself (demo seeding only).
fn as_subject(p: PersonId, name: &str) -> Caller {
    Caller {
        actor: kaoping_core::accounts::scope::Actor {
            account_id: kaoping_core::ids::AccountId(0),
            person_id: p,
            username: name.into(),
            display_name: name.into(),
            post: String::new(),
            unit_name: None,
            roles: [kaoping_core::accounts::Role::Subject].into(),
            scopes: vec![],
        },
        client: None,
    }
}

const MEASURES: &[&str] = &[
    "制定党建与业务融合清单，每季度召开一次联席会议",
    "开展社区工作者职业体系建设专项调研，出台实施办法",
    "建立年轻干部“墩苗”培养计划，选派到基层一线",
    "打造“一社区一品牌”，年底前形成特色案例",
    "盘活党群服务中心，每月开展不少于两次服务活动",
    "规范“三会一课”记录，每半年专项检查一次",
];

/// Last year's plans: most subjects wrote one (a measure per problem, some
/// with a target), most were approved, a few returned; progress for this
/// quarter on most approved plans, a few problems already signed off.
/// The demo subject with a login (`keep`) has not started, to try it.
pub async fn rectify(svc: &Services, db: &Db, org: &Caller, cycle: CycleId, keep: PersonId) -> Result<()> {
    use kaoping_core::ports::SignOffTarget;
    use kaoping_core::rectification::MeasureInput;
    use kaoping_core::rectification::progress::ProgressInput;
    let deadline = (svc.clock.now() + chrono::Days::new(150)).format("%Y-%m-%d").to_string();
    for (i, s) in db.sheet_list(cycle).await?.into_iter().enumerate() {
        if s.subject_id == keep || num(i, 31, 0, 100) < 15 {
            continue;
        }
        let me = as_subject(s.subject_id, &s.content.subject_name);
        for (j, p) in s.content.problems.iter().enumerate() {
            let kpi = (i + j) % 3 == 0;
            let m = MeasureInput {
                problem_id: p.problem_id.to_string(),
                text: MEASURES[num(i * 7 + j, 32, 0, MEASURES.len())].into(),
                responsible: s.content.subject_name.clone(),
                deadline: deadline.clone(),
                kpi_name: if kpi { "项目开复工率".into() } else { String::new() },
                kpi_unit: if kpi { "%".into() } else { String::new() },
                kpi_baseline: if kpi { "60".into() } else { String::new() },
                kpi_target: if kpi { "90".into() } else { String::new() },
            };
            svc.rectification.measure_add(&me, cycle, &m).await?;
        }
        svc.rectification.plan_submit(&me, cycle).await?;
        let roll = num(i, 33, 0, 100);
        if roll < 10 {
            svc.rectification
                .plan_review(org, cycle, s.subject_id, false, "措施不够具体，请补充量化指标和完成时限。")
                .await?;
            continue;
        }
        if roll < 20 {
            continue; // awaiting review
        }
        svc.rectification.plan_review(org, cycle, s.subject_id, true, "").await?;
        let measures = db.measure_list(cycle, Some(s.subject_id)).await?;
        for (k, m) in measures.iter().enumerate() {
            if num(i * 11 + k, 34, 0, 100) < 25 {
                continue;
            }
            let pct = num(i * 13 + k, 35, 20, 100);
            let kpi_value = if m.kpi.is_some() { format!("{}.{}", 60 + pct * 30 / 100, k % 10) } else { String::new() };
            let input =
                ProgressInput {
                    text: "按计划推进，已完成阶段性任务。".into(), percent: pct.to_string(), kpi_value
                };
            svc.rectification.progress_add(&me, cycle, m.id, &input, vec![]).await?;
        }
        if roll > 80 {
            for p in &s.content.problems {
                svc.rectification
                    .sign_off(org, cycle, s.subject_id, SignOffTarget::Problem(p.problem_id), "经核实，整改到位。")
                    .await?;
            }
        }
    }
    Ok(())
}
