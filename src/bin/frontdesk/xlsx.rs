//! `frontdesk xlsx`: the Excel documents (registers, the desk's logs, a 协调单, the month-end
//! workbook). Each prints the file written, its data rows and size. Phone numbers are masked
//! unless `--full-phones` is given by a supervisor (recorded in the audit log).

use std::path::PathBuf;

use frontdesk::documents::xlsx::{self, Period};
use frontdesk::{time, Result};

use crate::Ctx;

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

fn period(a: &PeriodArgs) -> Result<Period> {
    Period::new(
        time::parse_date("from", "开始日期", &a.from)?,
        time::parse_date("to", "结束日期", &a.to)?,
    )
}

pub fn run(ctx: &mut Ctx, cmd: &Command) -> Result<serde_json::Value> {
    let eid = ctx.estate.id.clone();
    let now = ctx.store.now();
    let written = match cmd {
        Command::Slip {
            no,
            out,
            full_phones,
        } => {
            let d = crate::disclosure(ctx, *full_phones, &format!("协调单 {no}"))?;
            xlsx::slip_form(ctx.store.conn(), no, now, d, out)?
        }
        Command::Month {
            month,
            out,
            full_phones,
        } => {
            let m = Period::month(month)?;
            let d = crate::disclosure(ctx, *full_phones, &format!("客服月报 {}", m.label()))?;
            xlsx::month_workbook(
                ctx.store.conn(),
                &eid,
                &m,
                now,
                d,
                out,
                &mut crate::progress,
            )?
        }
        Command::Register(a)
        | Command::Slips(a)
        | Command::Repairs(a)
        | Command::Followups(a)
        | Command::PhoneLog(a)
        | Command::Requests(a) => {
            let p = period(a)?;
            let name = match cmd {
                Command::Register(_) => "客户投诉处理记录表",
                Command::Slips(_) => "前台协调单登记表",
                Command::Repairs(_) => "维修单登记表",
                Command::Followups(_) => "回访登记表",
                Command::PhoneLog(_) => "电话接待记录本",
                _ => "客户服务需求记录表",
            };
            let d = crate::disclosure(ctx, a.full_phones, &format!("{name} {}", p.label()))?;
            let conn = ctx.store.conn();
            let out = &a.out;
            match cmd {
                Command::Register(_) => {
                    xlsx::complaint_register(conn, &eid, &p, now, d, out, &mut crate::progress)?
                }
                Command::Slips(_) => xlsx::slip_register(conn, &eid, &p, now, d, out)?,
                Command::Repairs(_) => {
                    xlsx::repair_register(conn, &eid, &p, now, d, out, &mut crate::progress)?
                }
                Command::Followups(_) => xlsx::followup_list(conn, &eid, &p, now, d, out)?,
                Command::PhoneLog(_) => xlsx::phone_log(conn, &eid, &p, now, d, out)?,
                _ => xlsx::service_requests(conn, &eid, &p, now, d, out)?,
            }
        }
    };
    crate::to_json(written)
}
