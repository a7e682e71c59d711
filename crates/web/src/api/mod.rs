//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. It calls the same services as the pages.
//!
//! Authentication: the session cookie. `POST /api/v1/session` logs in and
//! sets it (scripts keep it in a cookie jar); `DELETE` logs out. Errors are
//! problem JSON (RFC 9457) in the caller's language.

mod errors;

use crate::AppState;
use crate::table::Table;
use axum::Json;
use axum::routing::get;
use errors::ErrorResponses;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "kaoping API", version = "1", description = "Duty-report review and assessment (述职评议考核). Session-cookie authentication: POST /api/v1/session first."),
    paths(
        crate::accounts::api::me, crate::accounts::api::login, crate::accounts::api::totp, crate::accounts::api::logout,
        crate::org::api::list, crate::org::api::create, crate::org::api::get_one, crate::org::api::update, crate::org::api::move_unit, crate::org::api::set_active,
        crate::people::api::list, crate::people::api::create, crate::people::api::get_one, crate::people::api::update,
        crate::cycles::api::list, crate::cycles::api::create, crate::cycles::api::get_one, crate::cycles::api::put_scheme, crate::cycles::api::advance,
        crate::cycles::roster_api::subjects, crate::cycles::roster_api::add_subject, crate::cycles::roster_api::evaluators, crate::cycles::roster_api::add_evaluator,
        crate::reports::api::submissions, crate::reports::api::report, crate::reports::api::reading,
        crate::voting::api::meeting, crate::voting::api::voting, crate::voting::api::presenting, crate::results::api::results, crate::results::api::publish,
        crate::voting::api::ballot_scope, crate::voting::api::ballot_submit,
        crate::feedback::api::problems, crate::feedback::api::critique, crate::feedback::api::add_problem, crate::feedback::api::sheets, crate::feedback::api::issue,
        crate::rectification::api::plan, crate::rectification::api::review, crate::rectification::api::sign_off, crate::rectification::api::reopen, crate::rectification::api::ledger,
        crate::feedback::api::my_sheets, crate::feedback::api::acknowledge, crate::rectification::api::my_plan, crate::rectification::api::add_measure, crate::rectification::api::submit,
        crate::rectification::api::progress,
    ),
    components(schemas(
        crate::accounts::api::Me, crate::accounts::api::LoginBody, crate::accounts::api::LoginReply, crate::accounts::api::TotpBody,
        crate::org::api::OrgUnitDto, crate::org::api::OrgUnitBody, crate::org::api::MoveBody, crate::org::api::ActiveBody,
        crate::people::api::PersonDto, crate::people::api::PersonBody, crate::people::api::PersonPage,
        crate::cycles::api::CycleDto, crate::cycles::api::CategoryDto, crate::cycles::api::NewCycleBody, crate::cycles::api::SchemeBody, crate::cycles::api::PhaseBody,
        crate::cycles::api::SettingsDto,
        crate::cycles::roster_api::SubjectDto, crate::cycles::roster_api::SubjectBody, crate::cycles::roster_api::EvaluatorDto, crate::cycles::roster_api::EvaluatorBody,
        crate::reports::api::SubmissionDto, crate::reports::api::ReportDto, crate::reports::api::VersionDto, crate::reports::api::CoverageDto,
        crate::voting::api::MeetingDto, crate::voting::api::GroupTurnout, crate::voting::api::VotingBody, crate::voting::api::VotingReply, crate::voting::api::PresentingBody,
        crate::results::api::ResultsDto, crate::results::api::PublishBody, crate::voting::api::ScopeDto, crate::voting::api::BallotScopeDto, crate::voting::api::BallotBody,
        crate::voting::api::ReceiptDto,
        crate::feedback::api::ProblemDto, crate::feedback::api::ProblemBody, crate::feedback::api::CritiqueBody, crate::feedback::api::SheetDto, crate::feedback::api::IssueBody,
        crate::feedback::api::IssueReply, crate::feedback::api::SkippedDto, crate::rectification::api::MeasureDto, crate::rectification::api::MeasureBody, crate::rectification::api::ProgressDto,
        crate::rectification::api::ProgressBody, crate::rectification::api::PlanDto, crate::rectification::api::ReviewBody, crate::rectification::api::SignOffBody, crate::rectification::api::LedgerRowDto,
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

/// The document itself; each feature serves its own endpoints.
pub fn routes() -> Table<AppState> {
    Table::new().route("/api/v1/openapi.json", get(openapi))
}
