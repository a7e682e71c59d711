//! Assessment cycles and their subject categories.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let t = |n: &'static str| Alias::new(n);
        m.create_table(
            Table::create()
                .table(t("cycle"))
                .col(big_pk_auto("id"))
                .col(big_integer("organizer_id"))
                .col(string_len("name", 100))
                .col(integer("year"))
                .col(string_len("phase", 16))
                .col(string_len("ballot_mode", 16))
                .col(text("scheme"))
                .col(big_integer_null("copied_from"))
                .col(big_integer("created_at"))
                .col(big_integer("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cycle_organizer")
                        .from(t("cycle"), t("organizer_id"))
                        .to(t("org_unit"), t("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cycle_copied_from")
                        .from(t("cycle"), t("copied_from"))
                        .to(t("cycle"), t("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_cycle_organizer").table(t("cycle")).col(t("organizer_id")).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(t("cycle_category"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(string_len("code", 32))
                .col(string_len("name", 100))
                .col(integer("sort_order"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_category_cycle")
                        .from(t("cycle_category"), t("cycle_id"))
                        .to(t("cycle"), t("id"))
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_category_cycle_code")
                .table(t("cycle_category"))
                .col(t("cycle_id"))
                .col(t("code"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
