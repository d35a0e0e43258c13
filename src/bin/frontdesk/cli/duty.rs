//! `frontdesk duty …`: the duty log and the handover (值班记录 / 交接班记录). Each verb calls one
//! core function in `frontdesk::duty` (or the documents it prints).
//!
//! `accept` is the incoming clerk signing in on the desk: their login is `--incoming`, their
//! password `--incoming-password` or `FRONTDESK_INCOMING_PASSWORD`.

use std::path::PathBuf;

use frontdesk::app::Session;
use frontdesk::duty::{self, DutyEntryInput, HandoverInput, ShiftInput};
use frontdesk::intake::IntakeInput;
use frontdesk::privacy::View;
use frontdesk::{documents, time, Error, Result};

use super::{period, read_json, seen, to_json, written};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Start a shift as the signed-in clerk (none may be on duty); the shift by the policy's
    /// hours unless --shift names one (白班, 夜班…).
    Start {
        #[arg(long)]
        shift: Option<String>,
    },
    /// The duty screen: the shift on duty and its log, every open entry, the handover waiting
    /// for acceptance, what is still lent out.
    Board,
    /// Add an entry to the shift's log from JSON ({at, channel, unit, caller, phone, content,
    /// closed_reason}).
    Entry { json: String },
    /// Convert an open entry into an intake (JSON as for `intake add`); the intake's time is the
    /// entry's.
    Convert { entry: String, json: String },
    /// Close an open entry that needs no action.
    CloseEntry {
        entry: String,
        #[arg(long)]
        reason: String,
    },
    /// Hand the shift over (JSON {open_text, notes, lent: [{item, lent_to, returned}]}; default {}).
    Handover { json: Option<String> },
    /// The incoming clerk accepts a handover, signing in with their own password.
    Accept {
        /// Handover number (LH-JJ2026-0001) or id.
        handover: String,
        /// The incoming clerk's login.
        #[arg(long)]
        incoming: String,
        /// Their password (default: FRONTDESK_INCOMING_PASSWORD).
        #[arg(long)]
        incoming_password: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Handovers of a period (default: today): all for a supervisor, else one's own.
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// One handover record.
    Show { handover: String },
    /// The 《交接班记录》 of one handover as PDF.
    Print {
        handover: String,
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// The handovers of a period as an XLSX register.
    Export {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let now = ctx.store().now();
    match cmd {
        Command::Start { shift } => to_json(ctx.write(|w, _| {
            duty::start(
                w,
                &eid,
                &ShiftInput {
                    name: shift.clone(),
                },
            )
        })?),
        Command::Board => seen(ctx, duty::board(ctx.store().conn(), &eid, now)?, View::List),
        Command::Entry { json } => {
            let input: DutyEntryInput = read_json(json)?;
            written(ctx, |w, _| duty::add_entry(w, &eid, &input))
        }
        Command::Convert { entry, json } => {
            let input: IntakeInput = read_json(json)?;
            written(ctx, |w, _| duty::convert(w, &eid, entry, &input))
        }
        Command::CloseEntry { entry, reason } => {
            written(ctx, |w, _| duty::close_entry(w, &eid, entry, Some(reason)))
        }
        Command::Handover { json } => {
            let input: HandoverInput = match json {
                Some(j) => read_json(j)?,
                None => HandoverInput::default(),
            };
            written(ctx, |w, _| duty::hand_over(w, &eid, &input))
        }
        Command::Accept {
            handover,
            incoming,
            incoming_password,
            note,
        } => {
            let password = incoming_password
                .clone()
                .or_else(|| std::env::var("FRONTDESK_INCOMING_PASSWORD").ok())
                .ok_or_else(|| {
                    Error::invalid(
                        "incoming_password",
                        "接班人密码",
                        "请用 --incoming-password 或 FRONTDESK_INCOMING_PASSWORD 提供",
                    )
                })?;
            let h = duty::accept(
                ctx.store_mut(),
                &eid,
                handover,
                incoming,
                &password,
                note.as_deref(),
            )?;
            seen(ctx, h, View::Record)
        }
        Command::List { from, to } => {
            let (from, to) = period(ctx, from.as_deref(), to.as_deref())?;
            let list = duty::handovers(ctx.store().conn(), &eid, ctx.clerk()?, from, to)?;
            seen(ctx, list, View::List)
        }
        Command::Show { handover } => seen(
            ctx,
            duty::handover(ctx.store().conn(), handover)?,
            View::Record,
        ),
        Command::Print {
            handover,
            out,
            full_phones,
        } => {
            let d = ctx.disclosure(*full_phones, &format!("交接班记录 {handover}"))?;
            to_json(documents::pdf::handover(
                ctx.store().conn(),
                handover,
                d,
                now,
                out,
            )?)
        }
        Command::Export {
            from,
            to,
            out,
            full_phones,
        } => {
            let p = time::Period::days_or_today(from.as_deref(), to.as_deref(), now)?;
            let d = ctx.disclosure(*full_phones, &format!("交接班记录 {}", p.label()))?;
            to_json(documents::xlsx::handover_register(
                ctx.store().conn(),
                &eid,
                ctx.clerk()?,
                &p,
                now,
                d,
                out,
            )?)
        }
    }
}
