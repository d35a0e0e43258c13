//! The grading rules: what grade a complaint's [`Inputs`] call for under a [`GradingPolicy`],
//! with every reason in words, and who handles it ([`evaluate`]).
//!
//! Invariants: pure: no store, no clock (the moment is `Inputs::as_of`); every threshold and
//! window comes from the policy, so a changed policy changes the outcome and nothing else does.
//! A complaint takes the highest grade any criterion gives; the criteria of that grade are its
//! reasons, in the order the rules are listed in [`evaluate`], and those of lower grades its other
//! reasons (the 5th-household reason names that household). Responsibility follows the higher of the grade called for and the grade on record, which is
//! never lowered automatically.

use std::collections::HashSet;

use chrono::Duration;
use serde::Serialize;

use super::{GradingPolicy, Inputs, Member};
use crate::vocab::{Grade, Identification};

/// What the rules say about a complaint now.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Assessment {
    pub complaint_id: String,
    pub complaint_no: String,
    /// The grade the facts call for.
    pub grade: Grade,
    /// Why, in words: the criteria of `grade` that are met.
    pub reasons: Vec<String>,
    /// Criteria of lower grades that are also met.
    pub other_reasons: Vec<String>,
    /// The grade on record (never lowered automatically, so it may be above `grade`).
    pub stored_grade: Grade,
    pub stored_reason: Option<String>,
    /// Why the grade on record is above `grade`, when it is: grades are never lowered
    /// automatically (a linked complaint voided or taken out, a fact corrected).
    pub kept_grade_note: Option<String>,
    /// Who is responsible and the first-response limit, for the higher of the two grades.
    pub responsible: String,
    pub first_response: String,
    pub policy_version: i64,
    /// The counts the rules read.
    pub households: i64,
    pub complainants_in_window: i64,
    pub repeats: i64,
    pub failed_attempts: i64,
    pub open_days: Option<i64>,
}

/// Judges a complaint's inputs under a grading policy: the grade they call for, why, the counts
/// read, and who handles the complaint.
pub fn evaluate(inputs: &Inputs, p: &GradingPolicy) -> Assessment {
    let members = &inputs.members;
    let household_order = households_in_order(members);
    let households = household_order.len() as i64;
    let complainants = complainants_within(members, p.hot_window_days);
    let repeats = match &inputs.same_customer_category {
        None => 1,
        Some(received) => {
            let since = inputs.received_at - Duration::days(p.important_repeat_window_days);
            received.iter().filter(|at| **at >= since).count() as i64
        }
    };
    let failed = inputs.failed_attempts;
    let open = inputs.open.then(|| inputs.as_of - inputs.received_at);
    let open_over = |days: i64| open.is_some_and(|d| d > Duration::days(days));
    let f = &inputs.facts;

    use Grade::*;
    let mut found: Vec<(Grade, String)> = [
        (f.safety_risk, Major, "涉及客户人身或财产安全".into()),
        (
            households >= p.major_households,
            Major,
            format!(
                "同一问题第{households}户投诉（{}）",
                household_order.last().copied().unwrap_or_default()
            ),
        ),
        (
            f.claim_fen >= p.major_claim_fen,
            Major,
            format!(
                "索赔金额 {} ≥ {}",
                yuan(f.claim_fen, false),
                yuan(p.major_claim_fen, true)
            ),
        ),
        (f.media_exposure, Major, "媒体曝光，损害品牌声誉".into()),
        (f.lawsuit, Major, "涉及诉讼".into()),
        (
            f.promise_unkept,
            Major,
            "承诺或合同约定的服务未实施，业户多次提出仍未解决".into(),
        ),
        (
            f.collective_size >= p.major_collective,
            Major,
            format!(
                "集体投诉 {} 人 ≥ {} 人",
                f.collective_size, p.major_collective
            ),
        ),
        (
            inputs.identification == Identification::Valid && open_over(p.major_valid_open_days),
            Major,
            format!("有效投诉超过{}未解决", span(p.major_valid_open_days)),
        ),
        (
            complainants >= p.hot_complainants,
            Hot,
            format!(
                "同一问题{}内已有{complainants}位不同投诉人",
                span(p.hot_window_days)
            ),
        ),
        (
            f.collective_size >= p.hot_collective && f.collective_size < p.major_collective,
            Hot,
            format!(
                "集体投诉 {} 人 ≥ {} 人",
                f.collective_size, p.hot_collective
            ),
        ),
        (f.lawsuit_risk, Hot, "可能引发法律诉讼".into()),
        (f.media_risk, Hot, "可能被媒体曝光".into()),
        (
            f.company_fault && open_over(p.hot_fault_open_days),
            Hot,
            format!("公司责任导致超过{}仍未解决", span(p.hot_fault_open_days)),
        ),
        (f.company_fault, Important, "公司存在明显过错".into()),
        (
            repeats >= p.important_repeats,
            Important,
            format!(
                "同一客户{}内第{repeats}次投诉“{}”",
                span(p.important_repeat_window_days),
                inputs.category
            ),
        ),
        (
            failed >= p.important_failed_attempts,
            Important,
            format!("沟通{failed}次未达成一致"),
        ),
        (
            inputs.reopen_count > 0,
            Important,
            format!("二次投诉（结案后第{}次重新打开）", inputs.reopen_count),
        ),
        (
            f.needs_other_departments,
            Important,
            "需要其他部门配合处理".into(),
        ),
    ]
    .into_iter()
    .filter_map(|(on, g, why)| on.then_some((g, why)))
    .collect();
    let base = found.iter().map(|x| x.0).max().unwrap_or(General);
    if base.max(inputs.stored_grade) >= Important && open_over(p.major_important_open_days) {
        found.push((
            Major,
            format!("重要投诉超过{}未解决", span(p.major_important_open_days)),
        ));
    }

    let grade = found.iter().map(|x| x.0).max().unwrap_or(General);
    found.sort_by_key(|x| std::cmp::Reverse(x.0));
    let (top, rest): (Vec<_>, Vec<_>) = found.into_iter().partition(|x| x.0 == grade);
    let duty = p.duty(grade.max(inputs.stored_grade));
    Assessment {
        complaint_id: inputs.complaint_id.clone(),
        complaint_no: inputs.complaint_no.clone(),
        grade,
        reasons: top.into_iter().map(|x| x.1).collect(),
        other_reasons: rest.into_iter().map(|x| x.1).collect(),
        stored_grade: inputs.stored_grade,
        stored_reason: inputs.stored_reason.clone(),
        kept_grade_note: (inputs.stored_grade > grade)
            .then(|| kept_grade_note(inputs.stored_grade, grade)),
        responsible: duty.responsible.clone(),
        first_response: duty.first_response.clone(),
        policy_version: inputs.policy_version,
        households,
        complainants_in_window: complainants,
        repeats,
        failed_attempts: failed,
        open_days: open.map(|d| d.num_days()),
    }
}

/// "3个月", "1周", "1年", "10天".
pub(crate) fn span(days: i64) -> String {
    if days % 365 == 0 {
        format!("{}年", days / 365)
    } else if days % 30 == 0 {
        format!("{}个月", days / 30)
    } else if days % 7 == 0 {
        format!("{}周", days / 7)
    } else {
        format!("{days}天")
    }
}

/// `¥25,000.00`, or `¥20,000` when `whole` and there are no fen.
fn yuan(fen: i64, whole: bool) -> String {
    let digits = (fen / 100).abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    if whole && fen % 100 == 0 {
        format!("¥{sign}{grouped}")
    } else {
        format!("¥{sign}{grouped}.{:02}", (fen % 100).abs())
    }
}

/// The households of an issue by name, in the order they first complained.
fn households_in_order(members: &[Member]) -> Vec<&str> {
    let mut seen = HashSet::new();
    members
        .iter()
        .filter(|m| seen.insert(m.household.as_str()))
        .map(|m| m.household_name.as_str())
        .collect()
}

/// The most distinct complainants whose complaints fall within any `days`-long span
/// (`members` oldest first).
fn complainants_within(members: &[Member], days: i64) -> i64 {
    let mut best = 0;
    for (i, start) in members.iter().enumerate() {
        let end = start.received_at + Duration::days(days);
        let distinct: HashSet<&str> = members[i..]
            .iter()
            .take_while(|m| m.received_at <= end)
            .map(|m| m.complainant.as_str())
            .collect();
        best = best.max(distinct.len() as i64);
    }
    best
}

fn kept_grade_note(stored: Grade, assessed: Grade) -> String {
    format!(
        "记录等级“{}”高于按现有事实评定的“{}”：等级不自动降低，如需调低由主管人工调整",
        stored.label(),
        assessed.label()
    )
}
