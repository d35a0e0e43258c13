//! 回访 (follow-up) tasks: every closed complaint and every finished repair order gets one, with a
//! due time from the policy; each call is recorded; an unreachable owner is tried again later, and
//! a dissatisfied one reopens the case.
//!
//! Invariants:
//! - At most one pending task per subject ([`schedule`] is idempotent while one is pending).
//! - A task is `pending` until a result other than 联系不上 is recorded (`done`) or its subject is
//!   reopened by other means (`cancelled`, with the reason). Every call is a `followup_attempts` row.
//! - 不满意 asks for the subject to be reopened ([`Recorded::reopen`]); the layer above applies it
//!   in the same transaction ([`crate::cases::record_followup`]), so this module never reaches up
//!   into the complaints or repairs it follows up.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Error, Result};
use crate::policy;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{FollowupResult, FollowupStatus, SubjectKind};

/// A 回访 task with its calls.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Followup {
    pub id: String,
    pub estate_id: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// The complaint's or repair order's number.
    pub subject_no: Option<String>,
    pub due_at: String,
    pub status: FollowupStatus,
    /// The latest call's result.
    pub result: Option<FollowupResult>,
    pub attempts: i64,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub calls: Vec<FollowupCall>,
}

/// One 回访 call.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FollowupCall {
    pub id: String,
    pub at: String,
    pub staff_id: String,
    pub staff: String,
    pub result: FollowupResult,
    pub note: Option<String>,
}

/// A task in the due list, with what the clerk needs to make the call.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueFollowup {
    pub id: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub subject_no: Option<String>,
    pub due_at: String,
    pub attempts: i64,
    pub customer: Option<String>,
    pub unit: Option<String>,
    pub phone: Option<String>,
    pub summary: String,
}

/// The result of a 回访 call.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct FollowupInput {
    /// 满意 / 基本满意 / 不满意 / 联系不上.
    pub result: Option<String>,
    /// What the owner said (required when 不满意: it becomes the reopening reason).
    pub note: Option<String>,
    /// A repair 回访's checklist, the five points (empty: a call without one). Applied by
    /// [`crate::cases::record_followup`] through [`crate::repair_visits::record`].
    pub checks: Vec<CheckInput>,
}

/// One point of the checklist as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct CheckInput {
    /// The point's code or label (`fees`, 核对收费情况).
    pub point: Option<String>,
    /// 合格 (true) or 不合格 (false).
    pub passed: Option<bool>,
    /// What was found (required when 不合格).
    pub note: Option<String>,
}

const NOTE: TextRule = TextRule::text("note", "回访记录", 1000);

/// Schedules a 回访 for a closed complaint or a finished repair order and returns the task's id.
/// While the subject already has a pending task, that task's id is returned unchanged.
pub fn schedule(
    w: &mut Write,
    estate_id: &str,
    kind: SubjectKind,
    subject_id: &str,
    due_at: DateTime<Utc>,
) -> Result<String> {
    let pending: Option<String> =
        w.tx.query_row(
            "SELECT id FROM followups WHERE subject_kind = ?1 AND subject_id = ?2
             AND status = 'pending'",
            params![kind, subject_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = pending {
        return Ok(id);
    }
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO followups(id, estate_id, subject_kind, subject_id, due_at, status,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?6, ?7)",
        params![
            id,
            estate_id,
            kind,
            subject_id,
            time::to_db(due_at),
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let f = get(&w.tx, &id)?;
    w.audit_insert("followup", &id, &f)?;
    w.event(
        "followup",
        &id,
        "status",
        json!({ "from": null, "to": f.status, "reason": null }),
    )?;
    Ok(id)
}

/// Cancels the subject's pending task, if any (the subject was reopened by other means).
pub fn cancel_pending(
    w: &mut Write,
    kind: SubjectKind,
    subject_id: &str,
    reason: &str,
) -> Result<()> {
    let pending: Option<String> =
        w.tx.query_row(
            "SELECT id FROM followups WHERE subject_kind = ?1 AND subject_id = ?2
             AND status = 'pending'",
            params![kind, subject_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = pending else { return Ok(()) };
    let before = get(&w.tx, &id)?;
    w.tx.execute(
        "UPDATE followups SET status = 'cancelled', cancel_reason = ?2, updated_at = ?3,
            updated_by = ?4
         WHERE id = ?1",
        params![id, reason, w.now_db, w.actor.staff_id],
    )?;
    finish(w, &before, Some(reason))?;
    Ok(())
}

/// A 回访 call recorded, and what it asks of its subject.
#[must_use = "a 不满意 call must reopen its subject: record calls through cases::record_followup"]
pub struct Recorded {
    pub followup: Followup,
    /// Set for 不满意: the subject is to be reopened (a complaint) or reworked (a repair order).
    pub reopen: Option<Reopen>,
}

/// A subject a dissatisfied owner sends back, and why (the owner's words).
pub struct Reopen {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub reason: String,
}

/// Records a 回访 call. 满意/基本满意 finish the task; 联系不上 keeps it pending and moves it
/// by the policy's retry interval; 不满意 finishes it and asks for the subject to be reopened.
/// `followup` is the task's id, or its subject's number (the subject's pending task).
pub fn record(w: &mut Write, followup: &str, input: &FollowupInput) -> Result<Recorded> {
    let before = find(&w.tx, followup)?;
    if before.status != FollowupStatus::Pending {
        return Err(Error::State(format!(
            "{}的回访当前状态为“{}”，不能再登记回访结果",
            subject_label(&before),
            before.status.label()
        )));
    }
    let result = FollowupResult::parse(
        "result",
        "回访结果",
        given(&input.result)
            .ok_or_else(|| Error::invalid("result", "回访结果", "必填，不能为空"))?,
    )?;
    let note = NOTE.optional(input.note.as_deref())?;
    if result == FollowupResult::Dissatisfied && note.is_none() {
        return Err(Error::invalid(
            "note",
            "回访记录",
            "回访不满意时须记录业主的意见",
        ));
    }
    let call_id = w.new_id();
    w.tx.execute(
        "INSERT INTO followup_attempts(id, followup_id, at, staff_id, result, note, created_at,
            created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3, ?4)",
        params![call_id, before.id, w.now_db, w.actor.staff_id, result, note],
    )?;
    w.audit_insert(
        "followup_attempt",
        &call_id,
        &json!({ "followup_id": before.id, "result": result, "note": note }),
    )?;
    if result == FollowupResult::Unreachable {
        let retry = policy::current(&w.tx, &before.estate_id)?
            .policy
            .followup
            .retry_hours;
        w.tx.execute(
            "UPDATE followups SET result = ?2, attempts = attempts + 1, due_at = ?3,
                updated_at = ?4, updated_by = ?5
             WHERE id = ?1",
            params![
                before.id,
                result,
                time::to_db(w.now + Duration::hours(retry)),
                w.now_db,
                w.actor.staff_id
            ],
        )?;
        let followup = finish(w, &before, None)?;
        return Ok(Recorded {
            followup,
            reopen: None,
        });
    }
    w.tx.execute(
        "UPDATE followups SET status = 'done', result = ?2, attempts = attempts + 1,
            done_at = ?3, done_by = ?4, updated_at = ?3, updated_by = ?4
         WHERE id = ?1",
        params![before.id, result, w.now_db, w.actor.staff_id],
    )?;
    let followup = finish(w, &before, None)?;
    let reopen = (result == FollowupResult::Dissatisfied).then(|| Reopen {
        subject_kind: before.subject_kind,
        subject_id: before.subject_id.clone(),
        reason: format!("回访不满意：{}", note.unwrap_or_default()),
    });
    Ok(Recorded { followup, reopen })
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn subject_label(f: &Followup) -> String {
    format!(
        "{} {}",
        f.subject_kind.label(),
        f.subject_no.as_deref().unwrap_or(&f.subject_id)
    )
}

/// After a change: audits it and appends the status event when the status moved.
fn finish(w: &mut Write, before: &Followup, reason: Option<&str>) -> Result<Followup> {
    let after = get(&w.tx, &before.id)?;
    w.audit_update("followup", &before.id, before, &after)?;
    if after.status != before.status {
        w.event(
            "followup",
            &before.id,
            "status",
            json!({ "from": before.status, "to": after.status, "reason": reason }),
        )?;
    }
    Ok(after)
}

const SELECT: &str = "SELECT f.id, f.estate_id, f.subject_kind, f.subject_id,
        COALESCE(c.no, r.no) AS subject_no, f.due_at, f.status, f.result, f.attempts,
        f.done_at, db.name AS done_by, f.cancel_reason, f.created_at
    FROM followups f
    LEFT JOIN complaints c ON f.subject_kind = 'complaint' AND c.id = f.subject_id
    LEFT JOIN repair_orders r ON f.subject_kind = 'repair' AND r.id = f.subject_id
    LEFT JOIN staff db ON db.id = f.done_by";

fn task(conn: &Connection, r: &Row) -> Result<Followup> {
    let id: String = r.get("id")?;
    Ok(Followup {
        calls: calls(conn, &id)?,
        id,
        estate_id: r.get("estate_id")?,
        subject_kind: r.get("subject_kind")?,
        subject_id: r.get("subject_id")?,
        subject_no: r.get("subject_no")?,
        due_at: r.get("due_at")?,
        status: r.get("status")?,
        result: r.get("result")?,
        attempts: r.get("attempts")?,
        done_at: r.get("done_at")?,
        done_by: r.get("done_by")?,
        cancel_reason: r.get("cancel_reason")?,
        created_at: r.get("created_at")?,
    })
}

fn query(
    conn: &Connection,
    sql_where: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Followup>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} {sql_where}"))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(task(conn, r)?);
    }
    Ok(out)
}

fn calls(conn: &Connection, followup_id: &str) -> Result<Vec<FollowupCall>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.at, a.staff_id, COALESCE(s.name, a.staff_id), a.result, a.note
         FROM followup_attempts a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.followup_id = ?1 ORDER BY a.at, a.rowid",
    )?;
    let rows = stmt.query_map(params![followup_id], |r| {
        Ok(FollowupCall {
            id: r.get(0)?,
            at: r.get(1)?,
            staff_id: r.get(2)?,
            staff: r.get(3)?,
            result: r.get(4)?,
            note: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One task by id.
pub fn get(conn: &Connection, id: &str) -> Result<Followup> {
    query(conn, "WHERE f.id = ?1", &[&id.trim()])?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("回访任务", id.trim()))
}

/// A task by id, or by its subject's number (`LH-TS2026-0001`, `LH-WX2026-0001`): the subject's
/// pending task, else its latest.
pub fn find(conn: &Connection, id_or_subject_no: &str) -> Result<Followup> {
    let key = validate::fold_fullwidth(id_or_subject_no.trim()).to_uppercase();
    let found = query(
        conn,
        "WHERE f.id = lower(?1) OR c.no = ?1 OR r.no = ?1
         ORDER BY f.status = 'pending' DESC, f.created_at DESC, f.rowid DESC LIMIT 1",
        &[&key],
    )?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("回访任务", id_or_subject_no.trim()))
}

/// A subject's tasks with their calls, oldest first.
pub fn list_for(conn: &Connection, kind: SubjectKind, subject_id: &str) -> Result<Vec<Followup>> {
    query(
        conn,
        "WHERE f.subject_kind = ?1 AND f.subject_id = ?2 ORDER BY f.created_at, f.rowid",
        &[&kind, &subject_id],
    )
}

const DUE_SELECT: &str = "SELECT f.id, f.subject_kind, f.subject_id, COALESCE(c.no, r.no),
        f.due_at, f.attempts, COALESCE(cu.name, i.person_name, r.reporter_name), u.code,
        COALESCE(i.phone, r.phone, cu.phone), COALESCE(i.content, r.content, '')
    FROM followups f
    LEFT JOIN complaints c ON f.subject_kind = 'complaint' AND c.id = f.subject_id
    LEFT JOIN intakes i ON i.id = c.intake_id
    LEFT JOIN repair_orders r ON f.subject_kind = 'repair' AND r.id = f.subject_id
    LEFT JOIN units u ON u.id = COALESCE(c.unit_id, r.unit_id)
    LEFT JOIN customers cu ON cu.id = COALESCE(c.customer_id, r.customer_id)";

fn due_row(r: &Row) -> rusqlite::Result<DueFollowup> {
    Ok(DueFollowup {
        id: r.get(0)?,
        subject_kind: r.get(1)?,
        subject_id: r.get(2)?,
        subject_no: r.get(3)?,
        due_at: r.get(4)?,
        attempts: r.get(5)?,
        customer: r.get(6)?,
        unit: r.get(7)?,
        phone: r.get(8)?,
        summary: crate::intake::short(&r.get::<_, String>(9)?, 60),
    })
}

/// Pending tasks due by `until`, oldest first, with the customer, unit, phone and a summary.
pub fn due(conn: &Connection, estate_id: &str, until: DateTime<Utc>) -> Result<Vec<DueFollowup>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DUE_SELECT} WHERE f.estate_id = ?1 AND f.status = 'pending' AND f.due_at <= ?2
         ORDER BY f.due_at, f.created_at"
    ))?;
    let rows = stmt.query_map(params![estate_id, time::to_db(until)], due_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One task as the call list shows it (the clerk about to make the call opens it).
pub fn due_task(conn: &Connection, id: &str) -> Result<DueFollowup> {
    conn.prepare_cached(&format!("{DUE_SELECT} WHERE f.id = ?1"))?
        .query_row(params![id.trim()], due_row)
        .optional()?
        .ok_or_else(|| Error::not_found("回访任务", id))
}
