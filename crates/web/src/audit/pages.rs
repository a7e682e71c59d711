//! The audit log page, with filters and a chain check.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};
use kaoping_core::audit::{AuditEntry, AuditFilter};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
    pub verify: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditView {
    page: Page,
    q: AuditQuery,
    entries: Vec<AuditEntry>,
    next_before: Option<i64>,
    can_verify: bool,
    verify: Option<String>,
    verify_ok: bool,
}

const PAGE: u64 = 100;

fn day(s: Option<&str>, end: bool) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = NaiveDate::parse_from_str(s?.trim(), "%Y-%m-%d").ok()?;
    let d = if end { d.succ_opt()? } else { d };
    kaoping_core::time::DEFAULT_TZ
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let f = AuditFilter {
        actor: q.actor.clone(),
        action: q.action.clone(),
        result: q.result.clone(),
        from: day(q.from.as_deref(), false),
        to: day(q.to.as_deref(), true),
        before: q.before,
        limit: PAGE,
    };
    let entries = state.services.audit.audit_list(&a.caller, f).await?;
    let next_before = (entries.len() as u64 == PAGE).then(|| entries.last().map(|e| e.seq)).flatten();
    let can_verify = a.caller.actor.is_system_admin();
    let (verify, verify_ok) = if can_verify && q.verify.is_some() {
        match state.services.audit.audit_verify().await? {
            Ok(n) => (Some(lang.t_args("audit-verify-ok", &[("count", n.to_string())])), true),
            Err(b) => (
                Some(
                    lang.t_args("audit-verify-broken", &[("seq", b.seq.to_string()), ("reason", b.reason.to_string())]),
                ),
                false,
            ),
        }
    } else {
        (None, false)
    };
    let page = Page::new(&state, &a.ctx, "audit-title").crumb("nav-audit", None);
    Ok(render(&AuditView { page, q, entries, next_before, can_verify, verify, verify_ok }))
}
