//! The desk's registers of a period as PDF, on A4 landscape with the title and the table header
//! repeated on every page and 第 N 页，共 M 页 at the foot: the 《客户投诉处理记录表》 with its chosen
//! columns ([`complaint_register`]: one row per complaint registered in the period, voided ones
//! left out, oldest first), and any other register with its workbook's columns
//! ([`register_table`]).

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;

use super::layout::{Align, Cell, Flow, Grid, Page, Row, Style, A4_LANDSCAPE, MARGIN};
use super::{local, opt, report, save, Written};
use crate::complaints::{self, ComplaintFilter};
use crate::documents::xlsx::sheet::Column;
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
    let rows: Vec<Vec<String>> = list
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
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
            ]
        })
        .collect();
    let (headers, weights): (Vec<&str>, Vec<f32>) = COLUMNS.iter().copied().unzip();
    let page = Sheet {
        estate: &estate.name,
        title: crate::documents::Register::Complaints.title(),
        period: &format!("{from} 至 {to}"),
        headers: &headers,
        weights: &weights,
        size: 7.0,
        noun: "件",
        empty: "本期没有登记投诉。",
    };
    page.print(rows, now, out, progress)
}

/// Any register of the desk as PDF, with the columns of its workbook (`columns`, their widths
/// as weights) and its rows in order, numbered.
#[allow(clippy::too_many_arguments)]
pub fn register_table<R>(
    conn: &Connection,
    estate_id: &str,
    title: &str,
    period: &str,
    columns: &[Column<R>],
    rows: &[R],
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
    progress: Progress<'_>,
) -> Result<Written> {
    let estate = estate::estate(conn, estate_id)?;
    let headers: Vec<&str> = ["序号"]
        .into_iter()
        .chain(columns.iter().map(|c| c.header))
        .collect();
    let weights: Vec<f32> = [6.0]
        .into_iter()
        .chain(
            columns
                .iter()
                .map(|c| c.width.units().clamp(4.0, 30.0) as f32),
        )
        .collect();
    let cells = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            std::iter::once((i + 1).to_string())
                .chain(columns.iter().map(|c| (c.value)(r, disclosure).printed()))
                .collect()
        })
        .collect();
    let size = if columns.len() > 16 { 6.0 } else { 7.0 };
    let page = Sheet {
        estate: &estate.name,
        title,
        period,
        headers: &headers,
        weights: &weights,
        size,
        noun: "条",
        empty: "本期没有记录。",
    };
    page.print(cells, now, out, progress)
}

/// A register's printed pages: A4 landscape, the title and the estate, period and count above,
/// the header repeated on every page, 第 N 页，共 M 页 at the foot.
struct Sheet<'a> {
    estate: &'a str,
    title: &'a str,
    period: &'a str,
    headers: &'a [&'a str],
    weights: &'a [f32],
    size: f32,
    /// What the count counts: 件 (complaints), 条 (entries).
    noun: &'a str,
    /// Said instead of rows when there are none.
    empty: &'a str,
}

impl Sheet<'_> {
    fn print(
        &self,
        rows: Vec<Vec<String>>,
        now: DateTime<Utc>,
        out: &Path,
        progress: Progress<'_>,
    ) -> Result<Written> {
        let count = rows.len();
        let header = Box::new(|page: &mut Page| {
            let width = page.width - 2.0 * MARGIN;
            page.text(
                MARGIN,
                22.0,
                width,
                &format!("《{}》", self.title),
                Style::new(16.0).bold().align(Align::Center),
            );
            page.text(
                MARGIN,
                44.0,
                width,
                &format!(
                    "{}　{}　共 {} {}",
                    self.estate, self.period, count, self.noun
                ),
                Style::new(9.5).align(Align::Center),
            );
            62.0
        });
        let mut flow = Flow::new(
            &format!("{} {} {}", self.title, self.estate, self.period),
            A4_LANDSCAPE,
            32.0,
            header,
        )?;
        let grid = Grid::proportional(
            MARGIN,
            A4_LANDSCAPE.width - 2.0 * MARGIN,
            self.weights,
            self.size,
        );
        let head = Row::new(self.headers.iter().map(|h| Cell::label(*h)).collect());
        let rows = rows
            .into_iter()
            .map(|cells| Row::new(cells.into_iter().map(Cell::value).collect()));
        flow.table(&grid, head, rows, &mut report(progress, count as u64));
        if count == 0 {
            let y = flow.y + 8.0;
            flow.page()
                .text(MARGIN, y, 0.0, self.empty, Style::new(10.0));
        }
        let footer = format!("{}　生成：{}", self.estate, local(Some(&time::to_db(now))));
        save(out, flow.finish(&footer, now)?)
    }
}
