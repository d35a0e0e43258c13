//! Writing the registers and the month end: the one place that picks the PDF or XLSX writer for a
//! register ([`Register::write`]) and writes the month's workbook and report together
//! ([`month_end`]).
//!
//! Invariants: the month's workbook and report are read from one snapshot of the register.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::disclosure::Disclosure;
use super::io::read_snapshot;
use super::register::{Exported, Format, Register};
use super::{pdf, xlsx};
use crate::error::Result;
use crate::time::Period;
use crate::Progress;

/// The month-end pair: the workbook for the files and the PDF report for the manager.
#[derive(Clone, Debug, Serialize)]
pub struct MonthEnd {
    pub workbook: xlsx::Written,
    pub report: pdf::Written,
}

/// Writes the month's workbook and PDF report into `dir` as `<小区>客服月报<YYYY-MM>.xlsx/.pdf`
/// (one click in the app, one command in the CLI). Progress covers the workbook's rows.
pub fn month_end(
    conn: &rusqlite::Connection,
    estate_id: &str,
    month: &Period,
    now: chrono::DateTime<chrono::Utc>,
    disclosure: Disclosure,
    dir: &Path,
    progress: Progress,
) -> Result<MonthEnd> {
    // The workbook and the report from the same moment of the register.
    let _snapshot = read_snapshot(conn)?;
    let estate = crate::estate::estate(conn, estate_id)?;
    let stem = format!("{}客服月报{}", estate.name, month.from.format("%Y-%m"));
    let workbook = xlsx::month_workbook(
        conn,
        estate_id,
        month,
        now,
        disclosure,
        &dir.join(format!("{stem}.xlsx")),
        progress,
    )?;
    let report = pdf::month_report(
        conn,
        estate_id,
        month.from,
        now,
        &dir.join(format!("{stem}.pdf")),
    )?;
    Ok(MonthEnd { workbook, report })
}

/// Writes the company's month workbook over every estate this desk holds (the head office, #19)
/// into `dir` as `全公司客服月报<YYYY-MM>.xlsx` ([`xlsx::company_workbook`]); supervisors only.
/// It holds counts only, no personal data.
pub fn company_month_end(
    conn: &rusqlite::Connection,
    actor: &crate::Actor,
    month: &Period,
    now: chrono::DateTime<chrono::Utc>,
    dir: &Path,
) -> Result<xlsx::Written> {
    actor.require(crate::auth::SUPERVISORS, "导出全公司月报")?;
    let estates = crate::estate::estates(conn)?;
    let stem = format!("全公司客服月报{}", month.from.format("%Y-%m"));
    xlsx::company_workbook(
        conn,
        &estates,
        month,
        now,
        &dir.join(format!("{stem}.xlsx")),
    )
}

impl Register {
    /// Writes the register of `period` to `out`, as a workbook or printed pages (the complaint
    /// register with its own chosen columns, the others with their workbook's columns).
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        self,
        format: Format,
        conn: &rusqlite::Connection,
        estate_id: &str,
        period: &Period,
        now: chrono::DateTime<chrono::Utc>,
        d: Disclosure,
        out: &Path,
        progress: Progress,
    ) -> Result<Exported> {
        if format == Format::Pdf {
            let w = xlsx::printed_register(self, conn, estate_id, period, now, d, out, progress)?;
            return Ok(Exported {
                path: PathBuf::from(w.path),
                count: w.pages as u64,
                bytes: w.bytes,
            });
        }
        let w = match self {
            Register::Complaints => {
                xlsx::complaint_register(conn, estate_id, period, now, d, out, progress)?
            }
            Register::Slips => xlsx::slip_register(conn, estate_id, period, now, d, out)?,
            Register::Repairs => {
                xlsx::repair_register(conn, estate_id, period, now, d, out, progress)?
            }
            Register::Followups => xlsx::followup_list(conn, estate_id, period, now, d, out)?,
            Register::PhoneLog => xlsx::phone_log(conn, estate_id, period, now, d, out)?,
            Register::Requests => xlsx::service_requests(conn, estate_id, period, now, d, out)?,
        };
        Ok(Exported {
            path: w.path,
            count: w.rows,
            bytes: w.bytes,
        })
    }
}
