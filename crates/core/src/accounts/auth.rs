//! Passwords (argon2id), the password policy, session and link tokens, TOTP,
//! and the lockout rule.

use crate::error::Msg;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

/// Password rules, configurable.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// How many of the classes lower case, upper case, digit, other are required.
    pub min_classes: usize,
    /// The least zxcvbn score (0–4) a password must reach: 3 means "safely
    /// unguessable" (about 10⁸ guesses); `Password12`, `P@ssw0rd12` and
    /// `Qwerty12345` score lower.
    pub min_strength: u8,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 10, min_classes: 3, min_strength: 3 }
    }
}

impl PasswordPolicy {
    /// Every rule the password breaks (empty: acceptable).
    pub fn check(&self, password: &str, username: &str) -> Vec<Msg> {
        let mut out = Vec::new();
        if password.chars().count() < self.min_length {
            out.push(Msg::new("err-password-length").arg("min", self.min_length));
        }
        if password.len() > 256 {
            out.push(Msg::new("err-too-long").arg("max", 256));
        }
        let classes = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            out.push(Msg::new("err-password-classes").arg("min", self.min_classes));
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            out.push(Msg::new("err-password-username"));
        }
        // Only worth estimating once the plain rules pass (and bounded: the
        // estimate's cost grows with the length).
        if out.is_empty() && u8::from(zxcvbn::zxcvbn(password, &[username]).score()) < self.min_strength {
            out.push(Msg::new("err-password-weak"));
        }
        out
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How many previous passwords an account may not return to, besides the
/// current one: together, "not one of the last five".
pub const PASSWORD_HISTORY: usize = 4;

/// Hash a password with argon2id and a fresh salt (PHC string).
pub fn hash_password(password: &str) -> String {
    argon2().hash_password(password.as_bytes()).expect("argon2 hashing does not fail with valid params").to_string()
}

/// Check a password against a PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to check against when the account does not exist, so that the
/// response time does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("kaoping-dummy-password"))
}

/// A random token of `bytes` random bytes, hex encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The SM3 hash (hex) of a secret token, as stored: the database never holds
/// a usable session id.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sm3::digest(token.as_bytes()))
}

/// A readable random password for generated accounts: 16 characters from
/// four classes, without look-alike characters.
pub fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"-_.!@#";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[(rng.next_u32() as usize) % set.len()] as char;
    let mut out = String::new();
    for i in 0..16 {
        let set = match i % 8 {
            3 => DIGIT,
            6 => UPPER,
            7 => OTHER,
            0 => UPPER,
            _ => LOWER,
        };
        out.push(pick(set));
    }
    out
}

/// Lockout rule: after `max_failures` consecutive failures, the account is
/// locked for `lock_minutes`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LockoutPolicy {
    pub max_failures: i32,
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { max_failures: 5, lock_minutes: 15 }
    }
}

impl LockoutPolicy {
    /// The lock to set after a failure that brings the count to `failures`.
    pub fn lock_after(&self, failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (failures >= self.max_failures).then(|| now + Duration::minutes(self.lock_minutes))
    }
}

/// TOTP (RFC 6238: SHA-1, 6 digits, 30 s, one step of skew).
pub mod totp {
    use totp_rs::{Builder, Secret, Totp};

    /// A fresh secret, base32 encoded.
    pub fn new_secret() -> String {
        let mut buf = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut buf);
        Secret::new_stack(buf).to_base32()
    }

    fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
        let secret = Secret::try_from_base32(secret_b32).ok()?;
        Builder::new().with_secret(secret).with_account_name(account).with_issuer(Some("kaoping")).build().ok()
    }

    /// Whether a base32 secret is one we would have made (160 bits).
    pub fn valid_secret(secret_b32: &str) -> bool {
        Secret::try_from_base32(secret_b32).is_ok_and(|s| s.as_bytes().len() == 20)
    }

    /// The `otpauth://` URL to show as a QR code or to type in.
    pub fn url(secret_b32: &str, account: &str) -> Option<String> {
        totp(secret_b32, account)?.to_url().ok()
    }

    /// Check a code at `unix_time`; returns the matched time step.
    pub fn check(secret_b32: &str, code: &str, unix_time: u64) -> Option<u64> {
        totp(secret_b32, "x")?.check(code.trim(), unix_time)
    }

    /// The code at `unix_time` (for tests and the demo).
    pub fn code_at(secret_b32: &str, unix_time: u64) -> Option<String> {
        Some(totp(secret_b32, "x")?.generate(unix_time).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash_password("Correct-Horse-9");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct-Horse-9", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy_names_each_rule() {
        let p = PasswordPolicy::default();
        assert!(p.check("Lanting-Xu-47", "zhang").is_empty());
        // Pass the plain rules, but are guessed at once.
        for weak in ["Password12", "P@ssw0rd12", "Qwerty12345"] {
            let keys: Vec<_> = p.check(weak, "zhang").iter().map(|m| m.key).collect();
            assert_eq!(keys, ["err-password-weak"], "{weak}");
        }
        let keys: Vec<_> = p.check("abc", "zhang").iter().map(|m| m.key).collect();
        assert_eq!(keys, ["err-password-length", "err-password-classes"]);
        assert!(p.check("Zhang-12345", "zhang").iter().any(|m| m.key == "err-password-username"));
    }

    #[test]
    fn generated_passwords_pass_the_default_policy() {
        for _ in 0..50 {
            let pw = generate_password();
            assert!(PasswordPolicy::default().check(&pw, "admin").is_empty(), "{pw}");
        }
    }

    #[test]
    fn lockout_after_max_failures() {
        let p = LockoutPolicy::default();
        let now = crate::time::from_micros(1_800_000_000_000_000);
        assert_eq!(p.lock_after(4, now), None);
        assert_eq!(p.lock_after(5, now), Some(now + Duration::minutes(15)));
    }

    #[test]
    fn totp_round_trip() {
        let s = totp::new_secret();
        let code = totp::code_at(&s, 1_000_000).unwrap();
        assert!(totp::check(&s, &code, 1_000_000).is_some());
        assert!(totp::check(&s, &code, 1_000_000 + 300).is_none());
        assert!(totp::url(&s, "admin").unwrap().starts_with("otpauth://totp/"));
    }

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let a = random_token(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token(32));
        assert_eq!(token_digest("abc"), token_digest("abc"));
        // SM3("abc") from GB/T 32905-2016 appendix A.
        assert_eq!(token_digest("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }
}
