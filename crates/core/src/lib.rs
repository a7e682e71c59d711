//! kaoping's domain core: types, rules and services, and the ports (traits)
//! through which the services reach storage. No I/O crates live here.

pub mod accounts;
pub mod audit;
pub mod cycles;
pub mod error;
pub mod exact;
pub mod feedback;
pub mod files;
pub mod ids;
pub mod meeting;
pub mod notify;
pub mod org;
#[cfg(test)]
mod parser_properties;
pub mod people;
pub mod ports;
pub mod rectification;
pub mod reports;
pub mod results;
pub mod secrets;
pub mod services;
#[cfg(test)]
mod sheet_row_properties;
pub mod sheet_rows;
pub mod sortkey;
pub mod time;
pub mod voting;

pub use error::{CoreError, FieldError, Msg, Result};
