//! Sessions, stored by the digest of their token.

use crate::entity::{account, session};
use crate::{Db, convert, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::accounts::Account;
use kaoping_core::error::Result;
use kaoping_core::ids::AccountId;
use kaoping_core::ports::{SessionRecord, SessionStore};
use kaoping_core::time::to_micros;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

#[async_trait]
impl SessionStore for Db {
    async fn session_create(&self, s: &SessionRecord) -> Result<()> {
        let m = session::ActiveModel {
            digest: Set(s.digest.clone()),
            account_id: Set(s.account_id.0),
            created_at: Set(to_micros(s.created_at)),
            last_seen_at: Set(to_micros(s.last_seen_at)),
            expires_at: Set(to_micros(s.expires_at)),
            mfa_pending: Set(s.mfa_pending),
        };
        session::Entity::insert(m).exec_without_returning(&self.conn).await.map_err(db_err)?;
        Ok(())
    }

    async fn session_get(&self, digest: &str) -> Result<Option<(SessionRecord, Account)>> {
        let row = session::Entity::find_by_id(digest.to_string())
            .find_also_related(account::Entity)
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        row.and_then(|(s, a)| Some((s, a?))).map(|(s, a)| Ok((convert::session(s), self.account(a)?))).transpose()
    }

    async fn session_touch(&self, digest: &str, now: DateTime<Utc>) -> Result<()> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(to_micros(now)))
            .filter(session::Column::Digest.eq(digest))
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn session_mfa_done(&self, digest: &str) -> Result<()> {
        session::Entity::update_many()
            .col_expr(session::Column::MfaPending, Expr::value(false))
            .filter(session::Column::Digest.eq(digest))
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn session_delete(&self, digest: &str) -> Result<()> {
        session::Entity::delete_by_id(digest.to_string()).exec(&self.conn).await.map_err(db_err)?;
        Ok(())
    }

    async fn session_delete_account(&self, id: AccountId, keep: Option<&str>) -> Result<u64> {
        let mut q = session::Entity::delete_many().filter(session::Column::AccountId.eq(id.0));
        if let Some(k) = keep {
            q = q.filter(session::Column::Digest.ne(k));
        }
        Ok(q.exec(&self.conn).await.map_err(db_err)?.rows_affected)
    }

    async fn session_purge(&self, now: DateTime<Utc>, idle_before: DateTime<Utc>) -> Result<u64> {
        let r = session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::ExpiresAt.lte(to_micros(now)))
                    .add(session::Column::LastSeenAt.lte(to_micros(idle_before))),
            )
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected)
    }
}
