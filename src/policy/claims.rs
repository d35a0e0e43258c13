//! The compensation claims' policy part (客户赔付处理流程指引): how long the departments have to
//! reply, how many working days until the first proposal is put to the owner, who approves a
//! claim before anything is paid, who handles claims, and the amount that splits the 收方
//! (acceptance of the work) between 物业工程 and 地产维修工程师.
//!
//! Invariants: pure data with the seed's defaults; a policy saved without this part loads with
//! them; a claim policy without an approver or a handler, or with a deadline of zero, is refused
//! naming the field.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::vocab::Role;

/// 赔付 rules (seed: 各相关部门应在24小时内回复本部门建议；客户报事后至第一次方案沟通应在5个
/// 工作日内完成；所有与业主发生的赔付均需经总经理核准后方可执行；物业工程 ≤5000元工程收方，
/// 地产维修工程师 5000元以上工程收方).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ClaimPolicy {
    /// Hours after a claim is opened within which the departments concerned reply.
    pub reply_hours: i64,
    /// Working days from the owner's report (the complaint's registration) to the first proposal.
    pub proposal_working_days: u32,
    /// Who approves a claim (核准) before it is paid.
    pub approver_roles: Vec<Role>,
    /// Who opens claims and records replies, proposals, agreements and payments.
    pub handler_roles: Vec<Role>,
    /// Amounts up to this (fen) are accepted by 物业工程; above it by 地产维修工程师.
    pub engineering_limit_fen: i64,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        ClaimPolicy {
            reply_hours: 24,
            proposal_working_days: 5,
            approver_roles: vec![Role::GeneralManager],
            handler_roles: vec![
                Role::Coordinator,
                Role::Supervisor,
                Role::ProjectManager,
                Role::GmAssistant,
                Role::GeneralManager,
            ],
            engineering_limit_fen: 500_000, // ¥5,000.00
        }
    }
}

impl ClaimPolicy {
    /// Refuses a policy under which no claim could be approved or handled in time.
    pub(crate) fn validate(&self) -> Result<()> {
        let none = |field, label| Err(Error::invalid(field, label, "至少需要一个岗位"));
        if self.approver_roles.is_empty() {
            return none("claims.approver_roles", "赔付核准岗位");
        }
        if self.handler_roles.is_empty() {
            return none("claims.handler_roles", "赔付经办岗位");
        }
        if self.reply_hours <= 0 {
            return Err(Error::invalid(
                "claims.reply_hours",
                "部门回复时限",
                "须为正数",
            ));
        }
        if self.proposal_working_days == 0 {
            return Err(Error::invalid(
                "claims.proposal_working_days",
                "首次方案时限",
                "须为正数",
            ));
        }
        if self.engineering_limit_fen < 0 {
            return Err(Error::invalid(
                "claims.engineering_limit_fen",
                "工程收方金额界限",
                "不能为负数",
            ));
        }
        Ok(())
    }
}
