//! The error answers every operation may give, added to the OpenAPI
//! document in one place rather than restated on each endpoint: all are
//! problem JSON (RFC 9457), so a client (or schemathesis) finds every
//! status and content type the API sends in the document.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Which operations can answer each status, and why.
const STATUSES: &[(&str, When, &str)] = &[
    ("400", When::Always, "The request cannot be read: malformed JSON, a wrong type, or a number out of range"),
    ("401", When::Always, "Not logged in, or the session has ended"),
    ("403", When::Always, "Outside the caller's role or org scope, or a cross-site request"),
    ("404", When::Always, "No such resource in the caller's scope"),
    ("408", When::Always, "The request took longer than the server allows"),
    ("409", When::Always, "Not possible in the resource's current state"),
    ("422", When::Always, "The request was read but its fields are invalid; `errors` names them"),
    ("413", When::WithBody, "The body is larger than the server accepts"),
    ("415", When::WithBody, "The body is not JSON (`Content-Type: application/json`)"),
    ("429", When::Login, "Too many attempts from this client; see `Retry-After`"),
];

#[derive(PartialEq)]
enum When {
    Always,
    WithBody,
    Login,
}

pub struct ErrorResponses;

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, doc: &mut OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let login = path.starts_with("/api/v1/session");
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                add_errors(op, login);
            }
        }
    }
}

fn add_errors(op: &mut Operation, login: bool) {
    let body = op.request_body.is_some();
    for (status, when, why) in STATUSES {
        let applies = match when {
            When::Always => true,
            When::WithBody => body,
            When::Login => login,
        };
        if !applies {
            continue;
        }
        // An endpoint's own description of a status is kept; its content
        // type becomes the problem JSON it is sent as.
        let description = match op.responses.responses.get(*status) {
            Some(RefOr::T(r)) if !r.description.is_empty() => r.description.clone(),
            _ => why.to_string(),
        };
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        let response = ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build();
        op.responses.responses.insert(status.to_string(), RefOr::T(response));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_documents_its_errors_as_problem_json() {
        let doc = crate::app::openapi();
        let mut seen = 0;
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.put, &item.post, &item.delete].into_iter().flatten() {
                seen += 1;
                let mut wanted = vec!["400", "401", "403", "404", "409", "422"];
                if op.request_body.is_some() {
                    wanted.extend(["413", "415"]);
                }
                for status in wanted {
                    let Some(RefOr::T(r)) = op.responses.responses.get(status) else {
                        panic!("{path}: no {status}");
                    };
                    assert_eq!(r.content.keys().collect::<Vec<_>>(), [PROBLEM_JSON], "{path} {status}");
                    assert!(!r.description.is_empty());
                }
            }
        }
        assert!(seen > 40, "{seen} operations");
    }

    /// Every schema an operation names is in the document: the routes
    /// bring their bodies' schemas, the document its shared ones.
    #[test]
    fn every_reference_resolves() {
        let doc = serde_json::to_value(crate::app::openapi()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut refs = Vec::new();
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                        out.push(r.clone());
                    }
                    m.values().for_each(|v| walk(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        walk(&doc, &mut refs);
        assert!(refs.len() > 100, "{} references", refs.len());
        for r in refs {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(&r);
            assert!(schemas.contains_key(name), "{r} is not in the document");
        }
    }
}
