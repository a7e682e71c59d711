//! Account administration: roles, password resets, unlocking, disabling.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::AppResult;
use crate::form::Form;
use crate::people::pages::{RoleOption, parse_account_form};
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::accounts::{AccountSummary, Role};
use kaoping_core::error::CoreError;
use kaoping_core::ids::{AccountId, OrgUnitId};
use kaoping_core::org::OrgUnit;
use kaoping_core::services::AccountService;
use serde::Deserialize;
use std::collections::HashMap;

pub struct AccountRow {
    pub a: AccountSummary,
    pub grants: Vec<String>,
    pub locked: bool,
    /// Role value → granted unit id (for the edit form).
    pub held: HashMap<&'static str, Option<OrgUnitId>>,
}

impl AccountRow {
    pub fn holds(&self, role: &str) -> bool {
        self.held.contains_key(role)
    }

    pub fn scope_is(&self, role: &str, unit: &OrgUnitId) -> bool {
        self.held.get(role).is_some_and(|u| *u == Some(*unit))
    }
}

#[derive(Template)]
#[template(path = "accounts/accounts_list.html")]
struct ListView {
    page: Page,
    rows: Vec<AccountRow>,
    roles: Vec<RoleOption>,
    units: Vec<OrgUnit>,
    me: AccountId,
    reset: Option<(String, String)>,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub flash: Option<String>,
}

async fn list_view(state: &AppState, a: &Auth) -> AppResult<ListView> {
    let lang = a.ctx.lang;
    let units = state.services.org.org_tree(&a.caller, false).await?;
    let names: HashMap<OrgUnitId, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let now = state.services.clock.now();
    let rows = state
        .services
        .accounts
        .accounts_list(&a.caller)
        .await?
        .into_iter()
        .map(|acc| AccountRow {
            grants: acc
                .grants
                .iter()
                .map(|g| {
                    let role = lang.t(&g.role.label_key());
                    match g.org_unit_id {
                        Some(u) => format!("{role} · {}", names.get(&u).cloned().unwrap_or_else(|| format!("#{u}"))),
                        None => role,
                    }
                })
                .collect(),
            locked: acc.locked_until.is_some_and(|t| t > now),
            held: acc.grants.iter().map(|g| (g.role.as_str(), g.org_unit_id)).collect(),
            a: acc,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| **r != Role::SystemAdmin || a.caller.actor.is_system_admin())
        .map(|r| RoleOption { value: r.as_str(), label: lang.t(&r.label_key()), scoped: r.is_scoped() })
        .collect();
    Ok(ListView {
        page: Page::new(state, &a.ctx, "accounts-title").crumb("nav-accounts", None),
        rows,
        roles,
        units,
        me: a.caller.actor.account_id,
        reset: None,
        errors: FormErrors::default(),
    })
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let mut view = list_view(&state, &a).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

async fn refused(state: &AppState, a: &Auth, e: CoreError) -> AppResult<Response> {
    let (status, errors) = match &e {
        CoreError::Invalid(errs) => (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_fields(a.ctx.lang, errs)),
        CoreError::Conflict(m) => (StatusCode::CONFLICT, FormErrors::general(a.ctx.lang, m)),
        _ => return Err(e.into()),
    };
    let mut view = list_view(state, a).await?;
    view.errors = errors;
    Ok((status, render(&view)).into_response())
}

pub async fn set_grants(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<AccountId>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let (_, grants) = parse_account_form(&body);
    let result = match AccountService::parse_grants(&grants) {
        Ok(g) => state.services.accounts.account_set_grants(&a.caller, id, &g).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/accounts?flash=grants-saved").into_response()),
        Err(e) => refused(&state, &a, e).await,
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<AccountId>,
) -> AppResult<Response> {
    let password = state.services.accounts.account_reset_password(&a.caller, id).await?;
    let mut view = list_view(&state, &a).await?;
    let username = view.rows.iter().find(|r| r.a.id == id).map(|r| r.a.username.clone()).unwrap_or_default();
    view.reset = Some((username, password));
    Ok(render(&view))
}

pub async fn unlock(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<AccountId>,
) -> AppResult<Response> {
    state.services.accounts.account_unlock(&a.caller, id).await?;
    Ok(Redirect::to("/admin/accounts?flash=account-unlocked").into_response())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    pub active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<AccountId>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    let active = f.active == "1";
    match state.services.accounts.account_set_active(&a.caller, id, active).await {
        Ok(()) => {
            let flash = if active { "account-enabled" } else { "account-disabled" };
            Ok(Redirect::to(&format!("/admin/accounts?flash={flash}")).into_response())
        }
        Err(e) => refused(&state, &a, e).await,
    }
}
