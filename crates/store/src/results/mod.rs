//! Results publishing and the other assessment inputs (routine scores,
//! grades, vetoes), stored per subject.

use crate::entity::{cycle, subject_assessment};
use crate::events::notify_in;
use crate::{Db, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::Visibility;
use kaoping_core::error::Result;
use kaoping_core::exact::Dec4;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::ResultsStore;
use kaoping_core::results::assessment::Assessment;
use kaoping_core::results::tally::RoutineGrade;
use kaoping_core::time::to_micros;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn dec(v: &Option<String>) -> Option<Dec4> {
    v.as_deref().and_then(|s| Dec4::parse(s).ok())
}

#[async_trait]
impl ResultsStore for Db {
    async fn results_publish(
        &self,
        cycle: CycleId,
        publish: Option<(Visibility, DateTime<Utc>)>,
        audit: &AuditDraft,
    ) -> Result<()> {
        let txn = self.write().await?;
        let (vis, at) = match publish {
            Some((v, at)) => (v, Some(to_micros(at))),
            None => (Visibility::Organizer, None),
        };
        cycle::Entity::update_many()
            .col_expr(cycle::Column::ResultsVisibility, Expr::value(vis.as_str()))
            .col_expr(cycle::Column::ResultsPublishedAt, Expr::value(at))
            .filter(cycle::Column::Id.eq(cycle.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        notify_in(&txn, cycle.0).await?;
        Db::commit(txn).await?;
        self.events.local(cycle.0);
        Ok(())
    }

    async fn assessment_list(&self, cycle: CycleId) -> Result<Vec<Assessment>> {
        let rows = subject_assessment::Entity::find()
            .filter(subject_assessment::Column::CycleId.eq(cycle.0))
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|r| Assessment {
                subject: PersonId(r.subject_id),
                routine: dec(&r.routine),
                observation: dec(&r.observation),
                service: dec(&r.service),
                routine_grade: r.routine_grade.as_deref().and_then(RoutineGrade::parse),
                veto_reason: r.veto_reason,
            })
            .collect())
    }

    async fn assessment_save(&self, cycle: CycleId, rows: &[Assessment], audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let now = self.now_micros();
        let ids: Vec<i64> = rows.iter().map(|a| a.subject.0).collect();
        subject_assessment::Entity::delete_many()
            .filter(subject_assessment::Column::CycleId.eq(cycle.0))
            .filter(subject_assessment::Column::SubjectId.is_in(ids))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let kept: Vec<subject_assessment::ActiveModel> = rows
            .iter()
            .filter(|a| !a.is_empty())
            .map(|a| subject_assessment::ActiveModel {
                cycle_id: Set(cycle.0),
                subject_id: Set(a.subject.0),
                routine: Set(a.routine.map(|d| d.to_string())),
                observation: Set(a.observation.map(|d| d.to_string())),
                service: Set(a.service.map(|d| d.to_string())),
                routine_grade: Set(a.routine_grade.map(|g| g.as_str().to_string())),
                veto_reason: Set(a.veto_reason.clone()),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in kept.chunks(500) {
            subject_assessment::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await
                .map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }
}
