//! An order's charges: computed at finish (a price-list item at list price × quantity, or off-list
//! labour, plus any material cost), who must confirm them under the policy, the owner's written
//! agreement, and the confirmation.
//!
//! Invariants: a free order charges nothing; a price-list item and typed labour exclude each
//! other; a paid order charges something. Off-list labour and material up to
//! `policy.repair.material_supervisor_limit_fen` are confirmed by a supervisor; material above it
//! by a manager ([`MANAGERS`]) once the owner's agreement is recorded. A fee is confirmed once; a
//! different fee at a later finish (after a rework) clears the confirmation and the agreement.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::steps::{load_in, saved, step_time};
use super::{amount, find_price_item, given, local, FinishInput, RepairOrder, ORDER};
use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::policy::{self, Policy};
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{RepairStatus, Role};

/// 管理处经理 and above: they confirm fees whose material cost is above the supervisor's limit.
pub const MANAGERS: &[Role] = &[
    Role::ProjectManager,
    Role::GmAssistant,
    Role::GeneralManager,
];

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

const AGREEMENT_NOTE: TextRule = TextRule::text("note", "协议说明", 500);
/// The largest quantity of a price-list item on one order, in hundredths.
const MAX_QUANTITY_CENTI: i64 = 1_000_000;

/// An order's charges, as checked at finish.
#[derive(Debug, PartialEq)]
pub(super) struct Fee {
    pub(super) paid: bool,
    pub(super) price_item_id: Option<String>,
    pub(super) quantity: Option<f64>,
    pub(super) labour_fen: i64,
    pub(super) material_fen: i64,
}

impl Fee {
    /// The charges an order carries now (set when it was last finished).
    pub(super) fn charged(o: &RepairOrder) -> Fee {
        Fee {
            paid: o.paid,
            price_item_id: o.price_item_id.clone(),
            quantity: o.quantity,
            labour_fen: o.labour_fen,
            material_fen: o.material_fen,
        }
    }
}

/// The charges a finish form asks for, checked against the price list and the rules above.
pub(super) fn fee(conn: &Connection, estate_id: &str, input: &FinishInput) -> Result<Fee> {
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
