//! Assessment cycles (`Cycle`): the phases of a year's round and the rules
//! for moving from one to the next.

use crate::error::Msg;
use serde::{Deserialize, Serialize};

/// The phases of a cycle, in order. A cycle only moves forward, one phase
/// at a time, by the organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 准备: scheme, categories and rosters are set up.
    Preparation,
    /// 述职: subjects write and submit their reports.
    Reporting,
    /// 评议: evaluators read and vote; the scheme is frozen from here on.
    Evaluation,
    /// 计票: results are computed and checked.
    Tally,
    /// 反馈: feedback sheets go out.
    Feedback,
    /// 整改: rectification until sign-off.
    Rectification,
    /// 归档: read-only.
    Archived,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Self::Preparation,
        Self::Reporting,
        Self::Evaluation,
        Self::Tally,
        Self::Feedback,
        Self::Rectification,
        Self::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preparation => "preparation",
            Self::Reporting => "reporting",
            Self::Evaluation => "evaluation",
            Self::Tally => "tally",
            Self::Feedback => "feedback",
            Self::Rectification => "rectification",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label_key(self) -> String {
        format!("phase-{}", self.as_str())
    }

    /// The phase after this one, if any.
    pub fn next(self) -> Option<Phase> {
        Self::ALL.iter().position(|p| *p == self).and_then(|i| Self::ALL.get(i + 1)).copied()
    }

    /// The scheme is frozen once evaluation opens (`scoring.md` §1).
    pub fn scheme_frozen(self) -> bool {
        self >= Self::Evaluation
    }

    /// Rosters change by hand until evaluation opens.
    pub fn rosters_editable(self) -> bool {
        self < Self::Evaluation
    }
}

/// Named (实名, the default) or anonymous (无记名) ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotMode {
    #[default]
    Named,
    Anonymous,
}

/// What the checks for a phase move need to know about the cycle.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    /// How many problems the scheme has (0: valid).
    pub scheme_problems: usize,
    pub subjects: usize,
    pub evaluators: usize,
    /// Voting is open (it must be closed before the tally).
    pub voting_open: bool,
    /// Results are finalized (needed before feedback).
    pub results_final: bool,
}

/// Check a move from `from` to `to`; every reason it cannot happen.
pub fn check_advance(from: Phase, to: Phase, r: &Readiness) -> Result<(), Vec<Msg>> {
    if from.next() != Some(to) {
        return Err(vec![Msg::new("err-phase-order").arg("from", from.as_str()).arg("to", to.as_str())]);
    }
    let mut errs = Vec::new();
    match to {
        Phase::Reporting if r.subjects == 0 => errs.push(Msg::new("err-phase-no-subjects")),
        Phase::Evaluation => {
            if r.scheme_problems > 0 {
                errs.push(Msg::new("err-phase-scheme-invalid").arg("count", r.scheme_problems));
            }
            if r.subjects == 0 {
                errs.push(Msg::new("err-phase-no-subjects"));
            }
            if r.evaluators == 0 {
                errs.push(Msg::new("err-phase-no-evaluators"));
            }
        }
        Phase::Tally if r.voting_open => errs.push(Msg::new("err-phase-voting-open")),
        Phase::Feedback if !r.results_final => errs.push(Msg::new("err-phase-results-not-final")),
        _ => {}
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Readiness {
        Readiness { scheme_problems: 0, subjects: 66, evaluators: 300, voting_open: false, results_final: true }
    }

    #[test]
    fn phases_move_forward_one_at_a_time() {
        assert_eq!(Phase::Preparation.next(), Some(Phase::Reporting));
        assert_eq!(Phase::Archived.next(), None);
        assert!(check_advance(Phase::Preparation, Phase::Reporting, &ready()).is_ok());
        let e = check_advance(Phase::Preparation, Phase::Evaluation, &ready()).unwrap_err();
        assert_eq!(e[0].key, "err-phase-order");
        assert!(check_advance(Phase::Reporting, Phase::Preparation, &ready()).is_err());
    }

    #[test]
    fn evaluation_needs_a_valid_scheme_and_both_rosters() {
        let r = Readiness { scheme_problems: 2, subjects: 0, evaluators: 0, ..ready() };
        let keys: Vec<_> =
            check_advance(Phase::Reporting, Phase::Evaluation, &r).unwrap_err().iter().map(|m| m.key).collect();
        assert_eq!(keys, ["err-phase-scheme-invalid", "err-phase-no-subjects", "err-phase-no-evaluators"]);
        assert!(check_advance(Phase::Reporting, Phase::Evaluation, &ready()).is_ok());
    }

    #[test]
    fn tally_waits_for_closed_voting_and_feedback_for_final_results() {
        let open = Readiness { voting_open: true, ..ready() };
        assert!(check_advance(Phase::Evaluation, Phase::Tally, &open).is_err());
        let draft = Readiness { results_final: false, ..ready() };
        assert!(check_advance(Phase::Tally, Phase::Feedback, &draft).is_err());
    }

    #[test]
    fn the_scheme_freezes_when_evaluation_opens() {
        assert!(!Phase::Reporting.scheme_frozen());
        assert!(Phase::Evaluation.scheme_frozen());
        assert!(Phase::Reporting.rosters_editable() && !Phase::Tally.rosters_editable());
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
    }
}
