//! Reading and verifying the audit log.

use super::{Caller, Services};
use crate::audit::{AuditEntry, AuditFilter, ChainBreak, ChainVerifier};
use crate::error::Result;

impl Services {
    /// The audit log, newest first. System admins see it all; organizer
    /// admins see their own entries only.
    pub async fn audit_list(&self, caller: &Caller, mut f: AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require_org_admin(caller, "audit.list").await?;
        if !caller.actor.is_system_admin() {
            f.actor = Some(caller.actor.username.clone());
        }
        f.limit = f.limit.clamp(1, 500);
        self.store.audit_list(&f).await
    }

    /// Recompute the whole chain; the count of entries, or the first break.
    pub async fn audit_verify(&self) -> Result<std::result::Result<u64, ChainBreak>> {
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let chunk = self.store.audit_chunk(after, 5000).await?;
            let Some(last) = chunk.last() else {
                return Ok(Ok(v.count));
            };
            after = last.seq;
            for e in &chunk {
                if let Err(b) = v.push(e) {
                    return Ok(Err(b));
                }
            }
        }
    }

    /// Check the audit list permission without reading (for the audit page).
    pub async fn audit_require_admin(&self, caller: &Caller) -> Result<()> {
        self.require_system_admin(caller, "audit.verify").await
    }
}
