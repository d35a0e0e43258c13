//! (in progress)
use serde::Serialize;

/// One problem found in one row of an import file.
#[derive(Clone, Debug, Serialize)]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it (1-based, header is row 1).
    pub row: usize,
    pub field: String,
    pub message: String,
}
