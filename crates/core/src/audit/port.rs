//! What the audit trail needs from storage.

use crate::audit::{AuditDraft, AuditEntry, AuditFilter};
use crate::error::Result;
use async_trait::async_trait;

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Append one entry on its own (a denial, a failed login).
    async fn audit_append(&self, d: &AuditDraft) -> Result<AuditEntry>;
    /// Newest first, filtered.
    async fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// In sequence order, from `after_seq` (exclusive), for verification.
    async fn audit_chunk(&self, after_seq: i64, limit: u64) -> Result<Vec<AuditEntry>>;
}
