//! The results seal (`scoring.md` §9): SM3 over the canonical form of
//! everything that decides a cycle's results, kept part by part so that a
//! check names the part that differs. Written to the audit log when results
//! are published, and carried in the export.

use super::Export;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sm3::{Digest, Sm3};
use std::collections::BTreeMap;

/// The seal and the hash of each part (lowercase hex SM3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsSeal {
    /// `scheme`, `subjects`, `groups`, `components`, `vetoes`, `routine`,
    /// `ballots` (the ballot-set seal), `results`.
    pub parts: BTreeMap<String, String>,
    /// SM3 of the canonical form of `parts`.
    pub seal: String,
}

/// JSON with object keys sorted and no white space; strings as RFC 8785
/// writes them. The values sealed hold no floating-point numbers.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v);
    out
}

fn write(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, &Value> = m.iter().collect();
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::voting::ballot::jcs_string(out, k);
                out.push(':');
                write(out, v);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, v);
            }
            out.push(']');
        }
        Value::String(s) => crate::voting::ballot::jcs_string(out, s),
        other => out.push_str(&other.to_string()),
    }
}

fn sm3(v: &Value) -> String {
    hex::encode(Sm3::digest(canonical(v).as_bytes()))
}

/// The parts of an export that decide its results, as sealed.
fn parts(e: &Export) -> BTreeMap<String, Value> {
    let mut subjects: Vec<Value> =
        e.subjects.iter().map(|s| json!({"id": s.id, "category": s.category, "order": s.order})).collect();
    subjects.sort_by_key(|s| s["id"].as_i64());
    let mut vetoes = e.vetoes.clone();
    vetoes.sort_unstable();
    let mut routine = e.routine_excellent.clone();
    routine.sort_unstable();
    let mut results = e.results.clone();
    results.sort_by_key(|r| r.subject);
    [
        ("scheme", value(&e.scheme)),
        ("subjects", Value::Array(subjects)),
        ("groups", value(&e.group_sizes)),
        ("components", value(&e.components)),
        ("vetoes", json!(vetoes)),
        ("routine", json!(routine)),
        ("ballots", json!(e.seal)),
        ("results", value(&results)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("export parts serialize")
}

/// The results seal of an export as it stands.
pub fn results_seal(e: &Export) -> ResultsSeal {
    let parts: BTreeMap<String, String> = parts(e).iter().map(|(k, v)| (k.clone(), sm3(v))).collect();
    let seal = sm3(&value(&parts));
    ResultsSeal { parts, seal }
}

/// How an export's results seal departs from its content: the parts whose
/// content differs from the sealed one, or a seal that does not match its
/// parts. Empty: the seal holds.
pub fn check_seal(e: &Export) -> Vec<String> {
    let Some(stated) = &e.results_seal else {
        return vec!["no results seal: the results were not finalized when this was exported".into()];
    };
    let fresh = results_seal(e);
    let mut out: Vec<String> = fresh
        .parts
        .iter()
        .filter(|(k, h)| stated.parts.get(*k) != Some(*h))
        .map(|(k, _)| format!("results seal: part {k} differs from what was sealed"))
        .collect();
    let of_stated = sm3(&value(&stated.parts));
    if of_stated != stated.seal {
        out.push("results seal: the seal does not match its parts".into());
    }
    out
}
