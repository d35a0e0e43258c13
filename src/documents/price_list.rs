//! The 《维修有偿服务项目及收费标准》 for the counter: the estate's live price items by code (the
//! price list has no groups beyond its codes), with the estate's name and the day the list is in
//! force from, as a workbook or a printed page (A4 landscape, through the registers' PDF table).
//!
//! Invariants: the list printed is the one `finish` charges from (`repairs::price_list`, voided
//! items left out); the day it is in force from is the day of its latest change (an item added,
//! edited or voided, `repairs::price_list_changed_at`), so a list printed after a change never
//! carries an older date. Reading only.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::disclosure::Disclosure;
use super::io::read_snapshot;
use super::register::{Exported, Format};
use super::{pdf, xlsx};
use crate::error::Result;
use crate::{estate, repairs, time};

/// The list's name as the seeds call it.
pub const TITLE: &str = "维修有偿服务项目及收费标准";

/// `<小区>维修有偿服务项目及收费标准.pdf` (or `.xlsx`).
pub fn file_name(conn: &Connection, estate_id: &str, format: Format) -> Result<String> {
    let ext = match format {
        Format::Xlsx => "xlsx",
        Format::Pdf => "pdf",
    };
    Ok(format!(
        "{}{TITLE}.{ext}",
        estate::estate(conn, estate_id)?.name
    ))
}

/// Writes the estate's price list to `out`; the count is its items (XLSX) or pages (PDF).
pub fn write(
    conn: &Connection,
    estate_id: &str,
    format: Format,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Exported> {
    let _snapshot = read_snapshot(conn)?;
    let items = repairs::price_list(conn, estate_id, false)?;
    let scope = match repairs::price_list_changed_at(conn, estate_id)? {
        Some(at) => format!("自 {} 起执行", time::local_date(time::from_db(&at)?)),
        None => "尚未设置收费项目".to_string(),
    };
    Ok(match format {
        Format::Xlsx => {
            let w = xlsx::price_list(conn, estate_id, TITLE, scope, items, now, out)?;
            Exported {
                path: w.path,
                count: w.rows,
                bytes: w.bytes,
            }
        }
        Format::Pdf => {
            let w = pdf::register_table(
                conn,
                estate_id,
                TITLE,
                &scope,
                &xlsx::tables::price_columns(),
                &items,
                Disclosure::Masked,
                now,
                out,
                &mut |_, _| {},
            )?;
            Exported {
                path: PathBuf::from(w.path),
                count: w.pages as u64,
                bytes: w.bytes,
            }
        }
    })
}
