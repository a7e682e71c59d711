//! Written reports, their versions, and stored files (content-addressed).

pub(crate) mod entity;
mod links;
mod reading;
pub(crate) mod touches;

use crate::entity::{report, report_version, stored_file};
use crate::{Db, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Msg, Result};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::{ReportStore, ReportWrite};
use kaoping_core::reports::{
    AttachmentChange, AttachmentRef, Blob, Report, ReportStatus, ReportSummary, ReportVersion,
};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

fn status(s: &str) -> Result<ReportStatus> {
    ReportStatus::parse(s).ok_or_else(|| CoreError::Store(format!("bad report status {s}")))
}

async fn report_of(conn: &impl ConnectionTrait, m: report::Model) -> Result<Report> {
    let attachment = match (&m.file_digest, &m.file_name) {
        (Some(d), Some(name)) => {
            let meta: Option<(String, i64)> = stored_file::Entity::find_by_id(d.clone())
                .select_only()
                .column(stored_file::Column::MediaType)
                .column(stored_file::Column::Size)
                .into_tuple()
                .one(conn)
                .await
                .map_err(db_err)?;
            meta.map(|(media_type, size)| AttachmentRef { digest: d.clone(), name: name.clone(), media_type, size })
        }
        _ => None,
    };
    Ok(Report {
        id: m.id,
        cycle_id: CycleId(m.cycle_id),
        person_id: PersonId(m.person_id),
        status: status(&m.status)?,
        body_html: m.body_html,
        attachment,
        attachment_text: m.file_text,
        version: m.version,
        updated_at: from_micros(m.updated_at),
        submitted_at: m.submitted_at.map(from_micros),
        reviewed_at: m.reviewed_at.map(from_micros),
        review_comment: m.review_comment,
    })
}

async fn find(conn: &impl ConnectionTrait, cycle: CycleId, person: PersonId) -> Result<Option<report::Model>> {
    report::Entity::find()
        .filter(report::Column::CycleId.eq(cycle.0))
        .filter(report::Column::PersonId.eq(person.0))
        .one(conn)
        .await
        .map_err(db_err)
}

#[async_trait]
impl ReportStore for Db {
    async fn report_get(&self, cycle: CycleId, person: PersonId) -> Result<Option<Report>> {
        match find(&self.conn, cycle, person).await? {
            Some(m) => report_of(&self.conn, m).await.map(Some),
            None => Ok(None),
        }
    }

    async fn report_list(&self, cycle: CycleId) -> Result<Vec<ReportSummary>> {
        type Row = (i64, String, i32, i64, Option<i64>, Option<String>);
        let rows: Vec<Row> = report::Entity::find()
            .select_only()
            .column(report::Column::PersonId)
            .column(report::Column::Status)
            .column(report::Column::Version)
            .column(report::Column::UpdatedAt)
            .column(report::Column::SubmittedAt)
            .column(report::Column::FileDigest)
            .filter(report::Column::CycleId.eq(cycle.0))
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        rows.into_iter()
            .map(|(p, s, version, updated, submitted, file)| {
                Ok(ReportSummary {
                    person_id: PersonId(p),
                    status: status(&s)?,
                    version,
                    updated_at: from_micros(updated),
                    submitted_at: submitted.map(from_micros),
                    has_attachment: file.is_some(),
                })
            })
            .collect()
    }

    async fn report_search(&self, cycle: CycleId, text: &str) -> Result<Vec<PersonId>> {
        let esc: String =
            text.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let like = || LikeExpr::new(format!("%{esc}%")).escape('\\');
        let ids: Vec<i64> = report::Entity::find()
            .select_only()
            .column(report::Column::PersonId)
            .filter(report::Column::CycleId.eq(cycle.0))
            .filter(
                Condition::any().add(report::Column::BodyHtml.like(like())).add(report::Column::FileText.like(like())),
            )
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(ids.into_iter().map(PersonId).collect())
    }

    async fn report_write(&self, w: &ReportWrite, audit: &AuditDraft) -> Result<Report> {
        let txn = self.write().await?;
        let now = to_micros(w.now);
        let current = find(&txn, w.cycle_id, w.person_id).await?;
        let now_status = current.as_ref().map(|m| status(&m.status)).transpose()?;
        let state_ok = match w.expect {
            Some(s) => now_status == Some(s),
            None => now_status.is_none(),
        };
        if !state_ok {
            return Err(CoreError::Conflict(Msg::new("err-report-changed")));
        }
        let (mut digest, mut name, mut text) = match &current {
            Some(m) => (m.file_digest.clone(), m.file_name.clone(), m.file_text.clone()),
            None => (None, None, String::new()),
        };
        match &w.attachment {
            AttachmentChange::Keep => {}
            AttachmentChange::Remove => (digest, name, text) = (None, None, String::new()),
            AttachmentChange::Replace(a) => {
                let exists = stored_file::Entity::find_by_id(a.digest.clone())
                    .select_only()
                    .column(stored_file::Column::Digest)
                    .into_tuple::<String>()
                    .one(&txn)
                    .await
                    .map_err(db_err)?
                    .is_some();
                if !exists {
                    stored_file::ActiveModel {
                        digest: Set(a.digest.clone()),
                        media_type: Set(a.media_type.clone()),
                        size: Set(a.data.len() as i64),
                        data: Set(a.data.clone()),
                        created_at: Set(now),
                    }
                    .insert(&txn)
                    .await
                    .map_err(db_err)?;
                }
                (digest, name, text) = (Some(a.digest.clone()), Some(a.name.clone()), a.text.clone());
            }
        }
        let body = match (&w.body_html, &current) {
            (Some(b), _) => b.clone(),
            (None, Some(m)) => m.body_html.clone(),
            (None, None) => String::new(),
        };
        let submitted = w.status == ReportStatus::Submitted && now_status != Some(ReportStatus::Submitted);
        let reviewed = matches!(w.status, ReportStatus::Accepted | ReportStatus::Returned);
        let saved = match current {
            Some(m) => {
                let version = m.version + 1;
                let submitted_at = if submitted { Some(now) } else { m.submitted_at };
                let mut a = m.into_active_model();
                a.status = Set(w.status.as_str().into());
                a.body_html = Set(body.clone());
                a.file_digest = Set(digest.clone());
                a.file_name = Set(name.clone());
                a.file_text = Set(text);
                a.version = Set(version);
                a.updated_at = Set(now);
                a.submitted_at = Set(submitted_at);
                if reviewed {
                    a.reviewed_at = Set(Some(now));
                    a.review_comment = Set(w.comment.clone());
                }
                a.update(&txn).await.map_err(db_err)?
            }
            None => report::ActiveModel {
                cycle_id: Set(w.cycle_id.0),
                person_id: Set(w.person_id.0),
                status: Set(w.status.as_str().into()),
                body_html: Set(body.clone()),
                file_digest: Set(digest.clone()),
                file_name: Set(name.clone()),
                file_text: Set(text),
                version: Set(1),
                updated_at: Set(now),
                submitted_at: Set(submitted.then_some(now)),
                reviewed_at: Set(None),
                review_comment: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(db_err)?,
        };
        report_version::ActiveModel {
            report_id: Set(saved.id),
            version: Set(saved.version),
            status: Set(w.status.as_str().into()),
            body_html: Set(body),
            file_digest: Set(digest),
            file_name: Set(name),
            comment: Set(w.comment.clone()),
            author: Set(w.author.chars().take(100).collect()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        self.append_audit(&txn, &audit.clone().detail(format!("version {} {}", saved.version, w.status.as_str())))
            .await?;
        let out = report_of(&txn, saved).await?;
        Db::commit(txn).await?;
        Ok(out)
    }

    async fn report_versions(&self, cycle: CycleId, person: PersonId) -> Result<Vec<ReportVersion>> {
        let Some(r) = find(&self.conn, cycle, person).await? else { return Ok(Vec::new()) };
        let rows = report_version::Entity::find()
            .filter(report_version::Column::ReportId.eq(r.id))
            .order_by_desc(report_version::Column::Version)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        rows.into_iter()
            .map(|v| {
                Ok(ReportVersion {
                    version: v.version,
                    status: status(&v.status)?,
                    body_html: v.body_html,
                    attachment_name: v.file_name,
                    comment: v.comment,
                    author: v.author,
                    created_at: from_micros(v.created_at),
                })
            })
            .collect()
    }

    async fn blob_get(&self, digest: &str) -> Result<Option<Blob>> {
        let f = stored_file::Entity::find_by_id(digest.to_string()).one(&self.conn).await.map_err(db_err)?;
        Ok(f.map(|f| Blob { digest: f.digest, media_type: f.media_type, data: f.data }))
    }
}
