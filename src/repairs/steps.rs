//! The machinery every step of an order shares (`lifecycle.rs` and the fee confirmation in
//! `fees.rs`): the state check, the step's time, the status event, the audited save.
//!
//! Invariants: a step refuses an order not in one of its `from` states, naming the state in
//! Chinese; a step's time is never in the future and never before the time the order entered its
//! current state; a status move is always a `status` event; every save is audited against the
//! order as it was.

use chrono::{DateTime, Duration, DurationRound, Utc};
use rusqlite::{params, Connection};
use serde_json::json;

use super::{given, local, order, RepairOrder, ORDER};
use crate::error::{Error, Result};
use crate::store::Write;
use crate::time;
use crate::vocab::RepairStatus;

/// Loads an order for a step, refusing unless its status is one of `from`.
pub(super) fn load_in(
    conn: &Connection,
    id: &str,
    from: &[RepairStatus],
    doing: &str,
) -> Result<RepairOrder> {
    let o = order(conn, id)?;
    if !from.contains(&o.status) {
        return Err(Error::State(format!(
            "维修单 {} 当前状态为“{}”，不能{doing}",
            o.no,
            o.status.label()
        )));
    }
    Ok(o)
}

/// When the order entered its current status, and what that time is called.
pub(super) fn entered_at(o: &RepairOrder) -> (Option<&str>, &'static str) {
    match o.status {
        RepairStatus::Reported => (Some(&o.reported_at), "报修时间"),
        RepairStatus::Dispatched => (o.dispatched_at.as_deref(), "派工时间"),
        RepairStatus::Accepted => (o.accepted_at.as_deref(), "接单时间"),
        RepairStatus::Arrived => (o.arrived_at.as_deref(), "到场时间"),
        RepairStatus::Finished => (o.finished_at.as_deref(), "完工时间"),
        RepairStatus::SignedOff => (o.signed_off_at.as_deref(), "签认时间"),
        RepairStatus::Closed | RepairStatus::Voided => (o.closed_at.as_deref(), "结单时间"),
    }
}

/// The time of a step: as given (Beijing time without an offset) or now. Never in the future and
/// never before `after`; a time typed to the minute within the minute of `after` counts as `after`.
pub(super) fn step_time(
    w: &Write,
    label: &'static str,
    value: Option<&str>,
    after: (Option<&str>, &'static str),
) -> Result<DateTime<Utc>> {
    let at = match given(value) {
        Some(s) => time::parse_input("at", label, s)?,
        None => w.now,
    };
    if at > w.now {
        return Err(Error::invalid(
            "at",
            label,
            format!("{} 晚于当前时间", local(at)),
        ));
    }
    let (Some(prev), prev_label) = after else {
        return Ok(at);
    };
    let prev = time::from_db(prev)?;
    let prev_minute = prev
        .duration_trunc(Duration::minutes(1))
        .map_err(|e| Error::Corrupt(format!("时间无法取整：{e}")))?;
    if at < prev_minute {
        return Err(Error::invalid(
            "at",
            label,
            format!("{} 早于{prev_label}（{}）", local(at), local(prev)),
        ));
    }
    Ok(at.max(prev))
}

/// Moves the order to `to` and appends the status event (`data` adds to `from`/`to`).
pub(super) fn move_to(
    w: &Write,
    id: &str,
    from: RepairStatus,
    to: RepairStatus,
    mut data: serde_json::Value,
) -> Result<()> {
    w.tx.execute(
        "UPDATE repair_orders SET status = ?2 WHERE id = ?1",
        params![id, to],
    )?;
    data["from"] = json!(from);
    data["to"] = json!(to);
    w.event(ORDER, id, "status", data)
}

/// Stamps the change and audits it against `before`; returns the order as it is now.
pub(super) fn saved(w: &mut Write, before: &RepairOrder) -> Result<RepairOrder> {
    w.tx.execute(
        "UPDATE repair_orders SET updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    let after = order(&w.tx, &before.id)?;
    w.audit_update(ORDER, &before.id, before, &after)?;
    Ok(after)
}
