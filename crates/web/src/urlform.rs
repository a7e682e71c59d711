//! A lean reader of `application/x-www-form-urlencoded` bodies, for the one
//! form on the hot path: a final ballot's submit carries its marks as a
//! ~3 KB JSON field, percent-encoded to ~5 KB. `form_urlencoded` (under
//! axum's `Form`) decodes it byte by byte through an iterator that grows its
//! vector one push at a time — 6 % of the CPU of a ballot under load. This
//! decodes with a table in one pass into a vector of the right size, with the
//! same result (a property test compares them).

use crate::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kaoping_core::error::Msg;
use std::borrow::Cow;

/// A hex digit's value, or `0xFF`.
const HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => 0xFF,
        };
        i += 1;
    }
    t
};

/// One name or value: `+` is a space, `%XX` a byte (a `%` without two hex
/// digits stays as it is), invalid UTF-8 becomes U+FFFD — as the URL
/// standard and `form_urlencoded` decode it.
pub fn decode(input: &[u8]) -> Cow<'_, str> {
    if !input.iter().any(|&b| b == b'%' || b == b'+') {
        return String::from_utf8_lossy(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        i += 1;
        match b {
            b'+' => out.push(b' '),
            b'%' => match input.get(i..i + 2).map(|p| (HEX[p[0] as usize], HEX[p[1] as usize])) {
                Some((h, l)) if h < 16 && l < 16 => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// The name–value pairs of a body, in order (empty pairs skipped).
pub fn pairs(body: &[u8]) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    body.split(|&b| b == b'&').filter(|p| !p.is_empty()).map(|p| match p.iter().position(|&b| b == b'=') {
        Some(at) => (decode(&p[..at]), decode(&p[at + 1..])),
        None => (decode(p), Cow::Borrowed("")),
    })
}

/// The form fields named in `names`, each at most once, from a request with
/// the form content type (the body limit applies as for any body). Other
/// fields are ignored. Refusals are answered by the error layer with its
/// page in the user's language: 415 for another content type, 422 for a
/// field given twice (axum's `Form` answered both in English plain text).
pub async fn fields<const N: usize, S: Send + Sync>(
    req: Request,
    state: &S,
    names: [&str; N],
) -> Result<[String; N], Response> {
    let refuse = |status, detail| AppError::refused(status, detail).into_response();
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !form {
        return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, Msg::new("err-form-content-type")));
    }
    let body = Bytes::from_request(req, state).await.map_err(|r| r.into_response().status().into_response())?;
    let mut out: [Option<String>; N] = std::array::from_fn(|_| None);
    for (name, value) in pairs(&body) {
        if let Some(i) = names.iter().position(|n| *n == name)
            && out[i].replace(value.into_owned()).is_some()
        {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                Msg::new("err-form-field-twice").arg("field", names[i]),
            ));
        }
    }
    Ok(out.map(Option::unwrap_or_default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(body: &[u8]) -> Vec<(String, String)> {
        serde_urlencoded::from_bytes(body).unwrap()
    }

    fn ours(body: &[u8]) -> Vec<(String, String)> {
        pairs(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    #[test]
    fn decodes_as_form_urlencoded_does() {
        for body in [
            &b""[..],
            b"a=1&b=2",
            b"key=k&marks=%5B%7B%22subject%22%3A1%7D%5D",
            b"a=x+y%20z",
            b"a=%",
            b"a=%4",
            b"a=%zz&b=%4g",
            b"a=%e4%bd%a0%E5%A5%BD",
            b"a=%ff%fe",
            b"&&a&=&b==c&",
            b"caf%C3%A9=%C3",
            "名=值".as_bytes(),
        ] {
            assert_eq!(ours(body), reference(body), "{:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn borrows_when_nothing_is_encoded() {
        assert!(matches!(decode(b"plain"), Cow::Borrowed("plain")));
        assert_eq!(decode(b"a+b"), "a b");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn same_pairs_as_form_urlencoded(body in proptest::collection::vec(
            prop_oneof![
                Just(b'%'), Just(b'+'), Just(b'&'), Just(b'='),
                prop::sample::select(b"0123456789abcdefABCDEFxyz".to_vec()),
                any::<u8>(),
            ],
            0..64,
        )) {
            prop_assert_eq!(ours(&body), reference(&body));
        }
    }
}
