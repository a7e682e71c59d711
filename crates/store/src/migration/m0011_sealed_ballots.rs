//! Anonymous ballots sealed until voting closes (`scoring.md` §7).
//!
//! While voting is open, an anonymous ballot is kept only as AES-GCM
//! ciphertext under the server key (a file outside the database), beside
//! its participation record; closing opens them all and writes the
//! plaintext ballots in a random order in the closing transaction. So no
//! plaintext ballot exists while arrival order, transaction ids or row
//! positions could tie it to who cast it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("ballot_sealed"))
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(blob("sealed"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_ballot_sealed_cycle")
                .table(Alias::new("ballot_sealed"))
                .col(Alias::new("cycle_id"))
                .to_owned(),
        )
        .await
    }
}
