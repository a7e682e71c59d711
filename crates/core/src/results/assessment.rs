//! The review meeting (评议会) and the other assessment inputs: who is
//! presenting, the per-subject routine score, observation and service
//! scores when entered by hand, routine grade (for the gate) and veto.

use crate::cycles::scheme::Component;
use crate::exact::Dec4;
use crate::ids::PersonId;
use crate::results::tally::{Extras, RoutineGrade};

impl RoutineGrade {
    pub const ALL: [RoutineGrade; 4] = [Self::Excellent, Self::Competent, Self::BasicallyCompetent, Self::Incompetent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Excellent => "excellent",
            Self::Competent => "competent",
            Self::BasicallyCompetent => "basically_competent",
            Self::Incompetent => "incompetent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The Chinese name, as written in sheets (优秀/称职/基本称职/不称职).
    pub fn zh(self) -> &'static str {
        match self {
            Self::Excellent => "优秀",
            Self::Competent => "称职",
            Self::BasicallyCompetent => "基本称职",
            Self::Incompetent => "不称职",
        }
    }

    /// From a sheet cell: the code or the Chinese name.
    pub fn from_cell(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.into_iter().find(|g| g.as_str() == t || g.zh() == t)
    }
}

/// What the organizer entered for one subject besides the ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub subject: PersonId,
    /// 日常考核 (0–100).
    pub routine: Option<Dec4>,
    /// 现场观摩 (0–100), until observation ballots compute it.
    pub observation: Option<Dec4>,
    /// 双报到 (0–100), until the community module computes it.
    pub service: Option<Dec4>,
    pub routine_grade: Option<RoutineGrade>,
    /// 一票否决: the reason; none means no veto.
    pub veto_reason: Option<String>,
}

impl Assessment {
    /// Nothing entered yet.
    pub fn new(subject: PersonId) -> Self {
        Self { subject, routine: None, observation: None, service: None, routine_grade: None, veto_reason: None }
    }

    pub fn value(&self, c: Component) -> Option<Dec4> {
        match c {
            Component::Democratic => None,
            Component::Routine => self.routine,
            Component::Observation => self.observation,
            Component::Service => self.service,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.routine.is_none()
            && self.observation.is_none()
            && self.service.is_none()
            && self.routine_grade.is_none()
            && self.veto_reason.is_none()
    }
}

/// The engine's extras from the entered assessments.
pub fn extras(rows: &[Assessment]) -> Extras {
    let mut e = Extras::default();
    for a in rows {
        for c in [Component::Routine, Component::Observation, Component::Service] {
            if let Some(v) = a.value(c) {
                e.components.insert((a.subject.0, c), v.as_frac());
            }
        }
        if a.veto_reason.is_some() {
            e.vetoes.insert(a.subject.0);
        }
        if let Some(g) = a.routine_grade {
            e.routine_grades.insert(a.subject.0, g);
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_carry_values_vetoes_and_grades() {
        let a = Assessment {
            routine: Some(Dec4::parse("87.5").unwrap()),
            routine_grade: Some(RoutineGrade::Excellent),
            veto_reason: Some("安全生产事故".into()),
            ..Assessment::new(PersonId(7))
        };
        let e = extras(&[a, Assessment::new(PersonId(8))]);
        assert_eq!(e.components.len(), 1);
        assert_eq!(e.components[&(7, Component::Routine)], crate::exact::Frac::new(175, 2));
        assert!(e.vetoes.contains(&7) && !e.vetoes.contains(&8));
        assert_eq!(e.routine_grades.get(&7), Some(&RoutineGrade::Excellent));
        assert_eq!(RoutineGrade::from_cell(" 基本称职 "), Some(RoutineGrade::BasicallyCompetent));
        assert_eq!(RoutineGrade::from_cell("good"), None);
    }
}
