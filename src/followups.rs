//! 回访 (follow-up) tasks (in progress).

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::store::Write;
use crate::vocab::SubjectKind;

/// Schedules a 回访 for a closed complaint or a signed-off repair order; returns the task's id.
pub fn schedule(
    _w: &mut Write,
    _estate_id: &str,
    _kind: SubjectKind,
    _subject_id: &str,
    _due_at: DateTime<Utc>,
) -> Result<String> {
    Ok(String::new())
}
