//! Tests: slips (in progress).
