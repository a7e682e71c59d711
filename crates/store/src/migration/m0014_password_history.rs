//! The hashes of an account's previous passwords, newest first, as a JSON
//! array: a new password may not repeat the current one or the four before
//! it (issue 21 §5, 等保 2.0 三级).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE: &[&str] = &["ALTER TABLE account ADD COLUMN password_history text NOT NULL DEFAULT '[]'"];
const POSTGRES: &[&str] = &["ALTER TABLE account ADD COLUMN password_history text NOT NULL DEFAULT '[]'"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::execute_for_backend(m, SQLITE, POSTGRES).await
    }
}
