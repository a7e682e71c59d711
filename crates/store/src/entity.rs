//! sea-orm entities, one module per table. Instants are `i64` microseconds
//! since the epoch (see `kaoping_core::time`).

pub mod org_unit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_unit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub code: String,
        pub name: String,
        pub kind: String,
        pub sort_order: i32,
        pub name_sort: String,
        pub path: String,
        pub active: bool,
        pub created_at: i64,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub name_sort: String,
        pub org_unit_id: Option<i64>,
        pub managed_by: i64,
        pub post: String,
        pub phone: Option<String>,
        pub active: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::org_unit::Entity",
            from = "Column::OrgUnitId",
            to = "super::org_unit::Column::Id"
        )]
        OrgUnit,
    }

    impl Related<super::org_unit::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::OrgUnit.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

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
        #[sea_orm(belongs_to = "super::person::Entity", from = "Column::PersonId", to = "super::person::Column::Id")]
        Person,
    }

    impl Related<super::person::Entity> for Entity {
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
            belongs_to = "super::org_unit::Entity",
            from = "Column::OrgUnitId",
            to = "super::org_unit::Column::Id"
        )]
        OrgUnit,
    }

    impl Related<super::org_unit::Entity> for Entity {
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
        #[sea_orm(belongs_to = "super::account::Entity", from = "Column::AccountId", to = "super::account::Column::Id")]
        Account,
    }

    impl Related<super::account::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Account.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: i64,
        pub actor_id: Option<i64>,
        pub actor: String,
        pub action: String,
        pub object: String,
        pub result: String,
        pub client: Option<String>,
        pub detail: String,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meta {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meta")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cycle {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cycle")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organizer_id: i64,
        pub name: String,
        pub year: i32,
        pub phase: String,
        pub ballot_mode: String,
        pub scheme: String,
        pub copied_from: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        pub report_deadline: Option<i64>,
        pub min_read_seconds: i32,
        pub report_template: String,
        pub voting_opened_at: Option<i64>,
        pub voting_closed_at: Option<i64>,
        pub presenting_id: Option<i64>,
        pub live_tally: bool,
        pub results_visibility: String,
        pub results_published_at: Option<i64>,
        /// Feedback settings as JSON; empty for the defaults.
        pub feedback: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::org_unit::Entity",
            from = "Column::OrganizerId",
            to = "super::org_unit::Column::Id"
        )]
        OrgUnit,
    }

    impl Related<super::org_unit::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::OrgUnit.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cycle_category {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cycle_category")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cycle_id: i64,
        pub code: String,
        pub name: String,
        pub sort_order: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cycle_subject {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cycle_subject")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cycle_id: i64,
        pub person_id: i64,
        pub post: String,
        pub org_unit_id: Option<i64>,
        pub category: String,
        pub mode: String,
        pub presentation_order: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod cycle_evaluator {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cycle_evaluator")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub cycle_id: i64,
        pub person_id: i64,
        pub group_code: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::person::Entity", from = "Column::PersonId", to = "super::person::Column::Id")]
        Person,
    }

    impl Related<super::person::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Person.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub use crate::entity_rectification::*;
pub use crate::entity_reports::*;
