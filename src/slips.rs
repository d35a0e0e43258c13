//! 协调单 (coordination slips) and the 前台协调单登记表: the slip the desk prints for the
//! responsible department, carries over, gets back signed and files into the owner's 报事档案.
//!
//! Invariants:
//! - A slip comes from a live intake, and belongs to that intake's live complaint when there is one
//!   (opening a slip for a registered complaint dispatches it). An intake settled on the spot by an
//!   explanation needs no slip.
//! - Numbers are per estate and Beijing year (`LH-XT2026-0001`), in their own column.
//! - Status only moves created → handed_over → returned → filed; any unfiled slip may be voided
//!   (supervisor). Every change appends a `status` event. Handing over needs a printed slip.
//! - Every print is a `slip_prints` row; the first is the original, later ones are 补打 (reprints).

use chrono::{DateTime, Datelike, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::SUPERVISORS;
use crate::complaints::{self, Complaint};
use crate::error::{Error, Result};
use crate::estate;
use crate::intake::{self, Intake, CONTENT};
use crate::policy;
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::SlipStatus;

/// A slip as printed and as the register lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Slip {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    /// The printed title, e.g. 龙湖花园协调单.
    pub title: String,
    pub intake_id: String,
    pub intake_no: String,
    pub complaint_id: Option<String>,
    pub complaint_no: Option<String>,
    pub unit: Option<String>,
    pub customer_id: Option<String>,
    /// The customer's name, else the name given at intake.
    pub customer: Option<String>,
    pub phone: Option<String>,
    pub department_id: String,
    pub department: String,
    pub responsible_staff_id: Option<String>,
    pub responsible_staff: Option<String>,
    pub content: String,
    pub deadline_at: Option<String>,
    pub status: SlipStatus,
    pub print_count: i64,
    pub first_printed_at: Option<String>,
    pub first_printed_by: Option<String>,
    pub handed_to: Option<String>,
    pub handed_to_staff_id: Option<String>,
    pub handed_at: Option<String>,
    pub returned_at: Option<String>,
    pub owner_signed: bool,
    pub handling_result: Option<String>,
    pub filed_at: Option<String>,
    pub filed_by: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub void_reason: Option<String>,
}

/// A new slip.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct SlipInput {
    /// The intake (id or number). Either this or `complaint`.
    pub intake: Option<String>,
    /// The complaint (id or number); its intake is the slip's.
    pub complaint: Option<String>,
    /// The responsible department (name or id).
    pub department: Option<String>,
    /// The responsible person (login, name or id).
    pub responsible_staff: Option<String>,
    /// What to print (default: the intake's content and the customer's request).
    pub content: Option<String>,
    /// Answer due (default: now + the policy's answer time).
    pub deadline: Option<String>,
}

/// Handing a printed slip to the responsible person.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct HandOverInput {
    /// Who received it: a staff login/name, or any name (default: the responsible person).
    pub to: Option<String>,
    /// When (default: now).
    pub at: Option<String>,
}

/// The slip comes back.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ReturnInput {
    /// When (default: now).
    pub at: Option<String>,
    /// The owner signed the slip.
    pub owner_signed: bool,
    /// How it was handled, as written on the slip.
    pub handling_result: Option<String>,
}

/// A print of a slip.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Printed {
    pub slip: Slip,
    /// A 补打: the slip had been printed before.
    pub reprint: bool,
    pub printed_at: String,
}

/// One line of the 前台协调单登记表.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RegisterRow {
    pub no: String,
    pub created_at: String,
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub department: String,
    pub person: Option<String>,
    /// 反映问题: what the slip asks the department to handle.
    pub content: String,
    /// 处理结果, once returned.
    pub handling_result: Option<String>,
    pub printed_by: Option<String>,
    pub printed_at: Option<String>,
    pub print_count: i64,
    pub handed_to: Option<String>,
    pub handed_at: Option<String>,
    pub returned_at: Option<String>,
    pub owner_signed: bool,
    pub filed_at: Option<String>,
    pub status: SlipStatus,
}

impl From<Slip> for RegisterRow {
    fn from(s: Slip) -> Self {
        RegisterRow {
            no: s.no,
            created_at: s.created_at,
            unit: s.unit,
            customer: s.customer,
            department: s.department,
            person: s.responsible_staff,
            content: s.content,
            handling_result: s.handling_result,
            printed_by: s.first_printed_by,
            printed_at: s.first_printed_at,
            print_count: s.print_count,
            handed_to: s.handed_to,
            handed_at: s.handed_at,
            returned_at: s.returned_at,
            owner_signed: s.owner_signed,
            filed_at: s.filed_at,
            status: s.status,
        }
    }
}

const SOURCE: TextRule = TextRule::line("intake", "来源登记", 64);
const COMPLAINT: TextRule = TextRule::line("complaint", "投诉", 64);
const SLIP_CONTENT: TextRule = TextRule::text("content", "协调内容", CONTENT.max_chars);
const HANDED_TO: TextRule = TextRule::line("to", "接收人", 30);
const HANDLING: TextRule = TextRule::text("handling_result", "处理结果", 2000);
const REASON: TextRule = TextRule::text("reason", "作废原因", 500);

/// Whether a slip may move from `from` to `to`.
pub fn allowed_transition(from: SlipStatus, to: SlipStatus) -> bool {
    use SlipStatus::*;
    matches!(
        (from, to),
        (Created, HandedOver)
            | (HandedOver, Returned)
            | (Returned, Filed)
            | (Created | HandedOver | Returned, Voided)
    )
}

/// The intake a slip is for, and the complaint it belongs to.
fn source(w: &Write, estate_id: &str, input: &SlipInput) -> Result<(Intake, Option<Complaint>)> {
    let intake_key = SOURCE.optional(input.intake.as_deref())?;
    let complaint_key = COMPLAINT.optional(input.complaint.as_deref())?;
    let complaint = match &complaint_key {
        Some(k) => match complaints::load(&w.tx, k) {
            Ok(c) if c.estate_id == estate_id => Some(c),
            Ok(_) | Err(Error::NotFound { .. }) => {
                return Err(Error::invalid(
                    "complaint",
                    "投诉",
                    format!("未找到投诉“{k}”"),
                ))
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let intake = match (&intake_key, &complaint) {
        (None, None) => {
            return Err(Error::invalid(
                "intake",
                "来源登记",
                "必填：请指定登记单号或投诉单号",
            ))
        }
        (None, Some(c)) => intake::get(&w.tx, &c.intake_id)?,
        (Some(k), _) => match intake::get(&w.tx, k) {
            Ok(i) if i.estate_id == estate_id => i,
            Ok(_) | Err(Error::NotFound { .. }) => {
                return Err(Error::invalid(
                    "intake",
                    "来源登记",
                    format!("未找到登记“{k}”"),
                ))
            }
            Err(e) => return Err(e),
        },
    };
    if let Some(c) = &complaint {
        if c.intake_id != intake.id {
            return Err(Error::invalid(
                "intake",
                "来源登记",
                format!("登记 {} 不是投诉 {} 的来源登记", intake.no, c.no),
            ));
        }
    }
    if intake.voided {
        return Err(Error::invalid(
            "intake",
            "来源登记",
            format!("登记 {} 已作废", intake.no),
        ));
    }
    let complaint = match complaint {
        Some(c) => Some(c),
        None => {
            w.tx.query_row(
                "SELECT id FROM complaints WHERE intake_id = ?1 AND voided_at IS NULL",
                params![intake.id],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|id| complaints::load(&w.tx, &id))
            .transpose()?
        }
    };
    Ok((intake, complaint))
}

/// Opens a 协调单 for an intake or a complaint.
pub fn create(w: &mut Write, estate_id: &str, input: &SlipInput) -> Result<Slip> {
    let (intake, complaint) = source(w, estate_id, input)?;
    if let Some(c) = &complaint {
        complaints::ensure_editable(c)?;
    } else if intake.settled_on_spot {
        return Err(Error::State(format!(
            "登记 {} 已当场解释解决，无需开具协调单",
            intake.no
        )));
    }
    let department = estate::department_field(
        &w.tx,
        estate_id,
        "department",
        "责任部门",
        input.department.as_deref(),
    )?
    .ok_or_else(|| Error::invalid("department", "责任部门", "必填，不能为空"))?;
    let staff = estate::staff_field(
        &w.tx,
        "responsible_staff",
        "责任人",
        input.responsible_staff.as_deref(),
    )?;
    let content = match SLIP_CONTENT.optional(input.content.as_deref())? {
        Some(c) => c,
        None => match &intake.request {
            Some(r) => format!("{}\n客户要求：{r}", intake.content),
            None => intake.content.clone(),
        },
    };
    let deadline = match input
        .deadline
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => {
            let t = time::parse_input("deadline", "答复期限", s)?;
            if t <= w.now {
                return Err(Error::invalid("deadline", "答复期限", "应晚于当前时间"));
            }
            t
        }
        None => {
            let hours = policy::current(&w.tx, estate_id)?
                .policy
                .coordination
                .slip_answer_hours;
            w.now + Duration::hours(hours)
        }
    };
    let no = w.human_no(estate_id, "XT", time::local_date(w.now).year(), 4)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO slips(id, estate_id, no, intake_id, complaint_id, department_id,
            responsible_staff_id, content, deadline_at, status, created_at, created_by,
            updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'created', ?10, ?11, ?10, ?11)",
        params![
            id,
            estate_id,
            no,
            intake.id,
            complaint.as_ref().map(|c| &c.id),
            department.id,
            staff.as_ref().map(|s| &s.id),
            content,
            time::to_db(deadline),
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let slip = load(&w.tx, &id)?;
    w.audit_insert("slip", &id, &slip)?;
    w.event(
        "slip",
        &id,
        "status",
        json!({ "from": null, "to": slip.status, "reason": null }),
    )?;
    index(w, &slip)?;
    if let Some(c) = &complaint {
        complaints::slip_created(
            w,
            c,
            &department.id,
            staff.as_ref().map(|s| s.id.as_str()),
            &slip.no,
        )?;
    }
    Ok(slip)
}

pub(crate) fn index(w: &Write, s: &Slip) -> Result<()> {
    let title = format!(
        "{} 协调单 {} {}",
        s.no,
        s.department,
        intake::short(&s.content, 40)
    );
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    search::index(
        w,
        "slip",
        &s.id,
        &s.estate_id,
        &title,
        &[
            &s.no,
            &s.intake_no,
            &o(&s.complaint_no),
            &o(&s.unit),
            &o(&s.customer),
            &o(&s.phone),
            &s.department,
            &o(&s.responsible_staff),
            &s.content,
        ],
    )
}

/// Prints a slip: records the print (the first is the original, later ones are 补打).
pub fn print(w: &mut Write, id_or_no: &str) -> Result<Printed> {
    let before = load(&w.tx, id_or_no)?;
    if before.status == SlipStatus::Voided {
        return Err(Error::State(format!(
            "协调单 {} 已作废，不能打印",
            before.no
        )));
    }
    let reprint = before.print_count > 0;
    let print_id = w.new_id();
    w.tx.execute(
        "INSERT INTO slip_prints(id, slip_id, at, by_id, reprint) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![print_id, before.id, w.now_db, w.actor.staff_id, reprint],
    )?;
    w.audit_insert(
        "slip_print",
        &print_id,
        &json!({ "slip_id": before.id, "at": w.now_db, "by_id": w.actor.staff_id, "reprint": reprint }),
    )?;
    w.tx.execute(
        "UPDATE slips SET print_count = print_count + 1,
            first_printed_at = COALESCE(first_printed_at, ?2),
            first_printed_by = COALESCE(first_printed_by, ?3),
            updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    let slip = finish(w, &before, None)?;
    Ok(Printed {
        slip,
        reprint,
        printed_at: w.now_db.clone(),
    })
}

/// The slip is handed to the responsible person.
pub fn hand_over(w: &mut Write, id_or_no: &str, input: &HandOverInput) -> Result<Slip> {
    let before = load(&w.tx, id_or_no)?;
    check_transition(&before, SlipStatus::HandedOver, "登记送达")?;
    if before.print_count == 0 {
        return Err(Error::State(format!(
            "协调单 {} 尚未打印，请先打印再送达",
            before.no
        )));
    }
    let (name, staff_id) = match HANDED_TO.optional(input.to.as_deref())? {
        Some(to) => match estate::find_staff(&w.tx, &to) {
            Ok(s) if s.active => (s.name, Some(s.id)),
            Ok(_) | Err(Error::NotFound { .. }) => (to, None),
            Err(e) => return Err(e),
        },
        None => match (&before.responsible_staff, &before.responsible_staff_id) {
            (Some(n), Some(id)) => (n.clone(), Some(id.clone())),
            _ => {
                return Err(Error::invalid(
                    "to",
                    "接收人",
                    "必填：协调单没有指定责任人，请填写接收人",
                ))
            }
        },
    };
    let at = w.past_time("at", "送达时间", input.at.as_deref(), &before.created_at)?;
    w.tx.execute(
        "UPDATE slips SET status = 'handed_over', handed_to = ?2, handed_to_staff_id = ?3,
            handed_at = ?4, updated_at = ?5, updated_by = ?6
         WHERE id = ?1",
        params![
            before.id,
            name,
            staff_id,
            time::to_db(at),
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    finish(w, &before, None)
}

/// The slip comes back with the handling result (and, usually, the owner's signature).
pub fn record_return(w: &mut Write, id_or_no: &str, input: &ReturnInput) -> Result<Slip> {
    let before = load(&w.tx, id_or_no)?;
    check_transition(&before, SlipStatus::Returned, "登记回收")?;
    let handed_at = before.handed_at.clone().unwrap_or_default();
    let at = w.past_time("at", "回收时间", input.at.as_deref(), &handed_at)?;
    let result = HANDLING.required(input.handling_result.as_deref())?;
    w.tx.execute(
        "UPDATE slips SET status = 'returned', returned_at = ?2, owner_signed = ?3,
            handling_result = ?4, updated_at = ?5, updated_by = ?6
         WHERE id = ?1",
        params![
            before.id,
            time::to_db(at),
            input.owner_signed,
            result,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    finish(w, &before, None)
}

/// Files a returned slip into the owner's 报事档案.
pub fn file(w: &mut Write, id_or_no: &str) -> Result<Slip> {
    let before = load(&w.tx, id_or_no)?;
    check_transition(&before, SlipStatus::Filed, "归档")?;
    w.tx.execute(
        "UPDATE slips SET status = 'filed', filed_at = ?2, filed_by = ?3,
            updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    finish(w, &before, None)
}

/// Voids an unfiled slip (supervisor); it stays in the register with the reason.
pub fn void(w: &mut Write, id_or_no: &str, reason: Option<&str>) -> Result<Slip> {
    w.actor.require(SUPERVISORS, "作废协调单")?;
    let before = load(&w.tx, id_or_no)?;
    check_transition(&before, SlipStatus::Voided, "作废")?;
    let reason = REASON.required(reason)?;
    w.tx.execute(
        "UPDATE slips SET status = 'voided', voided_at = ?2, voided_by = ?3, void_reason = ?4,
            updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("slip", &before.id, &reason)?;
    w.event(
        "slip",
        &before.id,
        "status",
        json!({ "from": before.status, "to": SlipStatus::Voided, "reason": reason }),
    )?;
    search::remove(w, "slip", &before.id)?;
    load(&w.tx, &before.id)
}

fn check_transition(s: &Slip, to: SlipStatus, doing: &str) -> Result<()> {
    if allowed_transition(s.status, to) {
        Ok(())
    } else {
        Err(Error::State(format!(
            "协调单 {} 当前状态为“{}”，不能{doing}",
            s.no,
            s.status.label()
        )))
    }
}

/// After a change: audits it and appends the status event when the status moved.
fn finish(w: &mut Write, before: &Slip, reason: Option<&str>) -> Result<Slip> {
    let after = load(&w.tx, &before.id)?;
    w.audit_update("slip", &before.id, before, &after)?;
    if after.status != before.status {
        w.event(
            "slip",
            &before.id,
            "status",
            json!({ "from": before.status, "to": after.status, "reason": reason }),
        )?;
    }
    Ok(after)
}

const SELECT: &str = "SELECT s.id, s.estate_id, s.no, e.slip_title AS title, s.intake_id,
        i.no AS intake_no, s.complaint_id, c.no AS complaint_no, u.code AS unit,
        i.customer_id, COALESCE(cu.name, i.person_name) AS customer, i.phone,
        s.department_id, d.name AS department, s.responsible_staff_id,
        rs.name AS responsible_staff, s.content, s.deadline_at, s.status, s.print_count,
        s.first_printed_at, fp.name AS first_printed_by, s.handed_to, s.handed_to_staff_id,
        s.handed_at, s.returned_at, s.owner_signed, s.handling_result, s.filed_at,
        fb.name AS filed_by, s.created_at, cb.name AS created_by, s.void_reason
    FROM slips s
    JOIN estates e ON e.id = s.estate_id
    JOIN intakes i ON i.id = s.intake_id
    JOIN departments d ON d.id = s.department_id
    LEFT JOIN complaints c ON c.id = s.complaint_id
    LEFT JOIN units u ON u.id = i.unit_id
    LEFT JOIN customers cu ON cu.id = i.customer_id
    LEFT JOIN staff rs ON rs.id = s.responsible_staff_id
    LEFT JOIN staff fp ON fp.id = s.first_printed_by
    LEFT JOIN staff fb ON fb.id = s.filed_by
    LEFT JOIN staff cb ON cb.id = s.created_by";

fn row(r: &Row) -> rusqlite::Result<Slip> {
    Ok(Slip {
        id: r.get("id")?,
        estate_id: r.get("estate_id")?,
        no: r.get("no")?,
        title: r.get("title")?,
        intake_id: r.get("intake_id")?,
        intake_no: r.get("intake_no")?,
        complaint_id: r.get("complaint_id")?,
        complaint_no: r.get("complaint_no")?,
        unit: r.get("unit")?,
        customer_id: r.get("customer_id")?,
        customer: r.get("customer")?,
        phone: r.get("phone")?,
        department_id: r.get("department_id")?,
        department: r.get("department")?,
        responsible_staff_id: r.get("responsible_staff_id")?,
        responsible_staff: r.get("responsible_staff")?,
        content: r.get("content")?,
        deadline_at: r.get("deadline_at")?,
        status: r.get("status")?,
        print_count: r.get("print_count")?,
        first_printed_at: r.get("first_printed_at")?,
        first_printed_by: r.get("first_printed_by")?,
        handed_to: r.get("handed_to")?,
        handed_to_staff_id: r.get("handed_to_staff_id")?,
        handed_at: r.get("handed_at")?,
        returned_at: r.get("returned_at")?,
        owner_signed: r.get("owner_signed")?,
        handling_result: r.get("handling_result")?,
        filed_at: r.get("filed_at")?,
        filed_by: r.get("filed_by")?,
        created_at: r.get("created_at")?,
        created_by: r
            .get::<_, Option<String>>("created_by")?
            .unwrap_or_default(),
        void_reason: r.get("void_reason")?,
    })
}

/// One slip by id or number (case and surrounding space ignored).
pub fn load(conn: &Connection, id_or_no: &str) -> Result<Slip> {
    let key = validate::fold_fullwidth(id_or_no.trim());
    conn.prepare_cached(&format!("{SELECT} WHERE s.id = ?1 OR s.no = upper(?1)"))?
        .query_row(params![key], row)
        .optional()?
        .ok_or_else(|| Error::not_found("协调单", id_or_no.trim()))
}

/// The slip a barcode scanner (or a clerk) typed: its number, in any case, with stray white
/// space or full-width characters.
pub fn find_by_no(conn: &Connection, estate_id: &str, typed: &str) -> Result<Slip> {
    let no: String = validate::fold_fullwidth(typed)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    conn.prepare_cached(&format!("{SELECT} WHERE s.estate_id = ?1 AND s.no = ?2"))?
        .query_row(params![estate_id, no], row)
        .optional()?
        .ok_or_else(|| Error::not_found("协调单", typed.trim()))
}

/// A complaint's slips, oldest first.
pub fn for_complaint(conn: &Connection, complaint_id: &str) -> Result<Vec<Slip>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE s.complaint_id = ?1 ORDER BY s.no"))?;
    let rows = stmt.query_map(params![complaint_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The 前台协调单登记表: every slip opened in `[from, to)`, voided ones included, in order.
pub fn register(
    conn: &Connection,
    estate_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<RegisterRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE s.estate_id = ?1 AND s.created_at >= ?2 AND s.created_at < ?3
         ORDER BY s.created_at, s.no"
    ))?;
    let rows = stmt.query_map(params![estate_id, time::to_db(from), time::to_db(to)], row)?;
    Ok(rows
        .map(|r| r.map(RegisterRow::from))
        .collect::<rusqlite::Result<_>>()?)
}

/// The owner's 报事档案: the filed slips of a customer (id) or of a unit (`3-2-1201`), newest
/// first.
pub fn archive(conn: &Connection, estate_id: &str, customer_or_unit: &str) -> Result<Vec<Slip>> {
    let key = customer_or_unit.trim();
    let customer: Option<String> = conn
        .query_row(
            "SELECT id FROM customers WHERE id = ?1 AND estate_id = ?2",
            params![key, estate_id],
            |r| r.get(0),
        )
        .optional()?;
    let (customer_id, unit_id) = match customer {
        Some(c) => (Some(c), None),
        None => {
            let unit = estate::unit_field(conn, estate_id, "key", "客户或房号", Some(key))?
                .ok_or_else(|| Error::invalid("key", "客户或房号", "必填，不能为空"))?;
            (None, Some(unit.id))
        }
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE s.estate_id = ?1 AND s.status = 'filed'
           AND (i.customer_id = ?2 OR i.unit_id = ?3)
         ORDER BY s.filed_at DESC, s.no DESC"
    ))?;
    let rows = stmt.query_map(params![estate_id, customer_id, unit_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
