//! The review meeting and results: who is presenting, live tally and result
//! publishing per cycle; vote counts kept as ballots arrive; the other
//! assessment components, routine grades and vetoes per subject.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

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
        backfill_counts(m).await?;
        // The seal read a cycle's receipts in order from this index (until
        // m0010, which keys ballots by arrival).
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

/// Counts for the ballots stored before this migration (the same
/// `tally::contributions` the writer uses).
async fn backfill_counts(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use kaoping_core::cycles::scheme::Scheme;
    use kaoping_core::voting::ballot::{StoredMarks, marks_from_stored};
    use std::collections::HashMap;
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let bad = |what: &str| DbErr::Migration(format!("backfilling vote counts: {what}"));
    let mut schemes: HashMap<i64, Scheme> = HashMap::new();
    for r in db.query_all_raw(Statement::from_string(backend, "SELECT id, scheme FROM cycle")).await? {
        let id: i64 = r.try_get("", "id")?;
        let scheme: String = r.try_get("", "scheme")?;
        schemes.insert(id, serde_json::from_str(&scheme).map_err(|_| bad("a cycle's scheme"))?);
    }
    let mut counts: HashMap<(i64, i64, String, i64, i32), i64> = HashMap::new();
    let sql = "SELECT cycle_id, group_code, marks FROM ballot";
    for r in db.query_all_raw(Statement::from_string(backend, sql)).await? {
        let cycle: i64 = r.try_get("", "cycle_id")?;
        let group: String = r.try_get("", "group_code")?;
        let marks: String = r.try_get("", "marks")?;
        let marks: StoredMarks = serde_json::from_str(&marks).map_err(|_| bad("a ballot's marks"))?;
        let Some(scheme) = schemes.get(&cycle) else { continue };
        for c in kaoping_core::voting::counts::contributions(scheme, &group, &marks_from_stored(marks)) {
            let (score, grade) = c.score.map_or((0, -1), |(x, g)| (x, g as i32));
            *counts.entry((cycle, c.subject, c.group.to_string(), score, grade)).or_insert(0) += 1;
        }
    }
    let rows: Vec<_> = counts.into_iter().collect();
    for chunk in rows.chunks(500) {
        let mut q = Query::insert();
        q.into_table(t("ballot_tally")).columns([
            t("cycle_id"),
            t("subject_id"),
            t("group_code"),
            t("score"),
            t("grade"),
            t("n"),
        ]);
        for ((cycle, subject, group, score, grade), n) in chunk {
            q.values_panic([
                (*cycle).into(),
                (*subject).into(),
                group.clone().into(),
                (*score).into(),
                (*grade).into(),
                (*n).into(),
            ]);
        }
        m.exec_stmt(q).await?;
    }
    Ok(())
}
