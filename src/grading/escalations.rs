//! Escalations (上报): append-only rows telling a superior role that a complaint needs them.
//!
//! A coordinator's Nth failed attempt within the policy's window escalates the complaint to the
//! superior role the policy names, at most once per window ([`after_attempt`]); a complaint
//! reaching 重大 and overdue deadlines raise theirs once per complaint ([`raise_once`]). Nothing
//! is sent anywhere; the desk sees them in [`needs_attention`].
//!
//! Invariants: an escalation is never changed except for its acknowledgement, filled in once by
//! a supervisor; every raise is audited and leaves an `escalated` event on the complaint.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

use super::span;
use crate::auth::SUPERVISORS;
use crate::complaints::record::{Attempt, Complaint};
use crate::error::{Error, Result};
use crate::intake;
use crate::policy;
use crate::store::Write;
use crate::time;
use crate::validate::TextRule;
use crate::vocab::{AttemptResult, Grade, Role};

/// Why an escalation was raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscalationKind {
    FailedAttempts,
    Major,
    /// A first-response deadline of the complaint is overdue ([`crate::queues`]).
    OverdueFirstResponse,
    /// A handling deadline (plan, 一般 settled) of the complaint is overdue.
    OverdueHandling,
}

impl EscalationKind {
    pub fn code(self) -> &'static str {
        match self {
            EscalationKind::FailedAttempts => "failed_attempts",
            EscalationKind::Major => "major",
            EscalationKind::OverdueFirstResponse => "overdue_first_response",
            EscalationKind::OverdueHandling => "overdue_handling",
        }
    }
}

/// One escalation, with the complaint it concerns.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Escalation {
    pub id: String,
    pub estate_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub complaint_no: String,
    /// The complaint's content, shortened.
    pub summary: String,
    pub grade: Grade,
    /// `failed_attempts`, `major`, `overdue_first_response` or `overdue_handling`.
    pub kind: String,
    pub reason: String,
    pub to_role: Role,
    pub policy_version: i64,
    pub raised_at: String,
    pub raised_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub ack_note: Option<String>,
}

const ESCALATION_SELECT: &str = "SELECT e.id, e.estate_id, e.subject_kind, e.subject_id,
        c.no, i.content, c.grade, e.kind, e.reason, e.to_role, e.policy_version, e.raised_at,
        e.raised_by, e.acknowledged_at, e.acknowledged_by, e.ack_note
    FROM escalations e
    JOIN complaints c ON c.id = e.subject_id
    JOIN intakes i ON i.id = c.intake_id";

fn escalation_row(r: &rusqlite::Row) -> rusqlite::Result<Escalation> {
    Ok(Escalation {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        subject_kind: r.get(2)?,
        subject_id: r.get(3)?,
        complaint_no: r.get(4)?,
        summary: intake::short(&r.get::<_, String>(5)?, 40),
        grade: r.get(6)?,
        kind: r.get(7)?,
        reason: r.get(8)?,
        to_role: r.get(9)?,
        policy_version: r.get(10)?,
        raised_at: r.get(11)?,
        raised_by: r.get(12)?,
        acknowledged_at: r.get(13)?,
        acknowledged_by: r.get(14)?,
        ack_note: r.get(15)?,
    })
}

/// One escalation by id.
pub fn escalation(conn: &Connection, id: &str) -> Result<Escalation> {
    conn.prepare_cached(&format!("{ESCALATION_SELECT} WHERE e.id = ?1"))?
        .query_row(params![id.trim()], escalation_row)
        .optional()?
        .ok_or_else(|| Error::not_found("上报事项", id.trim()))
}

/// A complaint's escalations, oldest first.
pub fn escalations_for(conn: &Connection, complaint_id: &str) -> Result<Vec<Escalation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ESCALATION_SELECT} WHERE e.subject_kind = 'complaint' AND e.subject_id = ?1
         ORDER BY e.raised_at, e.id"
    ))?;
    let rows = stmt.query_map(params![complaint_id], escalation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The "needs attention" queue: unacknowledged escalations of the estate, newest first.
pub fn needs_attention(conn: &Connection, estate_id: &str) -> Result<Vec<Escalation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ESCALATION_SELECT} WHERE e.estate_id = ?1 AND e.acknowledged_at IS NULL
         ORDER BY e.raised_at DESC, e.id DESC"
    ))?;
    let rows = stmt.query_map(params![estate_id], escalation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether an escalation of `kind` was raised for the complaint (since `since`, or ever).
pub(crate) fn raised_since(
    w: &Write,
    complaint_id: &str,
    kind: EscalationKind,
    since: Option<DateTime<Utc>>,
) -> Result<bool> {
    Ok(w.tx
        .query_row(
            "SELECT 1 FROM escalations WHERE subject_kind = 'complaint' AND subject_id = ?1
               AND kind = ?2 AND (?3 IS NULL OR raised_at >= ?3) LIMIT 1",
            params![complaint_id, kind.code(), since.map(time::to_db)],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub(crate) fn raise(
    w: &mut Write,
    c: &Complaint,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Escalation> {
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO escalations(id, estate_id, subject_kind, subject_id, kind, reason, to_role,
            policy_version, raised_at, raised_by)
         VALUES (?1, ?2, 'complaint', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            c.estate_id,
            c.id,
            kind.code(),
            reason,
            to,
            policy_version,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let e = escalation(&w.tx, &id)?;
    w.audit_insert("escalation", &id, &e)?;
    w.event(
        "complaint",
        &c.id,
        "escalated",
        json!({ "escalation_id": id, "kind": kind.code(), "to_role": to, "reason": reason }),
    )?;
    Ok(e)
}

/// Raises an escalation of `kind` for the complaint unless one of that kind was ever raised for
/// it (acknowledged or not): `None` when it already was.
pub fn raise_once(
    w: &mut Write,
    c: &Complaint,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Option<Escalation>> {
    if raised_since(w, &c.id, kind, None)? {
        return Ok(None);
    }
    raise(w, c, kind, to, reason, policy_version).map(Some)
}

/// After an attempt: the Nth failed attempt on the complaint within the policy's window
/// escalates it to the superior role, at most once per window.
pub(crate) fn after_attempt(
    w: &mut Write,
    c: &Complaint,
    attempt: &Attempt,
) -> Result<Option<Escalation>> {
    if !matches!(
        attempt.result,
        AttemptResult::NotAgreed | AttemptResult::NoAnswer
    ) {
        return Ok(None);
    }
    let pol = policy::current(&w.tx, &c.estate_id)?;
    let e = &pol.policy.grading.escalation;
    let at = time::from_db(&attempt.at)?;
    let window = Duration::days(e.window_days);
    let failed: i64 = w.tx.query_row(
        "SELECT COUNT(*) FROM complaint_attempts WHERE complaint_id = ?1 AND voided_at IS NULL
           AND result IN (?2, ?3) AND at >= ?4 AND at <= ?5",
        params![
            c.id,
            AttemptResult::NotAgreed,
            AttemptResult::NoAnswer,
            time::to_db(at - window),
            attempt.at
        ],
        |r| r.get(0),
    )?;
    if failed < e.failed_attempts
        || raised_since(
            w,
            &c.id,
            EscalationKind::FailedAttempts,
            Some(w.now - window),
        )?
    {
        return Ok(None);
    }
    let role: Role = w.tx.query_row(
        "SELECT role FROM staff WHERE id = ?1",
        params![attempt.staff_id],
        |r| r.get(0),
    )?;
    let to = if SUPERVISORS.contains(&role) {
        e.then_role
    } else {
        e.to_role
    };
    let reason = format!(
        "{}内第{failed}次沟通未果（{}），上报{}",
        span(e.window_days),
        attempt.staff,
        to.label()
    );
    raise(
        w,
        c,
        EscalationKind::FailedAttempts,
        to,
        &reason,
        pol.version,
    )
    .map(Some)
}

const ACK_NOTE: TextRule = TextRule::text("note", "处理说明", 1000);

/// A supervisor acknowledges an escalation (it leaves the queue), with an optional note.
pub fn acknowledge(w: &mut Write, id: &str, note: Option<&str>) -> Result<Escalation> {
    w.actor.require(SUPERVISORS, "确认上报事项")?;
    let before = escalation(&w.tx, id)?;
    if before.acknowledged_at.is_some() {
        return Err(Error::State("该上报事项已确认".into()));
    }
    let note = ACK_NOTE.optional(note)?;
    w.tx.execute(
        "UPDATE escalations SET acknowledged_at = ?2, acknowledged_by = ?3, ack_note = ?4
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, note],
    )?;
    let after = escalation(&w.tx, &before.id)?;
    w.audit_update("escalation", &before.id, &before, &after)?;
    w.event(
        "escalation",
        &before.id,
        "acknowledged",
        json!({ "note": note }),
    )?;
    Ok(after)
}
