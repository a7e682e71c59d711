//! Org units (组织机构): a tree of any depth.
//!
//! Each unit stores its materialized path (`/1/5/23/`), so that "everything
//! under this unit" is a prefix test on both databases.

pub mod port;
pub mod service;
pub mod sheet_rows;

use crate::error::{FieldError, Msg, required_text};
use crate::ids::OrgUnitId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const CODE_MAX: usize = 32;
pub const NAME_MAX: usize = 100;
pub const SORT_MAX: i32 = 99_999;

/// The type of an org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitType {
    /// 市委
    CityCommittee,
    /// 组织部
    OrganizationDept,
    /// 机关工委
    OrgansWorkCommittee,
    /// 县市区委
    CountyCommittee,
    /// 乡镇(街道)党(工)委
    TownshipCommittee,
    /// 村党组织
    VillageCommittee,
    /// 社区党组织
    CommunityCommittee,
    /// 市直部门单位党组(党委)
    DepartmentPartyGroup,
    /// 驻市单位
    StationedUnit,
    Other,
}

impl OrgUnitType {
    pub const ALL: [OrgUnitType; 10] = [
        Self::CityCommittee,
        Self::OrganizationDept,
        Self::OrgansWorkCommittee,
        Self::CountyCommittee,
        Self::TownshipCommittee,
        Self::VillageCommittee,
        Self::CommunityCommittee,
        Self::DepartmentPartyGroup,
        Self::StationedUnit,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CityCommittee => "city_committee",
            Self::OrganizationDept => "organization_dept",
            Self::OrgansWorkCommittee => "organs_work_committee",
            Self::CountyCommittee => "county_committee",
            Self::TownshipCommittee => "township_committee",
            Self::VillageCommittee => "village_committee",
            Self::CommunityCommittee => "community_committee",
            Self::DepartmentPartyGroup => "department_party_group",
            Self::StationedUnit => "stationed_unit",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The catalog key of the type's display name.
    pub fn label_key(self) -> String {
        format!("org-type-{}", self.as_str().replace('_', "-"))
    }
}

/// A stored org unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub parent_id: Option<OrgUnitId>,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitType,
    pub sort_order: i32,
    /// Pinyin sort key of the name, stored at write time.
    pub name_sort: String,
    /// Materialized path of ids, e.g. `/1/5/23/`.
    pub path: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrgUnit {
    /// Depth in the tree; roots have depth 0.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }

    /// Whether `other` lies in this unit's subtree (itself included).
    pub fn contains(&self, other: &OrgUnit) -> bool {
        other.path.starts_with(&self.path)
    }
}

/// The path of a child of `parent_path` with id `id`.
pub fn child_path(parent_path: Option<&str>, id: OrgUnitId) -> String {
    format!("{}{}/", parent_path.unwrap_or("/"), id.0)
}

/// Validated fields of an org unit, as created or edited. Codes are kept
/// in upper case, so that they are unique regardless of case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnitFields {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitType,
    pub sort_order: i32,
}

/// Raw input for an org unit, as typed in a form or read from a sheet.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgUnitInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sort_order: Option<String>,
}

impl OrgUnitInput {
    /// Check every field; return all problems at once.
    pub fn validate(&self) -> Result<OrgUnitFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = self.code.trim().to_ascii_uppercase();
        if code.is_empty() {
            errs.push(FieldError::new("code", Msg::new("err-required")));
        } else if code.chars().count() > CODE_MAX {
            errs.push(FieldError::new("code", Msg::new("err-too-long").arg("max", CODE_MAX)));
        } else if !code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            errs.push(FieldError::new("code", Msg::new("err-org-code-chars")));
        }
        let name = required_text("name", &self.name, NAME_MAX).unwrap_or_else(|e| {
            errs.push(e);
            String::new()
        });
        let kind = OrgUnitType::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(FieldError::new("kind", Msg::new("err-org-type-unknown").arg("value", self.kind.trim())));
        }
        let sort_order = match self.sort_order.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(s) => match s.parse::<i32>() {
                Ok(n) if (0..=SORT_MAX).contains(&n) => n,
                _ => {
                    errs.push(FieldError::new(
                        "sort_order",
                        Msg::new("err-integer-range").arg("min", 0).arg("max", SORT_MAX),
                    ));
                    0
                }
            },
        };
        match kind {
            Some(kind) if errs.is_empty() => Ok(OrgUnitFields { code, name, kind, sort_order }),
            _ => Err(errs),
        }
    }
}

/// Refuse a move of `unit` under `new_parent` that would make a cycle.
pub fn check_move(unit: &OrgUnit, new_parent: Option<&OrgUnit>) -> Result<(), Msg> {
    match new_parent {
        Some(p) if unit.contains(p) => {
            Err(Msg::new("err-org-move-cycle").arg("unit", &unit.name).arg("parent", &p.name))
        }
        _ => Ok(()),
    }
}

/// Order units as a tree: each parent followed by its children, siblings by
/// sort order then pinyin. Units whose parent is not in the list are roots.
pub fn tree_order(mut units: Vec<OrgUnit>) -> Vec<OrgUnit> {
    use std::collections::{HashMap, HashSet};
    units.sort_by(|a, b| (a.sort_order, &a.name_sort, a.id).cmp(&(b.sort_order, &b.name_sort, b.id)));
    let ids: HashSet<OrgUnitId> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<OrgUnitId>, Vec<OrgUnit>> = HashMap::new();
    for u in units {
        let key = u.parent_id.filter(|p| ids.contains(p));
        children.entry(key).or_default().push(u);
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut stack: Vec<OrgUnit> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(u) = stack.pop() {
        if let Some(mut kids) = children.remove(&Some(u.id)) {
            kids.reverse();
            stack.extend(kids);
        }
        out.push(u);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    fn now() -> chrono::DateTime<chrono::Utc> {
        crate::time::from_micros(1_800_000_000_000_000)
    }

    fn unit(id: i64, parent: Option<i64>, path: &str, sort: i32) -> OrgUnit {
        OrgUnit {
            id: OrgUnitId(id),
            parent_id: parent.map(OrgUnitId),
            code: format!("U{id}"),
            name: format!("单位{id}"),
            kind: OrgUnitType::Other,
            sort_order: sort,
            name_sort: format!("dan wei {id}"),
            path: path.into(),
            active: true,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn validation_reports_every_field() {
        let input = OrgUnitInput {
            code: "bad code!".into(),
            name: "  ".into(),
            kind: "nope".into(),
            sort_order: Some("x".into()),
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "kind", "sort_order"]);
    }

    #[test]
    fn validation_trims_and_accepts() {
        let input = OrgUnitInput {
            code: " DG-01 ".into(),
            name: " 东港市委 ".into(),
            kind: "city_committee".into(),
            sort_order: None,
        };
        let f = input.validate().unwrap();
        assert_eq!((f.code.as_str(), f.name.as_str(), f.sort_order), ("DG-01", "东港市委", 0));
    }

    #[test]
    fn overlong_fields_are_refused() {
        let input = OrgUnitInput {
            code: "A".repeat(33),
            name: "名".repeat(101),
            kind: "other".into(),
            sort_order: Some("100000".into()),
        };
        assert_eq!(input.validate().unwrap_err().len(), 3);
    }

    #[test]
    fn moves_into_own_subtree_are_refused() {
        let root = unit(1, None, "/1/", 0);
        let child = unit(2, Some(1), "/1/2/", 0);
        let other = unit(3, None, "/3/", 0);
        assert!(check_move(&root, Some(&child)).is_err());
        assert!(check_move(&root, Some(&root)).is_err());
        assert!(check_move(&child, Some(&other)).is_ok());
        assert!(check_move(&child, None).is_ok());
    }

    #[test]
    fn tree_order_puts_children_after_parents() {
        let units = vec![
            unit(3, Some(1), "/1/3/", 2),
            unit(2, Some(1), "/1/2/", 1),
            unit(4, Some(2), "/1/2/4/", 0),
            unit(1, None, "/1/", 0),
        ];
        let ids: Vec<i64> = tree_order(units).iter().map(|u| u.id.0).collect();
        assert_eq!(ids, [1, 2, 4, 3]);
        assert_eq!(unit(4, Some(2), "/1/2/4/", 0).depth(), 2);
    }
}
