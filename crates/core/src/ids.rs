//! Typed identifiers. Each wraps the database's integer key so that an org
//! unit id can never be passed where a person id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An org unit (组织机构).
    OrgUnitId
);
id_type!(
    /// A person (人员), with or without an account.
    PersonId
);
id_type!(
    /// A login account.
    AccountId
);
id_type!(
    /// An assessment cycle.
    CycleId
);
