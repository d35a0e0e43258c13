//! Time: the clock the core reads, the one text form of timestamps in the store, and periods of
//! calendar days ([`Period`]: a month, the days typed at the desk, today by default).
//!
//! Invariants: every stored timestamp is UTC in the fixed form `YYYY-MM-DDTHH:MM:SS.mmmZ`, so text
//! order is time order. Times typed at the desk without an offset are Beijing time (UTC+8, no
//! daylight saving). Tests fix the clock with [`Clock::fixed`] and move it with [`Clock::advance`].

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{Error, Result};

/// The clock a [`crate::store::Store`] reads for "now".
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock standing still at `at` until advanced.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(t) => *t.lock().expect("clock lock"),
        }
    }

    /// Moves a fixed clock forward (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            let mut t = t.lock().expect("clock lock");
            *t += by;
        }
    }

    /// Sets a fixed clock (no effect on the system clock).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(t) = &self.0 {
            *t.lock().expect("clock lock") = at;
        }
    }
}

/// Beijing time, the desk's local time.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The stored text form of a timestamp.
pub fn to_db(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Reads a stored timestamp.
pub fn from_db(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::Corrupt(format!("时间格式错误：{s}")))
}

/// A length of time as the desk says it: "2天3小时", "5小时12分钟", "45分钟".
pub fn duration_words(seconds: i64) -> String {
    let (d, h, m) = (seconds / 86400, seconds % 86400 / 3600, seconds % 3600 / 60);
    match (d, h) {
        (0, 0) => format!("{}分钟", m.max(1)),
        (0, _) => format!("{h}小时{m}分钟"),
        _ => format!("{d}天{h}小时"),
    }
}

/// The calendar day (Beijing time) a timestamp falls on.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// Parses a time typed at the desk or given in JSON: RFC 3339 with offset, or
/// `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` in Beijing time, or a bare date (00:00).
pub fn parse_input(field: &'static str, label: &'static str, s: &str) -> Result<DateTime<Utc>> {
    let s = crate::validate::fold_fullwidth(s.trim());
    if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&s, fmt) {
            return local_to_utc(n, field, label);
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(&s, fmt) {
            return local_to_utc(d.and_hms_opt(0, 0, 0).expect("midnight"), field, label);
        }
    }
    Err(Error::invalid(
        field,
        label,
        format!("时间“{s}”格式不正确，应为 2026-11-23 14:30"),
    ))
}

fn local_to_utc(
    n: NaiveDateTime,
    field: &'static str,
    label: &'static str,
) -> Result<DateTime<Utc>> {
    beijing()
        .from_local_datetime(&n)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::invalid(field, label, "时间不存在"))
}

/// Parses a calendar date (`YYYY-MM-DD`).
pub fn parse_date(field: &'static str, label: &'static str, s: &str) -> Result<NaiveDate> {
    let s = crate::validate::fold_fullwidth(s.trim());
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&s, "%Y/%m/%d"))
        .map_err(|_| {
            Error::invalid(
                field,
                label,
                format!("日期“{s}”格式不正确，应为 2026-11-23"),
            )
        })
}

/// A period of Beijing calendar days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The days `from` to `to`, inclusive; `to` may not be before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::invalid("to", "结束日期", "不能早于开始日期"));
        }
        Ok(Period { from, to })
    }

    /// The days typed as `from` and `to` (YYYY-MM-DD), each error naming its field.
    pub fn parse(from: &str, to: &str) -> Result<Period> {
        Period::new(
            parse_date("from", "开始日期", from)?,
            parse_date("to", "结束日期", to)?,
        )
    }

    /// The days typed as `from` and `to` (YYYY-MM-DD); a date left empty is today (Beijing) at
    /// `now`. What the desk's lists and the CLI's `--from`/`--to` take.
    pub fn days_or_today(
        from: Option<&str>,
        to: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Period> {
        let today = local_date(now);
        let day = |field, label, s: Option<&str>| match s.map(str::trim) {
            Some(s) if !s.is_empty() => parse_date(field, label, s),
            _ => Ok(today),
        };
        Period::new(day("from", "开始日期", from)?, day("to", "结束日期", to)?)
    }

    /// A calendar month given as `YYYY-MM`.
    pub fn month(s: &str) -> Result<Period> {
        let folded = crate::validate::fold_fullwidth(s.trim());
        let from =
            NaiveDate::parse_from_str(&format!("{folded}-01"), "%Y-%m-%d").map_err(|_| {
                Error::invalid(
                    "month",
                    "月份",
                    format!("“{}”格式不正确，应为 2026-11", s.trim()),
                )
            })?;
        let next = from
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(|| Error::invalid("month", "月份", "月份超出范围"))?;
        Ok(Period {
            from,
            to: next - Duration::days(1),
        })
    }

    /// The calendar quarter containing `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        let first = NaiveDate::from_ymd_opt(day.year(), (day.month0() / 3) * 3 + 1, 1)
            .expect("a quarter's first day exists");
        let next = first
            .checked_add_months(chrono::Months::new(3))
            .expect("a quarter ends");
        Period {
            from: first,
            to: next - Duration::days(1),
        }
    }

    /// The quarter given as `2026-Q4`, or (none or blank) the quarter of `now`'s Beijing day.
    pub fn quarter_or_current(s: Option<&str>, now: DateTime<Utc>) -> Result<Period> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            Some(q) => Period::quarter(q),
            None => Ok(Period::quarter_of(local_date(now))),
        }
    }

    /// A calendar quarter given as `2026-Q4` (or `2026Q4`, `2026-4`).
    pub fn quarter(s: &str) -> Result<Period> {
        let folded = crate::validate::fold_fullwidth(s.trim()).to_uppercase();
        let bad = || {
            Error::invalid(
                "quarter",
                "季度",
                format!("“{}”格式不正确，应为 2026-Q4", s.trim()),
            )
        };
        let (year, q) = folded
            .split_once('-')
            .or_else(|| folded.split_once('Q'))
            .ok_or_else(bad)?;
        let year: i32 = year.trim().parse().map_err(|_| bad())?;
        let q: u32 = q
            .trim()
            .trim_start_matches('Q')
            .parse()
            .map_err(|_| bad())?;
        if !(1..=4).contains(&q) {
            return Err(bad());
        }
        let first = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or_else(bad)?;
        Ok(Period::quarter_of(first))
    }

    /// The month typed as `YYYY-MM`, or (empty) the month of today (Beijing) at `now`.
    pub fn month_or_this(s: Option<&str>, now: DateTime<Utc>) -> Result<Period> {
        match s.map(str::trim) {
            Some(m) if !m.is_empty() => Period::month(m),
            _ => Period::month(&local_date(now).format("%Y-%m").to_string()),
        }
    }

    /// The period as UTC instants `[start, end)`.
    pub fn bounds(&self) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let start = |d: NaiveDate| -> Result<DateTime<Utc>> {
            beijing()
                .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| Error::invalid("from", "开始日期", "日期超出范围"))
        };
        Ok((start(self.from)?, start(self.to + Duration::days(1))?))
    }

    /// How the period is printed: 2026年11月 for a whole month, else 2026-11-01 至 2026-11-07.
    pub fn label(&self) -> String {
        let whole_month = self.from.day() == 1
            && self.from.checked_add_months(chrono::Months::new(1))
                == Some(self.to + Duration::days(1));
        if whole_month {
            format!("{}年{}月", self.from.year(), self.from.month())
        } else {
            format!("{} 至 {}", self.from, self.to)
        }
    }
}
