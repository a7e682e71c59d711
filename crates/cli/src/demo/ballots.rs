//! Demo ballots: last year's review meeting — every evaluator grades every
//! subject in scope (within the 好 quota), a few 不了解 and remarks.

use super::reports::num;
use kaoping_core::Result;
use kaoping_core::ids::{AccountId, CycleId};
use kaoping_core::reports::reading::{Reader, ReaderVia};
use kaoping_core::services::{Caller, Services};
use kaoping_core::voting::ballot::MarkInput;

const REMARKS: &[&str] = &[
    "抓党建的办法不多，基层组织建设有短板。",
    "“双报到”服务群众的实效还要加强。",
    "述职报告问题查摆不够具体。",
    "工作扎实，党建引领作用明显。",
];

/// Open voting, let every evaluator vote, close it.
pub async fn vote(svc: &Services, org: &Caller, cycle: CycleId) -> Result<()> {
    svc.voting.voting_set(org, cycle, true).await?;
    let c = svc.cycles.cycle_get(org, cycle).await?;
    let quota = c.scheme.ballot_quota;
    let grades: Vec<String> = c.scheme.grades.iter().map(|g| g.code.clone()).collect();
    let overall = c.scheme.items.iter().find(|i| i.overall).map(|i| i.code.clone()).unwrap_or_default();
    let mut submits = tokio::task::JoinSet::new();
    for (ei, e) in svc.cycles.evaluators_list(org, cycle).await?.iter().enumerate() {
        let reader = Reader {
            cycle_id: cycle,
            person_id: e.person_id,
            name: e.person_name.clone(),
            group: e.group.clone(),
            via: ReaderVia::Account(AccountId(0)),
            client: None,
        };
        let page = svc.voting.ballot_page(&reader).await?;
        // Each subject has a standing (0–99); each evaluator sees it with noise.
        let mut picks: Vec<(i64, String, usize, usize)> = Vec::new();
        for s in page.scope.iter() {
            let standing = num(s.id as usize, 11, 35, 100);
            let roll = num(ei * 1_009 + s.id as usize, 12, 0, 100);
            let g = if roll < 3 {
                4 // 不了解
            } else if roll < standing / 2 {
                0
            } else if roll < standing {
                1
            } else if roll < 92 {
                2
            } else {
                3
            };
            picks.push((s.id, s.category.clone(), g, standing));
        }
        // Keep within the 好 quota of each category (the weakest 好 become 较好).
        if let Some(q) = quota {
            let mut cats: Vec<String> = picks.iter().map(|p| p.1.clone()).collect();
            cats.dedup();
            for cat in cats {
                let m = picks.iter().filter(|p| p.1 == cat).count() as i128;
                let limit = q.mul_int(m).floor() as usize;
                let mut top: Vec<usize> = (0..picks.len()).filter(|&i| picks[i].1 == cat && picks[i].2 == 0).collect();
                top.sort_by_key(|&i| std::cmp::Reverse(picks[i].3));
                for &i in top.iter().skip(limit) {
                    picks[i].2 = 1;
                }
            }
        }
        let marks: Vec<MarkInput> = picks
            .iter()
            .map(|(id, _, g, _)| MarkInput {
                subject: *id,
                abstain: *g == 4,
                grades: if *g == 4 {
                    Default::default()
                } else {
                    [(overall.clone(), grades[(*g).min(grades.len() - 1)].clone())].into_iter().collect()
                },
                remark: (num(ei * 7 + *id as usize, 13, 0, 100) < 4)
                    .then(|| REMARKS[(ei + *id as usize) % REMARKS.len()].to_string()),
            })
            .collect();
        // Everyone presses submit at about the same time (group commit).
        let (svc, key) = (svc.clone(), format!("demo-ballot-cycle-{cycle}-evaluator-{}", e.person_id));
        submits.spawn(async move { svc.voting.ballot_submit(&reader, &key, marks).await });
    }
    while let Some(done) = submits.join_next().await {
        done.map_err(|e| kaoping_core::error::CoreError::Store(e.to_string()))??;
    }
    svc.voting.voting_set(org, cycle, false).await.map(|_| ())
}
