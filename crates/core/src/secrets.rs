//! The server key: a secret kept outside the database (a file beside it), so
//! that what the database holds for anonymous ballots and drafts is opaque to
//! anyone who can read the database but not the server's files.
//!
//! Everything is derived from one 256-bit master key: AES-256-GCM for sealed
//! data (a random 96-bit nonce per message, the purpose as associated data)
//! and HMAC-SHA-256 for keyed digests. The key is never printed.

use rand::RngCore;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;

/// The first line of a key file.
const HEADER: &str = "kaoping server key v1";

/// The key's length in bytes.
pub const KEY_LEN: usize = 32;

/// Sealed data that cannot be opened: another key, or altered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sealed data cannot be opened with this server key (another key, or altered)")]
pub struct OpenError;

pub struct ServerKey {
    master: [u8; KEY_LEN],
    aead: LessSafeKey,
    mac: hmac::Key,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    pub fn from_bytes(master: [u8; KEY_LEN]) -> Self {
        let root = hmac::Key::new(hmac::HMAC_SHA256, &master);
        let derive = |label: &str| hmac::sign(&root, label.as_bytes());
        let aead = UnboundKey::new(&AES_256_GCM, derive("kaoping/aead").as_ref()).expect("a 256-bit AES key");
        let mac = hmac::Key::new(hmac::HMAC_SHA256, derive("kaoping/mac").as_ref());
        Self { master, aead: LessSafeKey::new(aead), mac }
    }

    /// A new random key.
    pub fn generate() -> Self {
        let mut master = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut master);
        Self::from_bytes(master)
    }

    /// The key file's text.
    pub fn to_file_text(&self) -> String {
        format!("{HEADER}\n{}\n", hex::encode(self.master))
    }

    /// Read a key file's text.
    pub fn from_file_text(text: &str) -> Result<Self, String> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next() != Some(HEADER) {
            return Err(format!("not a kaoping key file (the first line is not `{HEADER}`)"));
        }
        let hex_key = lines.next().ok_or("the key file has no key line")?;
        let bytes = hex::decode(hex_key).map_err(|_| "the key line is not hexadecimal")?;
        let master: [u8; KEY_LEN] =
            bytes.try_into().map_err(|_| format!("the key is not {KEY_LEN} bytes ({} hex digits)", KEY_LEN * 2))?;
        Ok(Self::from_bytes(master))
    }

    /// Encrypt and authenticate `plain` for `purpose` (which must match on
    /// opening): nonce, then ciphertext and tag.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(NONCE_LEN + plain.len() + AES_256_GCM.tag_len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let tag = self
            .aead
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.as_bytes()),
                &mut out[NONCE_LEN..],
            )
            .expect("AES-GCM seals any message of this size");
        out.extend_from_slice(tag.as_ref());
        out
    }

    /// The plaintext of [`Self::seal`]'s output for the same purpose.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(OpenError);
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError)?;
        let mut buf = rest.to_vec();
        let plain = self.aead.open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut buf).map_err(|_| OpenError)?;
        let n = plain.len();
        buf.truncate(n);
        Ok(buf)
    }

    /// A keyed digest of `data` for `purpose`: without the key it can be
    /// neither computed nor checked.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.mac);
        ctx.update(purpose.as_bytes());
        ctx.update(&[0]);
        ctx.update(data);
        ctx.sign().as_ref().try_into().expect("HMAC-SHA-256 is 32 bytes")
    }

    /// `data` (at most 32 bytes) XOR a pad derived from `purpose` and
    /// `nonce`: applied twice, the data again. The same nonce must never mask
    /// two different values.
    pub fn mask(&self, purpose: &str, nonce: &[u8], data: &[u8]) -> Vec<u8> {
        let pad = self.mac(purpose, nonce);
        data.iter().zip(pad.iter().cycle()).map(|(d, p)| d ^ p).collect()
    }
}

/// `bytes` followed by spaces up to the next power of two of at least
/// `min` bytes: the length of what is sealed then tells little of what it
/// holds (JSON ignores the trailing spaces).
pub fn padded(mut bytes: Vec<u8>, min: usize) -> Vec<u8> {
    let target = bytes.len().max(min).next_power_of_two();
    bytes.resize(target, b' ');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_its_key_and_purpose() {
        let k = ServerKey::generate();
        let s = k.seal("ballot", b"{\"a\":1}");
        assert_eq!(k.open("ballot", &s).unwrap(), b"{\"a\":1}");
        assert_eq!(k.open("draft", &s), Err(OpenError));
        assert_eq!(ServerKey::generate().open("ballot", &s), Err(OpenError));
        let mut altered = s.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(k.open("ballot", &altered), Err(OpenError));
        assert_eq!(k.open("ballot", &s[..10]), Err(OpenError));
        // A fresh nonce each time: the same message seals differently.
        assert_ne!(k.seal("ballot", b"x"), k.seal("ballot", b"x"));
    }

    #[test]
    fn the_key_file_round_trips_and_bad_files_are_named() {
        let k = ServerKey::generate();
        let again = ServerKey::from_file_text(&k.to_file_text()).unwrap();
        assert_eq!(again.mac("p", b"d"), k.mac("p", b"d"));
        assert!(ServerKey::from_file_text("hello\n00").unwrap_err().contains("not a kaoping key file"));
        assert!(ServerKey::from_file_text(&format!("{HEADER}\nzz")).unwrap_err().contains("hexadecimal"));
        assert!(ServerKey::from_file_text(&format!("{HEADER}\n0011")).unwrap_err().contains("32 bytes"));
        assert!(!format!("{k:?}").contains(&hex::encode(k.master)));
    }

    #[test]
    fn masks_undo_themselves_and_depend_on_the_nonce() {
        let k = ServerKey::generate();
        let data = [7u8; 32];
        let m = k.mask("receipt", b"n1", &data);
        assert_ne!(m, data);
        assert_eq!(k.mask("receipt", b"n1", &m), data);
        assert_ne!(k.mask("receipt", b"n2", &data), m);
        assert_ne!(k.mac("a", b"x"), k.mac("b", b"x"));
    }

    #[test]
    fn padding_rounds_up_to_a_power_of_two() {
        assert_eq!(padded(vec![b'x'; 10], 4096).len(), 4096);
        assert_eq!(padded(vec![b'x'; 4097], 4096).len(), 8192);
        assert_eq!(padded(vec![b'x'; 4096], 4096).len(), 4096);
    }
}
