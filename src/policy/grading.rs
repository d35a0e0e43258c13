//! The grading policy: the thresholds of the grading table (domain.md §4 "Grading"), who handles
//! each grade and how fast, and the escalation rules, with the seeds' defaults and their checks.
//!
//! Pure data and its checks: the rules that read it are in [`crate::grading`].
//!
//! Invariants: every number the grading and escalation rules use is a field here, never a
//! constant of the code; [`validate`] refuses a policy the rules could not apply (a threshold
//! below 1, a window outside 1–3660 days).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::vocab::{Grade, Role};

/// Who handles a grade and how fast the first response must come.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Duty {
    /// The person responsible (总经理, 总经理助理, 项目经理, 客户主管).
    pub responsible: String,
    /// The first-response limit, in words (当天, 1小时, 2天或业主要求日期).
    pub first_response: String,
}

impl Default for Duty {
    fn default() -> Self {
        Duty {
            responsible: "客户主管".into(),
            first_response: "2天或业主要求日期".into(),
        }
    }
}

/// Escalation rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct EscalationPolicy {
    /// Failed attempts (未达成一致 / 未联系上) on one complaint within `window_days` that escalate.
    pub failed_attempts: i64,
    pub window_days: i64,
    /// The superior a failed-attempts escalation goes to…
    pub to_role: Role,
    /// …unless the attempt was made by a supervisor already: then to this role.
    pub then_role: Role,
    /// Who hears of a 重大 complaint the same day.
    pub major_to_role: Role,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        EscalationPolicy {
            failed_attempts: 3,
            window_days: 7,
            to_role: Role::Supervisor,
            then_role: Role::ProjectManager,
            major_to_role: Role::GeneralManager,
        }
    }
}

/// The grading table (domain.md "Grading"), every threshold configurable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct GradingPolicy {
    /// 重大: distinct households of the estate with the same issue.
    pub major_households: i64,
    /// 重大: claimed amount, in fen.
    pub major_claim_fen: i64,
    /// 重大: people in a collective complaint.
    pub major_collective: i64,
    /// 重大: days a 重要 (or higher) complaint may stay open.
    pub major_important_open_days: i64,
    /// 重大: days a valid complaint may stay unresolved.
    pub major_valid_open_days: i64,
    /// 热点: distinct complainants of the same issue within `hot_window_days`.
    pub hot_complainants: i64,
    pub hot_window_days: i64,
    /// 热点: people in a collective complaint.
    pub hot_collective: i64,
    /// 热点: days unresolved through the company's fault.
    pub hot_fault_open_days: i64,
    /// 重要: complaints by the same customer about the same category within the window.
    pub important_repeats: i64,
    pub important_repeat_window_days: i64,
    /// 重要: failed attempts (未达成一致 / 未联系上) without agreement.
    pub important_failed_attempts: i64,
    /// Days around a complaint's intake in which [`suggest_issues`](crate::grading::suggest_issues) looks for the same problem.
    pub suggest_window_days: i64,
    pub major: Duty,
    pub hot: Duty,
    pub important: Duty,
    pub general: Duty,
    pub escalation: EscalationPolicy,
}

impl Default for GradingPolicy {
    fn default() -> Self {
        let duty = |r: &str, f: &str| Duty {
            responsible: r.into(),
            first_response: f.into(),
        };
        GradingPolicy {
            major_households: 5,
            major_claim_fen: 2_000_000, // ¥20,000
            major_collective: 10,
            major_important_open_days: 90,
            major_valid_open_days: 30,
            hot_complainants: 3,
            hot_window_days: 30,
            hot_collective: 3,
            hot_fault_open_days: 7,
            important_repeats: 2,
            important_repeat_window_days: 365,
            important_failed_attempts: 3,
            suggest_window_days: 90,
            major: duty("总经理", "当天"),
            hot: duty("总经理助理", "1小时"),
            important: duty("项目经理", "1小时"),
            general: Duty::default(),
            escalation: EscalationPolicy::default(),
        }
    }
}

impl GradingPolicy {
    /// The duty of a grade.
    pub fn duty(&self, grade: Grade) -> &Duty {
        match grade {
            Grade::Major => &self.major,
            Grade::Hot => &self.hot,
            Grade::Important => &self.important,
            Grade::General => &self.general,
        }
    }
}

/// Checks a grading policy's numbers (for the policy editor).
pub fn validate(p: &GradingPolicy) -> Result<()> {
    for (field, label, v) in [
        (
            "grading.major_households",
            "重大投诉户数",
            p.major_households,
        ),
        (
            "grading.major_collective",
            "重大集体投诉人数",
            p.major_collective,
        ),
        (
            "grading.hot_complainants",
            "热点投诉人数",
            p.hot_complainants,
        ),
        (
            "grading.hot_collective",
            "热点集体投诉人数",
            p.hot_collective,
        ),
        (
            "grading.important_repeats",
            "重复投诉次数",
            p.important_repeats,
        ),
        (
            "grading.important_failed_attempts",
            "沟通未果次数",
            p.important_failed_attempts,
        ),
        (
            "grading.escalation.failed_attempts",
            "上报沟通未果次数",
            p.escalation.failed_attempts,
        ),
        ("grading.major_claim_fen", "重大索赔金额", p.major_claim_fen),
    ] {
        if v < 1 {
            return Err(Error::invalid(field, label, "应为正数"));
        }
    }
    for (field, label, v) in [
        (
            "grading.major_important_open_days",
            "重要投诉最长未解决天数",
            p.major_important_open_days,
        ),
        (
            "grading.major_valid_open_days",
            "有效投诉最长未解决天数",
            p.major_valid_open_days,
        ),
        ("grading.hot_window_days", "热点统计天数", p.hot_window_days),
        (
            "grading.hot_fault_open_days",
            "公司责任未解决天数",
            p.hot_fault_open_days,
        ),
        (
            "grading.important_repeat_window_days",
            "重复投诉统计天数",
            p.important_repeat_window_days,
        ),
        (
            "grading.suggest_window_days",
            "同一问题查找天数",
            p.suggest_window_days,
        ),
        (
            "grading.escalation.window_days",
            "上报统计天数",
            p.escalation.window_days,
        ),
    ] {
        if !(1..=3660).contains(&v) {
            return Err(Error::invalid(field, label, "应为 1 到 3660 天"));
        }
    }
    Ok(())
}
