//! The storage story, run against SQLite (default) and PostgreSQL
//! (`KAOPING_TEST_DATABASE_URL`), through the core services.

mod accounts;
mod anonymity;
mod audit;
mod backup;
mod ballot_batches;
mod components;
mod cycles;
mod feedback;
mod org;
mod rectification;
mod reports;
mod schema;
mod voting;

use kaoping_core::accounts::scope::{Actor, ScopeGrant};
use kaoping_core::accounts::{Role, RoleGrant};
use kaoping_core::ids::{AccountId, OrgUnitId, PersonId};
use kaoping_core::org::OrgUnitInput;
use kaoping_core::services::{AuthConfig, Caller, Services};
use kaoping_store::testing::{TestDb, fresh_db};
use std::sync::Arc;

pub struct World {
    pub t: TestDb,
    pub svc: Services,
}

pub async fn world() -> World {
    let t = fresh_db().await;
    let svc = Services::new(Arc::new(t.db.clone()), AuthConfig::default());
    World { t, svc }
}

/// A system admin that exists only as an actor (account id 0).
pub fn root() -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: PersonId(0),
            username: "root".into(),
            display_name: "root".into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::SystemAdmin].into(),
            scopes: vec![],
        },
        client: Some("127.0.0.1".into()),
    }
}

/// An organizer admin over the given units.
pub fn organizer(units: &[&kaoping_core::org::OrgUnit]) -> Caller {
    Caller {
        actor: Actor {
            account_id: AccountId(0),
            person_id: PersonId(0),
            username: "org".into(),
            display_name: "org".into(),
            post: String::new(),
            unit_name: None,
            roles: [Role::OrganizerAdmin].into(),
            scopes: units
                .iter()
                .map(|u| ScopeGrant {
                    role: Role::OrganizerAdmin,
                    unit_id: u.id,
                    unit_name: u.name.clone(),
                    path: u.path.clone(),
                })
                .collect(),
        },
        client: None,
    }
}

pub fn input(code: &str, name: &str, kind: &str) -> OrgUnitInput {
    OrgUnitInput { code: code.into(), name: name.into(), kind: kind.into(), sort_order: None }
}

pub fn grant(role: Role, unit: Option<OrgUnitId>) -> RoleGrant {
    RoleGrant { role, org_unit_id: unit }
}
