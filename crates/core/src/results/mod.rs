//! Results: the exact tally of the ballots, the composite with its
//! components, the export and its seal.

pub mod export;
pub mod service;
pub mod tally;
