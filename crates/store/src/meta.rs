//! Key-value facts about the database (e.g. that it holds the demo).

use crate::entity::{account, meta, org_unit, person};
use crate::{Db, db_err};
use async_trait::async_trait;
use kaoping_core::error::Result;
use kaoping_core::ports::MetaStore;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};

#[async_trait]
impl MetaStore for Db {
    async fn ping(&self) -> Result<()> {
        self.conn
            .execute_raw(Statement::from_string(self.backend(), "SELECT 1"))
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(meta::Entity::find_by_id(key.to_string())
            .one(&self.conn)
            .await
            .map_err(db_err)?
            .map(|m| m.value))
    }

    async fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        let m = meta::ActiveModel {
            key: Set(key.to_string()),
            value: Set(value.to_string()),
        };
        meta::Entity::insert(m)
            .on_conflict(
                OnConflict::column(meta::Column::Key)
                    .update_column(meta::Column::Value)
                    .to_owned(),
            )
            .exec_without_returning(&self.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn is_empty(&self) -> Result<bool> {
        let n = org_unit::Entity::find()
            .count(&self.conn)
            .await
            .map_err(db_err)?
            + person::Entity::find()
                .count(&self.conn)
                .await
                .map_err(db_err)?
            + account::Entity::find()
                .count(&self.conn)
                .await
                .map_err(db_err)?;
        Ok(n == 0)
    }
}
