//! `frontdesk bench-documents` (placeholder: replaced by the XLSX work).

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> frontdesk::Result<serde_json::Value> {
    Ok(serde_json::Value::Null)
}
