//! `frontdesk sync …`: this desk and the company's sync server (docs/sync.md). Each verb calls one
//! core function in `frontdesk::sync`; the HTTP is `frontdesk-sync-client`.
//!
//! `enrol` needs a supervisor signed in, except on an empty data folder (a new computer of the
//! office): then it creates the database and the first pull brings the estate and its staff. `run`
//! and `status` need nobody signed in (a scheduled task runs them); `refused` is for supervisors.
//! A run that cannot reach the server is not an error: it says so and the process exits with 3.

use frontdesk::app::{Paths, Session};
use frontdesk::privacy::View;
use frontdesk::sync;
use frontdesk::Result;

use super::{seen, signed_in, to_json, Cli};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Enrol this desk with the server, with the one-time code from the company's IT.
    Enrol {
        /// The server's address, e.g. https://sync.example.com.
        #[arg(long)]
        server: String,
        /// The one-time enrolment code.
        #[arg(long)]
        code: String,
        /// This desk's name as supervisors see it (前台1, 工程部…).
        #[arg(long)]
        name: String,
    },
    /// Push this desk's changes and pull the others' once (the default).
    Run,
    /// Enrolment, cursors, what waits to be pushed, what was set aside.
    Status,
    /// Changes set aside: refused by the server, or not applicable here (supervisors).
    Refused,
    /// Settle a change set aside, with a note of how it was dealt with (supervisors).
    Settle {
        /// Its number in `frontdesk sync refused` (`id`).
        id: i64,
        /// How it was dealt with (voided the duplicate, saved the policy again…).
        #[arg(long)]
        note: String,
    },
}

/// The process exit code of a run that found the server unreachable.
pub const OFFLINE_EXIT: u8 = 3;

pub fn run(cli: &Cli, paths: &Paths, c: Option<&Command>) -> Result<serde_json::Value> {
    match c.unwrap_or(&Command::Run) {
        Command::Enrol { server, code, name } => enrol(cli, paths, server, code, name),
        Command::Run => {
            let mut session = Session::open_existing(paths)?;
            sync_once(session.store_mut())
        }
        Command::Status => {
            let session = Session::open_existing(paths)?;
            let status = sync::status(session.store())?;
            let message = if status.state.is_none() {
                "本机尚未加入同步"
            } else if status.refused > 0 {
                "有未能同步的更改，请主管查看（frontdesk sync refused）"
            } else {
                "已加入同步"
            };
            Ok(serde_json::json!({
                "enrolled": status.state.is_some(),
                "message": message,
                "status": to_json(status)?,
            }))
        }
        Command::Refused => {
            let ctx = signed_in(cli)?;
            let list = sync::refused(ctx.store(), ctx.clerk()?)?;
            seen(&ctx, list, View::List)
        }
        Command::Settle { id, note } => {
            let mut ctx = signed_in(cli)?;
            let actor = ctx.clerk()?.clone();
            sync::settle(ctx.store_mut(), &actor, *id, Some(note))?;
            Ok(serde_json::json!({ "settled": id }))
        }
    }
}

/// One push and pull; offline is a report, not an error.
fn sync_once(store: &mut frontdesk::Store) -> Result<serde_json::Value> {
    let report = sync::run_enrolled(store, frontdesk_sync_client::Client::new)?;
    Ok(serde_json::json!({
        "offline": report.offline,
        "message": report.words(),
        "report": to_json(report)?,
    }))
}

fn enrol(
    cli: &Cli,
    paths: &Paths,
    server: &str,
    code: &str,
    name: &str,
) -> Result<serde_json::Value> {
    let fresh = !paths.database.exists()
        || Session::open(paths)
            .and_then(|s| Ok(frontdesk::estate::estates(s.store().conn())?.is_empty()))?;
    let (mut session, clerk) = if fresh {
        (Session::open(paths)?, None)
    } else {
        let ctx = signed_in(cli)?;
        let clerk = ctx.clerk()?.clone();
        (ctx, Some(clerk))
    };
    let reply = sync::join(
        session.store_mut(),
        clerk.as_ref(),
        server,
        code,
        name,
        frontdesk_sync_client::enrol,
    )?;
    let first = sync_once(session.store_mut())?;
    Ok(serde_json::json!({
        "enrolled": true,
        "desk_prefix": reply.desk_prefix,
        "first_sync": first,
    }))
}
