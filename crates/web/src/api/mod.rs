//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. It calls the same services as the pages.
//!
//! Authentication: the session cookie. `POST /api/v1/session` logs in and
//! sets it (scripts keep it in a cookie jar); `DELETE` logs out. Errors are
//! problem JSON (RFC 9457) in the caller's language.

mod errors;

use errors::ErrorResponses;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "kaoping API", version = "1", description = "Duty-report review and assessment (述职评议考核). Session-cookie authentication: POST /api/v1/session first."),
    components(schemas(Problem, FieldProblem)),
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

/// The whole document: the API's description and shared schemas, the
/// operations the features' routes declared (`Table::api`), and the error
/// answers every operation may give.
pub fn document(operations: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(operations);
    utoipa::Modify::modify(&ErrorResponses, &mut doc);
    doc
}
