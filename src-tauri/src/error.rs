//! The one error that crosses the IPC boundary.
//!
//! Every command returns `Result<T, WireError>`. `code` is stable and is what the UI branches on
//! (`invalid` with `field`, `denied`, `not_found`, `state`, `import` with `rows`, `corrupt`,
//! `schema_too_new`, `internal`, and the shell's own `signed_out` and `setup`); `message` is the
//! Chinese text shown to the clerk as is.

use frontdesk::error::{Error, RowProblem};
use serde::Serialize;

#[derive(Debug, Serialize, specta::Type)]
pub struct WireError {
    pub code: String,
    pub message: String,
    /// The input key of the bad field, for `invalid`.
    pub field: Option<String>,
    /// Row-level problems, for `import`.
    pub rows: Option<Vec<RowProblem>>,
}

impl WireError {
    /// An error raised by the shell itself (not the core).
    pub fn new(code: &str, message: impl Into<String>) -> WireError {
        WireError {
            code: code.into(),
            message: message.into(),
            field: None,
            rows: None,
        }
    }
}

impl From<Error> for WireError {
    fn from(e: Error) -> WireError {
        if matches!(e, Error::Database(_) | Error::Io(_) | Error::Json(_)) {
            tracing::error!(error = %e, "internal error");
        }
        let r = e.report();
        WireError {
            code: r.code,
            message: r.message,
            field: r.field,
            rows: r.rows,
        }
    }
}

/// What every command returns.
pub type WireResult<T> = std::result::Result<T, WireError>;
