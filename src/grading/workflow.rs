//! The grading workflow: assessing a stored complaint (gather its [`Inputs`](super::Inputs), then
//! [`evaluate`] them under its estate's current policy), previewing a form's grade, explaining a
//! grade, and re-grading after a change or on the time tick.
//!
//! Invariants: a grade is only ever raised here (lowering stays a supervisor's manual act,
//! [`crate::complaints::set_grade`]); every raise is a `grade` event with its reasons, the context
//! and the policy version it was judged under; reaching 重大 raises the escalation to leadership
//! once per complaint; closed and voided complaints are not re-graded.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::json;

use super::gather::is_open;
use super::{
    escalations_for, evaluate, gather, issue, issue_of, raise_once, Assessment, Escalation,
    EscalationKind, Issue,
};
use crate::complaints::record as complaints;
use crate::error::Result;
use crate::policy;
use crate::store::Write;
use crate::vocab::Grade;

/// Assesses a stored complaint under its estate's current policy, as of `now`. Reads only.
pub fn assess(conn: &Connection, complaint_id: &str, now: DateTime<Utc>) -> Result<Assessment> {
    let c = complaints::load(conn, complaint_id)?;
    let pol = policy::current(conn, &c.estate_id)?;
    Ok(evaluate(
        &gather(conn, &c, pol.version, now)?,
        &pol.policy.grading,
    ))
}

/// Re-evaluates a complaint and raises its grade when the facts call for more; `context` says
/// what prompted it ("立案", "新增沟通记录"…). Never lowers; closed and voided complaints are left
/// as they are. Reaching 重大 escalates to leadership. The change is audited.
pub fn regrade(w: &mut Write, complaint_id: &str, context: &str) -> Result<Assessment> {
    let before = complaints::load(&w.tx, complaint_id)?;
    let a = raise_grade(w, &before.id, context)?;
    if a.stored_grade != before.grade {
        let after = complaints::load(&w.tx, &before.id)?;
        w.audit_update("complaint", &before.id, &before, &after)?;
    }
    Ok(a)
}

/// [`regrade`] without the audit entry, for a caller that audits its whole change at once.
pub(crate) fn raise_grade(w: &mut Write, complaint_id: &str, context: &str) -> Result<Assessment> {
    let c = complaints::load(&w.tx, complaint_id)?;
    let pol = policy::current(&w.tx, &c.estate_id)?;
    let mut a = evaluate(&gather(&w.tx, &c, pol.version, w.now)?, &pol.policy.grading);
    if !is_open(c.status) || a.grade <= c.grade {
        return Ok(a);
    }
    let reason = a.reasons.join("；");
    w.tx.execute(
        "UPDATE complaints SET grade = ?2, grade_reason = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![c.id, a.grade, reason, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "complaint",
        &c.id,
        "grade",
        json!({
            "from": c.grade,
            "to": a.grade,
            "reason": reason,
            "reasons": a.reasons,
            "context": context,
            "policy_version": a.policy_version,
            "manual": false,
        }),
    )?;
    if a.grade == Grade::Major {
        let to = pol.policy.grading.escalation.major_to_role;
        raise_once(
            w,
            &c,
            EscalationKind::Major,
            to,
            &format!("重大投诉，当天上报{}：{reason}", to.label()),
            a.policy_version,
        )?;
    }
    a.stored_grade = a.grade;
    a.stored_reason = Some(reason);
    a.kept_grade_note = None;
    Ok(a)
}

/// A grade raised by [`regrade_all`].
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GradeChange {
    pub complaint_no: String,
    pub from: Grade,
    pub to: Grade,
    pub reasons: Vec<String>,
}

/// The time tick: re-grades every open complaint of the estate; returns the raised ones.
pub fn regrade_all(w: &mut Write, estate_id: &str) -> Result<Vec<GradeChange>> {
    let open: Vec<(String, Grade)> =
        w.tx.prepare(
            "SELECT id, grade FROM complaints WHERE estate_id = ?1
               AND status NOT IN ('closed', 'voided') ORDER BY created_at, id",
        )?
        .query_map(params![estate_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut changes = Vec::new();
    for (id, from) in open {
        let a = regrade(w, &id, "定时重新评估")?;
        if a.stored_grade > from {
            changes.push(GradeChange {
                complaint_no: a.complaint_no,
                from,
                to: a.stored_grade,
                reasons: a.reasons,
            });
        }
    }
    Ok(changes)
}

/// A complaint's grading explained: the assessment now, its issue, escalations and grade events.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Explanation {
    pub assessment: Assessment,
    pub issue: Option<Issue>,
    pub escalations: Vec<Escalation>,
    pub grade_events: Vec<complaints::Event>,
}

/// Explains a complaint's grade as of `now`.
pub fn explain(conn: &Connection, complaint: &str, now: DateTime<Utc>) -> Result<Explanation> {
    let c = complaints::load(conn, complaint)?;
    let grade_events = complaints::events(conn, "complaint", &c.id)?
        .into_iter()
        .filter(|e| {
            matches!(
                e.kind.as_str(),
                "grade" | "escalated" | "issue_linked" | "issue_unlinked" | "issue_member_left"
            )
        })
        .collect();
    Ok(Explanation {
        assessment: assess(conn, &c.id, now)?,
        issue: issue_of(conn, &c.id)?
            .map(|id| issue(conn, &id))
            .transpose()?,
        escalations: escalations_for(conn, &c.id)?,
        grade_events,
    })
}
