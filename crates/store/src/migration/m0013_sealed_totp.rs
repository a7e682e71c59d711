//! TOTP secrets are stored sealed with the server key (`sealing`): longer
//! than the base32 secret the column was sized for. (SQLite does not
//! enforce a varchar's length.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE: &[&str] = &[];
const POSTGRES: &[&str] = &["ALTER TABLE account ALTER COLUMN totp_secret TYPE text"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::execute_for_backend(m, SQLITE, POSTGRES).await
    }
}
