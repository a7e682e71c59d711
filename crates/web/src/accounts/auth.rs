//! Login, second factor, logout and the language switch.

use crate::AppState;
use crate::ctx::{AuthAny, Ctx, safe_next};
use crate::error::AppResult;
use crate::form::Form;
use crate::i18n::Lang;
use crate::middleware::{lang_cookie, session_cookie};
use crate::views::{Page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::error::{CoreError, Msg};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginView {
    page: Page,
    next: String,
    username: String,
    error: Option<String>,
}

pub async fn login_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.session.as_ref().is_some_and(|s| !s.mfa_pending) {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let page = Page::new(&state, &ctx, "login-title").flash(q.flash.as_deref());
    render(&LoginView { page, next: safe_next(q.next.as_deref()), username: String::new(), error: None })
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub next: Option<String>,
}

pub async fn login_submit(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    match state.services.accounts.login(&f.username, &f.password, ctx.client.clone()).await {
        Ok(out) => {
            let to = if out.mfa_pending { format!("/login/totp?next={}", crate::ctx::urlencode(&next)) } else { next };
            let mut r = Redirect::to(&to).into_response();
            r.headers_mut().insert(header::SET_COOKIE, session_cookie(&out.token, state.config.secure_cookies));
            r
        }
        Err(e) => {
            let (status, msg, wait) = match e {
                CoreError::Locked(secs) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    Msg::new("err-account-locked").arg("minutes", CoreError::lock_minutes(secs)),
                    Some(secs),
                ),
                CoreError::Unauthenticated => (StatusCode::UNAUTHORIZED, Msg::new("err-login"), None),
                other => return crate::error::AppError::from(other).into_response(),
            };
            let page = Page::new(&state, &ctx, "login-title");
            let view = LoginView { page, next, username: f.username, error: Some(ctx.lang.msg(&msg)) };
            let mut r = (status, render(&view)).into_response();
            if let Some(s) = wait {
                r.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            r
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/login_totp.html")]
struct TotpView {
    page: Page,
    next: String,
    error: Option<String>,
}

pub async fn totp_form(State(state): State<AppState>, a: AuthAny, Query(q): Query<NextQuery>) -> Response {
    if !a.session.mfa_pending {
        return Redirect::to("/").into_response();
    }
    let page = Page::new(&state, &a.ctx, "totp-login-title");
    render(&TotpView { page, next: safe_next(q.next.as_deref()), error: None })
}

#[derive(Deserialize)]
pub struct TotpForm {
    pub code: String,
    pub next: Option<String>,
}

pub async fn totp_submit(State(state): State<AppState>, a: AuthAny, Form(f): Form<TotpForm>) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    if !a.session.mfa_pending {
        return Ok(Redirect::to(&next).into_response());
    }
    match state.services.accounts.login_totp(&a.session, &f.code, a.ctx.client.clone()).await {
        Ok(token) => {
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.config.secure_cookies));
            Ok(r)
        }
        Err(CoreError::Invalid(errs)) => {
            let page = Page::new(&state, &a.ctx, "totp-login-title");
            let error = errs.first().map(|e| a.ctx.lang.msg(&e.msg));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&TotpView { page, next, error })).into_response())
        }
        Err(CoreError::Locked(_)) => {
            let mut r = Redirect::to("/login?flash=locked").into_response();
            r.headers_mut().insert(header::SET_COOKIE, session_cookie("", state.config.secure_cookies));
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let (Some(s), Some(caller)) = (&ctx.session, ctx.caller()) {
        state.services.accounts.logout(&caller, &s.digest).await?;
    }
    let mut r = Redirect::to("/login?flash=logged-out").into_response();
    r.headers_mut().insert(header::SET_COOKIE, session_cookie("", state.config.secure_cookies));
    Ok(r)
}

#[derive(Deserialize)]
pub struct LangForm {
    pub lang: String,
    pub next: Option<String>,
}

/// Switch the language: remembered in a cookie, and for a logged-in user
/// in the account.
pub async fn set_lang(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LangForm>) -> AppResult<Response> {
    let lang = Lang::parse(&f.lang).ok_or_else(|| crate::error::AppError::bad_request(Msg::new("err-lang")))?;
    if let Some(caller) = ctx.caller() {
        state.services.accounts.set_language(&caller, Some(lang.code())).await?;
    }
    let mut r = Redirect::to(&safe_next(f.next.as_deref())).into_response();
    r.headers_mut().insert(header::SET_COOKIE, lang_cookie(lang, state.config.secure_cookies));
    Ok(r)
}
