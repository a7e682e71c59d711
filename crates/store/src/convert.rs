//! Conversions between stored rows and core types.

use crate::entity::{account, audit_log, org_unit, person, session};
use kaoping_core::accounts::Account;
use kaoping_core::audit::{AuditEntry, AuditResult};
use kaoping_core::error::{CoreError, Result};
use kaoping_core::ids::{AccountId, OrgUnitId, PersonId};
use kaoping_core::org::{OrgUnit, OrgUnitType};
use kaoping_core::people::Person;
use kaoping_core::ports::SessionRecord;
use kaoping_core::time::from_micros;
use sea_orm::ActiveValue::Set;

pub fn org(m: org_unit::Model) -> Result<OrgUnit> {
    Ok(OrgUnit {
        id: OrgUnitId(m.id),
        parent_id: m.parent_id.map(OrgUnitId),
        kind: OrgUnitType::parse(&m.kind).ok_or_else(|| CoreError::Store(format!("unknown org type {}", m.kind)))?,
        code: m.code,
        name: m.name,
        sort_order: m.sort_order,
        name_sort: m.name_sort,
        path: m.path,
        active: m.active,
        created_at: from_micros(m.created_at),
        updated_at: from_micros(m.updated_at),
    })
}

pub fn person(m: person::Model) -> Person {
    Person {
        id: PersonId(m.id),
        name: m.name,
        name_sort: m.name_sort,
        org_unit_id: m.org_unit_id.map(OrgUnitId),
        managed_by: OrgUnitId(m.managed_by),
        post: m.post,
        phone: m.phone,
        active: m.active,
        created_at: from_micros(m.created_at),
    }
}

pub fn account(m: account::Model) -> Account {
    Account {
        id: AccountId(m.id),
        person_id: PersonId(m.person_id),
        username: m.username,
        password_hash: m.password_hash,
        must_change_password: m.must_change_password,
        totp_secret: m.totp_secret,
        active: m.active,
        failed_logins: m.failed_logins,
        locked_until: m.locked_until.map(from_micros),
        created_at: from_micros(m.created_at),
        last_login_at: m.last_login_at.map(from_micros),
        lang: m.lang,
    }
}

pub fn session(m: session::Model) -> SessionRecord {
    SessionRecord {
        digest: m.digest,
        account_id: AccountId(m.account_id),
        created_at: from_micros(m.created_at),
        last_seen_at: from_micros(m.last_seen_at),
        expires_at: from_micros(m.expires_at),
        mfa_pending: m.mfa_pending,
    }
}

pub fn audit(m: audit_log::Model) -> AuditEntry {
    AuditEntry {
        seq: m.seq,
        at: from_micros(m.at),
        actor_id: m.actor_id.map(AccountId),
        actor: m.actor,
        action: m.action,
        object: m.object,
        result: AuditResult::parse(&m.result).unwrap_or(AuditResult::Failed),
        client: m.client,
        detail: m.detail,
        prev_hash: m.prev_hash,
        hash: m.hash,
    }
}

pub fn audit_active(e: &AuditEntry) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        seq: Set(e.seq),
        at: Set(kaoping_core::time::to_micros(e.at)),
        actor_id: Set(e.actor_id.map(|a| a.0)),
        actor: Set(e.actor.clone()),
        action: Set(e.action.clone()),
        object: Set(e.object.clone()),
        result: Set(e.result.as_str().to_string()),
        client: Set(e.client.clone()),
        detail: Set(e.detail.clone()),
        prev_hash: Set(e.prev_hash.clone()),
        hash: Set(e.hash.clone()),
    }
}
