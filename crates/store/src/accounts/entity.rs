//! Tables of the accounts feature (see `crate::entity`).

pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub username: String,
        pub password_hash: String,
        pub must_change_password: bool,
        pub totp_secret: Option<String>,
        pub totp_last_step: Option<i64>,
        pub active: bool,
        pub failed_logins: i32,
        pub locked_until: Option<i64>,
        pub created_at: i64,
        pub last_login_at: Option<i64>,
        pub lang: Option<String>,
        /// Previous password hashes, newest first (JSON array).
        pub password_history: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::entity::person::Entity",
            from = "Column::PersonId",
            to = "crate::entity::person::Column::Id"
        )]
        Person,
    }

    impl Related<crate::entity::person::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Person.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account_grant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_grant")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub role: String,
        pub org_unit_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::entity::org_unit::Entity",
            from = "Column::OrgUnitId",
            to = "crate::entity::org_unit::Column::Id"
        )]
        OrgUnit,
    }

    impl Related<crate::entity::org_unit::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::OrgUnit.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub digest: String,
        pub account_id: i64,
        pub created_at: i64,
        pub last_seen_at: i64,
        pub expires_at: i64,
        pub mfa_pending: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::entity::account::Entity",
            from = "Column::AccountId",
            to = "crate::entity::account::Column::Id"
        )]
        Account,
    }

    impl Related<crate::entity::account::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Account.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}
