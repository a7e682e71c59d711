//! The foundation: org units, people, accounts, grants, sessions, the audit
//! log and a key-value meta table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(name: &str, from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to.0), Alias::new(to.1))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(name: &str, table: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let t = |n: &'static str| Alias::new(n);
        m.create_table(
            Table::create().table(t("meta")).col(string_len("key", 64).primary_key()).col(text("value")).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("org_unit"))
                .col(big_pk_auto("id"))
                .col(big_integer_null("parent_id"))
                .col(string_len("code", 32))
                .col(string_len("name", 100))
                .col(string_len("kind", 32))
                .col(integer("sort_order"))
                .col(text("name_sort"))
                .col(string_len("path", 1000))
                .col(boolean("active"))
                .col(big_integer("created_at"))
                .col(big_integer("updated_at"))
                .foreign_key(&mut fk("fk_org_unit_parent", ("org_unit", "parent_id"), ("org_unit", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_org_unit_code", "org_unit", &["code"], true)).await?;
        m.create_index(index("ix_org_unit_path", "org_unit", &["path"], false)).await?;
        m.create_index(index("ix_org_unit_parent", "org_unit", &["parent_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(t("person"))
                .col(big_pk_auto("id"))
                .col(string_len("name", 50))
                .col(text("name_sort"))
                .col(big_integer_null("org_unit_id"))
                .col(big_integer("managed_by"))
                .col(string_len("post", 100))
                .col(string_len_null("phone", 20))
                .col(boolean("active"))
                .col(big_integer("created_at"))
                .foreign_key(&mut fk("fk_person_org_unit", ("person", "org_unit_id"), ("org_unit", "id")))
                .foreign_key(&mut fk("fk_person_managed_by", ("person", "managed_by"), ("org_unit", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_person_managed_by", "person", &["managed_by"], false)).await?;
        m.create_index(index("ix_person_name_sort", "person", &["name_sort"], false)).await?;
        m.create_table(
            Table::create()
                .table(t("account"))
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(string_len("username", 64))
                .col(string_len("password_hash", 200))
                .col(boolean("must_change_password"))
                .col(string_len_null("totp_secret", 64))
                .col(big_integer_null("totp_last_step"))
                .col(boolean("active"))
                .col(integer("failed_logins"))
                .col(big_integer_null("locked_until"))
                .col(big_integer("created_at"))
                .col(big_integer_null("last_login_at"))
                .col(string_len_null("lang", 16))
                .foreign_key(&mut fk("fk_account_person", ("account", "person_id"), ("person", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_account_username", "account", &["username"], true)).await?;
        m.create_index(index("ux_account_person", "account", &["person_id"], true)).await?;
        m.create_table(
            Table::create()
                .table(t("account_grant"))
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(string_len("role", 32))
                .col(big_integer_null("org_unit_id"))
                .foreign_key(&mut fk("fk_grant_account", ("account_grant", "account_id"), ("account", "id")))
                .foreign_key(&mut fk("fk_grant_org_unit", ("account_grant", "org_unit_id"), ("org_unit", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_grant_account", "account_grant", &["account_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(t("session"))
                .col(string_len("digest", 64).primary_key())
                .col(big_integer("account_id"))
                .col(big_integer("created_at"))
                .col(big_integer("last_seen_at"))
                .col(big_integer("expires_at"))
                .col(boolean("mfa_pending"))
                .foreign_key(&mut fk("fk_session_account", ("session", "account_id"), ("account", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_session_account", "session", &["account_id"], false)).await?;
        m.create_table(
            Table::create()
                .table(t("audit_log"))
                .col(big_integer("seq").primary_key())
                .col(big_integer("at"))
                .col(big_integer_null("actor_id"))
                .col(string_len("actor", 64))
                .col(string_len("action", 64))
                .col(string_len("object", 200))
                .col(string_len("result", 16))
                .col(string_len_null("client", 64))
                .col(text("detail"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_audit_actor", "audit_log", &["actor", "seq"], false)).await?;
        m.create_index(index("ix_audit_action", "audit_log", &["action", "seq"], false)).await?;
        Ok(())
    }
}
