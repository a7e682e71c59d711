//! Least privilege by org subtree in queries: the units under a caller's
//! path prefixes, as conditions and subqueries every feature filters by.

use crate::entity::org_unit::{Column as C, Entity as Org};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

/// `path LIKE prefix%` for any of the prefixes.
pub(crate) fn under_paths(col: C, paths: &[String]) -> Condition {
    paths.iter().fold(Condition::any(), |c, p| c.add(col.starts_with(p.as_str())))
}

/// A subquery of the ids of the units under any of the prefixes (for
/// `IN (…)` filters that stay one statement however large the tree).
pub(crate) fn units_under(paths: &[String]) -> SelectStatement {
    Query::select().column((Org, C::Id)).from(Org).cond_where(under_paths(C::Path, paths)).to_owned()
}
