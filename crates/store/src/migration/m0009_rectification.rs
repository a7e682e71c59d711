//! Rectification (issue 5): plans with their kept versions, measures (with
//! an optional KPI, exact values as Dec4 integers ×10⁴), quarterly progress
//! reports with evidence files, and the history of verification and
//! sign-off; the notices sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn t(n: &'static str) -> Alias {
    Alias::new(n)
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(t(table));
    if unique {
        i.unique();
    }
    for c in cols {
        i.col(t(c));
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(t("plan"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(string_len("status", 16))
                .col(integer("version"))
                .col(big_integer_null("submitted_at"))
                .col(big_integer_null("reviewed_at"))
                .col(string_len_null("reviewed_by", 64))
                .col(text_null("comment"))
                .to_owned(),
        )
        .await?;
        index(m, "ux_plan", "plan", &["cycle_id", "subject_id"], true).await?;
        m.create_table(
            Table::create()
                .table(t("plan_version"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(integer("version"))
                .col(string_len("status", 16))
                .col(big_integer("at"))
                .col(string_len("by", 64))
                .col(text_null("comment"))
                .col(text("measures"))
                .to_owned(),
        )
        .await?;
        index(m, "ux_plan_version", "plan_version", &["cycle_id", "subject_id", "version"], true).await?;
        m.create_table(
            Table::create()
                .table(t("measure"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(big_integer("problem_id"))
                .col(text("body"))
                .col(string_len("responsible", 64))
                .col(string_len("deadline", 10))
                .col(string_len_null("kpi_name", 64))
                .col(string_len_null("kpi_unit", 16))
                .col(big_integer_null("kpi_baseline"))
                .col(big_integer_null("kpi_target"))
                .col(big_integer_null("kpi_current"))
                .col(integer("percent").default(0))
                .col(big_integer_null("signed_off_at"))
                .col(big_integer("created_at"))
                .col(big_integer("updated_at"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_measure_subject", "measure", &["cycle_id", "subject_id", "problem_id"], false).await?;
        m.create_table(
            Table::create()
                .table(t("progress_report"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(big_integer("measure_id"))
                .col(string_len("period", 8))
                .col(text("body"))
                .col(integer("percent"))
                .col(big_integer_null("kpi_value"))
                .col(big_integer("created_at"))
                .col(string_len("created_by", 64))
                .to_owned(),
        )
        .await?;
        index(m, "ix_progress_measure", "progress_report", &["measure_id", "period"], false).await?;
        index(m, "ix_progress_cycle", "progress_report", &["cycle_id", "subject_id"], false).await?;
        m.create_table(
            Table::create()
                .table(t("progress_file"))
                .col(big_pk_auto("id"))
                .col(big_integer("progress_id"))
                .col(string_len("digest", 64))
                .col(string_len("name", 200))
                .col(string_len("media_type", 100))
                .col(big_integer("size"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_progress_file", "progress_file", &["progress_id"], false).await?;
        m.create_table(
            Table::create()
                .table(t("rectification_event"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("subject_id"))
                .col(big_integer_null("problem_id"))
                .col(big_integer_null("measure_id"))
                .col(string_len("kind", 32))
                .col(text("note"))
                .col(string_len("actor", 64))
                .col(big_integer("at"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_rectification_event", "rectification_event", &["cycle_id", "subject_id"], false).await?;
        // Notices sent (reminders, overdue flags): once per person, cycle,
        // kind and period.
        m.create_table(
            Table::create()
                .table(t("notice"))
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(big_integer("cycle_id"))
                .col(string_len("kind", 32))
                .col(string_len("period", 8))
                .col(big_integer("at"))
                .to_owned(),
        )
        .await?;
        index(m, "ux_notice", "notice", &["person_id", "cycle_id", "kind", "period"], true).await
    }
}
