//! Accounts, role grants and the login failure counter.

pub(crate) mod entity;
mod sessions;

use crate::entity::{account, account_grant, org_unit, person};
use crate::subtree::units_under;
use crate::{Db, convert, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::accounts::auth::LockoutPolicy;
use kaoping_core::accounts::scope::ScopeGrant;
use kaoping_core::accounts::{Account, AccountSummary, Role, RoleGrant};
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, FieldError, Msg, Result};
use kaoping_core::ids::{AccountId, OrgUnitId, PersonId};
use kaoping_core::ports::{AccountStore, NewAccount};
use kaoping_core::time::{from_micros, to_micros};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;

async fn must_get(txn: &impl ConnectionTrait, id: AccountId) -> Result<account::Model> {
    account::Entity::find_by_id(id.0).one(txn).await.map_err(db_err)?.ok_or(CoreError::NotFound("account"))
}

async fn replace_grants(txn: &DatabaseTransaction, id: AccountId, grants: &[RoleGrant]) -> Result<()> {
    account_grant::Entity::delete_many()
        .filter(account_grant::Column::AccountId.eq(id.0))
        .exec(txn)
        .await
        .map_err(db_err)?;
    for g in grants {
        account_grant::ActiveModel {
            account_id: Set(id.0),
            role: Set(g.role.as_str().to_string()),
            org_unit_id: Set(g.org_unit_id.map(|o| o.0)),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

fn grant(m: &account_grant::Model) -> Option<RoleGrant> {
    Some(RoleGrant { role: Role::parse(&m.role)?, org_unit_id: m.org_unit_id.map(OrgUnitId) })
}

async fn update<F>(db: &Db, id: AccountId, audit: Option<&AuditDraft>, f: F) -> Result<account::Model>
where
    F: FnOnce(&mut account::ActiveModel) + Send,
{
    let txn = db.write().await?;
    let mut am = must_get(&txn, id).await?.into_active_model();
    f(&mut am);
    let m = am.update(&txn).await.map_err(db_err)?;
    if let Some(a) = audit {
        db.append_audit(&txn, a).await?;
    }
    Db::commit(txn).await?;
    Ok(m)
}

/// A stored password history; unreadable history counts as empty rather
/// than locking the account out of changing its password.
fn parse_history(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Db {
    /// An account as read, its TOTP secret opened with the server key.
    pub(crate) fn account(&self, m: crate::entity::account::Model) -> Result<Account> {
        let mut a = convert::account(m);
        if let Some(stored) = a.totp_secret.take() {
            a.totp_secret = Some(crate::voting::sealing::open_totp(self.key.as_deref(), &stored)?);
        }
        Ok(a)
    }
}

#[async_trait]
impl AccountStore for Db {
    async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(|m| self.account(m))
            .transpose()
    }

    async fn account_get(&self, id: AccountId) -> Result<Option<Account>> {
        account::Entity::find_by_id(id.0).one(&self.conn).await.map_err(db_err)?.map(|m| self.account(m)).transpose()
    }

    async fn account_for_person(&self, person: PersonId) -> Result<Option<Account>> {
        account::Entity::find()
            .filter(account::Column::PersonId.eq(person.0))
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(|m| self.account(m))
            .transpose()
    }

    async fn account_create(&self, a: &NewAccount, audit: &AuditDraft) -> Result<Account> {
        let txn = self.write().await?;
        let taken = account::Entity::find()
            .filter(account::Column::Username.eq(a.username.as_str()))
            .one(&txn)
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(CoreError::Invalid(vec![FieldError::new(
                "username",
                Msg::new("err-username-taken").arg("username", &a.username),
            )]));
        }
        let m = account::ActiveModel {
            person_id: Set(a.person_id.0),
            username: Set(a.username.clone()),
            password_hash: Set(a.password_hash.clone()),
            must_change_password: Set(a.must_change_password),
            totp_secret: Set(None),
            totp_last_step: Set(None),
            active: Set(true),
            failed_logins: Set(0),
            locked_until: Set(None),
            created_at: Set(self.now_micros()),
            last_login_at: Set(None),
            lang: Set(None),
            password_history: Set("[]".into()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(db_err)?;
        replace_grants(&txn, AccountId(m.id), &a.grants).await?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        self.account(m)
    }

    async fn account_scopes(&self, id: AccountId) -> Result<(Vec<RoleGrant>, Vec<ScopeGrant>)> {
        let rows = account_grant::Entity::find()
            .filter(account_grant::Column::AccountId.eq(id.0))
            .order_by_asc(account_grant::Column::Id)
            .find_also_related(org_unit::Entity)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        let mut grants = Vec::new();
        let mut scopes = Vec::new();
        for (g, unit) in rows {
            let Some(rg) = grant(&g) else { continue };
            if let Some(u) = unit {
                scopes.push(ScopeGrant { role: rg.role, unit_id: OrgUnitId(u.id), unit_name: u.name, path: u.path });
            }
            grants.push(rg);
        }
        Ok((grants, scopes))
    }

    async fn account_set_grants(&self, id: AccountId, grants: &[RoleGrant], audit: &AuditDraft) -> Result<()> {
        let txn = self.write().await?;
        must_get(&txn, id).await?;
        replace_grants(&txn, id, grants).await?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn account_set_password(
        &self,
        id: AccountId,
        hash: &str,
        must_change: bool,
        audit: &AuditDraft,
    ) -> Result<()> {
        let txn = self.write().await?;
        let current = must_get(&txn, id).await?;
        let mut history = vec![current.password_hash.clone()];
        history.extend(parse_history(&current.password_history));
        history.truncate(kaoping_core::accounts::auth::PASSWORD_HISTORY);
        let mut am = current.into_active_model();
        am.password_hash = Set(hash.to_string());
        am.password_history = Set(serde_json::to_string(&history).map_err(|e| CoreError::Store(e.to_string()))?);
        am.must_change_password = Set(must_change);
        am.failed_logins = Set(0);
        am.locked_until = Set(None);
        am.update(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await
    }

    async fn account_password_history(&self, id: AccountId) -> Result<Vec<String>> {
        let m = account::Entity::find_by_id(id.0).one(&self.conn).await.map_err(db_err)?;
        Ok(m.map(|m| parse_history(&m.password_history)).unwrap_or_default())
    }

    async fn account_login_failed(
        &self,
        id: AccountId,
        lock: &LockoutPolicy,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> Result<(i32, Option<DateTime<Utc>>)> {
        let txn = self.write().await?;
        // Increment in the database so that concurrent failures on several
        // nodes all count.
        account::Entity::update_many()
            .col_expr(account::Column::FailedLogins, Expr::col(account::Column::FailedLogins).add(1))
            .filter(account::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let m = must_get(&txn, id).await?;
        let failures = m.failed_logins;
        let locked = lock.lock_after(failures, now);
        let mut audit = audit.clone();
        if let Some(until) = locked {
            let mut am = m.into_active_model();
            am.locked_until = Set(Some(to_micros(until)));
            am.failed_logins = Set(0);
            am.update(&txn).await.map_err(db_err)?;
            audit.detail = format!("{}; locked until {}", audit.detail, until.to_rfc3339());
        }
        self.append_audit(&txn, &audit).await?;
        Db::commit(txn).await?;
        Ok((failures, locked))
    }

    async fn account_login_ok(&self, id: AccountId, now: DateTime<Utc>, audit: &AuditDraft) -> Result<()> {
        update(self, id, Some(audit), |am| {
            am.failed_logins = Set(0);
            am.locked_until = Set(None);
            am.last_login_at = Set(Some(to_micros(now)));
        })
        .await
        .map(|_| ())
    }

    async fn account_set_totp(&self, id: AccountId, secret: Option<&str>, audit: &AuditDraft) -> Result<()> {
        let sealed = secret.map(|s| crate::voting::sealing::seal_totp(self.key.as_deref(), s));
        update(self, id, Some(audit), |am| am.totp_secret = Set(sealed)).await.map(|_| ())
    }

    async fn account_totp_step(&self, id: AccountId, step: i64) -> Result<bool> {
        // One conditional update: two nodes cannot both accept the same step.
        let r = account::Entity::update_many()
            .col_expr(account::Column::TotpLastStep, Expr::value(step))
            .filter(account::Column::Id.eq(id.0))
            .filter(
                sea_orm::Condition::any()
                    .add(account::Column::TotpLastStep.is_null())
                    .add(account::Column::TotpLastStep.lt(step)),
            )
            .exec(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected == 1)
    }

    async fn account_set_active(&self, id: AccountId, active: bool, audit: &AuditDraft) -> Result<()> {
        update(self, id, Some(audit), |am| am.active = Set(active)).await.map(|_| ())
    }

    async fn account_unlock(&self, id: AccountId, audit: &AuditDraft) -> Result<()> {
        update(self, id, Some(audit), |am| {
            am.locked_until = Set(None);
            am.failed_logins = Set(0);
        })
        .await
        .map(|_| ())
    }

    async fn account_set_lang(&self, id: AccountId, lang: Option<&str>) -> Result<()> {
        update(self, id, None, |am| am.lang = Set(lang.map(str::to_string))).await.map(|_| ())
    }

    async fn account_list(&self, under: Option<&[String]>) -> Result<Vec<AccountSummary>> {
        let mut q = account::Entity::find().find_also_related(person::Entity).order_by_asc(account::Column::Username);
        let mut gq = account_grant::Entity::find().order_by_asc(account_grant::Column::Id);
        if let Some(paths) = under {
            if paths.is_empty() {
                return Ok(Vec::new());
            }
            q = q.filter(person::Column::ManagedBy.in_subquery(units_under(paths)));
            let accounts_under = Query::select()
                .column((account::Entity, account::Column::Id))
                .from(account::Entity)
                .inner_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id))
                        .equals((account::Entity, account::Column::PersonId)),
                )
                .and_where(Expr::col((person::Entity, person::Column::ManagedBy)).in_subquery(units_under(paths)))
                .to_owned();
            gq = gq.filter(account_grant::Column::AccountId.in_subquery(accounts_under));
        }
        let rows = q.all(&self.conn).await.map_err(db_err)?;
        let mut by_account: HashMap<i64, Vec<RoleGrant>> = HashMap::new();
        for g in gq.all(&self.conn).await.map_err(db_err)? {
            if let Some(rg) = grant(&g) {
                by_account.entry(g.account_id).or_default().push(rg);
            }
        }
        Ok(rows
            .into_iter()
            .map(|(a, p)| AccountSummary {
                id: AccountId(a.id),
                person_id: PersonId(a.person_id),
                person_name: p.map(|p| p.name).unwrap_or_default(),
                grants: by_account.remove(&a.id).unwrap_or_default(),
                username: a.username,
                active: a.active,
                locked_until: a.locked_until.map(from_micros),
                totp_enabled: a.totp_secret.is_some(),
                last_login_at: a.last_login_at.map(from_micros),
            })
            .collect())
    }
}
