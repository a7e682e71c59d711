//! Org unit services: the tree, scoped to the caller.

use crate::audit::AuditResult;
use crate::error::{CoreError, FieldError, Msg, Result};
use crate::ids::OrgUnitId;
use crate::org::{OrgUnit, OrgUnitInput, check_move, tree_order};
use crate::ports::{ImportOutcome, OrgImportRow};
use crate::services::Caller;
use std::collections::{HashMap, HashSet};

/// One row of an org import as read from a sheet (cells as text).
#[derive(Debug, Clone, Default)]
pub struct OrgImportRowInput {
    /// 1-based row number in the sheet.
    pub row: usize,
    pub code: String,
    pub name: String,
    pub kind: String,
    /// `None` when the sheet has no such column.
    pub parent_code: Option<String>,
    pub sort_order: Option<String>,
    pub active: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrgImportInput {
    pub rows: Vec<OrgImportRowInput>,
}

crate::services::ports!(
    /// The ports the org service uses.
    OrgPorts: AuditStore, OrgStore
);

/// The service for the org tree.
#[derive(Clone)]
pub struct OrgService {
    pub(crate) ports: std::sync::Arc<dyn OrgPorts>,
    pub(crate) common: crate::services::Common,
}

impl OrgService {
    /// The codes of the units `ids`, for sheets that name units by code
    /// (a unit outside the caller's scope too: a roster or the tree's top
    /// names its unit or parent). One read for all.
    pub async fn org_codes(&self, caller: &Caller, ids: &[OrgUnitId]) -> Result<HashMap<OrgUnitId, String>> {
        self.common.require_org_admin(caller, "org.codes").await?;
        let wanted: HashSet<&OrgUnitId> = ids.iter().collect();
        let units = self.ports.org_list(None, true).await?;
        Ok(units.into_iter().filter(|u| wanted.contains(&u.id)).map(|u| (u.id, u.code)).collect())
    }

    /// Record in the audit log that the caller exported `rows` units.
    pub async fn org_exported(&self, caller: &Caller, rows: usize) -> Result<()> {
        self.ports.audit_append(&caller.audit("org.export", "org_unit:*").detail(format!("{rows} rows"))).await?;
        Ok(())
    }

    /// The units the caller administers, in tree order.
    pub async fn org_tree(&self, caller: &Caller, include_inactive: bool) -> Result<Vec<OrgUnit>> {
        self.common.require_org_admin(caller, "org.list").await?;
        let paths = caller.actor.admin_paths();
        let units = self.ports.org_list(paths.as_deref(), include_inactive).await?;
        Ok(tree_order(units))
    }

    /// One unit, if the caller administers it.
    pub async fn org_get(&self, caller: &Caller, id: OrgUnitId) -> Result<OrgUnit> {
        let unit = self.ports.org_get(id).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if !caller.actor.can_admin(&unit) {
            return Err(self.common.deny(caller, "org.view", format!("org_unit:{id}")).await);
        }
        Ok(unit)
    }

    /// The parent a new or moved unit may go under: a unit the caller
    /// administers, or the top level for system admins only.
    async fn org_target_parent(
        &self,
        caller: &Caller,
        action: &str,
        parent: Option<OrgUnitId>,
    ) -> Result<Option<OrgUnit>> {
        match parent {
            None if caller.actor.is_system_admin() => Ok(None),
            None => Err(self.common.deny(caller, action, "org_unit:root").await),
            Some(pid) => {
                let p = self
                    .ports
                    .org_get(pid)
                    .await?
                    .ok_or_else(|| CoreError::invalid("parent_id", Msg::new("err-org-unknown")))?;
                if !caller.actor.can_admin(&p) {
                    return Err(self.common.deny(caller, action, format!("org_unit:{pid}")).await);
                }
                if !p.active {
                    return Err(CoreError::invalid("parent_id", Msg::new("err-org-parent-inactive")));
                }
                Ok(Some(p))
            }
        }
    }

    pub async fn org_create(
        &self,
        caller: &Caller,
        parent: Option<OrgUnitId>,
        input: &OrgUnitInput,
    ) -> Result<OrgUnit> {
        self.common.require_org_admin(caller, "org.create").await?;
        let fields = input.validate().map_err(CoreError::Invalid)?;
        self.org_target_parent(caller, "org.create", parent).await?;
        let audit = caller.audit("org.create", format!("org_unit:{}", fields.code));
        self.ports.org_create(parent, &fields, &audit.detail(&fields.name)).await
    }

    pub async fn org_update(&self, caller: &Caller, id: OrgUnitId, input: &OrgUnitInput) -> Result<OrgUnit> {
        let unit = self.org_get(caller, id).await?;
        let fields = input.validate().map_err(CoreError::Invalid)?;
        let audit = caller
            .audit("org.update", format!("org_unit:{id}"))
            .detail(format!("{} {} → {} {}", unit.code, unit.name, fields.code, fields.name));
        {
            let u = self.ports.org_update(id, &fields, &audit).await?;
            self.common.actors.clear(); // scope names and paths may have changed
            Ok(u)
        }
    }

    pub async fn org_move(&self, caller: &Caller, id: OrgUnitId, parent: Option<OrgUnitId>) -> Result<OrgUnit> {
        let unit = self.org_get(caller, id).await?;
        let target = self.org_target_parent(caller, "org.move", parent).await?;
        check_move(&unit, target.as_ref()).map_err(|m| CoreError::invalid("parent_id", m))?;
        let audit = caller.audit("org.move", format!("org_unit:{id}")).detail(format!(
            "parent {} → {}",
            unit.parent_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            parent.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
        ));
        {
            let u = self.ports.org_move(id, parent, &audit).await?;
            self.common.actors.clear(); // scope names and paths may have changed
            Ok(u)
        }
    }

    /// Deactivate (or reactivate) a unit. Units are never deleted: they
    /// carry history. A unit with active sub-units cannot be deactivated.
    pub async fn org_set_active(&self, caller: &Caller, id: OrgUnitId, active: bool) -> Result<OrgUnit> {
        let unit = self.org_get(caller, id).await?;
        if !active {
            let sub = self.ports.org_list(Some(std::slice::from_ref(&unit.path)), false).await?;
            if sub.iter().any(|u| u.id != id) {
                return Err(CoreError::Conflict(Msg::new("err-org-has-active-children")));
            }
        } else if let Some(pid) = unit.parent_id {
            let parent = self.ports.org_get(pid).await?;
            if parent.is_some_and(|p| !p.active) {
                return Err(CoreError::Conflict(Msg::new("err-org-parent-inactive")));
            }
        }
        let action = if active { "org.activate" } else { "org.deactivate" };
        self.ports.org_set_active(id, active, &caller.audit(action, format!("org_unit:{id}"))).await
    }

    /// Import units from sheet rows: all rows are checked first, and every
    /// problem is reported with its row; only a clean file changes anything.
    pub async fn org_import(&self, caller: &Caller, input: &OrgImportInput) -> Result<ImportOutcome> {
        self.common.require_org_admin(caller, "org.import").await?;
        if input.rows.is_empty() {
            return Err(CoreError::invalid("file", Msg::new("err-import-empty")));
        }
        let allowed = caller.actor.admin_paths();
        let in_scope = |u: &OrgUnit| caller.actor.can_admin(u);
        let (rows, mut errs) = crate::org::sheet_rows::org_rows(&input.rows);
        // Check parents and scope against the database and the file itself.
        let file_codes: HashSet<&str> = rows.iter().map(|r| r.fields.code.as_str()).collect();
        for r in &rows {
            let existing = self.ports.org_by_code(&r.fields.code).await?;
            if let Some(e) = &existing
                && !in_scope(e)
            {
                errs.push(
                    FieldError::new("code", Msg::new("err-import-out-of-scope").arg("code", &r.fields.code))
                        .at_row(r.row),
                );
            }
            match &r.parent_code {
                // Blank: an existing unit keeps its parent; a new one would
                // be a top-level unit, which only system admins may create.
                None if existing.is_none() && !caller.actor.is_system_admin() => {
                    errs.push(FieldError::new("parent_code", Msg::new("err-import-parent-required")).at_row(r.row));
                }
                None => {}
                Some(pc) if file_codes.contains(pc.as_str()) => {}
                Some(pc) => match self.ports.org_by_code(pc).await? {
                    None => errs.push(
                        FieldError::new("parent_code", Msg::new("err-import-parent-unknown").arg("code", pc))
                            .at_row(r.row),
                    ),
                    // Naming the unit's current parent is no move, even out of scope.
                    Some(p) if !in_scope(&p) && existing.as_ref().and_then(|e| e.parent_id) != Some(p.id) => {
                        errs.push(
                            FieldError::new("parent_code", Msg::new("err-import-out-of-scope").arg("code", pc))
                                .at_row(r.row),
                        );
                    }
                    Some(_) => {}
                },
            }
        }
        let ordered = match parents_first(rows) {
            Ok(o) => o,
            Err(cycle_rows) => {
                errs.extend(
                    cycle_rows
                        .into_iter()
                        .map(|row| FieldError::new("parent_code", Msg::new("err-import-cycle")).at_row(row)),
                );
                Vec::new()
            }
        };
        if !errs.is_empty() {
            errs.sort_by_key(|e| e.row);
            let refused: Vec<String> = errs
                .iter()
                .filter(|e| e.msg.key == "err-import-out-of-scope")
                .filter_map(|e| e.msg.args.first().map(|(_, code)| code.clone()))
                .collect();
            if !refused.is_empty() {
                let d = caller.audit("org.import", "org_unit:*").result(AuditResult::Denied).detail(refused.join(","));
                self.ports.audit_append(&d).await?;
            }
            return Err(CoreError::Invalid(errs));
        }
        let audit = caller.audit("org.import", "org_unit:*").detail(format!("{} rows", ordered.len()));
        let out = self.ports.org_import(&ordered, allowed.as_deref(), &audit).await?;
        self.common.actors.clear(); // scope names and paths may have changed
        Ok(out)
    }
}

/// Order rows so that a parent in the file comes before its children.
/// Returns the rows caught in a cycle, if any.
fn parents_first(rows: Vec<OrgImportRow>) -> Result<Vec<OrgImportRow>, Vec<usize>> {
    let codes: HashSet<String> = rows.iter().map(|r| r.fields.code.clone()).collect();
    let mut placed: HashSet<String> = HashSet::new();
    let mut pending = rows;
    let mut out = Vec::with_capacity(pending.len());
    loop {
        let before = pending.len();
        let (ready, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|r| match &r.parent_code {
            Some(pc) if codes.contains(pc) => placed.contains(pc),
            _ => true,
        });
        for r in &ready {
            placed.insert(r.fields.code.clone());
        }
        out.extend(ready);
        pending = rest;
        if pending.is_empty() {
            return Ok(out);
        }
        if pending.len() == before {
            return Err(pending.iter().map(|r| r.row).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgUnitFields, OrgUnitType};

    fn row(row: usize, code: &str, parent: Option<&str>) -> OrgImportRow {
        OrgImportRow {
            row,
            fields: OrgUnitFields { code: code.into(), name: code.into(), kind: OrgUnitType::Other, sort_order: 0 },
            parent_code: parent.map(Into::into),
            active: None,
            keep_sort: false,
        }
    }

    #[test]
    fn parents_come_first() {
        let rows = vec![row(2, "C", Some("B")), row(3, "B", Some("A")), row(4, "A", Some("X"))];
        let codes: Vec<_> = parents_first(rows).unwrap().iter().map(|r| r.fields.code.clone()).collect();
        assert_eq!(codes, ["A", "B", "C"]);
    }

    #[test]
    fn cycles_in_the_file_are_named_by_row() {
        let rows = vec![row(2, "A", Some("B")), row(3, "B", Some("A")), row(4, "C", None)];
        assert_eq!(parents_first(rows).unwrap_err(), vec![2, 3]);
    }
}
