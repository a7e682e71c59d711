//! The evaluator roster of a cycle (评议人员).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let t = |n: &'static str| Alias::new(n);
        let fk = |name: &str, col: &'static str, table: &'static str| {
            ForeignKey::create()
                .name(name)
                .from(t("cycle_evaluator"), t(col))
                .to(t(table), t("id"))
                .on_delete(ForeignKeyAction::Restrict)
                .to_owned()
        };
        m.create_table(
            Table::create()
                .table(t("cycle_evaluator"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("person_id"))
                .col(string_len("group_code", 32))
                .foreign_key(&mut fk("fk_evaluator_cycle", "cycle_id", "cycle"))
                .foreign_key(&mut fk("fk_evaluator_person", "person_id", "person"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_evaluator_cycle_person")
                .table(t("cycle_evaluator"))
                .col(t("cycle_id"))
                .col(t("person_id"))
                .unique()
                .to_owned(),
        )
        .await
    }
}
