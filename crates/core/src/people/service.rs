//! People services, scoped to the caller's org subtrees.

use crate::error::{CoreError, Msg, Result};
use crate::ids::{OrgUnitId, PersonId};
use crate::people::{Person, PersonFields, PersonInput};
use crate::ports::{PersonFilter, PersonRow};
use crate::services::Caller;

crate::services::ports!(
    /// The ports the people service uses.
    PeoplePorts: OrgStore, PersonStore
);

/// The service for the people.
#[derive(Clone)]
pub struct PeopleService {
    pub(crate) ports: std::sync::Arc<dyn PeoplePorts>,
    pub(crate) common: crate::services::Common,
}

impl PeopleService {
    pub async fn people_list(
        &self,
        caller: &Caller,
        query: Option<String>,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<PersonRow>, u64)> {
        self.common.require_org_admin(caller, "person.list").await?;
        let f = PersonFilter {
            under: caller.actor.admin_paths(),
            query: query.map(|q| q.trim().to_string()).filter(|q| !q.is_empty()),
            offset,
            limit: limit.clamp(1, 500),
        };
        self.ports.person_list(&f).await
    }

    pub async fn person_get(&self, caller: &Caller, id: PersonId) -> Result<PersonRow> {
        let row = self.ports.person_get(id).await?.ok_or(CoreError::NotFound("person"))?;
        if caller.actor.person_id == id {
            return Ok(row);
        }
        self.require_managed(caller, "person.view", row.person.managed_by, id).await?;
        Ok(row)
    }

    async fn require_managed(&self, caller: &Caller, action: &str, unit: OrgUnitId, id: PersonId) -> Result<()> {
        let u = self.ports.org_get(unit).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if caller.actor.can_admin(&u) {
            Ok(())
        } else {
            Err(self.common.deny(caller, action, format!("person:{id}")).await)
        }
    }

    /// Where a person's record is administered: their own org unit, or for
    /// people from outside the tree the unit the admin chose.
    async fn managing_unit(
        &self,
        caller: &Caller,
        action: &str,
        f: &PersonFields,
        managed_by: Option<OrgUnitId>,
    ) -> Result<OrgUnitId> {
        let unit_id = f
            .org_unit_id
            .or(managed_by)
            .ok_or_else(|| CoreError::invalid("managed_by", Msg::new("err-person-managed-by")))?;
        let unit = self.ports.org_get(unit_id).await?.ok_or_else(|| {
            let field = if f.org_unit_id.is_some() { "org_unit_id" } else { "managed_by" };
            CoreError::invalid(field, Msg::new("err-org-unknown"))
        })?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, action, format!("org_unit:{unit_id}")).await);
        }
        Ok(unit_id)
    }

    pub async fn person_create(
        &self,
        caller: &Caller,
        input: &PersonInput,
        managed_by: Option<OrgUnitId>,
    ) -> Result<Person> {
        self.common.require_org_admin(caller, "person.create").await?;
        let f = input.validate().map_err(CoreError::Invalid)?;
        let unit = self.managing_unit(caller, "person.create", &f, managed_by).await?;
        let audit = caller.audit("person.create", "person:new").detail(&f.name);
        self.ports.person_create(&f, unit, &audit).await
    }

    pub async fn person_update(
        &self,
        caller: &Caller,
        id: PersonId,
        input: &PersonInput,
        managed_by: Option<OrgUnitId>,
    ) -> Result<Person> {
        let row = self.ports.person_get(id).await?.ok_or(CoreError::NotFound("person"))?;
        self.require_managed(caller, "person.update", row.person.managed_by, id).await?;
        let f = input.validate().map_err(CoreError::Invalid)?;
        let unit = self.managing_unit(caller, "person.update", &f, managed_by.or(Some(row.person.managed_by))).await?;
        let audit = caller.audit("person.update", format!("person:{id}")).detail(&f.name);
        let person = self.ports.person_update(id, &f, unit, &audit).await?;
        self.common.actors.clear(); // the name shown in page headers may have changed
        Ok(person)
    }
}
