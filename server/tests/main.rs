//! frontdesk-server's integration tests: the real server PROCESS against a real PostgreSQL,
//! spoken to over HTTP. One binary, a module per area.
//!
//! The cluster's URL comes from `FRONTDESK_TEST_DATABASE_URL` (`scripts/server-test` or
//! `scripts/pg run` sets it); without it every test is skipped with a loud message. Each test
//! works in a database of its own, so tests run in parallel.

mod common;

mod chain;
mod crash;
mod enrol;
mod estates;
mod multi;
mod pg_restart;
mod push_pull;
mod schema;
