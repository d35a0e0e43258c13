//! The customer register (客户档案): owners and occupants per unit, their tier (A/B/C/D), VIP
//! cards and VIP 客户助理.
//!
//! Invariants:
//! - Every customer belongs to a unit of the register; name + unit is unique among live customers.
//!   Phones are stored normalised ([`validate::phone`]); an id number (证件号) is 15 or 18
//!   characters, digits only except a final `X` (passports and other documents go in the note);
//!   a family segment is one of the policy's list. The register is confidential: the id number is
//!   never put in the search index or in list views.
//! - One check ([`check`]) serves the desk's form, edits and each row of the register import.
//! - Tiers: new customers are C. Only supervisors change a tier, always with a reason; who and when
//!   are kept on the customer and every change appends a `tier` event `{from, to, reason}`.
//! - VIP cards: a customer has at most one active card, and a card holder is always tier A.
//!   Issuing a card raises the tier to A ("发放VIP卡"). [`set_tier`] refuses to move a card holder
//!   off A; that is [`revoke_vip`], which revokes the card and sets the tier to C unless another
//!   tier is given (D for malicious arrears), and clears the VIP 客户助理.
//! - A card number is the policy's group code, the level digit and a sequence 001–999, and is never
//!   given to another card: a lost card is re-issued under the same number, a renewal (after the
//!   re-check, from the policy's `vip.renew_window_days` before expiry) is a new card with a new number and marks
//!   the old one `renewed`. A card is valid from its issue day through `expires_on` (Beijing dates).
//! - An expired card (the day after `expires_on`; seed 002 第二十六条：VIP卡的有效期为三年，过期作废)
//!   gives no VIP priority: until the supervisor re-checks and renews it, the customer's cases rank
//!   as C ([`standing`]), the card shows as expired and is offered for 复核换卡. The card stays
//!   `active` in storage (expiry is a date, not an act), so nothing has to run at midnight.
//! - Every VIP act (issue, re-issue, renew, revoke, assistant) is supervisor-only.
//! - Customers are voided with a reason, never deleted; a card holder must have VIP revoked first.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::estate::{self, Unit};
use crate::policy::{self, Policy};
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule, UnitCode};
use crate::vocab::{Relation, Tier, VipCardStatus};

/// A customer as the register holds them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Customer {
    pub id: String,
    pub estate_id: String,
    pub unit_id: String,
    /// The unit's canonical code (`3-2-1201`).
    pub unit: String,
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    /// 证件号 (confidential).
    pub id_number: Option<String>,
    pub family_segment: Option<String>,
    pub note: Option<String>,
    pub tier: Tier,
    pub tier_reason: Option<String>,
    /// Staff id of whoever set the tier.
    pub tier_set_by: Option<String>,
    pub tier_set_by_name: Option<String>,
    pub tier_set_at: Option<String>,
    pub vip_assistant_id: Option<String>,
    pub vip_assistant: Option<String>,
    /// The active VIP card, if any.
    pub vip_card_no: Option<String>,
    pub vip_expires_on: Option<String>,
    pub voided: bool,
    pub void_reason: Option<String>,
    pub created_at: String,
}

/// A customer as the clerk enters or edits them. On an edit, a field left out keeps its value
/// and an empty text clears an optional field.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct CustomerInput {
    /// 房号, e.g. `3-2-1201` or `3栋2单元1201`; must be in the register.
    pub unit: Option<String>,
    pub name: Option<String>,
    /// 业主 / 住户 / 租户 / 家属 (default 业主).
    pub relation: Option<String>,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    /// 证件号: 15 or 18 characters, the last may be X.
    pub id_number: Option<String>,
    /// One of the policy's family segments (单人工作丁克家庭 …).
    pub family_segment: Option<String>,
    pub note: Option<String>,
}

const NAME: TextRule = TextRule::line("name", "姓名", 30);
const NOTE: TextRule = TextRule::text("note", "备注", 500);
const VOID_REASON: TextRule = TextRule::text("reason", "作废原因", 500);
const TIER_REASON: TextRule = TextRule::text("reason", "调整原因", 500);
const CARD_NOTE: TextRule = TextRule::text("note", "发卡说明", 500);
const RECHECK_NOTE: TextRule = TextRule::text("note", "复核意见", 500);
const REISSUE_REASON: TextRule = TextRule::text("reason", "补办原因", 200);
const REVOKE_REASON: TextRule = TextRule::text("reason", "取消原因", 500);

/// Where a checked customer's unit is: in the register, or (import only) to be created.
#[derive(Clone)]
pub(crate) enum UnitRef {
    Known(Unit),
    New(UnitCode),
}

impl UnitRef {
    pub(crate) fn code(&self) -> String {
        match self {
            UnitRef::Known(u) => u.code.clone(),
            UnitRef::New(uc) => uc.canonical(),
        }
    }
}

/// Whether a form's unit must already be in the register (the desk's forms) or may be new (the
/// register import, which creates it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Units {
    MustExist,
    MayBeNew,
}

/// A customer's checked, normalised fields.
pub(crate) struct Fields {
    pub unit: UnitRef,
    pub name: String,
    pub relation: Relation,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub id_number: Option<String>,
    pub family_segment: Option<String>,
    pub note: Option<String>,
}

/// Checks a customer form field by field and returns every problem found (the form shows the
/// first, the import lists them all). With `base` (an edit), a field left out keeps its value.
pub(crate) fn check(
    conn: &Connection,
    estate_id: &str,
    pol: &Policy,
    input: &CustomerInput,
    base: Option<&Fields>,
    units: Units,
) -> std::result::Result<Fields, Vec<Error>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let unit = field(
        e,
        input.unit.as_deref(),
        base.map(|b| b.unit.clone()),
        |v| unit_ref(conn, estate_id, v, units),
    );
    let name = field(
        e,
        input.name.as_deref(),
        base.map(|b| b.name.clone()),
        |v| NAME.required(v),
    );
    let relation = field(
        e,
        input.relation.as_deref(),
        base.map(|b| b.relation),
        |v| match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Relation::Owner),
            Some(s) => Relation::parse("relation", "身份", s),
        },
    );
    let phone = field(
        e,
        input.phone.as_deref(),
        base.map(|b| b.phone.clone()),
        |v| optional_phone("phone", "电话", v),
    );
    let phone2 = field(
        e,
        input.phone2.as_deref(),
        base.map(|b| b.phone2.clone()),
        |v| optional_phone("phone2", "备用电话", v),
    );
    let id_number = field(
        e,
        input.id_number.as_deref(),
        base.map(|b| b.id_number.clone()),
        id_number,
    );
    let family_segment = field(
        e,
        input.family_segment.as_deref(),
        base.map(|b| b.family_segment.clone()),
        |v| family_segment(pol, v),
    );
    let note = field(
        e,
        input.note.as_deref(),
        base.map(|b| b.note.clone()),
        |v| NOTE.optional(v),
    );
    match (
        unit,
        name,
        relation,
        phone,
        phone2,
        id_number,
        family_segment,
        note,
    ) {
        (
            Some(unit),
            Some(name),
            Some(relation),
            Some(phone),
            Some(phone2),
            Some(id_number),
            Some(family_segment),
            Some(note),
        ) if errors.is_empty() => Ok(Fields {
            unit,
            name,
            relation,
            phone,
            phone2,
            id_number,
            family_segment,
            note,
        }),
        _ => Err(errors),
    }
}

/// One field of [`check`]: the base value when the input leaves it out, else the parsed input.
fn field<T>(
    errors: &mut Vec<Error>,
    given: Option<&str>,
    base: Option<T>,
    parse: impl FnOnce(Option<&str>) -> Result<T>,
) -> Option<T> {
    match (given, base) {
        (None, Some(b)) => Some(b),
        (given, _) => match parse(given) {
            Ok(v) => Some(v),
            Err(err) => {
                errors.push(err);
                None
            }
        },
    }
}

/// The first problem of a failed [`check`], for forms.
pub(crate) fn first(errors: Vec<Error>) -> Error {
    errors
        .into_iter()
        .next()
        .unwrap_or_else(|| Error::State("客户资料检查失败".into()))
}

fn unit_ref(
    conn: &Connection,
    estate_id: &str,
    value: Option<&str>,
    units: Units,
) -> Result<UnitRef> {
    let v = value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::invalid("unit", "房号", "必填，不能为空"))?;
    if units == Units::MustExist {
        return estate::unit_field(conn, estate_id, "unit", "房号", Some(v))?
            .map(UnitRef::Known)
            .ok_or_else(|| Error::invalid("unit", "房号", "必填，不能为空"));
    }
    let uc = validate::unit_code("unit", "房号", v)?;
    Ok(match estate::find_unit(conn, estate_id, &uc.canonical())? {
        Some(u) => UnitRef::Known(u),
        None => UnitRef::New(uc),
    })
}

fn optional_phone(
    field: &'static str,
    label: &'static str,
    value: Option<&str>,
) -> Result<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(p) => validate::phone(field, label, p).map(Some),
    }
}

/// 证件号: 15 or 18 characters, digits except a final `X` (full-width and lower-case accepted).
fn id_number(value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let s: String = validate::fold_fullwidth(v)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let ok = match s.char_indices().last() {
        Some((i, last)) => {
            matches!(s.chars().count(), 15 | 18)
                && s[..i].chars().all(|c| c.is_ascii_digit())
                && (last.is_ascii_digit() || last == 'X')
        }
        None => false,
    };
    if ok {
        Ok(Some(s))
    } else {
        Err(Error::invalid(
            "id_number",
            "证件号",
            format!(
                "“{v}”格式不正确：应为 15 或 18 位身份证号（末位可为 X）；其他证件请写在备注中"
            ),
        ))
    }
}

fn family_segment(pol: &Policy, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if pol.family_segments.iter().any(|s| s == v) {
        Ok(Some(v.to_string()))
    } else {
        Err(Error::invalid(
            "family_segment",
            "家庭结构",
            format!(
                "“{v}”不在家庭结构列表中，可选：{}",
                pol.family_segments.join("、")
            ),
        ))
    }
}

/// The live customer of this unit with this name, if any (other than `except`).
pub(crate) fn duplicate_of(
    conn: &Connection,
    unit_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM customers WHERE unit_id = ?1 AND name = ?2 AND voided_at IS NULL
             AND (?3 IS NULL OR id <> ?3) LIMIT 1",
        )?
        .query_row(params![unit_id, name, except], |r| r.get(0))
        .optional()?)
}

fn refuse_duplicate(conn: &Connection, f: &Fields, except: Option<&str>) -> Result<()> {
    if let UnitRef::Known(u) = &f.unit {
        if duplicate_of(conn, &u.id, &f.name, except)?.is_some() {
            return Err(Error::invalid(
                "name",
                "姓名",
                format!("房号 {} 已有同名客户“{}”", u.code, f.name),
            ));
        }
    }
    Ok(())
}

/// Adds a customer to the register (tier C).
pub fn add_customer(w: &mut Write, estate_id: &str, input: &CustomerInput) -> Result<Customer> {
    let pol = policy::current(&w.tx, estate_id)?.policy;
    let f = check(&w.tx, estate_id, &pol, input, None, Units::MustExist).map_err(first)?;
    refuse_duplicate(&w.tx, &f, None)?;
    insert(w, estate_id, f, None)
}

/// Inserts a checked customer (creating a new unit first), with an initial tier other than C
/// and its reason if given: row, `tier` event, search document, one audit entry.
pub(crate) fn insert(
    w: &mut Write,
    estate_id: &str,
    f: Fields,
    tier: Option<(Tier, &str)>,
) -> Result<Customer> {
    let unit = match f.unit {
        UnitRef::Known(u) => u,
        UnitRef::New(uc) => estate::ensure_unit(w, estate_id, uc)?,
    };
    let id = w.new_id();
    let (tier_code, reason, set_by, set_at) = match tier {
        Some((t, reason)) => (
            t,
            Some(reason),
            Some(w.actor.staff_id.as_str()),
            Some(w.now_db.as_str()),
        ),
        None => (Tier::C, None, None, None),
    };
    w.tx.prepare_cached(
        "INSERT INTO customers(id, estate_id, unit_id, name, relation, phone, phone2, id_number,
            family_segment, note, tier, tier_reason, tier_set_by, tier_set_at,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?15, ?16)",
    )?
    .execute(params![
        id,
        estate_id,
        unit.id,
        f.name,
        f.relation,
        f.phone,
        f.phone2,
        f.id_number,
        f.family_segment,
        f.note,
        tier_code,
        reason,
        set_by,
        set_at,
        w.now_db,
        w.actor.staff_id,
    ])?;
    if let Some((t, reason)) = tier {
        w.event(
            "customer",
            &id,
            "tier",
            json!({ "from": null, "to": t, "reason": reason }),
        )?;
    }
    let c = get(&w.tx, &id)?;
    index(w, &c)?;
    w.audit_insert("customer", &id, &c)?;
    Ok(c)
}

/// Edits a live customer's particulars (not the tier: see [`set_tier`]).
pub fn update_customer(w: &mut Write, key: &str, input: &CustomerInput) -> Result<Customer> {
    let before = live(&w.tx, key)?;
    let pol = policy::current(&w.tx, &before.estate_id)?.policy;
    let unit = estate::find_unit(&w.tx, &before.estate_id, &before.unit_id)?
        .ok_or_else(|| Error::not_found("房屋", before.unit.clone()))?;
    let base = Fields {
        unit: UnitRef::Known(unit),
        name: before.name.clone(),
        relation: before.relation,
        phone: before.phone.clone(),
        phone2: before.phone2.clone(),
        id_number: before.id_number.clone(),
        family_segment: before.family_segment.clone(),
        note: before.note.clone(),
    };
    let f = check(
        &w.tx,
        &before.estate_id,
        &pol,
        input,
        Some(&base),
        Units::MustExist,
    )
    .map_err(first)?;
    refuse_duplicate(&w.tx, &f, Some(&before.id))?;
    let UnitRef::Known(unit) = &f.unit else {
        return Err(Error::invalid("unit", "房号", "房号不在本小区的房屋档案中"));
    };
    w.tx.execute(
        "UPDATE customers SET unit_id = ?2, name = ?3, relation = ?4, phone = ?5, phone2 = ?6,
            id_number = ?7, family_segment = ?8, note = ?9, updated_at = ?10, updated_by = ?11
         WHERE id = ?1",
        params![
            before.id,
            unit.id,
            f.name,
            f.relation,
            f.phone,
            f.phone2,
            f.id_number,
            f.family_segment,
            f.note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    finish(w, &before)
}

/// Voids a customer entered in error or gone (supervisors; the record stays with the reason).
/// A VIP card holder must have VIP status revoked first.
pub fn void_customer(w: &mut Write, key: &str, reason: Option<&str>) -> Result<Customer> {
    w.actor.require(SUPERVISORS, "作废客户档案")?;
    let reason = VOID_REASON.required(reason)?;
    let before = live(&w.tx, key)?;
    if let Some(no) = &before.vip_card_no {
        return Err(Error::State(format!(
            "客户“{}”持有有效VIP卡 {no}，请先取消VIP资格再作废",
            before.name
        )));
    }
    w.tx.execute(
        "UPDATE customers SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.event(
        "customer",
        &before.id,
        "status",
        json!({ "from": "active", "to": "voided", "reason": reason }),
    )?;
    w.audit_void("customer", &before.id, &reason)?;
    search::remove(w, "customer", &before.id)?;
    get(&w.tx, &before.id)
}

/// Loads the customer again after a change: audits the difference, re-indexes.
fn finish(w: &mut Write, before: &Customer) -> Result<Customer> {
    let after = get(&w.tx, &before.id)?;
    w.audit_update("customer", &after.id, before, &after)?;
    index(w, &after)?;
    Ok(after)
}

pub(crate) fn index(w: &Write, c: &Customer) -> Result<()> {
    let title = format!(
        "{} {} {} {}",
        c.name,
        c.unit,
        c.relation.label(),
        c.tier.label()
    );
    search::index(
        w,
        "customer",
        &c.id,
        &c.estate_id,
        &title,
        &[
            &c.name,
            &c.unit,
            c.phone.as_deref().unwrap_or(""),
            c.phone2.as_deref().unwrap_or(""),
            c.vip_card_no.as_deref().unwrap_or(""),
        ],
    )
}

const SELECT: &str = "SELECT c.id, c.estate_id, c.unit_id, u.code, c.name, c.relation, c.phone,
        c.phone2, c.id_number, c.family_segment, c.note, c.tier, c.tier_reason, c.tier_set_by,
        ts.name, c.tier_set_at, c.vip_assistant_id, va.name, v.card_no, v.expires_on,
        c.voided_at IS NOT NULL, c.void_reason, c.created_at
    FROM customers c
    JOIN units u ON u.id = c.unit_id
    LEFT JOIN staff ts ON ts.id = c.tier_set_by
    LEFT JOIN staff va ON va.id = c.vip_assistant_id
    LEFT JOIN vip_cards v ON v.customer_id = c.id AND v.status = 'active'";

fn row(r: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        unit_id: r.get(2)?,
        unit: r.get(3)?,
        name: r.get(4)?,
        relation: r.get(5)?,
        phone: r.get(6)?,
        phone2: r.get(7)?,
        id_number: r.get(8)?,
        family_segment: r.get(9)?,
        note: r.get(10)?,
        tier: r.get(11)?,
        tier_reason: r.get(12)?,
        tier_set_by: r.get(13)?,
        tier_set_by_name: r.get(14)?,
        tier_set_at: r.get(15)?,
        vip_assistant_id: r.get(16)?,
        vip_assistant: r.get(17)?,
        vip_card_no: r.get(18)?,
        vip_expires_on: r.get(19)?,
        voided: r.get(20)?,
        void_reason: r.get(21)?,
        created_at: r.get(22)?,
    })
}

/// One customer by id or by the number of any of their VIP cards, live or voided.
pub fn get(conn: &Connection, key: &str) -> Result<Customer> {
    let key = validate::fold_fullwidth(key.trim());
    conn.prepare_cached(&format!(
        "{SELECT} WHERE c.id = ?1
            OR c.id = (SELECT customer_id FROM vip_cards WHERE card_no = upper(?1))"
    ))?
    .query_row(params![key], row)
    .optional()?
    .ok_or_else(|| Error::not_found("客户", key))
}

/// A live customer (a voided one cannot be changed).
fn live(conn: &Connection, key: &str) -> Result<Customer> {
    let c = get(conn, key)?;
    if c.voided {
        return Err(Error::State(format!(
            "客户“{}”（{}）已作废，不能再修改",
            c.name, c.unit
        )));
    }
    Ok(c)
}

/// Which customers to list. Every given condition must hold.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct CustomerFilter {
    /// Only this unit (must be in the register).
    pub unit: Option<String>,
    /// Full-text search over name, unit, phones and VIP card number (live customers only).
    pub query: Option<String>,
    /// Only this tier (A/B/C/D or A类…).
    pub tier: Option<String>,
    /// Also voided customers.
    pub include_voided: bool,
    /// At most this many (default 200).
    pub limit: Option<usize>,
}

/// Customers in unit order (owners first in each unit).
pub fn list(conn: &Connection, estate_id: &str, filter: &CustomerFilter) -> Result<Vec<Customer>> {
    let unit = estate::unit_field(conn, estate_id, "unit", "房号", filter.unit.as_deref())?;
    let tier = match filter
        .tier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(t) => Some(tier_field(Some(t))?),
        None => None,
    };
    let hits = match filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(q) => {
            let ids: Vec<String> = search::search(conn, estate_id, q, Some("customer"), 10_000)?
                .into_iter()
                .map(|h| h.id)
                .collect();
            Some(serde_json::to_string(&ids)?)
        }
        None => None,
    };
    let limit = filter.limit.unwrap_or(200).min(i64::MAX as usize) as i64;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.estate_id = ?1 AND (?2 IS NULL OR c.unit_id = ?2)
            AND (?3 IS NULL OR c.tier = ?3) AND (?4 OR c.voided_at IS NULL)
            AND (?5 IS NULL OR c.id IN (SELECT value FROM json_each(?5)))
         ORDER BY length(u.building), u.building, length(u.entrance), u.entrance,
                  length(u.room), u.room, c.voided_at IS NOT NULL, c.relation <> 'owner', c.name
         LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            estate_id,
            unit.map(|u| u.id),
            tier,
            filter.include_voided,
            hits,
            limit
        ],
        row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a card whose last valid day is `expires_on` (Beijing) has expired on `today`.
/// A date that cannot be read counts as expired: no priority on an unreadable card.
pub fn card_expired(expires_on: &str, today: NaiveDate) -> bool {
    NaiveDate::parse_from_str(expires_on, "%Y-%m-%d").map_or(true, |last| today > last)
}

/// A customer's standing in the work lists today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The tier on record.
    pub tier: Tier,
    /// The tier the customer's cases rank by: the tier, but C for an A customer whose VIP card
    /// has expired.
    pub rank_tier: Tier,
    /// VIP priority: tier A without an expired card.
    pub vip: bool,
    /// The expired card's number and last valid day, when that is why there is no priority.
    pub expired_card: Option<(String, String)>,
}

/// How a customer's cases rank on `today` (Beijing date).
pub fn standing(
    conn: &Connection,
    customer_id: &str,
    today: NaiveDate,
) -> Result<Option<Standing>> {
    let row: Option<(Tier, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT c.tier, v.card_no, v.expires_on FROM customers c
             LEFT JOIN vip_cards v ON v.customer_id = c.id AND v.status = 'active'
             WHERE c.id = ?1",
        )?
        .query_row(params![customer_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.map(|(tier, card_no, expires_on)| {
        let expired_card = card_no
            .zip(expires_on)
            .filter(|(_, last)| card_expired(last, today));
        let rank_tier = if tier == Tier::A && expired_card.is_some() {
            Tier::C
        } else {
            tier
        };
        Standing {
            tier,
            rank_tier,
            vip: rank_tier == Tier::A,
            expired_card,
        }
    }))
}

/// A tier change as the customer's file shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TierChange {
    pub at: String,
    pub by: String,
    pub from: Option<Tier>,
    pub to: Tier,
    pub reason: Option<String>,
}

/// A customer's whole file: particulars, every VIP card, the tier history.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerFile {
    pub customer: Customer,
    /// The active card has expired: no VIP priority until it is re-checked and renewed (复核换卡).
    pub vip_expired: bool,
    pub vip_cards: Vec<VipCard>,
    pub tier_history: Vec<TierChange>,
}

/// The customer's file (by id or VIP card number) as of `now`.
pub fn show(conn: &Connection, key: &str, now: DateTime<Utc>) -> Result<CustomerFile> {
    let customer = get(conn, key)?;
    let vip_expired = customer
        .vip_expires_on
        .as_deref()
        .is_some_and(|last| card_expired(last, time::local_date(now)));
    let vip_cards = cards_of(conn, &customer.id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT e.at, coalesce(s.name, e.actor_id), e.data FROM events e
         LEFT JOIN staff s ON s.id = e.actor_id
         WHERE e.entity = 'customer' AND e.entity_id = ?1 AND e.kind = 'tier' ORDER BY e.seq",
    )?;
    let tier_history = stmt
        .query_map(params![customer.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(at, by, data)| {
            let d: serde_json::Value = serde_json::from_str(&data)?;
            let tier = |k: &str| d[k].as_str().and_then(Tier::from_text);
            Ok(TierChange {
                at,
                by,
                from: tier("from"),
                to: tier("to")
                    .ok_or_else(|| Error::Corrupt(format!("等级事件无法读取：{data}")))?,
                reason: d["reason"].as_str().map(str::to_string),
            })
        })
        .collect::<Result<_>>()?;
    Ok(CustomerFile {
        customer,
        vip_expired,
        vip_cards,
        tier_history,
    })
}

/// A tier change as entered.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct TierInput {
    /// A / B / C / D (or A类 …).
    pub tier: Option<String>,
    /// Why (required).
    pub reason: Option<String>,
}

fn tier_field(value: Option<&str>) -> Result<Tier> {
    let v = value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::invalid("tier", "客户等级", "必填，不能为空"))?;
    Tier::parse(
        "tier",
        "客户等级",
        &validate::fold_fullwidth(v).to_uppercase(),
    )
}

/// Sets a customer's tier (supervisors; a reason is required). A VIP card holder stays A until
/// [`revoke_vip`].
pub fn set_tier(w: &mut Write, key: &str, input: &TierInput) -> Result<Customer> {
    w.actor.require(SUPERVISORS, "调整客户等级")?;
    let before = live(&w.tx, key)?;
    let tier = tier_field(input.tier.as_deref())?;
    let reason = TIER_REASON.required(input.reason.as_deref())?;
    if tier == before.tier {
        return Err(Error::invalid(
            "tier",
            "客户等级",
            format!("客户已是{}，无需调整", tier.label()),
        ));
    }
    if let Some(no) = before.vip_card_no.as_deref().filter(|_| tier != Tier::A) {
        return Err(Error::invalid(
            "tier",
            "客户等级",
            format!("客户持有有效VIP卡 {no}，调出A类请用“取消VIP资格”（同时注销VIP卡）"),
        ));
    }
    write_tier(w, &before, tier, &reason)?;
    finish(w, &before)
}

/// Writes a tier change and its event (the caller audits via [`finish`]).
fn write_tier(w: &Write, before: &Customer, to: Tier, reason: &str) -> Result<()> {
    w.tx.execute(
        "UPDATE customers SET tier = ?2, tier_reason = ?3, tier_set_by = ?4, tier_set_at = ?5,
            updated_at = ?5, updated_by = ?4 WHERE id = ?1",
        params![before.id, to, reason, w.actor.staff_id, w.now_db],
    )?;
    w.event(
        "customer",
        &before.id,
        "tier",
        json!({ "from": before.tier, "to": to, "reason": reason }),
    )
}

/// A VIP level: the digit after the group code in a card number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VipLevel {
    /// 0: group leadership.
    Leadership,
    /// 1: government official.
    Official,
    /// 2: other.
    Other,
}

impl VipLevel {
    pub const ALL: &'static [VipLevel] =
        &[VipLevel::Leadership, VipLevel::Official, VipLevel::Other];

    pub fn digit(self) -> u8 {
        match self {
            VipLevel::Leadership => 0,
            VipLevel::Official => 1,
            VipLevel::Other => 2,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VipLevel::Leadership => "集团领导",
            VipLevel::Official => "政府官员",
            VipLevel::Other => "其他",
        }
    }

    pub fn from_digit(d: i64) -> Option<VipLevel> {
        VipLevel::ALL
            .iter()
            .copied()
            .find(|l| i64::from(l.digit()) == d)
    }

    /// Parses `0`/`1`/`2` or the Chinese label, naming the field on error.
    pub fn parse(value: Option<&str>) -> Result<VipLevel> {
        let v = value
            .map(|s| validate::fold_fullwidth(s.trim()))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid("level", "VIP级别", "必填，不能为空"))?;
        VipLevel::ALL
            .iter()
            .copied()
            .find(|l| v == l.digit().to_string() || v == l.label())
            .ok_or_else(|| {
                Error::invalid(
                    "level",
                    "VIP级别",
                    format!("“{v}”不是有效的VIP级别，可选：0 集团领导、1 政府官员、2 其他"),
                )
            })
    }
}

/// A VIP card.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VipCard {
    pub id: String,
    pub customer_id: String,
    pub card_no: String,
    /// 0 group leadership, 1 government official, 2 other.
    pub level: u8,
    pub level_label: String,
    /// First valid day (Beijing).
    pub issued_on: String,
    /// Last valid day (Beijing).
    pub expires_on: String,
    pub status: VipCardStatus,
    pub reissue_count: i64,
    /// The card this one replaced at renewal.
    pub renewed_from: Option<String>,
    pub note: Option<String>,
    pub revoke_reason: Option<String>,
}

const CARD_SELECT: &str = "SELECT id, customer_id, card_no, level, issued_on, expires_on, status,
        reissue_count, renewed_from, note, revoke_reason
    FROM vip_cards";

/// Reads a stored VIP level.
fn level_at(r: &Row, idx: usize) -> rusqlite::Result<VipLevel> {
    let level: i64 = r.get(idx)?;
    VipLevel::from_digit(level).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Integer,
            format!("unknown VIP level {level}").into(),
        )
    })
}

fn card_row(r: &Row) -> rusqlite::Result<VipCard> {
    let l = level_at(r, 3)?;
    Ok(VipCard {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        card_no: r.get(2)?,
        level: l.digit(),
        level_label: l.label().to_string(),
        issued_on: r.get(4)?,
        expires_on: r.get(5)?,
        status: r.get(6)?,
        reissue_count: r.get(7)?,
        renewed_from: r.get(8)?,
        note: r.get(9)?,
        revoke_reason: r.get(10)?,
    })
}

fn card(conn: &Connection, id: &str) -> Result<VipCard> {
    conn.prepare_cached(&format!("{CARD_SELECT} WHERE id = ?1"))?
        .query_row(params![id], card_row)
        .optional()?
        .ok_or_else(|| Error::not_found("VIP卡", id))
}

/// Every card a customer has held, newest first.
fn cards_of(conn: &Connection, customer_id: &str) -> Result<Vec<VipCard>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{CARD_SELECT} WHERE customer_id = ?1 ORDER BY created_at DESC, rowid DESC"
    ))?;
    let rows = stmt.query_map(params![customer_id], card_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The customer's active card; refuses when there is none.
fn active_card(conn: &Connection, c: &Customer) -> Result<VipCard> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM vip_cards WHERE customer_id = ?1 AND status = 'active'",
            params![c.id],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => card(conn, &id),
        None => Err(Error::State(format!(
            "客户“{}”（{}）没有有效的VIP卡",
            c.name, c.unit
        ))),
    }
}

/// A VIP card as issued or renewed.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct VipCardInput {
    /// 0 集团领导 / 1 政府官员 / 2 其他. Required at issue; a renewal keeps the old level if left out.
    pub level: Option<String>,
    /// A given card number (`JK2015`); default: the next free number of the group and level.
    pub card_no: Option<String>,
    /// At issue: an optional note. At renewal: the re-check (复核意见), required.
    pub note: Option<String>,
}

/// The number for a new card: the given one, checked, or the next free one.
fn card_number(
    conn: &Connection,
    pol: &Policy,
    level: VipLevel,
    given: Option<&str>,
) -> Result<String> {
    let group = &pol.vip.group_code;
    let prefix = format!("{group}{}", level.digit());
    let bad = |m: String| Error::invalid("card_no", "VIP卡号", m);
    let Some(given) = given.map(str::trim).filter(|s| !s.is_empty()) else {
        let used: HashSet<u32> = conn
            .prepare_cached(
                "SELECT substr(card_no, 4) FROM vip_cards WHERE substr(card_no, 1, 3) = ?1",
            )?
            .query_map(params![prefix], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        return (1..=999u32)
            .find(|n| !used.contains(n))
            .map(|n| format!("{prefix}{n:03}"))
            .ok_or_else(|| {
                bad(format!(
                    "{prefix} 开头的卡号 001–999 已全部用完，无法再自动编号，请联系集团另行安排"
                ))
            });
    };
    let no: String = validate::fold_fullwidth(given)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let b = no.as_bytes();
    let shape_ok = b.len() == 6
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..].iter().all(u8::is_ascii_digit);
    if !shape_ok {
        return Err(bad(format!(
            "“{given}”格式不正确：应为 2 位集团字母 + 1 位级别 + 3 位序号，如 {prefix}001"
        )));
    }
    if &no[..2] != group {
        return Err(bad(format!("“{no}”应以集团代码 {group} 开头")));
    }
    if no[2..3] != level.digit().to_string() {
        return Err(bad(format!(
            "“{no}”第 3 位是级别代码，与所选级别“{} {}”不符",
            level.digit(),
            level.label()
        )));
    }
    if &no[3..] == "000" {
        return Err(bad(format!("“{no}”的序号应为 001–999")));
    }
    let taken = conn
        .query_row(
            "SELECT 1 FROM vip_cards WHERE card_no = ?1",
            params![no],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(bad(format!("VIP卡号已存在（{no}），卡号不能重复使用")));
    }
    Ok(no)
}

/// Inserts an active card valid from today for the policy's years, with its event and audit.
fn insert_card(
    w: &mut Write,
    customer: &Customer,
    pol: &Policy,
    level: VipLevel,
    card_no: String,
    renewed_from: Option<&str>,
    note: Option<String>,
) -> Result<VipCard> {
    let issued_on = time::local_date(w.now);
    let expires_on = issued_on
        .checked_add_months(Months::new(12 * pol.vip.validity_years))
        .ok_or_else(|| Error::Corrupt("VIP卡有效期超出日期范围".into()))?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO vip_cards(id, customer_id, card_no, level, issued_on, expires_on, status,
            renewed_from, note, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?8, ?9, ?10, ?9, ?10)",
        params![
            id,
            customer.id,
            card_no,
            level.digit(),
            issued_on.to_string(),
            expires_on.to_string(),
            renewed_from,
            note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    w.event(
        "vip_card",
        &id,
        "status",
        json!({
            "from": null,
            "to": VipCardStatus::Active,
            "reason": if renewed_from.is_some() { "复核换发" } else { "发放" },
        }),
    )?;
    let c = card(&w.tx, &id)?;
    w.audit_insert("vip_card", &id, &c)?;
    Ok(c)
}

/// Changes a card's status with its event and audit.
fn set_card_status(w: &mut Write, before: &VipCard, to: VipCardStatus, reason: &str) -> Result<()> {
    w.tx.execute(
        "UPDATE vip_cards SET status = ?2,
            revoke_reason = CASE WHEN ?2 = 'revoked' THEN ?3 ELSE revoke_reason END,
            updated_at = ?4, updated_by = ?5 WHERE id = ?1",
        params![before.id, to, reason, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "vip_card",
        &before.id,
        "status",
        json!({ "from": before.status, "to": to, "reason": reason }),
    )?;
    let after = card(&w.tx, &before.id)?;
    w.audit_update("vip_card", &before.id, before, &after)
}

/// Issues a VIP card (supervisors). The customer becomes A if not already ("发放VIP卡").
pub fn issue_vip_card(w: &mut Write, key: &str, input: &VipCardInput) -> Result<VipCard> {
    w.actor.require(SUPERVISORS, "发放VIP卡")?;
    let before = live(&w.tx, key)?;
    if let Some(no) = &before.vip_card_no {
        return Err(Error::State(format!(
            "客户“{}”已持有有效VIP卡 {no}，每位客户只能有一张有效卡",
            before.name
        )));
    }
    let pol = policy::current(&w.tx, &before.estate_id)?.policy;
    let level = VipLevel::parse(input.level.as_deref())?;
    let note = CARD_NOTE.optional(input.note.as_deref())?;
    let card_no = card_number(&w.tx, &pol, level, input.card_no.as_deref())?;
    let card = insert_card(w, &before, &pol, level, card_no, None, note)?;
    if before.tier != Tier::A {
        write_tier(w, &before, Tier::A, "发放VIP卡")?;
    }
    finish(w, &before)?;
    Ok(card)
}

/// Re-issues a lost card under the same number (supervisors); the validity does not change.
pub fn reissue_lost_card(w: &mut Write, key: &str, reason: Option<&str>) -> Result<VipCard> {
    w.actor.require(SUPERVISORS, "补办VIP卡")?;
    let c = live(&w.tx, key)?;
    let before = active_card(&w.tx, &c)?;
    if before.expires_on < time::local_date(w.now).to_string() {
        return Err(Error::State(format!(
            "VIP卡 {} 已于 {} 到期，请复核后换发新卡，不能补办",
            before.card_no, before.expires_on
        )));
    }
    let reason = REISSUE_REASON
        .optional(reason)?
        .unwrap_or_else(|| "遗失补办".to_string());
    w.tx.execute(
        "UPDATE vip_cards SET reissue_count = reissue_count + 1, updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "vip_card",
        &before.id,
        "reissue",
        json!({ "count": before.reissue_count + 1, "reason": reason }),
    )?;
    let after = card(&w.tx, &before.id)?;
    w.audit_update("vip_card", &before.id, &before, &after)?;
    Ok(after)
}

/// Renews a card after the re-check (supervisors; the re-check note is required): allowed from
/// the policy's `vip.renew_window_days` before expiry, or after it. The old card becomes `renewed`; the new
/// one gets a new number (given, or the next free one) and a new validity from today.
pub fn renew_vip_card(w: &mut Write, key: &str, input: &VipCardInput) -> Result<VipCard> {
    w.actor.require(SUPERVISORS, "换发VIP卡")?;
    let c = live(&w.tx, key)?;
    let old = active_card(&w.tx, &c)?;
    let note = RECHECK_NOTE.required(input.note.as_deref())?;
    let today = time::local_date(w.now);
    let expires = time::parse_date("expires_on", "有效期", &old.expires_on)?;
    let window = crate::policy::current(&w.tx, &c.estate_id)?
        .policy
        .vip
        .renew_window_days;
    let opens = expires - Duration::days(window);
    if today < opens {
        return Err(Error::State(format!(
            "VIP卡 {} 有效期至 {}，到期前 {window} 天内（{opens} 起）才能复核换发",
            old.card_no, old.expires_on
        )));
    }
    let level = match input
        .level
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(l) => VipLevel::parse(Some(l))?,
        None => VipLevel::from_digit(i64::from(old.level))
            .ok_or_else(|| Error::Corrupt(format!("VIP卡 {} 级别无法读取", old.card_no)))?,
    };
    let pol = policy::current(&w.tx, &c.estate_id)?.policy;
    let card_no = card_number(&w.tx, &pol, level, input.card_no.as_deref())?;
    set_card_status(w, &old, VipCardStatus::Renewed, &note)?;
    let new = insert_card(w, &c, &pol, level, card_no, Some(&old.id), Some(note))?;
    if c.tier != Tier::A {
        write_tier(w, &c, Tier::A, "复核换发VIP卡")?;
    }
    finish(w, &c)?;
    Ok(new)
}

/// Revoking VIP status.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct RevokeInput {
    /// Why (required): malicious arrears, harm to the group …
    pub reason: Option<String>,
    /// The tier afterwards (default C; D for malicious arrears). Not A.
    pub tier: Option<String>,
}

/// Revokes VIP status (supervisors; reason required): the active card is revoked, the tier set to
/// C (or the tier given), the VIP 客户助理 cleared.
pub fn revoke_vip(w: &mut Write, key: &str, input: &RevokeInput) -> Result<Customer> {
    w.actor.require(SUPERVISORS, "取消VIP资格")?;
    let before = live(&w.tx, key)?;
    let reason = REVOKE_REASON.required(input.reason.as_deref())?;
    let tier = match input
        .tier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(t) => tier_field(Some(t))?,
        None => Tier::C,
    };
    if tier == Tier::A {
        return Err(Error::invalid(
            "tier",
            "客户等级",
            "取消VIP资格后不能仍为A类",
        ));
    }
    if before.vip_card_no.is_none() && before.tier != Tier::A {
        return Err(Error::State(format!(
            "客户“{}”不是VIP客户（{}，无有效VIP卡）",
            before.name,
            before.tier.label()
        )));
    }
    if before.vip_card_no.is_some() {
        let card = active_card(&w.tx, &before)?;
        set_card_status(w, &card, VipCardStatus::Revoked, &reason)?;
    }
    w.tx.execute(
        "UPDATE customers SET vip_assistant_id = NULL, updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    if before.tier != tier {
        write_tier(w, &before, tier, &format!("取消VIP资格：{reason}"))?;
    }
    finish(w, &before)
}

/// Names (or, with `None`, clears) the VIP 客户助理 of an A-tier customer (supervisors).
pub fn set_vip_assistant(w: &mut Write, key: &str, staff: Option<&str>) -> Result<Customer> {
    w.actor.require(SUPERVISORS, "指定VIP客户助理")?;
    let before = live(&w.tx, key)?;
    let assistant = estate::staff_field(&w.tx, "assistant", "VIP客户助理", staff)?;
    if assistant.is_some() && before.tier != Tier::A {
        return Err(Error::State(format!(
            "客户“{}”是{}，只能为A类（VIP）客户指定客户助理",
            before.name,
            before.tier.label()
        )));
    }
    w.tx.execute(
        "UPDATE customers SET vip_assistant_id = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![
            before.id,
            assistant.map(|s| s.id),
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    finish(w, &before)
}

/// One line of the 《VIP客户名册》 (the list of cards).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VipRegisterLine {
    pub card_no: String,
    pub customer_id: String,
    pub customer: String,
    pub unit: String,
    pub phone: Option<String>,
    pub level: u8,
    pub level_label: String,
    pub issued_on: String,
    pub expires_on: String,
    pub reissue_count: i64,
    pub assistant: Option<String>,
    pub status: VipCardStatus,
    /// Days from today to the last valid day; negative once expired.
    pub days_to_expiry: i64,
}

/// Which cards the VIP register lists.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct VipFilter {
    /// Only active cards whose last valid day is within this many days from today (expired
    /// ones included: they are due for the re-check). Sorted by expiry.
    pub expiring_within_days: Option<i64>,
    /// Also renewed and revoked cards (ignored with `expiring_within_days`).
    pub include_inactive: bool,
}

/// The 《VIP客户名册》: the estate's VIP cards with customer, unit, phone, level, dates,
/// assistant and status, as of `now`.
pub fn vip_register(
    conn: &Connection,
    estate_id: &str,
    now: DateTime<Utc>,
    filter: &VipFilter,
) -> Result<Vec<VipRegisterLine>> {
    let today: NaiveDate = time::local_date(now);
    let until = match filter.expiring_within_days {
        Some(d) if !(0..=36_500).contains(&d) => {
            return Err(Error::invalid(
                "expiring_within_days",
                "到期天数",
                "应为 0–36500 天",
            ))
        }
        Some(d) => Some((today + Duration::days(d)).to_string()),
        None => None,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT v.card_no, c.id, c.name, u.code, c.phone, v.level, v.issued_on, v.expires_on,
                v.reissue_count, va.name, v.status,
                CAST(julianday(v.expires_on) - julianday(?2) AS INTEGER)
         FROM vip_cards v
         JOIN customers c ON c.id = v.customer_id
         JOIN units u ON u.id = c.unit_id
         LEFT JOIN staff va ON va.id = c.vip_assistant_id
         WHERE c.estate_id = ?1
           AND (v.status = 'active' OR (?4 AND ?3 IS NULL))
           AND (?3 IS NULL OR v.expires_on <= ?3)
         ORDER BY CASE WHEN ?3 IS NULL THEN v.card_no ELSE v.expires_on END, v.card_no",
    )?;
    let rows = stmt.query_map(
        params![estate_id, today.to_string(), until, filter.include_inactive],
        |r| {
            let l = level_at(r, 5)?;
            Ok(VipRegisterLine {
                card_no: r.get(0)?,
                customer_id: r.get(1)?,
                customer: r.get(2)?,
                unit: r.get(3)?,
                phone: r.get(4)?,
                level: l.digit(),
                level_label: l.label().to_string(),
                issued_on: r.get(6)?,
                expires_on: r.get(7)?,
                reissue_count: r.get(8)?,
                assistant: r.get(9)?,
                status: r.get(10)?,
                days_to_expiry: r.get(11)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
