//! Shared pieces of spreadsheet import and export pages: reading an upload,
//! mapping headers in either language, the row-by-row report, downloads.

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use axum::extract::Multipart;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kaoping_core::error::{FieldError, Msg};
use kaoping_office::{OfficeError, Sheet};

/// Import columns: the field name and the catalog key of its header
/// (`<key>-aliases` may list synonyms, separated by `|`).
pub type Columns = &'static [(&'static str, &'static str)];

/// The import page of a sheet: the upload form, and after a refused upload
/// the row-by-row report.
#[derive(askama::Template)]
#[template(path = "import.html")]
pub struct ImportView {
    pub page: crate::views::Page,
    /// Where the form posts.
    pub action: String,
    /// Catalog key of the explanation above the form.
    pub intro: &'static str,
    /// The template or current data to download, and its label's key.
    pub download: String,
    pub download_label: &'static str,
    pub report: Vec<ReportRow>,
    pub summary: Option<String>,
}

/// A row of an import report.
pub struct ReportRow {
    pub row: String,
    pub column: String,
    pub message: String,
}

fn one(lang: Lang, key: &str) -> Vec<ReportRow> {
    vec![ReportRow { row: String::new(), column: String::new(), message: lang.t(key) }]
}

/// One problem for the whole file, naming a limit.
fn one_max(lang: Lang, key: &str, max: impl ToString) -> Vec<ReportRow> {
    let message = lang.t_args(key, &[("max", max.to_string())]);
    vec![ReportRow { row: String::new(), column: String::new(), message }]
}

/// Map the sheet's headers to fields; the catalog keys of missing required columns otherwise.
pub fn map_headers(
    headers: &[String],
    columns: Columns,
    required: &[&'static str],
) -> Result<Vec<Option<&'static str>>, Vec<&'static str>> {
    let norm = |s: &str| s.trim().to_lowercase();
    let map: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| {
            columns
                .iter()
                .find(|(field, key)| {
                    norm(h) == *field
                        || Lang::ALL.iter().any(|l| {
                            norm(&l.t(key)) == norm(h)
                                || l.t(&format!("{key}-aliases")).split('|').any(|a| norm(a) == norm(h))
                        })
                })
                .map(|(field, _)| *field)
        })
        .collect();
    let missing: Vec<&'static str> = required
        .iter()
        .filter(|f| !map.contains(&Some(**f)))
        .map(|f| columns.iter().find(|(c, _)| c == f).map(|(_, k)| *k).unwrap_or(f))
        .collect();
    if missing.is_empty() { Ok(map) } else { Err(missing) }
}

/// Read the uploaded `file` field as a sheet and map its headers; a report
/// of what is wrong with the file otherwise.
pub async fn read_upload(
    mp: &mut Multipart,
    lang: Lang,
    columns: Columns,
    required: &[&'static str],
) -> AppResult<Result<(Sheet, Vec<Option<&'static str>>), Vec<ReportRow>>> {
    let mut bytes = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::bad_request(Msg::new("err-upload")))? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| AppError::bad_request(Msg::new("err-upload")))?);
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return Ok(Err(one(lang, "err-upload-missing")));
    };
    // Parsing is CPU work: keep it off the request threads.
    let parsed = tokio::task::spawn_blocking(move || kaoping_office::read_xlsx(&bytes))
        .await
        .map_err(|_| AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"))?;
    let sheet = match parsed {
        Ok(s) => s,
        Err(OfficeError::NotXlsx) => return Ok(Err(one(lang, "err-xlsx-type"))),
        Err(OfficeError::Corrupt(_)) => return Ok(Err(one(lang, "err-xlsx-corrupt"))),
        Err(OfficeError::Empty) => return Ok(Err(one(lang, "err-import-empty"))),
        Err(OfficeError::TooLarge(max)) => return Ok(Err(one_max(lang, "err-xlsx-too-large", max))),
        Err(OfficeError::Ratio(max)) => return Ok(Err(one_max(lang, "err-xlsx-ratio", max))),
        Err(OfficeError::TooManyRows(_)) => {
            return Ok(Err(one_max(lang, "err-import-too-many", kaoping_office::MAX_ROWS)));
        }
        Err(OfficeError::Write(_)) => {
            return Err(AppError::status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal"));
        }
    };
    match map_headers(&sheet.headers, columns, required) {
        Ok(map) => Ok(Ok((sheet, map))),
        Err(missing) => {
            let names: Vec<String> = missing.iter().map(|k| lang.t(k)).collect();
            let expected: Vec<String> = columns.iter().map(|(_, k)| lang.t(k)).collect();
            Ok(Err(vec![ReportRow {
                row: "1".into(),
                column: names.join("、"),
                message: lang
                    .t_args("err-import-columns", &[("missing", names.join("、")), ("expected", expected.join("、"))]),
            }]))
        }
    }
}

/// The row-by-row report of field errors, with column names in the user's language.
pub fn report_for(lang: Lang, columns: Columns, errs: &[FieldError]) -> Vec<ReportRow> {
    let column = |field: &str| {
        columns.iter().find(|(f, _)| *f == field).map(|(_, k)| lang.t(k)).unwrap_or_else(|| field.to_string())
    };
    errs.iter()
        .map(|e| ReportRow {
            row: e.row.map(|r| r.to_string()).unwrap_or_default(),
            column: column(&e.field),
            message: lang.msg(&e.msg),
        })
        .collect()
}

/// An xlsx download.
pub fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    download(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)
}

/// A file download named `name` (ASCII), never cached.
pub fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disp = format!("attachment; filename=\"{name}\"");
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disp).expect("ASCII file name"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
