//! The desk's registers of a period as PDF, on A4 landscape with the title and the table header
//! repeated on every page and 第 N 页，共 M 页 at the foot: the 《客户投诉处理记录表》 with the
//! printed subset of its workbook's columns ([`complaint_register`]: the workbook's rows, one per
//! complaint registered in the period — cases and 投诉 settled at the desk — voided ones left out,
//! oldest first), and any other register with its workbook's columns ([`register_table`]).

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;

use super::layout::{Align, Cell, Flow, Grid, Page, Row, Style, A4_LANDSCAPE, MARGIN};
use super::{local, report, save, Written};
use crate::documents::disclosure::Disclosure;
use crate::documents::xlsx::sheet::Column;
use crate::documents::xlsx::tables;
use crate::error::{Error, Result};
use crate::estate;
use crate::time;
use crate::Progress;

/// Writes the register of the complaints registered from `from` to `to` (Beijing dates,
/// inclusive) to `out`: the rows of the workbook's register (complaint cases and 投诉 settled or
/// left at the desk without one) with the printed subset of its columns
/// ([`tables::complaint_print_columns`]); `progress` is told `(rows done, rows)`.
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
    let start = |d: NaiveDate| time::parse_input("from", "开始日期", &d.to_string());
    let q = tables::Query {
        conn,
        estate_id,
        from: start(from)?,
        to: start(to + Duration::days(1))?,
        now,
    };
    let mut rows = Vec::new();
    (tables::COMPLAINT_REGISTER.each)(&q, &mut |each| {
        for row in each {
            rows.push(row?);
        }
        Ok(rows.len() as u64)
    })?;
    let table = Table {
        title: crate::documents::register::Register::Complaints.title(),
        period: &format!("{from} 至 {to}"),
        noun: "件",
        empty: "本期没有登记投诉。",
    };
    table.print(
        conn,
        estate_id,
        &tables::complaint_print_columns(),
        &rows,
        disclosure,
        now,
        out,
        progress,
    )
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
    let table = Table {
        title,
        period,
        noun: "条",
        empty: "本期没有记录。",
    };
    table.print(
        conn, estate_id, columns, rows, disclosure, now, out, progress,
    )
}

/// A register printed with workbook columns: its title, period, and how its count and its
/// emptiness are said.
struct Table<'a> {
    title: &'a str,
    period: &'a str,
    /// What the count counts: 件 (complaints), 条 (entries).
    noun: &'a str,
    /// Said instead of rows when there are none.
    empty: &'a str,
}

impl Table<'_> {
    #[allow(clippy::too_many_arguments)]
    fn print<R>(
        &self,
        conn: &Connection,
        estate_id: &str,
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
            title: self.title,
            period: self.period,
            headers: &headers,
            weights: &weights,
            size,
            noun: self.noun,
            empty: self.empty,
        };
        page.print(cells, now, out, progress)
    }
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
