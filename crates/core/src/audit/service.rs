//! Reading and verifying the audit log.

use crate::audit::{Anchor, AnchorBreak, AuditDraft, AuditEntry, AuditFilter, ChainBreak, ChainVerifier};
use crate::error::Result;
use crate::services::Caller;

crate::services::ports!(
    /// The ports the audit service uses.
    AuditPorts: AuditStore
);

/// The service for the audit log and its anchors.
#[derive(Clone)]
pub struct AuditService {
    pub(crate) ports: std::sync::Arc<dyn AuditPorts>,
    pub(crate) common: crate::services::Common,
    /// Where the head of the audit chain is anchored outside the database.
    pub(crate) anchors: Option<std::sync::Arc<dyn crate::audit::AnchorSink>>,
}

impl AuditService {
    /// Record an entry the web layer makes itself (a refused cross-site
    /// request, an access denied before any service ran).
    pub async fn audit_record(&self, d: &AuditDraft) -> Result<()> {
        self.ports.audit_append(d).await.map(|_| ())
    }

    /// The audit log, newest first. System admins see it all; organizer
    /// admins see their own entries only.
    pub async fn audit_list(&self, caller: &Caller, mut f: AuditFilter) -> Result<Vec<AuditEntry>> {
        self.common.require_org_admin(caller, "audit.list").await?;
        if !caller.actor.is_system_admin() {
            f.actor = Some(caller.actor.username.clone());
        }
        f.limit = f.limit.clamp(1, 500);
        self.ports.audit_list(&f).await
    }

    /// Recompute the whole chain; the count of entries, or the first break.
    pub async fn audit_verify(&self) -> Result<std::result::Result<u64, ChainBreak>> {
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let chunk = self.ports.audit_chunk(after, 5000).await?;
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

    /// The newest entry's sequence number and hash, as an anchor now.
    pub async fn audit_head(&self) -> Result<Option<Anchor>> {
        let newest = self.ports.audit_list(&AuditFilter { limit: 1, ..Default::default() }).await?;
        Ok(newest.into_iter().next().map(|e| Anchor { at: self.common.clock.now(), seq: e.seq, hash: e.hash }))
    }

    /// Write the head of the chain to the anchor sink, if there is one (every
    /// minute, and at every seal). A failure is logged: the change it follows
    /// is already committed.
    pub async fn audit_anchor(&self) {
        let Some(sink) = &self.anchors else { return };
        match self.audit_head().await {
            Ok(Some(a)) => {
                if let Err(e) = sink.append(&a) {
                    tracing::error!(error = %e, seq = a.seq, "the audit anchor could not be written");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "the audit head could not be read for its anchor"),
        }
    }

    /// Check the stored log against anchors written earlier: the number
    /// checked, or the first departure.
    pub async fn audit_check_anchors(&self, anchors: &[Anchor]) -> Result<std::result::Result<usize, AnchorBreak>> {
        let last = self.audit_head().await?.map_or(0, |a| a.seq);
        for a in anchors {
            let found = self.ports.audit_chunk(a.seq - 1, 1).await?.into_iter().next().filter(|e| e.seq == a.seq);
            match found {
                None => return Ok(Err(AnchorBreak::Truncated { anchor: a.clone(), last })),
                Some(e) if e.hash != a.hash => return Ok(Err(AnchorBreak::Altered { anchor: a.clone() })),
                Some(_) => {}
            }
        }
        Ok(Ok(anchors.len()))
    }

    /// Check the audit list permission without reading (for the audit page).
    pub async fn audit_require_admin(&self, caller: &Caller) -> Result<()> {
        self.common.require_system_admin(caller, "audit.verify").await
    }
}
