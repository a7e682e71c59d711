//! Voting: open/close, drafts, and final ballots stored together with their
//! participation and idempotency records in one transaction.

pub(crate) mod ballot_writer;
pub(crate) mod entity;
pub(crate) mod sealing;

use crate::entity::{ballot, ballot_draft, ballot_tally, cycle, participation};
use crate::{Db, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Result};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::BallotStore;
use kaoping_core::time::to_micros;
use kaoping_core::voting::ballot::{NewBallot, StoredBallot, StoredMarks, SubmitOutcome, marks_from_stored};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

#[async_trait]
impl BallotStore for Db {
    async fn voting_set(
        &self,
        id: CycleId,
        open: bool,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> Result<Option<String>> {
        let txn = self.write().await?;
        let now = to_micros(now);
        let mut q = cycle::Entity::update_many().filter(cycle::Column::Id.eq(id.0));
        q = if open {
            q.col_expr(cycle::Column::VotingOpenedAt, Expr::value(now)).filter(cycle::Column::VotingOpenedAt.is_null())
        } else {
            // Closing also ends the presentation (screens and ballot pages).
            q.col_expr(cycle::Column::VotingClosedAt, Expr::value(now))
                .col_expr(cycle::Column::PresentingId, Expr::value(Option::<i64>::None))
                .filter(cycle::Column::VotingOpenedAt.is_not_null())
                .filter(cycle::Column::VotingClosedAt.is_null())
        };
        if q.exec(&txn).await.map_err(db_err)?.rows_affected != 1 {
            return Ok(None);
        }
        // Closing publishes the sealed anonymous ballots and seals the
        // ballot set, in the same transaction.
        let published = if open { 0 } else { crate::voting::sealing::publish(&txn, self.key.as_deref(), id.0).await? };
        let seal = if open {
            String::new()
        } else {
            let receipts: Vec<String> = ballot::Entity::find()
                .select_only()
                .column(ballot::Column::Receipt)
                .filter(ballot::Column::CycleId.eq(id.0))
                .into_tuple()
                .all(&txn)
                .await
                .map_err(db_err)?;
            kaoping_core::voting::ballot::seal(&receipts)
        };
        let audit = if open { audit.clone() } else { audit.clone().detail(format!("ballot-set seal {seal}")) };
        self.append_audit(&txn, &audit).await?;
        crate::events::notify_in(&txn, id.0).await?;
        Db::commit(txn).await?;
        self.events.local(id.0);
        if published > 0 {
            // The ballots are safe; a wipe that waits for a reader is done
            // by the next checkpoint instead.
            if let Err(e) = crate::voting::sealing::wipe(&self.conn).await {
                tracing::warn!(error = %e, cycle = id.0, "earlier versions of sealed rows not wiped yet");
            }
        }
        Ok(Some(seal))
    }

    async fn draft_get(&self, cycle: CycleId, evaluator: PersonId) -> Result<Option<(String, String)>> {
        let d = ballot_draft::Entity::find()
            .filter(ballot_draft::Column::CycleId.eq(cycle.0))
            .filter(ballot_draft::Column::EvaluatorId.eq(evaluator.0))
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        let key = self.key.as_deref();
        d.map(|d| {
            Ok((
                crate::voting::sealing::open_draft(key, &d.marks)?,
                crate::voting::sealing::open_draft(key, &d.remarks)?,
            ))
        })
        .transpose()
    }

    async fn draft_save(
        &self,
        cycle: CycleId,
        evaluator: PersonId,
        marks: &str,
        remarks: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let row = ballot_draft::ActiveModel {
            cycle_id: Set(cycle.0),
            evaluator_id: Set(evaluator.0),
            marks: Set(crate::voting::sealing::seal_draft(self.key.as_deref(), marks)),
            remarks: Set(crate::voting::sealing::seal_draft(self.key.as_deref(), remarks)),
            updated_at: Set(to_micros(now)),
            ..Default::default()
        };
        let on = OnConflict::columns([ballot_draft::Column::CycleId, ballot_draft::Column::EvaluatorId])
            .update_columns([
                ballot_draft::Column::Marks,
                ballot_draft::Column::Remarks,
                ballot_draft::Column::UpdatedAt,
            ])
            .to_owned();
        ballot_draft::Entity::insert(row).on_conflict(on).exec_without_returning(&self.conn).await.map_err(db_err)?;
        Ok(())
    }

    async fn ballot_submit(&self, b: NewBallot, audit: AuditDraft) -> Result<SubmitOutcome> {
        self.ballots.submit(&self.writer, &self.events, b, audit).await
    }

    async fn ballot_list(&self, cycle: CycleId) -> Result<Vec<StoredBallot>> {
        let rows =
            ballot::Entity::find().filter(ballot::Column::CycleId.eq(cycle.0)).all(&self.conn).await.map_err(db_err)?;
        rows.into_iter()
            .map(|b| {
                let marks: StoredMarks = serde_json::from_str(&b.marks)
                    .map_err(|_| CoreError::Store(format!("ballot {}: bad marks", b.id)))?;
                let remarks = serde_json::from_str(&b.remarks).unwrap_or_default();
                Ok(StoredBallot {
                    id: b.id,
                    group: b.group_code,
                    evaluator: b.evaluator_id,
                    marks: marks_from_stored(marks),
                    remarks,
                    receipt: b.receipt,
                    paper: b.paper,
                })
            })
            .collect()
    }

    async fn participants(&self, cycle: CycleId) -> Result<Vec<PersonId>> {
        let ids: Vec<i64> = participation::Entity::find()
            .select_only()
            .column(participation::Column::EvaluatorId)
            .filter(participation::Column::CycleId.eq(cycle.0))
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(ids.into_iter().map(PersonId).collect())
    }

    async fn has_voted(&self, cycle: CycleId, person: PersonId) -> Result<bool> {
        let found: Option<i64> = participation::Entity::find()
            .select_only()
            .column(participation::Column::Id)
            .filter(participation::Column::CycleId.eq(cycle.0))
            .filter(participation::Column::EvaluatorId.eq(person.0))
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(found.is_some())
    }

    async fn ballot_counts(&self, cycle: CycleId) -> Result<kaoping_core::voting::counts::Accumulator> {
        let rows = ballot_tally::Entity::find()
            .filter(ballot_tally::Column::CycleId.eq(cycle.0))
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        let mut acc = kaoping_core::voting::counts::Accumulator::default();
        for r in rows {
            let score = usize::try_from(r.grade).ok().map(|g| (r.score, g));
            acc.add(
                kaoping_core::voting::counts::Contribution { subject: r.subject_id, group: r.group_code.into(), score },
                r.n as u64,
            );
        }
        Ok(acc)
    }

    async fn turnout_counts(&self, cycle: CycleId) -> Result<Vec<(String, u64)>> {
        let sql = "SELECT e.group_code AS g, COUNT(*) AS n FROM participation p JOIN cycle_evaluator e \
                   ON e.cycle_id = p.cycle_id AND e.person_id = p.evaluator_id WHERE p.cycle_id = ? GROUP BY e.group_code";
        let rows = self.conn.query_all_raw(self.raw1(sql, cycle.0.into())).await.map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok((r.try_get::<String>("", "g").map_err(db_err)?, r.try_get::<i64>("", "n").map_err(db_err)? as u64))
            })
            .collect()
    }
}
