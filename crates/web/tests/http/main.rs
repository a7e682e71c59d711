//! The HTTP suite: the real app on a free port with a fresh database
//! (SQLite, or PostgreSQL with `KAOPING_TEST_DATABASE_URL`), driven over
//! real HTTP with cookies.

mod access;
mod api;
mod auth;
mod feedback;
mod helpers;
mod meeting;
mod org;
mod rectification;
mod reports;
mod security;
mod voting;
