//! Versioned schema migrations, one set for both databases.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_cycles;
mod m0003_subjects;
mod m0004_evaluators;
mod m0005_reports;
mod m0006_ballots;
mod m0007_meeting;
mod m0008_feedback;
mod m0009_rectification;
mod m0010_ballot_seq;
mod m0011_sealed_ballots;
mod m0012_audit_append_only;
mod m0013_sealed_totp;
mod m0014_password_history;

pub struct Migrator;

/// Run the statements written for the connection's backend, in order.
async fn execute_for_backend(m: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
    let db = m.get_connection();
    let steps = match db.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for sql in steps {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_cycles::Migration),
            Box::new(m0003_subjects::Migration),
            Box::new(m0004_evaluators::Migration),
            Box::new(m0005_reports::Migration),
            Box::new(m0006_ballots::Migration),
            Box::new(m0007_meeting::Migration),
            Box::new(m0008_feedback::Migration),
            Box::new(m0009_rectification::Migration),
            Box::new(m0010_ballot_seq::Migration),
            Box::new(m0011_sealed_ballots::Migration),
            Box::new(m0012_audit_append_only::Migration),
            Box::new(m0013_sealed_totp::Migration),
            Box::new(m0014_password_history::Migration),
        ]
    }
}
