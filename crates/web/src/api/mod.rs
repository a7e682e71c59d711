//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. It calls the same services as the pages.
//!
//! Authentication: the session cookie. `POST /api/v1/session` logs in and
//! sets it (scripts keep it in a cookie jar); `DELETE` logs out. Errors are
//! problem JSON (RFC 9457) in the caller's language.

mod cycles;
mod errors;
mod feedback;
mod org;
mod people;
mod reports;
mod session;
mod voting;

use crate::AppState;
use crate::routes::Table;
use axum::Json;
use axum::handler::Handler;
use axum::routing::{get, post, put};
use errors::ErrorResponses;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "kaoping API", version = "1", description = "Duty-report review and assessment (述职评议考核). Session-cookie authentication: POST /api/v1/session first."),
    paths(
        session::me, session::login, session::totp, session::logout,
        org::list, org::create, org::get_one, org::update, org::move_unit, org::set_active,
        people::list, people::create, people::get_one, people::update,
        cycles::list, cycles::create, cycles::get_one, cycles::put_scheme, cycles::advance,
        reports::subjects, reports::add_subject, reports::evaluators, reports::add_evaluator,
        reports::submissions, reports::report, reports::reading,
        voting::meeting, voting::voting, voting::presenting, voting::results, voting::publish,
        voting::ballot_scope, voting::ballot_submit,
        feedback::problems, feedback::critique, feedback::add_problem, feedback::sheets, feedback::issue,
        feedback::plan, feedback::review, feedback::sign_off, feedback::reopen, feedback::ledger,
        feedback::my_sheets, feedback::acknowledge, feedback::my_plan, feedback::add_measure, feedback::submit,
        feedback::progress,
    ),
    components(schemas(
        session::Me, session::LoginBody, session::LoginReply, session::TotpBody,
        org::OrgUnitDto, org::OrgUnitBody, org::MoveBody, org::ActiveBody,
        people::PersonDto, people::PersonBody, people::PersonPage,
        cycles::CycleDto, cycles::CategoryDto, cycles::NewCycleBody, cycles::SchemeBody, cycles::PhaseBody,
        cycles::SettingsDto,
        reports::SubjectDto, reports::SubjectBody, reports::EvaluatorDto, reports::EvaluatorBody,
        reports::SubmissionDto, reports::ReportDto, reports::VersionDto, reports::CoverageDto,
        voting::MeetingDto, voting::GroupTurnout, voting::VotingBody, voting::VotingReply, voting::PresentingBody,
        voting::ResultsDto, voting::PublishBody, voting::ScopeDto, voting::BallotScopeDto, voting::BallotBody,
        voting::ReceiptDto,
        feedback::ProblemDto, feedback::ProblemBody, feedback::CritiqueBody, feedback::SheetDto, feedback::IssueBody,
        feedback::IssueReply, feedback::SkippedDto, feedback::MeasureDto, feedback::MeasureBody, feedback::ProgressDto,
        feedback::ProgressBody, feedback::PlanDto, feedback::ReviewBody, feedback::SignOffBody, feedback::LedgerRowDto,
        Problem, FieldProblem,
    )),
    modifiers(&ErrorResponses),
    tags((name = "session"), (name = "org-units"), (name = "people"), (name = "cycles"), (name = "reports"), (name = "voting"), (name = "feedback"), (name = "rectification")),
)]
pub struct ApiDoc;

/// An error (RFC 9457 problem details).
#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct Problem {
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub request_id: String,
}

/// One invalid field.
#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub row: Option<usize>,
    /// Stable message code, e.g. `err-org-code-duplicate`.
    pub code: String,
    pub message: String,
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn router(login_limit: crate::routes::LoginLimit) -> Table<AppState> {
    Table::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route(
            "/api/v1/session",
            get(session::me).post(session::login.layer(login_limit.clone())).delete(session::logout),
        )
        .route("/api/v1/session/totp", post(session::totp.layer(login_limit)))
        .route("/api/v1/org-units", get(org::list).post(org::create))
        .route("/api/v1/org-units/{id}", get(org::get_one).put(org::update))
        .route("/api/v1/org-units/{id}/move", post(org::move_unit))
        .route("/api/v1/org-units/{id}/active", post(org::set_active))
        .route("/api/v1/people", get(people::list).post(people::create))
        .route("/api/v1/people/{id}", get(people::get_one).put(people::update))
        .route("/api/v1/cycles", get(cycles::list).post(cycles::create))
        .route("/api/v1/cycles/{id}", get(cycles::get_one))
        .route("/api/v1/cycles/{id}/subjects", get(reports::subjects).post(reports::add_subject))
        .route("/api/v1/cycles/{id}/evaluators", get(reports::evaluators).post(reports::add_evaluator))
        .route("/api/v1/cycles/{id}/reports", get(reports::submissions))
        .route("/api/v1/cycles/{id}/reports/{person}", get(reports::report))
        .route("/api/v1/cycles/{id}/reading", get(reports::reading))
        .route("/api/v1/cycles/{id}/scheme", put(cycles::put_scheme))
        .route("/api/v1/cycles/{id}/phase", post(cycles::advance))
        .route("/api/v1/cycles/{id}/meeting", get(voting::meeting))
        .route("/api/v1/cycles/{id}/meeting/presenting", post(voting::presenting))
        .route("/api/v1/cycles/{id}/voting", post(voting::voting))
        .route("/api/v1/cycles/{id}/results", get(voting::results))
        .route("/api/v1/cycles/{id}/results/publish", post(voting::publish))
        .route("/e/{cycle}/api/ballot", get(voting::ballot_scope).post(voting::ballot_submit))
        .route("/api/v1/cycles/{id}/problems", get(feedback::problems))
        .route("/api/v1/cycles/{id}/subjects/{person}/critique", put(feedback::critique))
        .route("/api/v1/cycles/{id}/subjects/{person}/problems", post(feedback::add_problem))
        .route("/api/v1/cycles/{id}/sheets", get(feedback::sheets).post(feedback::issue))
        .route("/api/v1/cycles/{id}/subjects/{person}/plan", get(feedback::plan))
        .route("/api/v1/cycles/{id}/subjects/{person}/plan/review", post(feedback::review))
        .route("/api/v1/cycles/{id}/subjects/{person}/sign-off", post(feedback::sign_off))
        .route("/api/v1/cycles/{id}/subjects/{person}/reopen", post(feedback::reopen))
        .route("/api/v1/cycles/{id}/ledger", get(feedback::ledger))
        .route("/api/v1/my/feedback", get(feedback::my_sheets))
        .route("/api/v1/my/feedback/{cycle}/acknowledge", post(feedback::acknowledge))
        .route("/api/v1/my/feedback/{cycle}/plan", get(feedback::my_plan))
        .route("/api/v1/my/feedback/{cycle}/plan/measures", post(feedback::add_measure))
        .route("/api/v1/my/feedback/{cycle}/plan/submit", post(feedback::submit))
        .route("/api/v1/my/feedback/{cycle}/plan/measures/{measure}/progress", post(feedback::progress))
}
