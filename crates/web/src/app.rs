//! The app: every feature's routes, one line each, and the layers around them.

use crate::ctx::Ctx;
use crate::table::Table;
use crate::{AppState, api, middleware as mw};
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use governor::clock::QuantaInstant;
use governor::middleware::NoOpMiddleware;
use std::time::Duration;
use tower_governor::GovernorLayer;
use tower_governor::errors::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Rate-limit key: the client address the context middleware settled on.
#[derive(Clone)]
pub struct ClientKey;

impl KeyExtractor for ClientKey {
    type Key = String;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(req.extensions().get::<Ctx>().and_then(|c| c.client.clone()).unwrap_or_default())
    }
}

/// The per-client rate limit on login endpoints.
pub type LoginLimit = GovernorLayer<ClientKey, NoOpMiddleware<QuantaInstant>, Body>;

fn login_limit(config: &crate::WebConfig) -> LoginLimit {
    let per_minute = u64::from(config.login_per_minute.max(1));
    let config = GovernorConfigBuilder::default()
        .period(Duration::from_micros((60_000_000 / per_minute).max(1)))
        .burst_size(config.login_burst.max(1))
        .key_extractor(ClientKey)
        .finish()
        .expect("valid rate limit");
    // Forget clients that have been quiet, so the table does not grow forever.
    let limiter = config.limiter().clone();
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
            }
        });
    }
    GovernorLayer::new(config).error_handler(|e| {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let GovernorError::TooManyRequests { wait_time, .. } = e {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait_time));
        }
        r
    })
}

/// A body over the limit on an upload route: the file is too large (the
/// error page elsewhere speaks of a form and its own limit).
async fn upload_too_large(mut r: axum::response::Response, max: usize) -> axum::response::Response {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE && r.extensions().get::<crate::error::ErrorInfo>().is_none() {
        let mut e = crate::error::AppError::status(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large");
        e.0.details.push(kaoping_core::Msg::new("err-upload-too-large").arg("max", max / (1024 * 1024)));
        r.extensions_mut().insert(e.0);
    }
    r
}

/// The registry: every feature's routes, one line each.
fn features(login_limit: &LoginLimit) -> Table<AppState> {
    Table::new()
        .merge(crate::accounts::routes(login_limit))
        .merge(crate::org::routes())
        .merge(crate::people::routes())
        .merge(crate::audit::routes())
        .merge(crate::cycles::routes())
        .merge(crate::reports::routes())
        .merge(crate::voting::routes())
        .merge(crate::results::routes())
        .merge(crate::feedback::routes())
        .merge(crate::rectification::routes())
        .merge(crate::home::routes())
        .merge(crate::ops::routes())
}

/// The API's OpenAPI document, as `/api/v1/openapi.json` serves it.
#[cfg(test)]
pub fn openapi() -> utoipa::openapi::OpenApi {
    let limit = login_limit(&crate::WebConfig::default());
    api::document(features(&limit).into_parts(|r| r).1)
}

fn openapi_json(body: String) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// The app's router, and the path of every route in it (the static
/// assets under `/assets` aside).
pub fn router(state: AppState) -> (Router, Vec<String>) {
    let limit = login_limit(&state.config);
    let upload_limit = state.config.max_upload_bytes;
    let body_limit = state.config.max_body_bytes;
    let mut csrf = CsrfLayer::new();
    for o in &state.config.trusted_origins {
        csrf = csrf.add_trusted_origin(o).unwrap_or_else(|_| panic!("invalid trusted origin {o}"));
    }
    // Behind a proxy the public origin is not the Host kaoping sees.
    if let Some(o) = state.config.public_url.as_deref().and_then(mw::origin_of) {
        csrf = csrf.add_trusted_origin(&o).unwrap_or_else(|_| panic!("invalid public URL {o}"));
    }
    let (pages, operations, mut paths) = features(&limit).into_parts(|uploads| {
        uploads
            .layer(DefaultBodyLimit::max(upload_limit))
            .layer(RequestBodyLimitLayer::new(upload_limit + 64 * 1024))
            .layer(axum::middleware::map_response(move |r| upload_too_large(r, upload_limit)))
    });
    let document = serde_json::to_string(&api::document(operations)).expect("the OpenAPI document serializes");
    let pages = pages.route("/api/v1/openapi.json", get(move || std::future::ready(openapi_json(document.clone()))));
    paths.push("/api/v1/openapi.json".into());
    let assets = Router::new().nest("/assets", crate::views::serve().into_router());
    // Browsers that reached kaoping over HTTPS keep to it (a year).
    let hsts =
        state.config.secure_cookies || state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    // Router::layer wraps each route after routing (so MatchedPath is known);
    // the last layer added is the outermost.
    let router = Router::new()
        .merge(pages)
        .fallback(crate::ops::pages::not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(csrf)
        .layer(from_fn_with_state(state.clone(), mw::public_origin))
        .layer(CatchPanicLayer::custom(|_| {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(from_fn_with_state(state.clone(), mw::around))
        .merge(assets)
        .layer(from_fn(mw::security_headers))
        .layer(tower::util::option_layer(hsts.then(|| {
            tower_http::set_header::SetResponseHeaderLayer::overriding(
                axum::http::header::STRICT_TRANSPORT_SECURITY,
                axum::http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            )
        })))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %mw::redact_path(req.uri().path()), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(mw::MakeRequestId))
        .with_state(state);
    (router, paths)
}
