//! Stored files (report attachments, progress evidence), kept once by
//! the digest of their bytes.

/// A stored file, to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub digest: String,
    pub media_type: String,
    pub data: Vec<u8>,
}

/// The content address of a stored file: SM3 of its bytes (hex).
pub fn content_digest(data: &[u8]) -> String {
    use sm3::{Digest, Sm3};
    hex::encode(Sm3::digest(data))
}
