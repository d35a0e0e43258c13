//! The working calendar: which days count as working days for deadlines in working days.
//!
//! A day is decided in this order, first match wins:
//! 1. the estate's own override (table `calendar_days`, live rows only): holiday or working day;
//! 2. the shipped national calendar (`assets/calendar/cn-YYYY.json`, embedded at build time):
//!    public holidays (放假) and 调休 make-up working days (上班), as published by the State Council;
//! 3. the weekend rule of the estate's policy (`deadlines.weekend`, ISO weekday numbers, 6 and 7 by
//!    default): weekend days are rest days, all others working days.
//!
//! Invariants: all dates are Beijing calendar dates. Overrides are never deleted: setting a day again
//! updates the live row (audited), clearing it voids the row with a reason. Only supervisors edit.
//!
//! [`Calendar::add_working_days`] definition: the result is the same Beijing clock time on the n-th
//! working day strictly after the Beijing date of `from` (whether or not that date is itself a
//! working day). `n = 0` returns `from` unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::policy::deadlines::check_weekend;
use crate::store::Write;
use crate::time;
use crate::validate::TextRule;

/// The shipped national calendars, one per year.
const SHIPPED: &[&str] = &[
    include_str!("../assets/calendar/cn-2026.json"),
    include_str!("../assets/calendar/cn-2027.json"),
];

/// One shipped year as stored in the asset file.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct YearFile {
    year: i32,
    provisional: bool,
    note: String,
    holidays: Vec<HolidayRange>,
    workdays: Vec<MakeUpDay>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct HolidayRange {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct MakeUpDay {
    name: String,
    date: NaiveDate,
}

/// Where a day's status comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DaySource {
    /// The estate's own override.
    Estate,
    /// The State Council's published schedule.
    National,
    /// A national date not yet confirmed by a published schedule.
    Provisional,
    /// The weekend rule.
    Weekly,
}

impl DaySource {
    /// Every source, in display order.
    pub const ALL: [DaySource; 4] = [
        DaySource::Estate,
        DaySource::National,
        DaySource::Provisional,
        DaySource::Weekly,
    ];

    /// The code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            DaySource::Estate => "estate",
            DaySource::National => "national",
            DaySource::Provisional => "provisional",
            DaySource::Weekly => "weekly",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            DaySource::Estate => "本项目",
            DaySource::National => "国家安排",
            DaySource::Provisional => "国家（预计）",
            DaySource::Weekly => "周末规则",
        }
    }
}

/// How one day counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Day {
    pub date: NaiveDate,
    pub working: bool,
    /// 春节 / 国庆节调休上班 / 周末 / 工作日 / the estate's name.
    pub name: String,
    pub source: DaySource,
}

/// A shipped year's provenance, for display.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShippedYear {
    pub year: i32,
    pub provisional: bool,
    pub note: String,
}

/// A year of the calendar: its special days and provenance.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearView {
    pub year: i32,
    pub shipped: Option<ShippedYear>,
    /// Weekend days (ISO numbers, 1 = Monday … 7 = Sunday).
    pub weekend: Vec<u32>,
    /// Every day that differs from the plain weekend rule or is overridden by the estate.
    pub special_days: Vec<Day>,
    pub working_days: usize,
}

/// An estate's override row.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Override {
    pub id: String,
    pub estate_id: String,
    pub date: NaiveDate,
    pub working: bool,
    pub name: String,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// Setting one day for the estate.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct DayInput {
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// true: a working day (e.g. 调休上班); false: a rest day (holiday).
    pub working: Option<bool>,
    /// What the day is, e.g. 调休 / 公司年会.
    pub name: Option<String>,
}

const NAME: TextRule = TextRule::line("name", "名称", 30);
const REASON: TextRule = TextRule::line("reason", "原因", 200);

/// The calendar of one estate under one weekend rule, ready for day arithmetic.
#[derive(Clone, Debug)]
pub struct Calendar {
    weekend: Vec<u32>,
    days: BTreeMap<NaiveDate, Day>,
}

impl Calendar {
    /// The national calendar with `weekend` (ISO weekday numbers), without estate overrides.
    pub fn national(weekend: &[u32]) -> Result<Calendar> {
        check_weekend(weekend)?;
        let mut days = BTreeMap::new();
        for y in shipped_years()? {
            let source = if y.provisional {
                DaySource::Provisional
            } else {
                DaySource::National
            };
            for h in &y.holidays {
                for date in h.from.iter_days().take_while(|d| *d <= h.to) {
                    days.insert(
                        date,
                        Day {
                            date,
                            working: false,
                            name: h.name.clone(),
                            source,
                        },
                    );
                }
            }
            for m in &y.workdays {
                days.insert(
                    m.date,
                    Day {
                        date: m.date,
                        working: true,
                        name: m.name.clone(),
                        source,
                    },
                );
            }
        }
        Ok(Calendar {
            weekend: weekend.to_vec(),
            days,
        })
    }

    /// The estate's calendar: national days, its overrides, and `weekend`.
    pub fn load(conn: &Connection, estate_id: &str, weekend: &[u32]) -> Result<Calendar> {
        let mut cal = Calendar::national(weekend)?;
        for o in overrides(conn, estate_id)? {
            cal.days.insert(
                o.date,
                Day {
                    date: o.date,
                    working: o.working,
                    name: o.name,
                    source: DaySource::Estate,
                },
            );
        }
        Ok(cal)
    }

    /// The estate's calendar under its current policy's weekend rule.
    pub fn current(conn: &Connection, estate_id: &str) -> Result<Calendar> {
        let p = crate::policy::current(conn, estate_id)?.policy;
        Calendar::load(conn, estate_id, &p.deadlines.weekend)
    }

    /// How `date` counts.
    pub fn day(&self, date: NaiveDate) -> Day {
        if let Some(d) = self.days.get(&date) {
            return d.clone();
        }
        let weekend = self.weekend.contains(&date.weekday().number_from_monday());
        Day {
            date,
            working: !weekend,
            name: if weekend { "周末" } else { "工作日" }.into(),
            source: DaySource::Weekly,
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day(date).working
    }

    /// The same Beijing clock time on the n-th working day after the Beijing date of `from`
    /// (see the module doc).
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let start = time::local_date(from);
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = date.succ_opt().expect("date in range");
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        from + Duration::days((date - start).num_days())
    }

    /// A year's view: its special days and the count of working days.
    pub fn year(&self, year: i32) -> Result<YearView> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| Error::invalid("year", "年份", "年份超出范围"))?;
        let mut special_days = Vec::new();
        let mut working_days = 0;
        for date in first.iter_days().take_while(|d| d.year() == year) {
            let d = self.day(date);
            working_days += usize::from(d.working);
            if d.source != DaySource::Weekly {
                special_days.push(d);
            }
        }
        let shipped = shipped_years()?
            .into_iter()
            .find(|y| y.year == year)
            .map(|y| ShippedYear {
                year: y.year,
                provisional: y.provisional,
                note: y.note,
            });
        Ok(YearView {
            year,
            shipped,
            weekend: self.weekend.clone(),
            special_days,
            working_days,
        })
    }
}

fn shipped_years() -> Result<Vec<YearFile>> {
    SHIPPED
        .iter()
        .map(|s| {
            serde_json::from_str(s)
                .map_err(|e| Error::Corrupt(format!("内置节假日数据无法读取：{e}")))
        })
        .collect()
}

/// The estate's live overrides, by date.
pub fn overrides(conn: &Connection, estate_id: &str) -> Result<Vec<Override>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, estate_id, date, working, name, created_at, created_by, updated_at, updated_by
         FROM calendar_days WHERE estate_id = ?1 AND voided_at IS NULL ORDER BY date",
    )?;
    let rows = stmt.query_map(params![estate_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Override> {
    Ok(Override {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        date: {
            let s: String = r.get(2)?;
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?
        },
        working: r.get(3)?,
        name: r.get(4)?,
        created_at: r.get(5)?,
        created_by: r.get(6)?,
        updated_at: r.get(7)?,
        updated_by: r.get(8)?,
    })
}

fn live(conn: &Connection, estate_id: &str, date: NaiveDate) -> Result<Option<Override>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, estate_id, date, working, name, created_at, created_by, updated_at, updated_by
             FROM calendar_days WHERE estate_id = ?1 AND date = ?2 AND voided_at IS NULL",
        )?
        .query_row(params![estate_id, date.to_string()], row)
        .optional()?)
}

fn date_field(value: Option<&str>) -> Result<NaiveDate> {
    let s = value.ok_or_else(|| Error::invalid("date", "日期", "必填"))?;
    time::parse_date("date", "日期", s)
}

/// Sets one day of the estate's calendar (a holiday or a working day, with its name).
/// Supervisors only; setting an already overridden day updates it.
pub fn set_day(w: &mut Write, estate_id: &str, input: &DayInput) -> Result<Override> {
    w.actor.require(crate::auth::SUPERVISORS, "修改工作日历")?;
    let date = date_field(input.date.as_deref())?;
    let working = input
        .working
        .ok_or_else(|| Error::invalid("working", "是否上班", "请指明上班日或休息日"))?;
    let name = NAME.required(input.name.as_deref())?;
    match live(&w.tx, estate_id, date)? {
        Some(before) => {
            w.tx.execute(
                "UPDATE calendar_days SET working = ?1, name = ?2, updated_at = ?3, updated_by = ?4
                 WHERE id = ?5",
                params![working, name, w.now_db, w.actor.staff_id, before.id],
            )?;
            let after = live(&w.tx, estate_id, date)?.expect("row just updated");
            w.audit_update("calendar_day", &after.id, &before, &after)?;
            Ok(after)
        }
        None => {
            let id = w.new_id();
            w.tx.execute(
                "INSERT INTO calendar_days(id, estate_id, date, working, name, created_at, created_by,
                 updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
                params![
                    id,
                    estate_id,
                    date.to_string(),
                    working,
                    name,
                    w.now_db,
                    w.actor.staff_id
                ],
            )?;
            let o = live(&w.tx, estate_id, date)?.expect("row just inserted");
            w.audit_insert("calendar_day", &id, &o)?;
            Ok(o)
        }
    }
}

/// Removes the estate's override of a day (voided with a reason); the day counts as shipped again.
pub fn clear_day(
    w: &mut Write,
    estate_id: &str,
    date: Option<&str>,
    reason: Option<&str>,
) -> Result<()> {
    w.actor.require(crate::auth::SUPERVISORS, "修改工作日历")?;
    let date = date_field(date)?;
    let reason = REASON.required(reason)?;
    let o = live(&w.tx, estate_id, date)?
        .ok_or_else(|| Error::State(format!("{date} 没有本项目自定的日历设置")))?;
    w.tx.execute(
        "UPDATE calendar_days SET voided_at = ?1, voided_by = ?2, void_reason = ?3,
         updated_at = ?1, updated_by = ?2 WHERE id = ?4",
        params![w.now_db, w.actor.staff_id, reason, o.id],
    )?;
    w.audit_void("calendar_day", &o.id, &reason)
}
