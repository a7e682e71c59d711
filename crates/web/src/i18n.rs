//! The message catalog (Fluent): zh-CN first, English second. Every string a
//! user sees comes from here.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use kaoping_core::error::Msg;
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The catalog files of each language (`locales/<lang>/<name>.ftl`), one per
/// feature besides the shared and the core's messages: a new feature adds
/// its name here. Fluent loads every file of the folder by itself.
macro_rules! catalogs {
    ($($name:literal),* $(,)?) => {
        #[cfg(test)]
        const CATALOG_NAMES: &[&str] = &[$($name),*];
        static CATALOGS: [&[&str]; 2] = [
            &[$(include_str!(concat!("../locales/zh-CN/", $name, ".ftl"))),*],
            &[$(include_str!(concat!("../locales/en/", $name, ".ftl"))),*],
        ];
    };
}
catalogs!(
    "shared",
    "core",
    "accounts",
    "org",
    "people",
    "audit",
    "cycles",
    "reports",
    "voting",
    "results",
    "feedback",
    "rectification",
    "home",
);

static ZH: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

/// A supported UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "简体中文",
            Lang::En => "English",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The best language from an Accept-Language header (by q-value).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(l) = Lang::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// A message without arguments. Every page asks for dozens (its chrome
    /// and labels), so the catalog's messages are resolved once, on first
    /// use, as Fluent would resolve them on each call.
    pub fn t(self, key: &str) -> String {
        match resolved()[self as usize].get(key) {
            Some(m) => m.clone(),
            None => LOCALES.lookup(self.id(), key),
        }
    }

    /// A message with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A core message (catalog key and arguments).
    pub fn msg(self, m: &Msg) -> String {
        let args: Vec<(&str, String)> = m.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.t_args(m.key, &args)
    }

    /// The name of a reporting mode.
    pub fn tp_mode(self, m: kaoping_core::cycles::roster::ReportingMode) -> String {
        self.t(&format!("mode-{}", m.as_str().replace('_', "-")))
    }

    /// Whether the catalog has the key in this language.
    pub fn has(self, key: &str) -> bool {
        resolved()[self as usize].contains_key(key)
    }

    /// The language's Fluent files.
    fn catalog(self) -> &'static [&'static str] {
        CATALOGS[self as usize]
    }

    /// Date and time for display, in the organizer's time zone.
    pub fn datetime(self, t: chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&kaoping_core::time::DEFAULT_TZ);
        match self {
            Lang::Zh => local.format("%Y年%-m月%-d日 %H:%M").to_string(),
            Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// Every message id of each language's catalog, with the message as Fluent
/// resolves it without arguments (indexed by `Lang as usize`; both languages
/// on the first lookup). A message that takes arguments is there too, as
/// `t` would give it — `t_args` resolves those on each call.
fn resolved() -> &'static [HashMap<&'static str, String>; 2] {
    static RESOLVED: std::sync::OnceLock<[HashMap<&'static str, String>; 2]> = std::sync::OnceLock::new();
    RESOLVED.get_or_init(|| {
        Lang::ALL
            .map(|lang| catalog_keys(lang.catalog()).into_iter().map(|k| (k, LOCALES.lookup(lang.id(), k))).collect())
    })
}

/// The message ids defined in Fluent files.
fn catalog_keys(files: &[&'static str]) -> std::collections::HashSet<&'static str> {
    files
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
        .filter_map(|l| l.split(" =").next())
        .map(str::trim)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_file_is_listed() {
        for lang in Lang::ALL {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang.code());
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".ftl").to_string())
                .collect();
            files.sort();
            let mut listed: Vec<&str> = CATALOG_NAMES.to_vec();
            listed.sort();
            assert_eq!(files, listed, "{}", lang.code());
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr;q=1, zh-CN;q=0.8, en;q=0.5"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    #[test]
    fn messages_are_resolved_as_fluent_resolves_them() {
        for lang in Lang::ALL {
            // Every message without arguments resolves (the catalog's ids
            // are read right), and to its text.
            for line in lang
                .catalog()
                .iter()
                .flat_map(|f| f.lines())
                .filter(|l| l.contains(" = ") && !l.starts_with('#') && !l.contains('{'))
            {
                let (key, text) = line.split_once(" = ").unwrap();
                assert_eq!(lang.t(key), text.trim(), "{key} in {}", lang.code());
            }
        }
        assert_eq!(Lang::Zh.t("ballot-submitted"), "选票已提交。");
        assert_eq!(Lang::En.t("ballot-submitted"), "Your ballot is submitted.");
        // Not in the catalog: Fluent's own answer.
        assert!(!Lang::En.has("no-such-message"));
        assert_eq!(Lang::En.t("no-such-message"), LOCALES.lookup(Lang::En.id(), "no-such-message"));
    }

    #[test]
    fn arguments_are_filled_in() {
        let m = Msg::new("err-too-long").arg("max", 32);
        assert!(Lang::Zh.msg(&m).contains("32"));
        assert!(Lang::En.msg(&m).contains("32"));
    }
}
