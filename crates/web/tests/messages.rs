//! Every message key the code or a template asks for is in both catalogs,
//! and every catalog message is asked for somewhere. Scans every `.rs`
//! under `crates/*/src` and every template, so a key cannot be forgotten
//! by a hand-kept list.

#[path = "support/files.rs"]
mod files;

use files::files;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Literals that look like keys but are not (a test asking for a key that is not there).
const NOT_KEYS: &[&str] = &["no-such-message"];
const LANGS: &[&str] = &["zh-CN", "en"];

fn crates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The sources and templates, as (path, text).
fn sources() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    for c in std::fs::read_dir(crates()).unwrap() {
        let src = c.unwrap().path().join("src");
        if src.is_dir() {
            paths.extend(files(&src, "rs"));
        }
    }
    paths.extend(files(&crates().join("web/templates"), "html"));
    paths.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

/// The message ids of a language's catalog files.
fn catalog(lang: &str) -> BTreeSet<String> {
    let ftl = files(&crates().join("web/locales").join(lang), "ftl");
    let mut keys = BTreeSet::new();
    for f in ftl {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            if !line.starts_with([' ', '#']) && line.contains(" =") {
                keys.insert(line.split(" =").next().unwrap().trim().to_string());
            }
        }
    }
    keys
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The string literal that starts right after each `needle` whose
/// preceding character is not part of a longer name.
fn after<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(needle) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let rest = &text[at + needle.len()..];
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && let Some(end) = rest.find('"')
        {
            out.push(&rest[..end]);
        }
        from = at + needle.len();
    }
    out
}

/// Every key-shaped text between two double quotes (read at each quote,
/// so an escaped or character-literal quote cannot shift the pairs).
fn quoted_keys(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('"').filter_map(move |(i, _)| {
        let rest = &text[i + 1..];
        let end = rest.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))?;
        (rest[end..].starts_with('"') && is_key(&rest[..end])).then_some(&rest[..end])
    })
}

/// Whether a file is the web crate's (where `t("…")` is a message lookup).
fn in_web(path: &Path) -> bool {
    path.starts_with(crates().join("web"))
}

#[test]
fn every_key_asked_for_is_in_both_catalogs() {
    let catalogs: Vec<_> = LANGS.iter().map(|l| (l, catalog(l))).collect();
    let mut missing = BTreeSet::new();
    let mut asked = 0;
    for (path, text) in sources() {
        let needles: &[&str] =
            if in_web(&path) { &["Msg::new(\"", "t(\"", "t1(\"", "t_args(\""] } else { &["Msg::new(\""] };
        for needle in needles {
            for key in after(&text, needle).into_iter().filter(|k| is_key(k) && !NOT_KEYS.contains(k)) {
                asked += 1;
                for (lang, keys) in &catalogs {
                    if !keys.contains(key) {
                        missing.insert(format!("{key} ({lang}), asked for in {}", path.display()));
                    }
                }
            }
        }
    }
    assert!(asked > 500, "only {asked} keys found: is the scan reading the sources?");
    assert!(missing.is_empty(), "missing from the catalog:\n{}", missing.into_iter().collect::<Vec<_>>().join("\n"));
}

#[test]
fn both_catalogs_have_the_same_keys_and_every_one_is_used() {
    let zh = catalog("zh-CN");
    let en = catalog("en");
    assert_eq!(zh.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "keys in one language only");
    let sources = sources();
    let mut used = BTreeSet::new();
    let mut prefixes = BTreeSet::new();
    for (_, text) in &sources {
        used.extend(quoted_keys(text).map(str::to_string));
        // Keys built at run time: format!("mode-{…}") and tp("mode", …).
        prefixes.extend(after(text, "format!(\"").into_iter().filter_map(|f| {
            let p = f.split('{').next()?;
            (f.contains('{') && p.ends_with('-') && is_key(p.trim_end_matches('-'))).then(|| p.to_string())
        }));
        prefixes.extend(after(text, "tp(\"").into_iter().filter(|p| is_key(p)).map(|p| format!("{p}-")));
    }
    let unused: Vec<_> = zh
        .iter()
        .filter(|k| !used.contains(*k))
        .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
        .filter(|k| !k.strip_suffix("-aliases").is_some_and(|base| used.contains(base)))
        .collect();
    assert!(unused.is_empty(), "catalog messages no code or template asks for: {unused:?}");
}
