//! Voting: ballots and their grades, checked against the scheme and the
//! evaluator's scope, stored with their kept vote counts.

pub mod ballot;
pub mod counts;
pub mod grades;
pub mod port;
pub mod service;
