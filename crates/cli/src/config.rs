//! Configuration: defaults, then an optional TOML file, then `KAOPING_*`
//! environment variables (nested keys with `__`, e.g.
//! `KAOPING_AUTH__SESSION_IDLE_MINUTES=20`), then command-line flags.

use kaoping_core::services::AuthConfig;
use kaoping_web::WebConfig;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A secret string: never printed by `Debug` or logs.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() { f.write_str("\"\"") } else { write!(f, "\"{}\"", kaoping_store::redact_url(&self.0)) }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Data folder (SQLite database).
    pub data: PathBuf,
    /// PostgreSQL URL; when set, used instead of the data folder's SQLite.
    pub database_url: Secret,
    /// The server key file (docs/security.md); empty: `kaoping.key` in the
    /// data folder, made on first use.
    pub key_file: PathBuf,
    /// Where the head of the audit chain is appended every minute and at
    /// every seal; empty: `audit-anchors.log` in the data folder.
    pub audit_anchor_file: PathBuf,
    /// A syslog socket (e.g. `/dev/log`) that also receives every anchor,
    /// so a copy leaves the machine's files; empty: none.
    pub audit_anchor_syslog: PathBuf,
    /// `text` or `json`.
    pub log_format: String,
    /// Log filter, e.g. `info` or `kaoping=debug,info`.
    pub log: String,
    pub web: WebConfig,
    pub auth: AuthConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data: PathBuf::from("kaoping-data"),
            database_url: Secret::default(),
            key_file: PathBuf::new(),
            audit_anchor_file: PathBuf::new(),
            audit_anchor_syslog: PathBuf::new(),
            log_format: "text".into(),
            log: "info,memory_serve=warn,sea_orm_migration=warn,sqlx=warn".into(),
            web: WebConfig::default(),
            // Level 3 (等保 2.0): admins need a second factor; the demo turns it off.
            auth: AuthConfig { require_totp_for_admins: true, ..AuthConfig::default() },
        }
    }
}

/// Environment variables with our prefix that are not configuration.
const NOT_CONFIG: &[&str] = &["config", "test_database_url", "bin", "e2e_keep", "require_libreoffice"];

/// Keys present in `loaded` but not in `known`, as dotted paths.
fn unknown_keys(loaded: &serde_json::Value, known: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    if let (Some(l), Some(k)) = (loaded.as_object(), known.as_object()) {
        for (key, v) in l {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match k.get(key) {
                None if prefix.is_empty() && NOT_CONFIG.contains(&key.as_str()) => {}
                None => out.push(path),
                Some(kv) => unknown_keys(v, kv, &path, out),
            }
        }
    }
}

/// Load the configuration; returns it with warnings about unknown keys.
pub fn load(file: Option<&std::path::Path>) -> Result<(Config, Vec<String>), String> {
    let mut b = config::Config::builder();
    if let Some(f) = file {
        if !f.exists() {
            return Err(format!("configuration file {} does not exist", f.display()));
        }
        b = b.add_source(config::File::from(f.to_path_buf()).format(config::FileFormat::Toml));
    }
    b = b.add_source(
        config::Environment::with_prefix("KAOPING")
            .prefix_separator("_")
            .separator("__")
            .list_separator(",")
            .with_list_parse_key("web.trusted_origins")
            .try_parsing(true),
    );
    let raw = b.build().map_err(|e| e.to_string())?;
    let loaded: serde_json::Value = raw.clone().try_deserialize().map_err(|e| e.to_string())?;
    let known = serde_json::to_value(Config::default()).map_err(|e| e.to_string())?;
    let mut unknown = Vec::new();
    unknown_keys(&loaded, &known, "", &mut unknown);
    let cfg: Config = raw.try_deserialize().map_err(|e| format!("invalid configuration: {e}"))?;
    Ok((cfg, unknown.into_iter().map(|k| format!("unknown configuration key `{k}` ignored")).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_from_debug() {
        let c = Config { database_url: Secret("postgres://kp:hunter2@db/kp".into()), ..Default::default() };
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("postgres://kp:***@db/kp"));
    }

    #[test]
    fn files_load_and_unknown_keys_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("kaoping.toml");
        std::fs::write(&f, "listen = \"0.0.0.0:9000\"\nbogus = 1\n[auth]\nsession_idle_minutes = 20\n[web]\nlogin_per_minute = 3\nnope = true\n").unwrap();
        let (c, warnings) = load(Some(&f)).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.auth.session_idle_minutes, 20);
        assert_eq!(c.web.login_per_minute, 3);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("`bogus`")));
        assert!(warnings.iter().any(|w| w.contains("`web.nope`")));
    }
}
