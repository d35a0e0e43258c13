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
//!
//! One file per concern; everything callers use is re-exported here, so `repairs::create`,
//! `repairs::PriceItem`… name what they always did:
//! - `prices`: the price list — items, look-up, adding, editing, voiding;
//! - `report`: a report (typed, or from an intake) becomes an order; the order's search entry;
//! - `lifecycle`: the steps after the report (dispatch, 转单/退单, 接单, 到场, finish, sign-off,
//!   finance confirmation, void, rework), their times and their events;
//! - `fees`: the charges — computed at finish, who must confirm them, the owner's agreement and
//!   the confirmation;
//! - `read`: the stored order read back — one order, its detail, filtered lists, the dispatch
//!   queue.
//!
//! This file keeps what they share: the order as stored ([`RepairOrder`]), its entity name, and
//! the form and money helpers.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::time;
use crate::validate;
use crate::vocab::{MaterialCheck, RepairKind, RepairScale, RepairStatus, Tier, Urgency};

mod fees;
mod lifecycle;
mod prices;
mod read;
mod report;
mod steps;

pub use fees::{
    confirm_fee, fee_approval, record_owner_agreement, AgreementInput, FeeApproval, MANAGERS,
};
pub use lifecycle::{
    accept, arrive, dispatch, finance_confirm, finish, followup_due, print, reassign, rework,
    sign_off, void, DispatchInput, FinishInput, Printed, ReassignInput, SignOffInput, StepInput,
};
pub use prices::{
    add_price_item, find_price_item, price_list, price_list_changed_at, update_price_item,
    void_price_item, PriceItem, PriceItemInput,
};
pub use read::{get, list, order, to_dispatch, RepairDetail, RepairFilter};
pub(crate) use report::index;
pub use report::{create, RepairInput};

/// The order's entity name in the audit log, the event log and the search index.
const ORDER: &str = "repair";

/// The highest price or fee accepted (¥1,000,000), so sums cannot overflow.
const MAX_PRICE_FEN: i64 = 100_000_000;

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
    /// Prints of the 派工单 so far (after the first, a print is 补打).
    pub print_count: i64,
    pub void_reason: Option<String>,
}

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
