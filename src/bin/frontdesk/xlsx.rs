//! `frontdesk xlsx`: XLSX documents (placeholder: replaced by the XLSX work).

use crate::Ctx;

#[derive(clap::Subcommand)]
pub enum Command {}

pub fn run(_ctx: &mut Ctx, cmd: &Command) -> frontdesk::Result<serde_json::Value> {
    match *cmd {}
}
