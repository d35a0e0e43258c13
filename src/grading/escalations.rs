//! Escalations (上报): append-only rows telling a superior role that a case needs them.
//!
//! A coordinator's Nth failed attempt within the policy's window escalates the complaint to the
//! superior role the policy names, at most once per window ([`after_attempt`]); a complaint
//! reaching 重大 and overdue deadlines raise theirs once per complaint ([`raise_once`]). A late
//! 整改通知单 (not delivered, or not reworked in time) raises one of each kind once per notice
//! (`repair_visits::escalate_late`, through [`raise_once_for`]). Nothing is sent anywhere; the desk
//! sees them in [`needs_attention`].
//!
//! Invariants: an escalation is never changed except for its acknowledgement, filled in once by
//! a supervisor; every raise is audited and leaves an `escalated` event on its subject (the
//! complaint, or the notice).

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
    /// A 整改通知单 was not delivered to the repairer in writing by its deadline.
    NoticeUndelivered,
    /// A 整改通知单's rework was not done by its deadline.
    NoticeReworkLate,
}

impl EscalationKind {
    pub fn code(self) -> &'static str {
        match self {
            EscalationKind::FailedAttempts => "failed_attempts",
            EscalationKind::Major => "major",
            EscalationKind::OverdueFirstResponse => "overdue_first_response",
            EscalationKind::OverdueHandling => "overdue_handling",
            EscalationKind::NoticeUndelivered => "notice_undelivered",
            EscalationKind::NoticeReworkLate => "notice_rework_late",
        }
    }

    /// How the statistics name it.
    pub fn label(self) -> &'static str {
        match self {
            EscalationKind::FailedAttempts => "多次协调未果上报",
            EscalationKind::Major => "重大投诉上报",
            EscalationKind::OverdueFirstResponse => "超时未响应上报",
            EscalationKind::OverdueHandling => "超时未处理上报",
            EscalationKind::NoticeUndelivered => "整改通知逾期未送达上报",
            EscalationKind::NoticeReworkLate => "整改逾期未完成上报",
        }
    }

    pub const ALL: [EscalationKind; 6] = [
        EscalationKind::FailedAttempts,
        EscalationKind::Major,
        EscalationKind::OverdueFirstResponse,
        EscalationKind::OverdueHandling,
        EscalationKind::NoticeUndelivered,
        EscalationKind::NoticeReworkLate,
    ];

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<EscalationKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What it is raised on: `complaint` or `notice` (`escalations.subject_kind`), and the
    /// entity its `escalated` event is written on.
    fn subject(self) -> (&'static str, &'static str) {
        match self {
            EscalationKind::NoticeUndelivered | EscalationKind::NoticeReworkLate => {
                ("notice", "rectification_notice")
            }
            _ => ("complaint", "complaint"),
        }
    }
}

/// What an escalation is raised on, as [`raise_once_for`] takes it.
pub struct Subject<'a> {
    pub estate_id: &'a str,
    pub id: &'a str,
}

/// One escalation, with the complaint or the 整改通知单 it concerns.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Escalation {
    pub id: String,
    pub estate_id: String,
    /// `complaint` or `notice` (a 整改通知单).
    pub subject_kind: String,
    pub subject_id: String,
    /// The complaint's or the notice's number.
    pub subject_no: String,
    /// The complaint's content, or the notice's repair order and problems, shortened.
    pub summary: String,
    /// The complaint's grade (none for a notice).
    pub grade: Option<Grade>,
    /// `failed_attempts`, `major`, `overdue_first_response`, `overdue_handling`,
    /// `notice_undelivered` or `notice_rework_late`.
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
        COALESCE(c.no, n.no),
        COALESCE(i.content, '维修单' || r.no || '：' || n.problems),
        c.grade, e.kind, e.reason, e.to_role, e.policy_version, e.raised_at,
        e.raised_by, e.acknowledged_at, e.acknowledged_by, e.ack_note
    FROM escalations e
    LEFT JOIN complaints c ON e.subject_kind = 'complaint' AND c.id = e.subject_id
    LEFT JOIN intakes i ON i.id = c.intake_id
    LEFT JOIN rectification_notices n ON e.subject_kind = 'notice' AND n.id = e.subject_id
    LEFT JOIN repair_orders r ON r.id = n.repair_id";

fn escalation_row(r: &rusqlite::Row) -> rusqlite::Result<Escalation> {
    Ok(Escalation {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        subject_kind: r.get(2)?,
        subject_id: r.get(3)?,
        subject_no: r.get(4)?,
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

/// Whether an escalation of `kind` was raised for its subject (since `since`, or ever).
fn raised_since(
    w: &Write,
    subject_id: &str,
    kind: EscalationKind,
    since: Option<DateTime<Utc>>,
) -> Result<bool> {
    Ok(w.tx
        .query_row(
            "SELECT 1 FROM escalations WHERE subject_kind = ?1 AND subject_id = ?2
               AND kind = ?3 AND (?4 IS NULL OR raised_at >= ?4) LIMIT 1",
            params![
                kind.subject().0,
                subject_id,
                kind.code(),
                since.map(time::to_db)
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn raise(
    w: &mut Write,
    subject: &Subject,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Escalation> {
    let id = w.new_id();
    let (subject_kind, entity) = kind.subject();
    w.tx.execute(
        "INSERT INTO escalations(id, estate_id, subject_kind, subject_id, kind, reason, to_role,
            policy_version, raised_at, raised_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            subject.estate_id,
            subject_kind,
            subject.id,
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
        entity,
        subject.id,
        "escalated",
        json!({ "escalation_id": id, "kind": kind.code(), "to_role": to, "reason": reason }),
    )?;
    Ok(e)
}

/// Raises an escalation of `kind` for its subject unless one of that kind was ever raised for
/// it (acknowledged or not): `None` when it already was.
pub fn raise_once_for(
    w: &mut Write,
    subject: &Subject,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Option<Escalation>> {
    if raised_since(w, subject.id, kind, None)? {
        return Ok(None);
    }
    raise(w, subject, kind, to, reason, policy_version).map(Some)
}

/// [`raise_once_for`] a complaint.
pub fn raise_once(
    w: &mut Write,
    c: &Complaint,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Option<Escalation>> {
    let subject = Subject {
        estate_id: &c.estate_id,
        id: &c.id,
    };
    raise_once_for(w, &subject, kind, to, reason, policy_version)
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
    let subject = Subject {
        estate_id: &c.estate_id,
        id: &c.id,
    };
    raise(
        w,
        &subject,
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
