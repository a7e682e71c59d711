//! Personal links and the reader sessions they open (digests only).

use crate::entity::{cycle_evaluator, evaluator_link, link_session, person};
use crate::{Db, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::Result;
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::LinkStore;
use kaoping_core::reports::reading::{LinkGrant, LinkSession, LinkStatus};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

const SESSION_SQL: &str = "SELECT s.created_at, s.last_seen_at, s.expires_at, l.id AS link_id, l.cycle_id, \
     l.person_id, l.revoked_at FROM link_session s JOIN evaluator_link l ON l.id = s.link_id WHERE s.digest = ?";

fn grant(l: &evaluator_link::Model) -> LinkGrant {
    LinkGrant {
        link_id: l.id,
        cycle_id: CycleId(l.cycle_id),
        person_id: PersonId(l.person_id),
        revoked: l.revoked_at.is_some(),
    }
}

/// Revoke the live links of some people in a cycle and end their sessions.
async fn revoke(txn: &DatabaseTransaction, cycle: CycleId, people: &[i64], now: i64) -> Result<u64> {
    let live: Vec<i64> = evaluator_link::Entity::find()
        .select_only()
        .column(evaluator_link::Column::Id)
        .filter(evaluator_link::Column::CycleId.eq(cycle.0))
        .filter(evaluator_link::Column::PersonId.is_in(people.to_vec()))
        .filter(evaluator_link::Column::RevokedAt.is_null())
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_err)?;
    if live.is_empty() {
        return Ok(0);
    }
    for chunk in live.chunks(500) {
        link_session::Entity::delete_many()
            .filter(link_session::Column::LinkId.is_in(chunk.to_vec()))
            .exec(txn)
            .await
            .map_err(db_err)?;
        evaluator_link::Entity::update_many()
            .col_expr(evaluator_link::Column::RevokedAt, Expr::value(now))
            .filter(evaluator_link::Column::Id.is_in(chunk.to_vec()))
            .exec(txn)
            .await
            .map_err(db_err)?;
    }
    Ok(live.len() as u64)
}

#[async_trait]
impl LinkStore for Db {
    async fn link_list(&self, cycle: CycleId) -> Result<Vec<LinkStatus>> {
        let evs = cycle_evaluator::Entity::find()
            .find_also_related(person::Entity)
            .filter(cycle_evaluator::Column::CycleId.eq(cycle.0))
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        let links: HashMap<i64, evaluator_link::Model> = evaluator_link::Entity::find()
            .filter(evaluator_link::Column::CycleId.eq(cycle.0))
            .filter(evaluator_link::Column::RevokedAt.is_null())
            .order_by_asc(evaluator_link::Column::Id)
            .all(&self.conn)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|l| (l.person_id, l))
            .collect();
        let mut out: Vec<(String, LinkStatus)> = evs
            .into_iter()
            .filter_map(|(e, p)| p.map(|p| (e, p)))
            .map(|(e, p)| {
                let l = links.get(&e.person_id);
                let key = format!("{}\u{0}{}", e.group_code, p.name_sort);
                let status = LinkStatus {
                    person_id: PersonId(e.person_id),
                    person_name: p.name,
                    post: p.post,
                    group: e.group_code,
                    link_id: l.map(|l| l.id),
                    issued_at: l.map(|l| from_micros(l.created_at)),
                    first_used_at: l.and_then(|l| l.first_used_at).map(from_micros),
                    last_used_at: l.and_then(|l| l.last_used_at).map(from_micros),
                };
                (key, status)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out.into_iter().map(|(_, s)| s).collect())
    }

    async fn link_issue(&self, cycle: CycleId, links: &[(PersonId, String)], audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        let now = self.now_micros();
        let people: Vec<i64> = links.iter().map(|(p, _)| p.0).collect();
        for chunk in people.chunks(500) {
            revoke(&txn, cycle, chunk, now).await?;
        }
        for chunk in links.chunks(200) {
            let rows = chunk.iter().map(|(p, digest)| evaluator_link::ActiveModel {
                cycle_id: Set(cycle.0),
                person_id: Set(p.0),
                token_digest: Set(digest.clone()),
                created_at: Set(now),
                revoked_at: Set(None),
                first_used_at: Set(None),
                last_used_at: Set(None),
                ..Default::default()
            });
            evaluator_link::Entity::insert_many(rows).exec_without_returning(&txn).await.map_err(db_err)?;
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn link_revoke(&self, cycle: CycleId, person: PersonId, audit: &AuditDraft) -> Result<bool> {
        let txn = self.write().await?;
        let n = revoke(&txn, cycle, &[person.0], self.now_micros()).await?;
        if n == 0 {
            return Ok(false);
        }
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(true)
    }

    async fn link_find(&self, digest: &str) -> Result<Option<LinkGrant>> {
        let l = evaluator_link::Entity::find()
            .filter(evaluator_link::Column::TokenDigest.eq(digest))
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(l.as_ref().map(grant))
    }

    async fn link_session_open(
        &self,
        link_id: i64,
        digest: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.write().await?;
        let now = to_micros(now);
        evaluator_link::Entity::update_many()
            .col_expr(evaluator_link::Column::LastUsedAt, Expr::value(now))
            .filter(evaluator_link::Column::Id.eq(link_id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        evaluator_link::Entity::update_many()
            .col_expr(evaluator_link::Column::FirstUsedAt, Expr::value(now))
            .filter(evaluator_link::Column::Id.eq(link_id))
            .filter(evaluator_link::Column::FirstUsedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let m = link_session::ActiveModel {
            digest: Set(digest.to_string()),
            link_id: Set(link_id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(to_micros(expires)),
        };
        link_session::Entity::insert(m).exec_without_returning(&txn).await.map_err(db_err)?;
        Db::commit(txn).await
    }

    async fn link_session_get(&self, digest: &str) -> Result<Option<LinkSession>> {
        // One round trip: the session with its link.
        let row = self.conn.query_one_raw(self.raw1(SESSION_SQL, digest.into())).await.map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let get = |c: &str| r.try_get::<i64>("", c).map_err(db_err);
        Ok(Some(LinkSession {
            grant: LinkGrant {
                link_id: get("link_id")?,
                cycle_id: CycleId(get("cycle_id")?),
                person_id: PersonId(get("person_id")?),
                revoked: r.try_get::<Option<i64>>("", "revoked_at").map_err(db_err)?.is_some(),
            },
            created_at: from_micros(get("created_at")?),
            last_seen_at: from_micros(get("last_seen_at")?),
            expires_at: from_micros(get("expires_at")?),
        }))
    }

    async fn link_session_touch(&self, digest: &str, now: DateTime<Utc>) -> Result<bool> {
        let found = link_session::Entity::find_by_id(digest.to_string()).one(&self.conn).await.map_err(db_err)?;
        if found.is_some() {
            self.touches.add(&self.conn, digest, to_micros(now));
        }
        Ok(found.is_some())
    }

    async fn link_session_delete(&self, digest: &str) -> Result<()> {
        let txn = self.write().await?;
        link_session::Entity::delete_many()
            .filter(link_session::Column::Digest.eq(digest))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        Db::commit(txn).await
    }
}
