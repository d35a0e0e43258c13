//! The repair 回访's policy part (维修回访制度): who visits how many of the month's repairs, by
//! role (经理回访率不低于10%；主管不低于30%；维修负责人不低于60%), and the 整改通知单's two
//! deadlines: the written notice to the repairer within 24 hours (回访中发现的问题，24小时内书面
//! 通知维修人员进行整改) and the rework after it.
//!
//! A notice late on either deadline is escalated to the supervisor role `overdue_to` names.
//!
//! Invariants: pure data and its checks; every quota names at least one role, no role is in two
//! quotas (a visit counts for one quota only), a percentage is 1–100; late notices go to a
//! supervisor role.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::vocab::Role;

/// The repair 回访's quotas and the rectification notice's deadlines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct RepairVisitPolicy {
    /// Who visits how many of the month's repairs, in the order the desk shows them.
    pub quotas: Vec<VisitQuota>,
    /// Hours from the 回访 by which the 整改通知单 is delivered to the repairer in writing.
    pub notify_hours: i64,
    /// Hours from the 回访 by which the rework is done. The seed sets no time; the default
    /// borrows two days (小修不过夜，中修1-3天).
    pub rework_hours: i64,
    /// Who a late notice (not delivered, or not reworked in time) is escalated to, on 待关注.
    pub overdue_to: Role,
}

/// One quota: a name as the seed calls the visitor, the app's roles that count for it, and the
/// least share of the month's repairs they visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitQuota {
    /// 管理处经理 / 主管 / 维修负责人.
    pub name: String,
    pub roles: Vec<Role>,
    /// Least percentage of the month's repairs.
    pub percent: u32,
}

impl Default for RepairVisitPolicy {
    fn default() -> Self {
        let quota = |name: &str, roles: &[Role], percent| VisitQuota {
            name: name.into(),
            roles: roles.to_vec(),
            percent,
        };
        RepairVisitPolicy {
            quotas: vec![
                quota("管理处经理", &[Role::ProjectManager], 10),
                quota("主管", &[Role::Supervisor], 30),
                // The desk has no 维修负责人 role; the 协调员 who dispatches the repairers visits
                // for them by default.
                quota("维修负责人", &[Role::Coordinator], 60),
            ],
            notify_hours: 24,
            rework_hours: 48,
            overdue_to: Role::Supervisor,
        }
    }
}

impl RepairVisitPolicy {
    /// The quota a visitor's role counts for, if any.
    pub fn quota_of(&self, role: Role) -> Option<&VisitQuota> {
        self.quotas.iter().find(|q| q.roles.contains(&role))
    }

    /// Checks the quotas and hours, naming the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, label, msg: String| Err(Error::invalid(field, label, msg));
        let mut seen: Vec<Role> = Vec::new();
        for q in &self.quotas {
            if q.name.trim().is_empty() {
                return bad("repair_visits.quotas", "回访比例", "每项须有名称".into());
            }
            if q.roles.is_empty() {
                return bad(
                    "repair_visits.quotas",
                    "回访比例",
                    format!("“{}”至少需要一个岗位", q.name),
                );
            }
            if !(1..=100).contains(&q.percent) {
                return bad(
                    "repair_visits.quotas",
                    "回访比例",
                    format!("“{}”的比例应为 1–100%", q.name),
                );
            }
            for r in &q.roles {
                if seen.contains(r) {
                    return bad(
                        "repair_visits.quotas",
                        "回访比例",
                        format!("岗位“{}”只能计入一项", r.label()),
                    );
                }
                seen.push(*r);
            }
        }
        for (field, label, v) in [
            (
                "repair_visits.notify_hours",
                "整改通知时限",
                self.notify_hours,
            ),
            (
                "repair_visits.rework_hours",
                "整改完成时限",
                self.rework_hours,
            ),
        ] {
            if !(1..=24 * 366).contains(&v) {
                return bad(field, label, "应为 1 小时到 1 年之间".into());
            }
        }
        if !crate::auth::SUPERVISORS.contains(&self.overdue_to) {
            return bad(
                "repair_visits.overdue_to",
                "逾期上报至",
                "须为主管及以上岗位".into(),
            );
        }
        if self.rework_hours < self.notify_hours {
            return bad(
                "repair_visits.rework_hours",
                "整改完成时限",
                "不能早于整改通知时限".into(),
            );
        }
        Ok(())
    }
}
