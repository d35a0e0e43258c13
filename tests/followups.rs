//! Tests: followups (in progress).
