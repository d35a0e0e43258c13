//! The 《整改通知单》 as the desk prints it, on A4: the number, the repair order and its unit,
//! addressed to the repairer, what the 回访 found (each failed point with its note), the two
//! deadlines (书面通知 and 整改完成, from the policy), and signatures: the issuer, the repairer's
//! receipt, the rework's acceptance.
//!
//! Invariant: read-only; it records nothing (the delivery is recorded when the repairer has it).

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{Cell, Flow, Grid, Page, Row, A4, MARGIN};
use super::{local, opt, save, Written};
use crate::error::Result;
use crate::estate;
use crate::repair_visits;

/// Writes the notice `notice` (id or number) to `out`.
pub fn rectification_notice(
    conn: &Connection,
    notice: &str,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let n = repair_visits::find(conn, notice, now)?;
    let estate = estate::estate(conn, &n.estate_id)?;
    let title = format!("{}维修整改通知单", estate.name);
    let no = n.no.clone();
    let header = Box::new(|page: &mut Page| page.form_title(&title, &format!("编号：{no}")));
    let mut flow = Flow::new(&format!("整改通知单 {}", n.no), A4, 34.0, header)?;
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 10.0);
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let wide = |a: &str, b: String, min: f32| {
        Row::new(vec![Cell::label(a), Cell::value(b).span(3)]).min_height(min)
    };
    let problems = n
        .problems
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{}. {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    let rows = [
        Row::new(
            [
                pair(
                    "致（维修人员）",
                    n.repairer.clone().unwrap_or_else(|| "（未派工）".into()),
                ),
                pair("维修单号", n.repair_no.clone()),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("房号", opt(&n.unit)),
                pair("状态", n.status.label().into()),
            ]
            .concat(),
        ),
        wide("维修内容", n.repair_content.clone(), 30.0),
        Row::new(
            [
                pair("回访人", n.visitor.clone()),
                pair("回访时间", local(Some(&n.visited_at))),
            ]
            .concat(),
        ),
        wide("回访发现的问题", problems, 80.0),
        Row::new(
            [
                pair("书面通知时限", local(Some(&n.notify_by))),
                pair("整改完成时限", local(Some(&n.rework_by))),
            ]
            .concat(),
        ),
        wide("整改结果", opt(&n.close_note), 50.0),
        Row::new(
            [
                pair(
                    "签发人",
                    format!("{}　{}", n.created_by, local(Some(&n.created_at))),
                ),
                pair("维修人员签收", String::new()),
            ]
            .concat(),
        )
        .min_height(30.0),
        Row::new(
            [
                pair("整改验收人", opt(&n.closed_by)),
                pair("验收时间", local(n.closed_at.as_deref())),
            ]
            .concat(),
        )
        .min_height(30.0),
    ];
    for row in &rows {
        flow.row(&grid, row);
    }
    let footer = format!(
        "回访中发现的问题，按时限书面通知维修人员进行整改。打印：{}",
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}
