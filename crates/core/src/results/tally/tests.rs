//! Hand-worked examples for every rule of `scoring.md` §3–§6, and property
//! tests.

use super::*;
use crate::cycles::scheme::{Group, Item, Scheme};
use crate::exact::{Dec4, Frac};
use crate::voting::counts::Mark;
use proptest::prelude::*;

fn scheme() -> Scheme {
    Scheme::default_for(&["county".to_string(), "township".to_string()])
}

fn two_groups(w1: i64, w2: i64) -> Scheme {
    let mut s = scheme();
    let cats = vec!["county".to_string(), "township".to_string()];
    s.groups = vec![
        Group { code: "leaders".into(), label: "领导".into(), weight: Dec4(w1), categories: cats.clone() },
        Group { code: "deputies".into(), label: "代表".into(), weight: Dec4(w2), categories: cats },
    ];
    s
}

fn subj(id: i64, category: &str) -> TallySubject {
    TallySubject { id, category: category.into(), order: id as i32 }
}

/// A ballot of `group` giving each (subject, grade code) on the overall
/// item; grade "-" is an abstention.
fn ballot(group: &str, marks: &[(i64, &str)]) -> TallyBallot {
    TallyBallot {
        group: group.into(),
        marks: marks
            .iter()
            .map(|(s, g)| {
                let m = if *g == "-" {
                    Mark::Abstain
                } else {
                    Mark::Grades([("overall".to_string(), g.to_string())].into_iter().collect())
                };
                (*s, m)
            })
            .collect(),
    }
}

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

fn run(s: &Scheme, subjects: &[TallySubject], ballots: &[TallyBallot]) -> Vec<SubjectResult> {
    tally(s, subjects, ballots, &Extras::default()).unwrap()
}

fn grade(r: &SubjectResult) -> (&str, &str) {
    let (g, rule) = r.grade.as_ref().unwrap();
    (g.as_str(), rule.as_str())
}

#[test]
fn democratic_score_is_the_points_mean_and_the_band_follows() {
    // 好, 好, 较好, 一般 → (100 + 100 + 80 + 50) / 4 = 82.5 → 较好 by band.
    let b: Vec<_> = ["excellent", "excellent", "good", "fair"].iter().map(|g| ballot("all", &[(1, g)])).collect();
    let r = &run(&scheme(), &[subj(1, "county")], &b)[0];
    assert_eq!(r.democratic, Some(q(165, 2)));
    assert_eq!(exact_string(r.democratic.as_ref().unwrap()), "165/2");
    assert_eq!(r.composite, r.democratic);
    assert_eq!(grade(r), ("good", "band"));
    assert_eq!(r.excellent_rate(), Some(q(1, 2)));
    assert_eq!(r.approval_rate(), Some(q(3, 4)));
    assert_eq!(r.poor_rate(), Some(q(0, 1)));
    assert_eq!(r.rank, Some(1));
}

#[test]
fn abstentions_are_left_out_of_means_and_rates() {
    let b = vec![ballot("all", &[(1, "excellent")]), ballot("all", &[(1, "-")]), ballot("all", &[(1, "poor")])];
    let r = &run(&scheme(), &[subj(1, "county")], &b)[0];
    assert_eq!(r.democratic, Some(q(50, 1)));
    assert_eq!((r.counts.n(), r.counts.abstain), (2, 1));
    assert_eq!(r.excellent_rate(), Some(q(1, 2)));
}

#[test]
fn items_are_weighted_within_a_ballot() {
    let mut s = scheme();
    s.items = vec![
        Item { code: "duty".into(), label: "履职".into(), weight: Dec4(6_000), overall: false },
        Item { code: "overall".into(), label: "综合".into(), weight: Dec4(4_000), overall: true },
    ];
    let mark: crate::voting::grades::Grades = [("duty", "good"), ("overall", "fair")].into_iter().collect();
    let b = TallyBallot { group: "all".into(), marks: [(1, Mark::Grades(mark))].into_iter().collect() };
    let r = &run(&s, &[subj(1, "county")], &[b])[0];
    // 0.6 × 80 + 0.4 × 50 = 68; shares use the overall item (一般).
    assert_eq!(r.democratic, Some(q(68, 1)));
    assert_eq!(r.counts.per_grade, vec![0, 0, 1, 0]);
}

#[test]
fn trimming_needs_2k_plus_3_scores() {
    let mut s = scheme();
    s.trim = 1;
    let five: Vec<_> =
        ["excellent", "excellent", "good", "fair", "poor"].iter().map(|g| ballot("all", &[(1, g)])).collect();
    // n = 5 ≥ 2·1 + 3: drop one 100 and the 0 → (100 + 80 + 50) / 3.
    let r = &run(&s, &[subj(1, "county")], &five)[0];
    assert_eq!(r.democratic, Some(q(230, 3)));
    assert!(r.groups[0].trimmed);
    assert_eq!(round2(r.democratic.as_ref().unwrap()), "76.67");
    // n = 4 < 5: the plain mean.
    let r = &run(&s, &[subj(1, "county")], &five[..4])[0];
    assert_eq!(r.democratic, Some(q(165, 2)));
    assert!(!r.groups[0].trimmed);
}

#[test]
fn groups_are_weighted_and_a_silent_group_drops_out() {
    let s = two_groups(3_000, 7_000);
    let b =
        vec![ballot("leaders", &[(1, "excellent"), (2, "excellent")]), ballot("deputies", &[(1, "fair"), (2, "-")])];
    let r = run(&s, &[subj(1, "county"), subj(2, "county")], &b);
    // 0.3 × 100 + 0.7 × 50 = 65.
    assert_eq!(r[0].democratic, Some(q(65, 1)));
    // Subject 2: only the leaders graded it → D = their mean.
    assert_eq!(r[1].democratic, Some(q(100, 1)));
    assert_eq!(r[1].groups[1].n, 0);
    assert_eq!(r[1].groups[1].counts.abstain, 1);
    assert_eq!((r[1].rank, r[0].rank), (Some(1), Some(2)));
}

#[test]
fn a_subject_without_votes_has_no_grade_and_is_not_counted() {
    let mut s = scheme();
    s.rules.excellent_quota = Some(Frac::new(1, 2));
    let b = vec![ballot("all", &[(1, "excellent"), (2, "excellent"), (3, "-")])];
    let r = run(&s, &[subj(1, "county"), subj(2, "county"), subj(3, "county")], &b);
    assert_eq!((r[2].democratic.clone(), r[2].grade.clone(), r[2].rank), (None, None, None));
    // N = 2, so ⌊1/2 · 2⌋ = 1 stays 好.
    assert_eq!(grade(&r[0]), ("excellent", "band"));
    assert_eq!(grade(&r[1]), ("good", "excellent_quota"));
}

#[test]
fn the_poor_vote_rule_decides_before_the_bands() {
    let mut s = scheme();
    s.rules.poor_vote_threshold = Some(Frac::new(1, 3));
    // 6 好 and 4 差: D = 60 → 一般 by band, but 4/10 > 1/3 → 差.
    let mut b: Vec<_> = (0..6).map(|_| ballot("all", &[(1, "excellent"), (2, "excellent")])).collect();
    b.extend((0..4).map(|_| ballot("all", &[(1, "poor"), (2, "excellent")])));
    let r = run(&s, &[subj(1, "county"), subj(2, "county")], &b);
    assert_eq!(r[0].democratic, Some(q(60, 1)));
    assert_eq!(grade(&r[0]), ("poor", "poor_votes"));
    // Exactly at the threshold is not above it.
    let mut b: Vec<_> = (0..2).map(|_| ballot("all", &[(1, "excellent")])).collect();
    b.push(ballot("all", &[(1, "poor")]));
    let r = run(&s, &[subj(1, "county")], &b);
    assert_eq!(grade(&r[0]), ("fair", "band"));
}

#[test]
fn a_veto_caps_the_grade_and_keeps_the_rank() {
    let extras = Extras { vetoes: [1].into(), ..Default::default() };
    let b = vec![ballot("all", &[(1, "excellent"), (2, "good")])];
    let r = tally(&scheme(), &[subj(1, "county"), subj(2, "county")], &b, &extras).unwrap();
    assert_eq!(grade(&r[0]), ("poor", "veto"));
    assert_eq!(r[0].rank, Some(1));
    // A veto that changes nothing leaves the band as the deciding rule.
    let b = vec![ballot("all", &[(1, "poor")])];
    let r = tally(&scheme(), &[subj(1, "county")], &b, &extras).unwrap();
    assert_eq!(grade(&r[0]), ("poor", "band"));
}

#[test]
fn the_excellent_quota_keeps_the_best_ranked() {
    let mut s = scheme();
    s.rules.excellent_quota = Some(Frac::new(3, 10));
    // Four subjects, all 好 by band; ⌊0.3 · 4⌋ = 1 stays 好. Subject 3 ranks first.
    let mut b: Vec<_> = (0..9)
        .map(|_| ballot("all", &[(1, "excellent"), (2, "excellent"), (3, "excellent"), (4, "excellent")]))
        .collect();
    b.push(ballot("all", &[(1, "good"), (2, "good"), (3, "excellent"), (4, "good")]));
    let subjects: Vec<_> = (1..=4).map(|i| subj(i, "county")).collect();
    let r = run(&s, &subjects, &b);
    assert_eq!(grade(&r[2]), ("excellent", "band"));
    for i in [0, 1, 3] {
        assert_eq!(grade(&r[i]), ("good", "excellent_quota"));
    }
    // Ties on C and D are broken by presentation order: 1, 2, 4.
    assert_eq!(r.iter().map(|x| x.rank.unwrap()).collect::<Vec<_>>(), [2, 3, 1, 4]);
}

#[test]
fn the_gate_needs_an_excellent_routine_grade_and_promotes_nobody() {
    let mut s = scheme();
    s.rules.gate = true;
    s.rules.excellent_quota = Some(Frac::new(1, 2));
    let extras = Extras { routine_grades: [(2, RoutineGrade::Excellent)].into(), ..Default::default() };
    let b = vec![ballot("all", &[(1, "excellent"), (2, "excellent"), (3, "excellent"), (4, "excellent")])];
    let subjects: Vec<_> = (1..=4).map(|i| subj(i, "county")).collect();
    let r = tally(&s, &subjects, &b, &extras).unwrap();
    // Quota ⌊1/2 · 4⌋ = 2 keeps subjects 1 and 2 (order); the gate then
    // drops 1 (no routine 优秀); 3 does not move up.
    assert_eq!(grade(&r[0]), ("good", "gate"));
    assert_eq!(grade(&r[1]), ("excellent", "band"));
    assert_eq!(grade(&r[2]), ("good", "excellent_quota"));
}

#[test]
fn the_composite_weights_components_and_missing_values_block() {
    let mut s = scheme();
    s.components = vec![(Component::Democratic, Dec4(6_000)), (Component::Routine, Dec4(4_000))];
    let b = vec![ballot("all", &[(1, "good"), (2, "good")])];
    let subjects = [subj(1, "county"), subj(2, "county")];
    let mut extras = Extras::default();
    extras.components.insert((1, Component::Routine), Frac::new(90, 1));
    let err = tally(&s, &subjects, &b, &extras).unwrap_err();
    assert_eq!(err, vec![Missing { subject: 2, components: vec![Component::Routine] }]);
    extras.components.insert((2, Component::Routine), Frac::new(181, 2));
    let r = tally(&s, &subjects, &b, &extras).unwrap();
    // 0.6 × 80 + 0.4 × 90 = 84; 0.6 × 80 + 0.4 × 90.5 = 84.2.
    assert_eq!(r[0].composite, Some(q(84, 1)));
    assert_eq!(r[1].composite, Some(q(421, 5)));
    assert_eq!((r[1].rank, r[0].rank), (Some(1), Some(2)));
}

#[test]
fn ranking_breaks_ties_by_d_then_excellent_rate_then_poor_count_then_order() {
    // A five-grade scale so that equal means can hide different votes.
    let mut s = scheme();
    let g = |code: &str, points: i64| crate::cycles::scheme::Grade {
        code: code.into(),
        label: code.into(),
        points: Dec4::from_int(points),
    };
    s.grades = vec![g("excellent", 100), g("good", 75), g("fair", 50), g("weak", 25), g("poor", 0)];
    let later = |id: i64| TallySubject { id, category: "county".into(), order: 10 - id as i32 };
    // Excellent rate: s1 (好, 一般) and s2 (较好, 较好) both average 75; s1 has
    // 好 in half its votes, so it ranks first although it presents later.
    let b = vec![ballot("all", &[(1, "excellent"), (2, "good")]), ballot("all", &[(1, "fair"), (2, "good")])];
    let r = run(&s, &[later(1), later(2)], &b);
    assert_eq!((r[0].rank, r[1].rank), (Some(1), Some(2)));
    // Poor count: s1 (一般 ×3) and s2 (差, 较好, 较好) both average 50 with no
    // 好; s2 has a 差, so s1 ranks first although it presents later.
    let b = vec![
        ballot("all", &[(1, "fair"), (2, "poor")]),
        ballot("all", &[(1, "fair"), (2, "good")]),
        ballot("all", &[(1, "fair"), (2, "good")]),
    ];
    let r = run(&s, &[later(1), later(2)], &b);
    assert_eq!((r[0].rank, r[1].rank), (Some(1), Some(2)));
    // Everything equal: presentation order.
    let b = vec![ballot("all", &[(1, "good"), (2, "good")])];
    let r = run(&s, &[later(1), later(2)], &b);
    assert_eq!((r[0].rank, r[1].rank), (Some(2), Some(1)));
}

#[test]
fn categories_are_ranked_and_graded_separately() {
    let mut s = scheme();
    s.rules.excellent_quota = Some(Frac::new(1, 1));
    let b = vec![ballot("all", &[(1, "excellent"), (2, "good"), (3, "fair")])];
    let r = run(&s, &[subj(1, "county"), subj(2, "township"), subj(3, "township")], &b);
    assert_eq!(r.iter().map(|x| x.rank.unwrap()).collect::<Vec<_>>(), [1, 1, 2]);
}

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(round2(&q(1007, 12)), "83.92");
    assert_eq!(round2(&q(1, 8)), "0.13");
    assert_eq!(round2(&q(-1, 8)), "-0.13");
    assert_eq!(round2(&q(100, 1)), "100.00");
    assert_eq!(round2(&q(1, 1000)), "0.00");
    assert_eq!(exact_string(&q(2, 4)), "1/2");
}

// ---------- properties ----------

fn grade_code(i: u8) -> &'static str {
    ["excellent", "good", "fair", "poor", "-"][i as usize % 5]
}

prop_compose! {
    fn ballots()(raw in prop::collection::vec((0u8..2, prop::collection::vec(0u8..5, 4)), 1..40)) -> Vec<TallyBallot> {
        raw.into_iter()
            .map(|(g, marks)| {
                let group = if g == 0 { "leaders" } else { "deputies" };
                let marks: Vec<(i64, &str)> = marks.iter().enumerate().map(|(i, m)| (i as i64 + 1, grade_code(*m))).collect();
                ballot(group, &marks)
            })
            .collect()
    }
}

fn subjects4() -> Vec<TallySubject> {
    (1..=4).map(|i| subj(i, "county")).collect()
}

proptest! {
    #[test]
    fn results_do_not_depend_on_ballot_order(b in ballots(), trim in 0u32..3) {
        let mut s = two_groups(3_500, 6_500);
        s.trim = trim;
        s.rules.excellent_quota = Some(Frac::new(1, 2));
        let forward = run(&s, &subjects4(), &b);
        let mut rev = b.clone();
        rev.reverse();
        prop_assert_eq!(forward, run(&s, &subjects4(), &rev));
    }

    #[test]
    fn counts_kept_in_batches_give_the_same_results(b in ballots(), trim in 0u32..3, cut in 0usize..40) {
        // As the store keeps them: each batch's counts added to the running totals.
        let mut s = two_groups(3_500, 6_500);
        s.trim = trim;
        let cut = cut.min(b.len());
        let mut kept = Accumulator::from_ballots(&s, &b[..cut]);
        for (c, n) in Accumulator::from_ballots(&s, &b[cut..]).counts {
            kept.add(c, n);
        }
        let from_counts = tally_counts(&s, &subjects4(), &kept, &Extras::default()).unwrap();
        prop_assert_eq!(from_counts, run(&s, &subjects4(), &b));
    }

    #[test]
    fn d_lies_between_the_group_means_and_the_scale(b in ballots(), trim in 0u32..3) {
        let mut s = two_groups(2_000, 8_000);
        s.trim = trim;
        for r in run(&s, &subjects4(), &b) {
            let means: Vec<&Q> = r.groups.iter().filter_map(|g| g.mean.as_ref()).collect();
            match &r.democratic {
                Some(d) => {
                    prop_assert!(means.iter().all(|m| *m >= &q(0, 1) && *m <= &q(100, 1)));
                    prop_assert!(d >= *means.iter().min().unwrap() && d <= *means.iter().max().unwrap());
                }
                None => prop_assert!(means.is_empty()),
            }
        }
    }

    #[test]
    fn a_group_that_does_not_grade_a_subject_leaves_its_d_unchanged(b in ballots()) {
        let s = two_groups(5_000, 5_000);
        let leaders: Vec<TallyBallot> = b.iter().filter(|x| x.group == "leaders").cloned().collect();
        // The deputies abstain on subject 1 (and grade the others as they like).
        let mut with_deputies = leaders.clone();
        with_deputies.extend(b.iter().filter(|x| x.group == "deputies").map(|x| {
            let mut x = x.clone();
            x.marks.insert(1, Mark::Abstain);
            x
        }));
        let alone = run(&s, &subjects4(), &leaders);
        let both = run(&s, &subjects4(), &with_deputies);
        prop_assert_eq!(&alone[0].democratic, &both[0].democratic);
    }

    #[test]
    fn trimming_happens_only_from_2k_plus_3_scores(n in 1usize..12, k in 0u32..4, seed in prop::collection::vec(0u8..4, 12)) {
        let mut s = scheme();
        s.trim = k;
        let b: Vec<_> = seed.iter().take(n).map(|g| ballot("all", &[(1, grade_code(*g))])).collect();
        let r = &run(&s, &[subj(1, "county")], &b)[0];
        let plain: i64 = seed.iter().take(n).map(|g| [100, 80, 50, 0][*g as usize]).sum();
        let g = &r.groups[0];
        prop_assert_eq!(g.trimmed, k > 0 && n >= 2 * k as usize + 3);
        if !g.trimmed {
            prop_assert_eq!(g.mean.clone(), Some(q(plain, n as i64)));
        }
    }
}
