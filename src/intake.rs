//! Intake (前台登记): every contact the desk receives, valid or not, and the look-up that shows
//! the clerk who is calling and what they have reported before.
//!
//! Invariants: the registration time (`received_at`) is fixed when recorded and never edited;
//! corrections are voids with a reason. Phone numbers are stored normalised (digits), so a number
//! typed with full-width digits or dashes is found again. An intake is linked to its customer when
//! the phone (and unit, if given) identify exactly one.

use chrono::{DateTime, Datelike, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::customers;
use crate::error::{Error, Result, RowProblem};
use crate::estate::{self, Unit};
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{Channel, IntakeKind, Tier};

/// A recorded contact.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Intake {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    pub received_at: String,
    pub channel: Channel,
    pub kind: IntakeKind,
    pub unit_id: Option<String>,
    pub unit: Option<String>,
    pub customer_id: Option<String>,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    pub happened_at: Option<String>,
    pub location: Option<String>,
    pub about: Option<String>,
    pub content: String,
    pub request: Option<String>,
    pub reply: Option<String>,
    pub settled_on_spot: bool,
    pub receiver_id: String,
    pub receiver: String,
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// A contact as the clerk enters it. Enumerated fields take the code or the Chinese label.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct IntakeInput {
    /// When the contact came in (default: now). `2026-11-23 09:30` is Beijing time.
    pub received_at: Option<String>,
    /// 来电 / 来访 / 来函传真 / 网络 / 委托转告.
    pub channel: Option<String>,
    /// 投诉 / 报修 / 咨询 / 建议 / 表扬.
    pub kind: Option<String>,
    /// 户位/房号, e.g. `3-2-1201` or `3栋2单元1201`.
    pub unit: Option<String>,
    /// The customer's id, if the clerk picked one; otherwise matched by phone and unit.
    pub customer_id: Option<String>,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    /// When it happened, as told.
    pub happened_at: Option<String>,
    /// Where it happened.
    pub location: Option<String>,
    /// Whom or which department it is about.
    pub about: Option<String>,
    /// What happened.
    pub content: Option<String>,
    /// What the customer asks for.
    pub request: Option<String>,
    /// The explanation given at the desk.
    pub reply: Option<String>,
    /// The customer was satisfied by the explanation: no slip needed.
    pub settled_on_spot: bool,
    /// The receiving clerk's login (default: the signed-in clerk).
    pub receiver: Option<String>,
}

pub const CONTENT: TextRule = TextRule::text("content", "事由", 5000);
const PERSON: TextRule = TextRule::line("person_name", "姓名", 30);
const HAPPENED: TextRule = TextRule::line("happened_at", "发生时间", 50);
const LOCATION: TextRule = TextRule::line("location", "发生地点", 100);
const ABOUT: TextRule = TextRule::line("about", "被投诉部门/人员", 100);
const REQUEST: TextRule = TextRule::text("request", "客户要求", 2000);
const REPLY: TextRule = TextRule::text("reply", "解释答复", 2000);
const REASON: TextRule = TextRule::text("reason", "作废原因", 500);

/// The checked, normalised form of an [`IntakeInput`].
pub struct CheckedIntake {
    pub received_at: DateTime<Utc>,
    pub channel: Channel,
    pub kind: IntakeKind,
    pub unit: Option<Unit>,
    pub customer_id: Option<String>,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    pub happened_at: Option<String>,
    pub location: Option<String>,
    pub about: Option<String>,
    pub content: String,
    pub request: Option<String>,
    pub reply: Option<String>,
    pub settled_on_spot: bool,
    pub receiver_id: String,
}

/// Checks an intake form field by field; the first problem is returned.
pub fn check(
    conn: &Connection,
    estate_id: &str,
    now: DateTime<Utc>,
    default_receiver: &str,
    input: &IntakeInput,
) -> Result<CheckedIntake> {
    let received_at = match input
        .received_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => now,
        Some(s) => {
            let t = time::parse_input("received_at", "登记时间", s)?;
            if t > now + Duration::minutes(5) {
                return Err(Error::invalid(
                    "received_at",
                    "登记时间",
                    "不能晚于当前时间",
                ));
            }
            t
        }
    };
    let required = |field: &'static str, label: &'static str, v: Option<&str>| -> Result<String> {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| Error::invalid(field, label, "必填，不能为空"))
    };
    let channel = Channel::parse(
        "channel",
        "渠道",
        &required("channel", "渠道", input.channel.as_deref())?,
    )?;
    let kind = IntakeKind::parse(
        "kind",
        "类型",
        &required("kind", "类型", input.kind.as_deref())?,
    )?;
    let mut unit = estate::unit_field(conn, estate_id, "unit", "房号", input.unit.as_deref())?;
    let person_name = PERSON.optional(input.person_name.as_deref())?;
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => Some(validate::phone("phone", "电话", p)?),
        None => None,
    };
    let content = CONTENT.required(input.content.as_deref())?;
    let customer_id = match input
        .customer_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(id) => {
            let found: Option<Option<String>> = conn
                .query_row(
                    "SELECT unit_id FROM customers WHERE id = ?1 AND estate_id = ?2 AND voided_at IS NULL",
                    params![id, estate_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(cust_unit) = found else {
                return Err(Error::invalid(
                    "customer_id",
                    "客户",
                    format!("未找到客户“{id}”"),
                ));
            };
            if unit.is_none() {
                if let Some(uid) = cust_unit {
                    unit = estate::find_unit(conn, estate_id, &uid)?;
                }
            }
            Some(id.to_string())
        }
        None => match_customer(
            conn,
            estate_id,
            phone.as_deref(),
            unit.as_ref(),
            person_name.as_deref(),
        )?,
    };
    if matches!(kind, IntakeKind::Complaint | IntakeKind::Repair)
        && phone.is_none()
        && unit.is_none()
        && customer_id.is_none()
    {
        return Err(Error::invalid(
            "phone",
            "电话",
            "投诉和报修须留电话或房号，以便回复",
        ));
    }
    let receiver_id =
        match estate::staff_field(conn, "receiver", "接待人", input.receiver.as_deref())? {
            Some(s) => s.id,
            None => default_receiver.to_string(),
        };
    Ok(CheckedIntake {
        received_at,
        channel,
        kind,
        unit,
        customer_id,
        person_name,
        phone,
        happened_at: HAPPENED.optional(input.happened_at.as_deref())?,
        location: LOCATION.optional(input.location.as_deref())?,
        about: ABOUT.optional(input.about.as_deref())?,
        content,
        request: REQUEST.optional(input.request.as_deref())?,
        reply: REPLY.optional(input.reply.as_deref())?,
        settled_on_spot: input.settled_on_spot,
        receiver_id,
    })
}

/// The customer a phone (and unit, and name) identify, when exactly one does.
fn match_customer(
    conn: &Connection,
    estate_id: &str,
    phone: Option<&str>,
    unit: Option<&Unit>,
    name: Option<&str>,
) -> Result<Option<String>> {
    let unit_id = unit.map(|u| u.id.as_str());
    let ids: Vec<String> = if let Some(p) = phone {
        conn.prepare_cached(
            "SELECT id FROM customers WHERE estate_id = ?1 AND voided_at IS NULL
             AND (phone = ?2 OR phone2 = ?2) AND (?3 IS NULL OR unit_id = ?3)",
        )?
        .query_map(params![estate_id, p, unit_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?
    } else if let (Some(u), Some(n)) = (unit_id, name) {
        conn.prepare_cached(
            "SELECT id FROM customers WHERE estate_id = ?1 AND voided_at IS NULL AND unit_id = ?2 AND name = ?3",
        )?
        .query_map(params![estate_id, u, n], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    Ok(if ids.len() == 1 {
        ids.into_iter().next()
    } else {
        None
    })
}

/// Records a contact.
pub fn record(w: &mut Write, estate_id: &str, input: &IntakeInput) -> Result<Intake> {
    let c = check(&w.tx, estate_id, w.now, &w.actor.staff_id, input)?;
    let no = w.human_no(
        estate_id,
        "DJ",
        time::local_date(c.received_at).year(),
        NO_WIDTH,
    )?;
    insert(w, estate_id, c, no)
}

/// Digits in an intake number's sequence part.
const NO_WIDTH: usize = 6;

/// Inserts a checked intake under its number: row, search document, audit entry.
fn insert(w: &mut Write, estate_id: &str, c: CheckedIntake, no: String) -> Result<Intake> {
    let id = w.new_id();
    w.tx.prepare_cached(
        "INSERT INTO intakes(id, estate_id, no, received_at, channel, kind, unit_id, customer_id,
            person_name, phone, happened_at, location, about, content, request, reply,
            settled_on_spot, receiver_id, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?19, ?20)",
    )?
    .execute(params![
        id,
        estate_id,
        no,
        time::to_db(c.received_at),
        c.channel,
        c.kind,
        c.unit.as_ref().map(|u| &u.id),
        c.customer_id,
        c.person_name,
        c.phone,
        c.happened_at,
        c.location,
        c.about,
        c.content,
        c.request,
        c.reply,
        c.settled_on_spot,
        c.receiver_id,
        w.now_db,
        w.actor.staff_id,
    ])?;
    let receiver: String =
        w.tx.prepare_cached("SELECT name FROM staff WHERE id = ?1")?
            .query_row(params![c.receiver_id], |r| r.get(0))?;
    let intake = Intake {
        id: id.clone(),
        estate_id: estate_id.to_string(),
        no,
        received_at: time::to_db(c.received_at),
        channel: c.channel,
        kind: c.kind,
        unit_id: c.unit.as_ref().map(|u| u.id.clone()),
        unit: c.unit.map(|u| u.code),
        customer_id: c.customer_id,
        person_name: c.person_name,
        phone: c.phone,
        happened_at: c.happened_at,
        location: c.location,
        about: c.about,
        content: c.content,
        request: c.request,
        reply: c.reply,
        settled_on_spot: c.settled_on_spot,
        receiver_id: c.receiver_id,
        receiver,
        voided: false,
        void_reason: None,
    };
    index(w, &intake)?;
    w.audit_insert("intake", &id, &intake)?;
    Ok(intake)
}

/// Imports many contacts at once (an old phone log, another system's register): every row is
/// checked first, and if any is wrong nothing is written and each problem is reported by row.
pub fn import(w: &mut Write, estate_id: &str, inputs: &[IntakeInput]) -> Result<usize> {
    let mut checked = Vec::with_capacity(inputs.len());
    let mut problems = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match check(&w.tx, estate_id, w.now, &w.actor.staff_id, input) {
            Ok(c) => checked.push(c),
            Err(Error::Invalid { label, message, .. }) => problems.push(RowProblem {
                row: i + 1,
                field: label.to_string(),
                message,
            }),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Import(problems));
    }
    let n = checked.len();
    // Numbers are reserved per registration year before any row is written.
    let mut per_year: std::collections::BTreeMap<i32, usize> = Default::default();
    for c in &checked {
        *per_year
            .entry(time::local_date(c.received_at).year())
            .or_default() += 1;
    }
    let mut numbers = std::collections::BTreeMap::new();
    for (year, count) in per_year {
        numbers.insert(
            year,
            w.reserve_human_nos(estate_id, "DJ", year, NO_WIDTH, count)?,
        );
    }
    for c in checked {
        let year = time::local_date(c.received_at).year();
        let no = numbers
            .get_mut(&year)
            .and_then(Iterator::next)
            .expect("reserved per year");
        insert(w, estate_id, c, no)?;
    }
    w.audit(
        "import",
        "intake",
        estate_id,
        serde_json::json!({ "rows": n }),
    )?;
    Ok(n)
}

pub(crate) fn index(w: &Write, i: &Intake) -> Result<()> {
    let title = format!("{} {} {}", i.no, i.kind.label(), short(&i.content, 40));
    search::add(
        w,
        "intake",
        &i.id,
        &i.estate_id,
        &title,
        &[
            &i.no,
            i.unit.as_deref().unwrap_or(""),
            i.person_name.as_deref().unwrap_or(""),
            i.phone.as_deref().unwrap_or(""),
            i.location.as_deref().unwrap_or(""),
            i.about.as_deref().unwrap_or(""),
            &i.content,
            i.request.as_deref().unwrap_or(""),
        ],
    )
}

/// The first `n` characters of a text, with "…" when cut.
pub fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

const SELECT: &str =
    "SELECT i.id, i.estate_id, i.no, i.received_at, i.channel, i.kind, i.unit_id, u.code,
        i.customer_id, i.person_name, i.phone, i.happened_at, i.location, i.about, i.content,
        i.request, i.reply, i.settled_on_spot, i.receiver_id, s.name, i.voided_at IS NOT NULL,
        i.void_reason
    FROM intakes i LEFT JOIN units u ON u.id = i.unit_id JOIN staff s ON s.id = i.receiver_id";

fn row(r: &Row) -> rusqlite::Result<Intake> {
    Ok(Intake {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        no: r.get(2)?,
        received_at: r.get(3)?,
        channel: r.get(4)?,
        kind: r.get(5)?,
        unit_id: r.get(6)?,
        unit: r.get(7)?,
        customer_id: r.get(8)?,
        person_name: r.get(9)?,
        phone: r.get(10)?,
        happened_at: r.get(11)?,
        location: r.get(12)?,
        about: r.get(13)?,
        content: r.get(14)?,
        request: r.get(15)?,
        reply: r.get(16)?,
        settled_on_spot: r.get(17)?,
        receiver_id: r.get(18)?,
        receiver: r.get(19)?,
        voided: r.get(20)?,
        void_reason: r.get(21)?,
    })
}

/// One intake by id or number.
pub fn get(conn: &Connection, id_or_no: &str) -> Result<Intake> {
    conn.prepare_cached(&format!("{SELECT} WHERE i.id = ?1 OR i.no = ?1"))?
        .query_row(params![id_or_no.trim()], row)
        .optional()?
        .ok_or_else(|| Error::not_found("登记记录", id_or_no))
}

/// Live intakes received in `[from, to)`, newest first; `channel` limits to one channel
/// (来电 gives the 电话接待记录本).
pub fn list(
    conn: &Connection,
    estate_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    channel: Option<Channel>,
    limit: usize,
) -> Result<Vec<Intake>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE i.estate_id = ?1 AND i.received_at >= ?2 AND i.received_at < ?3
         AND i.voided_at IS NULL AND (?4 IS NULL OR i.channel = ?4)
         ORDER BY i.received_at DESC LIMIT ?5"
    ))?;
    let rows = stmt.query_map(
        params![
            estate_id,
            time::to_db(from),
            time::to_db(to),
            channel,
            limit.min(i64::MAX as usize) as i64
        ],
        row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Voids an intake recorded in error (it stays in the register with the reason).
pub fn void(w: &mut Write, id_or_no: &str, reason: Option<&str>) -> Result<Intake> {
    let reason = REASON.required(reason)?;
    let before = get(&w.tx, id_or_no)?;
    if before.voided {
        return Err(Error::State(format!("登记 {} 已作废", before.no)));
    }
    let live_cases: i64 = w.tx.query_row(
        "SELECT (SELECT count(*) FROM complaints WHERE intake_id = ?1 AND voided_at IS NULL)
              + (SELECT count(*) FROM repair_orders WHERE intake_id = ?1 AND voided_at IS NULL)
              + (SELECT count(*) FROM slips WHERE intake_id = ?1 AND voided_at IS NULL)",
        params![before.id],
        |r| r.get(0),
    )?;
    if live_cases > 0 {
        return Err(Error::State(format!(
            "登记 {} 已生成投诉、报修或协调单，请先作废这些记录",
            before.no
        )));
    }
    w.tx.execute(
        "UPDATE intakes SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("intake", &before.id, &reason)?;
    search::remove(w, "intake", &before.id)?;
    get(&w.tx, &before.id)
}

/// A customer as the look-up shows them.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerCard {
    pub id: String,
    pub name: String,
    pub relation: String,
    pub unit: Option<String>,
    pub phone: Option<String>,
    pub tier: Tier,
    pub vip_card_no: Option<String>,
    pub vip_expires_on: Option<String>,
    /// The card has expired: no VIP priority until it is renewed (复核换卡).
    pub vip_expired: bool,
}

/// A case (complaint or repair order) as the look-up lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseLine {
    /// `complaint` or `repair`.
    pub kind: String,
    pub id: String,
    pub no: String,
    pub at: String,
    pub status: String,
    pub summary: String,
    /// Complaint category or repair kind.
    pub category: String,
    pub open: bool,
}

/// What the desk sees after typing a unit or a phone.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lookup {
    pub query: String,
    pub unit: Option<Unit>,
    pub customers: Vec<CustomerCard>,
    pub open_cases: Vec<CaseLine>,
    pub past_cases: Vec<CaseLine>,
    /// Complaints by these customers or at this unit within the policy's repeat window
    /// (`grading.important_repeat_window_days`, a year by default).
    pub complaints_last_year: i64,
    /// Said when one more complaint would meet the policy's repeat rule (`important_repeats`):
    /// the desk warns before recording it.
    pub repeat_warning: Option<String>,
    /// The most recent contacts of any kind.
    pub recent_intakes: Vec<Intake>,
}

/// Looks up a unit (`3-2-1201`, `3栋2单元1201`), a phone (full or the last 4+ digits) or a name.
pub fn lookup(
    conn: &Connection,
    estate_id: &str,
    query: &str,
    now: DateTime<Utc>,
) -> Result<Lookup> {
    let q = validate::fold_fullwidth(query.trim());
    if q.is_empty() {
        return Err(Error::invalid("query", "查询", "请输入房号、电话或姓名"));
    }
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    let phone_like =
        digits.len() >= 4 && q.chars().all(|c| c.is_ascii_digit() || " -()+".contains(c));
    // A unit in the register wins over a phone: `3-2-1201` is both digit-like and a unit.
    let unit = match validate::unit_code("query", "查询", &q) {
        Ok(uc) => estate::find_unit(conn, estate_id, &uc.canonical())?,
        Err(_) => None,
    };
    let phone_like = phone_like && unit.is_none();
    let today = time::local_date(now);
    let cards_sql = "SELECT c.id, c.name, c.relation, u.code, c.phone, c.tier,
            (SELECT card_no FROM vip_cards v WHERE v.customer_id = c.id AND v.status = 'active' ORDER BY issued_on DESC LIMIT 1),
            (SELECT expires_on FROM vip_cards v WHERE v.customer_id = c.id AND v.status = 'active' ORDER BY issued_on DESC LIMIT 1)
        FROM customers c LEFT JOIN units u ON u.id = c.unit_id
        WHERE c.estate_id = ?1 AND c.voided_at IS NULL AND ";
    let card = |r: &Row| -> rusqlite::Result<CustomerCard> {
        let relation: String = r.get(2)?;
        Ok(CustomerCard {
            id: r.get(0)?,
            name: r.get(1)?,
            relation: crate::vocab::Relation::from_text(&relation)
                .map(|x| x.label().to_string())
                .unwrap_or(relation),
            unit: r.get(3)?,
            phone: r.get(4)?,
            tier: r.get(5)?,
            vip_card_no: r.get(6)?,
            vip_expired: r
                .get::<_, Option<String>>(7)?
                .is_some_and(|last| customers::card_expired(&last, today)),
            vip_expires_on: r.get(7)?,
        })
    };
    let (customers, phone_filter): (Vec<CustomerCard>, Option<String>) = if let Some(u) = &unit {
        let mut stmt = conn.prepare_cached(&format!(
            "{cards_sql} c.unit_id = ?2 ORDER BY c.relation = 'owner' DESC, c.name"
        ))?;
        let v = stmt
            .query_map(params![estate_id, u.id], card)?
            .collect::<rusqlite::Result<_>>()?;
        (v, None)
    } else if phone_like {
        let full = validate::phone("query", "查询", &q).ok();
        let mut stmt = conn.prepare_cached(&format!(
            "{cards_sql} (c.phone = ?2 OR c.phone2 = ?2 OR (?3 AND (c.phone LIKE '%' || ?4 OR c.phone2 LIKE '%' || ?4))) ORDER BY c.name LIMIT 20"
        ))?;
        let v = stmt
            .query_map(
                params![
                    estate_id,
                    full.clone().unwrap_or_default(),
                    full.is_none(),
                    digits
                ],
                card,
            )?
            .collect::<rusqlite::Result<_>>()?;
        (v, Some(full.unwrap_or(digits)))
    } else {
        let mut stmt =
            conn.prepare_cached(&format!("{cards_sql} c.name = ?2 ORDER BY u.code LIMIT 20"))?;
        let v = stmt
            .query_map(params![estate_id, q], card)?
            .collect::<rusqlite::Result<_>>()?;
        (v, None)
    };
    let customer_ids: Vec<String> = customers.iter().map(|c| c.id.clone()).collect();
    let ids_json = serde_json::to_string(&customer_ids)?;
    let unit_id = unit.as_ref().map(|u| u.id.clone());
    let phone_exact = phone_filter.filter(|p| p.len() >= 7);
    // Cases of these customers, at this unit, or from this phone.
    let mut stmt = conn.prepare_cached(
        "WITH who(id) AS (SELECT value FROM json_each(?1))
         SELECT 'complaint', c.id, c.no, i.received_at, c.status, i.content, c.category,
                c.status NOT IN ('closed','voided')
           FROM complaints c JOIN intakes i ON i.id = c.intake_id
          WHERE c.estate_id = ?4 AND c.voided_at IS NULL
            AND (c.customer_id IN who OR c.unit_id = ?2 OR (?3 IS NOT NULL AND i.phone = ?3))
         UNION ALL
         SELECT 'repair', r.id, r.no, r.reported_at, r.status, r.content, r.kind,
                r.status NOT IN ('closed','voided','signed_off')
           FROM repair_orders r
          WHERE r.estate_id = ?4 AND r.voided_at IS NULL
            AND (r.customer_id IN who OR r.unit_id = ?2 OR (?3 IS NOT NULL AND r.phone = ?3))
         ORDER BY 4 DESC LIMIT 200",
    )?;
    let cases: Vec<CaseLine> = stmt
        .query_map(params![ids_json, unit_id, phone_exact, estate_id], |r| {
            let kind: String = r.get(0)?;
            let status: String = r.get(4)?;
            let category: String = r.get(6)?;
            let (status, category) = if kind == "complaint" {
                (
                    crate::vocab::ComplaintStatus::from_text(&status)
                        .map(|s| s.label().to_string())
                        .unwrap_or(status),
                    category,
                )
            } else {
                (
                    crate::vocab::RepairStatus::from_text(&status)
                        .map(|s| s.label().to_string())
                        .unwrap_or(status),
                    crate::vocab::RepairKind::from_text(&category)
                        .map(|s| s.label().to_string())
                        .unwrap_or(category),
                )
            };
            Ok(CaseLine {
                kind,
                id: r.get(1)?,
                no: r.get(2)?,
                at: r.get(3)?,
                status,
                summary: short(&r.get::<_, String>(5)?, 60),
                category,
                open: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rule = crate::policy::current(conn, estate_id)?.policy.grading;
    let since = time::to_db(now - Duration::days(rule.important_repeat_window_days));
    let complaints_last_year = cases
        .iter()
        .filter(|c| c.kind == "complaint" && c.at >= since)
        .count() as i64;
    let repeat_warning = (complaints_last_year > 0
        && complaints_last_year + 1 >= rule.important_repeats)
        .then(|| {
            format!(
                "重复投诉：近 {} 天内已投诉 {} 次，同类问题再次投诉按“重要”处理",
                rule.important_repeat_window_days, complaints_last_year
            )
        });
    let (open_cases, past_cases): (Vec<CaseLine>, Vec<CaseLine>) =
        cases.into_iter().partition(|c| c.open);
    let mut stmt = conn.prepare_cached(&format!(
        "WITH who(id) AS (SELECT value FROM json_each(?1))
         {SELECT} WHERE i.estate_id = ?4 AND i.voided_at IS NULL
           AND (i.customer_id IN who OR i.unit_id = ?2 OR (?3 IS NOT NULL AND i.phone = ?3))
         ORDER BY i.received_at DESC LIMIT 10"
    ))?;
    let recent_intakes = stmt
        .query_map(params![ids_json, unit_id, phone_exact, estate_id], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Lookup {
        query: query.to_string(),
        unit,
        customers,
        open_cases,
        past_cases,
        complaints_last_year,
        repeat_warning,
        recent_intakes,
    })
}
