//! Request-wide layers: context (language, session, client), error pages,
//! security headers, metrics, and the audit of refused cross-site requests.

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::error::ErrorInfo;
use crate::i18n::Lang;
use crate::views;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kaoping_core::audit::{AuditDraft, AuditResult};
use std::net::SocketAddr;
use std::time::Instant;
use tower_http::csrf::ProtectionError;

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address. Behind a trusted proxy, the rightmost
/// X-Forwarded-For entry is the one that proxy added; entries to its left
/// come from the client and can be forged.
fn client_addr(req: &Request, trust_proxy: bool) -> Option<String> {
    if trust_proxy
        && let Some(first) =
            req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next())
    {
        return Some(first.trim().to_string());
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip().to_string())
}

/// A request path fit for logs and pages: personal link tokens hidden.
pub fn redact_path(path: &str) -> String {
    if path.starts_with("/k/") { "/k/…".to_string() } else { path.to_string() }
}

/// Around each of the app's routes (not the assets), as one layer — each
/// layer costs every request a clone of the routes below it and a boxed
/// future: count the request and its latency per route and status, resolve
/// the context ([`Ctx`]), and turn error responses into pages or problem
/// JSON in the user's language.
pub async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let res = match context(&state, req).await {
        Ok((req, ctx)) => render_errors(&state, &method, ctx, next.run(req).await).await,
        Err(res) => res,
    };
    let labels = [("method", method.to_string()), ("route", route), ("status", res.status().as_u16().to_string())];
    metrics::counter!("kaoping_http_requests_total", &labels).increment(1);
    metrics::histogram!("kaoping_http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    res
}

/// Resolve the session and language and store the [`Ctx`]; the request and
/// a copy of the context (for its error page).
async fn context(state: &AppState, mut req: Request) -> Result<(Request, Ctx), Response> {
    let path = redact_path(req.uri().path());
    // The evaluator's ballot API lives under /e (where the personal-link cookie is sent).
    let is_api = path.starts_with("/api/") || (path.starts_with("/e/") && path.contains("/api/"));
    let client = client_addr(&req, state.config.trust_proxy);
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let session = match cookie(req.headers(), SESSION_COOKIE) {
        Some(token) if !token.is_empty() => match state.services.accounts.session(token).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return Err((StatusCode::SERVICE_UNAVAILABLE, "service unavailable").into_response());
            }
        },
        _ => None,
    };
    let lang = session
        .as_ref()
        .and_then(|s| s.lang.as_deref())
        .and_then(Lang::parse)
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(Lang::parse))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let ctx = Ctx { lang, session, client, path, is_api, request_id };
    req.extensions_mut().insert(ctx.clone());
    Ok((req, ctx))
}

/// `scheme://host[:port]` of a URL as a browser writes it in `Origin`
/// (lower case, no default port, no path).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host.to_string(),
        _ => authority,
    };
    (matches!(scheme.as_str(), "http" | "https") && !authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

/// With `web.public_url` set, a state-changing request that names its
/// `Origin` must come from exactly that origin — scheme, host and port — or
/// a trusted one (the Fetch Metadata check compares the host alone).
pub async fn public_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(public) = state.config.public_url.as_deref().and_then(origin_of) else {
        return next.run(req).await;
    };
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    let refused = !req.method().is_safe()
        && origin.as_deref().is_some_and(|o| {
            o != public && !state.config.trusted_origins.iter().any(|t| origin_of(t).as_deref() == Some(o))
        });
    if !refused {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let d = AuditDraft::new(
        None,
        "anonymous",
        ctx.client.clone(),
        "security.csrf",
        format!("{} {}", req.method(), ctx.path),
    )
    .result(AuditResult::Denied)
    .detail(format!("origin {} is not {public}", origin.unwrap_or_default()));
    if let Err(e) = state.services.audit.audit_record(&d).await {
        tracing::error!(error = %e, "could not audit a CSRF refusal");
    }
    let info = ErrorInfo {
        status: StatusCode::FORBIDDEN,
        title: "error-csrf",
        details: vec![],
        fields: vec![],
        retry_after: None,
    };
    views::error_response(&state, &ctx, &info)
}

/// Turn an error response into a page or problem JSON in the user's language.
async fn render_errors(state: &AppState, method: &axum::http::Method, ctx: Ctx, res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if let Some(pe) = res.extensions().get::<ProtectionError>() {
        let who = ctx.caller();
        let d = AuditDraft::new(
            who.as_ref().map(|c| c.actor.account_id),
            who.as_ref().map(|c| c.actor.username.clone()).unwrap_or_else(|| "anonymous".into()),
            ctx.client.clone(),
            "security.csrf",
            format!("{method} {}", ctx.path),
        )
        .result(AuditResult::Denied)
        .detail(format!("{:?}", pe.kind()));
        if let Err(e) = state.services.audit.audit_record(&d).await {
            tracing::error!(error = %e, "could not audit a CSRF refusal");
        }
        let info = ErrorInfo { status, title: "error-csrf", details: vec![], fields: vec![], retry_after: None };
        return views::error_response(state, &ctx, &info);
    }
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A page or JSON of a handler's own stays; plain text is what axum's
        // extractors answer (in English): rendered like every other error.
        None if res.headers().get(header::CONTENT_TYPE).is_some_and(|t| !t.as_bytes().starts_with(b"text/plain"))
            && status != StatusCode::PAYLOAD_TOO_LARGE =>
        {
            return res;
        }
        None => ErrorInfo {
            status,
            title: match status {
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
                StatusCode::FORBIDDEN => "error-forbidden",
                StatusCode::TOO_MANY_REQUESTS => "error-rate-limited",
                StatusCode::REQUEST_TIMEOUT => "error-timeout",
                StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                    "error-bad-request"
                }
                s if s.is_server_error() => "error-internal",
                _ => "error-bad-request",
            },
            details: if status == StatusCode::PAYLOAD_TOO_LARGE {
                let kb = state.config.max_body_bytes / 1024;
                vec![kaoping_core::Msg::new("err-form-too-large").arg("max", kb)]
            } else if matches!(
                status,
                StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY
            ) {
                vec![kaoping_core::Msg::new("err-request-unreadable")]
            } else {
                vec![]
            },
            fields: vec![],
            retry_after: None,
        },
    };
    let mut out = views::error_response(state, &ctx, &info);
    if let Some(v) = res.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// Security headers on every response; no caching of pages.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    // Uploaded files served back keep their own, sandboxing policy.
    if !h.contains_key("content-security-policy") {
        set(
            h,
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        );
    }
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "no-referrer");
    set(h, "permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !is_asset && !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    res
}

/// A `Set-Cookie` value for the session cookie (empty token: removal).
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let max_age = if token.is_empty() { "; Max-Age=0" } else { "" };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}{max_age}"))
        .expect("cookie value is ASCII")
}

/// A `Set-Cookie` value remembering the language for a year.
pub fn lang_cookie(lang: Lang, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}", lang.code()))
        .expect("cookie value is ASCII")
}

/// Request ids: random (version 4) UUIDs drawn from the thread's CSPRNG.
/// tower-http's `MakeRequestUuid` asks the kernel for its 16 bytes, a
/// `getrandom` system call on every request.
#[derive(Clone, Copy, Default)]
pub struct MakeRequestId;

impl tower_http::request_id::MakeRequestId for MakeRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<tower_http::request_id::RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let mut buf = uuid::Uuid::encode_buffer();
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut buf)).ok().map(tower_http::request_id::RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; kp_session=abc; b=2"));
        assert_eq!(cookie(&h, "kp_session"), Some("abc"));
        assert_eq!(cookie(&h, "x"), None);
    }

    #[test]
    fn request_ids_are_version_4_uuids_and_differ() {
        use tower_http::request_id::MakeRequestId as _;
        let req = axum::http::Request::new(());
        let a = MakeRequestId.make_request_id(&req).unwrap();
        let b = MakeRequestId.make_request_id(&req).unwrap();
        let a = a.header_value().to_str().unwrap().to_string();
        assert_ne!(a, b.header_value().to_str().unwrap());
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'), "{a}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{a}");
        assert!(a.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}

#[cfg(test)]
mod origin_tests {
    use super::origin_of;

    #[test]
    fn origins_are_written_as_browsers_write_them() {
        assert_eq!(origin_of("https://KP.example.gov.cn/"), Some("https://kp.example.gov.cn".into()));
        assert_eq!(origin_of("https://kp.example:443/x"), Some("https://kp.example".into()));
        assert_eq!(origin_of("http://kp.example:8080"), Some("http://kp.example:8080".into()));
        assert_eq!(origin_of("kp.example"), None);
        assert_eq!(origin_of("ftp://kp.example"), None);
    }
}
