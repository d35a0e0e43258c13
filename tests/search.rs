//! Tests: search (in progress).
