//! Forms: axum's `Form`, saying what is wrong with a refused form in the
//! user's language (axum answers in English plain text; what is left bare
//! here, such as a body too large, the error layer words by its status).

use crate::AppError;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kaoping_core::error::Msg;
use serde::de::DeserializeOwned;

/// A form body read into `T`.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(r) => Err(refusal(&r)),
        }
    }
}

fn refusal(r: &FormRejection) -> Response {
    match r {
        FormRejection::InvalidFormContentType(_) => {
            AppError::refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, Msg::new("err-form-content-type")).into_response()
        }
        FormRejection::FailedToDeserializeForm(_) | FormRejection::FailedToDeserializeFormBody(_) => {
            let text = r.body_text();
            // serde names a repeated field as "duplicate field `name`".
            let twice = text.split("duplicate field `").nth(1).and_then(|t| t.split('`').next());
            let msg = match twice {
                Some(field) => Msg::new("err-form-field-twice").arg("field", field),
                None => Msg::new("err-form-unreadable"),
            };
            AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, msg).into_response()
        }
        _ => r.status().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    #[derive(serde::Deserialize, Debug)]
    struct F {
        #[allow(dead_code)]
        a: String,
    }

    async fn read(ct: &str, body: &str) -> Result<Form<F>, Response> {
        let req = Request::post("/").header("content-type", ct).body(Body::from(body.to_string())).unwrap();
        Form::<F>::from_request(req, &()).await
    }

    /// The refusal's status and first detail (the error layer renders it).
    fn said(r: Response) -> (StatusCode, &'static str, Vec<(&'static str, String)>) {
        let info = r.extensions().get::<crate::error::ErrorInfo>().expect("an error to render");
        (r.status(), info.details[0].key, info.details[0].args.clone())
    }

    #[tokio::test]
    async fn refusals_name_what_is_wrong() {
        let form = "application/x-www-form-urlencoded";
        assert!(read(form, "a=1").await.is_ok());
        let (status, key, _) = said(read("text/plain", "a=1").await.err().unwrap());
        assert_eq!((status, key), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "err-form-content-type"));
        let (status, key, args) = said(read(form, "a=1&a=2").await.err().unwrap());
        assert_eq!((status, key), (StatusCode::UNPROCESSABLE_ENTITY, "err-form-field-twice"));
        assert_eq!(args[0].1, "a");
        assert_eq!(said(read(form, "b=1").await.err().unwrap()).1, "err-form-unreadable");
    }
}
