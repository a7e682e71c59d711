//! kaoping's web interface: the axum router, handlers, templates, i18n,
//! assets, sessions and security layers. Handlers parse, call a core
//! service, and render; business rules live in `kaoping-core`.

// Shared infrastructure.
mod api;
mod app;
mod ctx;
mod error;
mod form;
pub mod i18n;
mod middleware;
pub mod serve;
mod sheet;
mod table;
mod views;

// Features, one folder each (docs/architecture.md).
mod accounts;
mod audit;
mod cycles;
mod feedback;
mod home;
mod ops;
mod org;
mod people;
mod rectification;
mod reports;
mod results;
mod voting;

pub use error::{AppError, AppResult};
pub use i18n::Lang;

use axum::Router;
use kaoping_core::services::Services;
use metrics_exporter_prometheus::PrometheusHandle;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How many tasks a busy worker runs from its own queue before it looks at
/// the shared one ([`runtime`]).
pub const GLOBAL_QUEUE_INTERVAL: u32 = 8;

/// The server's tokio runtime (multi-threaded, one worker per core). The
/// ballot writer answers from a thread of its own, and tokio queues a task
/// woken from outside its workers on the shared queue, from which a busy
/// worker takes one task per self-tuned interval (aimed at ~200 µs): a
/// batch of up to 128 receipts drained at that pace behind newly arrived
/// requests, the last waiting milliseconds. Workers here take one every
/// [`GLOBAL_QUEUE_INTERVAL`] tasks (an atomic load when it is empty).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().global_queue_interval(GLOBAL_QUEUE_INTERVAL).build()
}

/// Web settings (from the config file or env).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when serving over HTTPS, also behind a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Login attempts allowed per client address per minute.
    pub login_per_minute: u32,
    /// Extra login attempts allowed in a burst.
    pub login_burst: u32,
    /// Largest request body in bytes (forms, JSON).
    pub max_body_bytes: usize,
    /// Largest upload in bytes (spreadsheets, documents).
    pub max_upload_bytes: usize,
    /// Origins trusted for state-changing requests besides the server's own
    /// (e.g. `https://kaoping.example.gov.cn` when a proxy rewrites Host).
    pub trusted_origins: Vec<String>,
    /// Client addresses besides loopback that may read `/metrics`.
    pub metrics_from: Vec<String>,
    /// The address people open kaoping at (e.g. `https://kaoping.example.gov.cn`),
    /// for personal links and QR codes; default: the host of the request.
    pub public_url: Option<String>,
    /// Seconds a client has to send a request's headers.
    pub header_read_seconds: u64,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_proxy: false,
            login_per_minute: 10,
            login_burst: 10,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 10 * 1024 * 1024,
            trusted_origins: Vec::new(),
            metrics_from: Vec::new(),
            public_url: None,
            header_read_seconds: 10,
            max_connections: 8192,
        }
    }
}

/// What every handler shares; cloned per request and per layer, so one
/// reference count (it was eight, and a clone of the auth settings).
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;
    fn deref(&self) -> &AppParts {
        &self.0
    }
}

pub struct AppParts {
    pub services: Services,
    pub config: Arc<WebConfig>,
    pub metrics: Option<PrometheusHandle>,
    pub assets: Arc<views::Assets>,
    /// What evaluators' pages show live, one watcher per cycle (see `voting::live`).
    pub live: voting::live::LiveStates,
}

impl AppState {
    pub fn new(services: Services, config: WebConfig, metrics: Option<PrometheusHandle>) -> Self {
        Self(Arc::new(AppParts {
            services,
            config: Arc::new(config),
            metrics,
            assets: Arc::new(views::Assets::load()),
            live: Default::default(),
        }))
    }
}

/// Log directives the server always adds, whatever the configured filter:
/// tower-http's CSRF layer prints full request URLs at TRACE level, and a
/// personal link (`/k/{token}`) carries its token in the URL once.
pub const LOG_CAPS: &[&str] = &["tower_http::csrf=debug"];

/// The whole application.
pub fn app(state: AppState) -> Router {
    app::router(state).0
}

/// The path of every route the application serves (the static assets
/// aside), as written in the route table, e.g. `/admin/cycles/{id}`.
pub fn route_paths(state: AppState) -> Vec<String> {
    app::router(state).1
}
