//! Progress reports with their evidence files, sign-off and reopening,
//! the rectification history and the notices sent (the second half of
//! `RectificationStore`, called from `rectification.rs`).

use crate::entity::{measure, notice, plan, problem, progress_file, progress_report, rectification_event, stored_file};
use crate::{Db, Serial, db_err, serialize};
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Msg, Result};
use kaoping_core::exact::Dec4;
use kaoping_core::feedback::ProblemStatus;
use kaoping_core::files::Blob;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::SignOffTarget;
use kaoping_core::rectification::PlanStatus;
use kaoping_core::rectification::progress::{
    EvidenceFile, NewEvidence, ProgressFields, ProgressReport, RectificationEvent,
};
use kaoping_core::time::from_micros;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use std::collections::HashMap;

fn frozen() -> CoreError {
    CoreError::Conflict(Msg::new("err-signed-off"))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn event(
    txn: &DatabaseTransaction,
    cycle: CycleId,
    subject: PersonId,
    problem: Option<i64>,
    measure: Option<i64>,
    kind: &str,
    note: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    rectification_event::ActiveModel {
        cycle_id: Set(cycle.0),
        subject_id: Set(subject.0),
        problem_id: Set(problem),
        measure_id: Set(measure),
        kind: Set(kind.into()),
        note: Set(note.into()),
        actor: Set(actor.into()),
        at: Set(kaoping_core::time::to_micros(now)),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The measure of the subject, with its problem.
async fn measure_and_problem(
    txn: &DatabaseTransaction,
    cycle: CycleId,
    subject: PersonId,
    id: i64,
) -> Result<(measure::Model, problem::Model)> {
    let m = measure::Entity::find_by_id(id)
        .filter(measure::Column::CycleId.eq(cycle.0))
        .filter(measure::Column::SubjectId.eq(subject.0))
        .one(txn)
        .await
        .map_err(db_err)?
        .ok_or(CoreError::NotFound("measure"))?;
    let p = problem::Entity::find_by_id(m.problem_id)
        .one(txn)
        .await
        .map_err(db_err)?
        .ok_or(CoreError::NotFound("problem"))?;
    Ok((m, p))
}

async fn store_file(txn: &DatabaseTransaction, f: &NewEvidence, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let exists = stored_file::Entity::find_by_id(f.digest.clone())
        .select_only()
        .column(stored_file::Column::Digest)
        .into_tuple::<String>()
        .one(txn)
        .await
        .map_err(db_err)?
        .is_some();
    if !exists {
        stored_file::ActiveModel {
            digest: Set(f.digest.clone()),
            media_type: Set(f.media_type.clone()),
            size: Set(f.data.len() as i64),
            data: Set(f.data.clone()),
            created_at: Set(kaoping_core::time::to_micros(now)),
        }
        .insert(txn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

fn file_of(f: progress_file::Model) -> EvidenceFile {
    EvidenceFile { id: f.id, digest: f.digest, name: f.name, media_type: f.media_type, size: f.size }
}

fn report_of(r: progress_report::Model, files: Vec<EvidenceFile>) -> ProgressReport {
    ProgressReport {
        id: r.id,
        measure_id: r.measure_id,
        period: r.period,
        text: r.body,
        percent: r.percent.clamp(0, 100) as u8,
        kpi_value: r.kpi_value.map(Dec4),
        created_at: from_micros(r.created_at),
        created_by: r.created_by,
        files,
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn progress_add(
    db: &Db,
    cycle: CycleId,
    subject: PersonId,
    id: i64,
    period: &str,
    f: &ProgressFields,
    files: &[NewEvidence],
    audit: &AuditDraft,
) -> Result<ProgressReport> {
    let txn = db.write().await?;
    serialize(&txn, Serial::Cycle(cycle.0)).await?;
    let approved = plan::Entity::find()
        .filter(plan::Column::CycleId.eq(cycle.0))
        .filter(plan::Column::SubjectId.eq(subject.0))
        .one(&txn)
        .await
        .map_err(db_err)?
        .is_some_and(|p| p.status == PlanStatus::Approved.as_str());
    if !approved {
        return Err(CoreError::Conflict(Msg::new("err-progress-plan-not-approved")));
    }
    let (m, p) = measure_and_problem(&txn, cycle, subject, id).await?;
    if m.signed_off_at.is_some() || p.status == ProblemStatus::SignedOff.as_str() {
        return Err(frozen());
    }
    let now = db.now_micros();
    let r = progress_report::ActiveModel {
        cycle_id: Set(cycle.0),
        subject_id: Set(subject.0),
        measure_id: Set(id),
        period: Set(period.into()),
        body: Set(f.text.clone()),
        percent: Set(i32::from(f.percent)),
        kpi_value: Set(f.kpi_value.map(|d| d.0)),
        created_at: Set(now),
        created_by: Set(audit.actor.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_err)?;
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        store_file(&txn, file, db.now()).await?;
        let row = progress_file::ActiveModel {
            progress_id: Set(r.id),
            digest: Set(file.digest.clone()),
            name: Set(file.name.clone()),
            media_type: Set(file.media_type.clone()),
            size: Set(file.data.len() as i64),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        stored.push(file_of(row));
    }
    let mut upd = measure::Entity::update_many()
        .col_expr(measure::Column::Percent, Expr::value(i32::from(f.percent)))
        .col_expr(measure::Column::UpdatedAt, Expr::value(now));
    if let Some(v) = f.kpi_value {
        upd = upd.col_expr(measure::Column::KpiCurrent, Expr::value(v.0));
    }
    upd.filter(measure::Column::Id.eq(id)).exec(&txn).await.map_err(db_err)?;
    let note = format!("{period} {}%", f.percent);
    event(&txn, cycle, subject, Some(m.problem_id), Some(id), "progress", &note, &audit.actor, db.now()).await?;
    db.append_audit(&txn, &audit.clone().detail(format!("{} {note} files:{}", audit.detail, files.len()))).await?;
    Db::commit(txn).await?;
    Ok(report_of(r, stored))
}

pub(crate) async fn progress_list(db: &Db, cycle: CycleId, subject: Option<PersonId>) -> Result<Vec<ProgressReport>> {
    let mut q = progress_report::Entity::find().filter(progress_report::Column::CycleId.eq(cycle.0));
    if let Some(s) = subject {
        q = q.filter(progress_report::Column::SubjectId.eq(s.0));
    }
    let reports = q.order_by_asc(progress_report::Column::Id).all(&db.conn).await.map_err(db_err)?;
    let mut files: HashMap<i64, Vec<EvidenceFile>> = HashMap::new();
    if !reports.is_empty() {
        // Files of these reports, in chunks (bind-parameter limits).
        for ids in reports.iter().map(|r| r.id).collect::<Vec<_>>().chunks(500) {
            let rows = progress_file::Entity::find()
                .filter(progress_file::Column::ProgressId.is_in(ids.to_vec()))
                .order_by_asc(progress_file::Column::Id)
                .all(&db.conn)
                .await
                .map_err(db_err)?;
            for f in rows {
                files.entry(f.progress_id).or_default().push(file_of(f));
            }
        }
    }
    Ok(reports
        .into_iter()
        .map(|r| {
            let f = files.remove(&r.id).unwrap_or_default();
            report_of(r, f)
        })
        .collect())
}

pub(crate) async fn progress_periods(db: &Db, cycle: CycleId) -> Result<Vec<(i64, String)>> {
    progress_report::Entity::find()
        .filter(progress_report::Column::CycleId.eq(cycle.0))
        .select_only()
        .column(progress_report::Column::MeasureId)
        .column(progress_report::Column::Period)
        .distinct()
        .into_tuple::<(i64, String)>()
        .all(&db.conn)
        .await
        .map_err(db_err)
}

pub(crate) async fn evidence_get(
    db: &Db,
    cycle: CycleId,
    subject: PersonId,
    file: i64,
) -> Result<Option<(EvidenceFile, Blob)>> {
    let Some(f) = progress_file::Entity::find_by_id(file).one(&db.conn).await.map_err(db_err)? else {
        return Ok(None);
    };
    let owner = progress_report::Entity::find_by_id(f.progress_id).one(&db.conn).await.map_err(db_err)?;
    if !owner.is_some_and(|r| r.cycle_id == cycle.0 && r.subject_id == subject.0) {
        return Ok(None);
    }
    let Some(b) = stored_file::Entity::find_by_id(f.digest.clone()).one(&db.conn).await.map_err(db_err)? else {
        return Ok(None);
    };
    Ok(Some((file_of(f), Blob { digest: b.digest, media_type: b.media_type, data: b.data })))
}

/// Set (sign off) or clear (reopen) the signed-off state of a measure or a
/// problem with all its measures.
pub(crate) async fn set_signed_off(
    db: &Db,
    cycle: CycleId,
    subject: PersonId,
    target: SignOffTarget,
    sign: bool,
    note: &str,
    audit: &AuditDraft,
) -> Result<()> {
    let txn = db.write().await?;
    serialize(&txn, Serial::Cycle(cycle.0)).await?;
    let now = db.now_micros();
    let stamp = if sign { Some(now) } else { None };
    let (problem_id, measure_id, kind) = match target {
        SignOffTarget::Measure(id) => {
            let (m, p) = measure_and_problem(&txn, cycle, subject, id).await?;
            if p.status == ProblemStatus::SignedOff.as_str() {
                // A signed-off problem is reopened as a whole first.
                return Err(frozen());
            }
            if m.signed_off_at.is_some() == sign {
                return Err(CoreError::Conflict(Msg::new(if sign { "err-signed-off" } else { "err-not-signed-off" })));
            }
            measure::Entity::update_many()
                .col_expr(measure::Column::SignedOffAt, Expr::value(stamp))
                .filter(measure::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(db_err)?;
            (p.id, Some(id), if sign { "measure_signed_off" } else { "measure_reopened" })
        }
        SignOffTarget::Problem(id) => {
            let p = problem::Entity::find_by_id(id)
                .filter(problem::Column::CycleId.eq(cycle.0))
                .filter(problem::Column::SubjectId.eq(subject.0))
                .one(&txn)
                .await
                .map_err(db_err)?
                .ok_or(CoreError::NotFound("problem"))?;
            let want = if sign { ProblemStatus::Open } else { ProblemStatus::SignedOff };
            if p.status != want.as_str() {
                return Err(CoreError::Conflict(Msg::new(if sign { "err-signed-off" } else { "err-not-signed-off" })));
            }
            let to = if sign { ProblemStatus::SignedOff } else { ProblemStatus::Open };
            problem::Entity::update_many()
                .col_expr(problem::Column::Status, Expr::value(to.as_str()))
                .col_expr(problem::Column::UpdatedAt, Expr::value(now))
                .filter(problem::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(db_err)?;
            if sign {
                // Every measure of it is signed off with it (those already keep their time).
                measure::Entity::update_many()
                    .col_expr(measure::Column::SignedOffAt, Expr::value(now))
                    .filter(measure::Column::ProblemId.eq(id))
                    .filter(measure::Column::SignedOffAt.is_null())
                    .exec(&txn)
                    .await
                    .map_err(db_err)?;
            }
            (id, None, if sign { "problem_signed_off" } else { "problem_reopened" })
        }
    };
    event(&txn, cycle, subject, Some(problem_id), measure_id, kind, note, &audit.actor, db.now()).await?;
    db.append_audit(&txn, audit).await?;
    Db::commit(txn).await
}

pub(crate) async fn events(db: &Db, cycle: CycleId, subject: PersonId) -> Result<Vec<RectificationEvent>> {
    Ok(rectification_event::Entity::find()
        .filter(rectification_event::Column::CycleId.eq(cycle.0))
        .filter(rectification_event::Column::SubjectId.eq(subject.0))
        .order_by_asc(rectification_event::Column::Id)
        .all(&db.conn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|e| RectificationEvent {
            problem_id: e.problem_id,
            measure_id: e.measure_id,
            kind: e.kind,
            note: e.note,
            actor: e.actor,
            at: from_micros(e.at),
        })
        .collect())
}

pub(crate) async fn notice_once(db: &Db, person: PersonId, cycle: CycleId, kind: &str, period: &str) -> Result<bool> {
    let row = notice::ActiveModel {
        person_id: Set(person.0),
        cycle_id: Set(cycle.0),
        kind: Set(kind.into()),
        period: Set(period.into()),
        at: Set(db.now_micros()),
        ..Default::default()
    };
    match notice::Entity::insert(row).exec_without_returning(&db.conn).await {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(db_err(e)),
    }
}
