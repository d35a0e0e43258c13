//! `frontdesk pdf`: PDF documents (placeholder: replaced by the PDF work).

use crate::Ctx;

#[derive(clap::Subcommand)]
pub enum Command {}

pub fn run(_ctx: &mut Ctx, cmd: &Command) -> frontdesk::Result<serde_json::Value> {
    match *cmd {}
}
