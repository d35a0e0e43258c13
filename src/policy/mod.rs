//! Company policy as data: one versioned document per estate, with the seeds' defaults.
//!
//! The floor of the core: the document and its parts are pure data with their defaults and checks,
//! and this module reads and writes its versions; it imports only ground modules (`error`, `store`,
//! `auth`, `vocab`), never the modules whose rules read it. The small parts are here; the larger
//! ones have a file each, re-exported by the module that applies them:
//! - [`grading`]: the grading table, duties and escalation rules ([`crate::grading`]);
//! - [`deadlines`]: the deadline rules and the weekend ([`crate::deadlines`], [`crate::calendar`]);
//! - [`kpi`]: the KPI targets ([`crate::kpi`]);
//! - [`queues`]: the work lists' tier order and overdue escalation ([`crate::queues`]);
//! - [`backup`]: the backup folder and rotation ([`crate::backup`]);
//! - [`household_visits`]: areas, 物管员 and visit frequencies ([`crate::household_visits`]);
//! - [`repair_visits`]: the repair 回访's quotas by role and the 整改通知单's deadlines
//!   ([`crate::repair_visits`]);
//! - [`claims`]: 赔付 deadlines, approvers and the 收方 threshold ([`crate::claims`]).
//!
//! Invariants: a policy is never edited in place; saving makes a new version, and records keep the
//! version they were judged under. Code reads rules only from a loaded [`Policy`], never from
//! constants of its own.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Write;
use crate::vocab::Role;

pub mod attachments;
pub mod backup;
pub mod claims;
pub mod deadlines;
pub mod duty;
pub mod grading;
pub mod household_visits;
pub mod kpi;
pub mod queues;
pub mod repair_visits;

/// The policy document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Policy {
    /// Complaint content categories (Longfor's by default).
    pub complaint_categories: Vec<String>,
    /// Customer family segments.
    pub family_segments: Vec<String>,
    pub vip: VipPolicy,
    pub followup: FollowupPolicy,
    pub repair: RepairPolicy,
    pub coordination: CoordinationPolicy,
    pub grading: grading::GradingPolicy,
    pub deadlines: deadlines::DeadlinePolicy,
    pub kpi_targets: kpi::KpiTargets,
    pub queues: queues::QueuePolicy,
    pub documents: DocumentPolicy,
    pub session: SessionPolicy,
    /// Backup folder and rotation.
    pub backup: backup::BackupPolicy,
    pub duty: duty::DutyPolicy,
    pub attachments: attachments::AttachmentPolicy,
    pub household_visits: household_visits::HouseholdVisitPolicy,
    /// The repair 回访: quotas by role, the 整改通知单's deadlines.
    pub repair_visits: repair_visits::RepairVisitPolicy,
    /// 赔付: reply and proposal deadlines, approvers, the 收方 threshold.
    pub claims: claims::ClaimPolicy,
}

/// VIP cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct VipPolicy {
    /// The two letters that start every card number (`JK`).
    pub group_code: String,
    /// Years a card is valid.
    pub validity_years: u32,
    /// Days before expiry from which a card may be re-checked and renewed.
    pub renew_window_days: i64,
}

/// 回访 due times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct FollowupPolicy {
    /// Hours after a complaint is closed.
    pub complaint_hours: i64,
    /// Hours after a repair is signed off: safety items, leaks, the rest.
    pub repair_safety_hours: i64,
    pub repair_leak_hours: i64,
    pub repair_other_hours: i64,
    /// Hours until the next try when the owner could not be reached.
    pub retry_hours: i64,
}

/// Repair fees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct RepairPolicy {
    /// Material cost up to which the repair supervisor confirms the fee; above it the owner's
    /// written agreement, confirmed by the centre manager, is needed.
    pub material_supervisor_limit_fen: i64,
    /// Who confirms that the fee of a paid order was received, which closes it (财务确认).
    pub finance_roles: Vec<Role>,
}

/// 协调单 handling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CoordinationPolicy {
    /// Hours the responsible department has to answer a slip.
    pub slip_answer_hours: i64,
}

impl Default for Policy {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        Policy {
            complaint_categories: s(&["工程质量", "规划设计", "销售承诺", "物业管理", "其他"]),
            family_segments: s(&[
                "单人工作丁克家庭",
                "双人工作丁克家庭",
                "有小孩的夫妇",
                "单亲家庭",
                "成熟家庭",
                "空巢家庭",
                "大龄单身贵族",
                "活跃长者",
            ]),
            vip: VipPolicy::default(),
            followup: FollowupPolicy::default(),
            repair: RepairPolicy::default(),
            coordination: CoordinationPolicy::default(),
            grading: grading::GradingPolicy::default(),
            deadlines: deadlines::DeadlinePolicy::default(),
            kpi_targets: kpi::KpiTargets::default(),
            queues: queues::QueuePolicy::default(),
            documents: DocumentPolicy::default(),
            session: SessionPolicy::default(),
            backup: backup::BackupPolicy::default(),
            duty: duty::DutyPolicy::default(),
            attachments: attachments::AttachmentPolicy::default(),
            household_visits: household_visits::HouseholdVisitPolicy::default(),
            repair_visits: repair_visits::RepairVisitPolicy::default(),
            claims: claims::ClaimPolicy::default(),
        }
    }
}

impl Default for VipPolicy {
    fn default() -> Self {
        VipPolicy {
            group_code: "JK".into(),
            validity_years: 3,
            renew_window_days: 60,
        }
    }
}

impl Default for FollowupPolicy {
    fn default() -> Self {
        FollowupPolicy {
            complaint_hours: 48,
            repair_safety_hours: 48,
            repair_leak_hours: 72,
            repair_other_hours: 7 * 24,
            retry_hours: 24,
        }
    }
}

impl Default for RepairPolicy {
    fn default() -> Self {
        RepairPolicy {
            material_supervisor_limit_fen: 10_000, // ¥100.00
            finance_roles: crate::auth::SUPERVISORS.to_vec(),
        }
    }
}

impl Default for CoordinationPolicy {
    fn default() -> Self {
        CoordinationPolicy {
            slip_answer_hours: 24,
        }
    }
}

/// Paper a 协调单 is printed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SlipPaper {
    /// A5 landscape, the usual slip (the default).
    #[default]
    A5Landscape,
    /// A4 portrait.
    A4,
}

/// Printed documents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DocumentPolicy {
    /// Paper of the 协调单.
    pub slip_paper: SlipPaper,
}

/// Log-in sessions at the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SessionPolicy {
    /// Minutes without input after which the app locks and asks for the password again.
    pub idle_minutes: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy { idle_minutes: 15 }
    }
}

/// A policy with its version number.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Versioned {
    pub version: i64,
    pub policy: Policy,
}

/// The estate's current policy (the defaults, as version 0, if none was saved).
pub fn current(conn: &Connection, estate_id: &str) -> Result<Versioned> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT version, body FROM policies WHERE estate_id = ?1 ORDER BY version DESC LIMIT 1",
            params![estate_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Ok(Versioned {
            version: 0,
            policy: Policy::default(),
        }),
        Some((version, body)) => Ok(Versioned {
            version,
            policy: serde_json::from_str(&body)
                .map_err(|e| Error::Corrupt(format!("政策第 {version} 版无法读取：{e}")))?,
        }),
    }
}

/// The policy as a readable TOML document (what a supervisor edits and files).
pub fn to_toml(policy: &Policy) -> Result<String> {
    toml::to_string_pretty(policy).map_err(|e| Error::Corrupt(format!("政策无法导出为 TOML：{e}")))
}

/// Reads a policy from TOML; fields left out keep their defaults.
pub fn from_toml(text: &str) -> Result<Policy> {
    toml::from_str(text)
        .map_err(|e| Error::invalid("policy", "政策文件", format!("TOML 格式错误：{e}")))
}

/// Saves `policy` as the estate's next version.
pub fn save(w: &mut Write, estate_id: &str, policy: &Policy, note: Option<&str>) -> Result<i64> {
    w.actor.require(crate::auth::SUPERVISORS, "修改公司政策")?;
    validate(policy)?;
    let version = current(&w.tx, estate_id)?.version + 1;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO policies(id, estate_id, version, body, note, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            estate_id,
            version,
            serde_json::to_string(policy)?,
            note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    w.audit_insert("policy", &id, policy)?;
    Ok(version)
}

fn validate(p: &Policy) -> Result<()> {
    if p.complaint_categories.is_empty() {
        return Err(Error::invalid(
            "complaint_categories",
            "投诉类别",
            "至少需要一个类别",
        ));
    }
    let g = &p.vip.group_code;
    if g.len() != 2 || !g.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::invalid(
            "vip.group_code",
            "VIP集团代码",
            "应为 2 个大写字母，如 JK",
        ));
    }
    if !(1..=10).contains(&p.vip.validity_years) {
        return Err(Error::invalid(
            "vip.validity_years",
            "VIP卡有效期",
            "应为 1–10 年",
        ));
    }
    if p.repair.finance_roles.is_empty() {
        return Err(Error::invalid(
            "repair.finance_roles",
            "财务确认岗位",
            "至少需要一个岗位",
        ));
    }
    p.claims.validate()?;
    grading::validate(&p.grading)?;
    p.deadlines.validate()?;
    p.kpi_targets.validate()?;
    p.backup.validate()?;
    p.household_visits.validate()?;
    p.repair_visits.validate()?;
    if !(1..=480).contains(&p.session.idle_minutes) {
        return Err(Error::invalid(
            "session.idle_minutes",
            "空闲锁屏时间",
            "应为 1–480 分钟",
        ));
    }
    if !(0..=366).contains(&p.vip.renew_window_days) {
        return Err(Error::invalid(
            "vip.renew_window_days",
            "VIP卡换发提前天数",
            "应为 0–366 天",
        ));
    }
    for (field, label, v) in [
        (
            "followup.complaint_hours",
            "投诉回访时限",
            p.followup.complaint_hours,
        ),
        (
            "followup.repair_safety_hours",
            "安全类维修回访时限",
            p.followup.repair_safety_hours,
        ),
        (
            "followup.repair_leak_hours",
            "渗漏类维修回访时限",
            p.followup.repair_leak_hours,
        ),
        (
            "followup.repair_other_hours",
            "其他维修回访时限",
            p.followup.repair_other_hours,
        ),
        (
            "followup.retry_hours",
            "回访重试间隔",
            p.followup.retry_hours,
        ),
        (
            "coordination.slip_answer_hours",
            "协调单答复时限",
            p.coordination.slip_answer_hours,
        ),
    ] {
        if !(1..=24 * 366).contains(&v) {
            return Err(Error::invalid(field, label, "应为 1 小时到 1 年之间"));
        }
    }
    Ok(())
}
