//! Org units.

pub(crate) mod entity;

use crate::entity::org_unit::{self, Column as C, Entity as Org};
use crate::subtree::under_paths;
use crate::{Db, convert, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, FieldError, Msg, Result};
use kaoping_core::ids::OrgUnitId;
use kaoping_core::org::{OrgUnit, OrgUnitFields, check_move, child_path};
use kaoping_core::ports::{ImportOutcome, OrgImportRow, OrgStore};
use kaoping_core::sortkey;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;

async fn get(txn: &impl ConnectionTrait, id: OrgUnitId) -> Result<Option<org_unit::Model>> {
    Org::find_by_id(id.0).one(txn).await.map_err(db_err)
}

async fn must_get(txn: &impl ConnectionTrait, id: OrgUnitId) -> Result<org_unit::Model> {
    get(txn, id).await?.ok_or(CoreError::NotFound("org_unit"))
}

async fn code_taken(txn: &impl ConnectionTrait, code: &str, except: Option<i64>) -> Result<bool> {
    let mut q = Org::find().filter(C::Code.eq(code.to_ascii_uppercase()));
    if let Some(id) = except {
        q = q.filter(C::Id.ne(id));
    }
    Ok(q.one(txn).await.map_err(db_err)?.is_some())
}

fn duplicate(code: &str) -> CoreError {
    CoreError::Invalid(vec![FieldError::new("code", Msg::new("err-org-code-duplicate").arg("code", code))])
}

async fn create(
    txn: &DatabaseTransaction,
    parent: Option<OrgUnitId>,
    f: &OrgUnitFields,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<org_unit::Model> {
    if code_taken(txn, &f.code, None).await? {
        return Err(duplicate(&f.code));
    }
    let parent = match parent {
        Some(p) => Some(must_get(txn, p).await?),
        None => None,
    };
    let now = kaoping_core::time::to_micros(now);
    let m = org_unit::ActiveModel {
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        code: Set(f.code.clone()),
        name: Set(f.name.clone()),
        kind: Set(f.kind.as_str().to_string()),
        sort_order: Set(f.sort_order),
        name_sort: Set(sortkey::name_key(&f.name)),
        path: Set(String::new()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(db_err)?;
    let path = child_path(parent.as_ref().map(|p| p.path.as_str()), OrgUnitId(m.id));
    let mut am = m.into_active_model();
    am.path = Set(path);
    am.update(txn).await.map_err(db_err)
}

async fn update(
    txn: &DatabaseTransaction,
    id: OrgUnitId,
    f: &OrgUnitFields,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<org_unit::Model> {
    let m = must_get(txn, id).await?;
    if code_taken(txn, &f.code, Some(id.0)).await? {
        return Err(duplicate(&f.code));
    }
    let mut am = m.into_active_model();
    am.code = Set(f.code.clone());
    am.name_sort = Set(sortkey::name_key(&f.name));
    am.name = Set(f.name.clone());
    am.kind = Set(f.kind.as_str().to_string());
    am.sort_order = Set(f.sort_order);
    am.updated_at = Set(kaoping_core::time::to_micros(now));
    am.update(txn).await.map_err(db_err)
}

async fn move_to(
    txn: &DatabaseTransaction,
    id: OrgUnitId,
    parent: Option<OrgUnitId>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<org_unit::Model> {
    let unit = convert::org(must_get(txn, id).await?)?;
    let target = match parent {
        Some(p) => Some(convert::org(
            get(txn, p).await?.ok_or_else(|| CoreError::invalid("parent_id", Msg::new("err-org-unknown")))?,
        )?),
        None => None,
    };
    check_move(&unit, target.as_ref()).map_err(|m| CoreError::invalid("parent_id", m))?;
    if unit.parent_id == parent {
        return must_get(txn, id).await;
    }
    let old_path = unit.path.clone();
    let new_path = child_path(target.as_ref().map(|t| t.path.as_str()), id);
    // Rewrite the path of the unit and of every unit below it.
    let subtree = Org::find().filter(C::Path.starts_with(old_path.as_str())).all(txn).await.map_err(db_err)?;
    let now = kaoping_core::time::to_micros(now);
    for m in subtree {
        let rewritten = format!("{new_path}{}", &m.path[old_path.len()..]);
        let mut am = m.into_active_model();
        am.path = Set(rewritten);
        am.updated_at = Set(now);
        am.update(txn).await.map_err(db_err)?;
    }
    let mut am = must_get(txn, id).await?.into_active_model();
    am.parent_id = Set(parent.map(|p| p.0));
    am.update(txn).await.map_err(db_err)
}

#[async_trait]
impl OrgStore for Db {
    async fn org_list(&self, under: Option<&[String]>, include_inactive: bool) -> Result<Vec<OrgUnit>> {
        let mut q = Org::find();
        if let Some(paths) = under {
            if paths.is_empty() {
                return Ok(Vec::new());
            }
            q = q.filter(under_paths(C::Path, paths));
        }
        if !include_inactive {
            q = q.filter(C::Active.eq(true));
        }
        let rows = q.order_by_asc(C::Path).all(&self.conn).await.map_err(db_err)?;
        rows.into_iter().map(convert::org).collect()
    }

    async fn org_get(&self, id: OrgUnitId) -> Result<Option<OrgUnit>> {
        get(&self.conn, id).await?.map(convert::org).transpose()
    }

    async fn org_by_code(&self, code: &str) -> Result<Option<OrgUnit>> {
        Org::find()
            .filter(C::Code.eq(code.trim().to_ascii_uppercase()))
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(convert::org)
            .transpose()
    }

    async fn org_create(&self, parent: Option<OrgUnitId>, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit> {
        let txn = self.write().await?;
        let m = create(&txn, parent, f, self.now()).await?;
        self.append_audit(&txn, &audit.clone().with_object(format!("org_unit:{}", m.id))).await?;
        Db::commit(txn).await?;
        convert::org(m)
    }

    async fn org_update(&self, id: OrgUnitId, f: &OrgUnitFields, audit: &AuditDraft) -> Result<OrgUnit> {
        let txn = self.write().await?;
        let m = update(&txn, id, f, self.now()).await?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        convert::org(m)
    }

    async fn org_move(&self, id: OrgUnitId, parent: Option<OrgUnitId>, audit: &AuditDraft) -> Result<OrgUnit> {
        let txn = self.write().await?;
        let m = move_to(&txn, id, parent, self.now()).await?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        convert::org(m)
    }

    async fn org_set_active(&self, id: OrgUnitId, active: bool, audit: &AuditDraft) -> Result<OrgUnit> {
        let txn = self.write().await?;
        let mut am = must_get(&txn, id).await?.into_active_model();
        am.active = Set(active);
        am.updated_at = Set(self.now_micros());
        let m = am.update(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        convert::org(m)
    }

    async fn org_import(
        &self,
        rows: &[OrgImportRow],
        allowed: Option<&[String]>,
        audit: &AuditDraft,
    ) -> Result<ImportOutcome> {
        let txn = self.write().await?;
        let mut out = ImportOutcome::default();
        let mut rows_by_code: HashMap<String, usize> = HashMap::new();
        let at_row = |row: usize| {
            move |e: CoreError| match e {
                CoreError::Invalid(errs) => CoreError::Invalid(errs.into_iter().map(|e| e.at_row(row)).collect()),
                other => other,
            }
        };
        for r in rows {
            let existing =
                Org::find().filter(C::Code.eq(r.fields.code.to_ascii_uppercase())).one(&txn).await.map_err(db_err)?;
            let parent = match &r.parent_code {
                None => None,
                Some(pc) => {
                    let p = Org::find()
                        .filter(C::Code.eq(pc.to_ascii_uppercase()))
                        .one(&txn)
                        .await
                        .map_err(db_err)?
                        .ok_or_else(|| {
                            CoreError::Invalid(vec![
                                FieldError::new("parent_code", Msg::new("err-import-parent-unknown").arg("code", pc))
                                    .at_row(r.row),
                            ])
                        })?;
                    let unchanged = existing.as_ref().and_then(|e| e.parent_id) == Some(p.id);
                    if let Some(paths) = allowed
                        && !unchanged
                        && !paths.iter().any(|a| p.path.starts_with(a.as_str()))
                    {
                        return Err(CoreError::Invalid(vec![
                            FieldError::new("parent_code", Msg::new("err-import-out-of-scope").arg("code", pc))
                                .at_row(r.row),
                        ]));
                    }
                    Some(OrgUnitId(p.id))
                }
            };
            let id = match existing {
                Some(e) => {
                    if let Some(paths) = allowed
                        && !paths.iter().any(|a| e.path.starts_with(a.as_str()))
                    {
                        return Err(CoreError::Invalid(vec![
                            FieldError::new("code", Msg::new("err-import-out-of-scope").arg("code", &e.code))
                                .at_row(r.row),
                        ]));
                    }
                    let id = OrgUnitId(e.id);
                    let mut fields = r.fields.clone();
                    if r.keep_sort {
                        fields.sort_order = e.sort_order;
                    }
                    update(&txn, id, &fields, self.now()).await.map_err(at_row(r.row))?;
                    if parent.is_some() && e.parent_id != parent.map(|p| p.0) {
                        move_to(&txn, id, parent, self.now()).await.map_err(at_row(r.row))?;
                    }
                    out.updated += 1;
                    id
                }
                None => {
                    out.created += 1;
                    OrgUnitId(create(&txn, parent, &r.fields, self.now()).await.map_err(at_row(r.row))?.id)
                }
            };
            rows_by_code.insert(r.fields.code.clone(), r.row);
            if let Some(active) = r.active {
                let m = must_get(&txn, id).await?;
                if m.active != active {
                    let mut am = m.into_active_model();
                    am.active = Set(active);
                    am.update(&txn).await.map_err(db_err)?;
                }
            }
        }
        // The same rule as for single changes: no active unit under an
        // inactive one. Checked on the result, so row order does not matter.
        let all = Org::find().all(&txn).await.map_err(db_err)?;
        let active: HashMap<i64, bool> = all.iter().map(|u| (u.id, u.active)).collect();
        let mut errs: Vec<FieldError> = all
            .iter()
            .filter(|u| u.active && u.parent_id.is_some_and(|p| active.get(&p) == Some(&false)))
            .map(|u| {
                let row = rows_by_code.get(&u.code).copied().unwrap_or(0);
                FieldError::new("active", Msg::new("err-import-active-under-inactive").arg("code", &u.code)).at_row(row)
            })
            .collect();
        if !errs.is_empty() {
            errs.sort_by_key(|e| e.row);
            return Err(CoreError::Invalid(errs));
        }
        self.append_audit(&txn, &audit.clone().detail(format!("{} created, {} updated", out.created, out.updated)))
            .await?;
        Db::commit(txn).await?;
        Ok(out)
    }
}
