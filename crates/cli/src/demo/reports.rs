//! Demo reports, reading and personal links: written duty reports in the
//! usual four sections for every subject, review outcomes, evaluators'
//! reading time and notes, and personal links for this year's evaluators.

use kaoping_core::Result;
use kaoping_core::accounts::Role;
use kaoping_core::accounts::scope::Actor;
use kaoping_core::cycles::CycleSettingsInput;
use kaoping_core::cycles::roster::Subject;
use kaoping_core::ids::{AccountId, CycleId, PersonId};
use kaoping_core::ports::*;
use kaoping_core::reports::AttachmentChange;
use kaoping_core::reports::reading::{Reader, ReaderVia};
use kaoping_core::services::{Caller, IssueFor, ReportSave, Services};
use kaoping_store::Db;

const DUTIES: &[&str] = &[
    "始终把抓基层党建作为最大政绩，坚持书记抓、抓书记，全年主持召开党建专题会议{n}次，带头调研基层党组织{m}个，带头讲党课{k}次。",
    "严格落实党建工作责任制，制定责任清单、任务清单、问题清单“三张清单”，层层签订目标责任书，形成一级抓一级、层层抓落实的工作格局。",
    "把党建工作与中心工作同谋划、同部署、同考核，每季度听取班子成员和所属党组织书记抓党建工作汇报，对{m}个软弱涣散党组织逐一包联整顿。",
];
const RESULTS: &[&str] = &[
    "基层组织建设全面加强，新建、规范提升党群服务中心{k}处，村（社区）党组织书记“一肩挑”比例达到{p}%。",
    "党员教育管理扎实有效，组织开展“三会一课”和主题党日活动，全年发展党员{n}名，培训党员{m}0余人次。",
    "“双报到”工作深入开展，{n}个机关党组织、{m}0余名在职党员到社区报到，认领服务岗位{k}个，办成实事{n}件。",
    "党建引领乡村振兴（基层治理）成效明显，村级集体经济收入10万元以上的村占比提高{k}个百分点，网格化治理覆盖率达到100%。",
];
const PROBLEMS: &[&str] = &[
    "一是抓党建的系统思维还不够强，有时存在重部署、轻督导的问题，对基层党建工作的跟踪问效还不够到位。",
    "二是基层党组织发展还不够平衡，个别党组织政治功能和组织力发挥不够充分，{k}个村集体经济仍然偏弱。",
    "三是党员队伍结构有待优化，年轻党员和致富带头人党员比例偏低，部分党员作用发挥不明显。",
    "原因分析：主要是对新时代基层党建工作规律研究不深，抓落实的办法还不够多，考核激励的导向作用发挥不充分。",
];
const NEXT_STEPS: &[&str] = &[
    "一是压紧压实责任，健全书记抓党建述职评议考核结果运用机制，推动责任落实到人、落实到事。",
    "二是聚焦短板弱项，实施基层党组织“整乡推进、整县提升”行动，年内完成{k}个后进党组织整顿转化。",
    "三是建强骨干队伍，实施村（社区）干部学历提升和能力培训计划，储备后备力量{n}名。",
    "四是深化“双报到”，完善社区需求清单、资源清单、服务清单，推动在职党员常态化服务群众。",
];

/// A deterministic number from a seed, in `lo..hi`.
pub fn num(seed: usize, salt: usize, lo: usize, hi: usize) -> usize {
    let x = (seed.wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503))) % 1_000_003;
    lo + x % (hi - lo)
}

fn fill(s: &str, seed: usize) -> String {
    s.replace("{n}", &num(seed, 1, 6, 30).to_string())
        .replace("{m}", &num(seed, 2, 3, 18).to_string())
        .replace("{k}", &num(seed, 3, 2, 12).to_string())
        .replace("{p}", &num(seed, 4, 82, 99).to_string())
}

/// A written duty report in the usual four sections.
pub fn report_html(s: &Subject, seed: usize, year: i32) -> String {
    let unit = s.org_unit_name.clone().unwrap_or_default();
    let pick = |pool: &[&str], n: usize| -> String {
        (0..n.min(pool.len())).map(|i| format!("<p>{}</p>", fill(pool[(seed + i) % pool.len()], seed + i))).collect()
    };
    format!(
        "<p>{year}年以来，在市委坚强领导下，{unit}深入学习贯彻党的二十大精神，认真落实新时代党的建设总要求，\
         扎实推进抓基层党建工作。现将本人履行抓基层党建工作第一责任人职责情况报告如下。</p>\
         <h3>一、履行第一责任人职责情况</h3>{}<h3>二、主要成效</h3>{}<h3>三、存在问题及原因</h3>{}\
         <h3>四、下步思路举措</h3>{}",
        pick(DUTIES, 2 + seed % 2),
        pick(RESULTS, 2 + seed % 3),
        pick(PROBLEMS, 3),
        pick(NEXT_STEPS, 3 + seed % 2),
    )
}

fn as_subject(s: &Subject) -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: s.person_id,
            username: format!("demo-subject-{}", s.person_id),
            display_name: s.person_name.clone(),
            post: s.post.clone(),
            unit_name: s.org_unit_name.clone(),
            roles: [Role::Subject].into(),
            scopes: vec![],
        },
        client: None,
    }
}

/// What happens to a subject's report in the demo.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    None,
    Draft,
    Submitted,
    Returned,
    Accepted,
}

/// Write the reports of a cycle (in the reporting phase) with the given outcomes.
pub async fn write_reports(
    svc: &Services,
    org: &Caller,
    cycle: CycleId,
    year: i32,
    outcome: impl Fn(usize, &Subject) -> Outcome,
) -> Result<()> {
    for (i, s) in svc.cycles.subjects_list(org, cycle).await?.iter().enumerate() {
        let o = outcome(i, s);
        if o == Outcome::None {
            continue;
        }
        let me = as_subject(s);
        let submit = o != Outcome::Draft;
        let save = ReportSave { body_html: report_html(s, i, year), attachment: AttachmentChange::Keep, submit };
        svc.reports.report_save(&me, cycle, save).await?;
        match o {
            Outcome::Accepted => {
                svc.reports.report_review(org, cycle, s.person_id, true, "").await?;
            }
            Outcome::Returned => {
                let comment = "“存在问题及原因”部分过于笼统，请结合本单位实际查摆具体问题，深入剖析原因后重新提交。";
                svc.reports.report_review(org, cycle, s.person_id, false, comment).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

const NOTES: &[(&str, &str)] = &[
    ("责任清单", "“三张清单”是否真正落到支部？会上可追问。"),
    ("软弱涣散", "整顿转化的成效缺少数据支撑。"),
    ("一肩挑", "比例较高，但要看履职成效。"),
    ("重部署、轻督导", "问题查摆较实在。"),
    ("双报到", "在职党员报到后服务的持续性如何？"),
    ("集体经济", "薄弱村数量与去年相比变化不大。"),
];

/// Evaluators read: `share` in 0..=100 of the evaluators read about that
/// share of the handed-in reports, some with notes.
pub async fn read_reports(svc: &Services, db: &Db, org: &Caller, cycle: CycleId, share: usize) -> Result<()> {
    let evaluators = svc.cycles.evaluators_list(org, cycle).await?;
    let mut bodies: std::collections::HashMap<PersonId, String> = std::collections::HashMap::new();
    for (ei, e) in evaluators.iter().enumerate() {
        if num(ei, 7, 0, 100) >= share {
            continue;
        }
        let reader = Reader {
            cycle_id: cycle,
            person_id: e.person_id,
            name: e.person_name.clone(),
            group: e.group.clone(),
            via: ReaderVia::Account(AccountId(0)),
            client: None,
        };
        let list = svc.reports.reading_list(&reader).await?;
        for (si, s) in list.subjects.iter().enumerate() {
            let handed_in = list.reports.get(&s.person_id).is_some_and(|r| r.status.handed_in());
            if !handed_in || num(ei * 97 + si, 8, 0, 100) >= share {
                continue;
            }
            // Seeded straight into the store: one row per evaluator and report.
            let now = svc.clock.now();
            let seconds = num(ei * 31 + si, 9, 20, 420) as i64;
            db.reading_add(cycle, e.person_id, s.person_id, seconds, now).await?;
            if num(ei * 13 + si, 10, 0, 100) < 25 {
                let (quote, body) = NOTES[(ei + si) % NOTES.len()];
                let text = match bodies.entry(s.person_id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let r = db.report_get(cycle, s.person_id).await?;
                        v.insert(r.map(|r| r.body_html).unwrap_or_default())
                    }
                };
                let quote = text.contains(quote).then_some(quote);
                db.note_add(cycle, e.person_id, s.person_id, quote, body, now).await?;
            }
        }
    }
    Ok(())
}

/// The reporting settings of a demo cycle.
pub async fn settings(svc: &Services, org: &Caller, cycle: CycleId, deadline: &str) -> Result<()> {
    let input = CycleSettingsInput {
        report_deadline: deadline.into(),
        min_read_seconds: "60".into(),
        report_template: kaoping_core::cycles::default_template().join("\n"),
    };
    svc.reports.cycle_set_settings(org, cycle, &input).await.map(|_| ())
}

/// Issue personal links for every evaluator; return one evaluator's name and
/// token (someone without an account, to try the phone flow).
pub async fn links(svc: &Services, org: &Caller, cycle: CycleId, prefer: Option<PersonId>) -> Result<(String, String)> {
    let issued = svc.reports.links_issue(org, cycle, IssueFor::Missing).await?;
    let pick = issued.iter().find(|l| Some(l.person_id) == prefer).or(issued.first());
    Ok(pick.map(|l| (l.person_name.clone(), l.token.clone())).unwrap_or_default())
}
