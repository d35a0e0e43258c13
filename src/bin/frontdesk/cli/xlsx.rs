//! `frontdesk xlsx`: the Excel documents (registers, the desk's logs, a 协调单, the price list,
//! the month-end workbook). Each prints the file written, its data rows and size. Phone numbers are masked
//! unless `--full-phones` is given by a supervisor (recorded in the audit log).

use std::path::PathBuf;

use frontdesk::documents::xlsx;
use frontdesk::documents::{Format, Register};
use frontdesk::time::Period;
use frontdesk::Result;

use frontdesk::app::Session;

#[derive(clap::Args)]
pub struct PeriodArgs {
    /// First day (YYYY-MM-DD, Beijing time).
    #[arg(long)]
    from: String,
    /// Last day, included (YYYY-MM-DD).
    #[arg(long)]
    to: String,
    /// The .xlsx file to write (replaced only once complete).
    #[arg(long)]
    out: PathBuf,
    /// Full phone numbers instead of 138****8000 (supervisors only; audited).
    #[arg(long)]
    full_phones: bool,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// 《客户投诉处理记录表》: one row per complaint received in the period.
    Register(PeriodArgs),
    /// 前台协调单登记表: the slips opened in the period.
    Slips(PeriodArgs),
    /// Repair orders (派工单) reported in the period.
    Repairs(PeriodArgs),
    /// 回访 list: follow-ups due or done in the period.
    Followups(PeriodArgs),
    /// 电话接待记录本: the phone calls of the period.
    PhoneLog(PeriodArgs),
    /// 客户服务需求记录表: every service need recorded at the desk in the period.
    Requests(PeriodArgs),
    /// One 协调单 laid out like the paper form.
    Slip {
        /// The slip's number (LH-XT2026-0001) or id.
        no: String,
        #[arg(long)]
        out: PathBuf,
        /// Full phone number (supervisors only; audited).
        #[arg(long)]
        full_phones: bool,
    },
    /// The 《维修有偿服务项目及收费标准》: the live price items, in force since the list's latest change.
    PriceList {
        #[arg(long)]
        out: PathBuf,
    },
    /// Month-end workbook: registers, 回访, statistics by grade/category/department/channel, KPIs.
    Month {
        /// The month, YYYY-MM.
        month: String,
        #[arg(long)]
        out: PathBuf,
        /// Full phone numbers (supervisors only; audited).
        #[arg(long)]
        full_phones: bool,
    },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    let now = ctx.store().now();
    let written = match cmd {
        Command::Slip {
            no,
            out,
            full_phones,
        } => {
            let d = ctx.disclosure(*full_phones, &format!("协调单 {no}"))?;
            xlsx::slip_form(ctx.store().conn(), no, now, d, out)?
        }
        Command::PriceList { out } => {
            let e = frontdesk::documents::price_list::write(
                ctx.store().conn(),
                &eid,
                Format::Xlsx,
                now,
                out,
            )?;
            xlsx::Written {
                path: e.path,
                rows: e.count,
                bytes: e.bytes,
            }
        }
        Command::Month {
            month,
            out,
            full_phones,
        } => {
            let m = Period::month(month)?;
            let d = ctx.disclosure(*full_phones, &format!("客服月报 {}", m.label()))?;
            xlsx::month_workbook(
                ctx.store().conn(),
                &eid,
                &m,
                now,
                d,
                out,
                &mut super::progress,
            )?
        }
        Command::Register(a)
        | Command::Slips(a)
        | Command::Repairs(a)
        | Command::Followups(a)
        | Command::PhoneLog(a)
        | Command::Requests(a) => {
            let p = Period::parse(&a.from, &a.to)?;
            let register = match cmd {
                Command::Register(_) => Register::Complaints,
                Command::Slips(_) => Register::Slips,
                Command::Repairs(_) => Register::Repairs,
                Command::Followups(_) => Register::Followups,
                Command::PhoneLog(_) => Register::PhoneLog,
                _ => Register::Requests,
            };
            let name = format!("{} {}", register.title(), p.label());
            let d = ctx.disclosure(a.full_phones, &name)?;
            let e = register.write(
                Format::Xlsx,
                ctx.store().conn(),
                &eid,
                &p,
                now,
                d,
                &a.out,
                &mut super::progress,
            )?;
            xlsx::Written {
                path: e.path,
                rows: e.count,
                bytes: e.bytes,
            }
        }
    };
    super::to_json(written)
}
