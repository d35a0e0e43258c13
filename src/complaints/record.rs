//! A complaint as stored and read back: the record, its facts and attempts, the forms that
//! change it, the flow's allowed moves, and the queries (one by id or number, attempts, lists).
//!
//! Invariants: reading only, and no rule beyond the record's own shape; the workflows
//! ([`super`]) and the grading ([`crate::grading`]) both build on this file, and it imports
//! neither, so grading never reaches up into the workflows that re-grade.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::store::{events, Event};
use crate::vocab::{
    AttemptMethod, AttemptResult, Channel, ComplaintStatus, Grade, Identification, IntakeKind,
    Satisfaction,
};
use crate::{estate, time, validate};

/// The facts the grading rules read (households, money, media, lawsuit…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facts {
    /// Safety of customers harmed or at risk.
    pub safety_risk: bool,
    /// People (or households) complaining together; 1 for a single complainant.
    pub collective_size: i64,
    /// The amount claimed, in fen.
    pub claim_fen: i64,
    pub media_exposure: bool,
    pub lawsuit: bool,
    /// May lead to a lawsuit (热点), short of one filed.
    pub lawsuit_risk: bool,
    /// May be exposed by the media (热点), short of exposure.
    pub media_risk: bool,
    /// A promised or contracted service not done (or done badly) despite the owner's repeated
    /// requests (重大, KF02-02 4.4.1 a).
    pub promise_unkept: bool,
    pub needs_other_departments: bool,
    /// A clear error by the company.
    pub company_fault: bool,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            safety_risk: false,
            collective_size: 1,
            claim_fen: 0,
            media_exposure: false,
            lawsuit: false,
            lawsuit_risk: false,
            media_risk: false,
            promise_unkept: false,
            needs_other_departments: false,
            company_fault: false,
        }
    }
}

/// A complaint with the intake it came from (summary) and the names of everyone it refers to.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Complaint {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    pub intake_id: String,
    pub intake_no: String,
    pub received_at: String,
    pub channel: Channel,
    pub intake_kind: IntakeKind,
    pub customer_id: Option<String>,
    pub customer: Option<String>,
    pub unit_id: Option<String>,
    pub unit: Option<String>,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    /// What happened (the intake's content).
    pub content: String,
    /// What the owner asks for (the intake's request).
    pub request: Option<String>,
    pub identification: Identification,
    pub identification_basis: Option<String>,
    pub category: String,
    pub about_department_id: Option<String>,
    pub about_department: Option<String>,
    pub about_person: Option<String>,
    pub responsible_department_id: Option<String>,
    pub responsible_department: Option<String>,
    pub responsible_staff_id: Option<String>,
    pub responsible_staff: Option<String>,
    pub status: ComplaintStatus,
    pub grade: Grade,
    pub grade_reason: Option<String>,
    pub policy_version: Option<i64>,
    #[serde(flatten)]
    pub facts: Facts,
    /// The owner's requested date (`YYYY-MM-DD`).
    pub requested_by: Option<String>,
    pub reopen_count: i64,
    pub closed_at: Option<String>,
    pub close_result: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub case_library: bool,
    pub case_note: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub void_reason: Option<String>,
}

/// The complaint form, for opening and for later changes.
///
/// When opening, a missing field takes its default. When updating, a missing field is left as it
/// is and an empty text clears an optional field. Enumerated fields take the code or the label.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ComplaintInput {
    /// The intake (登记) the complaint comes from: id or number. Only when opening.
    #[serde(alias = "intake_id")]
    pub intake: Option<String>,
    /// 有效投诉 / 协调工作 / 过高要求 / 无效投诉 (default 有效投诉).
    pub identification: Option<String>,
    /// Which KF02-02 criterion applies, in words.
    pub identification_basis: Option<String>,
    /// Content category, one of the policy's list (工程质量, 规划设计, 销售承诺, 物业管理, 其他).
    pub category: Option<String>,
    /// The department complained about (name or id).
    pub about_department: Option<String>,
    /// The person complained about.
    pub about_person: Option<String>,
    /// The department responsible for handling (name or id). Setting it dispatches the complaint.
    pub responsible_department: Option<String>,
    /// The staff member responsible (login, name or id); their department is the default.
    pub responsible_staff: Option<String>,
    pub safety_risk: Option<bool>,
    /// How many complain together (≥ 1).
    pub collective_size: Option<i64>,
    /// Amount claimed in yuan (`20000`, `¥1,200.50`).
    pub claim_amount: Option<String>,
    pub media_exposure: Option<bool>,
    pub lawsuit: Option<bool>,
    /// May lead to a lawsuit.
    pub lawsuit_risk: Option<bool>,
    /// May be exposed by the media.
    pub media_risk: Option<bool>,
    /// A promised or contracted service not done despite repeated requests.
    pub promise_unkept: Option<bool>,
    pub needs_other_departments: Option<bool>,
    pub company_fault: Option<bool>,
    /// The owner's requested completion date (`2026-11-30`).
    pub requested_by: Option<String>,
}

/// One communication or coordination attempt (沟通记录).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attempt {
    pub id: String,
    pub complaint_id: String,
    pub at: String,
    pub staff_id: String,
    pub staff: String,
    pub method: AttemptMethod,
    pub contact: Option<String>,
    pub said: String,
    pub result: AttemptResult,
    pub created_at: String,
}

/// An attempt as entered.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct AttemptInput {
    /// When (default: now); Beijing time when no offset is given.
    pub at: Option<String>,
    /// 电话 / 上门 / 面谈 / 书面 / 网络.
    pub method: Option<String>,
    /// Whom they spoke to.
    pub contact: Option<String>,
    /// What was said or done.
    pub said: Option<String>,
    /// 达成一致 / 未达成一致 / 未联系上 / 处理中.
    pub result: Option<String>,
    /// Who made the attempt (login, name or id; default: the signed-in staff member).
    pub staff: Option<String>,
}

/// Closing a complaint.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct CloseInput {
    /// The handling result told to the owner.
    pub result: Option<String>,
    /// The owner's satisfaction: 满意 / 基本满意 / 不满意.
    pub satisfaction: Option<String>,
}

/// Setting the grade by hand.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct GradeInput {
    /// 一般 / 重要 / 热点 / 重大.
    pub grade: Option<String>,
    pub reason: Option<String>,
}

/// Which complaints [`list`] returns. Voided ones only when asked for by status.
#[derive(Clone, Debug, Default)]
pub struct ComplaintFilter {
    pub status: Option<ComplaintStatus>,
    pub grade: Option<Grade>,
    pub category: Option<String>,
    /// Responsible department, name or id.
    pub department: Option<String>,
    /// Opened at or after.
    pub from: Option<DateTime<Utc>>,
    /// Opened before.
    pub to: Option<DateTime<Utc>>,
    /// Only complaints not closed (and not voided).
    pub open_only: bool,
    /// Only complaints in the case library (案例库).
    pub case_library: bool,
    pub limit: Option<usize>,
}

/// Whether a complaint may move from `from` to `to`.
pub fn allowed_transition(from: ComplaintStatus, to: ComplaintStatus) -> bool {
    use ComplaintStatus::*;
    matches!(
        (from, to),
        (Registered, Dispatched)
            | (
                Registered | Dispatched | AwaitingConfirmation | Closed,
                InHandling
            )
            | (InHandling, AwaitingConfirmation)
            | (AwaitingConfirmation, Closed)
            | (
                Registered | Dispatched | InHandling | AwaitingConfirmation,
                Voided
            )
    )
}

/// Refuses any change to a closed or voided complaint.
pub fn ensure_editable(c: &Complaint) -> Result<()> {
    match c.status {
        ComplaintStatus::Closed => Err(Error::State(format!(
            "投诉 {} 已结案，不能修改；如需继续处理请先重新打开",
            c.no
        ))),
        ComplaintStatus::Voided => Err(Error::State(format!("投诉 {} 已作废，不能修改", c.no))),
        _ => Ok(()),
    }
}

const SELECT: &str = "SELECT c.id, c.estate_id, c.no, c.intake_id, i.no AS intake_no,
        i.received_at, i.channel, i.kind AS intake_kind, c.customer_id, cu.name AS customer,
        c.unit_id, u.code AS unit, i.person_name, i.phone, i.content, i.request,
        c.identification, c.identification_basis, c.category,
        c.about_department_id, ad.name AS about_department, c.about_person,
        c.responsible_department_id, rd.name AS responsible_department,
        c.responsible_staff_id, rs.name AS responsible_staff,
        c.status, c.grade, c.grade_reason, c.policy_version,
        c.safety_risk, c.collective_size, c.claim_fen, c.media_exposure, c.lawsuit,
        c.lawsuit_risk, c.media_risk, c.promise_unkept,
        c.needs_other_departments, c.company_fault, c.requested_by, c.reopen_count,
        c.closed_at, c.close_result, c.satisfaction, c.case_library, c.case_note,
        c.created_at, c.created_by, c.updated_at, c.updated_by, c.void_reason
    FROM complaints c
    JOIN intakes i ON i.id = c.intake_id
    LEFT JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN units u ON u.id = c.unit_id
    LEFT JOIN departments ad ON ad.id = c.about_department_id
    LEFT JOIN departments rd ON rd.id = c.responsible_department_id
    LEFT JOIN staff rs ON rs.id = c.responsible_staff_id";

fn row(r: &Row) -> rusqlite::Result<Complaint> {
    Ok(Complaint {
        id: r.get("id")?,
        estate_id: r.get("estate_id")?,
        no: r.get("no")?,
        intake_id: r.get("intake_id")?,
        intake_no: r.get("intake_no")?,
        received_at: r.get("received_at")?,
        channel: r.get("channel")?,
        intake_kind: r.get("intake_kind")?,
        customer_id: r.get("customer_id")?,
        customer: r.get("customer")?,
        unit_id: r.get("unit_id")?,
        unit: r.get("unit")?,
        person_name: r.get("person_name")?,
        phone: r.get("phone")?,
        content: r.get("content")?,
        request: r.get("request")?,
        identification: r.get("identification")?,
        identification_basis: r.get("identification_basis")?,
        category: r.get("category")?,
        about_department_id: r.get("about_department_id")?,
        about_department: r.get("about_department")?,
        about_person: r.get("about_person")?,
        responsible_department_id: r.get("responsible_department_id")?,
        responsible_department: r.get("responsible_department")?,
        responsible_staff_id: r.get("responsible_staff_id")?,
        responsible_staff: r.get("responsible_staff")?,
        status: r.get("status")?,
        grade: r.get("grade")?,
        grade_reason: r.get("grade_reason")?,
        policy_version: r.get("policy_version")?,
        facts: Facts {
            safety_risk: r.get("safety_risk")?,
            collective_size: r.get("collective_size")?,
            claim_fen: r.get("claim_fen")?,
            media_exposure: r.get("media_exposure")?,
            lawsuit: r.get("lawsuit")?,
            lawsuit_risk: r.get("lawsuit_risk")?,
            media_risk: r.get("media_risk")?,
            promise_unkept: r.get("promise_unkept")?,
            needs_other_departments: r.get("needs_other_departments")?,
            company_fault: r.get("company_fault")?,
        },
        requested_by: r.get("requested_by")?,
        reopen_count: r.get("reopen_count")?,
        closed_at: r.get("closed_at")?,
        close_result: r.get("close_result")?,
        satisfaction: r.get("satisfaction")?,
        case_library: r.get("case_library")?,
        case_note: r.get("case_note")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
        updated_at: r.get("updated_at")?,
        updated_by: r.get("updated_by")?,
        void_reason: r.get("void_reason")?,
    })
}

/// One complaint by id or number (`LH-TS2026-0001`; surrounding space and case are ignored).
pub fn load(conn: &Connection, id_or_no: &str) -> Result<Complaint> {
    let key = validate::fold_fullwidth(id_or_no.trim());
    conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1 OR c.no = upper(?1)"))?
        .query_row(params![key], row)
        .optional()?
        .ok_or_else(|| Error::not_found("投诉", id_or_no.trim()))
}

/// A complaint's attempts, oldest first.
pub fn attempts(conn: &Connection, complaint_id: &str) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.complaint_id, a.at, a.staff_id, s.name, a.method, a.contact, a.said,
                a.result, a.created_at
         FROM complaint_attempts a JOIN staff s ON s.id = a.staff_id
         WHERE a.complaint_id = ?1 AND a.voided_at IS NULL ORDER BY a.at, a.created_at, a.id",
    )?;
    let rows = stmt.query_map(params![complaint_id], |r| {
        Ok(Attempt {
            id: r.get(0)?,
            complaint_id: r.get(1)?,
            at: r.get(2)?,
            staff_id: r.get(3)?,
            staff: r.get(4)?,
            method: r.get(5)?,
            contact: r.get(6)?,
            said: r.get(7)?,
            result: r.get(8)?,
            created_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Complaints matching `filter`, newest first.
pub fn list(
    conn: &Connection,
    estate_id: &str,
    filter: &ComplaintFilter,
) -> Result<Vec<Complaint>> {
    let department = match &filter.department {
        Some(d) => estate::department_field(conn, estate_id, "department", "责任部门", Some(d))?
            .map(|d| d.id),
        None => None,
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.estate_id = ?1
           AND (?2 IS NULL OR c.status = ?2) AND (?2 IS NOT NULL OR c.status != 'voided')
           AND (?3 IS NULL OR c.grade = ?3)
           AND (?4 IS NULL OR c.category = ?4)
           AND (?5 IS NULL OR c.responsible_department_id = ?5)
           AND (?6 IS NULL OR c.created_at >= ?6)
           AND (?7 IS NULL OR c.created_at < ?7)
           AND (NOT ?8 OR c.status NOT IN ('closed', 'voided'))
           AND (NOT ?10 OR c.case_library = 1)
         ORDER BY c.created_at DESC, c.no DESC LIMIT ?9"
    ))?;
    let rows = stmt.query_map(
        params![
            estate_id,
            filter.status,
            filter.grade,
            filter.category.as_deref().map(str::trim),
            department,
            filter.from.map(time::to_db),
            filter.to.map(time::to_db),
            filter.open_only,
            filter.limit.map_or(-1, |n| n.min(i64::MAX as usize) as i64),
            filter.case_library,
        ],
        row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
