//! What the org feature needs from storage.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::OrgUnitId;
use crate::org::{OrgUnit, OrgUnitFields};
use crate::ports::ImportOutcome;
use async_trait::async_trait;

/// One row of an org import, already validated, in an order where every
/// parent comes before its children.
#[derive(Debug, Clone)]
pub struct OrgImportRow {
    pub row: usize,
    pub fields: OrgUnitFields,
    /// `None`: keep an existing unit's parent (a new unit goes to the top level).
    pub parent_code: Option<String>,
    /// `None`: keep an existing unit's state (a new unit is active).
    pub active: Option<bool>,
    /// Keep an existing unit's sort order (the column was absent or blank).
    pub keep_sort: bool,
}

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Units under any of the given path prefixes (all when `None`).
    async fn org_list(&self, under: Option<&[String]>, include_inactive: bool) -> Result<Vec<OrgUnit>>;
    async fn org_get(&self, id: OrgUnitId) -> Result<Option<OrgUnit>>;
    async fn org_by_code(&self, code: &str) -> Result<Option<OrgUnit>>;
    async fn org_create(&self, parent: Option<OrgUnitId>, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit>;
    async fn org_update(&self, id: OrgUnitId, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit>;
    /// Move a unit (and its subtree) under `parent`; refuses cycles.
    async fn org_move(&self, id: OrgUnitId, parent: Option<OrgUnitId>, audit: &AuditDraft) -> Result<OrgUnit>;
    async fn org_set_active(&self, id: OrgUnitId, active: bool, audit: &AuditDraft) -> Result<OrgUnit>;
    /// Create or update units by code, all in one transaction. `allowed`
    /// limits where units may be placed (path prefixes; `None` = anywhere).
    async fn org_import(
        &self,
        rows: &[OrgImportRow],
        allowed: Option<&[String]>,
        audit: &AuditDraft,
    ) -> Result<ImportOutcome>;
}
