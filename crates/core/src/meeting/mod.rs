//! The review meeting (评议会): who is presenting, the live tally switch,
//! paper ballots entered for evaluators in the hall, and the big screen's
//! view of the meeting.

pub mod port;
pub mod service;
