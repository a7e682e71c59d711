//! Critiques, problems and feedback sheets.

pub(crate) mod entity;

use crate::entity::{critique, cycle, feedback_sheet, problem};
use crate::{Db, Serial, db_err, serialize};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::feedback_settings::{FeedbackSettings, sheet_number};
use kaoping_core::error::{CoreError, Msg, Result};
use kaoping_core::feedback::{Critique, FeedbackSheet, Problem, ProblemFields, ProblemSource, ProblemStatus, Severity};
use kaoping_core::ids::{CycleId, OrgUnitId, PersonId};
use kaoping_core::ports::{FeedbackStore, NewSheet};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};

fn problem_of(m: problem::Model) -> Result<Problem> {
    let bad = |what: &str| CoreError::Store(format!("problem {}: bad {what}", m.id));
    Ok(Problem {
        id: m.id,
        cycle_id: CycleId(m.cycle_id),
        subject_id: PersonId(m.subject_id),
        position: m.position,
        source: ProblemSource::parse(&m.source).ok_or_else(|| bad("source"))?,
        group: m.group_code.clone(),
        severity: Severity::parse(&m.severity).ok_or_else(|| bad("severity"))?,
        status: ProblemStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        created_at: from_micros(m.created_at),
        text: m.body,
        tag: m.tag,
    })
}

fn sheet_of(m: feedback_sheet::Model) -> Result<FeedbackSheet> {
    let content = serde_json::from_str(&m.content)
        .map_err(|_| CoreError::Store(format!("feedback sheet {}: bad content", m.id)))?;
    Ok(FeedbackSheet {
        id: m.id,
        cycle_id: CycleId(m.cycle_id),
        subject_id: PersonId(m.subject_id),
        number: m.number,
        seq: m.seq,
        issued_at: from_micros(m.issued_at),
        issued_by: m.issued_by,
        acknowledged_at: m.acknowledged_at.map(from_micros),
        content,
    })
}

fn issued() -> CoreError {
    CoreError::Conflict(Msg::new("err-problem-issued"))
}

async fn has_sheet(txn: &DatabaseTransaction, cycle: CycleId, subject: PersonId) -> Result<bool> {
    Ok(feedback_sheet::Entity::find()
        .filter(feedback_sheet::Column::CycleId.eq(cycle.0))
        .filter(feedback_sheet::Column::SubjectId.eq(subject.0))
        .one(txn)
        .await
        .map_err(db_err)?
        .is_some())
}

/// A problem of the cycle, for a change: it must still be a draft.
async fn draft_problem(txn: &DatabaseTransaction, cycle: CycleId, id: i64) -> Result<problem::Model> {
    let p = problem::Entity::find_by_id(id)
        .filter(problem::Column::CycleId.eq(cycle.0))
        .one(txn)
        .await
        .map_err(db_err)?
        .ok_or(CoreError::NotFound("problem"))?;
    if p.status != ProblemStatus::Draft.as_str() {
        return Err(issued());
    }
    Ok(p)
}

#[async_trait]
impl FeedbackStore for Db {
    async fn cycle_set_feedback(&self, id: CycleId, s: &FeedbackSettings, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let r = cycle::Entity::update_many()
            .col_expr(cycle::Column::Feedback, Expr::value(serde_json::to_string(s).expect("settings serialize")))
            .col_expr(cycle::Column::UpdatedAt, Expr::value(self.now_micros()))
            .filter(cycle::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::NotFound("cycle"));
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn critique_list(&self, cycle: CycleId) -> Result<Vec<Critique>> {
        let rows = critique::Entity::find()
            .filter(critique::Column::CycleId.eq(cycle.0))
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|m| Critique {
                cycle_id: CycleId(m.cycle_id),
                subject_id: PersonId(m.subject_id),
                text: m.body,
                updated_at: from_micros(m.updated_at),
                updated_by: m.updated_by,
            })
            .collect())
    }

    async fn critique_set(&self, cycle: CycleId, subject: PersonId, text: &str, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let old = critique::Entity::find()
            .filter(critique::Column::CycleId.eq(cycle.0))
            .filter(critique::Column::SubjectId.eq(subject.0))
            .one(&txn)
            .await
            .map_err(db_err)?;
        let now = self.now_micros();
        match (old, text.is_empty()) {
            (Some(o), true) => {
                critique::Entity::delete_by_id(o.id).exec(&txn).await.map_err(db_err)?;
            }
            (Some(o), false) => {
                let mut a: critique::ActiveModel = o.into();
                a.body = Set(text.to_string());
                a.updated_at = Set(now);
                a.updated_by = Set(audit.actor.clone());
                a.update(&txn).await.map_err(db_err)?;
            }
            (None, true) => {}
            (None, false) => {
                critique::ActiveModel {
                    cycle_id: Set(cycle.0),
                    subject_id: Set(subject.0),
                    body: Set(text.to_string()),
                    updated_at: Set(now),
                    updated_by: Set(audit.actor.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(db_err)?;
            }
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn problem_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<Problem>> {
        let mut q = problem::Entity::find().filter(problem::Column::CycleId.eq(cycle.0));
        if let Some(s) = subject {
            q = q.filter(problem::Column::SubjectId.eq(s.0));
        }
        q.order_by_asc(problem::Column::SubjectId)
            .order_by_asc(problem::Column::Position)
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(problem_of)
            .collect()
    }

    async fn problem_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        f: &ProblemFields,
        audit: &AuditDraft,
    ) -> Result<Problem> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        if has_sheet(&txn, cycle, subject).await? {
            return Err(issued());
        }
        let last: Option<i32> = problem::Entity::find()
            .filter(problem::Column::CycleId.eq(cycle.0))
            .filter(problem::Column::SubjectId.eq(subject.0))
            .select_only()
            .column_as(problem::Column::Position.max(), "m")
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await
            .map_err(db_err)?
            .flatten();
        let now = self.now_micros();
        let m = problem::ActiveModel {
            cycle_id: Set(cycle.0),
            subject_id: Set(subject.0),
            position: Set(last.unwrap_or(0) + 1),
            source: Set(f.source.as_str().into()),
            group_code: Set(f.group.clone()),
            body: Set(f.text.clone()),
            tag: Set(f.tag.clone()),
            severity: Set(f.severity.as_str().into()),
            status: Set(ProblemStatus::Draft.as_str().into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        self.append_audit(&txn, &audit.clone().with_object(format!("problem:{}", m.id))).await?;
        Db::commit(txn).await?;
        problem_of(m)
    }

    async fn problem_update(&self, cycle: CycleId, id: i64, f: &ProblemFields, audit: &AuditDraft) -> Result<Problem> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let mut a: problem::ActiveModel = draft_problem(&txn, cycle, id).await?.into();
        a.source = Set(f.source.as_str().into());
        a.group_code = Set(f.group.clone());
        a.body = Set(f.text.clone());
        a.tag = Set(f.tag.clone());
        a.severity = Set(f.severity.as_str().into());
        a.updated_at = Set(self.now_micros());
        let m = a.update(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        problem_of(m)
    }

    async fn problem_delete(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        draft_problem(&txn, cycle, id).await?;
        problem::Entity::delete_by_id(id).exec(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn problem_move(&self, cycle: CycleId, id: i64, up: bool, audit: &AuditDraft) -> Result<bool> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let p = draft_problem(&txn, cycle, id).await?;
        let rows = problem::Entity::find()
            .filter(problem::Column::CycleId.eq(cycle.0))
            .filter(problem::Column::SubjectId.eq(p.subject_id))
            .order_by_asc(problem::Column::Position)
            .all(&txn)
            .await
            .map_err(db_err)?;
        let i = rows.iter().position(|r| r.id == id).ok_or(CoreError::NotFound("problem"))?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < rows.len()) };
        let Some(j) = j else { return Ok(false) };
        for (row, position) in [(&rows[i], rows[j].position), (&rows[j], rows[i].position)] {
            problem::Entity::update_many()
                .col_expr(problem::Column::Position, Expr::value(position))
                .filter(problem::Column::Id.eq(row.id))
                .exec(&txn)
                .await
                .map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(true)
    }

    async fn sheet_issue(
        &self,
        cycle: CycleId,
        organizer: OrgUnitId,
        year: i32,
        pattern: &str,
        sheets: &[NewSheet],
        audit: &AuditDraft,
    ) -> Result<Vec<FeedbackSheet>> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Numbers(organizer.0)).await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let last: Option<i64> = feedback_sheet::Entity::find()
            .filter(feedback_sheet::Column::OrganizerId.eq(organizer.0))
            .filter(feedback_sheet::Column::Year.eq(year))
            .select_only()
            .column_as(feedback_sheet::Column::Seq.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await
            .map_err(db_err)?
            .flatten();
        let mut seq = last.unwrap_or(0);
        let now = self.now();
        let mut out = Vec::with_capacity(sheets.len());
        for s in sheets {
            if has_sheet(&txn, cycle, s.subject_id).await? {
                return Err(CoreError::Conflict(Msg::new("err-sheet-exists").arg("name", &s.content.subject_name)));
            }
            // The sheet must say what the problems say now.
            let drafts = problem::Entity::find()
                .filter(problem::Column::CycleId.eq(cycle.0))
                .filter(problem::Column::SubjectId.eq(s.subject_id.0))
                .order_by_asc(problem::Column::Position)
                .all(&txn)
                .await
                .map_err(db_err)?;
            let same = drafts.len() == s.content.problems.len()
                && drafts.iter().zip(&s.content.problems).all(|(d, p)| {
                    d.id == p.problem_id
                        && d.body == p.text
                        && d.tag == p.tag
                        && d.severity == p.severity.as_str()
                        && d.source == p.source.as_str()
                        && d.status == ProblemStatus::Draft.as_str()
                });
            if !same {
                return Err(CoreError::Conflict(
                    Msg::new("err-sheet-problems-changed").arg("name", &s.content.subject_name),
                ));
            }
            seq += 1;
            let number = sheet_number(pattern, year, seq);
            let content = kaoping_core::feedback::SheetContent { number: number.clone(), ..s.content.clone() };
            let row = feedback_sheet::ActiveModel {
                cycle_id: Set(cycle.0),
                subject_id: Set(s.subject_id.0),
                organizer_id: Set(organizer.0),
                year: Set(year),
                seq: Set(seq),
                number: Set(number),
                content: Set(serde_json::to_string(&content).expect("content serializes")),
                issued_at: Set(to_micros(now)),
                issued_by: Set(audit.actor.clone()),
                acknowledged_at: Set(None),
                ..Default::default()
            };
            let m = match row.insert(&txn).await {
                Ok(m) => m,
                Err(e) => {
                    return Err(match e.sql_err() {
                        Some(SqlErr::UniqueConstraintViolation(_)) => {
                            CoreError::Conflict(Msg::new("err-sheet-exists").arg("name", &s.content.subject_name))
                        }
                        _ => db_err(e),
                    });
                }
            };
            problem::Entity::update_many()
                .col_expr(problem::Column::Status, Expr::value(ProblemStatus::Open.as_str()))
                .col_expr(problem::Column::UpdatedAt, Expr::value(to_micros(now)))
                .filter(problem::Column::CycleId.eq(cycle.0))
                .filter(problem::Column::SubjectId.eq(s.subject_id.0))
                .exec(&txn)
                .await
                .map_err(db_err)?;
            out.push(sheet_of(m)?);
        }
        let numbers: Vec<&str> = out.iter().map(|s| s.number.as_str()).collect();
        self.append_audit(&txn, &audit.clone().detail(numbers.join(", "))).await?;
        Db::commit(txn).await?;
        Ok(out)
    }

    async fn sheet_list(&self, cycle: CycleId) -> Result<Vec<FeedbackSheet>> {
        feedback_sheet::Entity::find()
            .filter(feedback_sheet::Column::CycleId.eq(cycle.0))
            .order_by_asc(feedback_sheet::Column::Seq)
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(sheet_of)
            .collect()
    }

    async fn sheet_get(&self, cycle: CycleId, subject: PersonId) -> Result<Option<FeedbackSheet>> {
        feedback_sheet::Entity::find()
            .filter(feedback_sheet::Column::CycleId.eq(cycle.0))
            .filter(feedback_sheet::Column::SubjectId.eq(subject.0))
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(sheet_of)
            .transpose()
    }

    async fn sheet_acknowledge(&self, cycle: CycleId, subject: PersonId, audit: &AuditDraft) -> Result<bool> {
        let txn = self.write().await?;
        let r = feedback_sheet::Entity::update_many()
            .col_expr(feedback_sheet::Column::AcknowledgedAt, Expr::value(self.now_micros()))
            .filter(feedback_sheet::Column::CycleId.eq(cycle.0))
            .filter(feedback_sheet::Column::SubjectId.eq(subject.0))
            .filter(feedback_sheet::Column::AcknowledgedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected == 0 {
            txn.rollback().await.map_err(db_err)?;
            return Ok(false);
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(true)
    }
}
