//! Health, readiness, metrics and the fallback.

use crate::AppState;
use crate::error::AppError;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.services.ready().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus metrics, for clients on this machine only (a scraper through
/// the reverse proxy is refused unless `web.metrics_from` lists its address).
pub async fn metrics(State(state): State<AppState>, ctx: crate::ctx::Ctx) -> Response {
    let client: Option<std::net::IpAddr> = ctx.client.as_deref().and_then(|c| c.parse().ok());
    let allowed =
        client.is_some_and(|ip| ip.is_loopback() || state.config.metrics_from.iter().any(|a| a == &ip.to_string()));
    if !allowed {
        return AppError::status(StatusCode::FORBIDDEN, "error-forbidden").into_response();
    }
    match &state.metrics {
        Some(h) => {
            let mut r = h.render().into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
            r
        }
        None => AppError::not_found().into_response(),
    }
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}
