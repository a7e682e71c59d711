//! The request context: language, session, client address; and the
//! extractors that require a login.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::services::{Caller, SessionInfo};

pub const SESSION_COOKIE: &str = "kp_session";
pub const LANG_COOKIE: &str = "kp_lang";

/// Facts about the request, set by the `context` middleware.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<SessionInfo>,
    pub client: Option<String>,
    pub path: String,
    pub is_api: bool,
    pub request_id: String,
}

impl Ctx {
    pub fn caller(&self) -> Option<Caller> {
        self.session.as_ref().map(|s| Caller { actor: s.actor.clone(), client: self.client.clone() })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))
    }
}

/// Where an incomplete login must go first, if anywhere.
fn pending_step(s: &SessionInfo) -> Option<&'static str> {
    if s.mfa_pending {
        Some("/login/totp")
    } else if s.must_change_password {
        Some("/account/password")
    } else if s.must_enroll_totp {
        Some("/account/totp")
    } else {
        None
    }
}

/// Why a request that needs a login was refused.
pub struct LoginRequired {
    is_api: bool,
    to: String,
}

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        if self.is_api {
            AppError::status(StatusCode::UNAUTHORIZED, "error-unauthenticated").into_response()
        } else {
            Redirect::to(&self.to).into_response()
        }
    }
}

fn login_redirect(ctx: &Ctx) -> String {
    let next = ctx.path.as_str();
    if next == "/" || next.is_empty() { "/login".to_string() } else { format!("/login?next={}", urlencode(next)) }
}

/// Percent-encode a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A fully logged-in user (password, second factor, no pending change).
pub struct Auth {
    pub ctx: Ctx,
    pub caller: Caller,
}

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = LoginRequired;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let a = AuthAny::from_request_parts(parts, state).await?;
        if let Some(step) = pending_step(&a.session) {
            return Err(LoginRequired { is_api: a.ctx.is_api, to: step.into() });
        }
        Ok(Auth { ctx: a.ctx, caller: a.caller })
    }
}

/// A logged-in system or organizer admin. Checked before the request body
/// is read, so that other users get 403 (audited) whatever they send.
pub struct OrgAdmin(pub Auth);

impl<S> FromRequestParts<S> for OrgAdmin
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let a = Auth::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        if a.caller.actor.is_org_admin() {
            return Ok(OrgAdmin(a));
        }
        let app = AppState::from_ref(state);
        let action = format!("{} {}", parts.method, parts.uri.path());
        Err(AppError::from(app.services.deny(&a.caller, "http.request", action).await).into_response())
    }
}

/// A user past the password check, who may still owe a second factor or a
/// password change (for the pages that settle those).
pub struct AuthAny {
    pub ctx: Ctx,
    pub caller: Caller,
    pub session: SessionInfo,
}

impl<S> FromRequestParts<S> for AuthAny
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = LoginRequired;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(|_| LoginRequired { is_api: false, to: "/login".into() })?;
        let Some(session) = ctx.session.clone() else {
            return Err(LoginRequired { is_api: ctx.is_api, to: login_redirect(&ctx) });
        };
        let caller = ctx.caller().expect("session present");
        Ok(AuthAny { ctx, caller, session })
    }
}

/// A safe local redirect target from a `next` parameter.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_kept_local() {
        assert_eq!(safe_next(Some("/admin/org")), "/admin/org");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/a\nb")), "/");
    }
}
