//! Vote counts kept as ballots arrive: what each ballot contributes to each
//! subject, counted so that results are ready the moment voting closes
//! (`scoring.md` §3; the tally reads them in `results::tally`).

use crate::cycles::scheme::Scheme;
use crate::exact::Dec4;
use std::collections::{BTreeMap, HashMap};

/// What a ballot says about one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// 不了解: no points, left out of every mean and rate.
    Abstain,
    /// A grade code per item code.
    Grades(crate::voting::grades::Grades),
}

/// A final ballot as the engine sees it: its group and its marks by subject id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyBallot {
    pub group: String,
    pub marks: BTreeMap<i64, Mark>,
}

/// The scale factor of a ballot score: points (×10⁴) × item weights (×10⁴).
pub(crate) const X_SCALE: i128 = 100_000_000;

/// What one ballot contributes to one subject: its group, and either
/// abstain (`None`) or its score x(b,s) with the index of its overall grade.
/// Marks that are not complete (an item without a known grade) contribute nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Contribution {
    pub subject: i64,
    /// Shared by a ballot's contributions (one allocation per ballot, not
    /// one per subject).
    pub group: std::sync::Arc<str>,
    /// (x(b,s) scaled by 10⁸, index of the overall grade), or `None` for 不了解.
    pub score: Option<(i64, usize)>,
}

/// The contributions of one ballot (one per subject at most).
pub fn contributions(scheme: &Scheme, group: &str, marks: &BTreeMap<i64, Mark>) -> Vec<Contribution> {
    let grades: HashMap<&str, (usize, Dec4), foldhash::fast::RandomState> =
        scheme.grades.iter().enumerate().map(|(i, g)| (g.code.as_str(), (i, g.points))).collect();
    let overall = scheme.items.iter().find(|i| i.overall).map(|i| i.code.as_str());
    let group: std::sync::Arc<str> = group.into();
    let mut out = Vec::with_capacity(marks.len());
    for (sid, mark) in marks {
        let score = match mark {
            Mark::Abstain => None,
            Mark::Grades(by_item) => {
                let mut x: i64 = 0;
                let mut complete = true;
                for item in &scheme.items {
                    match by_item.get(&item.code).and_then(|code| grades.get(code)) {
                        Some((_, points)) => x += item.weight.0 * points.0,
                        None => complete = false,
                    }
                }
                match (complete, overall.and_then(|o| by_item.get(o)).and_then(|c| grades.get(c))) {
                    (true, Some((gi, _))) => Some((x, *gi)),
                    _ => continue,
                }
            }
        };
        out.push(Contribution { subject: *sid, group: group.clone(), score });
    }
    out
}

/// Counts of contributions: what the tally needs of the ballots. Kept as
/// ballots arrive (so results are ready the moment voting closes) or built
/// from the ballots; both give the same result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accumulator {
    pub counts: BTreeMap<Contribution, u64>,
}

impl Accumulator {
    pub fn add(&mut self, c: Contribution, n: u64) {
        *self.counts.entry(c).or_insert(0) += n;
    }

    pub fn from_ballots(scheme: &Scheme, ballots: &[TallyBallot]) -> Self {
        let mut acc = Self::default();
        for b in ballots {
            for c in contributions(scheme, &b.group, &b.marks) {
                acc.add(c, 1);
            }
        }
        acc
    }
}
