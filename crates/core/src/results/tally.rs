//! The scoring engine (`scoring.md` §3–§6): pure and exact. Ballot scores
//! are integers (points × item weights, scaled by 10⁸); means, the
//! democratic score, the composite and the rates are big rationals, so no
//! count of ballots can overflow and nothing is ever rounded before display.

use crate::cycles::scheme::{Component, Scheme};
use crate::exact::{Dec4, Frac};
use crate::voting::counts::{Accumulator, TallyBallot, X_SCALE};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// An exact rational.
pub type Q = BigRational;

/// A subject: its category and presentation order (the last tie-breaker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallySubject {
    pub id: i64,
    pub category: String,
    pub order: i32,
}

/// The routine-assessment grade (日常考核等次), used by the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoutineGrade {
    /// 优秀
    Excellent,
    /// 称职
    Competent,
    /// 基本称职
    BasicallyCompetent,
    /// 不称职
    Incompetent,
}

/// Everything a tally needs besides the ballots.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Values (0–100) of the routine, observation and service components.
    pub components: HashMap<(i64, Component), Frac>,
    /// Subjects with a recorded veto (一票否决).
    pub vetoes: HashSet<i64>,
    pub routine_grades: HashMap<i64, RoutineGrade>,
}

/// The rule that decided an overall grade (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    PoorVotes,
    Band,
    Veto,
    ExcellentQuota,
    Gate,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PoorVotes => "poor_votes",
            Self::Band => "band",
            Self::Veto => "veto",
            Self::ExcellentQuota => "excellent_quota",
            Self::Gate => "gate",
        }
    }
}

/// Vote counts on the overall item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    /// Per grade of the scale, best first.
    pub per_grade: Vec<u64>,
    pub abstain: u64,
}

impl Counts {
    /// Ballots that graded the subject (abstentions excluded).
    pub fn n(&self) -> u64 {
        self.per_grade.iter().sum()
    }

    fn rate(&self, count: u64) -> Option<Q> {
        let n = self.n();
        (n > 0).then(|| Q::new(BigInt::from(count), BigInt::from(n)))
    }

    /// 好评率: count(好) / N.
    pub fn excellent_rate(&self) -> Option<Q> {
        self.rate(self.per_grade.first().copied().unwrap_or(0))
    }

    /// (count(好) + count(较好)) / N.
    pub fn approval_rate(&self) -> Option<Q> {
        self.rate(self.per_grade.iter().take(2).sum())
    }

    /// count(差) / N.
    pub fn poor_rate(&self) -> Option<Q> {
        self.rate(self.poor_count())
    }

    pub fn poor_count(&self) -> u64 {
        self.per_grade.last().copied().unwrap_or(0)
    }
}

/// One evaluator group's part in a subject's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    pub group: String,
    /// n(g,s): ballots of the group that graded the subject.
    pub n: u64,
    /// m(g,s), trimmed when n ≥ 2k + 3; none when n = 0.
    pub mean: Option<Q>,
    pub trimmed: bool,
    pub counts: Counts,
}

/// The result of one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectResult {
    pub subject: i64,
    pub category: String,
    /// D(s); none: "no votes".
    pub democratic: Option<Q>,
    /// C(s), for subjects with D(s).
    pub composite: Option<Q>,
    pub counts: Counts,
    pub groups: Vec<GroupResult>,
    /// Code of the overall grade and the rule that decided it.
    pub grade: Option<(String, Rule)>,
    /// 1…N within the category.
    pub rank: Option<u32>,
}

impl SubjectResult {
    /// 好评率: count(好) / N_s.
    pub fn excellent_rate(&self) -> Option<Q> {
        self.counts.excellent_rate()
    }

    /// (count(好) + count(较好)) / N_s.
    pub fn approval_rate(&self) -> Option<Q> {
        self.counts.approval_rate()
    }

    /// count(差) / N_s.
    pub fn poor_rate(&self) -> Option<Q> {
        self.counts.poor_rate()
    }

    pub fn poor_count(&self) -> u64 {
        self.counts.poor_count()
    }
}

/// A subject that cannot have a composite yet: the weighted components it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub subject: i64,
    pub components: Vec<Component>,
}

pub fn q_int(n: i128) -> Q {
    Q::from_integer(BigInt::from(n))
}

pub fn q_dec4(d: Dec4) -> Q {
    Q::new(BigInt::from(d.0), BigInt::from(10_000))
}

pub fn q_frac(f: Frac) -> Q {
    Q::new(BigInt::from(f.num()), BigInt::from(f.den()))
}

/// The exact value as a reduced fraction string: `"1007/12"`, or `"85"`.
pub fn exact_string(q: &Q) -> String {
    if q.denom() == &BigInt::from(1) { q.numer().to_string() } else { format!("{}/{}", q.numer(), q.denom()) }
}

/// Rounded half away from zero to 2 decimals, for display (`scoring.md` §0).
pub fn round2(q: &Q) -> String {
    let hundred = q_int(100);
    let half = Q::new(BigInt::from(1), BigInt::from(2));
    let scaled = q.abs() * hundred;
    let r = (scaled + half).floor().to_integer();
    let (int, frac) = (&r / 100, &r % 100);
    let sign = if q.is_negative() && !r.is_zero() { "-" } else { "" };
    format!("{sign}{int}.{frac:0>2}")
}

/// Tally the final ballots (§3–§6). Marks of unknown subjects, groups or
/// grades are ignored (validation refuses them before they are stored).
/// Fails, listing them, when subjects with a democratic score lack a value
/// for a weighted component.
pub fn tally(
    scheme: &Scheme,
    subjects: &[TallySubject],
    ballots: &[TallyBallot],
    extras: &Extras,
) -> Result<Vec<SubjectResult>, Vec<Missing>> {
    tally_counts(scheme, subjects, &Accumulator::from_ballots(scheme, ballots), extras)
}

/// Tally from counts (see [`Accumulator`]).
pub fn tally_counts(
    scheme: &Scheme,
    subjects: &[TallySubject],
    acc: &Accumulator,
    extras: &Extras,
) -> Result<Vec<SubjectResult>, Vec<Missing>> {
    let group_index: HashMap<&str, usize> =
        scheme.groups.iter().enumerate().map(|(i, g)| (g.code.as_str(), i)).collect();
    let subject_index: HashMap<i64, usize> = subjects.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let empty = || Counts { per_grade: vec![0; scheme.grades.len()], abstain: 0 };

    // Scores x(b,s) with their multiplicities, and counts, per (subject, group).
    let mut xs: Vec<Vec<Vec<(i128, u64)>>> = vec![vec![Vec::new(); scheme.groups.len()]; subjects.len()];
    let mut counts: Vec<Vec<Counts>> = vec![vec![empty(); scheme.groups.len()]; subjects.len()];
    for (c, &n) in &acc.counts {
        let (Some(&g), Some(&s)) = (group_index.get(&*c.group), subject_index.get(&c.subject)) else {
            continue;
        };
        match c.score {
            None => counts[s][g].abstain += n,
            Some((x, gi)) if gi < scheme.grades.len() => {
                xs[s][g].push((i128::from(x), n));
                counts[s][g].per_grade[gi] += n;
            }
            Some(_) => {}
        }
    }

    let k = scheme.trim as usize;
    let mut results: Vec<SubjectResult> = Vec::with_capacity(subjects.len());
    let mut missing = Vec::new();
    for (si, subj) in subjects.iter().enumerate() {
        let mut groups = Vec::with_capacity(scheme.groups.len());
        let (mut num, mut den) = (Q::zero(), Q::zero());
        let mut total = empty();
        for (gi, group) in scheme.groups.iter().enumerate() {
            let mut x = std::mem::take(&mut xs[si][gi]);
            let c = counts[si][gi].clone();
            for (t, v) in total.per_grade.iter_mut().zip(&c.per_grade) {
                *t += v;
            }
            total.abstain += c.abstain;
            let n = c.n() as usize;
            let trimmed = k > 0 && n >= 2 * k + 3;
            let mean = (n > 0).then(|| {
                x.sort_unstable();
                let drop = if trimmed { k as u64 } else { 0 };
                let sum = trimmed_sum(&x, drop);
                let kept = n as u64 - 2 * drop;
                Q::new(sum, BigInt::from(i128::from(kept) * X_SCALE))
            });
            if let Some(m) = &mean {
                let w = q_dec4(group.weight);
                num += &w * m;
                den += w;
            }
            groups.push(GroupResult { group: group.code.clone(), n: n as u64, mean, trimmed, counts: c });
        }
        let democratic = (!den.is_zero()).then(|| num / den);
        let mut composite = None;
        if let Some(d) = &democratic {
            let mut c = Q::zero();
            let mut lacks = Vec::new();
            for (component, weight) in &scheme.components {
                if weight.0 == 0 {
                    continue;
                }
                let value = match component {
                    Component::Democratic => Some(d.clone()),
                    other => extras.components.get(&(subj.id, *other)).map(|f| q_frac(*f)),
                };
                match value {
                    Some(v) => c += q_dec4(*weight) * v,
                    None => lacks.push(*component),
                }
            }
            if lacks.is_empty() {
                composite = Some(c);
            } else {
                missing.push(Missing { subject: subj.id, components: lacks });
            }
        }
        results.push(SubjectResult {
            subject: subj.id,
            category: subj.category.clone(),
            democratic,
            composite,
            counts: total,
            groups,
            grade: None,
            rank: None,
        });
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    grade_and_rank(scheme, subjects, &mut results, extras);
    Ok(results)
}

/// The sum of sorted scores with multiplicities, leaving out the `drop`
/// lowest and the `drop` highest.
fn trimmed_sum(sorted: &[(i128, u64)], drop: u64) -> BigInt {
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    let (lo, hi) = (drop, total - drop);
    let mut sum = BigInt::zero();
    let mut at = 0u64;
    for (x, n) in sorted {
        // This run covers positions at..at+n; keep those within lo..hi.
        let keep = (at + n).min(hi).saturating_sub(at.max(lo));
        sum += BigInt::from(*x) * BigInt::from(keep);
        at += n;
    }
    sum
}

/// §6: C desc, D desc, excellent rate desc, count of 差 asc, order asc.
fn rank_order(a: &SubjectResult, b: &SubjectResult, order: &HashMap<i64, i32>) -> Ordering {
    b.composite
        .cmp(&a.composite)
        .then_with(|| b.democratic.cmp(&a.democratic))
        .then_with(|| b.excellent_rate().cmp(&a.excellent_rate()))
        .then_with(|| a.poor_count().cmp(&b.poor_count()))
        .then_with(|| order.get(&a.subject).cmp(&order.get(&b.subject)))
}

/// §5 and §6, category by category, over the subjects with D(s).
fn grade_and_rank(scheme: &Scheme, subjects: &[TallySubject], results: &mut [SubjectResult], extras: &Extras) {
    let order: HashMap<i64, i32> = subjects.iter().map(|s| (s.id, s.order)).collect();
    let grade_idx: HashMap<&str, usize> = scheme.grades.iter().enumerate().map(|(i, g)| (g.code.as_str(), i)).collect();
    let last = scheme.grades.len().saturating_sub(1);
    let second = 1.min(last);
    let rules = &scheme.rules;
    let veto_idx = grade_idx.get(rules.veto_grade.as_str()).copied().unwrap_or(last);
    let mut categories: Vec<&str> = Vec::new();
    for s in subjects {
        if !categories.contains(&s.category.as_str()) {
            categories.push(&s.category);
        }
    }
    for cat in categories {
        let mut idx: Vec<usize> =
            (0..results.len()).filter(|&i| results[i].category == cat && results[i].composite.is_some()).collect();
        idx.sort_by(|&a, &b| rank_order(&results[a], &results[b], &order));
        let n = idx.len();
        // (grade index, rule, decided by the poor-vote rule)
        let mut graded: Vec<(usize, Rule, bool)> = Vec::with_capacity(n);
        for &i in &idx {
            let r = &results[i];
            if let (Some(t), Some(rate)) = (rules.poor_vote_threshold, r.poor_rate())
                && rate > q_frac(t)
            {
                graded.push((last, Rule::PoorVotes, true));
                continue;
            }
            let c = r.composite.as_ref().expect("graded subjects have a composite");
            let band = rules.bands.iter().find(|b| *c >= q_dec4(b.threshold)).or(rules.bands.last());
            let mut g = band.and_then(|b| grade_idx.get(b.grade.as_str()).copied()).unwrap_or(last);
            let mut rule = Rule::Band;
            if extras.vetoes.contains(&r.subject) && veto_idx > g {
                g = veto_idx;
                rule = Rule::Veto;
            }
            graded.push((g, rule, false));
        }
        if let Some(q) = rules.excellent_quota {
            let limit = (q_frac(q) * q_int(n as i128)).floor().to_integer();
            let mut kept = BigInt::zero();
            for gr in graded.iter_mut().filter(|g| !g.2 && g.0 == 0) {
                if kept < limit {
                    kept += 1;
                } else {
                    *gr = (second, Rule::ExcellentQuota, false);
                }
            }
        }
        if rules.gate {
            for (pos, gr) in graded.iter_mut().enumerate() {
                let subject = results[idx[pos]].subject;
                if !gr.2 && gr.0 == 0 && extras.routine_grades.get(&subject) != Some(&RoutineGrade::Excellent) {
                    *gr = (second, Rule::Gate, false);
                }
            }
        }
        for (pos, &i) in idx.iter().enumerate() {
            let (g, rule, _) = graded[pos];
            results[i].grade = Some((scheme.grades[g].code.clone(), rule));
            results[i].rank = Some(pos as u32 + 1);
        }
    }
}

#[cfg(test)]
mod tests;
