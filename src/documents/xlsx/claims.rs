//! The 赔付 claims of a period as one register (客户赔付登记): one row per claim opened in the
//! period, newest first, with its complaint, the owner, the amount and form, who bears the cost,
//! the 收方, both deadlines with a 超期 flag, the approval, the agreement and the payment.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::sheet::{Cell, Column, Width};
use super::{small_register, Written};
use crate::claims::{self, Claim};
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::time::Period;

/// The register's title.
pub const TITLE: &str = "客户赔付登记表";

/// Writes the claims opened in `period` to `out`.
pub fn claim_register(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let (from, to) = period.bounds()?;
    let rows = claims::list(conn, estate_id, from, to, false, now)?;
    small_register(
        conn,
        estate_id,
        TITLE,
        TITLE,
        period.label(),
        now,
        disclosure,
        out,
        &columns(),
        rows,
    )
}

fn columns() -> Vec<Column<Claim>> {
    vec![
        Column {
            header: "赔付单号",
            width: Width::Fit(16.0),
            value: |c, _| Cell::str(&c.no),
        },
        Column {
            header: "投诉编号",
            width: Width::Fit(16.0),
            value: |c, _| Cell::str(&c.complaint_no),
        },
        Column {
            header: "房号",
            width: Width::Fit(10.0),
            value: |c, _| Cell::text(c.unit.as_deref()),
        },
        Column {
            header: "客户",
            width: Width::Fit(10.0),
            value: |c, _| Cell::text(c.customer.as_deref()),
        },
        Column {
            header: "登记时间",
            width: Width::Fit(16.0),
            value: |c, _| Cell::time(Some(&c.created_at)),
        },
        Column {
            header: "状态",
            width: Width::Fit(8.0),
            value: |c, _| Cell::str(c.status.label()),
        },
        Column {
            header: "情况说明",
            width: Width::Wrap(40.0),
            value: |c, _| Cell::str(&c.situation),
        },
        Column {
            header: "赔付金额",
            width: Width::Fit(12.0),
            value: |c, _| Cell::Money(c.amount_fen),
        },
        Column {
            header: "赔付形式",
            width: Width::Fit(10.0),
            value: |c, _| Cell::str(c.form.label()),
        },
        Column {
            header: "费项承担部门",
            width: Width::Fit(16.0),
            value: |c, _| Cell::str(&c.cost_bearer),
        },
        Column {
            header: "工程收方",
            width: Width::Fit(14.0),
            value: |c, _| Cell::str(c.receiver.label()),
        },
        Column {
            header: "超期",
            width: Width::Fit(6.0),
            value: |c, _| Cell::yes_no(c.overdue()),
        },
        Column {
            header: "核准",
            width: Width::Fit(16.0),
            value: |c, _| Cell::time(c.approved_at.as_deref()),
        },
        Column {
            header: "核准人",
            width: Width::Fit(10.0),
            value: |c, _| Cell::text(c.approved_by.as_deref()),
        },
        Column {
            header: "协议日期",
            width: Width::Fit(12.0),
            value: |c, _| Cell::text(c.agreed_on.as_deref()),
        },
        Column {
            header: "实付金额",
            width: Width::Fit(12.0),
            value: |c, _| c.paid_fen.map_or(Cell::Empty, Cell::Money),
        },
        Column {
            header: "付款日期",
            width: Width::Fit(12.0),
            value: |c, _| Cell::text(c.paid_on.as_deref()),
        },
    ]
}
