//! `frontdesk customer …`: the customer register (客户档案), tiers, VIP cards and the register
//! import. A customer is named by id or by the number of one of their VIP cards.

use std::path::PathBuf;

use frontdesk::customers::{
    self, CustomerFilter, CustomerInput, RevokeInput, TierInput, VipCardInput, VipFilter,
};
use frontdesk::privacy::View;
use frontdesk::Result;
use frontdesk::{documents, import};

use super::{read_json, seen, to_json, written};
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a customer from JSON: {unit, name, relation (业主/住户/租户/家属), phone, phone2,
    /// id_number, family_segment, note}. The unit must be in the register.
    Add {
        /// Inline JSON, `-` for standard input, or a file.
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// Edit a customer from JSON (same fields as add; fields left out stay, "" clears).
    Update {
        /// Customer id or VIP card number.
        id: String,
        /// Inline JSON, `-` for standard input, or a file.
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// Show a customer's file: particulars, VIP cards, tier history.
    Show {
        /// Customer id or VIP card number.
        id: String,
    },
    /// List customers, in unit order.
    List {
        /// Only this unit (3-2-1201, 3栋2单元1201 …).
        #[arg(long)]
        unit: Option<String>,
        /// Search name, unit, phone or VIP card number.
        #[arg(long)]
        query: Option<String>,
        /// Only this tier (A/B/C/D).
        #[arg(long)]
        tier: Option<String>,
        /// Include voided customers.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Void a customer entered in error or gone (supervisors).
    Void {
        /// Customer id or VIP card number.
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Set a customer's tier A/B/C/D (supervisors; reason required).
    SetTier {
        /// Customer id or VIP card number.
        id: String,
        /// A, B, C or D.
        tier: String,
        #[arg(long)]
        reason: String,
    },
    /// Issue a VIP card (supervisors); the customer becomes tier A.
    VipIssue {
        /// Customer id or VIP card number.
        id: String,
        /// 0 集团领导, 1 政府官员, 2 其他.
        #[arg(long)]
        level: String,
        /// A given card number (default: the next free one, e.g. JK2001).
        #[arg(long)]
        card_no: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Re-issue a lost VIP card under the same number (supervisors).
    VipReissue {
        /// Customer id or VIP card number.
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Renew a VIP card after the re-check (supervisors; from 60 days before expiry): a new card
    /// with a new number and a new validity.
    VipRenew {
        /// Customer id or VIP card number.
        id: String,
        /// The re-check note (复核意见).
        #[arg(long)]
        note: String,
        /// A new level (default: the old card's).
        #[arg(long)]
        level: Option<String>,
        /// A given card number (default: the next free one).
        #[arg(long)]
        card_no: Option<String>,
    },
    /// Revoke VIP status (supervisors): revokes the card, sets the tier to C (or --tier).
    VipRevoke {
        /// Customer id or VIP card number.
        id: String,
        /// Why: malicious arrears, harm to the group …
        #[arg(long)]
        reason: String,
        /// The tier afterwards (default C).
        #[arg(long)]
        tier: Option<String>,
    },
    /// Name the VIP 客户助理 of a VIP customer (supervisors); without a staff member, clear it.
    VipAssistant {
        /// Customer id or VIP card number.
        id: String,
        /// Staff login, name or id.
        staff: Option<String>,
    },
    /// The 《VIP客户名册》: active cards, or those expiring soon.
    VipList {
        /// Only cards whose last valid day is within this many days (expired ones included).
        #[arg(long)]
        expiring_days: Option<i64>,
        /// Also renewed and revoked cards.
        #[arg(long)]
        all: bool,
    },
    /// One customer's 《VIP客户登记表》 as PDF: the particulars on file, lines for the customer
    /// to fill in, the card history and the unit's service record.
    VipForm {
        /// Customer id or VIP card number.
        id: String,
        #[arg(long)]
        out: PathBuf,
        /// Full phone and id numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// Import the customer register from an .xlsx file (first sheet; header row with 房号, 姓名,
    /// 身份, 电话, 备用电话, 证件号, 家庭结构, 客户等级, 备注). Bad rows stop the import unless
    /// --accept-valid-only; rows already in the register are skipped.
    Import {
        path: PathBuf,
        /// Only check the file and report; write nothing.
        #[arg(long, conflicts_with = "accept_valid_only")]
        preview: bool,
        /// Import the valid rows even if some rows are bad (those are reported and skipped).
        #[arg(long)]
        accept_valid_only: bool,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    match cmd {
        Command::Add { json } => {
            let input: CustomerInput = read_json(json)?;
            written(ctx, |w, _| customers::add_customer(w, &eid, &input))
        }
        Command::Update { id, json } => {
            let input: CustomerInput = read_json(json)?;
            written(ctx, |w, _| customers::update_customer(w, id, &input))
        }
        Command::Show { id } => super::seen(
            ctx,
            customers::show(ctx.store().conn(), id, ctx.store().now())?,
            View::Record,
        ),
        Command::List {
            unit,
            query,
            tier,
            all,
            limit,
        } => super::seen(
            ctx,
            customers::list(
                ctx.store().conn(),
                &eid,
                &CustomerFilter {
                    unit: unit.clone(),
                    query: query.clone(),
                    tier: tier.clone(),
                    include_voided: *all,
                    limit: Some(*limit),
                },
            )?,
            View::List,
        ),
        Command::Void { id, reason } => {
            written(ctx, |w, _| customers::void_customer(w, id, Some(reason)))
        }
        Command::SetTier { id, tier, reason } => {
            let input = TierInput {
                tier: Some(tier.clone()),
                reason: Some(reason.clone()),
            };
            written(ctx, |w, _| customers::set_tier(w, id, &input))
        }
        Command::VipIssue {
            id,
            level,
            card_no,
            note,
        } => {
            let input = VipCardInput {
                level: Some(level.clone()),
                card_no: card_no.clone(),
                note: note.clone(),
            };
            to_json(ctx.write(|w, _| customers::issue_vip_card(w, id, &input))?)
        }
        Command::VipReissue { id, reason } => {
            to_json(ctx.write(|w, _| customers::reissue_lost_card(w, id, reason.as_deref()))?)
        }
        Command::VipRenew {
            id,
            note,
            level,
            card_no,
        } => {
            let input = VipCardInput {
                level: level.clone(),
                card_no: card_no.clone(),
                note: Some(note.clone()),
            };
            to_json(ctx.write(|w, _| customers::renew_vip_card(w, id, &input))?)
        }
        Command::VipRevoke { id, reason, tier } => {
            let input = RevokeInput {
                reason: Some(reason.clone()),
                tier: tier.clone(),
            };
            written(ctx, |w, _| customers::revoke_vip(w, id, &input))
        }
        Command::VipAssistant { id, staff } => written(ctx, |w, _| {
            customers::set_vip_assistant(w, id, staff.as_deref())
        }),
        Command::VipList { expiring_days, all } => seen(
            ctx,
            customers::vip_register(
                ctx.store().conn(),
                &eid,
                ctx.store().now(),
                &VipFilter {
                    expiring_within_days: *expiring_days,
                    include_inactive: *all,
                },
            )?,
            View::List,
        ),
        Command::VipForm {
            id,
            out,
            full_phones,
        } => {
            let d = ctx.disclosure(*full_phones, &format!("VIP客户登记表 {id}"))?;
            to_json(documents::pdf::vip_form(
                ctx.store().conn(),
                id,
                d,
                ctx.store().now(),
                out,
            )?)
        }
        Command::Import {
            path,
            preview,
            accept_valid_only,
        } => {
            if *preview {
                to_json(import::preview_customers_xlsx(
                    ctx.store().conn(),
                    &eid,
                    path,
                    &mut super::progress,
                )?)
            } else {
                to_json(ctx.write(|w, _| {
                    import::import_customers_xlsx(
                        w,
                        &eid,
                        path,
                        *accept_valid_only,
                        &mut super::progress,
                    )
                })?)
            }
        }
    }
}
