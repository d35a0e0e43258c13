//! The desk's registers as names: which they are ([`Register`]), their titles and file names, the
//! formats they are written in and what a written one reports ([`Exported`]). Writing them is
//! `Register::write`, beside the month end in `export.rs`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::time::Period;

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
}
