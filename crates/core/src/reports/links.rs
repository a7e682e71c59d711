//! Personal links (一人一码): issued by the organizer, one live link per
//! evaluator and cycle; a link is exchanged for a reader session and works
//! until it is revoked or the cycle leaves evaluation.

use crate::accounts::auth::{random_token, token_digest};
use crate::accounts::sessions::TOUCH_EVERY;
use crate::audit::{AuditDraft, AuditResult};
use crate::cycles::Cycle;
use crate::error::{CoreError, Msg, Result};
use crate::ids::{CycleId, PersonId};
use crate::reports::reading::{LINK_TOKEN_BYTES, LinkStatus, Reader, ReaderVia};
use crate::reports::service::ReportService;
use crate::services::Caller;
use serde::Serialize;

/// A link just issued, with its token: shown once, on the printed sheet.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedLink {
    pub person_id: PersonId,
    pub person_name: String,
    pub post: String,
    pub group: String,
    pub token: String,
}

/// Which evaluators to issue links for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueFor {
    /// Everyone without a live link.
    Missing,
    /// Everyone, revoking live links.
    All,
    /// One person (re-issue: the old link stops working).
    One(PersonId),
}

impl ReportService {
    /// The cycle and every evaluator's link status, for the organizer.
    pub async fn links_list(&self, caller: &Caller, cycle: CycleId) -> Result<(Cycle, Vec<LinkStatus>)> {
        let c = self.cycles.cycle_get(caller, cycle).await?;
        Ok((c, self.ports.link_list(cycle).await?))
    }

    /// Issue links; the tokens are returned once and never stored.
    pub async fn links_issue(&self, caller: &Caller, cycle: CycleId, which: IssueFor) -> Result<Vec<IssuedLink>> {
        let (c, all) = self.links_list(caller, cycle).await?;
        if !c.phase.links_open() {
            return Err(CoreError::Conflict(Msg::new("err-links-closed")));
        }
        let chosen: Vec<&LinkStatus> = match &which {
            IssueFor::Missing => all.iter().filter(|l| l.link_id.is_none()).collect(),
            IssueFor::All => all.iter().collect(),
            IssueFor::One(p) => {
                let one: Vec<_> = all.iter().filter(|l| l.person_id == *p).collect();
                if one.is_empty() {
                    return Err(CoreError::NotFound("evaluator"));
                }
                one
            }
        };
        let issued: Vec<IssuedLink> = chosen
            .iter()
            .map(|l| IssuedLink {
                person_id: l.person_id,
                person_name: l.person_name.clone(),
                post: l.post.clone(),
                group: l.group.clone(),
                token: random_token(LINK_TOKEN_BYTES),
            })
            .collect();
        if issued.is_empty() {
            return Ok(issued);
        }
        let rows: Vec<(PersonId, String)> = issued.iter().map(|l| (l.person_id, token_digest(&l.token))).collect();
        let object = match which {
            IssueFor::One(p) => format!("cycle:{cycle} person:{p}"),
            _ => format!("cycle:{cycle}"),
        };
        let audit = caller.audit("link.issue", object).detail(format!("{} link(s)", issued.len()));
        // Links issued again end their sessions (in the same transaction).
        self.ports.link_issue(cycle, &rows, &audit).await?;
        Ok(issued)
    }

    pub async fn link_revoke(&self, caller: &Caller, cycle: CycleId, person: PersonId) -> Result<()> {
        self.cycles.cycle_get(caller, cycle).await?;
        let audit = caller.audit("link.revoke", format!("cycle:{cycle} person:{person}"));
        if self.ports.link_revoke(cycle, person, &audit).await? { Ok(()) } else { Err(CoreError::NotFound("link")) }
    }

    /// Trade a link token for a reader session: the new session token and
    /// the cycle. Unknown, revoked and expired links are refused (and audited
    /// without the token).
    pub async fn link_exchange(&self, token: &str, client: Option<String>) -> Result<(String, CycleId)> {
        let refuse = |why: &str| {
            AuditDraft::new(None, "anonymous", client.clone(), "link.open", "-")
                .result(AuditResult::Denied)
                .detail(why.to_string())
        };
        let grant = match self.ports.link_find(&token_digest(token)).await? {
            Some(g) => g,
            None => {
                self.ports.audit_append(&refuse("unknown link")).await?;
                return Err(CoreError::NotFound("link"));
            }
        };
        if grant.revoked {
            self.ports.audit_append(&refuse(&format!("revoked link:{}", grant.link_id))).await?;
            return Err(CoreError::Conflict(Msg::new("err-link-revoked")));
        }
        let c = self.ports.cycle_get(grant.cycle_id).await?.ok_or(CoreError::NotFound("cycle"))?;
        if !c.phase.links_open() {
            self.ports.audit_append(&refuse(&format!("expired link:{}", grant.link_id))).await?;
            return Err(CoreError::Conflict(Msg::new("err-link-expired")));
        }
        let session = random_token(32);
        let now = self.common.clock.now();
        let expires = now + chrono::Duration::hours(self.common.auth.session_absolute_hours);
        self.ports.link_session_open(grant.link_id, &token_digest(&session), now, expires).await?;
        let d =
            AuditDraft::new(None, format!("link:{}", grant.link_id), client, "link.open", format!("cycle:{}", c.id))
                .detail(format!("person:{}", grant.person_id));
        self.ports.audit_append(&d).await?;
        Ok((session, c.id))
    }

    /// The reader behind a link session cookie, if it is still good: read
    /// on every request, so that a revoked link or an ended session is
    /// refused at once on every node.
    pub async fn reader_from_link(&self, session: &str, client: Option<String>) -> Result<Option<Reader>> {
        let digest = token_digest(session);
        let now = self.common.clock.now();
        let idle = chrono::Duration::minutes(self.common.auth.session_idle_minutes);
        let Some(s) = self.ports.link_session_get(&digest).await? else { return Ok(None) };
        if s.grant.revoked || now >= s.expires_at || now - s.last_seen_at > idle {
            self.ports.link_session_delete(&digest).await?;
            return Ok(None);
        }
        let snapshot = self.cycles.cycle_snapshot(s.grant.cycle_id).await?;
        let c = &snapshot.cycle;
        if !c.phase.links_open() {
            return Ok(None);
        }
        let Some(ev) = snapshot.evaluators.get(&s.grant.person_id) else { return Ok(None) };
        // Its use is written at most once a minute (enough for the idle limit).
        if now - s.last_seen_at > TOUCH_EVERY && !self.ports.link_session_touch(&digest, now).await? {
            return Ok(None);
        }
        Ok(Some(Reader {
            cycle_id: c.id,
            person_id: ev.person_id,
            name: ev.person_name.clone(),
            group: ev.group.clone(),
            via: ReaderVia::Link(s.grant.link_id),
            client,
        }))
    }

    /// End a link session (the reader logs out on a shared phone).
    pub async fn link_session_end(&self, session: &str) -> Result<()> {
        self.ports.link_session_delete(&token_digest(session)).await
    }

    /// A logged-in account reading as the evaluator it is in `cycle`.
    pub async fn reader_from_account(&self, caller: &Caller, cycle: CycleId) -> Result<Reader> {
        let snapshot = self.cycles.cycle_snapshot(cycle).await?;
        let c = &snapshot.cycle;
        let ev = snapshot.evaluators.get(&caller.actor.person_id).cloned();
        match ev {
            Some(ev) if c.phase.links_open() => Ok(Reader {
                cycle_id: c.id,
                person_id: ev.person_id,
                name: ev.person_name,
                group: ev.group,
                via: ReaderVia::Account(caller.actor.account_id),
                client: caller.client.clone(),
            }),
            _ => Err(self.common.deny(caller, "reading.view", format!("cycle:{cycle}")).await),
        }
    }
}
