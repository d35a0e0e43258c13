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
use frontdesk::{Actor, Error, Result};
use frontdesk_sync_proto::{EnrolRequest, TransportError, PROTOCOL};

use crate::{seen, signed_in, to_json, Cli};

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
    }
}

/// One push and pull; offline is a report, not an error.
fn sync_once(store: &mut frontdesk::Store) -> Result<serde_json::Value> {
    let state = sync::state(store.conn())?.ok_or_else(sync::not_enrolled)?;
    let client = frontdesk_sync_client::Client::new(&state.server_url, &state.token);
    let report = sync::run(store, &client)?;
    let message = if report.offline {
        format!(
            "无法连接同步服务器（{}）：本机照常工作，更改已保留，联网后再同步",
            report.offline_reason.clone().unwrap_or_default()
        )
    } else {
        format!(
            "同步完成：上传 {} 条更改，下载 {} 条更改，{} 条被拒绝",
            report.pushed,
            report.pulled.applied,
            report.push_refused + report.pulled.refused
        )
    };
    Ok(serde_json::json!({
        "offline": report.offline,
        "message": message,
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
    let (mut session, actor) = if fresh {
        (Session::open(paths)?, Actor::system())
    } else {
        let ctx = signed_in(cli)?;
        let actor = ctx.clerk()?.clone();
        (ctx, actor)
    };
    if sync::state(session.store().conn())?.is_some() {
        return Err(Error::State("本机已加入同步，不能重复加入".into()));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "本机名称", "不能为空"));
    }
    let reply = frontdesk_sync_client::enrol(
        server,
        &EnrolRequest {
            protocol: PROTOCOL,
            code: code.trim().to_string(),
            desk_name: name.to_string(),
        },
    )
    .map_err(|e| match e {
        TransportError::Unreachable(why) => Error::State(format!(
            "无法连接同步服务器（{why}）：请检查地址和网络后重试"
        )),
        TransportError::Refused(e) => Error::State(format!("同步服务器拒绝加入：{}", e.message)),
    })?;
    sync::enrol(session.store_mut(), &actor, &reply, server, name)?;
    let first = sync_once(session.store_mut())?;
    Ok(serde_json::json!({
        "enrolled": true,
        "desk_prefix": reply.desk_prefix,
        "first_sync": first,
    }))
}
