//! Accounts and roles.

pub mod auth;
pub mod port;
pub mod scope;
pub mod service;
pub mod sessions;
pub(crate) mod throttle;

use crate::ids::{AccountId, OrgUnitId, PersonId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an account may do. Organizer admins and community admins hold their
/// role over one or more org subtrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    OrganizerAdmin,
    Subject,
    Evaluator,
    CommunityAdmin,
    PartyMember,
    Observer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Self::SystemAdmin,
        Self::OrganizerAdmin,
        Self::Subject,
        Self::Evaluator,
        Self::CommunityAdmin,
        Self::PartyMember,
        Self::Observer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemAdmin => "system_admin",
            Self::OrganizerAdmin => "organizer_admin",
            Self::Subject => "subject",
            Self::Evaluator => "evaluator",
            Self::CommunityAdmin => "community_admin",
            Self::PartyMember => "party_member",
            Self::Observer => "observer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the role is held over org subtrees.
    pub fn is_scoped(self) -> bool {
        matches!(self, Self::OrganizerAdmin | Self::CommunityAdmin)
    }

    /// Administrators, for whom the config may require a second factor.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::SystemAdmin | Self::OrganizerAdmin)
    }

    pub fn label_key(self) -> String {
        format!("role-{}", self.as_str().replace('_', "-"))
    }
}

/// One role held by an account, over an org subtree when the role is scoped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub org_unit_id: Option<OrgUnitId>,
}

/// A stored account. The password hash and TOTP secret never leave the
/// store except to be checked.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub person_id: PersonId,
    pub username: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub lang: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<hidden>")
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| "<hidden>"))
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// A row of the account list.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    pub id: AccountId,
    pub person_id: PersonId,
    pub username: String,
    pub person_name: String,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub totp_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub grants: Vec<RoleGrant>,
}

pub const USERNAME_MAX: usize = 64;

/// Usernames: 3–64 characters of ASCII letters, digits, `.`, `_`, `-`.
pub fn valid_username(u: &str) -> bool {
    (3..=USERNAME_MAX).contains(&u.len()) && u.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}
