//! The paid-service price list (维修有偿服务项目及收费标准): its items, the look-up by code or id
//! that `finish` charges from, and the supervisors' adding, editing and voiding.
//!
//! Invariants: items are never deleted — edits are audited and a voided item stays (with its
//! reason) for the orders that used it; a live item's code is unique per estate, so a voided
//! item's code may be reused; a price is at most ¥1,000,000.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{amount, given};
use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::store::Write;
use crate::validate::TextRule;

/// The price item's entity name in the audit log.
const PRICE_ITEM: &str = "price_item";

/// One line of the 维修有偿服务项目及收费标准.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PriceItem {
    pub id: String,
    pub estate_id: String,
    pub code: String,
    pub name: String,
    /// 次 / 个 / 米 …
    pub unit: String,
    pub price_fen: i64,
    pub note: Option<String>,
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// A price item as the supervisor enters it. On update, absent fields keep their value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct PriceItemInput {
    /// The item's number on the list, unique among live items.
    pub code: Option<String>,
    pub name: Option<String>,
    /// 计价单位 (default 次).
    pub unit: Option<String>,
    /// Price in yuan per unit, e.g. `35` or `12.50`.
    pub price: Option<String>,
    pub note: Option<String>,
}

const ITEM_CODE: TextRule = TextRule::line("code", "项目编号", 20);
const ITEM_NAME: TextRule = TextRule::line("name", "项目名称", 50);
const ITEM_UNIT: TextRule = TextRule::line("unit", "计价单位", 10);
const ITEM_NOTE: TextRule = TextRule::text("note", "备注", 500);
const ITEM_VOID_REASON: TextRule = TextRule::text("reason", "停用原因", 500);
const EDIT_PRICE_LIST: &str = "编辑维修有偿服务收费标准";

fn item_price(value: Option<&str>) -> Result<i64> {
    let v = given(value).ok_or_else(|| Error::invalid("price", "单价", "必填，不能为空"))?;
    amount("price", "单价", v)
}

/// Refuses a code already used by another live item of the estate.
fn ensure_code_free(conn: &Connection, estate_id: &str, code: &str, own_id: &str) -> Result<()> {
    let taken = conn
        .query_row(
            "SELECT 1 FROM price_items WHERE estate_id = ?1 AND code = ?2 AND id <> ?3
             AND voided_at IS NULL",
            params![estate_id, code, own_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Err(Error::invalid(
            "code",
            "项目编号",
            format!("“{code}”已被其他收费项目使用"),
        ));
    }
    Ok(())
}

/// Adds an item to the price list (supervisors).
pub fn add_price_item(w: &mut Write, estate_id: &str, input: &PriceItemInput) -> Result<PriceItem> {
    w.actor.require(SUPERVISORS, EDIT_PRICE_LIST)?;
    let code = ITEM_CODE.required(input.code.as_deref())?;
    ensure_code_free(&w.tx, estate_id, &code, "")?;
    let name = ITEM_NAME.required(input.name.as_deref())?;
    let unit = ITEM_UNIT
        .optional(input.unit.as_deref())?
        .unwrap_or_else(|| "次".into());
    let price_fen = item_price(input.price.as_deref())?;
    let note = ITEM_NOTE.optional(input.note.as_deref())?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO price_items(id, estate_id, code, name, unit, price_fen, note,
                                 created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
        params![
            id,
            estate_id,
            code,
            name,
            unit,
            price_fen,
            note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let item = price_item_by_id(&w.tx, &id)?;
    w.audit_insert(PRICE_ITEM, &id, &item)?;
    Ok(item)
}

/// Changes a live price item (by code or id); fields left out keep their value (supervisors).
/// Orders already finished keep the fee they were charged.
pub fn update_price_item(
    w: &mut Write,
    estate_id: &str,
    key: &str,
    input: &PriceItemInput,
) -> Result<PriceItem> {
    w.actor.require(SUPERVISORS, EDIT_PRICE_LIST)?;
    let before = live_price_item(&w.tx, estate_id, key)?;
    let code = match &input.code {
        Some(c) => ITEM_CODE.required(Some(c))?,
        None => before.code.clone(),
    };
    ensure_code_free(&w.tx, estate_id, &code, &before.id)?;
    let name = match &input.name {
        Some(n) => ITEM_NAME.required(Some(n))?,
        None => before.name.clone(),
    };
    let unit = match &input.unit {
        Some(u) => ITEM_UNIT.required(Some(u))?,
        None => before.unit.clone(),
    };
    let price_fen = match &input.price {
        Some(p) => item_price(Some(p))?,
        None => before.price_fen,
    };
    let note = match &input.note {
        Some(n) => ITEM_NOTE.optional(Some(n))?,
        None => before.note.clone(),
    };
    w.tx.execute(
        "UPDATE price_items SET code = ?2, name = ?3, unit = ?4, price_fen = ?5, note = ?6,
                updated_at = ?7, updated_by = ?8
         WHERE id = ?1",
        params![
            before.id,
            code,
            name,
            unit,
            price_fen,
            note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let after = price_item_by_id(&w.tx, &before.id)?;
    w.audit_update(PRICE_ITEM, &before.id, &before, &after)?;
    Ok(after)
}

/// Takes an item off the price list, with the reason (supervisors). Its code may be reused.
pub fn void_price_item(
    w: &mut Write,
    estate_id: &str,
    key: &str,
    reason: Option<&str>,
) -> Result<PriceItem> {
    w.actor.require(SUPERVISORS, EDIT_PRICE_LIST)?;
    let reason = ITEM_VOID_REASON.required(reason)?;
    let item = live_price_item(&w.tx, estate_id, key)?;
    w.tx.execute(
        "UPDATE price_items SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
        params![item.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void(PRICE_ITEM, &item.id, &reason)?;
    price_item_by_id(&w.tx, &item.id)
}

/// When the estate's price list last changed (an item added, edited or voided), as stored; `None`
/// while it has no items. The printed list is in force from this day.
pub fn price_list_changed_at(conn: &Connection, estate_id: &str) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT max(max(created_at, updated_at, COALESCE(voided_at, '')))
         FROM price_items WHERE estate_id = ?1",
        params![estate_id],
        |r| r.get(0),
    )?)
}

const ITEM_SELECT: &str = "SELECT id, estate_id, code, name, unit, price_fen, note,
        voided_at IS NOT NULL, void_reason FROM price_items";

fn item_row(r: &Row) -> rusqlite::Result<PriceItem> {
    Ok(PriceItem {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        code: r.get(2)?,
        name: r.get(3)?,
        unit: r.get(4)?,
        price_fen: r.get(5)?,
        note: r.get(6)?,
        voided: r.get(7)?,
        void_reason: r.get(8)?,
    })
}

fn price_item_by_id(conn: &Connection, id: &str) -> Result<PriceItem> {
    conn.query_row(
        &format!("{ITEM_SELECT} WHERE id = ?1"),
        params![id],
        item_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("收费项目", id))
}

/// A live price item by code or id.
pub fn find_price_item(conn: &Connection, estate_id: &str, key: &str) -> Result<Option<PriceItem>> {
    Ok(conn
        .query_row(
            &format!(
                "{ITEM_SELECT} WHERE estate_id = ?1 AND (code = ?2 OR id = ?2) AND voided_at IS NULL"
            ),
            params![estate_id, key.trim()],
            item_row,
        )
        .optional()?)
}

fn live_price_item(conn: &Connection, estate_id: &str, key: &str) -> Result<PriceItem> {
    find_price_item(conn, estate_id, key)?.ok_or_else(|| Error::not_found("收费项目", key))
}

/// The estate's price list by code; voided items too when `include_voided`.
pub fn price_list(
    conn: &Connection,
    estate_id: &str,
    include_voided: bool,
) -> Result<Vec<PriceItem>> {
    let mut stmt = conn.prepare(&format!(
        "{ITEM_SELECT} WHERE estate_id = ?1 AND (?2 OR voided_at IS NULL)
         ORDER BY voided_at IS NOT NULL, code, created_at"
    ))?;
    let rows = stmt.query_map(params![estate_id, include_voided], item_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
