//! The 《客户投诉处理记录表》 register of a period as PDF: one row per complaint registered in the
//! period (voided ones left out), oldest first, on A4 landscape with the title and the table
//! header repeated on every page and 第 N 页，共 M 页 at the foot.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;

use super::layout::{Align, Cell, Flow, Grid, Page, Row, Style, A4_LANDSCAPE, MARGIN};
use super::{local, opt, report, save, Written};
use crate::complaints::{self, ComplaintFilter};
use crate::documents::{Disclosure, Progress};
use crate::error::{Error, Result};
use crate::estate;
use crate::time;

const COLUMNS: [(&str, f32); 16] = [
    ("序号", 0.55),
    ("投诉编号", 1.5),
    ("受理时间", 1.65),
    ("渠道", 0.65),
    ("房号", 0.85),
    ("客户", 0.7),
    ("联系电话", 1.3),
    ("类别", 0.9),
    ("等级", 0.5),
    ("投诉内容", 2.6),
    ("责任部门", 1.0),
    ("责任人", 0.7),
    ("状态", 0.75),
    ("结案时间", 1.65),
    ("处理结果", 1.8),
    ("满意度", 0.95),
];

/// Writes the register of the complaints registered from `from` to `to` (Beijing dates,
/// inclusive) to `out`; `progress` is told `(rows done, rows)`.
#[allow(clippy::too_many_arguments)]
pub fn complaint_register(
    conn: &Connection,
    estate_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
    progress: Progress<'_>,
) -> Result<Written> {
    if to < from {
        return Err(Error::invalid("to", "结束日期", "不能早于开始日期"));
    }
    let estate = estate::estate(conn, estate_id)?;
    let start = |d: NaiveDate| time::parse_input("from", "开始日期", &d.to_string());
    let filter = ComplaintFilter {
        from: Some(start(from)?),
        to: Some(start(to + Duration::days(1))?),
        ..Default::default()
    };
    let mut list = complaints::list(conn, estate_id, &filter)?;
    list.reverse();
    let period = format!("{from} 至 {to}");
    let count = list.len();
    let header = Box::new(|page: &mut Page| {
        let width = page.width - 2.0 * MARGIN;
        page.text(
            MARGIN,
            22.0,
            width,
            "《客户投诉处理记录表》",
            Style::new(16.0).bold().align(Align::Center),
        );
        page.text(
            MARGIN,
            44.0,
            width,
            &format!("{}　{}　共 {} 件", estate.name, period, count),
            Style::new(9.5).align(Align::Center),
        );
        62.0
    });
    let mut flow = Flow::new(
        &format!("客户投诉处理记录表 {} {period}", estate.name),
        A4_LANDSCAPE,
        32.0,
        header,
    )?;
    let weights: Vec<f32> = COLUMNS.iter().map(|c| c.1).collect();
    let grid = Grid::proportional(MARGIN, A4_LANDSCAPE.width - 2.0 * MARGIN, &weights, 7.0);
    let head = Row::new(COLUMNS.iter().map(|c| Cell::label(c.0)).collect());
    let rows = list.iter().enumerate().map(|(i, c)| {
        let cells = [
            (i + 1).to_string(),
            c.no.clone(),
            local(Some(&c.received_at)),
            c.channel.label().into(),
            opt(&c.unit),
            c.customer
                .clone()
                .or_else(|| c.person_name.clone())
                .unwrap_or_default(),
            c.phone
                .as_deref()
                .map(|p| disclosure.phone(p))
                .unwrap_or_default(),
            c.category.clone(),
            c.grade.label().into(),
            c.content.clone(),
            opt(&c.responsible_department),
            opt(&c.responsible_staff),
            c.status.label().into(),
            local(c.closed_at.as_deref()),
            opt(&c.close_result),
            c.satisfaction
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
        ];
        Row::new(cells.into_iter().map(Cell::value).collect())
    });
    flow.table(&grid, head, rows, &mut report(progress, count as u64));
    if count == 0 {
        let y = flow.y + 8.0;
        flow.page()
            .text(MARGIN, y, 0.0, "本期没有登记投诉。", Style::new(10.0));
    }
    let footer = format!("{}　生成：{}", estate.name, local(Some(&time::to_db(now))));
    save(out, flow.finish(&footer, now)?)
}
