//! Voting: the open/close times on the cycle, drafts, final ballots,
//! participation (who has voted, kept apart from the ballots) and
//! idempotency records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn t(n: &'static str) -> Alias {
    Alias::new(n)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [big_integer_null("voting_opened_at"), big_integer_null("voting_closed_at")] {
            let mut col = col;
            m.alter_table(Table::alter().table(t("cycle")).add_column(&mut col).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(t("ballot_draft"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("evaluator_id"))
                .col(text("marks"))
                .col(text("remarks"))
                .col(big_integer("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_draft")
                .table(t("ballot_draft"))
                .col(t("cycle_id"))
                .col(t("evaluator_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        // No timestamp finer than the voting session and no evaluator in
        // anonymous mode; the id is random.
        m.create_table(
            Table::create()
                .table(t("ballot"))
                .col(string_len("id", 32).primary_key())
                .col(big_integer("cycle_id"))
                .col(string_len("group_code", 32))
                .col(big_integer_null("evaluator_id"))
                .col(text("marks"))
                .col(text("remarks"))
                .col(string_len("receipt", 64))
                .col(boolean("paper"))
                .col(big_integer("session_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_ballot_cycle").table(t("ballot")).col(t("cycle_id")).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(t("participation"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("evaluator_id"))
                .col(big_integer("session_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_participation")
                .table(t("participation"))
                .col(t("cycle_id"))
                .col(t("evaluator_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("idempotency"))
                .col(string_len("key_hash", 64).primary_key())
                .col(string_len("request_hash", 64))
                .col(string_len("receipt", 64))
                .to_owned(),
        )
        .await
    }
}
