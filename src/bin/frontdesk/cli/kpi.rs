//! `frontdesk kpi`: the KPI report for a period (default: the current month, Beijing time).
//!
//! Calls `frontdesk::kpi::compute` once; `--to` is the last day of the period, inclusive.

use chrono::{Datelike, Duration, NaiveDate};
use frontdesk::{kpi, time, Result};

use super::to_json;
use frontdesk::app::Session;

#[derive(clap::Args)]
pub struct KpiArgs {
    /// First day of the period, YYYY-MM-DD (default: the 1st of the current month).
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period, inclusive, YYYY-MM-DD (default: the last day of the current month).
    #[arg(long)]
    to: Option<String>,
}

pub fn run(ctx: &mut Session, args: &KpiArgs) -> Result<serde_json::Value> {
    let now = ctx.store().now();
    let today = time::local_date(now);
    let month_start =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("first of the month");
    let from = match &args.from {
        Some(s) => time::parse_date("from", "开始日期", s)?,
        None => month_start,
    };
    let to = match &args.to {
        Some(s) => time::parse_date("to", "截止日期", s)?,
        None => month_start + chrono::Months::new(1) - Duration::days(1),
    };
    to_json(kpi::compute(
        ctx.store().conn(),
        &ctx.clerk()?.estate_id,
        from,
        to + Duration::days(1),
        now,
    )?)
}
