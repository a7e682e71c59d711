//! The route table: every page and API endpoint, and the layers around them.

mod account;
mod accounts;
mod assessment_sheets;
mod assessments;
mod audit;
mod auth;
mod ballot;
mod cycles;
mod feedback;
mod home;
mod ledger;
mod links;
mod meeting;
mod ops;
mod org;
mod people;
mod progress;
pub(crate) mod reader;
mod rectification;
mod reports;
mod results;
mod roster_sheets;
mod scheme;
pub mod screen;
mod sheet;
mod table;

pub use table::Table;

use crate::ctx::Ctx;
use crate::{AppState, api, middleware as mw};
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
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

fn login_limit(state: &AppState) -> LoginLimit {
    let per_minute = u64::from(state.config.login_per_minute.max(1));
    let config = GovernorConfigBuilder::default()
        .period(Duration::from_micros((60_000_000 / per_minute).max(1)))
        .burst_size(state.config.login_burst.max(1))
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

/// The app's router, and the path of every route in it (the static
/// assets under `/assets` aside).
pub fn router(state: AppState) -> (Router, Vec<&'static str>) {
    let limit = login_limit(&state);
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
    let uploads = Table::new()
        .route("/admin/org/import", post(org::import_submit))
        .route("/admin/cycles/{id}/subjects/import", post(roster_sheets::subjects_import))
        .route("/admin/cycles/{id}/evaluators/import", post(roster_sheets::evaluators_import))
        .route("/admin/cycles/{id}/assessments/import", post(assessment_sheets::import))
        .route("/my/reports/{cycle}/save", post(reports::save))
        .route("/my/feedback/{cycle}/plan/measures/{mid}/progress", post(progress::add))
        .wrap(|r| {
            r.layer(DefaultBodyLimit::max(upload_limit))
                .layer(RequestBodyLimitLayer::new(upload_limit + 64 * 1024))
                .layer(axum::middleware::map_response(move |r| upload_too_large(r, upload_limit)))
        });
    let pages = Table::new()
        .route("/", get(home::home))
        // The rate limit applies to the attempts (POST), not to showing the forms.
        .route("/login", get(auth::login_form).post(auth::login_submit.layer(limit.clone())))
        .route("/login/totp", get(auth::totp_form).post(auth::totp_submit.layer(limit.clone())))
        .route("/logout", post(auth::logout))
        .route("/lang", post(auth::set_lang))
        .route("/account", get(account::show))
        .route("/account/password", get(account::password_form).post(account::password_submit))
        .route("/account/totp", get(account::totp_form).post(account::totp_submit))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/logout-all", post(account::logout_all))
        .route("/admin/cycles", get(cycles::list))
        .route("/admin/cycles/new", get(cycles::new_form).post(cycles::create))
        .route("/admin/cycles/{id}", get(cycles::show))
        .route("/admin/cycles/{id}/phase", post(cycles::advance))
        .route("/admin/cycles/{id}/scheme", get(scheme::edit_form).post(scheme::save))
        .route("/admin/cycles/{id}/subjects", post(cycles::add_subject))
        .route("/admin/cycles/{id}/evaluators", post(cycles::add_evaluator))
        .route("/admin/cycles/{id}/evaluators/import", get(roster_sheets::evaluators_import_form))
        .route("/admin/cycles/{id}/evaluators.xlsx", get(roster_sheets::evaluators_export))
        .route("/admin/cycles/{id}/evaluators/{eid}/remove", post(cycles::remove_evaluator))
        .route("/admin/cycles/{id}/subjects/import", get(roster_sheets::subjects_import_form))
        .route("/admin/cycles/{id}/subjects.xlsx", get(roster_sheets::subjects_export))
        .route("/admin/cycles/{id}/subjects/{sid}/remove", post(cycles::remove_subject))
        .route("/admin/cycles/{id}/subjects/{sid}/move", post(cycles::move_subject))
        .route("/admin/cycles/{id}/settings", post(reports::save_settings))
        .route("/admin/cycles/{id}/links", get(links::list))
        .route("/admin/cycles/{id}/links/issue", post(links::issue))
        .route("/admin/cycles/{id}/links/{pid}/reissue", post(links::reissue))
        .route("/admin/cycles/{id}/links/{pid}/revoke", post(links::revoke))
        .route("/admin/cycles/{id}/reports", get(reports::submissions))
        .route("/admin/cycles/{id}/reports/{pid}", get(reports::review_page))
        .route("/admin/cycles/{id}/reports/{pid}/review", post(reports::review))
        .route("/admin/cycles/{id}/reports/{pid}/file", get(reports::organizer_file))
        .route("/admin/cycles/{id}/reading", get(reports::coverage))
        .route("/k/{token}", get(links::open))
        .route("/e/{cycle}", get(reader::list))
        .route("/e/{cycle}/notes", get(reader::my_notes))
        .route("/e/{cycle}/notes/{nid}", post(reader::note_update))
        .route("/e/{cycle}/notes/{nid}/delete", post(reader::note_delete))
        .route("/e/{cycle}/s/{pid}", get(reader::read))
        .route("/e/{cycle}/s/{pid}/file", get(reader::file))
        .route("/e/{cycle}/s/{pid}/notes", post(reader::note_add))
        .route("/e/{cycle}/s/{pid}/ping", post(reader::ping))
        .route("/e/logout", post(reader::logout))
        .route("/e/{cycle}/ballot", get(ballot::show).post(ballot::save))
        .route("/e/{cycle}/ballot/review", get(ballot::review))
        .route("/e/{cycle}/ballot/submit", post(ballot::submit))
        .route("/admin/cycles/{id}/voting", post(results::voting))
        .route("/admin/cycles/{id}/meeting", get(meeting::console))
        .route("/admin/cycles/{id}/meeting/presenting", post(meeting::presenting))
        .route("/admin/cycles/{id}/meeting/live-tally", post(meeting::live_tally))
        .route("/admin/cycles/{id}/paper/{pid}", get(meeting::paper_form).post(meeting::paper_submit))
        .route("/admin/cycles/{id}/results/publish", post(results::publish))
        .route("/admin/cycles/{id}/results/withdraw", post(results::withdraw))
        .route("/admin/cycles/{id}/results/{pid}", get(assessments::organizer_card))
        .route("/admin/cycles/{id}/assessments", get(assessments::show).post(assessments::save))
        .route("/admin/cycles/{id}/assessments.xlsx", get(assessment_sheets::export))
        .route("/admin/cycles/{id}/assessments/import", get(assessment_sheets::form))
        .route("/admin/cycles/{id}/feedback", get(feedback::overview))
        .route("/admin/cycles/{id}/feedback/issue", post(feedback::issue))
        .route("/admin/cycles/{id}/feedback/sheets.zip", get(feedback::sheets_zip))
        .route("/admin/cycles/{id}/feedback/settings", get(feedback::settings_form).post(feedback::settings_save))
        .route("/admin/cycles/{id}/feedback/{pid}", get(feedback::subject))
        .route("/admin/cycles/{id}/feedback/{pid}/critique", post(feedback::critique))
        .route("/admin/cycles/{id}/feedback/{pid}/problems", post(feedback::problem_add))
        .route("/admin/cycles/{id}/feedback/{pid}/sheet", get(feedback::organizer_sheet))
        .route("/admin/cycles/{id}/feedback/{pid}/sheet.docx", get(feedback::organizer_docx))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/update", post(feedback::problem_update))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/delete", post(feedback::problem_delete))
        .route("/admin/cycles/{id}/feedback/problems/{prob}/move", post(feedback::problem_move))
        .route("/admin/cycles/{id}/feedback/{pid}/plan", get(rectification::organizer))
        .route("/admin/cycles/{id}/feedback/{pid}/plan/review", post(rectification::review))
        .route("/my/feedback/{cycle}/plan", get(rectification::mine))
        .route("/my/feedback/{cycle}/plan/measures", post(rectification::measure_add))
        .route("/my/feedback/{cycle}/plan/measures/{mid}", post(rectification::measure_update))
        .route("/my/feedback/{cycle}/plan/measures/{mid}/delete", post(rectification::measure_delete))
        .route("/my/feedback/{cycle}/plan/submit", post(rectification::submit))
        .route("/my/feedback/{cycle}/files/{fid}", get(progress::my_file))
        .route("/admin/cycles/{id}/feedback/{pid}/files/{fid}", get(progress::organizer_file))
        .route("/admin/cycles/{id}/feedback/{pid}/sign-off", post(progress::sign_off))
        .route("/admin/cycles/{id}/feedback/{pid}/reopen", post(progress::reopen))
        .route("/admin/cycles/{id}/ledger", get(ledger::show))
        .route("/admin/cycles/{id}/ledger.xlsx", get(ledger::xlsx))
        .route("/my/feedback", get(feedback::mine))
        .route("/my/feedback/{cycle}", get(feedback::my_sheet))
        .route("/my/feedback/{cycle}/acknowledge", post(feedback::acknowledge))
        .route("/my/feedback/{cycle}/sheet.docx", get(feedback::my_docx))
        .route("/my/results", get(assessments::mine))
        .route("/public/cycles/{id}/results", get(assessments::public))
        .route("/admin/cycles/{id}/screen", get(screen::page))
        .route("/admin/cycles/{id}/screen/events", get(screen::events))
        .route("/e/{cycle}/events", get(screen::reader_events))
        .route("/admin/cycles/{id}/results", get(results::show))
        .route("/admin/cycles/{id}/export.json", get(results::export))
        .route("/admin/cycles/{id}/export-restricted.json", get(results::export_restricted))
        .route("/admin/cycles/{id}/results.xlsx", get(results::xlsx))
        .route("/admin/cycles/{id}/ballots", get(results::named))
        .route("/my/reports", get(reports::mine))
        .route("/my/reports/{cycle}", get(reports::edit))
        .route("/my/reports/{cycle}/file", get(reports::own_file))
        .route("/admin/org", get(org::list))
        .route("/admin/org/new", get(org::new_form).post(org::create))
        .route("/admin/org/import", get(org::import_form))
        .route("/admin/org/template.xlsx", get(org::template))
        .route("/admin/org/export.xlsx", get(org::export))
        .route("/admin/org/{id}", get(org::edit_form).post(org::update))
        .route("/admin/org/{id}/move", post(org::move_unit))
        .route("/admin/org/{id}/active", post(org::set_active))
        .route("/admin/people", get(people::list))
        .route("/admin/people/new", get(people::new_form).post(people::create))
        .route("/admin/people/{id}", get(people::edit_form).post(people::update))
        .route("/admin/people/{id}/account", post(people::create_account))
        .route("/admin/accounts", get(accounts::list))
        .route("/admin/accounts/{id}/grants", post(accounts::set_grants))
        .route("/admin/accounts/{id}/reset-password", post(accounts::reset_password))
        .route("/admin/accounts/{id}/unlock", post(accounts::unlock))
        .route("/admin/accounts/{id}/active", post(accounts::set_active))
        .route("/admin/audit", get(audit::list))
        .merge(uploads)
        .merge(api::router(limit))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));
    let (pages, paths) = pages.into_parts();
    let assets = Router::new().nest("/assets", crate::views::serve().into_router());
    // Browsers that reached kaoping over HTTPS keep to it (a year).
    let hsts =
        state.config.secure_cookies || state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    // Router::layer wraps each route after routing (so MatchedPath is known);
    // the last layer added is the outermost.
    let router = Router::new()
        .merge(pages)
        .fallback(ops::not_found)
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
