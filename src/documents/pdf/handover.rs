//! The 《交接班记录》 as the desk prints it, on A4: the shift and its hours, who handed over and who
//! accepted, when; the 遗留问题 (the duty-log entries open at the handover, each with what became
//! of it since, and the free text), what the shift converted into intakes, 注意事项, the things
//! lent out, the incoming clerk's remark and both signatures (signed in the system by password).
//!
//! Invariant: a long record continues on further pages under the same header.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::layout::{Cell, Flow, Grid, Page, Row, A4, MARGIN};
use super::{local, numbered, opt, save, Written};
use crate::documents::disclosure::Disclosure;
use crate::duty::{self, DutyEntry};
use crate::error::Result;
use crate::estate;

/// Writes the handover record `handover` (id or number) to `out`.
pub fn handover(
    conn: &Connection,
    handover: &str,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let h = duty::handover(conn, handover)?;
    let estate = estate::estate(conn, &h.shift.estate_id)?;
    let title = format!("{}客服中心交接班记录", estate.name);
    let no = h.no.clone();
    let header = Box::new(|page: &mut Page| page.form_title(&title, &format!("编号：{no}")));
    let mut flow = Flow::new(&format!("交接班记录 {}", h.no), A4, 34.0, header)?;
    let width = A4.width - 2.0 * MARGIN;
    let grid = Grid::proportional(MARGIN, width, &[1.0, 2.0, 1.0, 2.0], 10.0);
    let entries = |list: &[DutyEntry]| -> Vec<String> {
        list.iter().map(|e| e.summary(disclosure)).collect()
    };
    let mut open: Vec<String> = entries(&h.open_entries);
    if let Some(t) = &h.open_text {
        open.push(t.clone());
    }
    let lent: Vec<String> = h
        .lent
        .iter()
        .map(|l| {
            format!(
                "{}　借用人：{}　{}",
                l.item,
                l.lent_to,
                if l.returned { "已归还" } else { "未归还" }
            )
        })
        .collect();
    let on_duty = format!(
        "{} 至 {}",
        local(Some(&h.shift.started_at)),
        local(h.shift.ended_at.as_deref().or(Some(&h.handed_at)))
    );
    let pair = |a: &str, b: String| [Cell::label(a), Cell::value(b)];
    let wide = |a: &str, b: String, min: f32| {
        Row::new(vec![Cell::label(a), Cell::value(b).span(3)]).min_height(min)
    };
    let accepted = match (&h.incoming, &h.accepted_at) {
        (Some(name), Some(at)) => (name.clone(), local(Some(at))),
        _ => ("（待接班）".into(), String::new()),
    };
    let signed = |name: &str, done: bool| {
        if done {
            format!("{name}（已凭密码签认）")
        } else {
            String::new()
        }
    };
    let rows = [
        Row::new(
            [
                pair("班次", format!("{}（{}）", h.shift.name, h.shift.hours)),
                pair("当班时间", on_duty),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("交班人", h.outgoing.clone()),
                pair("交班时间", local(Some(&h.handed_at))),
            ]
            .concat(),
        ),
        Row::new(
            [
                pair("接班人", accepted.0.clone()),
                pair("接班时间", accepted.1),
            ]
            .concat(),
        ),
        wide("遗留问题", numbered(&open), 90.0),
        wide("本班已转登记", numbered(&entries(&h.converted)), 40.0),
        wide("注意事项", opt(&h.notes), 50.0),
        wide("借出物品", numbered(&lent), 40.0),
        wide("接班意见", opt(&h.accept_note), 30.0),
        Row::new(
            [
                pair("交班人签名", signed(&h.outgoing, true)),
                pair("接班人签名", signed(&accepted.0, h.accepted_at.is_some())),
            ]
            .concat(),
        )
        .min_height(30.0),
    ];
    for row in &rows {
        flow.row(&grid, row);
    }
    let footer = format!(
        "交班人向接班人交待班内遗留问题及应注意事项，常用工具、器械同时点交清楚。打印：{}",
        local(Some(&crate::time::to_db(now)))
    );
    save(out, flow.finish(&footer, now)?)
}
