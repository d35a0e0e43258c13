//! Tests: repairs (in progress).
