//! `frontdesk repair …`: repair work orders (派工单 / 维修单) and the paid-service price list.
//!
//! Each verb calls one core function in `frontdesk::repairs`; JSON inputs are the core's input
//! structs (inline, `-` for standard input, or a file).

use frontdesk::privacy::View;
use frontdesk::repairs::{
    self, AgreementInput, DispatchInput, ReassignInput, RepairFilter, SignOffInput, StepInput,
};
use frontdesk::Result;

use super::{read_json, seen, to_json, written};
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a price-list item (supervisors).
    ///
    /// JSON: {"code": "P01", "name": "更换水龙头", "unit": "个", "price": "35", "note": "…"};
    /// the price is in yuan, the unit defaults to 次.
    PriceAdd { json: String },
    /// Change a price-list item (supervisors).
    ///
    /// JSON as for price-add; fields left out keep their value. Finished orders keep their fee.
    PriceUpdate {
        /// The item's code or id.
        code: String,
        json: String,
    },
    /// Take a price-list item off the list, with the reason (supervisors).
    PriceVoid {
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// The price list (维修有偿服务项目及收费标准).
    PriceList {
        /// Include items taken off the list.
        #[arg(long)]
        all: bool,
    },
    /// Create a repair order (报修 → 派工单).
    ///
    /// JSON: {"intake", "unit", "customer_id", "reporter_name", "phone", "kind" (房屋/系统/公共设施/特约,
    /// required), "urgency" (一般/紧急), "scale" (小修/中修/大修, 公共设施 only and required there),
    /// "safety_related", "leak_related", "location", "content", "appointment_at", "reported_at"}.
    /// With "intake" (its number or id), unit, customer, phone, name, location, content and the
    /// report time default from that intake.
    Create { json: String },
    /// Show an order (by number or id) with its history and response/completion times.
    Show {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
    },
    /// List orders, newest report first.
    List {
        /// 已报修 / 已派工 / 已接单 / 已到场 / 已完工 / 业主已签认 / 已结单 / 已作废 (or the code).
        #[arg(long)]
        status: Option<String>,
        /// 房屋 / 系统 / 公共设施 / 特约.
        #[arg(long)]
        kind: Option<String>,
        /// Repairer's login, name or id.
        #[arg(long)]
        repairer: Option<String>,
        /// Reported from this date or time.
        #[arg(long)]
        from: Option<String>,
        /// Reported up to this date (inclusive) or time.
        #[arg(long)]
        to: Option<String>,
        /// Only orders still being worked on.
        #[arg(long)]
        open: bool,
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// The dispatch queue: reported orders, urgent first, then VIP, then oldest.
    Queue,
    /// Dispatch an order to a repairer (维修工).
    Dispatch {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        /// The repairer's login, name or id.
        repairer: String,
        /// When dispatched (default now), e.g. "2026-11-23 10:05".
        #[arg(long)]
        at: Option<String>,
    },
    /// 转单 to another repairer (--to), or 退单 back to 已报修 without --to; the reason is kept.
    Reassign {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        /// The repairer who takes the order over (login, name or id).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// The repairer takes the slip (接单).
    Accept {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// The repairer is on site.
    Arrive {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Record the finished work, materials and fee.
    ///
    /// JSON: {"work_done" (required), "materials", "owner_materials" (合格/不合格),
    /// "owner_materials_note" (required when 不合格), "paid", "price_item" (code) and "quantity",
    /// or "labour_fee" (yuan, off-list), "material_cost" (yuan), "at"}.
    Finish {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        json: String,
    },
    /// Record the owner's agreement to the charges (needed when material is above the limit).
    Agreement {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        /// Agreement number or what was agreed.
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        at: Option<String>,
    },
    /// Confirm the fee (supervisor; above the material limit a manager).
    ConfirmFee {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
    },
    /// The owner's sign-off; schedules the 回访 (a free order closes here).
    SignOff {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        /// The owner did not sign (then --comment says why).
        #[arg(long)]
        not_signed: bool,
        /// The owner's comment.
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        at: Option<String>,
    },
    /// Finance confirms the fee was received: the paid order closes (supervisors).
    Finance {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Void an order (supervisors), before the owner's sign-off.
    Void {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Send a signed-off or closed order back for rework (owner not satisfied).
    Rework {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// The month's repair 回访 against the quotas by role (经理 10 %, 主管 30 %, 维修负责人
    /// 60 % by default): visited / the month's repairs.
    VisitQuota {
        /// YYYY-MM (default: this month).
        #[arg(long)]
        month: Option<String>,
    },
    /// An order's 回访 checklists and its 整改通知单.
    Visits {
        /// Order number (LH-WX2026-0001) or id.
        id: String,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let step = |at: &Option<String>| StepInput { at: at.clone() };
    match cmd {
        Command::PriceAdd { json } => {
            let input = read_json(json)?;
            to_json(ctx.write(|w, _| repairs::add_price_item(w, &eid, &input))?)
        }
        Command::PriceUpdate { code, json } => {
            let input = read_json(json)?;
            to_json(ctx.write(|w, _| repairs::update_price_item(w, &eid, code, &input))?)
        }
        Command::PriceVoid { code, reason } => {
            to_json(ctx.write(|w, _| repairs::void_price_item(w, &eid, code, Some(reason)))?)
        }
        Command::PriceList { all } => to_json(repairs::price_list(ctx.store().conn(), &eid, *all)?),
        Command::Create { json } => {
            let input = read_json(json)?;
            written(ctx, |w, _| repairs::create(w, &eid, &input))
        }
        Command::Show { id } => seen(ctx, repairs::get(ctx.store().conn(), id)?, View::Record),
        Command::List {
            status,
            kind,
            repairer,
            from,
            to,
            open,
            limit,
        } => {
            let filter = RepairFilter {
                status: status.clone(),
                kind: kind.clone(),
                repairer: repairer.clone(),
                from: from.clone(),
                to: to.clone(),
                open_only: *open,
                limit: Some(*limit),
            };
            seen(
                ctx,
                repairs::list(ctx.store().conn(), &eid, &filter)?,
                View::List,
            )
        }
        Command::Queue => seen(
            ctx,
            repairs::to_dispatch(ctx.store().conn(), &eid, ctx.store().now())?,
            View::List,
        ),
        Command::Dispatch { id, repairer, at } => {
            let input = DispatchInput {
                repairer: Some(repairer.clone()),
                at: at.clone(),
            };
            written(ctx, |w, _| repairs::dispatch(w, id, &input))
        }
        Command::Reassign { id, to, reason } => {
            let input = ReassignInput {
                repairer: to.clone(),
                reason: Some(reason.clone()),
            };
            written(ctx, |w, _| repairs::reassign(w, id, &input))
        }
        Command::Accept { id, at } => written(ctx, |w, _| repairs::accept(w, id, &step(at))),
        Command::Arrive { id, at } => written(ctx, |w, _| repairs::arrive(w, id, &step(at))),
        Command::Finish { id, json } => {
            let input = read_json(json)?;
            written(ctx, |w, _| repairs::finish(w, id, &input))
        }
        Command::Agreement { id, note, at } => {
            let input = AgreementInput {
                note: note.clone(),
                at: at.clone(),
            };
            written(ctx, |w, _| repairs::record_owner_agreement(w, id, &input))
        }
        Command::ConfirmFee { id } => written(ctx, |w, _| repairs::confirm_fee(w, id)),
        Command::SignOff {
            id,
            not_signed,
            comment,
            at,
        } => {
            let input = SignOffInput {
                owner_signed: !not_signed,
                owner_comment: comment.clone(),
                at: at.clone(),
            };
            written(ctx, |w, _| repairs::sign_off(w, id, &input))
        }
        Command::Finance { id, at } => {
            written(ctx, |w, _| repairs::finance_confirm(w, id, &step(at)))
        }
        Command::Void { id, reason } => written(ctx, |w, _| repairs::void(w, id, Some(reason))),
        Command::Rework { id, reason } => written(ctx, |w, _| repairs::rework(w, id, reason)),
        Command::VisitQuota { month } => super::notices::quota(ctx, month.as_deref()),
        Command::Visits { id } => to_json(frontdesk::repair_visits::of_order(
            ctx.store().conn(),
            id,
            ctx.store().now(),
        )?),
    }
}
