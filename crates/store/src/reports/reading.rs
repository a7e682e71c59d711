//! Reading records and evaluators' private notes.

use crate::entity::{note, reading};
use crate::{Db, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::error::Result;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::ReadingStore;
use kaoping_core::reports::reading::{Note, ReadingRecord};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

fn note_of(m: note::Model) -> Note {
    Note {
        id: m.id,
        subject_id: PersonId(m.subject_id),
        quote: m.quote,
        body: m.body,
        created_at: from_micros(m.created_at),
        updated_at: from_micros(m.updated_at),
    }
}

impl Db {
    /// Insert the reading row if missing (first open), then apply `update`.
    async fn reading_upsert(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        opened: Option<i64>,
        seconds: i64,
        now: i64,
    ) -> Result<()> {
        let row = reading::ActiveModel {
            cycle_id: Set(cycle.0),
            evaluator_id: Set(evaluator.0),
            subject_id: Set(subject.0),
            opened_at: Set(opened),
            seconds: Set(seconds),
            updated_at: Set(now),
            ..Default::default()
        };
        let mut on =
            OnConflict::columns([reading::Column::CycleId, reading::Column::EvaluatorId, reading::Column::SubjectId]);
        if seconds > 0 {
            on.value(reading::Column::Seconds, Expr::col((reading::Entity, reading::Column::Seconds)).add(seconds));
        }
        if opened.is_some() {
            // Keep the first opening.
            on.value(
                reading::Column::OpenedAt,
                Func::coalesce([Expr::col((reading::Entity, reading::Column::OpenedAt)), Expr::val(opened)]),
            );
        }
        on.value(reading::Column::UpdatedAt, Expr::val(now));
        reading::Entity::insert(row)
            .on_conflict(on.to_owned())
            .exec_without_returning(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl ReadingStore for Db {
    async fn reading_open(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // Most views are re-reads: a read first, a write only the first time.
        let opened: Option<Option<i64>> = reading::Entity::find()
            .select_only()
            .column(reading::Column::OpenedAt)
            .filter(reading::Column::CycleId.eq(cycle.0))
            .filter(reading::Column::EvaluatorId.eq(evaluator.0))
            .filter(reading::Column::SubjectId.eq(subject.0))
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        if matches!(opened, Some(Some(_))) {
            return Ok(());
        }
        let now = to_micros(now);
        self.reading_upsert(cycle, evaluator, subject, Some(now), 0, now).await
    }

    async fn reading_add(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        seconds: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // Reading time implies the report was open (the first opening is kept).
        let now = to_micros(now);
        self.reading_upsert(cycle, evaluator, subject, Some(now), seconds, now).await
    }

    async fn reading_list(&self, cycle: CycleId, evaluator: Option<PersonId>) -> Result<Vec<ReadingRecord>> {
        let mut q = reading::Entity::find().filter(reading::Column::CycleId.eq(cycle.0));
        let mut nq = note::Entity::find()
            .select_only()
            .column(note::Column::EvaluatorId)
            .column(note::Column::SubjectId)
            .column_as(note::Column::Id.count(), "n")
            .filter(note::Column::CycleId.eq(cycle.0))
            .group_by(note::Column::EvaluatorId)
            .group_by(note::Column::SubjectId);
        if let Some(e) = evaluator {
            q = q.filter(reading::Column::EvaluatorId.eq(e.0));
            nq = nq.filter(note::Column::EvaluatorId.eq(e.0));
        }
        let mut counts: HashMap<(i64, i64), i64> = nq
            .into_tuple::<(i64, i64, i64)>()
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|(e, s, n)| ((e, s), n))
            .collect();
        let mut out: Vec<ReadingRecord> = q
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|r| ReadingRecord {
                evaluator_id: PersonId(r.evaluator_id),
                subject_id: PersonId(r.subject_id),
                opened_at: r.opened_at.map(from_micros),
                seconds: r.seconds,
                notes: counts.remove(&(r.evaluator_id, r.subject_id)).unwrap_or(0),
            })
            .collect();
        // Notes on reports never opened (e.g. free notes before the report came in).
        out.extend(counts.into_iter().map(|((e, s), n)| ReadingRecord {
            evaluator_id: PersonId(e),
            subject_id: PersonId(s),
            opened_at: None,
            seconds: 0,
            notes: n,
        }));
        Ok(out)
    }

    async fn note_add(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        subject: PersonId,
        quote: Option<&str>,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Note> {
        let now = to_micros(now);
        let m = note::ActiveModel {
            cycle_id: Set(cycle.0),
            evaluator_id: Set(evaluator.0),
            subject_id: Set(subject.0),
            quote: Set(quote.map(str::to_string)),
            body: Set(body.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.conn)
        .await
        .map_err(db_err)?;
        Ok(note_of(m))
    }

    async fn note_update(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let r = note::Entity::update_many()
            .col_expr(note::Column::Body, Expr::value(body))
            .col_expr(note::Column::UpdatedAt, Expr::value(to_micros(now)))
            .filter(note::Column::Id.eq(id))
            .filter(note::Column::CycleId.eq(cycle.0))
            .filter(note::Column::EvaluatorId.eq(evaluator.0))
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected == 1)
    }

    async fn note_delete(&self, cycle: CycleId, evaluator: PersonId, id: i64) -> Result<bool> {
        let r = note::Entity::delete_many()
            .filter(note::Column::Id.eq(id))
            .filter(note::Column::CycleId.eq(cycle.0))
            .filter(note::Column::EvaluatorId.eq(evaluator.0))
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected == 1)
    }

    async fn note_list(&self, cycle: CycleId, evaluator: PersonId, subject: Option<PersonId>) -> Result<Vec<Note>> {
        let mut q = note::Entity::find()
            .filter(note::Column::CycleId.eq(cycle.0))
            .filter(note::Column::EvaluatorId.eq(evaluator.0))
            .order_by_asc(note::Column::Id);
        if let Some(s) = subject {
            q = q.filter(note::Column::SubjectId.eq(s.0));
        }
        Ok(q.all(&self.conn).await.map_err(db_err)?.into_iter().map(note_of).collect())
    }
}
