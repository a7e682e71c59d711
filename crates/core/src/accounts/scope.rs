//! Who is acting, and what lies within their reach.
//!
//! Every service call takes an [`Actor`]; data scope is decided here and in
//! the services, never in templates or handlers.

use crate::accounts::{Role, RoleGrant};
use crate::ids::{AccountId, OrgUnitId, PersonId};
use crate::org::OrgUnit;
use serde::Serialize;
use std::collections::BTreeSet;

/// An org subtree granted to an account for a scoped role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeGrant {
    pub role: Role,
    pub unit_id: OrgUnitId,
    pub unit_name: String,
    pub path: String,
}

/// The authenticated account behind a request.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub account_id: AccountId,
    pub person_id: PersonId,
    pub username: String,
    pub display_name: String,
    /// The person's post and org unit, for page headers.
    pub post: String,
    pub unit_name: Option<String>,
    pub roles: BTreeSet<Role>,
    pub scopes: Vec<ScopeGrant>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_system_admin(&self) -> bool {
        self.has(Role::SystemAdmin)
    }

    /// Whether the actor administers org data at all (system or organizer admin).
    pub fn is_org_admin(&self) -> bool {
        self.is_system_admin() || self.has(Role::OrganizerAdmin)
    }

    /// The path prefixes of the subtrees the actor administers as organizer;
    /// `None` means everything (system admin).
    pub fn admin_paths(&self) -> Option<Vec<String>> {
        if self.is_system_admin() {
            return None;
        }
        Some(self.scopes.iter().filter(|s| s.role == Role::OrganizerAdmin).map(|s| s.path.clone()).collect())
    }

    /// Whether the actor may administer `unit` (it lies in a granted subtree).
    pub fn can_admin_path(&self, path: &str) -> bool {
        match self.admin_paths() {
            None => true,
            Some(paths) => paths.iter().any(|p| path.starts_with(p.as_str())),
        }
    }

    pub fn can_admin(&self, unit: &OrgUnit) -> bool {
        self.can_admin_path(&unit.path)
    }

    /// Role grants as a list, for display.
    pub fn grants(&self) -> Vec<RoleGrant> {
        self.roles
            .iter()
            .filter(|r| !r.is_scoped())
            .map(|r| RoleGrant { role: *r, org_unit_id: None })
            .chain(self.scopes.iter().map(|s| RoleGrant { role: s.role, org_unit_id: Some(s.unit_id) }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], scopes: &[&str]) -> Actor {
        Actor {
            account_id: AccountId(1),
            person_id: PersonId(1),
            username: "u".into(),
            display_name: "U".into(),
            post: String::new(),
            unit_name: None,
            roles: roles.iter().copied().collect(),
            scopes: scopes
                .iter()
                .enumerate()
                .map(|(i, p)| ScopeGrant {
                    role: Role::OrganizerAdmin,
                    unit_id: OrgUnitId(i as i64),
                    unit_name: String::new(),
                    path: (*p).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn organizers_reach_only_their_subtrees() {
        let a = actor(&[Role::OrganizerAdmin], &["/1/2/", "/1/7/"]);
        assert!(a.can_admin_path("/1/2/"));
        assert!(a.can_admin_path("/1/2/9/"));
        assert!(a.can_admin_path("/1/7/8/"));
        assert!(!a.can_admin_path("/1/"));
        assert!(!a.can_admin_path("/1/20/"));
    }

    #[test]
    fn system_admins_reach_everything_and_others_nothing() {
        assert!(actor(&[Role::SystemAdmin], &[]).can_admin_path("/5/"));
        assert!(!actor(&[Role::Evaluator], &[]).can_admin_path("/5/"));
    }
}
