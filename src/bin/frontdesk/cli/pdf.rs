//! `frontdesk pdf`: PDF documents — the 协调单, the 派工单, one complaint's record, the complaint
//! register of a period, the price list and the month-end report. Each verb calls one function of
//! `frontdesk::documents::pdf` and prints the file written, its pages and bytes.
//!
//! `--full-phones` asks for unmasked phone numbers: a supervisor right, recorded in the audit log.

use std::path::PathBuf;

use chrono::NaiveDate;
use frontdesk::documents::{self, pdf, Disclosure};
use frontdesk::{time, Error, Result};

use super::to_json;
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print a 协调单 (records the print; every later print is marked 补打).
    Slip {
        /// Slip number, e.g. LH-XT2026-0001.
        no: String,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers instead of 138****8000 (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// The 派工单 / 维修单 of a repair order: three parts on one A4 sheet.
    Repair {
        /// Repair order number.
        no: String,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// One complaint's 《客户投诉处理记录表》 with its whole history.
    Complaint {
        /// Complaint number, e.g. LH-TS2026-0001.
        no: String,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// The 《客户投诉处理记录表》 register of a period, one row per complaint (A4 landscape).
    Register {
        /// First day, YYYY-MM-DD (default: today).
        #[arg(long)]
        from: Option<String>,
        /// Last day, inclusive, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// The 《维修有偿服务项目及收费标准》 for the counter: the live price items, in force since
    /// the list's latest change.
    PriceList {
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
    },
    /// The month-end report: KPIs against targets, charts by category and department.
    Month {
        /// The month, YYYY-MM.
        month: String,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
    },
}

fn date(
    field: &'static str,
    label: &'static str,
    s: &Option<String>,
    today: NaiveDate,
) -> Result<NaiveDate> {
    s.as_deref()
        .map_or(Ok(today), |s| time::parse_date(field, label, s))
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let now = ctx.store().now();
    let eid = ctx.clerk()?.estate_id.clone();
    match cmd {
        Command::Slip {
            no,
            out,
            full_phones,
        } => to_json(ctx.write(|w, _| {
            let d = if *full_phones {
                documents::unmask(w, &eid, &format!("协调单 {no}"))?
            } else {
                Disclosure::Masked
            };
            pdf::print_slip(w, no, d, out)
        })?),
        Command::Repair {
            no,
            out,
            full_phones,
        } => {
            let d = ctx.disclosure(*full_phones, &format!("派工单 {no}"))?;
            to_json(ctx.write(|w, _| pdf::print_repair_order(w, no, d, out))?)
        }
        Command::Complaint {
            no,
            out,
            full_phones,
        } => {
            let d = ctx.disclosure(*full_phones, &format!("客户投诉处理记录表 {no}"))?;
            to_json(pdf::complaint_record(ctx.store().conn(), no, d, now, out)?)
        }
        Command::Register {
            from,
            to,
            out,
            full_phones,
        } => {
            let today = time::local_date(now);
            let from = date("from", "开始日期", from, today)?;
            let to = date("to", "结束日期", to, today)?;
            let d = ctx.disclosure(*full_phones, &format!("客户投诉处理记录表 {from} 至 {to}"))?;
            to_json(pdf::complaint_register(
                ctx.store().conn(),
                &eid,
                from,
                to,
                d,
                now,
                out,
                &mut |_, _| {},
            )?)
        }
        Command::PriceList { out } => to_json(documents::price_list::write(
            ctx.store().conn(),
            &eid,
            documents::Format::Pdf,
            now,
            out,
        )?),
        Command::Month { month, out } => {
            let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
                .map_err(|_| Error::invalid("month", "月份", "格式应为 YYYY-MM，例如 2026-11"))?;
            to_json(pdf::month_report(
                ctx.store().conn(),
                &eid,
                first,
                now,
                out,
            )?)
        }
    }
}
