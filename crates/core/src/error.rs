//! The core's error type. Messages are catalog keys with arguments, so that
//! the web layer can show them in the user's language.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;

/// A user-facing message: an i18n catalog key and its named arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Self { key, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        for (k, v) in &self.args {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

/// A problem with one input field (or one row and column of an import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form field or column name.
    pub field: String,
    /// The spreadsheet row (1-based, as the user sees it) for imports.
    pub row: Option<usize>,
    pub msg: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, msg: Msg) -> Self {
        Self { field: field.into(), row: None, msg }
    }

    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
}

/// A required single-line text field: trimmed, non-empty, at most `max`
/// characters, no control characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        Err(FieldError::new(field, Msg::new("err-required")))
    } else if v.chars().count() > max {
        Err(FieldError::new(field, Msg::new("err-too-long").arg("max", max)))
    } else if v.chars().any(char::is_control) {
        Err(FieldError::new(field, Msg::new("err-control-chars")))
    } else {
        Ok(v.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The object does not exist, or lies outside the actor's scope and must
    /// not be revealed.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Not logged in, or the credentials are wrong.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Input failed validation; nothing was changed.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The change conflicts with the current state; nothing was changed.
    #[error("conflict: {0}")]
    Conflict(Msg),
    /// The account is locked after repeated failures, for this many more
    /// seconds (at least one).
    #[error("account locked for {0} s")]
    Locked(u64),
    /// Storage failed; the message is for logs only.
    #[error("storage error: {0}")]
    Store(String),
}

impl CoreError {
    /// Locked from `now` until `until`.
    pub fn locked(now: DateTime<Utc>, until: DateTime<Utc>) -> Self {
        CoreError::Locked((until - now).num_seconds().max(1) as u64)
    }

    /// Minutes a lock has left, rounded up (for messages).
    pub fn lock_minutes(seconds: u64) -> u64 {
        seconds.div_ceil(60)
    }

    pub fn invalid(field: impl Into<String>, msg: Msg) -> Self {
        Self::Invalid(vec![FieldError::new(field, msg)])
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
