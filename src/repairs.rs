//! Repair work orders (in progress).

use crate::error::Result;
use crate::store::Write;

/// Sends a finished repair back for rework (the owner was not satisfied at the 回访).
pub fn rework(_w: &mut Write, _id: &str, _reason: &str) -> Result<()> {
    Ok(())
}
