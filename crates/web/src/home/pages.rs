//! The home page: what each role needs first.

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppResult;
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use kaoping_core::accounts::Role;
use kaoping_core::audit::{AuditEntry, AuditFilter};
use kaoping_core::services::Task;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct HomeQuery {
    pub flash: Option<String>,
}

struct Stat {
    label: String,
    value: String,
    href: &'static str,
}

/// A role the user holds, with what it means for them today.
struct RoleCard {
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "home/home.html")]
struct HomeView {
    page: Page,
    greeting: String,
    person_line: Option<String>,
    stats: Vec<Stat>,
    scopes: Vec<String>,
    roles: Vec<RoleCard>,
    tasks: Vec<(String, String)>,
    recent: Vec<AuditEntry>,
}

pub async fn home(State(state): State<AppState>, a: Auth, Query(q): Query<HomeQuery>) -> AppResult<Response> {
    let lang = a.ctx.lang;
    let actor = &a.caller.actor;
    let svc = &state.services;
    let mut stats = Vec::new();
    let mut recent = Vec::new();
    if actor.is_org_admin() {
        let n = svc.accounts.admin_counts(&a.caller).await?;
        let stat = |key: &str, value: u64, href| Stat { label: lang.t(key), value: value.to_string(), href };
        stats = vec![
            stat("stat-org-units", n.units, "/admin/org"),
            stat("stat-people", n.people, "/admin/people"),
            stat("stat-accounts", n.accounts, "/admin/accounts"),
            stat("stat-locked", n.locked, "/admin/accounts"),
        ];
        recent = svc.audit.audit_list(&a.caller, AuditFilter { limit: 8, ..Default::default() }).await?;
    }
    let person_line = Some(
        [actor.unit_name.clone().unwrap_or_default(), actor.post.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    );
    let roles = actor
        .roles
        .iter()
        .filter(|r| !matches!(r, Role::SystemAdmin | Role::OrganizerAdmin))
        .map(|r| {
            let key = r.as_str().replace('_', "-");
            RoleCard { title: lang.t(&r.label_key()), text: lang.t(&format!("home-role-{key}")) }
        })
        .collect();
    let scopes = actor.scopes.iter().filter(|s| s.role == Role::OrganizerAdmin).map(|s| s.unit_name.clone()).collect();
    let tasks = svc.reports.my_tasks(&a.caller).await?;
    let tasks = tasks
        .into_iter()
        .map(|t| match t {
            Task::Report(c) => (lang.t_args("task-report", &[("cycle", c.name)]), format!("/my/reports/{}", c.id)),
            Task::Read(c) => (lang.t_args("task-read", &[("cycle", c.name)]), format!("/e/{}", c.id)),
        })
        .collect();
    let page = Page::new(&state, &a.ctx, "home-title").flash(q.flash.as_deref());
    let greeting = lang.t_args("home-greeting", &[("name", actor.display_name.clone())]);
    Ok(render(&HomeView { page, greeting, person_line, stats, scopes, roles, tasks, recent }))
}
