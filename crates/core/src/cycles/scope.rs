//! Which subjects an evaluator reads and grades: those of the categories
//! their group grades, never themselves.

use crate::cycles::Cycle;
use crate::cycles::roster::Subject;
use crate::ids::PersonId;
use std::collections::HashSet;

/// The subjects an evaluator of `group` reads and grades: those in the
/// categories the group grades, never the evaluator themself.
pub fn in_scope<'a>(cycle: &Cycle, group: &str, me: Option<PersonId>, subjects: &'a [Subject]) -> Vec<&'a Subject> {
    let cats: HashSet<&str> = cycle
        .scheme
        .groups
        .iter()
        .filter(|g| g.code == group)
        .flat_map(|g| g.categories.iter().map(String::as_str))
        .collect();
    subjects.iter().filter(|s| Some(s.person_id) != me && cats.contains(s.category.as_str())).collect()
}

/// A subject in the evaluator's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeSubject {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub category_name: String,
}

/// The subjects an evaluator of `group` grades, in presentation order
/// (without `me`, when given).
pub fn scope_of(c: &Cycle, group: &str, me: Option<PersonId>, subjects: &[Subject]) -> Vec<ScopeSubject> {
    in_scope(c, group, me, subjects)
        .into_iter()
        .map(|s| ScopeSubject {
            id: s.person_id.0,
            name: s.person_name.clone(),
            category: s.category.clone(),
            category_name: c.category_name(&s.category),
        })
        .collect()
}
