//! `/api/v1/cycles/{id}/meeting|voting|results|export` for the organizer,
//! and `/e/{cycle}/api/ballot` for an evaluator (personal-link cookie or
//! a logged-in account on the roster): the meeting state, voting, final
//! ballots with receipts, and results with exact values.

use crate::AppState;
use crate::ctx::OrgAdmin;
use crate::error::AppResult;
use crate::reports::reader::ReaderIn;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::voting::ballot::MarkInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Turnout of one evaluator group.
#[derive(Serialize, ToSchema)]
pub struct GroupTurnout {
    pub label: String,
    pub expected: usize,
    pub voted: usize,
}

/// The meeting's state (what the big screen shows, without results).
#[derive(Serialize, ToSchema)]
pub struct MeetingDto {
    /// `none` (not opened yet), `open` or `closed`.
    pub voting: String,
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The person presenting now.
    pub presenting: Option<i64>,
    pub live_tally: bool,
    pub expected: usize,
    pub voted: usize,
    pub groups: Vec<GroupTurnout>,
    /// `organizer`, `subjects` or `public`, once published.
    pub published_to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cycles/{id}/meeting", tag = "voting", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingDto)))]
pub async fn meeting(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
) -> AppResult<Json<MeetingDto>> {
    let t = state.services.voting.turnout(&a.caller, id).await?;
    let c = &t.cycle;
    Ok(Json(MeetingDto {
        voting: c.voting.stage().into(),
        opened_at: c.voting.opened_at,
        closed_at: c.voting.closed_at,
        presenting: c.voting.presenting.map(|p| p.0),
        live_tally: c.voting.live_tally,
        expected: t.expected,
        voted: t.voted,
        groups: t
            .groups
            .iter()
            .map(|(label, expected, voted)| GroupTurnout { label: label.clone(), expected: *expected, voted: *voted })
            .collect(),
        published_to: c.results.published_at.map(|_| c.results.visibility.as_str().to_string()),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct VotingBody {
    /// `open` or `close`.
    pub action: String,
}

/// The ballot-set seal, once voting closed.
#[derive(Serialize, ToSchema)]
pub struct VotingReply {
    pub seal: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/voting", tag = "voting", params(("id" = i64, Path)), request_body = VotingBody,
    responses((status = 200, body = VotingReply), (status = 409, body = crate::api::Problem, description = "not in evaluation, or already opened/closed")))]
pub async fn voting(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<VotingBody>,
) -> AppResult<Json<VotingReply>> {
    let open = match b.action.as_str() {
        "open" => true,
        "close" => false,
        _ => {
            return Err(
                kaoping_core::error::CoreError::invalid("action", kaoping_core::Msg::new("err-required")).into()
            );
        }
    };
    let seal = state.services.voting.voting_set(&a.caller, id, open).await?;
    Ok(Json(VotingReply { seal }))
}

#[derive(Deserialize, ToSchema)]
pub struct PresentingBody {
    /// The presenting subject's person id; `null` clears it.
    pub person_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/cycles/{id}/meeting/presenting", tag = "voting", params(("id" = i64, Path)), request_body = PresentingBody,
    responses((status = 204)))]
pub async fn presenting(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path(id): Path<CycleId>,
    Json(b): Json<PresentingBody>,
) -> AppResult<StatusCode> {
    state.services.meeting.presenting_set(&a.caller, id, b.person_id.map(PersonId)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One subject of the evaluator's ballot.
#[derive(Serialize, ToSchema)]
pub struct ScopeDto {
    pub person_id: i64,
    pub name: String,
    pub category: String,
}

/// What an evaluator grades: the subjects in presentation order, the
/// scheme's items and grades (codes), and whether they have voted.
#[derive(Serialize, ToSchema)]
pub struct BallotScopeDto {
    pub voting: String,
    pub voted: bool,
    pub subjects: Vec<ScopeDto>,
    pub items: Vec<String>,
    pub grades: Vec<String>,
}

#[utoipa::path(get, path = "/e/{cycle}/api/ballot", tag = "voting", params(("cycle" = i64, Path)),
    responses((status = 200, body = BallotScopeDto)))]
pub async fn ballot_scope(State(state): State<AppState>, ReaderIn(reader): ReaderIn) -> AppResult<Response> {
    let p = state.services.voting.ballot_page(&reader).await?;
    Ok(Json(BallotScopeDto {
        voting: p.cycle.voting.stage().into(),
        voted: p.voted,
        subjects: p
            .scope
            .iter()
            .map(|s| ScopeDto { person_id: s.id, name: s.name.clone(), category: s.category.clone() })
            .collect(),
        items: p.cycle.scheme.items.iter().map(|i| i.code.clone()).collect(),
        grades: p.cycle.scheme.grades.iter().map(|g| g.code.clone()).collect(),
    })
    .into_response())
}

/// A final ballot: a client-chosen key (16–128 characters; the same key and
/// body again give the same receipt) and one mark per subject in scope:
/// `{"subject": id, "grades": {"overall": "good"}}`, or
/// `{"subject": id, "abstain": true}`, with an optional `"remark"`.
#[derive(Deserialize, ToSchema)]
pub struct BallotBody {
    pub key: String,
    #[schema(value_type = Vec<Object>)]
    pub marks: Vec<MarkInput>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptDto {
    pub receipt: String,
}

#[utoipa::path(post, path = "/e/{cycle}/api/ballot", tag = "voting", params(("cycle" = i64, Path)), request_body = BallotBody,
    responses((status = 200, body = ReceiptDto),
        (status = 409, body = crate::api::Problem, description = "voting not open, already voted, or the same key in flight"),
        (status = 422, body = crate::api::Problem, description = "each problem of scoring.md §2, by field")))]
pub async fn ballot_submit(
    State(state): State<AppState>,
    ReaderIn(reader): ReaderIn,
    Json(b): Json<BallotBody>,
) -> AppResult<Response> {
    let receipt = state.services.voting.ballot_submit(&reader, &b.key, b.marks).await?;
    Ok(Json(ReceiptDto { receipt }).into_response())
}
