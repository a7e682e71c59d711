//! A cycle's rosters: its subjects in presentation order and its
//! evaluators by group.

use crate::entity::{cycle_evaluator, cycle_subject, org_unit, person};
use crate::{Db, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::cycles::roster::{Evaluator, ReportingMode, Subject};
use kaoping_core::error::{CoreError, Result};
use kaoping_core::error::{FieldError, Msg};
use kaoping_core::ids::PersonId;
use kaoping_core::ids::{CycleId, OrgUnitId};
use kaoping_core::ports::{NewSubject, RosterCycles, RosterStore};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

impl Db {
    /// The evaluators of a cycle (one person only, if given), by group and name.
    async fn evaluators(&self, cycle: CycleId, person: Option<PersonId>) -> Result<Vec<Evaluator>> {
        let mut q = cycle_evaluator::Entity::find().filter(cycle_evaluator::Column::CycleId.eq(cycle.0));
        if let Some(p) = person {
            q = q.filter(cycle_evaluator::Column::PersonId.eq(p.0));
        }
        let rows = q
            .find_also_related(person::Entity)
            .order_by_asc(cycle_evaluator::Column::GroupCode)
            .order_by_asc(person::Column::NameSort)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(e, p)| Evaluator {
                id: e.id,
                cycle_id: CycleId(e.cycle_id),
                person_id: PersonId(e.person_id),
                person_name: p.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                post: p.map(|p| p.post).unwrap_or_default(),
                group: e.group_code,
            })
            .collect())
    }
}

#[async_trait]
impl RosterStore for Db {
    async fn roster_cycles(&self, p: PersonId) -> Result<RosterCycles> {
        let subject = cycle_subject::Entity::find()
            .filter(cycle_subject::Column::PersonId.eq(p.0))
            .order_by_desc(cycle_subject::Column::CycleId)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        let evaluator = cycle_evaluator::Entity::find()
            .filter(cycle_evaluator::Column::PersonId.eq(p.0))
            .order_by_desc(cycle_evaluator::Column::CycleId)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(RosterCycles {
            subject: subject.into_iter().map(|r| CycleId(r.cycle_id)).collect(),
            evaluator: evaluator.into_iter().map(|r| CycleId(r.cycle_id)).collect(),
        })
    }

    async fn subject_list(&self, cycle: CycleId) -> Result<Vec<Subject>> {
        let rows = cycle_subject::Entity::find()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .order_by_asc(cycle_subject::Column::PresentationOrder)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        let people: HashMap<i64, String> = person::Entity::find()
            .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id).collect::<Vec<_>>()))
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let units: HashMap<i64, String> = org_unit::Entity::find()
            .filter(org_unit::Column::Id.is_in(rows.iter().filter_map(|r| r.org_unit_id).collect::<Vec<_>>()))
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| Subject {
                id: r.id,
                cycle_id: CycleId(r.cycle_id),
                person_id: PersonId(r.person_id),
                person_name: people.get(&r.person_id).cloned().unwrap_or_default(),
                post: r.post,
                org_unit_id: r.org_unit_id.map(OrgUnitId),
                org_unit_name: r.org_unit_id.and_then(|u| units.get(&u).cloned()),
                category: r.category,
                mode: ReportingMode::parse(&r.mode).unwrap_or_default(),
                order: r.presentation_order,
            })
            .collect())
    }

    async fn subject_add(&self, cycle: CycleId, s: &NewSubject, audit: &AuditDraft) -> Result<Subject> {
        let txn = self.write().await?;
        let dup = cycle_subject::Entity::find()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .filter(cycle_subject::Column::PersonId.eq(s.person_id.0))
            .one(&txn)
            .await
            .map_err(db_err)?;
        if dup.is_some() {
            return Err(CoreError::Invalid(vec![FieldError::new("person_id", Msg::new("err-subject-duplicate"))]));
        }
        let last = cycle_subject::Entity::find()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .order_by_desc(cycle_subject::Column::PresentationOrder)
            .one(&txn)
            .await
            .map_err(db_err)?
            .map_or(0, |r| r.presentation_order);
        let m = cycle_subject::ActiveModel {
            cycle_id: Set(cycle.0),
            person_id: Set(s.person_id.0),
            post: Set(s.post.clone()),
            org_unit_id: Set(s.org_unit_id.map(|u| u.0)),
            category: Set(s.category.clone()),
            mode: Set(s.mode.as_str().into()),
            presentation_order: Set(last + 1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        let id = m.id;
        self.subject_list(cycle).await?.into_iter().find(|s| s.id == id).ok_or(CoreError::NotFound("subject"))
    }

    async fn subject_remove(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let r = cycle_subject::Entity::delete_many()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .filter(cycle_subject::Column::Id.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::NotFound("subject"));
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn subject_move(&self, cycle: CycleId, id: i64, up: bool, audit: &AuditDraft) -> Result<bool> {
        let txn = self.write().await?;
        let rows = cycle_subject::Entity::find()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .order_by_asc(cycle_subject::Column::PresentationOrder)
            .all(&txn)
            .await
            .map_err(db_err)?;
        let i = rows.iter().position(|r| r.id == id).ok_or(CoreError::NotFound("subject"))?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < rows.len()) };
        let Some(j) = j else { return Ok(false) };
        for (row, order) in [(&rows[i], rows[j].presentation_order), (&rows[j], rows[i].presentation_order)] {
            cycle_subject::Entity::update_many()
                .col_expr(cycle_subject::Column::PresentationOrder, Expr::value(order))
                .filter(cycle_subject::Column::Id.eq(row.id))
                .exec(&txn)
                .await
                .map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(true)
    }

    async fn subject_replace(&self, cycle: CycleId, subjects: &[NewSubject], audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        cycle_subject::Entity::delete_many()
            .filter(cycle_subject::Column::CycleId.eq(cycle.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        for (i, s) in subjects.iter().enumerate() {
            cycle_subject::ActiveModel {
                cycle_id: Set(cycle.0),
                person_id: Set(s.person_id.0),
                post: Set(s.post.clone()),
                org_unit_id: Set(s.org_unit_id.map(|u| u.0)),
                category: Set(s.category.clone()),
                mode: Set(s.mode.as_str().into()),
                presentation_order: Set(i as i32 + 1),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn evaluator_list(&self, cycle: CycleId) -> Result<Vec<Evaluator>> {
        self.evaluators(cycle, None).await
    }

    async fn evaluator_get(&self, cycle: CycleId, person: PersonId) -> Result<Option<Evaluator>> {
        Ok(self.evaluators(cycle, Some(person)).await?.pop())
    }

    async fn evaluator_add(&self, cycle: CycleId, person: PersonId, group: &str, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let dup = cycle_evaluator::Entity::find()
            .filter(cycle_evaluator::Column::CycleId.eq(cycle.0))
            .filter(cycle_evaluator::Column::PersonId.eq(person.0))
            .one(&txn)
            .await
            .map_err(db_err)?;
        if dup.is_some() {
            return Err(CoreError::Invalid(vec![FieldError::new("person_id", Msg::new("err-evaluator-duplicate"))]));
        }
        cycle_evaluator::ActiveModel {
            cycle_id: Set(cycle.0),
            person_id: Set(person.0),
            group_code: Set(group.to_string()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn evaluator_remove(&self, cycle: CycleId, id: i64, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let r = cycle_evaluator::Entity::delete_many()
            .filter(cycle_evaluator::Column::CycleId.eq(cycle.0))
            .filter(cycle_evaluator::Column::Id.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::NotFound("evaluator"));
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn evaluator_replace(&self, cycle: CycleId, rows: &[(PersonId, String)], audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        cycle_evaluator::Entity::delete_many()
            .filter(cycle_evaluator::Column::CycleId.eq(cycle.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        for (person, group) in rows {
            cycle_evaluator::ActiveModel {
                cycle_id: Set(cycle.0),
                person_id: Set(person.0),
                group_code: Set(group.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }
}
