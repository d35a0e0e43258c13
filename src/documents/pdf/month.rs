//! The month-end report (客服月报) a manager reads: the KPIs of the month beside their targets
//! (missed ones in red), bar charts of complaints by category and by department and of the rates
//! against their targets, and counts by grade, channel and status with handling times.
//!
//! Invariant: every figure comes from [`kpi::compute`] for the month, so the report agrees with
//! the KPI screen and the month-end workbook.

use std::path::Path;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rusqlite::Connection;

use super::layout::{
    Align, Bar, Cell, Colour, Flow, Grid, Page, Row, Style, A4, BAR, GREEN, GREY, MARGIN, RED,
};
use super::{local, save, Written};
use crate::error::{Error, Result};
use crate::estate;
use crate::kpi::{self, Count, Kpi};

/// Writes the report of the month starting `month` (any day of it) to `out`.
pub fn month_report(
    conn: &Connection,
    estate_id: &str,
    month: NaiveDate,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let first = month
        .with_day(1)
        .ok_or_else(|| Error::invalid("month", "月份", "无效的月份"))?;
    let next = first
        .checked_add_months(Months::new(1))
        .ok_or_else(|| Error::invalid("month", "月份", "无效的月份"))?;
    let report = kpi::compute(conn, estate_id, first, next, now)?;
    let estate = estate::estate(conn, estate_id)?;
    let title = format!("{}客服月报", estate.name);
    let subtitle = format!(
        "{}年{}月（{} 至 {}）　入住户数 {}　统计截至 {}",
        first.year(),
        first.month(),
        report.from,
        report.to,
        report.households,
        local(Some(&report.as_of))
    );
    let mut first_page = true;
    let header = Box::new(|page: &mut Page| {
        let width = page.width - 2.0 * MARGIN;
        if first_page {
            first_page = false;
            page.text(
                MARGIN,
                26.0,
                width,
                &title,
                Style::new(18.0).bold().align(Align::Center),
            );
            page.text(
                MARGIN,
                52.0,
                width,
                &subtitle,
                Style::new(9.5).align(Align::Center),
            );
            72.0
        } else {
            page.text(
                MARGIN,
                22.0,
                width,
                &format!("{title}（续）"),
                Style::new(9.0).align(Align::Right),
            );
            40.0
        }
    });
    let mut flow = Flow::new(
        &format!("{title} {}-{:02}", first.year(), first.month()),
        A4,
        36.0,
        header,
    )?;
    let width = A4.width - 2.0 * MARGIN;

    flow.heading("一、关键指标", 12.0, 60.0);
    let grid = Grid::proportional(MARGIN, width, &[2.0, 1.0, 1.0, 1.2, 0.9, 4.0], 9.0);
    let head = Row::new(
        ["指标", "本月", "目标", "计算", "是否达标", "口径"]
            .into_iter()
            .map(Cell::label)
            .collect(),
    );
    let rows = report.kpis.iter().map(|k| {
        let colour = verdict_colour(k);
        Row::new(vec![
            Cell::value(k.label),
            Cell::value(k.value.map_or("—".into(), |v| format!("{v:.1}%"))).colour(colour),
            Cell::value(format!("{} {}%", comparison(k), trim(k.target))),
            Cell::value(format!("{} / {}", k.numerator, k.denominator)),
            Cell::value(verdict(k)).colour(colour),
            Cell::value(k.definition),
        ])
    });
    flow.table(&grid, head, rows, &mut |_: u64| {});

    flow.heading("二、各项比率与目标（虚线为目标）", 12.0, 40.0);
    let rate_bars: Vec<Bar> = report
        .kpis
        .iter()
        .map(|k| Bar {
            label: k.label.to_string(),
            value: k.value.unwrap_or(0.0),
            text: k.value.map_or("无数据".into(), |v| {
                format!("{v:.1}%（目标 {} {}%）", comparison(k), trim(k.target))
            }),
            target: Some(k.target),
            colour: if k.met == Some(false) { RED } else { BAR },
        })
        .collect();
    flow.bars(&rate_bars, Some(100.0));

    flow.heading("三、本月投诉 · 按类别", 12.0, 40.0);
    count_bars(&mut flow, &report.complaints.by_category);
    flow.heading("四、本月投诉 · 按责任部门", 12.0, 40.0);
    count_bars(&mut flow, &report.complaints.by_department);

    flow.heading("五、分类统计", 12.0, 60.0);
    let half = Grid::proportional(MARGIN, width, &[2.0, 1.0, 2.0, 1.0, 2.0, 1.0], 9.0);
    let column = |counts: &[Count]| -> Vec<(String, String)> {
        counts
            .iter()
            .map(|c| (c.label.clone(), c.count.to_string()))
            .collect()
    };
    let lists = [
        column(&report.complaints.by_grade),
        column(&report.intakes.by_channel),
        column(&report.complaints.by_status),
    ];
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    let head = Row::new(
        [
            "投诉等级",
            "件数",
            "来访渠道（全部登记）",
            "件数",
            "投诉状态",
            "件数",
        ]
        .into_iter()
        .map(Cell::label)
        .collect(),
    );
    let rows = (0..longest).map(|i| {
        Row::new(
            lists
                .iter()
                .flat_map(|l| {
                    let (a, b) = l.get(i).cloned().unwrap_or_default();
                    [Cell::value(a), Cell::value(b)]
                })
                .collect(),
        )
    });
    flow.table(&half, head, rows, &mut |_: u64| {});

    flow.heading("六、平均处理时长（本月结案）", 12.0, 60.0);
    let grid = Grid::proportional(MARGIN, width, &[2.0, 1.0, 1.5], 9.0);
    let head = Row::new(
        ["投诉等级", "结案件数", "平均处理时长（小时）"]
            .into_iter()
            .map(Cell::label)
            .collect(),
    );
    let rows = report.handling_time.by_grade.iter().map(|h| {
        Row::new(vec![
            Cell::value(h.label.clone()),
            Cell::value(h.count.to_string()),
            Cell::value(format!("{:.1}", h.average_hours)),
        ])
    });
    flow.table(&grid, head, rows, &mut |_: u64| {});

    let footer = format!(
        "{}　生成：{}",
        estate.name,
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}

fn count_bars(flow: &mut Flow, counts: &[Count]) {
    if counts.is_empty() {
        let y = flow.y;
        flow.page().text(
            MARGIN,
            y,
            0.0,
            "（本月无投诉）",
            Style::new(9.0).colour(GREY),
        );
        flow.gap(14.0);
        return;
    }
    let bars: Vec<Bar> = counts
        .iter()
        .map(|c| Bar {
            label: c.label.clone(),
            value: c.count as f64,
            text: format!("{} 件", c.count),
            target: None,
            colour: BAR,
        })
        .collect();
    flow.bars(&bars, None);
}

fn comparison(k: &Kpi) -> &'static str {
    match k.comparison {
        kpi::Comparison::AtLeast => "≥",
        kpi::Comparison::AtMost => "≤",
        kpi::Comparison::Below => "<",
    }
}

/// `95` rather than `95.0`, `0.5` as is.
fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn verdict(k: &Kpi) -> &'static str {
    match k.met {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "无数据",
    }
}

fn verdict_colour(k: &Kpi) -> Colour {
    match k.met {
        Some(true) => GREEN,
        Some(false) => RED,
        None => GREY,
    }
}
