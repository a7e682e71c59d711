//! The review meeting's state (announced to every node's screens through
//! `events`).

use crate::entity::cycle;
use crate::events::notify_in;
use crate::{Db, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Result};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::MeetingStore;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::broadcast;

impl Db {
    pub(crate) async fn cycle_update(
        &self,
        id: CycleId,
        col: cycle::Column,
        value: Expr,
        audit: &AuditDraft,
    ) -> Result<()> {
        let txn = self.write().await?;
        let done = cycle::Entity::update_many()
            .col_expr(col, value)
            .col_expr(cycle::Column::UpdatedAt, Expr::value(self.now_micros()))
            .filter(cycle::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if done.rows_affected != 1 {
            return Err(CoreError::NotFound("cycle"));
        }
        self.append_audit(&txn, audit).await?;
        notify_in(&txn, id.0).await?;
        Db::commit(txn).await?;
        self.events.local(id.0);
        Ok(())
    }
}

#[async_trait]
impl MeetingStore for Db {
    async fn presenting_set(&self, cycle: CycleId, subject: Option<PersonId>, audit: &AuditDraft) -> Result<()> {
        self.cycle_update(cycle, cycle::Column::PresentingId, Expr::value(subject.map(|p| p.0)), audit).await
    }

    async fn live_tally_set(&self, cycle: CycleId, on: bool, audit: &AuditDraft) -> Result<()> {
        self.cycle_update(cycle, cycle::Column::LiveTally, Expr::value(on), audit).await
    }

    fn meeting_events(&self) -> broadcast::Receiver<i64> {
        self.events.subscribe(&self.conn)
    }
}
