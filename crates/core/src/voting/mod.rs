//! Voting: ballots and their grades, the review meeting (评议会) with its
//! other assessment inputs, and the big screen's view of both.

pub mod ballot;
pub mod grades;
pub mod meeting;
pub mod meeting_service;
pub mod port;
pub mod service;
