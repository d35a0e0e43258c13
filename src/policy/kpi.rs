//! The KPI targets the company publishes, in percent, as policy data with the seeds' defaults.
//!
//! Pure data: the KPIs judged against them are computed in [`crate::kpi`] (definitions in
//! `docs/kpis.md`).
//!
//! Invariant: [`KpiTargets::validate`] refuses a target outside 0–100 %.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The targets the company publishes, in percent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct KpiTargets {
    /// 有效投诉处理率 ≥ this.
    pub complaint_handling_pct: f64,
    /// 回访率 ≥ this.
    pub followup_pct: f64,
    /// 有效投诉率 < this (per household, per period).
    pub valid_complaint_pct: f64,
    /// 维修及时率 ≥ this.
    pub repair_timely_pct: f64,
    /// 维修质量合格率 ≥ this.
    pub repair_quality_pct: f64,
    /// 满意率 ≥ this.
    pub satisfaction_pct: f64,
    /// 首次响应及时率 ≥ this.
    pub first_response_pct: f64,
}

impl KpiTargets {
    /// Every target is a percentage between 0 and 100.
    pub fn validate(&self) -> Result<()> {
        for (field, label, v) in [
            (
                "kpi_targets.complaint_handling_pct",
                "有效投诉处理率目标",
                self.complaint_handling_pct,
            ),
            ("kpi_targets.followup_pct", "回访率目标", self.followup_pct),
            (
                "kpi_targets.valid_complaint_pct",
                "有效投诉率目标",
                self.valid_complaint_pct,
            ),
            (
                "kpi_targets.repair_timely_pct",
                "维修及时率目标",
                self.repair_timely_pct,
            ),
            (
                "kpi_targets.repair_quality_pct",
                "维修质量合格率目标",
                self.repair_quality_pct,
            ),
            (
                "kpi_targets.satisfaction_pct",
                "满意率目标",
                self.satisfaction_pct,
            ),
            (
                "kpi_targets.first_response_pct",
                "首次响应及时率目标",
                self.first_response_pct,
            ),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(Error::invalid(field, label, "应为 0–100 之间的百分数"));
            }
        }
        Ok(())
    }
}

impl Default for KpiTargets {
    fn default() -> Self {
        KpiTargets {
            complaint_handling_pct: 100.0,
            followup_pct: 100.0,
            valid_complaint_pct: 1.0,
            repair_timely_pct: 95.0,
            repair_quality_pct: 90.0,
            satisfaction_pct: 90.0,
            first_response_pct: 100.0,
        }
    }
}
