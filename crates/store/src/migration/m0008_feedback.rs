//! Critiques, problems and feedback sheets (issue 5): the cycle's feedback
//! settings as JSON; one critique per subject; problems in order per
//! subject; sheets numbered per organizer and year, one per subject and
//! cycle, with what they say frozen as JSON.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn t(n: &'static str) -> Alias {
    Alias::new(n)
}

async fn unique(m: &SchemaManager<'_>, name: &str, table: &'static str, cols: &[&'static str]) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(t(table)).unique();
    for c in cols {
        i.col(t(c));
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Empty: the defaults (FeedbackSettings::default, issued by the organizer).
        m.alter_table(Table::alter().table(t("cycle")).add_column(text("feedback").default("")).to_owned()).await?;
        m.create_table(
            Table::create()
                .table(t("critique"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(text("body"))
                .col(big_integer("updated_at"))
                .col(string_len("updated_by", 64))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_critique", "critique", &["cycle_id", "subject_id"]).await?;
        m.create_table(
            Table::create()
                .table(t("problem"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(integer("position"))
                .col(string_len("source", 16))
                .col(string_len_null("group_code", 32))
                .col(text("body"))
                .col(string_len("tag", 64))
                .col(string_len("severity", 16))
                .col(string_len("status", 16))
                .col(big_integer("created_at"))
                .col(big_integer("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_problem_subject")
                .table(t("problem"))
                .col(t("cycle_id"))
                .col(t("subject_id"))
                .col(t("position"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("feedback_sheet"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(big_integer("organizer_id"))
                .col(integer("year"))
                .col(big_integer("seq"))
                .col(string_len("number", 120))
                .col(text("content"))
                .col(big_integer("issued_at"))
                .col(string_len("issued_by", 64))
                .col(big_integer_null("acknowledged_at"))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_sheet_subject", "feedback_sheet", &["cycle_id", "subject_id"]).await?;
        unique(m, "ux_sheet_seq", "feedback_sheet", &["organizer_id", "year", "seq"]).await?;
        unique(m, "ux_sheet_number", "feedback_sheet", &["organizer_id", "number"]).await
    }
}
