//! kaoping's domain core: types, rules and services, and the ports (traits)
//! through which the services reach storage. No I/O crates live here.

pub mod account;
pub mod audit;
pub mod auth;
pub mod ballot;
pub mod cycle;
pub mod error;
pub mod exact;
pub mod export;
pub mod feedback;
pub mod grades;
pub mod ids;
pub mod meeting;
pub mod notify;
pub mod org;
#[cfg(test)]
mod parser_properties;
pub mod person;
pub mod ports;
pub mod progress;
pub mod reading;
pub mod rectification;
pub mod report;
pub mod roster;
pub mod scheme;
pub mod scope;
pub mod secrets;
pub mod services;
#[cfg(test)]
mod sheet_row_properties;
pub mod sheet_rows;
pub mod sortkey;
pub mod tally;
pub mod time;

pub use error::{CoreError, FieldError, Msg, Result};
