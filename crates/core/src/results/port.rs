//! What results need from storage: the other assessment inputs and the
//! publishing of results.

use crate::audit::AuditDraft;
use crate::error::Result;
use crate::ids::CycleId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait ResultsStore: Send + Sync {
    /// Publish (or, with `None`, withdraw) the results to the given audience.
    async fn results_publish(
        &self,
        cycle: CycleId,
        publish: Option<(crate::cycles::Visibility, DateTime<Utc>)>,
        audit: &AuditDraft,
    ) -> Result<()>;
    async fn assessment_list(&self, cycle: CycleId) -> Result<Vec<crate::results::assessment::Assessment>>;
    /// Replace the listed subjects' assessments (all in one transaction;
    /// an empty assessment removes the row).
    async fn assessment_save(
        &self,
        cycle: CycleId,
        rows: &[crate::results::assessment::Assessment],
        audit: &AuditDraft,
    ) -> Result<()>;
}
