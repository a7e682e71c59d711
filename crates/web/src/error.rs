//! Errors as the user sees them: an HTML page or problem JSON (RFC 9457),
//! in the user's language, never a stack trace.
//!
//! Handlers return [`AppError`]; it travels in the response's extensions to
//! the `render_errors` middleware, which knows the request's language and
//! whether it came to the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kaoping_core::error::{CoreError, FieldError, Msg};

/// What went wrong, ready to render.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Catalog key of the title.
    pub title: &'static str,
    pub details: Vec<Msg>,
    pub fields: Vec<FieldError>,
    /// Seconds to wait before trying again (`Retry-After`, with 429).
    pub retry_after: Option<u64>,
}

#[derive(Debug)]
pub struct AppError(pub ErrorInfo);

impl AppError {
    pub fn status(status: StatusCode, title: &'static str) -> Self {
        AppError(ErrorInfo { status, title, details: Vec::new(), fields: Vec::new(), retry_after: None })
    }

    pub fn not_found() -> Self {
        Self::status(StatusCode::NOT_FOUND, "error-not-found")
    }

    pub fn bad_request(detail: Msg) -> Self {
        Self::refused(StatusCode::BAD_REQUEST, detail)
    }

    /// A number from the request outside `min..=max`: 400, naming it.
    pub fn out_of_range(name: &'static str, min: u64, max: u64) -> Self {
        Self::bad_request(Msg::new("err-number-range").arg("name", name).arg("min", min).arg("max", max))
    }

    /// `value` if it lies in `min..=max`, else [`Self::out_of_range`].
    pub fn in_range(name: &'static str, value: u64, min: u64, max: u64) -> Result<u64, Self> {
        if (min..=max).contains(&value) { Ok(value) } else { Err(Self::out_of_range(name, min, max)) }
    }

    /// A request refused with `status`, titled "bad request", saying why.
    pub fn refused(status: StatusCode, detail: Msg) -> Self {
        let mut e = Self::status(status, "error-bad-request");
        e.0.details.push(detail);
        e
    }
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        let info =
            |status, title| ErrorInfo { status, title, details: Vec::new(), fields: Vec::new(), retry_after: None };
        AppError(match e {
            CoreError::NotFound(_) => info(StatusCode::NOT_FOUND, "error-not-found"),
            CoreError::Forbidden => info(StatusCode::FORBIDDEN, "error-forbidden"),
            CoreError::Unauthenticated => info(StatusCode::UNAUTHORIZED, "error-unauthenticated"),
            CoreError::Invalid(fields) => {
                ErrorInfo { fields, ..info(StatusCode::UNPROCESSABLE_ENTITY, "error-invalid") }
            }
            CoreError::Conflict(m) => ErrorInfo { details: vec![m], ..info(StatusCode::CONFLICT, "error-conflict") },
            CoreError::Locked(secs) => ErrorInfo {
                details: vec![Msg::new("err-account-locked").arg("minutes", CoreError::lock_minutes(secs))],
                retry_after: Some(secs),
                ..info(StatusCode::TOO_MANY_REQUESTS, "error-locked")
            },
            CoreError::Store(msg) => {
                tracing::error!(error = %msg, "storage error");
                info(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        })
    }
}

/// Whole seconds from now until `until` (at least 1).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = self.0.status.into_response();
        if let Some(s) = self.0.retry_after {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        r.extensions_mut().insert(self.0);
        r
    }
}

pub type AppResult<T> = Result<T, AppError>;
