//! Grading (等级), "the same complaint" (同一问题) and escalation (上报), as company policy.
//!
//! Split by concern:
//! - [`GradingPolicy`] (in [`crate::policy::grading`], re-exported here): the grading table's
//!   thresholds, duties and escalation rules.
//! - `gather`: reads what the rules need about one complaint from the store into plain
//!   [`Inputs`] (its facts and record, the households and complainants of its issue, the same
//!   customer's complaints of its category, failed attempts, time open).
//! - `rules`: [`evaluate`], the pure grading rules: the grade the inputs call for under a policy,
//!   every reason in words, and who handles it. No store, no clock.
//! - `workflow`: [`assess`] (gather → evaluate for a stored complaint), [`explain`], and [`regrade`],
//!   which only ever raises a grade (lowering stays a supervisor's manual act,
//!   [`crate::complaints::set_grade`]); [`regrade_all`] is the time tick.
//! - `issues`: complaints of one problem linked to one issue ([`link`], [`unlink`]),
//!   [`suggest_issues`], and telling an issue's complaints when one leaves it.
//! - `escalations`: append-only escalations to superior roles and the [`needs_attention`] queue.
//!
//! Invariants: rules come only from the loaded policy; a policy change applies to new decisions and
//! never rewrites recorded grades, events or escalations; closed and voided complaints are not
//! re-graded.

mod escalations;
mod gather;
mod issues;
mod rules;
mod workflow;

pub use crate::policy::grading::{Duty, EscalationPolicy, GradingPolicy};
pub(crate) use escalations::after_attempt;
pub use escalations::{
    acknowledge, escalation, escalations_for, needs_attention, raise_once, raise_once_for,
    Escalation, EscalationKind, Subject,
};
pub use gather::{gather, Inputs, Member};
pub use issues::{issue, link, suggest_issues, unlink, Candidate, Issue, LinkInput};
pub(crate) use issues::{issue_of, member_left};
pub(crate) use rules::span;
pub use rules::{evaluate, Assessment};
pub(crate) use workflow::raise_grade;
pub use workflow::{assess, explain, regrade, regrade_all, Explanation, GradeChange};
