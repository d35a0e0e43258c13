//! The handovers of a period as one register (交接班记录登记): one row per handover, oldest first,
//! with the shift, both clerks and times, the open matters handed over, what the shift converted,
//! 注意事项, the things lent out and the incoming clerk's remark.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::sheet::{Cell, Column, Width};
use super::{small_register, Written};
use crate::actor::Actor;
use crate::documents::disclosure::Disclosure;
use crate::duty::{self, DutyEntry, Handover};
use crate::error::Result;
use crate::time::Period;

/// The register's title.
pub const TITLE: &str = "交接班记录";

/// Writes the handovers of `period` that `viewer` may see (all for a supervisor, else their own)
/// to `out`.
pub fn handover_register(
    conn: &Connection,
    estate_id: &str,
    viewer: &Actor,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let (from, to) = period.bounds()?;
    let rows = duty::handovers(conn, estate_id, viewer, from, to)?;
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

fn lines(list: &[DutyEntry], extra: Option<&str>, d: Disclosure) -> String {
    list.iter()
        .map(|e| e.summary(d))
        .chain(extra.map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n")
}

fn columns() -> Vec<Column<Handover>> {
    vec![
        Column {
            header: "编号",
            width: Width::Fit(16.0),
            value: |h, _| Cell::str(&h.no),
        },
        Column {
            header: "班次",
            width: Width::Fit(16.0),
            value: |h, _| Cell::owned(format!("{}（{}）", h.shift.name, h.shift.hours)),
        },
        Column {
            header: "当班开始",
            width: Width::Fit(16.0),
            value: |h, _| Cell::time(Some(&h.shift.started_at)),
        },
        Column {
            header: "交班人",
            width: Width::Fit(10.0),
            value: |h, _| Cell::str(&h.outgoing),
        },
        Column {
            header: "交班时间",
            width: Width::Fit(16.0),
            value: |h, _| Cell::time(Some(&h.handed_at)),
        },
        Column {
            header: "接班人",
            width: Width::Fit(10.0),
            value: |h, _| Cell::text(h.incoming.as_deref()),
        },
        Column {
            header: "接班时间",
            width: Width::Fit(16.0),
            value: |h, _| Cell::time(h.accepted_at.as_deref()),
        },
        Column {
            header: "遗留问题",
            width: Width::Wrap(48.0),
            value: |h, d| Cell::owned(lines(&h.open_entries, h.open_text.as_deref(), d)),
        },
        Column {
            header: "本班已转登记",
            width: Width::Wrap(40.0),
            value: |h, d| Cell::owned(lines(&h.converted, None, d)),
        },
        Column {
            header: "注意事项",
            width: Width::Wrap(30.0),
            value: |h, _| Cell::text(h.notes.as_deref()),
        },
        Column {
            header: "借出物品",
            width: Width::Wrap(30.0),
            value: |h, _| {
                Cell::owned(
                    h.lent
                        .iter()
                        .map(|l| {
                            format!(
                                "{}（{}，{}）",
                                l.item,
                                l.lent_to,
                                if l.returned { "已归还" } else { "未归还" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            },
        },
        Column {
            header: "接班意见",
            width: Width::Wrap(24.0),
            value: |h, _| Cell::text(h.accept_note.as_deref()),
        },
    ]
}
