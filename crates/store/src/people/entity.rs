//! Tables of the people feature (see `crate::entity`).

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
