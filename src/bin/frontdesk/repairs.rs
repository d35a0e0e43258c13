//! CLI commands for this area (in progress).

use frontdesk::Result;

use crate::Ctx;

#[derive(clap::Subcommand)]
pub enum Command {
    /// (in progress)
    Placeholder,
}

pub fn run(_ctx: &mut Ctx, cmd: &Command) -> Result<serde_json::Value> {
    match cmd {
        Command::Placeholder => Ok(serde_json::Value::Null),
    }
}
