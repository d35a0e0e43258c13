//! `frontdesk queue …`: the desk's work lists in handling order, and the time tick.
//!
//! Each verb calls one core function in `frontdesk::queues`.

use frontdesk::{queues, Result};

use super::to_json;
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Open complaints: overdue first, then VIP and tier, grade, deadline, oldest.
    Complaints,
    /// Open coordination slips (created or handed over), in handling order.
    Slips,
    /// Repair orders to dispatch and open ones, in handling order (urgent before normal).
    Repairs,
    /// Follow-ups (回访) due by the end of today, overdue ones included.
    Followups,
    /// The time tick: re-grade open complaints and escalate overdue first responses and handling.
    Tick,
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let now = ctx.store().now();
    let conn = ctx.store().conn();
    match cmd {
        Command::Complaints => to_json(queues::complaints(conn, &eid, now)?),
        Command::Slips => to_json(queues::slips(conn, &eid, now)?),
        Command::Repairs => to_json(queues::repairs(conn, &eid, now)?),
        Command::Followups => to_json(queues::followups(conn, &eid, now)?),
        Command::Tick => to_json(ctx.write(|w, _| queues::tick(w, &eid))?),
    }
}
