//! The duty log and the handover (值班记录 / 交接班记录): the desk is staffed day and night; each
//! shift keeps a log of what happened, and at every change of shift the outgoing clerk hands over
//! the open matters in writing and the incoming clerk accepts them.
//!
//! Invariants:
//! - One shift is on duty per estate at a time ([`start`] refuses a second); a shift ends only when
//!   the next clerk [`accept`]s its handover, which starts the incoming clerk's shift at the same
//!   moment (若接班人员因故未到，当值人员应坚守岗位).
//! - An entry is open until it is converted into an intake ([`convert`], through
//!   [`intake::record`], the intake's registration time being the entry's time, when the owner
//!   reported it) or closed with a reason ([`close_entry`]). Open entries are shown to every
//!   following shift until then. An entry's time is never edited.
//! - A handover lists the entries open when it is written (kept as they were handed over), the
//!   free-text 遗留问题, 注意事项 and the things lent out. It is accepted by a different staff
//!   member signed in with their own password ([`auth::login`]); both names and times are kept.
//! - Shift names and hours, and how early a clerk comes on, are policy ([`DutyPolicy`]) with the
//!   seeds' defaults. Nothing is deleted; every write is audited.

use chrono::{DateTime, Datelike, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::auth;
use crate::documents::Disclosure;
use crate::error::{Error, Result};
use crate::estate;
use crate::intake::{self, Intake, IntakeInput};
use crate::policy;
use crate::store::{Store, Write};
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::Channel;

pub use crate::policy::duty::{DutyPolicy, ShiftHours};

/// A shift: who was on duty, from when to when.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Shift {
    pub id: String,
    pub estate_id: String,
    pub name: String,
    pub hours: String,
    pub clerk_id: String,
    pub clerk: String,
    pub started_at: String,
    pub ended_at: Option<String>,
}

/// One line of the duty log.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DutyEntry {
    pub id: String,
    pub shift_id: String,
    /// The shift's name and clerk, e.g. `夜班 李前台`.
    pub shift: String,
    /// When the owner called or came.
    pub at: String,
    pub channel: Channel,
    pub unit: Option<String>,
    pub caller: Option<String>,
    pub phone: Option<String>,
    pub content: String,
    pub recorded_by: String,
    /// The intake it became.
    pub intake_id: Option<String>,
    pub intake_no: Option<String>,
    pub converted_at: Option<String>,
    pub converted_by: Option<String>,
    /// Closed without an intake, with the reason.
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub close_reason: Option<String>,
}

impl DutyEntry {
    /// Neither converted nor closed.
    pub fn open(&self) -> bool {
        self.intake_id.is_none() && self.closed_at.is_none()
    }

    /// One line for a printed record: `11-23 23:10 来电 3-2-1201 张先生 138****8000：…`, the
    /// phone as `disclosure` shows it.
    pub fn summary(&self, disclosure: Disclosure) -> String {
        let at = time::from_db(&self.at)
            .map(|t| {
                t.with_timezone(&time::beijing())
                    .format("%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let phone = self.phone.as_deref().map(|p| disclosure.phone(p));
        let who: Vec<&str> = [
            self.unit.as_deref(),
            self.caller.as_deref(),
            phone.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut line = format!(
            "{at} {} {}：{}",
            self.channel.label(),
            who.join(" "),
            self.content
        );
        if let Some(no) = &self.intake_no {
            line.push_str(&format!("（已转登记 {no}）"));
        } else if let Some(r) = &self.close_reason {
            line.push_str(&format!("（已关闭：{r}）"));
        }
        line
    }
}

/// A thing lent out (借出物品).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct LentItem {
    pub item: String,
    pub lent_to: String,
    #[serde(default)]
    pub returned: bool,
}

/// A handover record (交接班记录).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Handover {
    pub id: String,
    pub no: String,
    pub shift: Shift,
    pub outgoing_id: String,
    pub outgoing: String,
    pub handed_at: String,
    /// 遗留问题: the entries open when it was handed over…
    pub open_entries: Vec<DutyEntry>,
    /// …and what else the outgoing clerk wrote.
    pub open_text: Option<String>,
    /// 注意事项.
    pub notes: Option<String>,
    pub lent: Vec<LentItem>,
    /// Entries converted into intakes during the shift.
    pub converted: Vec<DutyEntry>,
    pub incoming_id: Option<String>,
    pub incoming: Option<String>,
    pub accepted_at: Option<String>,
    pub accept_note: Option<String>,
}

/// The duty screen at a glance.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DutyBoard {
    /// The shift on duty, if any.
    pub shift: Option<Shift>,
    /// Its log, oldest first.
    pub entries: Vec<DutyEntry>,
    /// Every open entry (this shift's and those carried over), oldest first.
    pub open: Vec<DutyEntry>,
    /// The shift's handover waiting for the incoming clerk.
    pub pending: Option<Handover>,
    /// Things the last accepted handover listed as lent out and not returned.
    pub lent_out: Vec<LentItem>,
    /// The policy's shifts, and the one a clerk coming on now would start.
    pub shifts: Vec<ShiftHours>,
    pub suggested: String,
}

/// Starting a shift.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ShiftInput {
    /// The shift's name (default: the one the policy gives for now).
    pub name: Option<String>,
}

/// A duty-log entry as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct DutyEntryInput {
    /// When the owner called or came (default: now); within the shift.
    pub at: Option<String>,
    /// 来电 / 来访 / … (default 来电).
    pub channel: Option<String>,
    pub unit: Option<String>,
    pub caller: Option<String>,
    pub phone: Option<String>,
    pub content: Option<String>,
    /// Settled at once: the entry is closed with this reason (no action needed).
    pub closed_reason: Option<String>,
}

/// The handover as the outgoing clerk writes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct HandoverInput {
    /// 遗留问题 beyond the open entries (listed automatically).
    pub open_text: Option<String>,
    /// 注意事项.
    pub notes: Option<String>,
    /// 借出物品.
    pub lent: Vec<LentItem>,
}

const CONTENT: TextRule = TextRule::text("content", "值班内容", 2000);
const CALLER: TextRule = TextRule::line("caller", "来电/来访人", 30);
const REASON: TextRule = TextRule::text("reason", "关闭原因", 500);
const OPEN_TEXT: TextRule = TextRule::text("open_text", "遗留问题", 2000);
const NOTES: TextRule = TextRule::text("notes", "注意事项", 2000);
const ITEM: TextRule = TextRule::line("lent.item", "借出物品", 50);
const LENT_TO: TextRule = TextRule::line("lent.lent_to", "借用人", 50);
const ACCEPT_NOTE: TextRule = TextRule::text("accept_note", "接班意见", 500);

/// Things lent out listed on one handover, at most.
const MAX_LENT: usize = 50;
/// Digits in a handover number's sequence part.
const NO_WIDTH: usize = 4;

/// The estate's duty policy.
pub fn duty_policy(conn: &Connection, estate_id: &str) -> Result<DutyPolicy> {
    Ok(policy::current(conn, estate_id)?.policy.duty)
}

const SHIFT_SELECT: &str =
    "SELECT s.id, s.estate_id, s.name, s.hours, s.clerk_id, st.name, s.started_at, s.ended_at
     FROM duty_shifts s JOIN staff st ON st.id = s.clerk_id";

fn shift_row(r: &Row) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        name: r.get(2)?,
        hours: r.get(3)?,
        clerk_id: r.get(4)?,
        clerk: r.get(5)?,
        started_at: r.get(6)?,
        ended_at: r.get(7)?,
    })
}

const ENTRY_SELECT: &str = "SELECT e.id, e.shift_id, s.name || ' ' || sc.name, e.at, e.channel,
        u.code, e.caller, e.phone, e.content, COALESCE(rb.name, '系统'), e.intake_id, i.no,
        e.converted_at, cb.name, e.closed_at, kb.name, e.close_reason
     FROM duty_entries e
     JOIN duty_shifts s ON s.id = e.shift_id
     JOIN staff sc ON sc.id = s.clerk_id
     LEFT JOIN units u ON u.id = e.unit_id
     LEFT JOIN intakes i ON i.id = e.intake_id
     LEFT JOIN staff rb ON rb.id = e.created_by
     LEFT JOIN staff cb ON cb.id = e.converted_by
     LEFT JOIN staff kb ON kb.id = e.closed_by";

fn entry_row(r: &Row) -> rusqlite::Result<DutyEntry> {
    Ok(DutyEntry {
        id: r.get(0)?,
        shift_id: r.get(1)?,
        shift: r.get(2)?,
        at: r.get(3)?,
        channel: r.get(4)?,
        unit: r.get(5)?,
        caller: r.get(6)?,
        phone: r.get(7)?,
        content: r.get(8)?,
        recorded_by: r.get(9)?,
        intake_id: r.get(10)?,
        intake_no: r.get(11)?,
        converted_at: r.get(12)?,
        converted_by: r.get(13)?,
        closed_at: r.get(14)?,
        closed_by: r.get(15)?,
        close_reason: r.get(16)?,
    })
}

fn entries(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<DutyEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ENTRY_SELECT} WHERE {filter} ORDER BY e.at, e.id"
    ))?;
    let rows = stmt.query_map(args, entry_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One entry by id.
pub fn entry(conn: &Connection, id: &str) -> Result<DutyEntry> {
    entries(conn, "e.id = ?1", params![id.trim()])?
        .pop()
        .ok_or_else(|| Error::not_found("值班记录", id))
}

/// The shift on duty in the estate, if any.
pub fn on_duty(conn: &Connection, estate_id: &str) -> Result<Option<Shift>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SHIFT_SELECT} WHERE s.estate_id = ?1 AND s.ended_at IS NULL"
        ))?
        .query_row(params![estate_id], shift_row)
        .optional()?)
}

fn shift(conn: &Connection, id: &str) -> Result<Shift> {
    conn.prepare_cached(&format!("{SHIFT_SELECT} WHERE s.id = ?1"))?
        .query_row(params![id], shift_row)
        .optional()?
        .ok_or_else(|| Error::not_found("班次", id))
}

/// The shift on duty, or the refusal to log without one.
fn current_shift(conn: &Connection, estate_id: &str) -> Result<Shift> {
    on_duty(conn, estate_id)?.ok_or_else(|| Error::State("当前没有值班班次，请先开始值班".into()))
}

/// Inserts a shift for `clerk` starting now.
fn insert_shift(w: &mut Write, estate_id: &str, hours: &ShiftHours) -> Result<Shift> {
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO duty_shifts(id, estate_id, name, hours, clerk_id, started_at,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?5, ?6, ?5)",
        params![
            id,
            estate_id,
            hours.name,
            hours.hours(),
            w.actor.staff_id,
            w.now_db
        ],
    )?;
    let s = shift(&w.tx, &id)?;
    w.audit_insert("duty_shift", &id, &s)?;
    Ok(s)
}

/// Starts a shift for the signed-in staff member, when no shift is on duty (a shift on duty ends
/// only by its handover being accepted).
pub fn start(w: &mut Write, estate_id: &str, input: &ShiftInput) -> Result<Shift> {
    if let Some(s) = on_duty(&w.tx, estate_id)? {
        return Err(Error::State(format!(
            "{} 的{}尚未交接班，请由其交班、接班人接班",
            s.clerk, s.name
        )));
    }
    let p = duty_policy(&w.tx, estate_id)?;
    let hours = match input.name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => p.named(n)?,
        None => p.shift_at(w.now)?,
    }
    .clone();
    insert_shift(w, estate_id, &hours)
}

/// Adds an entry to the log of the shift on duty.
pub fn add_entry(w: &mut Write, estate_id: &str, input: &DutyEntryInput) -> Result<DutyEntry> {
    let s = current_shift(&w.tx, estate_id)?;
    let at = w.past_time("at", "时间", input.at.as_deref(), &s.started_at)?;
    let channel = match input.channel.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Channel::parse("channel", "渠道", c)?,
        None => Channel::Call,
    };
    let unit = estate::unit_field(&w.tx, estate_id, "unit", "房号", input.unit.as_deref())?;
    let caller = CALLER.optional(input.caller.as_deref())?;
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(validate::phone("phone", "电话", p)?),
        None => None,
    };
    let content = CONTENT.required(input.content.as_deref())?;
    let closed = REASON.optional(input.closed_reason.as_deref())?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO duty_entries(id, estate_id, shift_id, at, channel, unit_id, caller, phone,
            content, closed_at, closed_by, close_reason, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?14)",
        params![
            id,
            estate_id,
            s.id,
            time::to_db(at),
            channel,
            unit.map(|u| u.id),
            caller,
            phone,
            content,
            closed.as_ref().map(|_| &w.now_db),
            closed.as_ref().map(|_| &w.actor.staff_id),
            closed,
            w.now_db,
            w.actor.staff_id,
        ],
    )?;
    let e = entry(&w.tx, &id)?;
    w.audit_insert("duty_entry", &id, &e)?;
    Ok(e)
}

/// An entry that is still open, or why it is not.
fn open_entry(conn: &Connection, estate_id: &str, id: &str) -> Result<DutyEntry> {
    let e = entry(conn, id)?;
    let in_estate: bool = conn.query_row(
        "SELECT estate_id = ?2 FROM duty_entries WHERE id = ?1",
        params![e.id, estate_id],
        |r| r.get(0),
    )?;
    if !in_estate {
        return Err(Error::not_found("值班记录", id));
    }
    if let Some(no) = &e.intake_no {
        return Err(Error::State(format!("该值班记录已转为登记 {no}")));
    }
    if e.closed_at.is_some() {
        return Err(Error::State("该值班记录已关闭".into()));
    }
    Ok(e)
}

/// Converts an open entry into an intake (前台登记) through [`intake::record`]: the form as the
/// clerk completed it, its registration time being the entry's time (when the owner reported it,
/// whatever the form says). The intake may then become a repair order or a complaint as any
/// other.
pub fn convert(
    w: &mut Write,
    estate_id: &str,
    entry_id: &str,
    input: &IntakeInput,
) -> Result<Intake> {
    let before = open_entry(&w.tx, estate_id, entry_id)?;
    let form = IntakeInput {
        received_at: Some(before.at.clone()),
        ..input.clone()
    };
    let recorded = intake::record(w, estate_id, &form)?;
    w.tx.execute(
        "UPDATE duty_entries SET intake_id = ?2, converted_at = ?3, converted_by = ?4,
            updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![before.id, recorded.id, w.now_db, w.actor.staff_id],
    )?;
    let after = entry(&w.tx, &before.id)?;
    w.audit_update("duty_entry", &before.id, &before, &after)?;
    w.event(
        "duty_entry",
        &before.id,
        "status",
        serde_json::json!({ "from": "open", "to": "converted", "intake": recorded.no }),
    )?;
    Ok(recorded)
}

/// Closes an open entry that needs no action, with the reason.
pub fn close_entry(
    w: &mut Write,
    estate_id: &str,
    entry_id: &str,
    reason: Option<&str>,
) -> Result<DutyEntry> {
    let reason = REASON.required(reason)?;
    let before = open_entry(&w.tx, estate_id, entry_id)?;
    w.tx.execute(
        "UPDATE duty_entries SET closed_at = ?2, closed_by = ?3, close_reason = ?4,
            updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    let after = entry(&w.tx, &before.id)?;
    w.audit_update("duty_entry", &before.id, &before, &after)?;
    w.event(
        "duty_entry",
        &before.id,
        "status",
        serde_json::json!({ "from": "open", "to": "closed", "reason": reason }),
    )?;
    Ok(after)
}

/// The outgoing clerk hands the shift over: the entries open now are listed as 遗留问题 with the
/// free text, 注意事项 and the things lent out. The shift stays on duty until the incoming clerk
/// accepts ([`accept`]).
pub fn hand_over(w: &mut Write, estate_id: &str, input: &HandoverInput) -> Result<Handover> {
    let s = current_shift(&w.tx, estate_id)?;
    if s.clerk_id != w.actor.staff_id {
        w.actor
            .require(auth::SUPERVISORS, &format!("代 {} 交班", s.clerk))?;
    }
    if let Some(no) = handover_of_shift(&w.tx, &s.id)? {
        return Err(Error::State(format!("本班已交班（{no}），等待接班人接班")));
    }
    let open_text = OPEN_TEXT.optional(input.open_text.as_deref())?;
    let notes = NOTES.optional(input.notes.as_deref())?;
    if input.lent.len() > MAX_LENT {
        return Err(Error::invalid(
            "lent",
            "借出物品",
            format!("最多 {MAX_LENT} 项"),
        ));
    }
    let lent = input
        .lent
        .iter()
        .map(|l| {
            Ok(LentItem {
                item: ITEM.required(Some(&l.item))?,
                lent_to: LENT_TO.required(Some(&l.lent_to))?,
                returned: l.returned,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let id = w.new_id();
    let no = w.human_no(estate_id, "JJ", time::local_date(w.now).year(), NO_WIDTH)?;
    w.tx.execute(
        "INSERT INTO duty_handovers(id, estate_id, no, shift_id, outgoing_id, handed_at, open_text,
            notes, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6, ?5, ?6, ?5)",
        params![
            id,
            estate_id,
            no,
            s.id,
            w.actor.staff_id,
            w.now_db,
            open_text,
            notes
        ],
    )?;
    w.tx.execute(
        "INSERT INTO duty_handover_matters(handover_id, entry_id)
         SELECT ?1, id FROM duty_entries
         WHERE estate_id = ?2 AND intake_id IS NULL AND closed_at IS NULL",
        params![id, estate_id],
    )?;
    for (seq, l) in lent.iter().enumerate() {
        w.tx.execute(
            "INSERT INTO duty_lent_items(id, handover_id, seq, item, lent_to, returned)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![w.new_id(), id, seq as i64, l.item, l.lent_to, l.returned],
        )?;
    }
    let h = handover(&w.tx, &id)?;
    w.audit_insert("duty_handover", &id, &h)?;
    Ok(h)
}

fn handover_of_shift(conn: &Connection, shift_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT no FROM duty_handovers WHERE shift_id = ?1",
            params![shift_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The incoming clerk accepts a handover, signing in on the desk with their own password
/// ([`auth::login`]: a wrong password counts towards the lock-out). The acceptance is written
/// as the incoming clerk, who must not be the outgoing one; the outgoing shift ends and the
/// incoming clerk's shift starts (the policy's shift for now).
pub fn accept(
    store: &mut Store,
    estate_id: &str,
    handover_id: &str,
    login: &str,
    password: &str,
    note: Option<&str>,
) -> Result<Handover> {
    if login.trim().is_empty() {
        return Err(Error::invalid("login", "接班人", "请输入接班人的登录名"));
    }
    let incoming = auth::login(store, login, password)?;
    if incoming.estate_id != estate_id {
        return Err(Error::Denied("接班人不属于本小区".into()));
    }
    store.write(&incoming, |w| accept_as(w, estate_id, handover_id, note))
}

fn accept_as(
    w: &mut Write,
    estate_id: &str,
    handover_id: &str,
    note: Option<&str>,
) -> Result<Handover> {
    let before = handover(&w.tx, handover_id)?;
    if before.shift.ended_at.is_some() || before.accepted_at.is_some() {
        return Err(Error::State(format!("交接班记录 {} 已接班", before.no)));
    }
    let in_estate: bool = w.tx.query_row(
        "SELECT estate_id = ?2 FROM duty_handovers WHERE id = ?1",
        params![before.id, estate_id],
        |r| r.get(0),
    )?;
    if !in_estate {
        return Err(Error::not_found("交接班记录", handover_id));
    }
    if w.actor.staff_id == before.outgoing_id || w.actor.staff_id == before.shift.clerk_id {
        return Err(Error::invalid(
            "login",
            "接班人",
            "接班人不能是交班人本人，请由下一班人员登录接班",
        ));
    }
    let note = ACCEPT_NOTE.optional(note)?;
    w.tx.execute(
        "UPDATE duty_handovers SET incoming_id = ?2, accepted_at = ?3, accept_note = ?4,
            updated_at = ?3, updated_by = ?2 WHERE id = ?1",
        params![before.id, w.actor.staff_id, w.now_db, note],
    )?;
    w.tx.execute(
        "UPDATE duty_shifts SET ended_at = ?2, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.shift.id, w.now_db, w.actor.staff_id],
    )?;
    let ended = shift(&w.tx, &before.shift.id)?;
    w.audit_update("duty_shift", &ended.id, &before.shift, &ended)?;
    let after = handover(&w.tx, &before.id)?;
    w.audit_update("duty_handover", &before.id, &before, &after)?;
    w.event(
        "duty_handover",
        &before.id,
        "accepted",
        serde_json::json!({ "outgoing": before.outgoing, "incoming": w.actor.name }),
    )?;
    let hours = duty_policy(&w.tx, estate_id)?.shift_at(w.now)?.clone();
    insert_shift(w, estate_id, &hours)?;
    Ok(after)
}

const HANDOVER_SELECT: &str = "SELECT h.id, h.no, h.shift_id, h.outgoing_id, o.name, h.handed_at,
        h.open_text, h.notes, h.incoming_id, i.name, h.accepted_at, h.accept_note
     FROM duty_handovers h JOIN staff o ON o.id = h.outgoing_id
     LEFT JOIN staff i ON i.id = h.incoming_id";

/// One handover by id or number, with its open matters, lent items and conversions.
pub fn handover(conn: &Connection, id_or_no: &str) -> Result<Handover> {
    type Head = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let head: Option<Head> = conn
        .prepare_cached(&format!("{HANDOVER_SELECT} WHERE h.id = ?1 OR h.no = ?1"))?
        .query_row(params![id_or_no.trim()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .optional()?;
    let Some((
        id,
        no,
        shift_id,
        outgoing_id,
        outgoing,
        handed_at,
        open_text,
        notes,
        incoming_id,
        incoming,
        accepted_at,
        accept_note,
    )) = head
    else {
        return Err(Error::not_found("交接班记录", id_or_no));
    };
    let shift = shift(conn, &shift_id)?;
    let open_entries = entries(
        conn,
        "e.id IN (SELECT entry_id FROM duty_handover_matters WHERE handover_id = ?1)",
        params![id],
    )?;
    let converted = entries(
        conn,
        "e.estate_id = (SELECT estate_id FROM duty_shifts WHERE id = ?1)
         AND e.converted_at >= ?2 AND e.converted_at <= ?3",
        params![shift.id, shift.started_at, handed_at],
    )?;
    let lent = conn
        .prepare_cached(
            "SELECT item, lent_to, returned FROM duty_lent_items WHERE handover_id = ?1 ORDER BY seq",
        )?
        .query_map(params![id], |r| {
            Ok(LentItem {
                item: r.get(0)?,
                lent_to: r.get(1)?,
                returned: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Handover {
        id,
        no,
        shift,
        outgoing_id,
        outgoing,
        handed_at,
        open_entries,
        open_text,
        notes,
        lent,
        converted,
        incoming_id,
        incoming,
        accepted_at,
        accept_note,
    })
}

/// The handovers written in `[from, to)`, oldest first: all of them for a supervisor, else those
/// the viewer handed over or accepted.
pub fn handovers(
    conn: &Connection,
    estate_id: &str,
    viewer: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Handover>> {
    let everyone = viewer.has(auth::SUPERVISORS);
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM duty_handovers WHERE estate_id = ?1 AND handed_at >= ?2 AND handed_at < ?3
             AND (?4 OR outgoing_id = ?5 OR incoming_id = ?5) ORDER BY handed_at",
        )?
        .query_map(
            params![
                estate_id,
                time::to_db(from),
                time::to_db(to),
                everyone,
                viewer.staff_id
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| handover(conn, id)).collect()
}

/// The duty screen: the shift on duty and its log, every open entry, the handover waiting for
/// acceptance, what is still lent out, and the shift a clerk coming on now would start.
pub fn board(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<DutyBoard> {
    let shift = on_duty(conn, estate_id)?;
    let (entries_of_shift, pending) = match &shift {
        Some(s) => (
            entries(conn, "e.shift_id = ?1", params![s.id])?,
            handover_of_shift(conn, &s.id)?
                .map(|no| handover(conn, &no))
                .transpose()?,
        ),
        None => (Vec::new(), None),
    };
    let open = entries(
        conn,
        "e.estate_id = ?1 AND e.intake_id IS NULL AND e.closed_at IS NULL",
        params![estate_id],
    )?;
    let last_accepted: Option<String> = conn
        .query_row(
            "SELECT id FROM duty_handovers WHERE estate_id = ?1 AND accepted_at IS NOT NULL
             ORDER BY accepted_at DESC LIMIT 1",
            params![estate_id],
            |r| r.get(0),
        )
        .optional()?;
    let lent_out = match last_accepted {
        Some(id) => handover(conn, &id)?
            .lent
            .into_iter()
            .filter(|l| !l.returned)
            .collect(),
        None => Vec::new(),
    };
    let p = duty_policy(conn, estate_id)?;
    let suggested = p.shift_at(now)?.name.clone();
    Ok(DutyBoard {
        shift,
        entries: entries_of_shift,
        open,
        pending,
        lent_out,
        shifts: p.shifts,
        suggested,
    })
}

/// How many entries are open (neither converted nor closed): the banner of the desk's start
/// screen.
pub fn open_count(conn: &Connection, estate_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM duty_entries WHERE estate_id = ?1 AND intake_id IS NULL AND closed_at IS NULL",
        params![estate_id],
        |r| r.get(0),
    )?)
}
