//! The scoring scheme of a cycle (`scoring.md` §1): grade scale, items,
//! evaluator groups, trimming, the ballot quota, composite components and
//! the overall-grade rules — with the defaults of the contract and a
//! validation that names the offending set.

use crate::error::{FieldError, Msg};
use crate::exact::{Dec4, Frac};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A grade of the scale, best first (好 = the first, 差 = the last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// Stable code, e.g. `excellent`.
    pub code: String,
    pub label: String,
    /// 0–100.
    pub points: Dec4,
}

/// An item graded on every ballot (评议内容).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub label: String,
    pub weight: Dec4,
    /// The overall item (综合评价), used for vote shares and quotas.
    pub overall: bool,
}

/// An evaluator group (评议人类别) and the subject categories it grades.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub code: String,
    pub label: String,
    pub weight: Dec4,
    /// Codes of the subject categories this group grades.
    pub categories: Vec<String>,
}

/// A component of the composite score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// §3, from the ballots.
    Democratic,
    /// 日常考核, entered or imported.
    Routine,
    /// 现场观摩, from observation ballots.
    Observation,
    /// 双报到, from the community module.
    Service,
}

impl Component {
    pub const ALL: [Component; 4] = [Self::Democratic, Self::Routine, Self::Observation, Self::Service];

    /// The message key of its name (`component-…`).
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Democratic => "component-democratic",
            Self::Routine => "component-routine",
            Self::Observation => "component-observation",
            Self::Service => "component-service",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Democratic => "democratic",
            Self::Routine => "routine",
            Self::Observation => "observation",
            Self::Service => "service",
        }
    }
}

/// One band of the overall grade: a composite at or above `threshold` gets `grade`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub threshold: Dec4,
    pub grade: String,
}

/// §5: how the overall grade is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRules {
    /// The grade a veto (一票否决) caps at.
    pub veto_grade: String,
    /// Poor rate above which the subject is 差 (none: no such rule).
    pub poor_vote_threshold: Option<Frac>,
    /// Best band first; the last band's grade applies below every threshold.
    pub bands: Vec<Band>,
    /// At most ⌊q·N⌋ subjects of a category stay 好 (none: no quota).
    pub excellent_quota: Option<Frac>,
    /// 好 needs a routine-assessment grade of 优秀.
    pub gate: bool,
}

/// The whole scheme of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub grades: Vec<Grade>,
    pub items: Vec<Item>,
    pub groups: Vec<Group>,
    /// Drop the k highest and k lowest scores of a group when n ≥ 2k + 3.
    pub trim: u32,
    /// Per ballot, at most ⌊q_b·M⌋ 好 on the overall item within a category.
    pub ballot_quota: Option<Frac>,
    pub components: Vec<(Component, Dec4)>,
    pub rules: GradeRules,
}

/// The largest trim the editor accepts.
pub const TRIM_MAX: u32 = 10;

impl Scheme {
    /// The contract's defaults for a cycle with these category codes.
    pub fn default_for(categories: &[String]) -> Self {
        let grade = |code: &str, label: &str, points: i64| Grade {
            code: code.into(),
            label: label.into(),
            points: Dec4::from_int(points),
        };
        Scheme {
            grades: vec![
                grade("excellent", "好", 100),
                grade("good", "较好", 80),
                grade("fair", "一般", 50),
                grade("poor", "差", 0),
            ],
            items: vec![Item {
                code: "overall".into(), label: "综合评价".into(), weight: Dec4::ONE, overall: true
            }],
            groups: vec![Group {
                code: "all".into(),
                label: "评议人员".into(),
                weight: Dec4::ONE,
                categories: categories.to_vec(),
            }],
            trim: 0,
            ballot_quota: None,
            components: vec![
                (Component::Democratic, Dec4::ONE),
                (Component::Routine, Dec4::ZERO),
                (Component::Observation, Dec4::ZERO),
                (Component::Service, Dec4::ZERO),
            ],
            rules: GradeRules {
                veto_grade: "poor".into(),
                poor_vote_threshold: None,
                bands: vec![
                    Band { threshold: Dec4::from_int(90), grade: "excellent".into() },
                    Band { threshold: Dec4::from_int(80), grade: "good".into() },
                    Band { threshold: Dec4::from_int(60), grade: "fair".into() },
                    Band { threshold: Dec4::ZERO, grade: "poor".into() },
                ],
                excellent_quota: None,
                gate: false,
            },
        }
    }

    /// The label of an evaluator group (the code itself if unknown).
    pub fn group_label(&self, code: &str) -> String {
        self.groups.iter().find(|g| g.code == code).map_or_else(|| code.to_string(), |g| g.label.clone())
    }

    /// The weight of a component (0 when absent).
    pub fn weight_of(&self, c: Component) -> Dec4 {
        self.components.iter().find(|(k, _)| *k == c).map(|(_, w)| *w).unwrap_or_default()
    }

    /// Every problem with the scheme, each naming what is wrong; `categories`
    /// are the cycle's category codes.
    pub fn validate(&self, categories: &[String]) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut err = |field: &str, msg: Msg| errs.push(FieldError::new(field, msg));

        // Grade scale.
        if self.grades.len() < 2 {
            err("grades", Msg::new("err-scheme-grades-count"));
        }
        unique("grades", self.grades.iter().map(|g| g.code.as_str()), &mut err);
        for (i, g) in self.grades.iter().enumerate() {
            if g.label.trim().is_empty() {
                err("grades", Msg::new("err-scheme-label-empty").arg("code", &g.code));
            }
            if g.points < Dec4::ZERO || g.points > Dec4::from_int(100) {
                err("grades", Msg::new("err-scheme-points-range").arg("grade", &g.label).arg("points", g.points));
            }
            if let Some(prev) = i.checked_sub(1).map(|p| &self.grades[p])
                && g.points >= prev.points
            {
                err("grades", Msg::new("err-scheme-points-order").arg("grade", &g.label).arg("previous", &prev.label));
            }
        }

        // Items.
        if self.items.is_empty() {
            err("items", Msg::new("err-scheme-items-empty"));
        }
        unique("items", self.items.iter().map(|i| i.code.as_str()), &mut err);
        for i in &self.items {
            if i.weight <= Dec4::ZERO {
                err("items", Msg::new("err-scheme-weight-positive").arg("name", &i.label));
            }
        }
        let sum: Dec4 = self.items.iter().map(|i| i.weight).sum();
        if !self.items.is_empty() && sum != Dec4::ONE {
            err("items", Msg::new("err-scheme-item-weights-sum").arg("sum", sum));
        }
        let overall = self.items.iter().filter(|i| i.overall).count();
        if overall != 1 {
            err("items", Msg::new("err-scheme-overall-item").arg("count", overall));
        }

        // Evaluator groups.
        if self.groups.is_empty() {
            err("groups", Msg::new("err-scheme-groups-empty"));
        }
        unique("groups", self.groups.iter().map(|g| g.code.as_str()), &mut err);
        for g in &self.groups {
            if g.weight <= Dec4::ZERO {
                err("groups", Msg::new("err-scheme-weight-positive").arg("name", &g.label));
            }
            for c in &g.categories {
                if !categories.contains(c) {
                    err("groups", Msg::new("err-scheme-category-unknown").arg("group", &g.label).arg("category", c));
                }
            }
        }
        let sum: Dec4 = self.groups.iter().map(|g| g.weight).sum();
        if !self.groups.is_empty() && sum != Dec4::ONE {
            err("groups", Msg::new("err-scheme-group-weights-sum").arg("sum", sum));
        }
        for c in categories {
            if !self.groups.iter().any(|g| g.categories.contains(c)) {
                err("groups", Msg::new("err-scheme-category-ungraded").arg("category", c));
            }
        }

        // Trim and ballot quota.
        if self.trim > TRIM_MAX {
            err("trim", Msg::new("err-scheme-trim").arg("max", TRIM_MAX));
        }
        if let Some(q) = self.ballot_quota
            && (q <= Frac::ZERO || q > Frac::ONE)
        {
            err("ballot_quota", Msg::new("err-scheme-quota-range").arg("value", q));
        }

        // Components.
        let mut seen = HashSet::new();
        for (c, w) in &self.components {
            if !seen.insert(*c) {
                err("components", Msg::new("err-scheme-duplicate").arg("code", c.as_str()));
            }
            if *w < Dec4::ZERO {
                err("components", Msg::new("err-scheme-weight-negative").arg("name", c.as_str()));
            }
        }
        let sum: Dec4 = self.components.iter().map(|(_, w)| *w).sum();
        if sum != Dec4::ONE {
            err("components", Msg::new("err-scheme-component-weights-sum").arg("sum", sum));
        }

        // Overall-grade rules.
        let known = |code: &str| self.grades.iter().any(|g| g.code == code);
        if !known(&self.rules.veto_grade) {
            err("rules", Msg::new("err-scheme-grade-unknown").arg("grade", &self.rules.veto_grade));
        }
        if let Some(t) = self.rules.poor_vote_threshold
            && (t < Frac::ZERO || t >= Frac::ONE)
        {
            err("rules", Msg::new("err-scheme-threshold-range").arg("value", t));
        }
        if let Some(q) = self.rules.excellent_quota
            && (q <= Frac::ZERO || q > Frac::ONE)
        {
            err("rules", Msg::new("err-scheme-quota-range").arg("value", q));
        }
        if self.rules.bands.is_empty() {
            err("rules", Msg::new("err-scheme-bands-empty"));
        }
        for (i, b) in self.rules.bands.iter().enumerate() {
            if !known(&b.grade) {
                err("rules", Msg::new("err-scheme-grade-unknown").arg("grade", &b.grade));
            }
            if b.threshold < Dec4::ZERO || b.threshold > Dec4::from_int(100) {
                err("rules", Msg::new("err-scheme-band-range").arg("threshold", b.threshold));
            }
            if let Some(prev) = i.checked_sub(1).map(|p| &self.rules.bands[p])
                && b.threshold >= prev.threshold
            {
                err("rules", Msg::new("err-scheme-band-order").arg("threshold", b.threshold));
            }
        }
        if self.rules.bands.last().is_some_and(|b| b.threshold != Dec4::ZERO) {
            err("rules", Msg::new("err-scheme-band-floor"));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Components with a weight but no source of values yet (the editor
    /// warns; finalizing results will need the values).
    pub fn unsourced(&self, has_values: impl Fn(Component) -> bool) -> Vec<Component> {
        self.components
            .iter()
            .filter(|(c, w)| *w > Dec4::ZERO && *c != Component::Democratic && !has_values(*c))
            .map(|(c, _)| *c)
            .collect()
    }
}

fn unique<'a>(field: &str, codes: impl Iterator<Item = &'a str>, err: &mut impl FnMut(&str, Msg)) {
    let mut seen = HashSet::new();
    for c in codes {
        if c.trim().is_empty() {
            err(field, Msg::new("err-scheme-code-empty"));
        } else if !seen.insert(c) {
            err(field, Msg::new("err-scheme-duplicate").arg("code", c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<String> {
        vec!["county".into(), "township".into()]
    }

    fn keys(s: &Scheme) -> Vec<&'static str> {
        s.validate(&cats()).err().unwrap_or_default().into_iter().map(|e| e.msg.key).collect()
    }

    #[test]
    fn the_defaults_are_valid() {
        let s = Scheme::default_for(&cats());
        assert_eq!(s.validate(&cats()), Ok(()));
        assert_eq!(s.grades.iter().map(|g| g.points.to_string()).collect::<Vec<_>>(), ["100", "80", "50", "0"]);
        assert_eq!(s.weight_of(Component::Democratic), Dec4::ONE);
    }

    #[test]
    fn group_weights_must_sum_to_one_and_the_message_says_the_sum() {
        let mut s = Scheme::default_for(&cats());
        s.groups = vec![
            Group { code: "a".into(), label: "市级领导".into(), weight: Dec4(3_500), categories: cats() },
            Group { code: "b".into(), label: "党代表".into(), weight: Dec4(6_000), categories: vec![] },
        ];
        let errs = s.validate(&cats()).unwrap_err();
        let e = errs.iter().find(|e| e.msg.key == "err-scheme-group-weights-sum").unwrap();
        assert_eq!(e.msg.args, vec![("sum", "0.95".to_string())]);
    }

    #[test]
    fn every_category_is_graded_by_some_group() {
        let mut s = Scheme::default_for(&cats());
        s.groups[0].categories = vec!["county".into(), "nonexistent".into()];
        assert_eq!(keys(&s), ["err-scheme-category-unknown", "err-scheme-category-ungraded"]);
    }

    #[test]
    fn the_scale_is_ordered_and_bounded() {
        let mut s = Scheme::default_for(&cats());
        s.grades[1].points = Dec4::from_int(100);
        s.grades[3].points = Dec4::from_int(-1);
        let k = keys(&s);
        assert!(k.contains(&"err-scheme-points-order"));
        assert!(k.contains(&"err-scheme-points-range"));
        s.grades.truncate(1);
        assert!(keys(&s).contains(&"err-scheme-grades-count"));
    }

    #[test]
    fn items_need_one_overall_item_and_weights_summing_to_one() {
        let mut s = Scheme::default_for(&cats());
        s.items.push(Item { code: "duty".into(), label: "履职".into(), weight: Dec4(5_000), overall: true });
        let k = keys(&s);
        assert!(k.contains(&"err-scheme-item-weights-sum") && k.contains(&"err-scheme-overall-item"));
    }

    #[test]
    fn rules_refer_to_the_scale_and_bands_descend_to_zero() {
        let mut s = Scheme::default_for(&cats());
        s.rules.veto_grade = "nope".into();
        s.rules.bands[2].threshold = Dec4::from_int(85);
        s.rules.bands.pop();
        s.rules.excellent_quota = Some(Frac::new(3, 2));
        s.rules.poor_vote_threshold = Some(Frac::new(1, 3));
        let k = keys(&s);
        for key in
            ["err-scheme-grade-unknown", "err-scheme-band-order", "err-scheme-band-floor", "err-scheme-quota-range"]
        {
            assert!(k.contains(&key), "{key} in {k:?}");
        }
        assert!(!k.contains(&"err-scheme-threshold-range"), "1/3 is a valid poor-vote threshold");
    }

    #[test]
    fn component_weights_sum_to_one_and_unsourced_ones_are_named() {
        let mut s = Scheme::default_for(&cats());
        s.components = vec![(Component::Democratic, Dec4(7_000)), (Component::Routine, Dec4(2_000))];
        assert_eq!(keys(&s), ["err-scheme-component-weights-sum"]);
        s.components.push((Component::Service, Dec4(1_000)));
        assert_eq!(s.validate(&cats()), Ok(()));
        assert_eq!(s.unsourced(|c| c == Component::Routine), vec![Component::Service]);
    }

    #[test]
    fn schemes_round_trip_through_json_exactly() {
        let mut s = Scheme::default_for(&cats());
        s.ballot_quota = Some(Frac::new(3, 10));
        s.rules.poor_vote_threshold = Some(Frac::new(1, 3));
        let j = serde_json::to_string(&s).unwrap();
        assert!(j.contains("\"1/3\""));
        assert_eq!(serde_json::from_str::<Scheme>(&j).unwrap(), s);
    }
}
