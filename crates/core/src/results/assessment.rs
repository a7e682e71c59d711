//! The assessment inputs besides the ballots, per subject: component
//! values entered by hand (read through their sources,
//! [`crate::results::components`]), the routine grade (for the gate) and
//! the veto.

use crate::cycles::scheme::Component;
use crate::exact::Dec4;
use crate::ids::PersonId;
use crate::results::tally::{Extras, RoutineGrade};
use std::collections::HashMap;

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

    pub fn set(&mut self, c: Component, v: Option<Dec4>) {
        match c {
            Component::Democratic => {}
            Component::Routine => self.routine = v,
            Component::Observation => self.observation = v,
            Component::Service => self.service = v,
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

/// The engine's extras: the component values (from their sources) and the
/// entered vetoes and routine grades.
pub fn extras(rows: &[Assessment], values: &HashMap<(PersonId, Component), Dec4>) -> Extras {
    let mut e = Extras::default();
    for ((p, c), v) in values {
        e.components.insert((p.0, *c), v.as_frac());
    }
    for a in rows {
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
        let mut x = Assessment::new(PersonId(8));
        x.set(Component::Service, Some(Dec4::from_int(90)));
        assert_eq!(x.value(Component::Service), Some(Dec4::from_int(90)));
        let values = HashMap::from([((PersonId(7), Component::Routine), a.routine.unwrap())]);
        let e = extras(&[a, x], &values);
        assert_eq!(e.components.len(), 1, "only the values the sources gave");
        assert_eq!(e.components[&(7, Component::Routine)], crate::exact::Frac::new(175, 2));
        assert!(e.vetoes.contains(&7) && !e.vetoes.contains(&8));
        assert_eq!(e.routine_grades.get(&7), Some(&RoutineGrade::Excellent));
        assert_eq!(RoutineGrade::from_cell(" 基本称职 "), Some(RoutineGrade::BasicallyCompetent));
        assert_eq!(RoutineGrade::from_cell("good"), None);
    }
}
