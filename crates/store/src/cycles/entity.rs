//! Tables of the cycles feature (see `crate::entity`).

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
            belongs_to = "crate::entity::org_unit::Entity",
            from = "Column::OrganizerId",
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
