//! sea-orm entities, one module per table, each defined in its feature's
//! `entity.rs` and listed here. Instants are `i64` microseconds since the
//! epoch (see `kaoping_core::time`).

macro_rules! entity {
    ($m:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $m {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($body)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}
pub(crate) use entity;

pub use crate::accounts::entity::*;
pub use crate::audit::entity::*;
pub use crate::cycles::entity::*;
pub use crate::feedback::entity::*;
pub use crate::org::entity::*;
pub use crate::people::entity::*;
pub use crate::rectification::entity::*;
pub use crate::reports::entity::*;
pub use crate::voting::entity::*;

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
