//! What the people feature needs from storage.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::{OrgUnitId, PersonId};
use crate::people::{Person, PersonFields};
use async_trait::async_trait;
use serde::Serialize;

/// A person with the names the lists show.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub person: Person,
    pub org_unit_name: Option<String>,
    pub managed_by_name: String,
    pub username: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Path prefixes of the managing units (all when `None`).
    pub under: Option<Vec<String>>,
    /// Substring of the name, post or pinyin key.
    pub query: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

#[async_trait]
pub trait PersonStore: Send + Sync {
    async fn person_list(&self, f: &PersonFilter) -> Result<(Vec<PersonRow>, u64)>;
    async fn person_get(&self, id: PersonId) -> Result<Option<PersonRow>>;
    /// Name, post and the name of the person's org unit, in one query.
    async fn person_brief(&self, id: PersonId) -> Result<Option<(String, String, Option<String>)>>;
    async fn person_create(&self, f: &PersonFields, managed_by: OrgUnitId, audit: &AuditDraft) -> Result<Person>;
    async fn person_update(
        &self,
        id: PersonId,
        f: &PersonFields,
        managed_by: OrgUnitId,
        audit: &AuditDraft,
    ) -> Result<Person>;
}
