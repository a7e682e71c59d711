//! The review meeting and results: who is presenting, live tally and result
//! publishing per cycle; vote counts kept as ballots arrive; the other
//! assessment components, routine grades and vetoes per subject.

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
        for col in [
            big_integer_null("presenting_id"),
            boolean("live_tally").default(false).to_owned(),
            string_len("results_visibility", 16).default("organizer").to_owned(),
            big_integer_null("results_published_at"),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(t("cycle")).add_column(&mut col).to_owned()).await?;
        }
        // Counts of (subject, group, score, overall grade) over the final
        // ballots, updated in the transaction that stores them; grade -1 with
        // score 0 counts 不了解.
        m.create_table(
            Table::create()
                .table(t("ballot_tally"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(string_len("group_code", 32))
                .col(big_integer("score"))
                .col(integer("grade"))
                .col(big_integer("n"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_ballot_tally")
                .table(t("ballot_tally"))
                .col(t("cycle_id"))
                .col(t("subject_id"))
                .col(t("group_code"))
                .col(t("score"))
                .col(t("grade"))
                .unique()
                .to_owned(),
        )
        .await?;
        // The seal reads a cycle's receipts in order straight from the index.
        m.create_index(
            Index::create()
                .name("ix_ballot_receipt")
                .table(t("ballot"))
                .col(t("cycle_id"))
                .col(t("receipt"))
                .to_owned(),
        )
        .await?;
        // Values are exact decimals as text ("87.5"); absent means not entered.
        m.create_table(
            Table::create()
                .table(t("subject_assessment"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(string_len_null("routine", 16))
                .col(string_len_null("observation", 16))
                .col(string_len_null("service", 16))
                .col(string_len_null("routine_grade", 32))
                .col(text_null("veto_reason"))
                .col(big_integer("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_subject_assessment")
                .table(t("subject_assessment"))
                .col(t("cycle_id"))
                .col(t("subject_id"))
                .unique()
                .to_owned(),
        )
        .await
    }
}
