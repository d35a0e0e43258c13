//! PDF documents: the 协调单 ([`print_slip`]), the three-part 派工单 ([`repair_order`]), one
//! complaint's 《客户投诉处理记录表》 with its whole history ([`complaint_record`]), the register of a
//! period ([`complaint_register`]), the month-end report ([`month_report`]), the 《交接班记录》
//! ([`handover`]), the 《整改通知单》 ([`rectification_notice`]), a customer's 《VIP客户登记表》
//! ([`vip_form`]), a 赔付 claim's 《客户赔付处理记录单》 in three copies ([`claim_record`]) and its
//! 《赔付业主备忘录》 ([`claim_memo`]).
//!
//! Invariants:
//! - Every document is drawn with one face chain: the embedded Noto Sans SC, then fallback
//!   fonts for rare CJK ideographs (Extensions B–H) and emoji (each parsed once per process,
//!   when first needed); a character no font has prints as □. A document embeds only the
//!   fonts it draws with and only the glyphs it uses; its metadata carry the title, the
//!   generation time given by the caller (never the clock read here) and the producer
//!   “FrontDesk”.
//! - Files are written through [`write_atomic`]: a failed export leaves nothing half-written.
//! - Phone numbers print as the [`Disclosure`] says: masked unless [`super::unmask`] granted them.
//! - Printing a slip records the print in the same transaction as the file is written, so a
//!   failed write leaves no print in the log.
//! - Layout (pages, grids, tables, line breaking, barcode) lives in one module, `layout`; the
//!   documents only say what goes where.

mod claim;
mod code128;
mod handover;
mod layout;
mod month;
mod notice;
mod picture;
mod record;
mod register;
mod repair;
mod slip;
mod sparse;
mod vip_form;

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::disclosure::Disclosure;
use super::io::write_atomic;
use crate::error::Result;
use crate::slips;
use crate::store::Write;
use crate::time;
use crate::Progress;

pub use claim::{claim_memo, claim_record, COPIES};
pub use handover::handover;
pub use layout::Rendered;
pub use month::month_report;
pub use notice::rectification_notice;
pub use record::complaint_record;
pub use register::{complaint_register, register_table};
pub use repair::print_repair_order;
pub use vip_form::vip_form;

/// A PDF written to disk.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    pub path: String,
    pub pages: usize,
    pub bytes: u64,
}

/// Prints a 协调单: records the print (the first is the original, later ones are marked 补打)
/// and writes the PDF to `out`, in the caller's one transaction — if the file cannot be written
/// the print is not logged either.
pub fn print_slip(
    w: &mut Write,
    slip: &str,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let printed = slips::print(w, slip)?;
    let rendered = slip::render(&w.tx, &printed.slip, printed.reprint, disclosure, w.now)?;
    save(out, rendered)
}

/// A 协调单 as PDF bytes, without recording a print (previews and the benchmark).
pub fn render_slip_bytes(
    conn: &Connection,
    slip: &str,
    reprint: bool,
    disclosure: Disclosure,
    now: DateTime<Utc>,
) -> Result<Rendered> {
    slip::render(conn, &slips::load(conn, slip)?, reprint, disclosure, now)
}

fn save(out: &Path, rendered: Rendered) -> Result<Written> {
    write_atomic(out, |tmp| Ok(std::fs::write(tmp, &rendered.bytes)?))?;
    Ok(Written {
        path: out.display().to_string(),
        pages: rendered.pages,
        bytes: rendered.bytes.len() as u64,
    })
}

/// A stored time as Beijing `YYYY-MM-DD HH:MM`; empty when absent.
fn local(at: Option<&str>) -> String {
    at.and_then(|s| time::from_db(s).ok())
        .map(|t| {
            t.with_timezone(&time::beijing())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// The name of the staff member with id `id` (“系统” for the system); empty when absent.
fn staff_name(conn: &Connection, id: Option<&str>) -> Result<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    if id == "system" {
        return Ok("系统".into());
    }
    let name: Option<String> = conn
        .query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    Ok(name.unwrap_or_else(|| id.to_string()))
}

/// Lines numbered 1. 2. 3. one per line; 无 when there are none.
fn numbered(lines: &[String]) -> String {
    if lines.is_empty() {
        return "无".into();
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}. {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An optional text, empty when absent.
fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// Yuan from fen: `¥12.50`.
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// Shorthand for documents that report progress: `progress(done, total)`.
fn report(progress: Progress<'_>, total: u64) -> impl FnMut(u64) + '_ {
    move |done| progress(done, total)
}
