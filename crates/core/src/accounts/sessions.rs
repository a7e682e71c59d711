//! Login, sessions, second factor and password changes.

use crate::accounts::Account;
use crate::accounts::auth::{self, LockoutPolicy, PasswordPolicy, totp};
use crate::accounts::scope::Actor;
use crate::accounts::service::AccountService;
use crate::audit::{AuditDraft, AuditResult};
use crate::error::{CoreError, FieldError, Msg, Result};
use crate::ports::SessionRecord;
use crate::services::Caller;
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Authentication settings (from the config file or env).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthConfig {
    pub password: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// Minutes of inactivity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends regardless.
    pub session_absolute_hours: i64,
    /// Require a TOTP second factor for system and organizer admins.
    pub require_totp_for_admins: bool,
    /// Seconds a node reuses a session and its account it has read (0: read
    /// on every request). Changes made on the same node apply at once; with
    /// several nodes, a logout or lock made on another node applies within
    /// this time.
    pub cache_seconds: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            password: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            require_totp_for_admins: false,
            cache_seconds: 2,
        }
    }
}

/// A session is refreshed at most this often, so that reads stay reads.
pub(crate) const TOUCH_EVERY: Duration = Duration::seconds(60);

/// What a successful password check leads to.
#[derive(Debug)]
pub struct LoginOutcome {
    /// The new session token for the cookie (shown once, stored only as a digest).
    pub token: String,
    pub mfa_pending: bool,
}

/// The state of a live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub digest: String,
    pub actor: Actor,
    pub mfa_pending: bool,
    pub must_change_password: bool,
    pub must_enroll_totp: bool,
    pub totp_enabled: bool,
    pub lang: Option<String>,
}

fn login_audit(username: &str, client: Option<String>, account: Option<&Account>) -> AuditDraft {
    AuditDraft::new(
        account.map(|a| a.id),
        username.chars().take(64).collect::<String>(),
        client,
        "auth.login",
        "session",
    )
}

impl AccountService {
    /// Check a username and password; on success open a session.
    ///
    /// Failed passwords are throttled per client address and username
    /// (`throttle`): the same answers, after the same work, whether the
    /// account exists or not, and no client can lock an account for others.
    /// An account is locked for everyone only by an administrator, or by
    /// wrong second-factor codes (which need the password).
    pub async fn login(&self, username: &str, password: &str, client: Option<String>) -> Result<LoginOutcome> {
        let now = self.common.clock.now();
        let username = username.trim();
        let from = client.as_deref();
        if let Some(until) = self.login_throttle.locked(from, username, now) {
            let d = login_audit(username, client, None).result(AuditResult::Denied).detail("throttled");
            self.ports.audit_append(&d).await?;
            return Err(CoreError::locked(now, until));
        }
        let account = self.ports.account_by_username(username).await?;
        let account = account.filter(|a| a.active);
        // The same work for unknown names, so timing does not tell them apart.
        let hash = account.as_ref().map_or(auth::dummy_hash(), |a| a.password_hash.as_str());
        let password_ok = auth::verify_password(password, hash) && account.is_some();
        let locked = account.as_ref().and_then(|a| a.locked_until).filter(|u| *u > now);
        let account = match account {
            Some(a) if password_ok && locked.is_none() => a,
            account => {
                let why = match (&account, locked) {
                    (None, _) => "unknown or inactive account",
                    (Some(_), Some(_)) => "account locked",
                    (Some(_), None) => "wrong password",
                };
                let d = login_audit(username, client.clone(), account.as_ref()).result(AuditResult::Failed).detail(why);
                self.ports.audit_append(&d).await?;
                return Err(match (self.login_throttle.failed(from, username, now), locked) {
                    (Some(until), _) => CoreError::locked(now, until),
                    // Locked by an administrator or by guessed codes, and the
                    // password was right: say so (the account's owner asks).
                    (None, Some(until)) if password_ok => CoreError::locked(now, until),
                    _ => CoreError::Unauthenticated,
                });
            }
        };
        self.login_throttle.succeeded(from, username);
        let audit = login_audit(username, client, Some(&account));
        let mfa_pending = account.totp_secret.is_some();
        if mfa_pending {
            // The failure count is reset only when the second factor passes,
            // so that password logins cannot reset the TOTP guess budget.
            self.ports.audit_append(&audit.detail("password ok, second factor due")).await?;
        } else {
            self.ports.account_login_ok(account.id, now, &audit.detail("ok")).await?;
        }
        let token = auth::random_token(32);
        let record = SessionRecord {
            digest: auth::token_digest(&token),
            account_id: account.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::hours(self.common.auth.session_absolute_hours),
            mfa_pending,
        };
        self.ports.session_create(&record).await?;
        Ok(LoginOutcome { token, mfa_pending })
    }

    /// Resolve a session cookie to a live session, refreshing its idle timer
    /// at most once a minute. Expired sessions are removed.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let now = self.common.clock.now();
        let digest = auth::token_digest(token);
        let cached = self.sessions.get(&digest);
        let (mut s, account) = match cached {
            Some(hit) => hit,
            None => match self.ports.session_get(&digest).await? {
                Some(row) => {
                    self.sessions.put(digest.clone(), row.clone());
                    row
                }
                None => return Ok(None),
            },
        };
        if s.expires_at <= now
            || s.last_seen_at + Duration::minutes(self.common.auth.session_idle_minutes) <= now
            || !account.active
        {
            self.sessions.forget(&digest);
            self.ports.session_delete(&digest).await?;
            return Ok(None);
        }
        if now - s.last_seen_at >= TOUCH_EVERY {
            self.ports.session_touch(&digest, now).await?;
            s.last_seen_at = now;
            self.sessions.put(digest.clone(), (s.clone(), account.clone()));
        }
        let actor = match self.common.actors.get(&account.id) {
            Some(a) => a,
            None => {
                let a = self.actor_for(&account).await?;
                self.common.actors.put(account.id, a.clone());
                a
            }
        };
        let must_enroll_totp = self.common.auth.require_totp_for_admins
            && account.totp_secret.is_none()
            && actor.roles.iter().any(|r| r.is_admin());
        Ok(Some(SessionInfo {
            digest,
            actor,
            mfa_pending: s.mfa_pending,
            must_change_password: account.must_change_password,
            must_enroll_totp,
            totp_enabled: account.totp_secret.is_some(),
            lang: account.lang.clone(),
        }))
    }

    async fn actor_for(&self, account: &Account) -> Result<Actor> {
        let (grants, scopes) = self.ports.account_scopes(account.id).await?;
        let brief = self.ports.person_brief(account.person_id).await?;
        let (name, post, unit_name) = match brief {
            Some((n, p, u)) => (Some(n), p, u),
            None => (None, String::new(), None),
        };
        Ok(Actor {
            account_id: account.id,
            person_id: account.person_id,
            username: account.username.clone(),
            display_name: name.unwrap_or_else(|| account.username.clone()),
            post,
            unit_name,
            roles: grants.iter().map(|g| g.role).collect(),
            scopes,
        })
    }

    /// Complete a login with a TOTP code; the new session's token (the
    /// half-logged-in session ends: its id is not reused once privileged).
    pub async fn login_totp(&self, session: &SessionInfo, code: &str, client: Option<String>) -> Result<String> {
        let account = self.ports.account_get(session.actor.account_id).await?.ok_or(CoreError::Unauthenticated)?;
        let now = self.common.clock.now();
        let audit = AuditDraft::new(Some(account.id), account.username.clone(), client, "auth.totp", "session");
        if let Some(until) = account.locked_until.filter(|u| *u > now) {
            self.ports.audit_append(&audit.result(AuditResult::Denied).detail("account locked")).await?;
            return Err(CoreError::locked(now, until));
        }
        let step = account.totp_secret.as_deref().and_then(|s| totp::check(s, code, now.timestamp().max(0) as u64));
        // A code is accepted once: its time step must be later than the last used.
        let fresh = match step {
            Some(st) => self.ports.account_totp_step(account.id, st as i64).await?,
            None => false,
        };
        if !fresh {
            let why = if step.is_some() { "code already used" } else { "wrong code" };
            let d = audit.result(AuditResult::Failed).detail(why);
            let (_, locked) = self.ports.account_login_failed(account.id, &self.common.auth.lockout, now, &d).await?;
            if let Some(until) = locked {
                // Every half-finished login of the account ends with the lock.
                self.ports.session_delete_account(account.id, None).await?;
                self.forget_account(account.id);
                return Err(CoreError::locked(now, until));
            }
            return Err(CoreError::invalid("code", Msg::new("err-totp-code")));
        }
        self.ports.account_login_ok(account.id, now, &audit).await?;
        self.renew_session(account.id, &session.digest).await
    }

    /// A new session for the account in place of `old` (after the second
    /// factor, after a password change): a session id an attacker may have
    /// planted or seen before does not carry the new privilege.
    async fn renew_session(&self, account: crate::ids::AccountId, old: &str) -> Result<String> {
        let now = self.common.clock.now();
        let token = auth::random_token(32);
        let record = SessionRecord {
            digest: auth::token_digest(&token),
            account_id: account,
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::hours(self.common.auth.session_absolute_hours),
            mfa_pending: false,
        };
        self.ports.session_create(&record).await?;
        self.ports.session_delete(old).await?;
        self.sessions.forget(&old.to_string());
        Ok(token)
    }

    pub async fn logout(&self, caller: &Caller, digest: &str) -> Result<()> {
        self.ports.session_delete(digest).await?;
        self.sessions.forget(&digest.to_string());
        self.ports.audit_append(&caller.audit("auth.logout", "session")).await?;
        Ok(())
    }

    /// End every session of the caller's account, on every device.
    pub async fn logout_everywhere(&self, caller: &Caller) -> Result<u64> {
        let n = self.ports.session_delete_account(caller.actor.account_id, None).await?;
        self.forget_account(caller.actor.account_id);
        self.ports.audit_append(&caller.audit("auth.logout_all", "session").detail(format!("{n} sessions"))).await?;
        Ok(n)
    }

    /// Change one's own password (also the forced change at first login).
    /// Every session of the account ends; `renew`, the digest of the session
    /// making the change, is replaced by a new one, whose token is returned.
    pub async fn change_password(
        &self,
        caller: &Caller,
        renew: Option<&str>,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<Option<String>> {
        let account = self.ports.account_get(caller.actor.account_id).await?.ok_or(CoreError::Unauthenticated)?;
        let mut errs = Vec::new();
        if !auth::verify_password(current, &account.password_hash) {
            errs.push(FieldError::new("current", Msg::new("err-password-current")));
        }
        errs.extend(
            self.common
                .auth
                .password
                .check(new, &account.username)
                .into_iter()
                .map(|m| FieldError::new("new_password", m)),
        );
        if new != confirm {
            errs.push(FieldError::new("confirm", Msg::new("err-password-confirm")));
        }
        if errs.is_empty() {
            // Not the current password nor one of the four before it.
            let history = self.ports.account_password_history(account.id).await?;
            if std::iter::once(&account.password_hash).chain(&history).any(|h| auth::verify_password(new, h)) {
                errs.push(FieldError::new("new_password", Msg::new("err-password-reused")));
            }
        }
        if !errs.is_empty() {
            return Err(CoreError::Invalid(errs));
        }
        let hash = auth::hash_password(new);
        let audit = caller.audit("account.password_change", format!("account:{}", account.id));
        self.ports.account_set_password(account.id, &hash, false, &audit).await?;
        // Other devices must log in again with the new password.
        self.ports.session_delete_account(account.id, renew).await?;
        self.forget_account(account.id);
        match renew {
            Some(old) => self.renew_session(account.id, old).await.map(Some),
            None => Ok(None),
        }
    }

    /// Turn on TOTP for one's own account after checking a first code.
    pub async fn enable_totp(&self, caller: &Caller, secret: &str, code: &str) -> Result<()> {
        let account = self.ports.account_get(caller.actor.account_id).await?.ok_or(CoreError::Unauthenticated)?;
        if account.totp_secret.is_some() {
            return Err(CoreError::Conflict(Msg::new("err-totp-already")));
        }
        if !totp::valid_secret(secret) {
            return Err(CoreError::invalid("secret", Msg::new("err-totp-code")));
        }
        let now = self.common.clock.now().timestamp().max(0) as u64;
        let Some(step) = totp::check(secret, code, now) else {
            return Err(CoreError::invalid("code", Msg::new("err-totp-code")));
        };
        let audit = caller.audit("account.totp_enable", format!("account:{}", caller.actor.account_id));
        self.ports.account_set_totp(caller.actor.account_id, Some(secret), &audit).await?;
        // The enrolment code is spent: it cannot also complete a login.
        self.ports.account_totp_step(caller.actor.account_id, step as i64).await?;
        self.forget_account(caller.actor.account_id);
        Ok(())
    }

    /// Turn off one's own TOTP, unless the config requires it.
    pub async fn disable_totp(&self, caller: &Caller, current_password: &str) -> Result<()> {
        if self.common.auth.require_totp_for_admins && caller.actor.roles.iter().any(|r| r.is_admin()) {
            return Err(CoreError::Conflict(Msg::new("err-totp-required")));
        }
        let account = self.ports.account_get(caller.actor.account_id).await?.ok_or(CoreError::Unauthenticated)?;
        if !auth::verify_password(current_password, &account.password_hash) {
            return Err(CoreError::invalid("current", Msg::new("err-password-current")));
        }
        let audit = caller.audit("account.totp_disable", format!("account:{}", account.id));
        self.ports.account_set_totp(account.id, None, &audit).await?;
        self.forget_account(account.id);
        Ok(())
    }

    pub async fn set_language(&self, caller: &Caller, lang: Option<&str>) -> Result<()> {
        self.ports.account_set_lang(caller.actor.account_id, lang).await?;
        self.forget_account(caller.actor.account_id);
        Ok(())
    }

    /// Remove expired and idle sessions (run periodically).
    pub async fn purge_sessions(&self) -> Result<u64> {
        let now = self.common.clock.now();
        self.sessions.clear();
        self.ports.session_purge(now, now - Duration::minutes(self.common.auth.session_idle_minutes)).await
    }

    /// When a locked account opens again (for messages).
    pub fn lock_minutes(&self) -> i64 {
        self.common.auth.lockout.lock_minutes
    }
}
