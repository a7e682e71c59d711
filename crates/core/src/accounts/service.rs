//! Account administration: create accounts for people, grant roles, reset
//! passwords, unlock. Organizer admins act only within their subtrees: they
//! never grant the system admin role, never grant a scoped role (organizer or
//! community admin) over a unit outside their subtrees, and never manage an
//! account that reaches further than they do. They may grant the participant
//! roles (subject, evaluator, party member, observer), which carry no
//! standing powers: what a participant may do is decided per cycle.

use crate::accounts::auth;
use crate::accounts::{AccountSummary, Role, RoleGrant, valid_username};
use crate::error::{CoreError, FieldError, Msg, Result};
use crate::ids::{AccountId, OrgUnitId, PersonId};
use crate::ports::NewAccount;
use crate::services::Caller;

/// Input for a new account or new grants.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub username: String,
    pub grants: Vec<RoleGrant>,
}

/// A created account and its one-time password (shown once to the admin).
#[derive(Debug)]
pub struct CreatedAccount {
    pub id: AccountId,
    pub username: String,
    pub temporary_password: String,
}

crate::services::ports!(
    /// The ports the accounts service uses.
    AccountPorts: AccountStore, AuditStore, MetaStore, OrgStore, PersonStore, SessionStore
);

/// The service for the accounts, their sessions and sign-in.
#[derive(Clone)]
pub struct AccountService {
    pub(crate) ports: std::sync::Arc<dyn AccountPorts>,
    pub(crate) common: crate::services::Common,
    /// Sessions with their accounts recently read, by token digest.
    pub(crate) sessions:
        std::sync::Arc<crate::services::TtlCache<String, (crate::ports::SessionRecord, crate::accounts::Account)>>,
    /// Failed logins per client address and username (this node).
    pub(crate) login_throttle: std::sync::Arc<crate::accounts::throttle::LoginThrottle>,
}

impl AccountService {
    /// The caller's own account.
    pub async fn own_account(&self, caller: &Caller) -> Result<crate::accounts::Account> {
        self.ports.account_get(caller.actor.account_id).await?.ok_or(CoreError::Unauthenticated)
    }

    /// Counts for the administrator's home page, within the caller's scope.
    pub async fn admin_counts(&self, caller: &Caller) -> Result<crate::ports::Counts> {
        self.common.require_org_admin(caller, "home.counts").await?;
        self.ports.counts(caller.actor.admin_paths().as_deref(), self.common.clock.now()).await
    }

    pub async fn accounts_list(&self, caller: &Caller) -> Result<Vec<AccountSummary>> {
        self.common.require_org_admin(caller, "account.list").await?;
        let mut list = self.ports.account_list(caller.actor.admin_paths().as_deref()).await?;
        // A name some client is refused for wrong passwords shows as locked
        // too (on this node), so that an administrator can lift it.
        let throttled = self.login_throttle.locked_names(self.common.clock.now());
        for a in &mut list {
            if let Some(until) = throttled.get(&a.username.to_lowercase()) {
                a.locked_until = a.locked_until.max(Some(*until));
            }
        }
        Ok(list)
    }

    /// Check that the caller may hand out these grants.
    async fn check_grants(&self, caller: &Caller, grants: &[RoleGrant]) -> Result<()> {
        let mut errs = Vec::new();
        for g in grants {
            if g.role == Role::SystemAdmin && !caller.actor.is_system_admin() {
                return Err(self.common.deny(caller, "account.grant", "role:system_admin").await);
            }
            match (g.role.is_scoped(), g.org_unit_id) {
                (true, None) => {
                    errs.push(FieldError::new("grants", Msg::new("err-grant-needs-unit").arg("role", g.role.as_str())))
                }
                (false, Some(_)) => {
                    errs.push(FieldError::new("grants", Msg::new("err-grant-no-unit").arg("role", g.role.as_str())))
                }
                (true, Some(uid)) => {
                    let unit = self.ports.org_get(uid).await?;
                    match unit {
                        None => errs.push(FieldError::new("grants", Msg::new("err-org-unknown"))),
                        Some(u) if !caller.actor.can_admin(&u) => {
                            return Err(self.common.deny(caller, "account.grant", format!("org_unit:{uid}")).await);
                        }
                        Some(_) => {}
                    }
                }
                (false, None) => {}
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(CoreError::Invalid(errs)) }
    }

    async fn require_person_in_scope(&self, caller: &Caller, action: &str, person: PersonId) -> Result<()> {
        let row = self.ports.person_get(person).await?.ok_or(CoreError::NotFound("person"))?;
        let unit = self.ports.org_get(row.person.managed_by).await?.ok_or(CoreError::NotFound("org_unit"))?;
        if caller.actor.can_admin(&unit) {
            Ok(())
        } else {
            Err(self.common.deny(caller, action, format!("person:{person}")).await)
        }
    }

    async fn require_account_in_scope(
        &self,
        caller: &Caller,
        action: &str,
        id: AccountId,
    ) -> Result<crate::accounts::Account> {
        let account = self.ports.account_get(id).await?.ok_or(CoreError::NotFound("account"))?;
        self.common.require_org_admin(caller, action).await?;
        self.require_person_in_scope(caller, action, account.person_id).await?;
        // An organizer may not manage an account that reaches further than
        // they do: a system admin, or an admin of units outside their subtrees.
        if !caller.actor.is_system_admin() {
            let (grants, scopes) = self.ports.account_scopes(id).await?;
            let wider = grants.iter().any(|g| g.role == Role::SystemAdmin)
                || scopes.iter().any(|s| !caller.actor.can_admin_path(&s.path));
            if wider {
                return Err(self.common.deny(caller, action, format!("account:{id}")).await);
            }
        }
        Ok(account)
    }

    /// Create an account for a person, with a temporary password that must
    /// be changed at first login.
    pub async fn account_create(
        &self,
        caller: &Caller,
        person: PersonId,
        input: &AccountInput,
    ) -> Result<CreatedAccount> {
        self.common.require_org_admin(caller, "account.create").await?;
        self.require_person_in_scope(caller, "account.create", person).await?;
        let username = input.username.trim().to_string();
        if !valid_username(&username) {
            return Err(CoreError::invalid("username", Msg::new("err-username")));
        }
        if self.ports.account_for_person(person).await?.is_some() {
            return Err(CoreError::Conflict(Msg::new("err-person-has-account")));
        }
        if input.grants.is_empty() {
            return Err(CoreError::invalid("grants", Msg::new("err-grant-none")));
        }
        self.check_grants(caller, &input.grants).await?;
        let password = auth::generate_password();
        let new = NewAccount {
            person_id: person,
            username: username.clone(),
            password_hash: auth::hash_password(&password),
            must_change_password: true,
            grants: input.grants.clone(),
        };
        let audit = caller.audit("account.create", format!("person:{person}")).detail(&username);
        let account = self.ports.account_create(&new, &audit).await?;
        Ok(CreatedAccount { id: account.id, username, temporary_password: password })
    }

    pub async fn account_set_grants(&self, caller: &Caller, id: AccountId, grants: &[RoleGrant]) -> Result<()> {
        self.require_account_in_scope(caller, "account.grant", id).await?;
        if grants.is_empty() {
            return Err(CoreError::invalid("grants", Msg::new("err-grant-none")));
        }
        self.check_grants(caller, grants).await?;
        let detail = grants
            .iter()
            .map(|g| format!("{}{}", g.role.as_str(), g.org_unit_id.map(|u| format!("@{u}")).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(",");
        let audit = caller.audit("account.grant", format!("account:{id}")).detail(detail);
        self.ports.account_set_grants(id, grants, &audit).await?;
        self.forget_account(id);
        Ok(())
    }

    /// Give the account a new temporary password and end its sessions.
    pub async fn account_reset_password(&self, caller: &Caller, id: AccountId) -> Result<String> {
        self.require_account_in_scope(caller, "account.password_reset", id).await?;
        let password = auth::generate_password();
        let audit = caller.audit("account.password_reset", format!("account:{id}"));
        self.ports.account_set_password(id, &auth::hash_password(&password), true, &audit).await?;
        self.ports.session_delete_account(id, None).await?;
        self.forget_account(id);
        Ok(password)
    }

    /// Drop what this node has cached about an account (after a change).
    pub fn forget_account(&self, id: AccountId) {
        self.sessions.forget_where(|(_, a)| a.id == id);
        self.common.actors.forget(&id);
    }

    pub async fn account_unlock(&self, caller: &Caller, id: AccountId) -> Result<()> {
        self.require_account_in_scope(caller, "account.unlock", id).await?;
        self.ports.account_unlock(id, &caller.audit("account.unlock", format!("account:{id}"))).await?;
        self.forget_account(id);
        // Also the throttled logins of the name (on this node).
        if let Some(a) = self.ports.account_get(id).await? {
            self.login_throttle.clear(&a.username);
        }
        Ok(())
    }

    pub async fn account_set_active(&self, caller: &Caller, id: AccountId, active: bool) -> Result<()> {
        if id == caller.actor.account_id && !active {
            return Err(CoreError::Conflict(Msg::new("err-account-self-disable")));
        }
        self.require_account_in_scope(caller, "account.set_active", id).await?;
        let action = if active { "account.enable" } else { "account.disable" };
        self.ports.account_set_active(id, active, &caller.audit(action, format!("account:{id}"))).await?;
        self.forget_account(id);
        if !active {
            self.ports.session_delete_account(id, None).await?;
        }
        Ok(())
    }

    /// Parse `role` or `role@unit_id` grant strings (from forms).
    pub fn parse_grants(items: &[String]) -> Result<Vec<RoleGrant>> {
        let mut out = Vec::new();
        for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let (role, unit) = match item.split_once('@') {
                Some((r, u)) => (r, Some(u)),
                None => (item, None),
            };
            let role = Role::parse(role)
                .ok_or_else(|| CoreError::invalid("grants", Msg::new("err-role-unknown").arg("value", role)))?;
            let org_unit_id = match unit {
                None | Some("") => None,
                Some(u) => {
                    Some(OrgUnitId(u.parse().map_err(|_| CoreError::invalid("grants", Msg::new("err-org-unknown")))?))
                }
            };
            out.push(RoleGrant { role, org_unit_id });
        }
        out.dedup();
        Ok(out)
    }
}
