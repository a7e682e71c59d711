//! The audit anchor file: the head of the audit chain (sequence number and
//! hash), appended and synced outside the database every minute and at every
//! seal, so that `kaoping audit verify` finds newest entries deleted, or the
//! chain rebuilt, by someone who controls the database.

use crate::config::Config;
use kaoping_core::audit::{Anchor, AnchorSink};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where the anchors go: `audit_anchor_file`, else `audit-anchors.log` in
/// the data folder.
pub fn anchor_path(cfg: &Config) -> PathBuf {
    if cfg.audit_anchor_file.as_os_str().is_empty() {
        cfg.data.join("audit-anchors.log")
    } else {
        cfg.audit_anchor_file.clone()
    }
}

/// Appends anchors to a file, and sends each to syslog when configured,
/// skipping one equal to the last it wrote.
pub struct AnchorFile {
    path: PathBuf,
    syslog: Option<PathBuf>,
    last: Mutex<Option<(i64, String)>>,
}

impl AnchorFile {
    pub fn new(path: PathBuf, syslog: Option<PathBuf>) -> Self {
        Self { path, syslog, last: Mutex::new(None) }
    }

    /// One RFC 3164 datagram to the local syslog socket, facility authpriv
    /// (security records), severity info.
    fn send_to_syslog(socket: &Path, a: &Anchor) -> std::io::Result<()> {
        const AUTHPRIV_INFO: u8 = 10 * 8 + 6;
        let msg = format!("<{AUTHPRIV_INFO}>kaoping[{}]: audit anchor {}", std::process::id(), a.line().trim_end());
        std::os::unix::net::UnixDatagram::unbound()?.send_to(msg.as_bytes(), socket)?;
        Ok(())
    }
}

impl AnchorSink for AnchorFile {
    fn append(&self, a: &Anchor) -> std::io::Result<()> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_ref().is_some_and(|(seq, hash)| *seq == a.seq && *hash == a.hash) {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        f.write_all(a.line().as_bytes())?;
        f.sync_data()?;
        *last = Some((a.seq, a.hash.clone()));
        match &self.syslog {
            Some(socket) => Self::send_to_syslog(socket, a),
            None => Ok(()),
        }
    }
}

/// The anchors of a file, in order; lines that are not anchors are named.
pub fn read(path: &Path) -> Result<Vec<Anchor>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            Anchor::parse(l).ok_or_else(|| format!("{} line {}: not an anchor: {l:?}", path.display(), i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_appended_once_each_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let f = AnchorFile::new(dir.path().join("a/anchors.log"), None);
        let a = Anchor { at: kaoping_core::time::from_micros(1_800_000_000_000_000), seq: 3, hash: "0".repeat(64) };
        f.append(&a).unwrap();
        f.append(&a).unwrap();
        f.append(&Anchor { seq: 4, ..a.clone() }).unwrap();
        let back = read(&dir.path().join("a/anchors.log")).unwrap();
        assert_eq!(back.iter().map(|a| a.seq).collect::<Vec<_>>(), [3, 4]);
        std::fs::write(dir.path().join("bad.log"), "nonsense\n").unwrap();
        assert!(read(&dir.path().join("bad.log")).unwrap_err().contains("line 1: not an anchor"));
    }

    #[test]
    fn anchors_also_go_to_a_syslog_socket() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("log.sock");
        let syslog = std::os::unix::net::UnixDatagram::bind(&socket).unwrap();
        let f = AnchorFile::new(dir.path().join("anchors.log"), Some(socket));
        let a = Anchor { at: kaoping_core::time::from_micros(1_800_000_000_000_000), seq: 7, hash: "ab".repeat(32) };
        f.append(&a).unwrap();
        let mut buf = [0u8; 512];
        let n = syslog.recv(&mut buf).unwrap();
        let msg = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(msg.starts_with("<86>kaoping["), "{msg}");
        let line = msg.split_once("audit anchor ").unwrap().1;
        assert_eq!(Anchor::parse(line).map(|b| (b.seq, b.hash)), Some((7, "ab".repeat(32))));
    }
}
