//! People pages: list, create, edit, and creating an account for a person.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::org::pages::TreeRow;
use crate::views::FlashQuery;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::accounts::Role;
use kaoping_core::error::CoreError;
use kaoping_core::ids::{OrgUnitId, PersonId};
use kaoping_core::people::PersonInput;
use kaoping_core::ports::PersonRow;
use kaoping_core::services::{AccountInput, AccountService};
use serde::Deserialize;

const PAGE_SIZE: u64 = 50;
/// More pages than any tree has people: a bigger number is refused.
const MAX_PAGE: u64 = 1_000_000;

#[derive(Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "people/people_list.html")]
struct ListView {
    page: Page,
    rows: Vec<PersonRow>,
    q: String,
    total: u64,
    page_no: u64,
    pages: u64,
}

pub async fn list(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let page_no = AppError::in_range("page", q.page.unwrap_or(1), 1, MAX_PAGE)?;
    let (rows, total) =
        state.services.people.people_list(&a.caller, q.q.clone(), (page_no - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let page = Page::new(&state, &a.ctx, "people-title").crumb("nav-people", None).flash(q.flash.as_deref());
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    Ok(render(&ListView { page, rows, q: q.q.unwrap_or_default(), total, page_no, pages }))
}

#[derive(Deserialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    pub name: String,
    pub org_unit_id: Option<String>,
    pub managed_by: Option<String>,
    pub post: Option<String>,
    pub phone: Option<String>,
}

impl PersonForm {
    fn input(&self) -> PersonInput {
        PersonInput {
            name: self.name.clone(),
            org_unit_id: self.org_unit_id.clone(),
            post: self.post.clone(),
            phone: self.phone.clone(),
        }
    }

    fn managed_by(&self) -> Option<OrgUnitId> {
        self.managed_by.as_deref().and_then(|s| s.trim().parse().ok()).map(OrgUnitId)
    }
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: String,
    pub scoped: bool,
}

#[derive(Template)]
#[template(path = "people/person_form.html")]
struct FormView {
    page: Page,
    person: Option<PersonRow>,
    form: PersonForm,
    units: Vec<TreeRow>,
    roles: Vec<RoleOption>,
    errors: FormErrors,
    account_errors: FormErrors,
    created: Option<(String, String)>,
}

async fn units(state: &AppState, a: &Auth) -> AppResult<Vec<TreeRow>> {
    Ok(crate::org::pages::rows(a.ctx.lang, state.services.org.org_tree(&a.caller, false).await?))
}

fn roles(a: &Auth) -> Vec<RoleOption> {
    Role::ALL
        .iter()
        .filter(|r| **r != Role::SystemAdmin || a.caller.actor.is_system_admin())
        .map(|r| RoleOption { value: r.as_str(), label: a.ctx.lang.t(&r.label_key()), scoped: r.is_scoped() })
        .collect()
}

async fn form_view(
    state: &AppState,
    a: &Auth,
    person: Option<PersonRow>,
    form: PersonForm,
    errors: FormErrors,
) -> AppResult<FormView> {
    let title = person.as_ref().map(|p| p.person.name.clone());
    let mut page = Page::new(state, &a.ctx, "person-new").crumb("nav-people", Some("/admin/people"));
    page = match &title {
        Some(t) => page.title_text(t.clone()).crumb_text(t.clone(), None),
        None => page.crumb("person-new", None),
    };
    Ok(FormView {
        page,
        person,
        form,
        units: units(state, a).await?,
        roles: roles(a),
        errors,
        account_errors: FormErrors::default(),
        created: None,
    })
}

pub async fn new_form(State(state): State<AppState>, OrgAdmin(a): OrgAdmin) -> AppResult<Response> {
    state.services.org.org_tree(&a.caller, false).await?; // access check
    Ok(render(&form_view(&state, &a, None, PersonForm::default(), FormErrors::default()).await?))
}

pub async fn create(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    match state.services.people.person_create(&a.caller, &f.input(), f.managed_by()).await {
        Ok(p) => Ok(Redirect::to(&format!("/admin/people/{}?flash=person-created", p.id)).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = form_view(&state, &a, None, f, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn form_of(p: &PersonRow) -> PersonForm {
    PersonForm {
        name: p.person.name.clone(),
        org_unit_id: p.person.org_unit_id.map(|o| o.to_string()),
        managed_by: Some(p.person.managed_by.to_string()),
        post: Some(p.person.post.clone()),
        phone: p.person.phone.clone(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<PersonId>,
    Query(q): Query<FlashQuery>,
) -> AppResult<Response> {
    let p = state.services.people.person_get(&a.caller, id).await?;
    if !a.caller.actor.is_org_admin() {
        return Err(state.services.deny(&a.caller, "person.view", format!("person:{id}")).await.into());
    }
    let form = form_of(&p);
    let mut view = form_view(&state, &a, Some(p), form, FormErrors::default()).await?;
    view.page = view.page.flash(q.flash.as_deref());
    Ok(render(&view))
}

pub async fn update(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<PersonId>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    match state.services.people.person_update(&a.caller, id, &f.input(), f.managed_by()).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/people/{id}?flash=person-saved")).into_response()),
        Err(CoreError::Invalid(errs)) => {
            let p = state.services.people.person_get(&a.caller, id).await?;
            let view = form_view(&state, &a, Some(p), f, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Parse a form body with repeated `role` fields and one `scope_<role>`
/// unit per scoped role.
pub fn parse_account_form(body: &[u8]) -> (String, Vec<String>) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let username = pairs.iter().find(|(k, _)| k == "username").map(|(_, v)| v.clone()).unwrap_or_default();
    let grants = pairs
        .iter()
        .filter(|(k, _)| k == "role")
        .map(|(_, role)| {
            let scope =
                pairs.iter().find(|(k, _)| *k == format!("scope_{role}")).map(|(_, v)| v.as_str()).unwrap_or("");
            if scope.is_empty() { role.clone() } else { format!("{role}@{scope}") }
        })
        .collect();
    (username, grants)
}

pub async fn create_account(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<PersonId>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let (username, grants) = parse_account_form(&body);
    let result = match AccountService::parse_grants(&grants) {
        Ok(grants) => state.services.accounts.account_create(&a.caller, id, &AccountInput { username, grants }).await,
        Err(e) => Err(e),
    };
    let p = state.services.people.person_get(&a.caller, id).await?;
    let form = form_of(&p);
    let mut view = form_view(&state, &a, Some(p), form, FormErrors::default()).await?;
    match result {
        Ok(created) => {
            // The one-time password is shown on this page only, never in a URL.
            view.person = Some(state.services.people.person_get(&a.caller, id).await?);
            view.created = Some((created.username, created.temporary_password));
            Ok(render(&view))
        }
        Err(CoreError::Invalid(errs)) => {
            view.account_errors = FormErrors::from_fields(a.ctx.lang, &errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            view.account_errors = FormErrors::general(a.ctx.lang, &m);
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
