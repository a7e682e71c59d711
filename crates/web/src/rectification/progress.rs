//! Progress reports with evidence (multipart, from a phone), evidence
//! downloads, and the organizer's sign-off and reopening.

use crate::AppState;
use crate::ctx::{Auth, OrgAdmin};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::rectification::plan::{organizer_page, own_page};
use crate::views::{FormErrors, render};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaoping_core::error::{CoreError, FieldError, Msg};
use kaoping_core::ids::{CycleId, PersonId};
use kaoping_core::ports::SignOffTarget;
use kaoping_core::rectification::progress::{NewEvidence, ProgressInput};
use serde::Deserialize;

/// The form fields and the files (name, bytes) of a multipart request.
async fn read_multipart(mp: &mut Multipart, max: usize) -> AppResult<(ProgressInput, Vec<(String, Vec<u8>)>)> {
    let bad = |_| AppError::bad_request(Msg::new("err-upload"));
    let mut input = ProgressInput::default();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "text" => input.text = field.text().await.map_err(bad)?,
            "percent" => input.percent = field.text().await.map_err(bad)?,
            "kpi_value" => input.kpi_value = field.text().await.map_err(bad)?,
            "files" => {
                let name = field.file_name().unwrap_or("").to_string();
                let data = field.bytes().await.map_err(|_| {
                    AppError::bad_request(Msg::new("err-upload-too-large").arg("max", max / (1024 * 1024)))
                })?;
                if !name.is_empty() || !data.is_empty() {
                    files.push((name, data.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok((input, files))
}

/// Check each file by its content; every problem at once (how many may be
/// attached is the service's rule).
fn check_files(files: Vec<(String, Vec<u8>)>, max: usize) -> Result<Vec<NewEvidence>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (name, data) in files {
        match kaoping_office::docs::check_evidence(&name, &data, max) {
            Ok(media) => {
                let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
                let digest = kaoping_core::files::content_digest(&data);
                out.push(NewEvidence { digest, name, media_type: media.into(), data });
            }
            Err(m) => errs.push(FieldError::new("files", m)),
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

pub async fn add(
    State(state): State<AppState>,
    a: Auth,
    Path((cycle, measure)): Path<(CycleId, i64)>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Only the subject gets as far as the body (others: an audited 403).
    state.services.feedback.my_sheet(&a.caller, cycle).await?;
    let mut mp = <Multipart as axum::extract::FromRequest<()>>::from_request(req, &())
        .await
        .map_err(|_| AppError::bad_request(Msg::new("err-upload")))?;
    let max = state.config.max_upload_bytes;
    let (input, files) = read_multipart(&mut mp, max).await?;
    let checked = tokio::task::spawn_blocking(move || check_files(files, max))
        .await
        .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    let result = match checked {
        Ok(files) => {
            state.services.rectification.progress_add(&a.caller, cycle, measure, &input, files).await.map(|_| ())
        }
        Err(errs) => Err(CoreError::Invalid(errs)),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/my/feedback/{cycle}/plan?flash=progress-saved#measure-{measure}"))
                .into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            let p = state.services.rectification.my_plan(&a.caller, cycle).await?;
            let page = own_page(&state, &a, &p, None);
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let v = crate::rectification::plan::PlanView::new(page, p, true, errors).with_progress(measure, input);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn my_file(
    State(state): State<AppState>,
    a: Auth,
    Path((cycle, file)): Path<(CycleId, i64)>,
) -> AppResult<Response> {
    let (f, blob) = state.services.rectification.my_evidence(&a.caller, cycle, file).await?;
    Ok(crate::reports::reader::file_response(&f.name, blob))
}

pub async fn organizer_file(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid, file)): Path<(CycleId, PersonId, i64)>,
) -> AppResult<Response> {
    let (f, blob) = state.services.rectification.evidence(&a.caller, id, pid, file).await?;
    Ok(crate::reports::reader::file_response(&f.name, blob))
}

#[derive(Deserialize)]
pub struct SignOffForm {
    /// "measure" or "problem".
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub id: String,
    /// The verification note (sign-off) or the reason (reopen).
    #[serde(default)]
    pub note: String,
}

impl SignOffForm {
    fn target(&self) -> Result<SignOffTarget, CoreError> {
        let id = self.id.trim().parse::<i64>().map_err(|_| CoreError::NotFound("item"))?;
        match self.target.as_str() {
            "measure" => Ok(SignOffTarget::Measure(id)),
            "problem" => Ok(SignOffTarget::Problem(id)),
            _ => Err(CoreError::NotFound("item")),
        }
    }
}

async fn sign(
    state: AppState,
    a: crate::ctx::Auth,
    cycle: CycleId,
    subject: PersonId,
    f: SignOffForm,
    reopen: bool,
) -> AppResult<Response> {
    let target = f.target()?;
    let done = if reopen {
        state.services.rectification.reopen(&a.caller, cycle, subject, target, &f.note).await
    } else {
        state.services.rectification.sign_off(&a.caller, cycle, subject, target, &f.note).await
    };
    match done {
        Ok(()) => {
            let flash = if reopen { "reopened" } else { "signed-off" };
            Ok(Redirect::to(&format!("/admin/cycles/{cycle}/feedback/{subject}/plan?flash={flash}")).into_response())
        }
        Err(CoreError::Invalid(errs)) => {
            let p = state.services.rectification.plan_for_organizer(&a.caller, cycle, subject).await?;
            let page = organizer_page(&state, &a, &p, None);
            let errors = FormErrors::from_fields(a.ctx.lang, &errs);
            let v = crate::rectification::plan::PlanView::new(page, p, false, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&v)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_off(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<SignOffForm>,
) -> AppResult<Response> {
    sign(state, a, id, pid, f, false).await
}

pub async fn reopen(
    State(state): State<AppState>,
    OrgAdmin(a): OrgAdmin,
    Path((id, pid)): Path<(CycleId, PersonId)>,
    Form(f): Form<SignOffForm>,
) -> AppResult<Response> {
    sign(state, a, id, pid, f, true).await
}
