//! `frontdesk claim …`: 赔付 claims (客户赔付处理流程指引). Each verb calls one core function in
//! `frontdesk::claims` (or the documents it prints).

use std::path::PathBuf;

use frontdesk::app::Session;
use frontdesk::claims::{
    self, ClaimAgreementInput, ClaimInput, ClaimPaymentInput, ClaimProposalInput, ClaimReplyInput,
};
use frontdesk::documents::{pdf, xlsx};
use frontdesk::{time, Result};

use super::{period, read_json, to_json};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Open a claim for a complaint from JSON ({complaint, repair, situation, participants,
    /// amount, form, cost_bearer}).
    Create { json: String },
    /// One claim with its steps and deadlines.
    Show { claim: String },
    /// Claims opened in a period (--from/--to), or every claim not yet paid or voided; --overdue
    /// for the 超期 ones only.
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        overdue: bool,
    },
    /// A department's reply.
    Reply {
        claim: String,
        #[arg(long)]
        department: String,
        #[arg(long)]
        text: String,
    },
    /// The proposal put to the owner (optionally a new amount and form, before approval).
    Propose {
        claim: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        form: Option<String>,
    },
    /// Approve the claim (the policy's approvers: 总经理 by default).
    Approve {
        claim: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The agreement signed with the owner (after approval).
    Agree {
        claim: String,
        #[arg(long)]
        text: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record the payment (after approval) from JSON ({amount, method, date}).
    Pay { claim: String, json: String },
    /// Void a claim with a reason (supervisors; not once paid).
    Void {
        claim: String,
        #[arg(long)]
        reason: String,
    },
    /// The 《客户赔付处理记录单》 as PDF, 一式三份.
    Print {
        claim: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The 《赔付业主备忘录》 as PDF.
    Memo {
        claim: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The claims opened in a period as an XLSX register (default today).
    Export {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let clerk = ctx.clerk()?.clone();
    let eid = clerk.estate_id.clone();
    let now = ctx.store().now();
    let conn = || ctx.store().conn();
    match cmd {
        Command::Create { json } => {
            let input: ClaimInput = read_json(json)?;
            to_json(ctx.write(|w, eid| claims::create(w, eid, &input))?)
        }
        Command::Show { claim } => to_json(claims::detail(conn(), &eid, claim, &clerk, now)?),
        Command::List { from, to, overdue } => {
            if from.is_none() && to.is_none() {
                let open = claims::open(conn(), &eid, now)?;
                to_json(
                    open.into_iter()
                        .filter(|c| !*overdue || c.overdue())
                        .collect::<Vec<_>>(),
                )
            } else {
                let (from, to) = period(ctx, from.as_deref(), to.as_deref())?;
                to_json(claims::list(conn(), &eid, from, to, *overdue, now)?)
            }
        }
        Command::Reply {
            claim,
            department,
            text,
        } => {
            let input = ClaimReplyInput {
                department: Some(department.clone()),
                text: Some(text.clone()),
            };
            to_json(ctx.write(|w, eid| claims::reply(w, eid, claim, &input))?)
        }
        Command::Propose {
            claim,
            text,
            amount,
            form,
        } => {
            let input = ClaimProposalInput {
                text: Some(text.clone()),
                amount: amount.clone(),
                form: form.clone(),
            };
            to_json(ctx.write(|w, eid| claims::propose(w, eid, claim, &input))?)
        }
        Command::Approve { claim, note } => {
            to_json(ctx.write(|w, eid| claims::approve(w, eid, claim, note.as_deref()))?)
        }
        Command::Agree { claim, text, date } => {
            let input = ClaimAgreementInput {
                text: Some(text.clone()),
                date: date.clone(),
            };
            to_json(ctx.write(|w, eid| claims::agree(w, eid, claim, &input))?)
        }
        Command::Pay { claim, json } => {
            let input: ClaimPaymentInput = read_json(json)?;
            to_json(ctx.write(|w, eid| claims::pay(w, eid, claim, &input))?)
        }
        Command::Void { claim, reason } => {
            to_json(ctx.write(|w, eid| claims::void(w, eid, claim, Some(reason)))?)
        }
        Command::Print { claim, out } => to_json(pdf::claim_record(
            conn(),
            claim,
            frontdesk::documents::Disclosure::Masked,
            now,
            out,
        )?),
        Command::Memo { claim, out } => to_json(pdf::claim_memo(
            conn(),
            claim,
            frontdesk::documents::Disclosure::Masked,
            now,
            out,
        )?),
        Command::Export { from, to, out } => {
            let p = time::Period::days_or_today(from.as_deref(), to.as_deref(), now)?;
            to_json(xlsx::claim_register(
                conn(),
                &eid,
                &p,
                now,
                frontdesk::documents::Disclosure::Masked,
                out,
            )?)
        }
    }
}
