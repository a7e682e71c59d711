//! `/api/v1/session`: who am I, log in, second factor, log out.

use crate::AppState;
use crate::ctx::{AuthAny, Ctx};
use crate::error::{AppError, AppResult};
use crate::middleware::session_cookie;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kaoping_core::error::CoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The logged-in account.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub account_id: i64,
    pub person_id: i64,
    pub username: String,
    pub name: String,
    /// Role codes, e.g. `organizer_admin`.
    pub roles: Vec<String>,
    /// Org units administered (organizer admin), by id.
    pub scopes: Vec<i64>,
    pub mfa_pending: bool,
    pub must_change_password: bool,
}

#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = Me)))]
pub async fn me(a: AuthAny) -> Json<Me> {
    let actor = &a.session.actor;
    Json(Me {
        account_id: actor.account_id.0,
        person_id: actor.person_id.0,
        username: actor.username.clone(),
        name: actor.display_name.clone(),
        roles: actor.roles.iter().map(|r| r.as_str().to_string()).collect(),
        scopes: actor.scopes.iter().map(|s| s.unit_id.0).collect(),
        mfa_pending: a.session.mfa_pending,
        must_change_password: a.session.must_change_password,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginReply {
    /// A TOTP code is due at `POST /api/v1/session/totp`.
    pub mfa_pending: bool,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = LoginReply, description = "Logged in; the session cookie is set")))]
pub async fn login(State(state): State<AppState>, ctx: Ctx, Json(b): Json<LoginBody>) -> AppResult<Response> {
    let out = state.services.accounts.login(&b.username, &b.password, ctx.client.clone()).await?;
    let mut r = Json(LoginReply { mfa_pending: out.mfa_pending }).into_response();
    r.headers_mut().insert(header::SET_COOKIE, session_cookie(&out.token, state.config.secure_cookies));
    Ok(r)
}

#[derive(Deserialize, ToSchema)]
pub struct TotpBody {
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/session/totp", tag = "session", request_body = TotpBody,
    responses((status = 204)))]
pub async fn totp(State(state): State<AppState>, a: AuthAny, Json(b): Json<TotpBody>) -> AppResult<Response> {
    if !a.session.mfa_pending {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    match state.services.accounts.login_totp(&a.session, &b.code, a.ctx.client.clone()).await {
        Ok(token) => {
            // A new session id once the second factor is in.
            let mut r = StatusCode::NO_CONTENT.into_response();
            r.headers_mut().insert(header::SET_COOKIE, session_cookie(&token, state.config.secure_cookies));
            Ok(r)
        }
        Err(e @ CoreError::Invalid(_)) => Err(e.into()),
        Err(e) => Err(AppError::from(e)),
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, a: AuthAny) -> AppResult<Response> {
    state.services.accounts.logout(&a.caller, &a.session.digest).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(header::SET_COOKIE, session_cookie("", state.config.secure_cookies));
    Ok(r)
}
