//! The audit log: appended only, never updated or deleted.

pub(crate) mod entity;

use crate::entity::audit_log::{self, Column as C};
use crate::{Db, convert, db_err};
use async_trait::async_trait;
use kaoping_core::audit::{AuditDraft, AuditEntry, AuditFilter};
use kaoping_core::error::Result;
use kaoping_core::ports::AuditStore;
use kaoping_core::time::to_micros;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

#[async_trait]
impl AuditStore for Db {
    async fn audit_append(&self, d: &AuditDraft) -> Result<AuditEntry> {
        let txn = self.write().await?;
        let e = self.append_audit(&txn, d).await?;
        Db::commit(txn).await?;
        Ok(e)
    }

    async fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut q = audit_log::Entity::find();
        if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(C::Actor.eq(a));
        }
        if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(C::Action.starts_with(a));
        }
        if let Some(r) = f.result.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(C::Result.eq(r));
        }
        if let Some(t) = f.from {
            q = q.filter(C::At.gte(to_micros(t)));
        }
        if let Some(t) = f.to {
            q = q.filter(C::At.lt(to_micros(t)));
        }
        if let Some(b) = f.before {
            q = q.filter(C::Seq.lt(b));
        }
        let rows = q.order_by_desc(C::Seq).limit(f.limit).all(&self.conn).await.map_err(db_err)?;
        Ok(rows.into_iter().map(convert::audit).collect())
    }

    async fn audit_chunk(&self, after_seq: i64, limit: u64) -> Result<Vec<AuditEntry>> {
        let rows = audit_log::Entity::find()
            .filter(C::Seq.gt(after_seq))
            .order_by_asc(C::Seq)
            .limit(limit)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(convert::audit).collect())
    }
}
