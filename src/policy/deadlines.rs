//! The deadline rules as policy data: each rule's amount, unit and "due soon" threshold, and the
//! weekend, with the seeds' defaults and their checks.
//!
//! Pure data: computing a due time from a rule (working days, pauses, states) is
//! [`crate::deadlines`]'s, which also reads the weekend into the working calendar
//! ([`crate::calendar`]).
//!
//! Invariants: every time limit the desk works to is a rule here, never a constant of the code;
//! [`DeadlinePolicy::validate`] refuses amounts beyond 366 days' worth, negative thresholds and a
//! weekend that is not 1–7 without repeats or leaves no working weekday ([`check_weekend`]).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a rule's amount is counted. (`DeadlineUnit` in the UI's bindings, beside the estate's
/// `Unit`, a 房号.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", specta(rename = "DeadlineUnit"))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Minutes,
    Hours,
    CalendarDays,
    WorkingDays,
    /// End (24:00 Beijing) of the start's day plus `amount` days.
    EndOfDay,
}

/// One deadline rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// What the desk sees, e.g. 联系业主.
    pub label: String,
    pub amount: i64,
    pub unit: Unit,
    /// A step not met this many minutes before its due time is "due soon".
    pub due_soon_minutes: i64,
}

impl Rule {
    fn new(label: &str, amount: i64, unit: Unit, due_soon_minutes: i64) -> Rule {
        Rule {
            label: label.into(),
            amount,
            unit,
            due_soon_minutes,
        }
    }
}

/// The deadline rules and the weekend, part of the estate's policy document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DeadlinePolicy {
    /// Rest days of the week, ISO numbers (1 = Monday … 7 = Sunday).
    pub weekend: Vec<u32>,
    /// Complaint: owner contacted, from the intake (an attempt that reached someone).
    pub complaint_contact: Rule,
    /// Complaint: handling plan agreed (an agreed attempt, or closing), from the intake.
    pub complaint_plan: Rule,
    /// First response per grade, from the intake or the last grade change.
    pub response_major: Rule,
    pub response_hot: Rule,
    pub response_important: Rule,
    /// 一般: settled (closed) — or by the end of the owner's requested date when given.
    pub settle_general: Rule,
    /// 协调单: the department answers (returned), from creation; the slip's printed deadline wins.
    pub slip_answer: Rule,
    /// Repairs: on site after dispatch (normal) / after the report (urgent).
    pub repair_on_site: Rule,
    pub repair_urgent_on_site: Rule,
    /// Repairs with a time agreed with the owner (预约维修时间): on site by the appointment, plus
    /// this margin (0: 严禁迟到); the order's other deadlines then run from the appointment.
    pub repair_appointment: Rule,
    /// Repairs finished, from the report (or the appointment): general faults (房屋/系统),
    /// urgent, others (特约).
    pub repair_general: Rule,
    pub repair_urgent: Rule,
    pub repair_other: Rule,
    /// Shared facilities (公共设施) finished, by scale.
    pub public_small: Rule,
    pub public_medium: Rule,
    pub public_large: Rule,
    /// Repair 回访 after sign-off: safety items, leaks, others.
    pub repair_followup_safety: Rule,
    pub repair_followup_leak: Rule,
    pub repair_followup_other: Rule,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        use Unit::*;
        DeadlinePolicy {
            weekend: vec![6, 7],
            complaint_contact: Rule::new("联系业主", 24, Hours, 240),
            complaint_plan: Rule::new("处理方案", 5, WorkingDays, 1440),
            response_major: Rule::new("重大投诉当天上报领导", 0, EndOfDay, 120),
            response_hot: Rule::new("热点投诉1小时内响应", 1, Hours, 15),
            response_important: Rule::new("重要投诉1小时内报项目经理", 1, Hours, 15),
            settle_general: Rule::new("一般投诉解决", 2, CalendarDays, 240),
            slip_answer: Rule::new("部门答复协调单", 24, Hours, 240),
            repair_on_site: Rule::new("派工后到场", 15, Minutes, 5),
            repair_urgent_on_site: Rule::new("紧急报修到场", 30, Minutes, 10),
            repair_appointment: Rule::new("按预约时间到场", 0, Minutes, 30),
            repair_general: Rule::new("一般故障修复", 8, Hours, 60),
            repair_urgent: Rule::new("紧急维修完成", 24, Hours, 120),
            repair_other: Rule::new("其他维修完成", 48, Hours, 240),
            public_small: Rule::new("公共设施小修当天完成", 0, EndOfDay, 120),
            public_medium: Rule::new("公共设施中修完成", 3, CalendarDays, 480),
            public_large: Rule::new("公共设施大修完成", 5, CalendarDays, 1440),
            repair_followup_safety: Rule::new("安全类维修回访", 2, CalendarDays, 480),
            repair_followup_leak: Rule::new("渗漏类维修回访", 3, CalendarDays, 480),
            repair_followup_other: Rule::new("维修回访", 7, CalendarDays, 1440),
        }
    }
}

impl DeadlinePolicy {
    /// Every rule with its name.
    pub fn rules(&self) -> Vec<(&'static str, &Rule)> {
        vec![
            ("complaint_contact", &self.complaint_contact),
            ("complaint_plan", &self.complaint_plan),
            ("response_major", &self.response_major),
            ("response_hot", &self.response_hot),
            ("response_important", &self.response_important),
            ("settle_general", &self.settle_general),
            ("slip_answer", &self.slip_answer),
            ("repair_on_site", &self.repair_on_site),
            ("repair_urgent_on_site", &self.repair_urgent_on_site),
            ("repair_appointment", &self.repair_appointment),
            ("repair_general", &self.repair_general),
            ("repair_urgent", &self.repair_urgent),
            ("repair_other", &self.repair_other),
            ("public_small", &self.public_small),
            ("public_medium", &self.public_medium),
            ("public_large", &self.public_large),
            ("repair_followup_safety", &self.repair_followup_safety),
            ("repair_followup_leak", &self.repair_followup_leak),
            ("repair_followup_other", &self.repair_followup_other),
        ]
    }

    /// Checks the weekend and every rule (amounts 0–366 days' worth, non-negative thresholds).
    pub fn validate(&self) -> Result<()> {
        check_weekend(&self.weekend)?;
        for (name, r) in self.rules() {
            let max = match r.unit {
                Unit::Minutes => 366 * 24 * 60,
                Unit::Hours => 366 * 24,
                _ => 366,
            };
            if !(0..=max).contains(&r.amount) || r.due_soon_minutes < 0 {
                return Err(Error::invalid(
                    "deadlines",
                    "时限规则",
                    format!("规则 {name}（{}）的时限或提醒阈值超出范围", r.label),
                ));
            }
        }
        Ok(())
    }
}

/// Checks a weekend rule: ISO weekday numbers 1–7, no repeats, at least one working weekday.
pub fn check_weekend(weekend: &[u32]) -> Result<()> {
    let bad = || {
        Error::invalid(
            "deadlines.weekend",
            "周末",
            "应为 1–7 的不重复星期数字（1=周一，7=周日），且至少留一个工作日",
        )
    };
    if weekend.len() >= 7 || weekend.iter().any(|d| !(1..=7).contains(d)) {
        return Err(bad());
    }
    if (1..weekend.len()).any(|i| weekend[..i].contains(&weekend[i])) {
        return Err(bad());
    }
    Ok(())
}
