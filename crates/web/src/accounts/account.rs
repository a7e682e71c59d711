//! One's own account: password, second factor, sessions.

use crate::AppState;
use crate::ctx::{Auth, AuthAny};
use crate::error::AppResult;
use crate::form::Form;
use crate::views::FlashQuery;
use crate::views::{FormErrors, Page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::accounts::auth::totp;
use kaoping_core::error::CoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountView {
    page: Page,
    username: String,
    roles: Vec<String>,
    scopes: Vec<String>,
    totp_enabled: bool,
    totp_required: bool,
    errors: FormErrors,
}

async fn account_view(state: &AppState, a: &Auth, flash: Option<&str>, errors: FormErrors) -> AppResult<AccountView> {
    let lang = a.ctx.lang;
    let account = state.services.accounts.own_account(&a.caller).await?;
    Ok(AccountView {
        page: Page::new(state, &a.ctx, "account-title").flash(flash),
        username: account.username,
        roles: a.caller.actor.roles.iter().map(|r| lang.t(&r.label_key())).collect(),
        scopes: a
            .caller
            .actor
            .scopes
            .iter()
            .map(|s| format!("{} · {}", lang.t(&s.role.label_key()), s.unit_name))
            .collect(),
        totp_enabled: account.totp_secret.is_some(),
        totp_required: state.services.auth.require_totp_for_admins && a.caller.actor.roles.iter().any(|r| r.is_admin()),
        errors,
    })
}

pub async fn show(State(state): State<AppState>, a: Auth, Query(q): Query<FlashQuery>) -> AppResult<Response> {
    Ok(render(&account_view(&state, &a, q.flash.as_deref(), FormErrors::default()).await?))
}

#[derive(Template)]
#[template(path = "accounts/account_password.html")]
struct PasswordView {
    page: Page,
    forced: bool,
    min_length: usize,
    min_classes: usize,
    errors: FormErrors,
}

pub async fn password_form(State(state): State<AppState>, a: AuthAny) -> Response {
    if a.session.mfa_pending {
        return Redirect::to("/login/totp").into_response();
    }
    let p = &state.services.auth.password;
    render(&PasswordView {
        page: Page::new(&state, &a.ctx, "password-title"),
        forced: a.session.must_change_password,
        min_length: p.min_length,
        min_classes: p.min_classes,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub new_password: String,
    pub confirm: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    a: AuthAny,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    if a.session.mfa_pending {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    match state
        .services
        .accounts
        .change_password(&a.caller, Some(&a.session.digest), &f.current, &f.new_password, &f.confirm)
        .await
    {
        Ok(token) => {
            let mut r = Redirect::to("/?flash=password-changed").into_response();
            if let Some(token) = token {
                r.headers_mut()
                    .insert(header::SET_COOKIE, crate::middleware::session_cookie(&token, state.config.secure_cookies));
            }
            Ok(r)
        }
        Err(CoreError::Invalid(errs)) => {
            let p = &state.services.auth.password;
            let view = PasswordView {
                page: Page::new(&state, &a.ctx, "password-title"),
                forced: a.session.must_change_password,
                min_length: p.min_length,
                min_classes: p.min_classes,
                errors: FormErrors::from_fields(a.ctx.lang, &errs),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "accounts/account_totp.html")]
struct TotpEnrollView {
    page: Page,
    secret: String,
    qr_svg: String,
    required: bool,
    errors: FormErrors,
}

fn enroll_view(state: &AppState, a: &AuthAny, secret: String, errors: FormErrors) -> TotpEnrollView {
    let url = totp::url(&secret, &a.caller.actor.username).unwrap_or_default();
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build())
        .unwrap_or_default();
    TotpEnrollView {
        page: Page::new(state, &a.ctx, "totp-enroll-title"),
        secret,
        qr_svg,
        required: a.session.must_enroll_totp,
        errors,
    }
}

pub async fn totp_form(State(state): State<AppState>, a: AuthAny) -> Response {
    if a.session.mfa_pending || a.session.must_change_password {
        return Redirect::to("/").into_response();
    }
    if a.session.totp_enabled {
        return Redirect::to("/account").into_response();
    }
    render(&enroll_view(&state, &a, totp::new_secret(), FormErrors::default()))
}

#[derive(Deserialize)]
pub struct TotpForm {
    pub secret: String,
    pub code: String,
}

pub async fn totp_submit(State(state): State<AppState>, a: AuthAny, Form(f): Form<TotpForm>) -> AppResult<Response> {
    if a.session.mfa_pending || a.session.must_change_password {
        return Ok(Redirect::to("/").into_response());
    }
    match state.services.accounts.enable_totp(&a.caller, f.secret.trim(), &f.code).await {
        Ok(()) => Ok(Redirect::to("/account?flash=totp-enabled").into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = enroll_view(&state, &a, f.secret.trim().to_string(), FormErrors::from_fields(a.ctx.lang, &errs));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    pub current: String,
}

pub async fn totp_disable(State(state): State<AppState>, a: Auth, Form(f): Form<DisableForm>) -> AppResult<Response> {
    match state.services.accounts.disable_totp(&a.caller, &f.current).await {
        Ok(()) => Ok(Redirect::to("/account?flash=totp-disabled").into_response()),
        Err(CoreError::Invalid(errs)) => {
            let view = account_view(&state, &a, None, FormErrors::from_fields(a.ctx.lang, &errs)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(CoreError::Conflict(m)) => {
            let view = account_view(&state, &a, None, FormErrors::general(a.ctx.lang, &m)).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout_all(State(state): State<AppState>, a: Auth) -> AppResult<Response> {
    state.services.accounts.logout_everywhere(&a.caller).await?;
    let mut r = Redirect::to("/login?flash=logged-out-everywhere").into_response();
    r.headers_mut().insert(header::SET_COOKIE, crate::middleware::session_cookie("", state.config.secure_cookies));
    Ok(r)
}
