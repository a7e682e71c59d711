//! The server key file (`kaoping_core::secrets`): read, or made on first use.
//!
//! It lives outside the database — by default `kaoping.key` in the data
//! folder — so that a copy of the database alone does not open sealed
//! anonymous ballots or drafts. Every node of one database needs the same
//! file, and a backup of the database needs it too (docs/security.md).

use crate::config::Config;
use kaoping_core::secrets::ServerKey;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the key file is: `key_file`, else `kaoping.key` in the data folder.
pub fn key_path(cfg: &Config) -> PathBuf {
    if cfg.key_file.as_os_str().is_empty() { cfg.data.join("kaoping.key") } else { cfg.key_file.clone() }
}

/// The server key: read from its file, or, when there is none, a new key
/// written there (mode 0600, synced with its folder before any use).
pub fn load_or_create(cfg: &Config) -> Result<Arc<ServerKey>, String> {
    let path = key_path(cfg);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            ServerKey::from_file_text(&text).map(Arc::new).map_err(|e| format!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path).map(Arc::new),
        Err(e) => Err(format!("cannot read the server key {}: {e}", path.display())),
    }
}

fn create(path: &Path) -> Result<ServerKey, String> {
    let err = |e: std::io::Error| format!("cannot write the server key {}: {e}", path.display());
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let key = ServerKey::generate();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(key.to_file_text().as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    // The file's name is durable only once its folder is synced.
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(err)?;
    tracing::info!(path = %path.display(), "a new server key was written; back it up with the database");
    Ok(key)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the server key can be read by other users; chmod 600 it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_then_read_back() {
        let dir = kaoping_store::testing::TempDir::new();
        let cfg = Config { data: dir.0.clone(), ..Default::default() };
        let first = load_or_create(&cfg).unwrap();
        let again = load_or_create(&cfg).unwrap();
        assert_eq!(first.mac("p", b"x"), again.mac("p", b"x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&cfg)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(key_path(&cfg), "garbage").unwrap();
        assert!(load_or_create(&cfg).unwrap_err().contains("not a kaoping key file"));
    }
}
