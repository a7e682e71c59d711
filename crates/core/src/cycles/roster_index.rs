//! Finding the people named in a roster sheet: all units and every person
//! in the caller's scope are read once, then each row is a map lookup (a
//! 10,000-row evaluator sheet is two queries, not 20,000).

use crate::error::{FieldError, Msg, Result};
use crate::ids::OrgUnitId;
use crate::org::OrgUnit;
use crate::ports::{PersonFilter, PersonRow};
use crate::services::Caller;
use std::collections::HashMap;

pub struct RosterIndex {
    units: HashMap<String, OrgUnit>,
    /// People by (name, unit they belong to); a person outside the tree is
    /// also found under the unit that manages their record.
    people: HashMap<(String, OrgUnitId), Vec<PersonRow>>,
}

impl RosterIndex {
    pub async fn load(svc: &crate::cycles::service::CycleService, caller: &Caller) -> Result<Self> {
        let units = svc.ports.org_list(None, true).await?;
        let filter = PersonFilter { under: caller.actor.admin_paths(), query: None, offset: 0, limit: u64::MAX >> 1 };
        Ok(Self::new(units, svc.ports.person_list(&filter).await?.0))
    }

    /// An index of all units and the people in the caller's scope.
    pub fn new(units: Vec<OrgUnit>, people: Vec<PersonRow>) -> Self {
        let units = units.into_iter().map(|u| (u.code.clone(), u)).collect();
        let mut by_name: HashMap<(String, OrgUnitId), Vec<PersonRow>> = HashMap::new();
        for p in people {
            let key = (p.person.name.clone(), p.person.org_unit_id.unwrap_or(p.person.managed_by));
            by_name.entry(key).or_default().push(p);
        }
        Self { units, people: by_name }
    }

    /// The one person named `name` in the unit with `code` (with
    /// `outside_tree`, also someone outside the tree whose record that unit
    /// manages), in the caller's scope.
    pub fn find(
        &self,
        caller: &Caller,
        name: &str,
        code: &str,
        outside_tree: bool,
    ) -> std::result::Result<(PersonRow, OrgUnit), FieldError> {
        let (name, code) = (name.trim(), code.trim());
        let unit = match self.units.get(&code.to_uppercase()).or_else(|| self.units.get(code)) {
            Some(u) if caller.actor.can_admin(u) => u,
            Some(_) => return Err(FieldError::new("org_code", Msg::new("err-import-out-of-scope").arg("code", code))),
            None => {
                return Err(FieldError::new("org_code", Msg::new("err-import-parent-unknown").arg("code", code)));
            }
        };
        let mut matches = self
            .people
            .get(&(name.to_string(), unit.id))
            .into_iter()
            .flatten()
            .filter(|p| outside_tree || p.person.org_unit_id == Some(unit.id));
        let msg = |key| FieldError::new("name", Msg::new(key).arg("name", name).arg("code", &unit.code));
        match (matches.next(), matches.next()) {
            (Some(one), None) => Ok((one.clone(), unit.clone())),
            (None, _) => Err(msg("err-roster-person-unknown")),
            (Some(_), Some(_)) => Err(msg("err-roster-person-ambiguous")),
        }
    }
}
