//! `frontdesk notice …`: the 整改通知单 a failed repair 回访 point issues (list, the overdue
//! ones, show, deliver, close, void, print), and `frontdesk repair visit-quota` (the month's
//! repair 回访 against the quotas by role). Each verb calls one core function in
//! `frontdesk::repair_visits` (or the PDF it prints).

use std::path::PathBuf;

use frontdesk::app::Session;
use frontdesk::{documents, repair_visits, time, Result};

use super::to_json;

#[derive(clap::Subcommand)]
pub enum Command {
    /// The open notices (待送达, 整改中), newest first; --all for every notice.
    List {
        #[arg(long)]
        all: bool,
    },
    /// The notices late now: not delivered in time, or not reworked in time.
    Overdue,
    /// One notice (number LH-ZG2026-0001 or id).
    Show { notice: String },
    /// The notice was handed to the repairer in writing.
    Deliver {
        notice: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The rework is finished: close the notice with its result.
    Close {
        notice: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Void a notice (supervisors), with the reason.
    Void {
        notice: String,
        #[arg(long)]
        reason: String,
    },
    /// The 整改通知单 as PDF.
    Print {
        notice: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let now = ctx.store().now();
    let conn = ctx.store().conn();
    match cmd {
        Command::List { all } => to_json(repair_visits::list(conn, &eid, !all, now)?),
        Command::Overdue => to_json(repair_visits::overdue(conn, &eid, now)?),
        Command::Show { notice } => to_json(repair_visits::find(conn, notice, now)?),
        Command::Deliver { notice, note } => {
            to_json(ctx.write(|w, _| repair_visits::deliver(w, notice, note.as_deref()))?)
        }
        Command::Close { notice, note } => {
            to_json(ctx.write(|w, _| repair_visits::close(w, notice, note.as_deref()))?)
        }
        Command::Void { notice, reason } => {
            to_json(ctx.write(|w, _| repair_visits::void(w, notice, reason))?)
        }
        Command::Print { notice, out } => to_json(documents::pdf::rectification_notice(
            conn, notice, now, out,
        )?),
    }
}

/// `frontdesk repair visit-quota [--month YYYY-MM]`: the month (default: this one) against the
/// quotas.
pub fn quota(ctx: &Session, month: Option<&str>) -> Result<serde_json::Value> {
    to_json(repair_visits::quota(
        ctx.store().conn(),
        &ctx.clerk()?.estate_id,
        &time::Period::month_or_this(month, ctx.store().now())?,
    )?)
}
