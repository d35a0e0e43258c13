//! The application layer: the one door both faces — the `frontdesk` CLI and the desktop shell —
//! call, and nothing else. The faces shrink to adapters: they parse arguments or IPC, call the
//! door, and print or serialise what it returns.
//!
//! - [`paths`]: where a desk's data, backups, logs and documents live (the only place that looks
//!   at the environment and the user's folders; the modules below it take paths as arguments).
//! - [`session`]: a desk's database opened with who is signed in; reads that leave it for a
//!   person are redacted for the clerk's role by type, and writes are one transaction each.
//! - [`upkeep`]: the full check of a database, the automatic backups (with the fallback to the
//!   data folder when the chosen one fails) and the time tick.
//! - [`vocabulary`]: the words a desk shows (every closed vocabulary's codes and labels, who
//!   counts as a supervisor), so the UI restates none of them.
//!
//! Invariants: a value carrying personal data leaves a [`Session`] only through
//! [`Session::seen`] or [`Session::write_seen`], which redact it for the clerk
//! ([`crate::privacy::Redact`]); the plain reads and writes accept only [`crate::privacy::Plain`]
//! values, so the wrong call does not compile.

pub mod paths;
pub mod session;
pub mod upkeep;
pub mod vocabulary;

pub use paths::Paths;
pub use session::Session;
