//! Key-value facts about the database (e.g. that it holds the demo).

use crate::entity::{account, meta, org_unit, person};
use crate::subtree::units_under;
use crate::{Db, db_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaoping_core::error::Result;
use kaoping_core::ports::{Counts, MetaStore};
use kaoping_core::time::to_micros;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

#[async_trait]
impl MetaStore for Db {
    fn clock(&self) -> std::sync::Arc<dyn kaoping_core::time::Clock> {
        self.clock.clone()
    }

    async fn counts(&self, under: Option<&[String]>, now: DateTime<Utc>) -> Result<Counts> {
        let mut units = org_unit::Entity::find().filter(org_unit::Column::Active.eq(true));
        let mut people = person::Entity::find();
        let mut accounts = account::Entity::find().inner_join(person::Entity);
        match under {
            Some([]) => return Ok(Counts::default()),
            Some(paths) => {
                units = units.filter(org_unit::Column::Id.in_subquery(units_under(paths)));
                people = people.filter(person::Column::ManagedBy.in_subquery(units_under(paths)));
                accounts = accounts.filter(person::Column::ManagedBy.in_subquery(units_under(paths)));
            }
            None => {}
        }
        let locked = accounts.clone().filter(account::Column::LockedUntil.gt(to_micros(now)));
        Ok(Counts {
            units: units.count(&self.conn).await.map_err(db_err)?,
            people: people.count(&self.conn).await.map_err(db_err)?,
            accounts: accounts.count(&self.conn).await.map_err(db_err)?,
            locked: locked.count(&self.conn).await.map_err(db_err)?,
        })
    }

    async fn ping(&self) -> Result<()> {
        self.conn.execute_raw(Statement::from_string(self.backend(), "SELECT 1")).await.map_err(db_err)?;
        Ok(())
    }

    async fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(meta::Entity::find_by_id(key.to_string()).one(&self.conn).await.map_err(db_err)?.map(|m| m.value))
    }

    async fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        let m = meta::ActiveModel { key: Set(key.to_string()), value: Set(value.to_string()) };
        meta::Entity::insert(m)
            .on_conflict(OnConflict::column(meta::Column::Key).update_column(meta::Column::Value).to_owned())
            .exec_without_returning(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn is_empty(&self) -> Result<bool> {
        let n = org_unit::Entity::find().count(&self.conn).await.map_err(db_err)?
            + person::Entity::find().count(&self.conn).await.map_err(db_err)?
            + account::Entity::find().count(&self.conn).await.map_err(db_err)?;
        Ok(n == 0)
    }
}
