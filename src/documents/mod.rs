//! Documents the desk prints and files: the 协调单, the 派工单, the 《客户投诉处理记录表》, the
//! 《维修有偿服务项目及收费标准》 ([`price_list`]), the desk's logs and the month-end workbook and report, as PDF ([`pdf`]) and XLSX ([`xlsx`]).
//! The CLI and the desktop app call these functions and nothing else, so both produce the same files.
//!
//! Invariants:
//! - A document is written to a temporary file beside its target and renamed into place only once
//!   it is complete ([`write_atomic`]): a failed export leaves no half-written file and never
//!   damages an earlier file of the same name.
//! - Phone and id numbers are masked unless the actor has the right to see them in full and asked
//!   for it ([`Disclosure`]); every unmasked export is recorded in the audit log ([`unmask`]).
//! - Long exports report progress through a [`Progress`] callback as `(done, total)`.

pub mod pdf;
pub mod price_list;
pub mod xlsx;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth;
use crate::error::{Error, Result};
use crate::store::Write;
use crate::time::Period;
use crate::validate;
use crate::Progress;

/// One read transaction on `conn` until dropped (unless the caller already holds one): every
/// count and sheet of a document then shows the register at the same moment, while the desk may
/// go on writing on its own connection.
pub(crate) fn read_snapshot(
    conn: &rusqlite::Connection,
) -> Result<Option<rusqlite::Transaction<'_>>> {
    Ok(if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    })
}

/// How personal numbers appear in a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    /// `138****8000`; id numbers keep the first 6 and last 4 characters. The default.
    #[default]
    Masked,
    /// Full numbers: only after [`unmask`] granted it.
    Full,
}

impl Disclosure {
    /// A phone number as this disclosure shows it.
    pub fn phone(self, phone: &str) -> String {
        match self {
            Disclosure::Masked => validate::mask_phone(phone),
            Disclosure::Full => phone.to_string(),
        }
    }

    /// An id number (证件号) as this disclosure shows it.
    pub fn id_number(self, id: &str) -> String {
        match self {
            Disclosure::Full => id.to_string(),
            Disclosure::Masked => {
                let chars: Vec<char> = id.chars().collect();
                if chars.len() <= 10 {
                    return "*".repeat(chars.len());
                }
                let mut out: String = chars[..6].iter().collect();
                out.push_str(&"*".repeat(chars.len() - 10));
                out.extend(&chars[chars.len() - 4..]);
                out
            }
        }
    }
}

/// Grants full numbers in one export to a supervisor role and records who exported what, unmasked.
/// `document` names the export in Chinese (e.g. `客户投诉处理记录表 2026-11`).
pub fn unmask(w: &mut Write, estate_id: &str, document: &str) -> Result<Disclosure> {
    w.actor
        .require(auth::SUPERVISORS, "导出完整电话号码和证件号")?;
    let id = w.new_id();
    let detail = json!({ "estate_id": estate_id, "document": document });
    w.audit("unmask", "export", &id, detail)?;
    Ok(Disclosure::Full)
}

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

/// The desk's registers, each exported for any period (the month workbook holds the first four
/// for a month).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Register {
    /// 《客户投诉处理记录表》: every complaint received in the period, cases and 投诉 settled at the
    /// desk alike.
    Complaints,
    /// 前台协调单登记表: the slips opened in the period.
    Slips,
    /// The repair orders reported in the period.
    Repairs,
    /// 回访: the calls due or made in the period.
    Followups,
    /// 《电话接待记录本》: the phone calls.
    PhoneLog,
    /// 《客户服务需求记录表》: every need recorded at the desk.
    Requests,
}

/// A file format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Pdf,
}

/// A register written: the file, its rows (XLSX) or pages (PDF), its size.
#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    pub path: PathBuf,
    pub count: u64,
    pub bytes: u64,
}

impl Register {
    /// The register's name as the seeds call it (the one name every document uses).
    pub const fn title(self) -> &'static str {
        match self {
            Register::Complaints => "客户投诉处理记录表",
            Register::Slips => "前台协调单登记表",
            Register::Repairs => "报修记录表",
            Register::Followups => "回访记录表",
            Register::PhoneLog => "电话接待记录本",
            Register::Requests => "客户服务需求记录表",
        }
    }

    /// `<小区><title><2026-11>.xlsx`, or `…<2026-11-01至2026-11-07>.pdf` for other periods.
    pub fn file_name(self, estate: &str, period: &Period, format: Format) -> String {
        let whole_month = period.label().ends_with('月');
        let span = if whole_month {
            period.from.format("%Y-%m").to_string()
        } else {
            format!("{}至{}", period.from, period.to)
        };
        let ext = match format {
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        };
        format!("{estate}{}{span}.{ext}", self.title())
    }

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

/// Writes a document through `write`, which receives a temporary path in the target's folder; the
/// temporary file is synced and renamed to `target` only when `write` succeeded, and removed when
/// it failed.
pub fn write_atomic<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let temp = temp_path(target)?;
    let result = write(&temp).and_then(|()| {
        // Opened for writing: Windows' FlushFileBuffers (behind `sync_all`) refuses a read-only
        // handle with "access denied", which would fail every document there.
        fs::OpenOptions::new().write(true).open(&temp)?.sync_all()?;
        fs::rename(&temp, target)?;
        if let Some(dir) = target.parent() {
            // Persist the rename itself; not possible (nor needed) on every platform.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn temp_path(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::invalid("out", "输出文件", "请给出文件名"))?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::invalid(
            "out",
            "输出文件",
            format!("文件夹不存在：{}", dir.display()),
        ));
    }
    Ok(dir.join(format!(".{name}.{}.part", uuid::Uuid::now_v7().simple())))
}
