//! People.

pub(crate) mod entity;

use crate::entity::{account, org_unit, person};
use crate::subtree::units_under;
use crate::{Db, convert, db_err};
use async_trait::async_trait;
use kaoping_core::audit::AuditDraft;
use kaoping_core::error::{CoreError, Result};
use kaoping_core::ids::{OrgUnitId, PersonId};
use kaoping_core::people::{Person, PersonFields};
use kaoping_core::ports::{PersonFilter, PersonRow, PersonStore};
use kaoping_core::sortkey;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Escape LIKE wildcards in user input (with `\` as the escape character).
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Attach org unit names and usernames to people.
async fn rows(conn: &impl ConnectionTrait, people: Vec<person::Model>) -> Result<Vec<PersonRow>> {
    let unit_ids: Vec<i64> = people.iter().flat_map(|p| [Some(p.managed_by), p.org_unit_id]).flatten().collect();
    let units: HashMap<i64, String> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(unit_ids))
        .all(conn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let usernames: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::PersonId.is_in(ids))
        .all(conn)
        .await
        .map_err(db_err)?
        .into_iter()
        .map(|a| (a.person_id, a.username))
        .collect();
    Ok(people
        .into_iter()
        .map(|p| PersonRow {
            org_unit_name: p.org_unit_id.and_then(|u| units.get(&u).cloned()),
            managed_by_name: units.get(&p.managed_by).cloned().unwrap_or_default(),
            username: usernames.get(&p.id).cloned(),
            person: convert::person(p),
        })
        .collect())
}

fn active_model(f: &PersonFields, managed_by: OrgUnitId) -> person::ActiveModel {
    person::ActiveModel {
        name: Set(f.name.clone()),
        name_sort: Set(sortkey::person_key(&f.name)),
        org_unit_id: Set(f.org_unit_id.map(|o| o.0)),
        managed_by: Set(managed_by.0),
        post: Set(f.post.clone()),
        phone: Set(f.phone.clone()),
        ..Default::default()
    }
}

#[async_trait]
impl PersonStore for Db {
    async fn person_list(&self, f: &PersonFilter) -> Result<(Vec<PersonRow>, u64)> {
        let mut q = person::Entity::find();
        if let Some(paths) = &f.under {
            if paths.is_empty() {
                return Ok((Vec::new(), 0));
            }
            q = q.filter(person::Column::ManagedBy.in_subquery(units_under(paths)));
        }
        if let Some(text) = &f.query {
            let esc = escape_like(&text.to_lowercase());
            let lower = |c: person::Column| Expr::expr(Func::lower(Expr::col((person::Entity, c))));
            q = q.filter(
                Condition::any()
                    .add(lower(person::Column::Name).like(LikeExpr::new(format!("%{esc}%")).escape('\\')))
                    .add(lower(person::Column::Post).like(LikeExpr::new(format!("%{esc}%")).escape('\\')))
                    .add(
                        Expr::col((person::Entity, person::Column::NameSort))
                            .like(LikeExpr::new(format!("{esc}%")).escape('\\')),
                    ),
            );
        }
        let total = q.clone().count(&self.conn).await.map_err(db_err)?;
        let people = q
            .order_by_asc(person::Column::NameSort)
            .order_by_asc(person::Column::Id)
            .offset(f.offset)
            .limit(f.limit)
            .all(&self.conn)
            .await
            .map_err(db_err)?;
        Ok((rows(&self.conn, people).await?, total))
    }

    async fn person_get(&self, id: PersonId) -> Result<Option<PersonRow>> {
        let p = person::Entity::find_by_id(id.0).one(&self.conn).await.map_err(db_err)?;
        Ok(match p {
            Some(p) => rows(&self.conn, vec![p]).await?.pop(),
            None => None,
        })
    }

    async fn person_brief(&self, id: PersonId) -> Result<Option<(String, String, Option<String>)>> {
        let row = person::Entity::find_by_id(id.0)
            .find_also_related(org_unit::Entity)
            .one(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(row.map(|(p, u)| (p.name, p.post, u.map(|u| u.name))))
    }

    async fn person_create(&self, f: &PersonFields, managed_by: OrgUnitId, audit: &AuditDraft) -> Result<Person> {
        let txn = self.write().await?;
        let mut am = active_model(f, managed_by);
        am.active = Set(true);
        am.created_at = Set(self.now_micros());
        let m = am.insert(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, &audit.clone().with_object(format!("person:{}", m.id))).await?;
        Db::commit(txn).await?;
        Ok(convert::person(m))
    }

    async fn person_update(
        &self,
        id: PersonId,
        f: &PersonFields,
        managed_by: OrgUnitId,
        audit: &AuditDraft,
    ) -> Result<Person> {
        let txn = self.write().await?;
        let m =
            person::Entity::find_by_id(id.0).one(&txn).await.map_err(db_err)?.ok_or(CoreError::NotFound("person"))?;
        let mut am = m.into_active_model();
        let new = active_model(f, managed_by);
        am.name = new.name;
        am.name_sort = new.name_sort;
        am.org_unit_id = new.org_unit_id;
        am.managed_by = new.managed_by;
        am.post = new.post;
        am.phone = new.phone;
        let m = am.update(&txn).await.map_err(db_err)?;
        self.append_audit(&txn, audit).await?;
        Db::commit(txn).await?;
        Ok(convert::person(m))
    }
}
