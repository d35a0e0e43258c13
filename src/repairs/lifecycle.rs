//! The life cycle of an order after its report: dispatch to a 维修工, 转单 / 退单, 接单, 到场,
//! finish, the owner's sign-off (which schedules the 回访), the finance confirmation, void and
//! rework; every print of its 派工单 (the first the original, later ones 补打). The step machinery
//! they share with the fee confirmation is in `steps.rs`.
//!
//! Invariants: each step checks the current state ([`Error::State`] names it in Chinese), records
//! its own time and appends a `status` event; a step's time is never in the future and never before
//! the time the order entered its current state; every change is audited against the order as it
//! was. A paid order closes only at the finance confirmation, and only with its fee settled.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Deserialize;
use serde_json::json;

use super::fees::{fee, Fee};
use super::report::index;
use super::steps::{entered_at, load_in, move_to, saved, step_time};
use super::{fee_approval, given, order, FeeApproval, RepairOrder, ORDER};
use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::estate::{self, Staff};
use crate::followups;
use crate::policy::{self, Policy};
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::TextRule;
use crate::vocab::{MaterialCheck, RepairStatus, Role, SubjectKind};

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

const WORK_DONE: TextRule = TextRule::text("work_done", "维修情况", 2000);
const MATERIALS: TextRule = TextRule::text("materials", "所用材料", 1000);
const OWNER_MATERIALS_NOTE: TextRule =
    TextRule::text("owner_materials_note", "自备材料处理说明", 500);
const OWNER_COMMENT: TextRule = TextRule::text("owner_comment", "业主意见", 1000);
const VOID_REASON: TextRule = TextRule::text("reason", "作废原因", 500);
const REWORK_REASON: TextRule = TextRule::text("reason", "返修原因", 500);

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
    let same_fee = fee == Fee::charged(&before);
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

/// A 派工单 print recorded: the order as printed and whether it is a reprint (补打).
pub struct Printed {
    pub order: RepairOrder,
    pub reprint: bool,
}

/// Records a print of the order's 派工单, with the repairer it is with now (after 转单 the
/// reprint names the new one). The first print is the original; later ones are 补打. A voided
/// order is not printed.
pub fn print(w: &mut Write, id_or_no: &str) -> Result<Printed> {
    let before = order(&w.tx, id_or_no)?;
    if before.status == RepairStatus::Voided {
        return Err(Error::State(format!(
            "维修单 {} 已作废，不能打印",
            before.no
        )));
    }
    let reprint = before.print_count > 0;
    let print_id = w.new_id();
    w.tx.execute(
        "INSERT INTO repair_prints(id, repair_id, at, by_id, reprint, repairer_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            print_id,
            before.id,
            w.now_db,
            w.actor.staff_id,
            reprint,
            before.repairer_id
        ],
    )?;
    w.audit_insert(
        "repair_print",
        &print_id,
        &json!({ "repair_id": before.id, "at": w.now_db, "by_id": w.actor.staff_id,
                 "reprint": reprint, "repairer_id": before.repairer_id }),
    )?;
    w.tx.execute(
        "UPDATE repair_orders SET print_count = print_count + 1 WHERE id = ?1",
        params![before.id],
    )?;
    let after = order(&w.tx, &before.id)?;
    w.audit_update(ORDER, &before.id, &before, &after)?;
    Ok(Printed {
        order: after,
        reprint,
    })
}
