//! The subject roster of a cycle (述职对象).

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
                .from(t("cycle_subject"), t(col))
                .to(t(table), t("id"))
                .on_delete(ForeignKeyAction::Restrict)
                .to_owned()
        };
        m.create_table(
            Table::create()
                .table(t("cycle_subject"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("person_id"))
                .col(string_len("post", 100))
                .col(big_integer_null("org_unit_id"))
                .col(string_len("category", 32))
                .col(string_len("mode", 16))
                .col(integer("presentation_order"))
                .foreign_key(&mut fk("fk_subject_cycle", "cycle_id", "cycle"))
                .foreign_key(&mut fk("fk_subject_person", "person_id", "person"))
                .foreign_key(&mut fk("fk_subject_org_unit", "org_unit_id", "org_unit"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_subject_cycle_person")
                .table(t("cycle_subject"))
                .col(t("cycle_id"))
                .col(t("person_id"))
                .unique()
                .to_owned(),
        )
        .await
    }
}
