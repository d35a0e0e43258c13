//! The duty log's policy part: the desk's shifts (name and hours, Beijing time) and how early a
//! clerk comes on; which shift a clerk starts at a given time.
//!
//! Invariants: pure data and functions of it; a bad shift time is an input error naming the
//! policy field.

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time;

/// The desk's shifts (物业服务中心管理制度·客户服务中心值班制度: 白天 8:30–18:30 由客服部轮值，
/// 晚上 18:30–8:30 由监控室值班员负责；值班人员应提前15分钟到岗，以便交接班).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DutyPolicy {
    /// The shifts of a day, in order.
    pub shifts: Vec<ShiftHours>,
    /// Minutes before a shift's start from which a clerk coming on starts that shift.
    pub arrive_early_minutes: i64,
}

/// One shift of the day: its name and hours (Beijing time, `HH:MM`; a night shift ends the next
/// morning).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShiftHours {
    pub name: String,
    pub start: String,
    pub end: String,
}

impl Default for DutyPolicy {
    fn default() -> Self {
        let shift = |name: &str, start: &str, end: &str| ShiftHours {
            name: name.into(),
            start: start.into(),
            end: end.into(),
        };
        DutyPolicy {
            shifts: vec![
                shift("白班", "08:30", "18:30"),
                shift("夜班", "18:30", "08:30"),
            ],
            arrive_early_minutes: 15,
        }
    }
}

impl ShiftHours {
    /// `08:30–18:30`.
    pub fn hours(&self) -> String {
        format!("{}–{}", self.start, self.end)
    }

    /// Minutes after midnight of the start and the end.
    pub(crate) fn minutes(&self) -> Result<(i64, i64)> {
        let parse = |s: &str| -> Result<i64> {
            chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
                .map(|t| i64::from(t.hour() * 60 + t.minute()))
                .map_err(|_| {
                    Error::invalid(
                        "duty.shifts",
                        "值班班次",
                        format!("班次“{}”的时间“{s}”应为 HH:MM", self.name),
                    )
                })
        };
        Ok((parse(&self.start)?, parse(&self.end)?))
    }
}

impl DutyPolicy {
    /// The shift a clerk coming on at `at` starts: the one beginning within the early-arrival
    /// minutes, else the one whose hours contain `at`.
    pub fn shift_at(&self, at: DateTime<Utc>) -> Result<&ShiftHours> {
        let local = at.with_timezone(&time::beijing());
        let m = i64::from(local.hour() * 60 + local.minute());
        let day = 24 * 60;
        for s in &self.shifts {
            let (start, _) = s.minutes()?;
            let before = (start - m).rem_euclid(day);
            if before > 0 && before <= self.arrive_early_minutes {
                return Ok(s);
            }
        }
        for s in &self.shifts {
            let (start, end) = s.minutes()?;
            let inside = if start < end {
                (start..end).contains(&m)
            } else {
                m >= start || m < end
            };
            if inside {
                return Ok(s);
            }
        }
        self.shifts
            .first()
            .ok_or_else(|| Error::invalid("duty.shifts", "值班班次", "至少需要一个班次"))
    }

    /// The shift named `name` (a policy name).
    pub(crate) fn named(&self, name: &str) -> Result<&ShiftHours> {
        self.shifts
            .iter()
            .find(|s| s.name == name.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = self.shifts.iter().map(|s| s.name.as_str()).collect();
                Error::invalid(
                    "shift",
                    "班次",
                    format!(
                        "“{}”不是本小区的班次，可选：{}",
                        name.trim(),
                        names.join("、")
                    ),
                )
            })
    }
}
