//! Results: the exact tally of the ballots, the composite with its
//! components, the export and its seal.

pub mod assessment;
pub mod components;
pub mod export;
pub mod port;
pub mod service;
pub mod sheet_rows;
pub mod tally;
