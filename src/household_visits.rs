//! Household visits (住户回访, seed 002… 住宅区管理处回访制度): each 物管员 visits the households of
//! their area once a quarter and the office head (主任) visits 1–2 times a year. A visit records
//! what the household said, item by item (意见、要求、建议、投诉); an item not answered on the spot
//! becomes an intake at once, at the visit's time, so that 件件有着落、事事有回音. The quarter's plan
//! comes from the register: households are the units with a customer on file, grouped into the
//! policy's areas, each with its 物管员; it shows per area what is visited and what is left, per
//! staff member what they did, and the head's visits of the year.
//!
//! Invariants: a visit and the intakes it makes are one transaction; a visit is never deleted,
//! only voided with a reason (its intakes stay, they are cases of their own); every write is
//! audited; voided visits count for nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::auth;
use crate::error::{Error, Result};
use crate::estate;
use crate::intake::{self, IntakeInput};
use crate::policy::{self, household_visits::HouseholdVisitPolicy};
use crate::store::Write;
use crate::time::{self, Period};
use crate::validate::TextRule;
use crate::vocab::{IntakeKind, VisitRound, VisitTopic};

/// A visit as recorded.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct VisitInput {
    /// 房号 of the household visited; must be in the register.
    pub unit: Option<String>,
    /// The customer met, if the clerk picked one from the unit's customers.
    pub customer_id: Option<String>,
    /// When (default: now). `2026-11-23 09:30` is Beijing time.
    pub visited_at: Option<String>,
    /// 被访人.
    pub met: Option<String>,
    /// 回访记录 beyond the items.
    pub note: Option<String>,
    /// What the household said.
    pub items: Vec<VisitItemInput>,
}

/// One thing the household said.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct VisitItemInput {
    /// 意见 / 要求 / 建议 / 投诉.
    pub topic: Option<String>,
    pub content: Option<String>,
    /// The answer given on the spot; without one the item becomes an intake.
    pub answer: Option<String>,
    /// The intake's kind (投诉 / 报修 / 咨询 / 建议 / 表扬); default by topic: 投诉 → 投诉,
    /// 要求 → 咨询, 意见 and 建议 → 建议.
    pub kind: Option<String>,
}

/// A household visit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HouseholdVisit {
    pub id: String,
    /// LH-ZF2026-0001.
    pub no: String,
    pub unit: String,
    pub customer_id: Option<String>,
    pub customer: Option<String>,
    pub visited_at: String,
    pub visitor: String,
    pub round: VisitRound,
    pub met: Option<String>,
    pub note: Option<String>,
    pub items: Vec<VisitItem>,
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// One item of a visit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitItem {
    pub topic: VisitTopic,
    pub content: String,
    pub answer: Option<String>,
    /// The intake's number, when the item became one.
    pub intake_no: Option<String>,
}

/// The quarter's plan and progress.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitPlan {
    /// 2026年第4季度.
    pub quarter: String,
    pub from: String,
    pub to: String,
    /// Visits each household is due in the quarter.
    pub per_household: u32,
    pub households: i64,
    /// Households visited as often as due.
    pub visited: i64,
    pub areas: Vec<AreaProgress>,
    pub staff: Vec<StaffProgress>,
    pub head: HeadProgress,
}

/// One area in the quarter.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AreaProgress {
    pub name: String,
    /// Its 物管员 (names; a login not on the staff list as given).
    pub staff: Vec<String>,
    pub households: i64,
    pub visited: i64,
    /// The units still to visit, in building order.
    pub pending: Vec<String>,
}

/// One staff member's visits in the quarter.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffProgress {
    pub name: String,
    /// The areas they are assigned to.
    pub areas: Vec<String>,
    /// Households in those areas.
    pub assigned: i64,
    /// Their visits in the quarter (any household).
    pub visits: i64,
    /// Of the households assigned to them, those visited as often as due (by anyone).
    pub assigned_visited: i64,
}

/// The office head's visits in the year.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeadProgress {
    pub year: i32,
    pub visits: i64,
    pub required: u32,
}

crate::plain!(HouseholdVisit, VisitItem, VisitPlan);

const MET: TextRule = TextRule::line("met", "被访人", 30);
const NOTE: TextRule = TextRule::text("note", "回访记录", 2000);
const CONTENT: TextRule = TextRule::text("items.content", "反映内容", 2000);
const ANSWER: TextRule = TextRule::text("items.answer", "当场答复", 1000);
const REASON: TextRule = TextRule::text("reason", "作废原因", 500);
/// Items on one visit, at most.
const MAX_ITEMS: usize = 20;
/// Digits in a visit number's sequence part.
const NO_WIDTH: usize = 4;

/// An item's field error, saying which item (第2条).
fn nth(n: usize, e: Error) -> Error {
    match e {
        Error::Invalid {
            field,
            label,
            message,
        } => Error::Invalid {
            field,
            label,
            message: format!("第{n}条{message}"),
        },
        other => other,
    }
}

/// The estate's household-visit policy.
fn visit_policy(conn: &Connection, estate_id: &str) -> Result<HouseholdVisitPolicy> {
    Ok(policy::current(conn, estate_id)?.policy.household_visits)
}

/// Records a visit by the signed-in staff member; each item without an on-the-spot answer
/// becomes an intake (channel 来访, at the visit's time, received by the visitor).
pub fn record(w: &mut Write, estate_id: &str, input: &VisitInput) -> Result<HouseholdVisit> {
    let unit = estate::unit_field(&w.tx, estate_id, "unit", "房号", input.unit.as_deref())?
        .ok_or_else(|| Error::invalid("unit", "房号", "请填写回访的房号"))?;
    let customer_id = match input
        .customer_id
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        None => None,
        Some(c) => {
            let in_unit: Option<String> =
                w.tx.query_row(
                    "SELECT id FROM customers WHERE id = ?1 AND unit_id = ?2 AND voided_at IS NULL",
                    params![c, unit.id],
                    |r| r.get(0),
                )
                .optional()?;
            Some(in_unit.ok_or_else(|| {
                Error::invalid("customer_id", "被访客户", "所选客户不在该房号的档案中")
            })?)
        }
    };
    let visited_at = match input.visited_at.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => time::parse_input("visited_at", "回访时间", s)?,
        None => w.now,
    };
    if visited_at > w.now {
        return Err(Error::invalid("visited_at", "回访时间", "不能晚于当前时间"));
    }
    let met = MET.optional(input.met.as_deref())?;
    let note = NOTE.optional(input.note.as_deref())?;
    if input.items.len() > MAX_ITEMS {
        return Err(Error::invalid(
            "items",
            "反映事项",
            format!("一次回访最多记录 {MAX_ITEMS} 条"),
        ));
    }
    let mut items = Vec::new();
    for (i, it) in input.items.iter().enumerate() {
        let n = i + 1;
        let topic = VisitTopic::parse(
            "items.topic",
            "反映类别",
            it.topic.as_deref().unwrap_or_default(),
        )
        .map_err(|e| nth(n, e))?;
        let content = CONTENT
            .required(it.content.as_deref())
            .map_err(|e| nth(n, e))?;
        let answer = ANSWER
            .optional(it.answer.as_deref())
            .map_err(|e| nth(n, e))?;
        let kind = match it.kind.as_deref().filter(|k| !k.trim().is_empty()) {
            Some(k) => IntakeKind::parse("items.kind", "登记类别", k).map_err(|e| nth(n, e))?,
            None => match topic {
                VisitTopic::Complaint => IntakeKind::Complaint,
                VisitTopic::Request => IntakeKind::Enquiry,
                VisitTopic::Opinion | VisitTopic::Suggestion => IntakeKind::Suggestion,
            },
        };
        items.push((topic, content, answer, kind));
    }
    let head_roles = visit_policy(&w.tx, estate_id)?.head_roles;
    let round = if w.actor.has(&head_roles) {
        VisitRound::Head
    } else {
        VisitRound::Area
    };
    let no = w.human_no(
        estate_id,
        "ZF",
        time::local_date(visited_at).year(),
        NO_WIDTH,
    )?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO household_visits(id, estate_id, no, unit_id, customer_id, visited_at,
            visitor_id, round, met, note, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7, ?11, ?7)",
        params![
            id,
            estate_id,
            no,
            unit.id,
            customer_id,
            time::to_db(visited_at),
            w.actor.staff_id,
            round.code(),
            met,
            note,
            w.now_db
        ],
    )?;
    for (seq, (topic, content, answer, kind)) in items.into_iter().enumerate() {
        let intake_id = match &answer {
            Some(_) => None,
            None => {
                let form = IntakeInput {
                    received_at: Some(time::to_db(visited_at)),
                    channel: Some("visit".into()),
                    kind: Some(kind.code().into()),
                    unit: Some(unit.code.clone()),
                    customer_id: customer_id.clone(),
                    person_name: met.clone(),
                    content: Some(format!("【住户回访 {no}·{}】{content}", topic.label())),
                    ..IntakeInput::default()
                };
                Some(intake::record(w, estate_id, &form)?.id)
            }
        };
        w.tx.execute(
            "INSERT INTO household_visit_items(id, estate_id, visit_id, seq, topic, content,
                answer, intake_id, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                w.new_id(),
                estate_id,
                id,
                seq as i64 + 1,
                topic.code(),
                content,
                answer,
                intake_id,
                w.now_db,
                w.actor.staff_id
            ],
        )?;
    }
    let visit = get(&w.tx, estate_id, &id)?;
    w.audit_insert("household_visit", &id, &visit)?;
    Ok(visit)
}

/// Voids a visit with a reason (supervisors). Its intakes stay.
pub fn void(
    w: &mut Write,
    estate_id: &str,
    key: &str,
    reason: Option<&str>,
) -> Result<HouseholdVisit> {
    w.actor.require(auth::SUPERVISORS, "作废住户回访记录")?;
    let reason = REASON.required(reason)?;
    let before = get(&w.tx, estate_id, key)?;
    if before.voided {
        return Err(Error::State(format!("回访记录 {} 已作废", before.no)));
    }
    w.tx.execute(
        "UPDATE household_visits SET voided_at = ?2, voided_by = ?3, void_reason = ?4,
            updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("household_visit", &before.id, &reason)?;
    w.event(
        "household_visit",
        &before.id,
        "status",
        serde_json::json!({ "to": "voided", "reason": reason }),
    )?;
    get(&w.tx, estate_id, &before.id)
}

const VISIT_SELECT: &str = "SELECT v.id, v.no, u.code, v.customer_id, c.name, v.visited_at,
        s.name, v.round, v.met, v.note, v.voided_at IS NOT NULL, v.void_reason
     FROM household_visits v
     JOIN units u ON u.id = v.unit_id
     JOIN staff s ON s.id = v.visitor_id
     LEFT JOIN customers c ON c.id = v.customer_id";

fn visit_row(r: &Row) -> rusqlite::Result<HouseholdVisit> {
    let round: String = r.get(7)?;
    Ok(HouseholdVisit {
        id: r.get(0)?,
        no: r.get(1)?,
        unit: r.get(2)?,
        customer_id: r.get(3)?,
        customer: r.get(4)?,
        visited_at: r.get(5)?,
        visitor: r.get(6)?,
        round: VisitRound::from_text(&round).unwrap_or(VisitRound::Area),
        met: r.get(8)?,
        note: r.get(9)?,
        items: Vec::new(),
        voided: r.get(10)?,
        void_reason: r.get(11)?,
    })
}

fn with_items(conn: &Connection, mut v: HouseholdVisit) -> Result<HouseholdVisit> {
    let mut stmt = conn.prepare_cached(
        "SELECT it.topic, it.content, it.answer, i.no FROM household_visit_items it
         LEFT JOIN intakes i ON i.id = it.intake_id WHERE it.visit_id = ?1 ORDER BY it.seq",
    )?;
    v.items = stmt
        .query_map(params![v.id], |r| {
            let topic: String = r.get(0)?;
            Ok(VisitItem {
                topic: VisitTopic::from_text(&topic).unwrap_or(VisitTopic::Opinion),
                content: r.get(1)?,
                answer: r.get(2)?,
                intake_no: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// One visit by id or number.
pub fn get(conn: &Connection, estate_id: &str, key: &str) -> Result<HouseholdVisit> {
    let v = conn
        .prepare_cached(&format!(
            "{VISIT_SELECT} WHERE v.estate_id = ?1 AND (v.id = ?2 OR v.no = ?2)"
        ))?
        .query_row(params![estate_id, key.trim()], visit_row)
        .optional()?
        .ok_or_else(|| Error::not_found("回访记录", key.trim()))?;
    with_items(conn, v)
}

/// The visits of a period, newest first (voided ones too, marked).
pub fn list(conn: &Connection, estate_id: &str, period: &Period) -> Result<Vec<HouseholdVisit>> {
    let (from, to) = period.bounds()?;
    let visits = conn
        .prepare_cached(&format!(
            "{VISIT_SELECT} WHERE v.estate_id = ?1 AND v.visited_at >= ?2 AND v.visited_at < ?3
             ORDER BY v.visited_at DESC, v.no DESC"
        ))?
        .query_map(
            params![estate_id, time::to_db(from), time::to_db(to)],
            visit_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    visits.into_iter().map(|v| with_items(conn, v)).collect()
}

/// The plan and progress of the quarter `quarter` (the days of a quarter, or its first part up to
/// a month's end); the head's visits from 1 January up to its last day.
pub fn plan(conn: &Connection, estate_id: &str, quarter: &Period) -> Result<VisitPlan> {
    let policy = visit_policy(conn, estate_id)?;
    let due = i64::from(policy.area_visits_per_quarter);
    let (from, to) = quarter.bounds()?;
    // Households: units with a customer on file, in building order.
    let households: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT u.id, u.building, u.code FROM units u
             WHERE u.estate_id = ?1 AND u.voided_at IS NULL AND EXISTS (
                SELECT 1 FROM customers c WHERE c.unit_id = u.id AND c.voided_at IS NULL)
             ORDER BY CAST(u.building AS INTEGER), u.building, CAST(u.entrance AS INTEGER),
                u.entrance, CAST(u.room AS INTEGER), u.room",
        )?
        .query_map(params![estate_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let visits: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT v.unit_id, v.visitor_id, v.round FROM household_visits v
             WHERE v.estate_id = ?1 AND v.voided_at IS NULL
               AND v.visited_at >= ?2 AND v.visited_at < ?3",
        )?
        .query_map(
            params![estate_id, time::to_db(from), time::to_db(to)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut per_unit: HashMap<&str, i64> = HashMap::new();
    let mut per_visitor: HashMap<&str, i64> = HashMap::new();
    for (unit, visitor, round) in &visits {
        if round == VisitRound::Area.code() {
            *per_unit.entry(unit.as_str()).or_default() += 1;
        }
        *per_visitor.entry(visitor.as_str()).or_default() += 1;
    }
    let done = |unit: &str| per_unit.get(unit).copied().unwrap_or(0) >= due;
    let staff: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT id, login, name FROM staff WHERE estate_id = ?1 AND voided_at IS NULL",
        )?
        .query_map(params![estate_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_login: HashMap<&str, (&str, &str)> = staff
        .iter()
        .map(|(id, login, name)| (login.as_str(), (id.as_str(), name.as_str())))
        .collect();
    let mut areas: BTreeMap<String, AreaProgress> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut assigned: BTreeMap<String, (Vec<String>, HashSet<String>)> = BTreeMap::new();
    for (unit_id, building, code) in &households {
        let (name, logins) = policy.area_of(building);
        let area = areas.entry(name.clone()).or_insert_with(|| {
            order.push(name.clone());
            AreaProgress {
                name: name.clone(),
                staff: logins
                    .iter()
                    .map(|l| {
                        by_login
                            .get(l.as_str())
                            .map(|(_, n)| n.to_string())
                            .unwrap_or_else(|| l.clone())
                    })
                    .collect(),
                households: 0,
                visited: 0,
                pending: Vec::new(),
            }
        });
        area.households += 1;
        if done(unit_id) {
            area.visited += 1;
        } else {
            area.pending.push(code.clone());
        }
        for l in logins {
            let entry = assigned.entry(l.clone()).or_default();
            if !entry.0.contains(&name) {
                entry.0.push(name.clone());
            }
            entry.1.insert(unit_id.clone());
        }
    }
    let mut staff_progress: Vec<StaffProgress> = Vec::new();
    for (login, (area_names, units)) in &assigned {
        let (id, name) = by_login
            .get(login.as_str())
            .copied()
            .unwrap_or(("", login.as_str()));
        staff_progress.push(StaffProgress {
            name: name.to_string(),
            areas: area_names.clone(),
            assigned: units.len() as i64,
            visits: per_visitor.get(id).copied().unwrap_or(0),
            assigned_visited: units.iter().filter(|u| done(u)).count() as i64,
        });
    }
    // Staff with visits but no area of their own (a colleague standing in, a supervisor).
    let assigned_ids: HashSet<&str> = assigned
        .keys()
        .filter_map(|l| by_login.get(l.as_str()).map(|(id, _)| *id))
        .collect();
    for (id, _, name) in &staff {
        let n = per_visitor.get(id.as_str()).copied().unwrap_or(0);
        if n > 0 && !assigned_ids.contains(id.as_str()) {
            staff_progress.push(StaffProgress {
                name: name.clone(),
                areas: Vec::new(),
                assigned: 0,
                visits: n,
                assigned_visited: 0,
            });
        }
    }
    let year = quarter.from.year();
    let year_so_far = Period::new(
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"),
        quarter.to,
    )?;
    let (y0, y1) = year_so_far.bounds()?;
    let head_visits: i64 = conn.query_row(
        "SELECT count(*) FROM household_visits WHERE estate_id = ?1 AND voided_at IS NULL
           AND round = 'head' AND visited_at >= ?2 AND visited_at < ?3",
        params![estate_id, time::to_db(y0), time::to_db(y1)],
        |r| r.get(0),
    )?;
    let areas: Vec<AreaProgress> = order.iter().filter_map(|n| areas.remove(n)).collect();
    Ok(VisitPlan {
        quarter: format!("{}年第{}季度", year, quarter.from.month0() / 3 + 1),
        from: quarter.from.to_string(),
        to: quarter.to.to_string(),
        per_household: policy.area_visits_per_quarter,
        households: households.len() as i64,
        visited: areas.iter().map(|a| a.visited).sum(),
        areas,
        staff: staff_progress,
        head: HeadProgress {
            year,
            visits: head_visits,
            required: policy.head_visits_per_year,
        },
    })
}
