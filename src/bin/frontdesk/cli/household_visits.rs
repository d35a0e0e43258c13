//! `frontdesk visit …`: household visits (住户回访): the quarter's plan and progress, a visit
//! recorded (its unanswered items become intakes), the visits of a period, one visit, a void.
//! Each verb calls one core function in `frontdesk::household_visits`.

use frontdesk::app::Session;
use frontdesk::household_visits::{self, VisitInput};
use frontdesk::{time, Result};

use super::{read_json, to_json};

#[derive(clap::Subcommand)]
pub enum Command {
    /// The quarter's plan: households per area visited and still to visit, each 物管员's visits,
    /// the office head's visits of the year.
    Plan {
        /// The quarter, e.g. 2026-Q4 (default: this quarter).
        #[arg(long)]
        quarter: Option<String>,
    },
    /// Record a visit by the signed-in staff member from JSON ({unit, customer_id, visited_at,
    /// met, note, items: [{topic (意见/要求/建议/投诉), content, answer, kind}]}); an item without
    /// an answer becomes an intake.
    Record { json: String },
    /// The visits of a period (default: today).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// One visit (number or id).
    Show { visit: String },
    /// Void a visit with a reason (supervisors); its intakes stay.
    Void {
        visit: String,
        #[arg(long)]
        reason: String,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let now = ctx.store().now();
    match cmd {
        Command::Plan { quarter } => {
            let q = time::Period::quarter_or_current(quarter.as_deref(), now)?;
            to_json(ctx.read(|s, eid| household_visits::plan(s.conn(), eid, &q))?)
        }
        Command::Record { json } => {
            let input: VisitInput = read_json(json)?;
            to_json(ctx.write(|w, eid| household_visits::record(w, eid, &input))?)
        }
        Command::List { from, to } => {
            let p = time::Period::days_or_today(from.as_deref(), to.as_deref(), now)?;
            to_json(ctx.read(|s, eid| household_visits::list(s.conn(), eid, &p))?)
        }
        Command::Show { visit } => {
            to_json(ctx.read(|s, eid| household_visits::get(s.conn(), eid, visit))?)
        }
        Command::Void { visit, reason } => {
            to_json(ctx.write(|w, eid| household_visits::void(w, eid, visit, Some(reason)))?)
        }
    }
}
