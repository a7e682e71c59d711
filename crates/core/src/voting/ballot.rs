//! Ballots (`scoring.md` §2): the checks a final submission must pass, its
//! receipt, and the ballot-set seal written when voting closes.

use crate::cycles::scheme::Scheme;
use crate::error::{FieldError, Msg};
use crate::voting::counts::Mark;
use crate::voting::grades::Grades;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};
use std::collections::{BTreeMap, HashMap, HashSet};

type Fast = foldhash::fast::RandomState;

/// One subject on a submitted ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkInput {
    pub subject: i64,
    /// 不了解.
    #[serde(default)]
    pub abstain: bool,
    /// Grade code by item code (ignored when abstaining).
    #[serde(default)]
    pub grades: Grades,
    /// An optional remark on the subject (feeds the feedback sheets).
    #[serde(default)]
    pub remark: Option<String>,
}

pub use crate::cycles::scope::ScopeSubject;

pub const REMARK_MAX: usize = 500;

/// A ballot that passed every check: marks by subject, remarks by subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBallot {
    pub marks: BTreeMap<i64, Mark>,
    pub remarks: BTreeMap<i64, String>,
}

/// Check a final ballot against the scheme and the evaluator's scope: every
/// problem of §2 (voting open and "already voted" are the caller's checks),
/// each naming the subject, item, grade or category.
///
/// Takes the marks by value: a checked ballot keeps their grades without
/// copying them (this runs for every final ballot).
pub fn check_final(
    scheme: &Scheme,
    scope: &[ScopeSubject],
    input: Vec<MarkInput>,
) -> Result<CheckedBallot, Vec<FieldError>> {
    let mut errs = Vec::new();
    // Every final ballot builds these: foldhash, not SipHash (keys are ours).
    let by_id: HashMap<i64, &ScopeSubject, Fast> = scope.iter().map(|s| (s.id, s)).collect();
    let grades: HashSet<&str, Fast> = scheme.grades.iter().map(|g| g.code.as_str()).collect();
    let top = scheme.grades.first().map(|g| g.code.as_str());
    let overall = scheme.items.iter().find(|i| i.overall).map(|i| i.code.as_str());
    let mut out = CheckedBallot { marks: BTreeMap::new(), remarks: BTreeMap::new() };
    let mut excellent: HashMap<&str, usize, Fast> = HashMap::default();
    for m in input {
        let Some(subject) = by_id.get(&m.subject) else {
            errs.push(FieldError::new("marks", Msg::new("err-ballot-subject-out-of-scope").arg("subject", m.subject)));
            continue;
        };
        let name = subject.name.as_str();
        // Every subject that gets past here has its entry in `out.marks`.
        if out.marks.contains_key(&m.subject) {
            errs.push(FieldError::new("marks", Msg::new("err-ballot-subject-twice").arg("name", name)));
            continue;
        }
        if let Some(r) = m.remark.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            if r.chars().count() > REMARK_MAX {
                errs.push(FieldError::new(
                    "marks",
                    Msg::new("err-ballot-remark-long").arg("name", name).arg("max", REMARK_MAX),
                ));
            }
            out.remarks.insert(m.subject, r.to_string());
        }
        if m.abstain {
            out.marks.insert(m.subject, Mark::Abstain);
            continue;
        }
        for code in m.grades.keys() {
            if !scheme.items.iter().any(|i| i.code == code) {
                errs.push(FieldError::new(
                    "marks",
                    Msg::new("err-ballot-item-unknown").arg("name", name).arg("item", code),
                ));
            }
        }
        for item in &scheme.items {
            match m.grades.get(&item.code) {
                None => errs.push(FieldError::new(
                    "marks",
                    Msg::new("err-ballot-item-missing").arg("name", name).arg("item", &item.label),
                )),
                Some(g) if !grades.contains(g) => errs.push(FieldError::new(
                    "marks",
                    Msg::new("err-ballot-grade-unknown").arg("name", name).arg("grade", g),
                )),
                Some(_) => {}
            }
        }
        if overall.and_then(|o| m.grades.get(o)) == top {
            *excellent.entry(subject.category.as_str()).or_default() += 1;
        }
        out.marks.insert(m.subject, Mark::Grades(m.grades));
    }
    for s in scope {
        if !out.marks.contains_key(&s.id) {
            errs.push(FieldError::new("marks", Msg::new("err-ballot-subject-missing").arg("name", &s.name)));
        }
    }
    if let Some(q) = scheme.ballot_quota {
        let mut categories: Vec<&ScopeSubject> = Vec::new();
        for s in scope {
            if !categories.iter().any(|c| c.category == s.category) {
                categories.push(s);
            }
        }
        for c in categories {
            let m = scope.iter().filter(|s| s.category == c.category).count() as i128;
            let limit = q.mul_int(m).floor();
            let given = excellent.get(c.category.as_str()).copied().unwrap_or(0) as i128;
            if given > limit {
                errs.push(FieldError::new(
                    "marks",
                    Msg::new("err-ballot-quota")
                        .arg("category", &c.category_name)
                        .arg("limit", limit)
                        .arg("count", given)
                        .arg("grade", scheme.grades.first().map(|g| g.label.as_str()).unwrap_or("")),
                ));
            }
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

/// Append a JSON string literal as RFC 8785 (JCS) writes it.
pub(crate) fn jcs_string(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The canonical form of a ballot (RFC 8785 JSON of `{cycle, ballot_id, group,
/// marks}`; marks sorted by subject id then item code, abstain as null item
/// and grade). Keys are written in JCS order.
pub fn canonical(cycle: i64, ballot_id: &str, group: &str, marks: &BTreeMap<i64, Mark>) -> String {
    canonical_parts(cycle, ballot_id, group, marks).0
}

/// The canonical form and where its marks array starts.
fn canonical_parts(cycle: i64, ballot_id: &str, group: &str, marks: &BTreeMap<i64, Mark>) -> (String, usize) {
    use std::fmt::Write;
    let mut out = String::with_capacity(64 + 48 * marks.len());
    out.push_str("{\"ballot_id\":");
    jcs_string(&mut out, ballot_id);
    let _ = write!(out, ",\"cycle\":{cycle},\"group\":");
    jcs_string(&mut out, group);
    out.push_str(",\"marks\":");
    let start = out.len();
    out.push('[');
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
    };
    for (subject, mark) in marks {
        match mark {
            Mark::Abstain => {
                sep(&mut out);
                let _ = write!(out, "{{\"grade\":null,\"item\":null,\"subject\":{subject}}}");
            }
            Mark::Grades(by_item) => {
                for (item, grade) in by_item {
                    sep(&mut out);
                    out.push_str("{\"grade\":");
                    jcs_string(&mut out, grade);
                    out.push_str(",\"item\":");
                    jcs_string(&mut out, item);
                    let _ = write!(out, ",\"subject\":{subject}}}");
                }
            }
        }
    }
    out.push_str("]}");
    (out, start)
}

/// The receipt of a final ballot: lowercase hex SM3 of its canonical form.
pub fn receipt(cycle: i64, ballot_id: &str, group: &str, marks: &BTreeMap<i64, Mark>) -> String {
    hex::encode(Sm3::digest(canonical(cycle, ballot_id, group, marks).as_bytes()))
}

/// The receipt of a checked ballot and its request hash, from one canonical
/// form. The request hash tells a retry with the same idempotency key from
/// another ballot: SHA-256 of the canonical marks array, a newline and the
/// remarks as JSON — the same for the same ballot whatever its ballot id.
/// It is not part of `scoring.md` (never exported or shown), so it uses the
/// hash the CPU computes fastest (SHA-NI): SM3 here was half the hashing of
/// every final ballot.
pub fn receipt_and_request_hash(
    cycle: i64,
    ballot_id: &str,
    group: &str,
    ballot: &CheckedBallot,
    remarks_json: &str,
) -> (String, String) {
    let (c, start) = canonical_parts(cycle, ballot_id, group, &ballot.marks);
    let receipt = hex::encode(Sm3::digest(c.as_bytes()));
    let marks = &c[start..c.len() - 1];
    let request =
        sha2::Sha256::new().chain_update(marks.as_bytes()).chain_update(b"\n").chain_update(remarks_json.as_bytes());
    (receipt, hex::encode(request.finalize()))
}

/// The ballot-set seal: SM3 of all receipts, sorted, joined by `\n`.
pub fn seal(receipts: &[String]) -> String {
    let mut r: Vec<&str> = receipts.iter().map(String::as_str).collect();
    r.sort_unstable();
    let mut h = Sm3::new();
    for (i, x) in r.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(x.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Marks as stored: grade by item per subject, `null` for an abstention.
pub type StoredMarks = BTreeMap<i64, Option<Grades>>;

pub fn marks_to_stored(marks: &BTreeMap<i64, Mark>) -> StoredMarks {
    marks
        .iter()
        .map(|(s, m)| {
            let v = match m {
                Mark::Abstain => None,
                Mark::Grades(g) => Some(g.clone()),
            };
            (*s, v)
        })
        .collect()
}

/// The JSON of [`marks_to_stored`] without building it.
pub fn stored_json(marks: &BTreeMap<i64, Mark>) -> String {
    struct Stored<'a>(&'a BTreeMap<i64, Mark>);
    impl Serialize for Stored<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(id, m)| {
                (
                    id,
                    match m {
                        Mark::Abstain => None,
                        Mark::Grades(g) => Some(g),
                    },
                )
            }))
        }
    }
    serde_json::to_string(&Stored(marks)).expect("marks serialize")
}

pub fn marks_from_stored(stored: StoredMarks) -> BTreeMap<i64, Mark> {
    stored.into_iter().map(|(s, m)| (s, m.map_or(Mark::Abstain, Mark::Grades))).collect()
}

/// A final ballot to store, with its participation record and idempotency key.
#[derive(Debug, Clone)]
pub struct NewBallot {
    pub cycle: i64,
    /// 128 random bits, hex.
    pub id: String,
    pub group: String,
    /// The evaluator (named mode only).
    pub evaluator: Option<i64>,
    /// Who voted (kept apart from the ballot).
    pub participant: i64,
    /// The marks as stored: JSON of [`StoredMarks`] ([`stored_json`]).
    pub marks: String,
    /// The remarks by subject, as JSON.
    pub remarks: String,
    pub receipt: String,
    pub paper: bool,
    /// What the ballot adds to the vote counts kept for the results.
    pub contributions: Vec<crate::voting::counts::Contribution>,
    /// SM3 of the client's idempotency key, and of the request body.
    pub key_hash: String,
    pub request_hash: String,
}

/// What storing a final ballot came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Stored(String),
    /// The same key and body again: the first receipt, nothing stored.
    Replayed(String),
    /// The same key with another body.
    KeyReused,
    /// This evaluator already has a final ballot.
    AlreadyVoted,
    /// Another request with this key is being stored right now.
    InFlight,
    /// Voting is not open (any more).
    VotingClosed,
}

/// A stored final ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBallot {
    pub id: String,
    pub group: String,
    pub evaluator: Option<i64>,
    pub marks: BTreeMap<i64, Mark>,
    pub remarks: BTreeMap<i64, String>,
    pub receipt: String,
    pub paper: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::Frac;

    fn scope() -> Vec<ScopeSubject> {
        let s = |id: i64, name: &str, cat: &str| ScopeSubject {
            id,
            name: name.into(),
            category: cat.into(),
            category_name: if cat == "county" { "县市区委书记".into() } else { "乡镇党委书记".into() },
        };
        vec![s(1, "甲", "county"), s(2, "乙", "county"), s(3, "丙", "county"), s(4, "丁", "township")]
    }

    fn mark(subject: i64, grade: &str) -> MarkInput {
        MarkInput {
            subject,
            abstain: grade == "-",
            grades: [("overall".to_string(), grade.to_string())].into_iter().collect(),
            remark: None,
        }
    }

    fn keys(e: Vec<FieldError>) -> Vec<&'static str> {
        e.into_iter().map(|f| f.msg.key).collect()
    }

    #[test]
    fn a_complete_ballot_passes_with_remarks_and_abstentions() {
        let scheme = Scheme::default_for(&["county".into(), "township".into()]);
        let mut m = vec![mark(1, "excellent"), mark(2, "-"), mark(3, "poor"), mark(4, "good")];
        m[2].remark = Some(" 抓落实不够 ".into());
        let b = check_final(&scheme, &scope(), m).unwrap();
        assert_eq!(b.marks[&2], Mark::Abstain);
        assert_eq!(b.remarks[&3], "抓落实不够");
    }

    #[test]
    fn every_problem_is_named() {
        let scheme = Scheme::default_for(&["county".into(), "township".into()]);
        let mut bad_item = mark(3, "good");
        bad_item.grades.insert("extra", "good");
        let m = vec![mark(1, "excellent"), mark(1, "good"), bad_item, mark(9, "good"), mark(4, "superb")];
        let e = check_final(&scheme, &scope(), m).unwrap_err();
        assert_eq!(
            keys(e),
            [
                "err-ballot-subject-twice",
                "err-ballot-item-unknown",
                "err-ballot-subject-out-of-scope",
                "err-ballot-grade-unknown",
                "err-ballot-subject-missing"
            ]
        );
        let mut missing_item = mark(1, "good");
        missing_item.grades.clear();
        let e = check_final(&scheme, &scope()[..1], vec![missing_item]).unwrap_err();
        assert_eq!(keys(e), ["err-ballot-item-missing"]);
    }

    #[test]
    fn the_ballot_quota_counts_every_subject_of_the_category_in_scope() {
        let mut scheme = Scheme::default_for(&["county".into(), "township".into()]);
        scheme.ballot_quota = Some(Frac::new(1, 3));
        // County: M = 3 (the abstention counts), ⌊3 · 1/3⌋ = 1.
        let ok = vec![mark(1, "excellent"), mark(2, "-"), mark(3, "good"), mark(4, "good")];
        assert!(check_final(&scheme, &scope(), ok).is_ok());
        let two = vec![mark(1, "excellent"), mark(2, "excellent"), mark(3, "good"), mark(4, "good")];
        let e = check_final(&scheme, &scope(), two).unwrap_err();
        assert_eq!(e[0].msg.key, "err-ballot-quota");
        assert_eq!(e[0].msg.args.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>(), ["县市区委书记", "1", "2", "好"]);
        // Township: M = 1, ⌊1/3⌋ = 0 → no 好 at all.
        let t = vec![mark(1, "good"), mark(2, "good"), mark(3, "good"), mark(4, "excellent")];
        assert_eq!(check_final(&scheme, &scope(), t).unwrap_err()[0].msg.args[1].1, "0");
    }

    #[test]
    fn the_receipt_hashes_the_canonical_form() {
        let marks: BTreeMap<i64, Mark> = [
            (12, Mark::Abstain),
            (
                3,
                Mark::Grades(
                    [("overall".to_string(), "good".to_string()), ("duty".to_string(), "fair".to_string())]
                        .into_iter()
                        .collect(),
                ),
            ),
        ]
        .into_iter()
        .collect();
        let c = canonical(7, "00ff", "deputies", &marks);
        assert_eq!(
            c,
            r#"{"ballot_id":"00ff","cycle":7,"group":"deputies","marks":[{"grade":"fair","item":"duty","subject":3},{"grade":"good","item":"overall","subject":3},{"grade":null,"item":null,"subject":12}]}"#
        );
        let r = receipt(7, "00ff", "deputies", &marks);
        assert_eq!(r.len(), 64);
        assert_eq!(r, hex::encode(Sm3::digest(c.as_bytes())));
        assert_ne!(r, receipt(7, "00fe", "deputies", &marks), "the random ballot id tells identical ballots apart");
        let mut s = String::new();
        jcs_string(&mut s, "引\"号\\\u{1f}\n");
        assert_eq!(s, "\"引\\\"号\\\\\\u001f\\n\"");
        assert_eq!(stored_json(&marks), serde_json::to_string(&marks_to_stored(&marks)).unwrap());
        assert_eq!(stored_json(&marks), r#"{"3":{"duty":"fair","overall":"good"},"12":null}"#);
        // One canonical form gives the receipt and the request hash.
        let checked = CheckedBallot { marks: marks.clone(), remarks: BTreeMap::new() };
        let (r2, h) = receipt_and_request_hash(7, "00ff", "deputies", &checked, "{}");
        assert_eq!(r2, r);
        let array = &c[c.find("\"marks\":").unwrap() + 8..c.len() - 1];
        assert!(array.starts_with('[') && array.ends_with(']'));
        assert_eq!(h, hex::encode(sha2::Sha256::digest(format!("{array}\n{{}}").as_bytes())));
        assert_eq!(receipt_and_request_hash(7, "00fe", "deputies", &checked, "{}").1, h, "whatever the ballot id");
        assert_ne!(receipt_and_request_hash(7, "00ff", "deputies", &checked, r#"{"3":"x"}"#).1, h, "remarks count");
        let mut other = checked.clone();
        other.marks.insert(12, Mark::Grades([("overall".to_string(), "good".to_string())].into_iter().collect()));
        assert_ne!(receipt_and_request_hash(7, "00ff", "deputies", &other, "{}").1, h, "marks count");
        assert_eq!(seal(&["b".into(), "a".into()]), hex::encode(Sm3::digest(b"a\nb")));
    }
}
