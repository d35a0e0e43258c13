//! Tests: intake (in progress).
