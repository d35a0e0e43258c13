//! Repair work orders (报修 → 派工单 / 维修单) and the paid-service price list
//! (维修有偿服务项目及收费标准).
//!
//! An order lives through `reported → dispatched → accepted (接单) → arrived → finished →
//! signed_off → closed`, or is voided with a reason. Invariants:
//! - Each step checks the current state ([`Error::State`] names it in Chinese), records its own
//!   time and appends a `status` event. A step's time may be given (e.g. the arrival written on
//!   the paper slip) but is never in the future and never before the previous step's time.
//! - Only a 维修工 can be dispatched. Fees are set at `finish`: a price-list item is charged at the
//!   list price times the quantity; off-list labour and any material cost need a fee confirmation
//!   ([`confirm_fee`]): material up to `policy.repair.material_supervisor_limit_fen` by a
//!   supervisor, above it by a manager ([`MANAGERS`]) once the owner's agreement is recorded.
//! - Closing rule: a free order closes when the owner signs off; a paid order stays `signed_off`
//!   until finance confirms ([`finance_confirm`]), which needs the fee confirmed where it must be.
//! - Sign-off schedules the 回访 (`followups::schedule`), due after the earliest applicable
//!   `policy.followup` period (safety items, leaks, the rest).
//! - [`rework`] (owner dissatisfied at the 回访) sends a signed-off or closed order back to its
//!   repairer (`dispatched`), or to the dispatch queue (`reported`) when they can no longer take it.
//! - Price items are never deleted: edits are audited, voided items stay for the orders that used
//!   them; a live item's code is unique per estate. An order keeps the fee computed when finished.

use chrono::{DateTime, Datelike, Duration, DurationRound, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::estate::{self, Staff};
use crate::followups;
use crate::intake::{self, Intake};
use crate::policy::{self, Policy};
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{
    MaterialCheck, RepairKind, RepairScale, RepairStatus, Role, SubjectKind, Tier, Urgency,
};

/// 管理处经理 and above: they confirm fees whose material cost is above the supervisor's limit.
pub const MANAGERS: &[Role] = &[
    Role::ProjectManager,
    Role::GmAssistant,
    Role::GeneralManager,
];

/// Entity names in the audit log, the event log and (for orders) the search index.
const ORDER: &str = "repair";
const PRICE_ITEM: &str = "price_item";

// ---------------------------------------------------------------------------------------------
// The price list
// ---------------------------------------------------------------------------------------------

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
/// The highest price or fee accepted (¥1,000,000), so sums cannot overflow.
const MAX_PRICE_FEN: i64 = 100_000_000;
const EDIT_PRICE_LIST: &str = "编辑维修有偿服务收费标准";

/// A money amount typed in yuan, in fen; at most [`MAX_PRICE_FEN`].
fn amount(field: &'static str, label: &'static str, value: &str) -> Result<i64> {
    let fen = validate::money_fen(field, label, value)?;
    if fen > MAX_PRICE_FEN {
        return Err(Error::invalid(
            field,
            label,
            format!("过大：最多 ¥{}", validate::fen_to_yuan(MAX_PRICE_FEN)),
        ));
    }
    Ok(fen)
}

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

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

/// A repair work order as stored. Times are in the stored UTC form; money in fen.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RepairOrder {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    pub intake_id: Option<String>,
    pub intake_no: Option<String>,
    pub unit_id: Option<String>,
    pub unit: Option<String>,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_tier: Option<Tier>,
    pub reporter_name: Option<String>,
    pub phone: Option<String>,
    pub kind: RepairKind,
    pub urgency: Urgency,
    pub scale: Option<RepairScale>,
    pub safety_related: bool,
    pub leak_related: bool,
    pub location: Option<String>,
    pub content: String,
    pub appointment_at: Option<String>,
    pub status: RepairStatus,
    pub reported_at: String,
    pub dispatched_at: Option<String>,
    pub dispatched_by: Option<String>,
    pub accepted_at: Option<String>,
    pub arrived_at: Option<String>,
    pub finished_at: Option<String>,
    pub signed_off_at: Option<String>,
    pub closed_at: Option<String>,
    pub repairer_id: Option<String>,
    pub repairer: Option<String>,
    pub work_done: Option<String>,
    pub materials: Option<String>,
    pub owner_materials: Option<MaterialCheck>,
    pub owner_materials_note: Option<String>,
    pub paid: bool,
    pub price_item_id: Option<String>,
    pub price_item_code: Option<String>,
    pub price_item_name: Option<String>,
    pub quantity: Option<f64>,
    pub labour_fen: i64,
    /// Labour charged without a price-list item (assessed, so it needs confirming).
    pub labour_off_list: bool,
    pub material_fen: i64,
    pub total_fen: i64,
    pub fee_confirmed_by: Option<String>,
    pub fee_confirmed_at: Option<String>,
    pub owner_agreement: bool,
    pub owner_agreement_at: Option<String>,
    pub owner_agreement_note: Option<String>,
    pub owner_signed: bool,
    pub owner_comment: Option<String>,
    pub finance_confirmed_by: Option<String>,
    pub finance_confirmed_at: Option<String>,
    pub rework_count: i64,
    pub void_reason: Option<String>,
}

/// A repair report as the clerk enters it. Enumerated fields take the code or the Chinese label.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct RepairInput {
    /// The intake (登记) this order comes from, by id or number: unit, customer, phone, name,
    /// location, content and report time default from it.
    pub intake: Option<String>,
    /// 户位/房号; required for 房屋.
    pub unit: Option<String>,
    pub customer_id: Option<String>,
    pub reporter_name: Option<String>,
    pub phone: Option<String>,
    /// 房屋 / 系统 / 公共设施 / 特约.
    pub kind: Option<String>,
    /// 一般 (default) / 紧急.
    pub urgency: Option<String>,
    /// 小修 / 中修 / 大修: only, and required, for 公共设施.
    pub scale: Option<String>,
    /// A safety item (回访 within the safety period).
    pub safety_related: bool,
    /// A leak (回访 within the leak period).
    pub leak_related: bool,
    /// Where (required when there is no unit).
    pub location: Option<String>,
    pub content: Option<String>,
    /// The time agreed with the owner; not more than a day in the past.
    pub appointment_at: Option<String>,
    /// When it was reported (default: the intake's time, else now).
    pub reported_at: Option<String>,
}

/// Dispatching an order to a repairer.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct DispatchInput {
    /// The repairer (维修工) by login, name or id.
    pub repairer: Option<String>,
    /// When dispatched (default now).
    pub at: Option<String>,
}

/// A step that only records its time (接单, 到场, 财务确认).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct StepInput {
    /// When it happened (default now); `2026-11-23 10:05` is Beijing time.
    pub at: Option<String>,
}

/// What the repairer reports when the work is done.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct FinishInput {
    pub work_done: Option<String>,
    /// Materials used, as text.
    pub materials: Option<String>,
    /// Material cost charged to the owner, in yuan (paid orders only).
    pub material_cost: Option<String>,
    /// The owner's own materials, checked: 合格 / 不合格.
    pub owner_materials: Option<String>,
    /// How unqualified owner's materials were handled (required then).
    pub owner_materials_note: Option<String>,
    /// A paid repair (有偿维修).
    pub paid: bool,
    /// The price-list item (code or id): labour = list price × quantity.
    pub price_item: Option<String>,
    /// Quantity of the price-list item (default 1; up to two decimals).
    pub quantity: Option<String>,
    /// Labour fee in yuan for an off-list repair (then the fee must be confirmed).
    pub labour_fee: Option<String>,
    /// When finished (default now).
    pub at: Option<String>,
}

/// The owner's written agreement to an expensive repair.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct AgreementInput {
    /// Agreement number or what was agreed.
    pub note: Option<String>,
    /// When it was signed (default now).
    pub at: Option<String>,
}

/// The owner's sign-off on the slip.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct SignOffInput {
    /// The owner signed the slip; when not, the comment says why.
    pub owner_signed: bool,
    pub owner_comment: Option<String>,
    /// When signed (default now).
    pub at: Option<String>,
}

/// Which orders [`list`] returns. Absent fields do not filter.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct RepairFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    /// The repairer by login, name or id.
    pub repairer: Option<String>,
    /// Reported at or after this time or date.
    pub from: Option<String>,
    /// Reported before this time, or on or before this date.
    pub to: Option<String>,
    /// Only orders still being worked on (reported … finished).
    pub open_only: bool,
    /// At most this many (default 200).
    pub limit: Option<usize>,
}

/// Who must confirm an order's fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FeeApproval {
    /// Free, or charged at list price with no material cost.
    NotNeeded,
    /// Off-list labour or material up to the limit: a supervisor.
    Supervisor,
    /// Material above the limit: the owner's agreement and a manager.
    Manager,
}

/// An order with its history and the measures the service promises are judged by.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RepairDetail {
    #[serde(flatten)]
    pub order: RepairOrder,
    /// Who must confirm the fee under the current policy.
    pub fee_approval: FeeApproval,
    /// The fee is confirmed, or needs no confirmation.
    pub fee_settled: bool,
    /// Minutes from dispatch to arrival on site.
    pub response_minutes: Option<i64>,
    /// Hours from the report to the finished work.
    pub completion_hours: Option<f64>,
    pub events: Vec<crate::store::Event>,
}

const REPORTER: TextRule = TextRule::line("reporter_name", "报修人", 30);
const LOCATION: TextRule = TextRule::line("location", "维修地点", 100);
const CONTENT: TextRule = TextRule::text("content", "报修内容", 5000);
const WORK_DONE: TextRule = TextRule::text("work_done", "维修情况", 2000);
const MATERIALS: TextRule = TextRule::text("materials", "所用材料", 1000);
const OWNER_MATERIALS_NOTE: TextRule =
    TextRule::text("owner_materials_note", "自备材料处理说明", 500);
const AGREEMENT_NOTE: TextRule = TextRule::text("note", "协议说明", 500);
const OWNER_COMMENT: TextRule = TextRule::text("owner_comment", "业主意见", 1000);
const VOID_REASON: TextRule = TextRule::text("reason", "作废原因", 500);
const REWORK_REASON: TextRule = TextRule::text("reason", "返修原因", 500);
/// The largest quantity of a price-list item on one order, in hundredths.
const MAX_QUANTITY_CENTI: i64 = 1_000_000;

/// A form value that is present and not blank, trimmed.
fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Beijing wall-clock time for messages.
fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&time::beijing())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn intake_field(conn: &Connection, estate_id: &str, value: Option<&str>) -> Result<Option<Intake>> {
    let Some(key) = given(value) else {
        return Ok(None);
    };
    match intake::get(conn, key) {
        Ok(i) if i.estate_id != estate_id => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("未找到登记“{key}”"),
        )),
        Ok(i) if i.voided => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("登记 {} 已作废", i.no),
        )),
        Ok(i) => Ok(Some(i)),
        Err(Error::NotFound { .. }) => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("未找到登记“{key}”"),
        )),
        Err(e) => Err(e),
    }
}

/// A live customer of the estate: its id and unit.
fn customer_field(
    conn: &Connection,
    estate_id: &str,
    value: Option<&str>,
) -> Result<Option<(String, Option<String>)>> {
    let Some(id) = given(value) else {
        return Ok(None);
    };
    let unit: Option<Option<String>> = conn
        .query_row(
            "SELECT unit_id FROM customers WHERE id = ?1 AND estate_id = ?2 AND voided_at IS NULL",
            params![id, estate_id],
            |r| r.get(0),
        )
        .optional()?;
    match unit {
        Some(u) => Ok(Some((id.to_string(), u))),
        None => Err(Error::invalid(
            "customer_id",
            "客户",
            format!("未找到客户“{id}”"),
        )),
    }
}

/// A live staff member of the estate who is a 维修工.
fn repairer_field(
    conn: &Connection,
    estate_id: &str,
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<Staff>> {
    let Some(s) = estate::staff_field(conn, field, "维修工", value)? else {
        return Ok(None);
    };
    if s.estate_id != estate_id {
        return Err(Error::invalid(
            field,
            "维修工",
            format!("未知员工“{}”", s.login),
        ));
    }
    if s.role != Role::Repairer {
        return Err(Error::invalid(
            field,
            "维修工",
            format!("{}的岗位是{}，只能派给维修工", s.name, s.role.label()),
        ));
    }
    Ok(Some(s))
}

/// Creates an order from a report (or from an intake, whose details fill the gaps).
pub fn create(w: &mut Write, estate_id: &str, input: &RepairInput) -> Result<RepairOrder> {
    let from = intake_field(&w.tx, estate_id, input.intake.as_deref())?;
    let from_intake = |f: fn(&Intake) -> Option<&str>| from.as_ref().and_then(f);
    let mut unit = estate::unit_field(
        &w.tx,
        estate_id,
        "unit",
        "房号",
        given(input.unit.as_deref()).or(from_intake(|i| i.unit_id.as_deref())),
    )?;
    let customer = customer_field(
        &w.tx,
        estate_id,
        given(input.customer_id.as_deref()).or(from_intake(|i| i.customer_id.as_deref())),
    )?;
    if let (None, Some((_, Some(unit_id)))) = (&unit, &customer) {
        unit = estate::find_unit(&w.tx, estate_id, unit_id)?;
    }
    let reporter_name = REPORTER.optional(
        given(input.reporter_name.as_deref()).or(from_intake(|i| i.person_name.as_deref())),
    )?;
    let phone = given(input.phone.as_deref())
        .or(from_intake(|i| i.phone.as_deref()))
        .map(|p| validate::phone("phone", "电话", p))
        .transpose()?;
    let kind = RepairKind::parse(
        "kind",
        "维修类别",
        given(input.kind.as_deref())
            .ok_or_else(|| Error::invalid("kind", "维修类别", "必填，不能为空"))?,
    )?;
    let urgency = given(input.urgency.as_deref())
        .map(|u| Urgency::parse("urgency", "紧急程度", u))
        .transpose()?
        .unwrap_or(Urgency::Normal);
    let scale = given(input.scale.as_deref())
        .map(|s| RepairScale::parse("scale", "维修规模", s))
        .transpose()?;
    match (kind, scale) {
        (RepairKind::Public, None) => {
            return Err(Error::invalid(
                "scale",
                "维修规模",
                "公共设施报修须填写维修规模：小修、中修或大修",
            ))
        }
        (RepairKind::Public, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(Error::invalid(
                "scale",
                "维修规模",
                format!("只有公共设施报修填写维修规模，{}报修不填", kind.label()),
            ))
        }
    }
    let location = LOCATION
        .optional(given(input.location.as_deref()).or(from_intake(|i| i.location.as_deref())))?;
    let content = CONTENT
        .required(given(input.content.as_deref()).or(from_intake(|i| Some(i.content.as_str()))))?;
    if unit.is_none() {
        if kind == RepairKind::House {
            return Err(Error::invalid("unit", "房号", "房屋报修须填写房号"));
        }
        if location.is_none() {
            return Err(Error::invalid(
                "location",
                "维修地点",
                "没有房号时须填写维修地点",
            ));
        }
    }
    let appointment_at = match given(input.appointment_at.as_deref()) {
        None => None,
        Some(s) => {
            let t = time::parse_input("appointment_at", "预约时间", s)?;
            if t < w.now - Duration::days(1) {
                return Err(Error::invalid(
                    "appointment_at",
                    "预约时间",
                    format!("{} 已过去一天以上，请核对", local(t)),
                ));
            }
            Some(time::to_db(t))
        }
    };
    let reported_at = match given(input.reported_at.as_deref()) {
        Some(s) => time::parse_input("reported_at", "报修时间", s)?,
        None => match &from {
            Some(i) => time::from_db(&i.received_at)?,
            None => w.now,
        },
    };
    if reported_at > w.now {
        return Err(Error::invalid(
            "reported_at",
            "报修时间",
            "不能晚于当前时间",
        ));
    }
    let year = time::local_date(reported_at).year();
    let no = w.human_no(estate_id, "WX", year, 4)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO repair_orders(id, estate_id, no, intake_id, unit_id, customer_id,
            reporter_name, phone, kind, urgency, scale, safety_related, leak_related, location,
            content, appointment_at, status, reported_at, created_at, created_by, updated_at,
            updated_by, policy_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?19, ?20, ?21)",
        params![
            id,
            estate_id,
            no,
            from.as_ref().map(|i| &i.id),
            unit.as_ref().map(|u| &u.id),
            customer.as_ref().map(|c| &c.0),
            reporter_name,
            phone,
            kind,
            urgency,
            scale,
            input.safety_related,
            input.leak_related,
            location,
            content,
            appointment_at,
            RepairStatus::Reported,
            time::to_db(reported_at),
            w.now_db,
            w.actor.staff_id,
            policy::current(&w.tx, estate_id)?.version,
        ],
    )?;
    let order = order(&w.tx, &id)?;
    index(w, &order)?;
    w.audit_insert(ORDER, &id, &order)?;
    w.event(
        ORDER,
        &id,
        "status",
        json!({ "from": null, "to": RepairStatus::Reported, "at": order.reported_at }),
    )?;
    Ok(order)
}

fn index(w: &Write, o: &RepairOrder) -> Result<()> {
    let title = format!(
        "{} {} {}",
        o.no,
        o.kind.label(),
        intake::short(&o.content, 40)
    );
    search::index(
        w,
        ORDER,
        &o.id,
        &o.estate_id,
        &title,
        &[
            &o.no,
            o.unit.as_deref().unwrap_or(""),
            o.reporter_name.as_deref().unwrap_or(""),
            o.phone.as_deref().unwrap_or(""),
            o.location.as_deref().unwrap_or(""),
            &o.content,
            o.work_done.as_deref().unwrap_or(""),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

/// Loads an order for a step, refusing unless its status is one of `from`.
fn load_in(conn: &Connection, id: &str, from: &[RepairStatus], doing: &str) -> Result<RepairOrder> {
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
fn entered_at(o: &RepairOrder) -> (Option<&str>, &'static str) {
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
fn step_time(
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
fn move_to(
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
fn saved(w: &mut Write, before: &RepairOrder) -> Result<RepairOrder> {
    w.tx.execute(
        "UPDATE repair_orders SET updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id],
    )?;
    let after = order(&w.tx, &before.id)?;
    w.audit_update(ORDER, &before.id, before, &after)?;
    Ok(after)
}

/// Sends a reported order to a repairer (维修工 only). After a 退单 ([`reassign`]) the first
/// dispatch time stays, so the on-site deadline keeps counting.
pub fn dispatch(w: &mut Write, id: &str, input: &DispatchInput) -> Result<RepairOrder> {
    let before = load_in(&w.tx, id, &[RepairStatus::Reported], "派工")?;
    let repairer = repairer_field(
        &w.tx,
        &before.estate_id,
        "repairer",
        input.repairer.as_deref(),
    )?
    .ok_or_else(|| Error::invalid("repairer", "维修工", "必填，不能为空"))?;
    let at = step_time(w, "派工时间", input.at.as_deref(), entered_at(&before))?;
    w.tx.execute(
        "UPDATE repair_orders SET repairer_id = ?2,
            dispatched_at = coalesce(dispatched_at, ?3), dispatched_by = ?4
         WHERE id = ?1",
        params![before.id, repairer.id, time::to_db(at), w.actor.staff_id],
    )?;
    move_to(
        w,
        &before.id,
        before.status,
        RepairStatus::Dispatched,
        json!({ "at": time::to_db(at), "repairer": repairer.name }),
    )?;
    saved(w, &before)
}

/// 转单 or 退单: moving an order to another repairer, or handing it back to be dispatched again.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ReassignInput {
    /// The repairer who takes the order over (转单); none hands it back (退单).
    pub repairer: Option<String>,
    /// Why (required).
    pub reason: Option<String>,
}

const REASSIGN_REASON: TextRule = TextRule::text("reason", "原因", 500);

/// 转单 / 退单: an order dispatched or accepted (not yet on site) moves to another repairer, who
/// accepts it again, or is handed back (退单) to 已报修 to be dispatched again. Who, when and why
/// is an event (`reassigned` or `handed_back`); the deadlines keep counting — completion from the
/// report, on site from the first dispatch (a later dispatch keeps it).
pub fn reassign(w: &mut Write, id: &str, input: &ReassignInput) -> Result<RepairOrder> {
    let reason = REASSIGN_REASON.required(input.reason.as_deref())?;
    let before = load_in(
        &w.tx,
        id,
        &[RepairStatus::Dispatched, RepairStatus::Accepted],
        "转单或退单",
    )?;
    let to = repairer_field(
        &w.tx,
        &before.estate_id,
        "repairer",
        input.repairer.as_deref(),
    )?;
    if let Some(r) = &to {
        if before.repairer_id.as_deref() == Some(r.id.as_str()) {
            return Err(Error::invalid(
                "repairer",
                "维修工",
                format!("派工单 {} 已由{}负责", before.no, r.name),
            ));
        }
    }
    w.tx.execute(
        "UPDATE repair_orders SET repairer_id = ?2, accepted_at = NULL WHERE id = ?1",
        params![before.id, to.as_ref().map(|r| &r.id)],
    )?;
    let status = match to {
        Some(_) => RepairStatus::Dispatched,
        None => RepairStatus::Reported,
    };
    let kind = match to {
        Some(_) => "reassigned",
        None => "handed_back",
    };
    w.event(
        ORDER,
        &before.id,
        kind,
        json!({
            "from_repairer": before.repairer,
            "repairer": to.as_ref().map(|r| &r.name),
            "reason": reason,
        }),
    )?;
    if status != before.status {
        move_to(
            w,
            &before.id,
            before.status,
            status,
            json!({ "reason": reason }),
        )?;
    }
    saved(w, &before)
}

/// A step that records only its time: from `from` to `to`, stored in `column`.
fn timed_step(
    w: &mut Write,
    id: &str,
    input: &StepInput,
    (from, to): (RepairStatus, RepairStatus),
    (doing, label, column): (&str, &'static str, &str),
) -> Result<RepairOrder> {
    let before = load_in(&w.tx, id, &[from], doing)?;
    let at = step_time(w, label, input.at.as_deref(), entered_at(&before))?;
    w.tx.execute(
        &format!("UPDATE repair_orders SET {column} = ?2 WHERE id = ?1"),
        params![before.id, time::to_db(at)],
    )?;
    move_to(w, &before.id, from, to, json!({ "at": time::to_db(at) }))?;
    saved(w, &before)
}

/// The repairer takes the slip (接单).
pub fn accept(w: &mut Write, id: &str, input: &StepInput) -> Result<RepairOrder> {
    timed_step(
        w,
        id,
        input,
        (RepairStatus::Dispatched, RepairStatus::Accepted),
        ("接单", "接单时间", "accepted_at"),
    )
}

/// The repairer is on site.
pub fn arrive(w: &mut Write, id: &str, input: &StepInput) -> Result<RepairOrder> {
    timed_step(
        w,
        id,
        input,
        (RepairStatus::Accepted, RepairStatus::Arrived),
        ("登记到场", "到场时间", "arrived_at"),
    )
}

/// An order's charges, as checked at finish.
#[derive(Debug, PartialEq)]
struct Fee {
    paid: bool,
    price_item_id: Option<String>,
    quantity: Option<f64>,
    labour_fen: i64,
    material_fen: i64,
}

fn fee(conn: &Connection, estate_id: &str, input: &FinishInput) -> Result<Fee> {
    let item = match given(input.price_item.as_deref()) {
        None => None,
        Some(k) => Some(find_price_item(conn, estate_id, k)?.ok_or_else(|| {
            Error::invalid(
                "price_item",
                "收费项目",
                format!("“{k}”不在维修有偿服务收费标准中（或已停用）"),
            )
        })?),
    };
    let quantity_centi = match given(input.quantity.as_deref()) {
        None => None,
        Some(q) => {
            let bad = || {
                Error::invalid(
                    "quantity",
                    "数量",
                    format!("“{q}”应为大于 0 的数，最多两位小数，如 2 或 1.5"),
                )
            };
            let c = validate::money_fen("quantity", "数量", q).map_err(|_| bad())?;
            if c == 0 || c > MAX_QUANTITY_CENTI {
                return Err(bad());
            }
            Some(c)
        }
    };
    let labour = given(input.labour_fee.as_deref())
        .map(|s| amount("labour_fee", "人工费", s))
        .transpose()?;
    let material_fen = given(input.material_cost.as_deref())
        .map(|s| amount("material_cost", "材料费", s))
        .transpose()?
        .unwrap_or(0);
    if !input.paid {
        let charged = [
            (item.is_some(), "price_item", "收费项目"),
            (quantity_centi.is_some(), "quantity", "数量"),
            (labour.is_some(), "labour_fee", "人工费"),
            (material_fen > 0, "material_cost", "材料费"),
        ];
        if let Some((_, field, label)) = charged.into_iter().find(|c| c.0) {
            return Err(Error::invalid(
                field,
                label,
                "无偿维修不向业主收费；如需收费请标明有偿维修",
            ));
        }
        return Ok(Fee {
            paid: false,
            price_item_id: None,
            quantity: None,
            labour_fen: 0,
            material_fen: 0,
        });
    }
    let (price_item_id, quantity, labour_fen) = match (item, labour) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "labour_fee",
                "人工费",
                "已选收费项目，人工费按收费标准计算，不能另填",
            ))
        }
        (Some(item), None) => {
            let q = quantity_centi.unwrap_or(100);
            let labour = (item.price_fen * q + 50) / 100;
            (Some(item.id), Some(q as f64 / 100.0), labour)
        }
        (None, labour) => {
            if quantity_centi.is_some() {
                return Err(Error::invalid(
                    "quantity",
                    "数量",
                    "只有选了收费项目才填写数量",
                ));
            }
            (None, None, labour.unwrap_or(0))
        }
    };
    if labour_fen + material_fen == 0 {
        return Err(Error::invalid(
            "paid",
            "有偿维修",
            "有偿维修须选择收费项目，或填写人工费、材料费",
        ));
    }
    Ok(Fee {
        paid: true,
        price_item_id,
        quantity,
        labour_fen,
        material_fen,
    })
}

/// Records the finished work, materials and fees. Finishing again after a rework with a
/// different fee clears the fee confirmation and the owner's agreement.
pub fn finish(w: &mut Write, id: &str, input: &FinishInput) -> Result<RepairOrder> {
    let before = load_in(&w.tx, id, &[RepairStatus::Arrived], "登记完工")?;
    let at = step_time(w, "完工时间", input.at.as_deref(), entered_at(&before))?;
    let work_done = WORK_DONE.required(input.work_done.as_deref())?;
    let materials = MATERIALS.optional(input.materials.as_deref())?;
    let owner_materials = given(input.owner_materials.as_deref())
        .map(|s| MaterialCheck::parse("owner_materials", "业主自备材料", s))
        .transpose()?;
    let owner_materials_note =
        OWNER_MATERIALS_NOTE.optional(input.owner_materials_note.as_deref())?;
    if owner_materials == Some(MaterialCheck::Unqualified) && owner_materials_note.is_none() {
        return Err(Error::invalid(
            "owner_materials_note",
            "自备材料处理说明",
            "业主自备材料不合格时须写明如何处理（如已退回改用合格材料，或业主坚持使用并签字确认）",
        ));
    }
    let fee = fee(&w.tx, &before.estate_id, input)?;
    let same_fee = fee
        == Fee {
            paid: before.paid,
            price_item_id: before.price_item_id.clone(),
            quantity: before.quantity,
            labour_fen: before.labour_fen,
            material_fen: before.material_fen,
        };
    w.tx.execute(
        "UPDATE repair_orders SET finished_at = ?2, work_done = ?3, materials = ?4,
            owner_materials = ?5, owner_materials_note = ?6, paid = ?7, price_item_id = ?8,
            quantity = ?9, labour_fen = ?10, material_fen = ?11
         WHERE id = ?1",
        params![
            before.id,
            time::to_db(at),
            work_done,
            materials,
            owner_materials,
            owner_materials_note,
            fee.paid,
            fee.price_item_id,
            fee.quantity,
            fee.labour_fen,
            fee.material_fen
        ],
    )?;
    if !same_fee {
        w.tx.execute(
            "UPDATE repair_orders SET fee_confirmed_by = NULL, fee_confirmed_at = NULL,
                owner_agreement = 0, owner_agreement_at = NULL, owner_agreement_note = NULL
             WHERE id = ?1",
            params![before.id],
        )?;
    }
    move_to(
        w,
        &before.id,
        before.status,
        RepairStatus::Finished,
        json!({ "at": time::to_db(at) }),
    )?;
    let after = saved(w, &before)?;
    index(w, &after)?;
    Ok(after)
}

/// Who must confirm this order's fee under `policy`.
pub fn fee_approval(o: &RepairOrder, policy: &Policy) -> FeeApproval {
    if !o.paid || (!o.labour_off_list && o.material_fen == 0) {
        FeeApproval::NotNeeded
    } else if o.material_fen > policy.repair.material_supervisor_limit_fen {
        FeeApproval::Manager
    } else {
        FeeApproval::Supervisor
    }
}

/// Records the owner's agreement to the charges (needed when material is above the limit).
pub fn record_owner_agreement(
    w: &mut Write,
    id: &str,
    input: &AgreementInput,
) -> Result<RepairOrder> {
    let before = load_in(
        &w.tx,
        id,
        &[RepairStatus::Finished, RepairStatus::SignedOff],
        "登记业主协议",
    )?;
    if !before.paid {
        return Err(Error::State(format!(
            "维修单 {} 为无偿维修，无需与业主签订收费协议",
            before.no
        )));
    }
    if before.owner_agreement {
        return Err(Error::State(format!("维修单 {} 已登记业主协议", before.no)));
    }
    let note = AGREEMENT_NOTE.optional(input.note.as_deref())?;
    let at = step_time(
        w,
        "协议时间",
        input.at.as_deref(),
        (Some(&before.reported_at), "报修时间"),
    )?;
    w.tx.execute(
        "UPDATE repair_orders SET owner_agreement = 1, owner_agreement_at = ?2,
            owner_agreement_note = ?3
         WHERE id = ?1",
        params![before.id, time::to_db(at), note],
    )?;
    w.event(
        ORDER,
        &before.id,
        "owner_agreement",
        json!({ "at": time::to_db(at), "note": note }),
    )?;
    saved(w, &before)
}

/// Confirms the fee: material up to the policy limit (and off-list labour) by a supervisor;
/// material above it by a manager, after the owner's agreement is recorded.
pub fn confirm_fee(w: &mut Write, id: &str) -> Result<RepairOrder> {
    let before = load_in(
        &w.tx,
        id,
        &[RepairStatus::Finished, RepairStatus::SignedOff],
        "确认费用",
    )?;
    if let Some(at) = &before.fee_confirmed_at {
        return Err(Error::State(format!(
            "维修单 {} 的费用已于 {} 确认",
            before.no,
            local(time::from_db(at)?)
        )));
    }
    let policy = policy::current(&w.tx, &before.estate_id)?.policy;
    let limit = validate::fen_to_yuan(policy.repair.material_supervisor_limit_fen);
    let approval = fee_approval(&before, &policy);
    match approval {
        FeeApproval::NotNeeded => {
            return Err(Error::State(format!(
                "维修单 {} 无需确认费用（无偿维修，或按收费标准收费且无材料费）",
                before.no
            )))
        }
        FeeApproval::Supervisor => w.actor.require(SUPERVISORS, "确认维修费用")?,
        FeeApproval::Manager => {
            w.actor.require(
                MANAGERS,
                &format!("确认材料费超过 ¥{limit} 的维修费用（须管理处经理确认）"),
            )?;
            if !before.owner_agreement {
                return Err(Error::State(format!(
                    "维修单 {} 材料费 ¥{} 超过 ¥{limit}，须先登记与业主签订的协议",
                    before.no,
                    validate::fen_to_yuan(before.material_fen)
                )));
            }
        }
    }
    w.tx.execute(
        "UPDATE repair_orders SET fee_confirmed_by = ?2, fee_confirmed_at = ?3 WHERE id = ?1",
        params![before.id, w.actor.staff_id, w.now_db],
    )?;
    w.event(
        ORDER,
        &before.id,
        "fee_confirmed",
        json!({
            "approval": approval,
            "labour_fen": before.labour_fen,
            "material_fen": before.material_fen,
        }),
    )?;
    saved(w, &before)
}

/// When the 回访 of an order signed off at `signed_off_at` is due: the earliest applicable period.
pub fn followup_due(
    o: &RepairOrder,
    policy: &Policy,
    signed_off_at: DateTime<Utc>,
) -> DateTime<Utc> {
    let f = &policy.followup;
    let hours = [
        (o.safety_related, f.repair_safety_hours),
        (o.leak_related, f.repair_leak_hours),
        (true, f.repair_other_hours),
    ]
    .into_iter()
    .filter(|(applies, _)| *applies)
    .map(|(_, h)| h)
    .min()
    .unwrap_or(f.repair_other_hours);
    signed_off_at + Duration::hours(hours)
}

/// The owner's sign-off: schedules the 回访; a free order closes here (no finance step).
pub fn sign_off(w: &mut Write, id: &str, input: &SignOffInput) -> Result<RepairOrder> {
    let before = load_in(&w.tx, id, &[RepairStatus::Finished], "业主签认")?;
    let at = step_time(w, "签认时间", input.at.as_deref(), entered_at(&before))?;
    let comment = OWNER_COMMENT.optional(input.owner_comment.as_deref())?;
    if !input.owner_signed && comment.is_none() {
        return Err(Error::invalid(
            "owner_comment",
            "业主意见",
            "业主未签字时须写明原因",
        ));
    }
    let at_db = time::to_db(at);
    w.tx.execute(
        "UPDATE repair_orders SET signed_off_at = ?2, owner_signed = ?3, owner_comment = ?4
         WHERE id = ?1",
        params![before.id, at_db, input.owner_signed, comment],
    )?;
    let policy = policy::current(&w.tx, &before.estate_id)?.policy;
    let due = followup_due(&before, &policy, at);
    let followup_id =
        followups::schedule(w, &before.estate_id, SubjectKind::Repair, &before.id, due)?;
    move_to(
        w,
        &before.id,
        before.status,
        RepairStatus::SignedOff,
        json!({ "at": at_db, "followup_id": followup_id, "followup_due_at": time::to_db(due) }),
    )?;
    if !before.paid {
        w.tx.execute(
            "UPDATE repair_orders SET closed_at = ?2 WHERE id = ?1",
            params![before.id, at_db],
        )?;
        move_to(
            w,
            &before.id,
            RepairStatus::SignedOff,
            RepairStatus::Closed,
            json!({ "at": at_db, "reason": "无偿维修，业主签认即结单" }),
        )?;
    }
    saved(w, &before)
}

/// Finance confirms the fee was received; the paid order closes (the policy's `finance_roles`,
/// supervisors by default). The fee must be confirmed first where it needs confirming.
pub fn finance_confirm(w: &mut Write, id: &str, input: &StepInput) -> Result<RepairOrder> {
    let before = load_in(&w.tx, id, &[RepairStatus::SignedOff], "财务确认")?;
    let policy = policy::current(&w.tx, &before.estate_id)?.policy;
    w.actor
        .require(&policy.repair.finance_roles, "财务确认维修费用")?;
    let approval = fee_approval(&before, &policy);
    if approval != FeeApproval::NotNeeded && before.fee_confirmed_at.is_none() {
        let who = match approval {
            FeeApproval::Manager => "管理处经理（且须先登记业主协议）",
            _ => "客服主管",
        };
        return Err(Error::State(format!(
            "维修单 {} 的费用尚未确认，须由{who}确认后才能财务确认",
            before.no
        )));
    }
    let at = step_time(w, "财务确认时间", input.at.as_deref(), entered_at(&before))?;
    let at_db = time::to_db(at);
    w.tx.execute(
        "UPDATE repair_orders SET finance_confirmed_by = ?2, finance_confirmed_at = ?3,
            closed_at = ?3
         WHERE id = ?1",
        params![before.id, w.actor.staff_id, at_db],
    )?;
    move_to(
        w,
        &before.id,
        before.status,
        RepairStatus::Closed,
        json!({ "at": at_db }),
    )?;
    saved(w, &before)
}

/// Voids an order entered in error or withdrawn (supervisors), before the owner's sign-off.
pub fn void(w: &mut Write, id: &str, reason: Option<&str>) -> Result<RepairOrder> {
    w.actor.require(SUPERVISORS, "作废维修单")?;
    let reason = VOID_REASON.required(reason)?;
    let before = load_in(
        &w.tx,
        id,
        &[
            RepairStatus::Reported,
            RepairStatus::Dispatched,
            RepairStatus::Accepted,
            RepairStatus::Arrived,
            RepairStatus::Finished,
        ],
        "作废",
    )?;
    w.tx.execute(
        "UPDATE repair_orders SET voided_at = ?2, voided_by = ?3, void_reason = ?4 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    move_to(
        w,
        &before.id,
        before.status,
        RepairStatus::Voided,
        json!({ "reason": reason }),
    )?;
    w.audit_void(ORDER, &before.id, &reason)?;
    search::remove(w, ORDER, &before.id)?;
    order(&w.tx, &before.id)
}

/// Sends a signed-off or closed order back for rework (the owner was not satisfied at the 回访):
/// to its repairer again (`dispatched`, now), or to the dispatch queue (`reported`) when that
/// repairer is no longer an active 维修工. Later steps, the sign-off and the finance confirmation
/// are cleared (their history stays in the events and the audit log); the fee stays as charged.
pub fn rework(w: &mut Write, id: &str, reason: &str) -> Result<RepairOrder> {
    let reason = REWORK_REASON.required(Some(reason))?;
    let before = load_in(
        &w.tx,
        id,
        &[RepairStatus::SignedOff, RepairStatus::Closed],
        "返修",
    )?;
    let repairer = match &before.repairer_id {
        Some(rid) => estate::find_staff(&w.tx, rid)
            .ok()
            .filter(|s| s.active && s.role == Role::Repairer),
        None => None,
    };
    let (to, dispatched_at, dispatched_by) = match &repairer {
        Some(_) => (
            RepairStatus::Dispatched,
            Some(w.now_db.clone()),
            Some(w.actor.staff_id.clone()),
        ),
        None => (RepairStatus::Reported, None, None),
    };
    w.tx.execute(
        "UPDATE repair_orders SET rework_count = rework_count + 1, repairer_id = ?2,
            dispatched_at = ?3, dispatched_by = ?4, accepted_at = NULL, arrived_at = NULL,
            finished_at = NULL, signed_off_at = NULL, closed_at = NULL, owner_signed = 0,
            owner_comment = NULL, finance_confirmed_by = NULL, finance_confirmed_at = NULL
         WHERE id = ?1",
        params![
            before.id,
            repairer.as_ref().map(|s| &s.id),
            dispatched_at,
            dispatched_by
        ],
    )?;
    move_to(
        w,
        &before.id,
        before.status,
        to,
        json!({
            "reason": reason,
            "rework": before.rework_count + 1,
            "repairer": repairer.as_ref().map(|s| &s.name),
        }),
    )?;
    saved(w, &before)
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const SELECT: &str = "SELECT r.id, r.estate_id, r.no, r.intake_id, i.no AS intake_no, r.unit_id,
        u.code AS unit_code, r.customer_id, c.name AS customer_name, c.tier AS customer_tier,
        r.reporter_name, r.phone, r.kind, r.urgency, r.scale, r.safety_related, r.leak_related,
        r.location, r.content, r.appointment_at, r.status, r.reported_at, r.dispatched_at,
        r.dispatched_by, r.accepted_at, r.arrived_at, r.finished_at, r.signed_off_at, r.closed_at,
        r.repairer_id, s.name AS repairer_name, r.work_done, r.materials, r.owner_materials,
        r.owner_materials_note, r.paid, r.price_item_id, p.code AS item_code, p.name AS item_name,
        r.quantity, r.labour_fen, r.material_fen, r.fee_confirmed_by, r.fee_confirmed_at,
        r.owner_agreement, r.owner_agreement_at, r.owner_agreement_note, r.owner_signed,
        r.owner_comment, r.finance_confirmed_by, r.finance_confirmed_at, r.rework_count,
        r.void_reason
    FROM repair_orders r
    LEFT JOIN intakes i ON i.id = r.intake_id
    LEFT JOIN units u ON u.id = r.unit_id
    LEFT JOIN customers c ON c.id = r.customer_id
    LEFT JOIN staff s ON s.id = r.repairer_id
    LEFT JOIN price_items p ON p.id = r.price_item_id";

fn row(r: &Row) -> rusqlite::Result<RepairOrder> {
    let paid: bool = r.get("paid")?;
    let price_item_id: Option<String> = r.get("price_item_id")?;
    let labour_fen: i64 = r.get("labour_fen")?;
    let material_fen: i64 = r.get("material_fen")?;
    Ok(RepairOrder {
        id: r.get("id")?,
        estate_id: r.get("estate_id")?,
        no: r.get("no")?,
        intake_id: r.get("intake_id")?,
        intake_no: r.get("intake_no")?,
        unit_id: r.get("unit_id")?,
        unit: r.get("unit_code")?,
        customer_id: r.get("customer_id")?,
        customer_name: r.get("customer_name")?,
        customer_tier: r.get("customer_tier")?,
        reporter_name: r.get("reporter_name")?,
        phone: r.get("phone")?,
        kind: r.get("kind")?,
        urgency: r.get("urgency")?,
        scale: r.get("scale")?,
        safety_related: r.get("safety_related")?,
        leak_related: r.get("leak_related")?,
        location: r.get("location")?,
        content: r.get("content")?,
        appointment_at: r.get("appointment_at")?,
        status: r.get("status")?,
        reported_at: r.get("reported_at")?,
        dispatched_at: r.get("dispatched_at")?,
        dispatched_by: r.get("dispatched_by")?,
        accepted_at: r.get("accepted_at")?,
        arrived_at: r.get("arrived_at")?,
        finished_at: r.get("finished_at")?,
        signed_off_at: r.get("signed_off_at")?,
        closed_at: r.get("closed_at")?,
        repairer_id: r.get("repairer_id")?,
        repairer: r.get("repairer_name")?,
        work_done: r.get("work_done")?,
        materials: r.get("materials")?,
        owner_materials: r.get("owner_materials")?,
        owner_materials_note: r.get("owner_materials_note")?,
        paid,
        labour_off_list: paid && price_item_id.is_none() && labour_fen > 0,
        price_item_id,
        price_item_code: r.get("item_code")?,
        price_item_name: r.get("item_name")?,
        quantity: r.get("quantity")?,
        labour_fen,
        material_fen,
        total_fen: labour_fen + material_fen,
        fee_confirmed_by: r.get("fee_confirmed_by")?,
        fee_confirmed_at: r.get("fee_confirmed_at")?,
        owner_agreement: r.get("owner_agreement")?,
        owner_agreement_at: r.get("owner_agreement_at")?,
        owner_agreement_note: r.get("owner_agreement_note")?,
        owner_signed: r.get("owner_signed")?,
        owner_comment: r.get("owner_comment")?,
        finance_confirmed_by: r.get("finance_confirmed_by")?,
        finance_confirmed_at: r.get("finance_confirmed_at")?,
        rework_count: r.get("rework_count")?,
        void_reason: r.get("void_reason")?,
    })
}

/// One order by id or number.
pub fn order(conn: &Connection, id_or_no: &str) -> Result<RepairOrder> {
    conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1 OR r.no = ?1"))?
        .query_row(params![id_or_no.trim()], row)
        .optional()?
        .ok_or_else(|| Error::not_found("维修单", id_or_no))
}

/// One order with its history, fee approval and the response and completion times.
pub fn get(conn: &Connection, id_or_no: &str) -> Result<RepairDetail> {
    let order = order(conn, id_or_no)?;
    let policy = policy::current(conn, &order.estate_id)?.policy;
    let fee_approval = fee_approval(&order, &policy);
    let between = |a: &Option<String>, b: &Option<String>| -> Result<Option<Duration>> {
        match (a, b) {
            (Some(a), Some(b)) => Ok(Some(time::from_db(b)? - time::from_db(a)?)),
            _ => Ok(None),
        }
    };
    let response_minutes =
        between(&order.dispatched_at, &order.arrived_at)?.map(|d| d.num_minutes());
    let completion_hours = between(&Some(order.reported_at.clone()), &order.finished_at)?
        .map(|d| (d.num_minutes() as f64 / 60.0 * 100.0).round() / 100.0);
    let events = crate::store::events(conn, ORDER, &order.id)?;
    Ok(RepairDetail {
        fee_settled: fee_approval == FeeApproval::NotNeeded || order.fee_confirmed_at.is_some(),
        fee_approval,
        response_minutes,
        completion_hours,
        events,
        order,
    })
}

/// Orders matching `filter`, newest report first.
pub fn list(conn: &Connection, estate_id: &str, filter: &RepairFilter) -> Result<Vec<RepairOrder>> {
    let status = given(filter.status.as_deref())
        .map(|s| RepairStatus::parse("status", "维修单状态", s))
        .transpose()?;
    let kind = given(filter.kind.as_deref())
        .map(|s| RepairKind::parse("kind", "维修类别", s))
        .transpose()?;
    let repairer =
        estate::staff_field(conn, "repairer", "维修工", filter.repairer.as_deref())?.map(|s| s.id);
    let from = given(filter.from.as_deref())
        .map(|s| time::parse_input("from", "开始时间", s))
        .transpose()?;
    let to = match given(filter.to.as_deref()) {
        None => None,
        // A bare date includes the whole day.
        Some(s) => Some(match time::parse_date("to", "结束时间", s) {
            Ok(d) => time::parse_input("to", "结束时间", &(d + Duration::days(1)).to_string())?,
            Err(_) => time::parse_input("to", "结束时间", s)?,
        }),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.estate_id = ?1 AND (?2 IS NULL OR r.status = ?2)
           AND (?3 IS NULL OR r.kind = ?3) AND (?4 IS NULL OR r.repairer_id = ?4)
           AND (?5 IS NULL OR r.reported_at >= ?5) AND (?6 IS NULL OR r.reported_at < ?6)
           AND (NOT ?7 OR r.status IN ('reported','dispatched','accepted','arrived','finished'))
         ORDER BY r.reported_at DESC, r.no DESC LIMIT ?8"
    ))?;
    let rows = stmt.query_map(
        params![
            estate_id,
            status,
            kind,
            repairer,
            from.map(time::to_db),
            to.map(time::to_db),
            filter.open_only,
            filter.limit.unwrap_or(200).min(i64::MAX as usize) as i64
        ],
        row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The dispatch queue as of `now`: reported orders, urgent first, then VIP customers (A tier
/// whose card has not expired, [`crate::customers::standing`]), then oldest.
pub fn to_dispatch(
    conn: &Connection,
    estate_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<RepairOrder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.estate_id = ?1 AND r.status = 'reported'
         ORDER BY r.urgency = 'urgent' DESC,
            coalesce(c.tier = 'A' AND NOT EXISTS (SELECT 1 FROM vip_cards v
                WHERE v.customer_id = c.id AND v.status = 'active' AND v.expires_on < ?2), 0) DESC,
            r.reported_at, r.no"
    ))?;
    let today = time::local_date(now).to_string();
    let rows = stmt.query_map(params![estate_id, today], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
