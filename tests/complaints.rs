//! Tests: complaints (in progress).
