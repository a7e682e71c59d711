//! Reporting settings, personal links and reader sessions, written reports
//! with their versions and files, reading records and private notes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn t(n: &'static str) -> Alias {
    Alias::new(n)
}

fn fk(
    name: &str,
    from: &'static str,
    col: &'static str,
    to: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(t(from), t(col))
        .to(t(to), t(to_col))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(t(table)).unique();
    for c in cols {
        i.col(t(c));
    }
    i.to_owned()
}

fn index(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(t(table));
    for c in cols {
        i.col(t(c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            big_integer_null("report_deadline"),
            integer("min_read_seconds").default(60).to_owned(),
            text("report_template").default("").to_owned(),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(t("cycle")).add_column(&mut col).to_owned()).await?;
        }
        // Who is on which roster (home pages look this up per person).
        m.create_index(index("ix_subject_person", "cycle_subject", &["person_id"])).await?;
        m.create_index(index("ix_evaluator_person", "cycle_evaluator", &["person_id"])).await?;
        m.create_table(
            Table::create()
                .table(t("evaluator_link"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("person_id"))
                .col(string_len("token_digest", 64))
                .col(big_integer("created_at"))
                .col(big_integer_null("revoked_at"))
                .col(big_integer_null("first_used_at"))
                .col(big_integer_null("last_used_at"))
                .foreign_key(&mut fk("fk_link_cycle", "evaluator_link", "cycle_id", "cycle", "id"))
                .foreign_key(&mut fk("fk_link_person", "evaluator_link", "person_id", "person", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("ux_link_digest", "evaluator_link", &["token_digest"])).await?;
        m.create_index(index("ix_link_cycle_person", "evaluator_link", &["cycle_id", "person_id"])).await?;
        m.create_table(
            Table::create()
                .table(t("link_session"))
                .col(string_len("digest", 64).primary_key())
                .col(big_integer("link_id"))
                .col(big_integer("created_at"))
                .col(big_integer("last_seen_at"))
                .col(big_integer("expires_at"))
                .foreign_key(&mut fk("fk_link_session_link", "link_session", "link_id", "evaluator_link", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_link_session_link", "link_session", &["link_id"])).await?;
        m.create_table(
            Table::create()
                .table(t("stored_file"))
                .col(string_len("digest", 64).primary_key())
                .col(string_len("media_type", 100))
                .col(big_integer("size"))
                .col(blob("data"))
                .col(big_integer("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("report"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("person_id"))
                .col(string_len("status", 16))
                .col(text("body_html"))
                .col(string_len_null("file_digest", 64))
                .col(string_len_null("file_name", 255))
                .col(text("file_text"))
                .col(integer("version"))
                .col(big_integer("updated_at"))
                .col(big_integer_null("submitted_at"))
                .col(big_integer_null("reviewed_at"))
                .col(text_null("review_comment"))
                .foreign_key(&mut fk("fk_report_cycle", "report", "cycle_id", "cycle", "id"))
                .foreign_key(&mut fk("fk_report_person", "report", "person_id", "person", "id"))
                .foreign_key(&mut fk("fk_report_file", "report", "file_digest", "stored_file", "digest"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("ux_report_cycle_person", "report", &["cycle_id", "person_id"])).await?;
        m.create_table(
            Table::create()
                .table(t("report_version"))
                .col(big_pk_auto("id"))
                .col(big_integer("report_id"))
                .col(integer("version"))
                .col(string_len("status", 16))
                .col(text("body_html"))
                .col(string_len_null("file_digest", 64))
                .col(string_len_null("file_name", 255))
                .col(text_null("comment"))
                .col(string_len("author", 100))
                .col(big_integer("created_at"))
                .foreign_key(&mut fk("fk_version_report", "report_version", "report_id", "report", "id"))
                .foreign_key(&mut fk("fk_version_file", "report_version", "file_digest", "stored_file", "digest"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("ux_version_report", "report_version", &["report_id", "version"])).await?;
        m.create_table(
            Table::create()
                .table(t("reading"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("evaluator_id"))
                .col(big_integer("subject_id"))
                .col(big_integer_null("opened_at"))
                .col(big_integer("seconds"))
                .col(big_integer("updated_at"))
                .foreign_key(&mut fk("fk_reading_cycle", "reading", "cycle_id", "cycle", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("ux_reading", "reading", &["cycle_id", "evaluator_id", "subject_id"])).await?;
        m.create_table(
            Table::create()
                .table(t("note"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(big_integer("evaluator_id"))
                .col(big_integer("subject_id"))
                .col(text_null("quote"))
                .col(text("body"))
                .col(big_integer("created_at"))
                .col(big_integer("updated_at"))
                .foreign_key(&mut fk("fk_note_cycle", "note", "cycle_id", "cycle", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_note_owner", "note", &["cycle_id", "evaluator_id", "subject_id"])).await
    }
}
