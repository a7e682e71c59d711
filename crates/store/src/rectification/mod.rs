//! Rectification plans, their measures and kept versions.

pub(crate) mod entity;
pub(crate) mod progress;

use crate::entity::{measure, plan, plan_version, problem};
use crate::{Db, Serial, db_err, serialize};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Msg, Result};
use kaoping_core::exact::Dec4;
use kaoping_core::feedback::ProblemStatus;
use kaoping_core::files::Blob;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::{RectificationStore, SignOffTarget};
use kaoping_core::rectification::progress::{
    EvidenceFile, NewEvidence, ProgressFields, ProgressReport, RectificationEvent,
};
use kaoping_core::rectification::{Kpi, Measure, MeasureFields, Plan, PlanStatus, PlanVersion};
use kaoping_core::time::from_micros;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};

pub(crate) fn measure_of(m: measure::Model) -> Result<Measure> {
    let bad = |what: &str| CoreError::Store(format!("measure {}: bad {what}", m.id));
    let kpi = match (&m.kpi_name, m.kpi_baseline, m.kpi_target) {
        (Some(name), Some(b), Some(t)) => Some(Kpi {
            name: name.clone(),
            unit: m.kpi_unit.clone().unwrap_or_default(),
            baseline: Dec4(b),
            target: Dec4(t),
            current: m.kpi_current.map(Dec4),
        }),
        _ => None,
    };
    Ok(Measure {
        id: m.id,
        cycle_id: CycleId(m.cycle_id),
        subject_id: PersonId(m.subject_id),
        problem_id: m.problem_id,
        deadline: chrono::NaiveDate::parse_from_str(&m.deadline, "%Y-%m-%d").map_err(|_| bad("deadline"))?,
        kpi,
        percent: m.percent.clamp(0, 100) as u8,
        signed_off: m.signed_off_at.is_some(),
        created_at: from_micros(m.created_at),
        text: m.body,
        responsible: m.responsible,
    })
}

fn plan_of(m: plan::Model) -> Result<Plan> {
    Ok(Plan {
        cycle_id: CycleId(m.cycle_id),
        subject_id: PersonId(m.subject_id),
        status: PlanStatus::parse(&m.status).ok_or_else(|| CoreError::Store(format!("plan {}: bad status", m.id)))?,
        version: m.version,
        submitted_at: m.submitted_at.map(from_micros),
        reviewed_at: m.reviewed_at.map(from_micros),
        reviewed_by: m.reviewed_by,
        comment: m.comment,
    })
}

fn fields(a: &mut measure::ActiveModel, f: &MeasureFields, now: chrono::DateTime<chrono::Utc>) {
    a.problem_id = Set(f.problem_id);
    a.body = Set(f.text.clone());
    a.responsible = Set(f.responsible.clone());
    a.deadline = Set(f.deadline.format("%Y-%m-%d").to_string());
    a.kpi_name = Set(f.kpi.as_ref().map(|k| k.name.clone()));
    a.kpi_unit = Set(f.kpi.as_ref().map(|k| k.unit.clone()));
    a.kpi_baseline = Set(f.kpi.as_ref().map(|k| k.baseline.0));
    a.kpi_target = Set(f.kpi.as_ref().map(|k| k.target.0));
    a.updated_at = Set(kaoping_core::time::to_micros(now));
}

async fn plan_row(txn: &DatabaseTransaction, cycle: CycleId, subject: PersonId) -> Result<Option<plan::Model>> {
    plan::Entity::find()
        .filter(plan::Column::CycleId.eq(cycle.0))
        .filter(plan::Column::SubjectId.eq(subject.0))
        .one(txn)
        .await
        .map_err(db_err)
}

/// The plan may be changed by its subject: none yet, a draft or returned.
async fn check_editable(txn: &DatabaseTransaction, cycle: CycleId, subject: PersonId) -> Result<()> {
    match plan_row(txn, cycle, subject).await? {
        Some(p) if !PlanStatus::parse(&p.status).is_some_and(PlanStatus::editable) => {
            Err(CoreError::Conflict(Msg::new("err-plan-not-editable")))
        }
        _ => Ok(()),
    }
}

/// The problem must be the subject's, in this cycle, and not signed off.
async fn check_problem(txn: &DatabaseTransaction, cycle: CycleId, subject: PersonId, id: i64) -> Result<()> {
    let p = problem::Entity::find_by_id(id).one(txn).await.map_err(db_err)?;
    match p {
        Some(p) if p.cycle_id == cycle.0 && p.subject_id == subject.0 && p.status == ProblemStatus::Open.as_str() => {
            Ok(())
        }
        _ => Err(CoreError::invalid("problem_id", Msg::new("err-measure-problem"))),
    }
}

async fn subject_measures(txn: &DatabaseTransaction, cycle: CycleId, subject: PersonId) -> Result<Vec<Measure>> {
    measure::Entity::find()
        .filter(measure::Column::CycleId.eq(cycle.0))
        .filter(measure::Column::SubjectId.eq(subject.0))
        .order_by_asc(measure::Column::ProblemId)
        .order_by_asc(measure::Column::Id)
        .all(txn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(measure_of)
        .collect()
}

/// Move a plan from one of `from` to `to`, as a new version with its
/// measures and a history entry.
#[allow(clippy::too_many_arguments)]
async fn advance(
    txn: &DatabaseTransaction,
    cycle: CycleId,
    subject: PersonId,
    from: &[PlanStatus],
    to: PlanStatus,
    comment: Option<&str>,
    audit: &AuditDraft,
    refused: &'static str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Plan> {
    let now = kaoping_core::time::to_micros(at);
    let current = plan_row(txn, cycle, subject).await?;
    let status = current.as_ref().map_or(Some(PlanStatus::Draft), |p| PlanStatus::parse(&p.status));
    if !status.is_some_and(|s| from.contains(&s)) {
        return Err(CoreError::Conflict(Msg::new(refused)));
    }
    let mut a: plan::ActiveModel = match current {
        Some(p) => p.into(),
        None => plan::ActiveModel {
            cycle_id: Set(cycle.0),
            subject_id: Set(subject.0),
            version: Set(0),
            ..Default::default()
        },
    };
    let version = match &a.version {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v + 1,
        sea_orm::ActiveValue::NotSet => 1,
    };
    a.status = Set(to.as_str().into());
    a.version = Set(version);
    if to == PlanStatus::Submitted {
        a.submitted_at = Set(Some(now));
    } else {
        a.reviewed_at = Set(Some(now));
        a.reviewed_by = Set(Some(audit.actor.clone()));
        a.comment = Set(comment.map(str::to_string));
    }
    let measures = subject_measures(txn, cycle, subject).await?;
    if to == PlanStatus::Submitted {
        let open = problem::Entity::find()
            .filter(problem::Column::CycleId.eq(cycle.0))
            .filter(problem::Column::SubjectId.eq(subject.0))
            .filter(problem::Column::Status.eq(ProblemStatus::Open.as_str()))
            .order_by_asc(problem::Column::Position)
            .all(txn)
            .await
            .map_err(db_err)?;
        // The service checked the sheet; a problem may have changed since.
        let uncovered = kaoping_core::rectification::uncovered(open.iter().map(|p| p.id), &measures);
        if !uncovered.is_empty() {
            return Err(CoreError::Invalid(uncovered));
        }
    }
    let saved = a.save(txn).await.map_err(db_err)?;
    plan_version::ActiveModel {
        cycle_id: Set(cycle.0),
        subject_id: Set(subject.0),
        version: Set(version),
        status: Set(to.as_str().into()),
        at: Set(now),
        by: Set(audit.actor.clone()),
        comment: Set(comment.map(str::to_string)),
        measures: Set(serde_json::to_string(&measures).expect("measures serialize")),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(db_err)?;
    let kind = format!("plan_{}", to.as_str());
    progress::event(txn, cycle, subject, None, None, &kind, comment.unwrap_or_default(), &audit.actor, at).await?;
    crate::append_audit(txn, &audit.clone().detail(format!("{} v{version}", audit.detail)), at).await?;
    let m = plan::Entity::find_by_id(match saved.id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => id,
        sea_orm::ActiveValue::NotSet => return Err(CoreError::Store("plan without id".into())),
    })
    .one(txn)
    .await
    .map_err(db_err)?
    .ok_or_else(|| CoreError::Store("plan vanished".into()))?;
    plan_of(m)
}

#[async_trait]
impl RectificationStore for Db {
    async fn plan_get(&self, cycle: CycleId, subject: PersonId) -> Result<Option<Plan>> {
        plan::Entity::find()
            .filter(plan::Column::CycleId.eq(cycle.0))
            .filter(plan::Column::SubjectId.eq(subject.0))
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(plan_of)
            .transpose()
    }

    async fn plan_list(&self, cycle: CycleId) -> Result<Vec<Plan>> {
        plan::Entity::find()
            .filter(plan::Column::CycleId.eq(cycle.0))
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(plan_of)
            .collect()
    }

    async fn measure_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<Measure>> {
        let mut q = measure::Entity::find().filter(measure::Column::CycleId.eq(cycle.0));
        if let Some(s) = subject {
            q = q.filter(measure::Column::SubjectId.eq(s.0));
        }
        q.order_by_asc(measure::Column::SubjectId)
            .order_by_asc(measure::Column::ProblemId)
            .order_by_asc(measure::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(measure_of)
            .collect()
    }

    async fn measure_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        f: &MeasureFields,
        audit: &AuditDraft,
    ) -> Result<Measure> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        check_editable(&txn, cycle, subject).await?;
        check_problem(&txn, cycle, subject, f.problem_id).await?;
        let now = self.now_micros();
        let mut a = measure::ActiveModel {
            cycle_id: Set(cycle.0),
            subject_id: Set(subject.0),
            kpi_current: Set(None),
            percent: Set(0),
            signed_off_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        fields(&mut a, f, self.now());
        let m = a.insert(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, &audit.clone().with_object(format!("measure:{}", m.id))).await?;
        Db::commit(txn).await?;
        measure_of(m)
    }

    async fn measure_update(
        &self,
        cycle: CycleId,
        subject: PersonId,
        id: i64,
        f: &MeasureFields,
        audit: &AuditDraft,
    ) -> Result<Measure> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        check_editable(&txn, cycle, subject).await?;
        check_problem(&txn, cycle, subject, f.problem_id).await?;
        let m = measure::Entity::find_by_id(id)
            .filter(measure::Column::CycleId.eq(cycle.0))
            .filter(measure::Column::SubjectId.eq(subject.0))
            .one(&txn)
            .await
            .map_err(db_err)?
            .ok_or(CoreError::NotFound("measure"))?;
        let mut a: measure::ActiveModel = m.into();
        fields(&mut a, f, self.now());
        let m = a.update(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        measure_of(m)
    }

    async fn measure_delete(&self, cycle: CycleId, subject: PersonId, id: i64, audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        check_editable(&txn, cycle, subject).await?;
        let r = measure::Entity::delete_many()
            .filter(measure::Column::Id.eq(id))
            .filter(measure::Column::CycleId.eq(cycle.0))
            .filter(measure::Column::SubjectId.eq(subject.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if r.rows_affected != 1 {
            return Err(CoreError::NotFound("measure"));
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn plan_submit(&self, cycle: CycleId, subject: PersonId, audit: &AuditDraft) -> Result<Plan> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let from = [PlanStatus::Draft, PlanStatus::Returned];
        let p = advance(
            &txn,
            cycle,
            subject,
            &from,
            PlanStatus::Submitted,
            None,
            audit,
            "err-plan-not-editable",
            self.now(),
        )
        .await?;
        Db::commit(txn).await?;
        Ok(p)
    }

    async fn plan_review(
        &self,
        cycle: CycleId,
        subject: PersonId,
        approve: bool,
        comment: Option<&str>,
        audit: &AuditDraft,
    ) -> Result<Plan> {
        let txn = self.write().await?;
        serialize(&txn, Serial::Cycle(cycle.0)).await?;
        let to = if approve { PlanStatus::Approved } else { PlanStatus::Returned };
        let p = advance(
            &txn,
            cycle,
            subject,
            &[PlanStatus::Submitted],
            to,
            comment,
            audit,
            "err-plan-not-submitted",
            self.now(),
        )
        .await?;
        Db::commit(txn).await?;
        Ok(p)
    }

    async fn plan_versions(&self, cycle: CycleId, subject: PersonId) -> Result<Vec<PlanVersion>> {
        plan_version::Entity::find()
            .filter(plan_version::Column::CycleId.eq(cycle.0))
            .filter(plan_version::Column::SubjectId.eq(subject.0))
            .order_by_desc(plan_version::Column::Version)
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|v| {
                Ok(PlanVersion {
                    version: v.version,
                    status: PlanStatus::parse(&v.status)
                        .ok_or_else(|| CoreError::Store(format!("plan version {}: bad status", v.id)))?,
                    at: from_micros(v.at),
                    by: v.by,
                    comment: v.comment,
                    measures: serde_json::from_str(&v.measures)
                        .map_err(|_| CoreError::Store(format!("plan version {}: bad measures", v.id)))?,
                })
            })
            .collect()
    }

    async fn progress_add(
        &self,
        cycle: CycleId,
        subject: PersonId,
        measure: i64,
        period: &str,
        f: &ProgressFields,
        files: &[NewEvidence],
        audit: &AuditDraft,
    ) -> Result<ProgressReport> {
        progress::progress_add(self, cycle, subject, measure, period, f, files, audit).await
    }

    async fn progress_list(&self, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<ProgressReport>> {
        progress::progress_list(self, cycle, subject).await
    }

    async fn progress_periods(&self, cycle: CycleId) -> Result<Vec<(i64, String)>> {
        progress::progress_periods(self, cycle).await
    }

    async fn evidence_get(&self, cycle: CycleId, subject: PersonId, file: i64) -> Result<Option<(EvidenceFile, Blob)>> {
        progress::evidence_get(self, cycle, subject, file).await
    }

    async fn sign_off(
        &self,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        note: &str,
        audit: &AuditDraft,
    ) -> Result<()> {
        progress::set_signed_off(self, cycle, subject, target, true, note, audit).await
    }

    async fn reopen(
        &self,
        cycle: CycleId,
        subject: PersonId,
        target: SignOffTarget,
        reason: &str,
        audit: &AuditDraft,
    ) -> Result<()> {
        progress::set_signed_off(self, cycle, subject, target, false, reason, audit).await
    }

    async fn events(&self, cycle: CycleId, subject: PersonId) -> Result<Vec<RectificationEvent>> {
        progress::events(self, cycle, subject).await
    }

    async fn notice_once(&self, person: PersonId, cycle: CycleId, kind: &str, period: &str) -> Result<bool> {
        progress::notice_once(self, person, cycle, kind, period).await
    }
}
