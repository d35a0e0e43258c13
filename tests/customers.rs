//! Tests: customers (in progress).
