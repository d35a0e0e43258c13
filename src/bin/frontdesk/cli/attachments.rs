//! `frontdesk attach …`: a case's attachments (附件) — add a file, list them, void one with a
//! reason, and give an attachment's checked file to open.
//!
//! Each verb calls one core function in `frontdesk::attachments`; the attachments folder is the
//! data folder's (`Paths::attachments`).

use std::path::PathBuf;

use frontdesk::app::{Paths, Session};
use frontdesk::attachments::{self, NewAttachment};
use frontdesk::vocab::AttachmentSubject;
use frontdesk::{Error, Result};

use super::to_json;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Attach a file (photo, scan, recording) to an intake, complaint or repair order.
    Add {
        /// intake / complaint / repair (or 登记 / 投诉 / 维修单).
        kind: String,
        /// The case's number (LH-DJ…, LH-TS…, LH-WX…) or id.
        no: String,
        /// The file to attach.
        file: PathBuf,
        /// What the file shows.
        #[arg(long)]
        note: Option<String>,
    },
    /// A case's attachments, in the order they were added, with who added them when.
    List {
        /// intake / complaint / repair (or 登记 / 投诉 / 维修单).
        kind: String,
        no: String,
        /// Also the voided ones.
        #[arg(long)]
        all: bool,
    },
    /// Detach an attachment with the reason (its file stays).
    Void {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Check an attachment's file and print where it is, to open it.
    Open { id: String },
}

pub fn run(ctx: &mut Session, paths: &Paths, cmd: &Command) -> Result<serde_json::Value> {
    match cmd {
        Command::Add {
            kind,
            no,
            file,
            note,
        } => {
            let bytes = std::fs::read(file).map_err(|e| {
                Error::invalid(
                    "file",
                    "附件文件",
                    format!("无法读取 {}：{e}", file.display()),
                )
            })?;
            let input = NewAttachment {
                subject_kind: kind.clone(),
                subject: no.clone(),
                file_name: file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                note: note.clone(),
            };
            to_json(ctx.write(|w, _| attachments::add(w, &paths.attachments, &input, &bytes))?)
        }
        Command::List { kind, no, all } => {
            let kind = AttachmentSubject::parse("subject_kind", "附件所属", kind)?;
            to_json(ctx.read(|s, _| attachments::list(s.conn(), kind, no, *all))?)
        }
        Command::Void { id, reason } => {
            to_json(ctx.write(|w, _| attachments::void(w, id, Some(reason)))?)
        }
        Command::Open { id } => {
            let (a, _) = attachments::read(ctx.store().conn(), &paths.attachments, id)?;
            Ok(serde_json::json!({
                "file": to_json(attachments::file_path(&paths.attachments, &a))?,
                "attachment": to_json(a)?,
            }))
        }
    }
}
