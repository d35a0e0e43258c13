//! Grading (等级), "the same complaint" (同一问题) and escalation (上报), as company policy.
//!
//! - [`evaluate`] computes a complaint's grade from its facts and counts (households of the same
//!   issue, complainants within a month, repeats by the same customer, failed attempts, time open)
//!   under the estate's [`GradingPolicy`], with every reason in words. It never writes.
//! - [`regrade`] applies an evaluation: it only ever raises a grade (lowering stays a supervisor's
//!   manual act, [`crate::complaints::set_grade`]); every raise is a `grade` event with its reasons,
//!   the context and the policy version it was judged under. Reaching 重大 raises an escalation to
//!   leadership ("当天上报"), once per complaint. [`regrade_all`] is the time tick.
//! - Complaints of one problem are linked to one issue ([`link`], [`unlink`]); [`suggest_issues`]
//!   proposes candidates from text similarity, unit/building and category, the clerk confirms.
//!   When a complaint of an issue is voided or unlinked, every other one gets an
//!   `issue_member_left` event saying so and whether its grade is kept above what the facts now
//!   call for ([`member_left`]); the 5th-household reason names that household.
//! - Escalations are append-only rows (only the acknowledgement is filled in, once): a
//!   coordinator's Nth failed attempt within the policy's window escalates the complaint to the
//!   superior role the policy names, at most once per window. Nothing is sent anywhere; the
//!   desk sees them in [`needs_attention`].
//!
//! Invariants: rules come only from the loaded policy; a policy change applies to new decisions and
//! never rewrites recorded grades, events or escalations; closed and voided complaints are not
//! re-graded.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::actor::Actor;
use crate::auth::SUPERVISORS;
use crate::complaints::{self, Attempt, Complaint};
use crate::error::{Error, Result};
use crate::intake;
use crate::policy;
use crate::search;
use crate::store::{Store, Write};
use crate::time;
use crate::validate::TextRule;
use crate::vocab::{AttemptResult, ComplaintStatus, Grade, Identification, Role};

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
    /// Days around a complaint's intake in which [`suggest_issues`] looks for the same problem.
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

/// "3个月", "1周", "1年", "10天".
fn span(days: i64) -> String {
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

/// One complaint of an issue, as the counts need it.
struct Member {
    household: String,
    /// The household as a person names it: its unit, else the customer's or caller's name, else
    /// the complaint's number.
    household_name: String,
    complainant: String,
    received_at: DateTime<Utc>,
}

/// The live complaints counted with `c` (its issue's, or `c` alone), oldest first.
fn members(conn: &Connection, c: &Complaint, issue_id: Option<&str>) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.unit_id, c.customer_id, i.phone, i.person_name, i.received_at,
                coalesce(u.code, cu.name, i.person_name, c.no)
         FROM complaints c JOIN intakes i ON i.id = c.intake_id
         LEFT JOIN units u ON u.id = c.unit_id
         LEFT JOIN customers cu ON cu.id = c.customer_id
         WHERE (c.issue_id = ?1 OR c.id = ?2) AND c.voided_at IS NULL",
    )?;
    let rows = stmt.query_map(params![issue_id, c.id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, unit, customer, phone, person, at, household_name) = row?;
        let complainant = customer
            .clone()
            .map(|x| format!("customer:{x}"))
            .or_else(|| unit.clone().map(|x| format!("unit:{x}")))
            .or_else(|| phone.map(|x| format!("phone:{x}")))
            .or_else(|| person.map(|x| format!("person:{x}")))
            .unwrap_or_else(|| format!("complaint:{id}"));
        let household = unit
            .map(|x| format!("unit:{x}"))
            .or_else(|| customer.map(|x| format!("customer:{x}")))
            .unwrap_or_else(|| format!("complaint:{id}"));
        out.push(Member {
            household,
            household_name,
            complainant,
            received_at: time::from_db(&at)?,
        });
    }
    out.sort_by_key(|m| m.received_at);
    Ok(out)
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
/// (`members` oldest first, as [`members`] returns them).
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

fn is_open(status: ComplaintStatus) -> bool {
    !matches!(status, ComplaintStatus::Closed | ComplaintStatus::Voided)
}

/// Evaluates a complaint under its estate's current policy, as of `now`. Reads only.
pub fn evaluate(conn: &Connection, complaint_id: &str, now: DateTime<Utc>) -> Result<Assessment> {
    let c = complaints::load(conn, complaint_id)?;
    let pol = policy::current(conn, &c.estate_id)?;
    let p = &pol.policy.grading;
    let issue_id = issue_of(conn, &c.id)?;
    let members = members(conn, &c, issue_id.as_deref())?;
    let household_order = households_in_order(&members);
    let households = household_order.len() as i64;
    let complainants = complainants_within(&members, p.hot_window_days);
    let received = time::from_db(&c.received_at)?;
    let repeats: i64 = match &c.customer_id {
        None => 1,
        Some(customer) => conn.query_row(
            "SELECT COUNT(*) FROM complaints c JOIN intakes i ON i.id = c.intake_id
             WHERE c.customer_id = ?1 AND c.category = ?2 AND c.voided_at IS NULL
               AND i.received_at >= ?3 AND i.received_at <= ?4",
            params![
                customer,
                c.category,
                time::to_db(received - Duration::days(p.important_repeat_window_days)),
                c.received_at
            ],
            |r| r.get(0),
        )?,
    };
    let failed: i64 = conn.query_row(
        "SELECT COUNT(*) FROM complaint_attempts WHERE complaint_id = ?1 AND voided_at IS NULL
           AND result IN (?2, ?3)",
        params![c.id, AttemptResult::NotAgreed, AttemptResult::NoAnswer],
        |r| r.get(0),
    )?;
    let open = is_open(c.status).then(|| now - received);
    let open_over = |days: i64| open.is_some_and(|d| d > Duration::days(days));
    let f = &c.facts;

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
            c.identification == Identification::Valid && open_over(p.major_valid_open_days),
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
                c.category
            ),
        ),
        (
            failed >= p.important_failed_attempts,
            Important,
            format!("沟通{failed}次未达成一致"),
        ),
        (
            c.reopen_count > 0,
            Important,
            format!("二次投诉（结案后第{}次重新打开）", c.reopen_count),
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
    if base.max(c.grade) >= Important && open_over(p.major_important_open_days) {
        found.push((
            Major,
            format!("重要投诉超过{}未解决", span(p.major_important_open_days)),
        ));
    }

    let grade = found.iter().map(|x| x.0).max().unwrap_or(General);
    found.sort_by_key(|x| std::cmp::Reverse(x.0));
    let (top, rest): (Vec<_>, Vec<_>) = found.into_iter().partition(|x| x.0 == grade);
    let duty = p.duty(grade.max(c.grade));
    Ok(Assessment {
        complaint_id: c.id.clone(),
        complaint_no: c.no.clone(),
        grade,
        reasons: top.into_iter().map(|x| x.1).collect(),
        other_reasons: rest.into_iter().map(|x| x.1).collect(),
        stored_grade: c.grade,
        stored_reason: c.grade_reason.clone(),
        kept_grade_note: (c.grade > grade).then(|| kept_grade_note(c.grade, grade)),
        responsible: duty.responsible.clone(),
        first_response: duty.first_response.clone(),
        policy_version: pol.version,
        households,
        complainants_in_window: complainants,
        repeats,
        failed_attempts: failed,
        open_days: open.map(|d| d.num_days()),
    })
}

/// Re-evaluates a complaint and raises its grade when the facts call for more; `context` says
/// what prompted it ("立案", "新增沟通记录"…). Never lowers; closed and voided complaints are left
/// as they are. Reaching 重大 escalates to leadership. The change is audited.
pub fn regrade(w: &mut Write, complaint_id: &str, context: &str) -> Result<Assessment> {
    let before = complaints::load(&w.tx, complaint_id)?;
    let a = raise_grade(w, &before.id, context)?;
    if a.stored_grade != before.grade {
        let after = complaints::load(&w.tx, &before.id)?;
        w.audit_update("complaint", &before.id, &before, &after)?;
    }
    Ok(a)
}

/// [`regrade`] without the audit entry, for a caller that audits its whole change at once.
pub(crate) fn raise_grade(w: &mut Write, complaint_id: &str, context: &str) -> Result<Assessment> {
    let mut a = evaluate(&w.tx, complaint_id, w.now)?;
    let c = complaints::load(&w.tx, complaint_id)?;
    if !is_open(c.status) || a.grade <= c.grade {
        return Ok(a);
    }
    let reason = a.reasons.join("；");
    w.tx.execute(
        "UPDATE complaints SET grade = ?2, grade_reason = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![c.id, a.grade, reason, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "complaint",
        &c.id,
        "grade",
        json!({
            "from": c.grade,
            "to": a.grade,
            "reason": reason,
            "reasons": a.reasons,
            "context": context,
            "policy_version": a.policy_version,
            "manual": false,
        }),
    )?;
    if a.grade == Grade::Major && !raised_since(w, &c.id, EscalationKind::Major, None)? {
        let to = policy::current(&w.tx, &c.estate_id)?
            .policy
            .grading
            .escalation
            .major_to_role;
        raise(
            w,
            &c,
            EscalationKind::Major,
            to,
            &format!("重大投诉，当天上报{}：{reason}", to.label()),
            a.policy_version,
        )?;
    }
    a.stored_grade = a.grade;
    a.stored_reason = Some(reason);
    a.kept_grade_note = None;
    Ok(a)
}

fn kept_grade_note(stored: Grade, assessed: Grade) -> String {
    format!(
        "记录等级“{}”高于按现有事实评定的“{}”：等级不自动降低，如需调低由主管人工调整",
        stored.label(),
        assessed.label()
    )
}

/// Tells every other live complaint of issue `issue_id` that `left` no longer counts for it
/// (`what`: voided, or taken out of the issue, with the reason): an `issue_member_left` event on
/// each, naming it and the households now counted, and saying whether its grade is kept above
/// what the facts now call for. Grades stay as they are.
pub(crate) fn member_left(
    w: &mut Write,
    issue_id: &str,
    left: &Complaint,
    what: &str,
) -> Result<()> {
    let others: Vec<String> =
        w.tx.prepare(
            "SELECT id FROM complaints WHERE issue_id = ?1 AND id <> ?2 AND voided_at IS NULL
             ORDER BY created_at, id",
        )?
        .query_map(params![issue_id, left.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in others {
        let a = evaluate(&w.tx, &id, w.now)?;
        let grade = match &a.kept_grade_note {
            Some(note) => note.clone(),
            None => format!("本投诉等级“{}”不变", a.stored_grade.label()),
        };
        let note = format!(
            "同一问题中的投诉 {} {what}，现计{}户；{grade}",
            left.no, a.households
        );
        w.event(
            "complaint",
            &id,
            "issue_member_left",
            json!({ "complaint": left.no, "households": a.households, "note": note }),
        )?;
    }
    Ok(())
}

/// A grade raised by [`regrade_all`].
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GradeChange {
    pub complaint_no: String,
    pub from: Grade,
    pub to: Grade,
    pub reasons: Vec<String>,
}

/// The time tick: re-grades every open complaint of the estate; returns the raised ones.
pub fn regrade_all(w: &mut Write, estate_id: &str) -> Result<Vec<GradeChange>> {
    let open: Vec<(String, Grade)> =
        w.tx.prepare(
            "SELECT id, grade FROM complaints WHERE estate_id = ?1
               AND status NOT IN ('closed', 'voided') ORDER BY created_at, id",
        )?
        .query_map(params![estate_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut changes = Vec::new();
    for (id, from) in open {
        let a = regrade(w, &id, "定时重新评估")?;
        if a.stored_grade > from {
            changes.push(GradeChange {
                complaint_no: a.complaint_no,
                from,
                to: a.stored_grade,
                reasons: a.reasons,
            });
        }
    }
    Ok(changes)
}

// ---------------------------------------------------------------------------------------------
// The same complaint (同一问题)

/// One problem of an estate that several complaints report.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Issue {
    pub id: String,
    pub estate_id: String,
    pub title: String,
    /// Numbers of the live complaints linked to it, oldest first.
    pub complaints: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

/// Linking a complaint to the same problem.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct LinkInput {
    /// An issue's id, or another complaint (number or id) reporting the same problem.
    pub to: Option<String>,
    /// The title of the issue when a new one is made (default: the other complaint's content).
    pub title: Option<String>,
}

const LINK_TO: TextRule = TextRule::line("to", "同一问题", 64);
const TITLE: TextRule = TextRule::line("title", "问题名称", 100);
const REASON: TextRule = TextRule::text("reason", "原因", 500);

/// One issue with its complaints.
pub fn issue(conn: &Connection, id: &str) -> Result<Issue> {
    let (estate_id, title, created_at, created_by) = conn
        .query_row(
            "SELECT estate_id, title, created_at, created_by FROM complaint_issues WHERE id = ?1",
            params![id.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("同一问题", id.trim()))?;
    let complaints = conn
        .prepare_cached(
            "SELECT no FROM complaints WHERE issue_id = ?1 AND voided_at IS NULL
             ORDER BY created_at, no",
        )?
        .query_map(params![id.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Issue {
        id: id.trim().to_string(),
        estate_id,
        title,
        complaints,
        created_at,
        created_by,
    })
}

/// The issue a complaint is linked to, if any.
pub(crate) fn issue_of(conn: &Connection, complaint_id: &str) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT issue_id FROM complaints WHERE id = ?1",
        params![complaint_id],
        |r| r.get(0),
    )?)
}

/// Sets (or clears) a complaint's issue, audited, with an event.
fn set_issue(
    w: &mut Write,
    c: &Complaint,
    issue_id: Option<&str>,
    data: serde_json::Value,
) -> Result<()> {
    let before = issue_of(&w.tx, &c.id)?;
    w.tx.execute(
        "UPDATE complaints SET issue_id = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![c.id, issue_id, w.now_db, w.actor.staff_id],
    )?;
    w.audit_update(
        "complaint",
        &c.id,
        &json!({ "issue_id": before }),
        &json!({ "issue_id": issue_id }),
    )?;
    let kind = if issue_id.is_some() {
        "issue_linked"
    } else {
        "issue_unlinked"
    };
    w.event("complaint", &c.id, kind, data)
}

/// Links a complaint to the same problem: an existing issue, or another complaint (making an
/// issue for the two when it has none). Every open complaint of the issue is re-graded.
pub fn link(w: &mut Write, complaint: &str, input: &LinkInput) -> Result<Issue> {
    let c = complaints::load(&w.tx, complaint)?;
    if c.status == ComplaintStatus::Voided {
        return Err(Error::State(format!("投诉 {} 已作废，不能关联", c.no)));
    }
    let to = LINK_TO.required(input.to.as_deref())?;
    let title = TITLE.optional(input.title.as_deref())?;
    let existing: Option<String> =
        w.tx.query_row(
            "SELECT id FROM complaint_issues WHERE id = ?1 AND estate_id = ?2",
            params![to, c.estate_id],
            |r| r.get(0),
        )
        .optional()?;
    let issue_id = match existing {
        Some(id) => id,
        None => {
            let other = match complaints::load(&w.tx, &to) {
                Ok(o) if o.estate_id == c.estate_id && o.status != ComplaintStatus::Voided => o,
                Ok(_) | Err(Error::NotFound { .. }) => {
                    return Err(Error::invalid(
                        "to",
                        "同一问题",
                        format!("未找到问题或投诉“{to}”"),
                    ))
                }
                Err(e) => return Err(e),
            };
            if other.id == c.id {
                return Err(Error::invalid("to", "同一问题", "不能关联到投诉本身"));
            }
            match issue_of(&w.tx, &other.id)? {
                Some(id) => id,
                None => {
                    let id = w.new_id();
                    let title = title
                        .clone()
                        .unwrap_or_else(|| intake::short(&other.content, 40));
                    w.tx.execute(
                        "INSERT INTO complaint_issues(id, estate_id, title, created_at, created_by,
                            updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
                        params![id, c.estate_id, title, w.now_db, w.actor.staff_id],
                    )?;
                    let made = issue(&w.tx, &id)?;
                    w.audit_insert("complaint_issue", &id, &made)?;
                    set_issue(
                        w,
                        &other,
                        Some(&id),
                        json!({ "issue_id": id, "title": title, "with": c.no }),
                    )?;
                    id
                }
            }
        }
    };
    match issue_of(&w.tx, &c.id)? {
        Some(current) if current == issue_id => {
            return Err(Error::State(format!("投诉 {} 已关联到该问题", c.no)))
        }
        Some(_) => {
            return Err(Error::State(format!(
                "投诉 {} 已关联到另一问题，请先取消关联",
                c.no
            )))
        }
        None => {}
    }
    let title = issue(&w.tx, &issue_id)?.title;
    set_issue(
        w,
        &c,
        Some(&issue_id),
        json!({ "issue_id": issue_id, "title": title }),
    )?;
    let open: Vec<String> =
        w.tx.prepare(
            "SELECT id FROM complaints WHERE issue_id = ?1
               AND status NOT IN ('closed', 'voided') ORDER BY created_at, id",
        )?
        .query_map(params![issue_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in open {
        regrade(w, &id, &format!("投诉 {} 关联同一问题", c.no))?;
    }
    issue(&w.tx, &issue_id)
}

/// Takes a complaint out of its issue, with the reason. Grades stay as they are; the issue's
/// other complaints are told ([`member_left`]).
pub fn unlink(w: &mut Write, complaint: &str, reason: Option<&str>) -> Result<Complaint> {
    let c = complaints::load(&w.tx, complaint)?;
    let reason = REASON.required(reason)?;
    let Some(issue_id) = issue_of(&w.tx, &c.id)? else {
        return Err(Error::State(format!("投诉 {} 未关联任何问题", c.no)));
    };
    set_issue(
        w,
        &c,
        None,
        json!({ "issue_id": issue_id, "reason": reason }),
    )?;
    member_left(w, &issue_id, &c, &format!("已取消关联（{reason}）"))?;
    complaints::load(&w.tx, &c.id)
}

/// A suggested issue (or unlinked complaint) that may be the same problem.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    /// `issue` or `complaint`: what to pass to [`link`] as `to`.
    pub kind: String,
    pub id: String,
    /// The issue's title or the complaint's number.
    pub label: String,
    /// 0–1, higher is more alike.
    pub score: f64,
    /// Why, in words.
    pub why: Vec<String>,
    /// The complaints behind the candidate.
    pub complaints: Vec<String>,
}

/// The character pairs of a text, normalised as search does.
fn bigrams(text: &str) -> HashSet<(char, char)> {
    search::normalise(text)
        .windows(2)
        .map(|p| (p[0], p[1]))
        .collect()
}

/// Dice coefficient of two pair sets.
fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// Suggests issues and unlinked complaints that may report the same problem as this one, best
/// first: text similarity of the content (character-pair Dice), same unit or building, same category, within
/// the policy's window around the intake.
pub fn suggest_issues(conn: &Connection, complaint_id: &str) -> Result<Vec<Candidate>> {
    let c = complaints::load(conn, complaint_id)?;
    let p = policy::current(conn, &c.estate_id)?.policy.grading;
    let own_issue = issue_of(conn, &c.id)?;
    let received = time::from_db(&c.received_at)?;
    let window = Duration::days(p.suggest_window_days);
    let building = |unit: &Option<String>| -> Result<Option<String>> {
        Ok(match unit {
            Some(u) => conn
                .query_row(
                    "SELECT building FROM units WHERE id = ?1",
                    params![u],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        })
    };
    let own_building = building(&c.unit_id)?;
    let own_pairs = bigrams(&c.content);
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.no, c.unit_id, u.building, c.category, i.content, c.issue_id,
                ci.title
         FROM complaints c JOIN intakes i ON i.id = c.intake_id
         LEFT JOIN units u ON u.id = c.unit_id
         LEFT JOIN complaint_issues ci ON ci.id = c.issue_id
         WHERE c.estate_id = ?1 AND c.id != ?2 AND c.voided_at IS NULL
           AND (?3 IS NULL OR c.issue_id IS NULL OR c.issue_id != ?3)
           AND i.received_at >= ?4 AND i.received_at <= ?5
         ORDER BY c.created_at, c.no",
    )?;
    let rows = stmt.query_map(
        params![
            c.estate_id,
            c.id,
            own_issue,
            time::to_db(received - window),
            time::to_db(received + window)
        ],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        },
    )?;
    let mut by_key: BTreeMap<String, Candidate> = BTreeMap::new();
    for row in rows {
        let (id, no, unit, bld, category, content, issue_id, title) = row?;
        let text = dice(&own_pairs, &bigrams(&content));
        let mut score = 0.6 * text;
        let mut why = vec![format!("内容相似度 {:.0}%", text * 100.0)];
        if unit.is_some() && unit == c.unit_id {
            score += 0.25;
            why.push("同一房号".into());
        } else if let (Some(a), Some(b)) = (&bld, &own_building) {
            if a == b {
                score += 0.1;
                why.push(format!("同一楼栋（{a}栋）"));
            }
        }
        if category == c.category {
            score += 0.15;
            why.push(format!("同一类别“{category}”"));
        }
        if text < 0.1 && unit.as_ref().is_none_or(|u| Some(u) != c.unit_id.as_ref()) {
            continue;
        }
        let (key, kind, cid, label) = match issue_id {
            Some(iid) => (
                format!("issue:{iid}"),
                "issue",
                iid,
                title.unwrap_or_default(),
            ),
            None => (format!("complaint:{id}"), "complaint", id, no.clone()),
        };
        let entry = by_key.entry(key).or_insert_with(|| Candidate {
            kind: kind.into(),
            id: cid,
            label,
            score: 0.0,
            why: Vec::new(),
            complaints: Vec::new(),
        });
        entry.complaints.push(no);
        if score > entry.score {
            entry.score = (score * 100.0).round() / 100.0;
            entry.why = why;
        }
    }
    let mut out: Vec<Candidate> = by_key.into_values().collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.label.cmp(&b.label)));
    out.truncate(10);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Escalation (上报)

/// Why an escalation was raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscalationKind {
    FailedAttempts,
    Major,
    /// A first-response deadline of the complaint is overdue ([`crate::queues`]).
    OverdueFirstResponse,
    /// A handling deadline (plan, 一般 settled) of the complaint is overdue.
    OverdueHandling,
}

impl EscalationKind {
    pub fn code(self) -> &'static str {
        match self {
            EscalationKind::FailedAttempts => "failed_attempts",
            EscalationKind::Major => "major",
            EscalationKind::OverdueFirstResponse => "overdue_first_response",
            EscalationKind::OverdueHandling => "overdue_handling",
        }
    }
}

/// One escalation, with the complaint it concerns.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Escalation {
    pub id: String,
    pub estate_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub complaint_no: String,
    /// The complaint's content, shortened.
    pub summary: String,
    pub grade: Grade,
    /// `failed_attempts`, `major`, `overdue_first_response` or `overdue_handling`.
    pub kind: String,
    pub reason: String,
    pub to_role: Role,
    pub policy_version: i64,
    pub raised_at: String,
    pub raised_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub ack_note: Option<String>,
}

const ESCALATION_SELECT: &str = "SELECT e.id, e.estate_id, e.subject_kind, e.subject_id,
        c.no, i.content, c.grade, e.kind, e.reason, e.to_role, e.policy_version, e.raised_at,
        e.raised_by, e.acknowledged_at, e.acknowledged_by, e.ack_note
    FROM escalations e
    JOIN complaints c ON c.id = e.subject_id
    JOIN intakes i ON i.id = c.intake_id";

fn escalation_row(r: &rusqlite::Row) -> rusqlite::Result<Escalation> {
    Ok(Escalation {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        subject_kind: r.get(2)?,
        subject_id: r.get(3)?,
        complaint_no: r.get(4)?,
        summary: intake::short(&r.get::<_, String>(5)?, 40),
        grade: r.get(6)?,
        kind: r.get(7)?,
        reason: r.get(8)?,
        to_role: r.get(9)?,
        policy_version: r.get(10)?,
        raised_at: r.get(11)?,
        raised_by: r.get(12)?,
        acknowledged_at: r.get(13)?,
        acknowledged_by: r.get(14)?,
        ack_note: r.get(15)?,
    })
}

/// One escalation by id.
pub fn escalation(conn: &Connection, id: &str) -> Result<Escalation> {
    conn.prepare_cached(&format!("{ESCALATION_SELECT} WHERE e.id = ?1"))?
        .query_row(params![id.trim()], escalation_row)
        .optional()?
        .ok_or_else(|| Error::not_found("上报事项", id.trim()))
}

/// A complaint's escalations, oldest first.
pub fn escalations_for(conn: &Connection, complaint_id: &str) -> Result<Vec<Escalation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ESCALATION_SELECT} WHERE e.subject_kind = 'complaint' AND e.subject_id = ?1
         ORDER BY e.raised_at, e.id"
    ))?;
    let rows = stmt.query_map(params![complaint_id], escalation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The "needs attention" queue: unacknowledged escalations of the estate, newest first.
pub fn needs_attention(conn: &Connection, estate_id: &str) -> Result<Vec<Escalation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ESCALATION_SELECT} WHERE e.estate_id = ?1 AND e.acknowledged_at IS NULL
         ORDER BY e.raised_at DESC, e.id DESC"
    ))?;
    let rows = stmt.query_map(params![estate_id], escalation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether an escalation of `kind` was raised for the complaint (since `since`, or ever).
fn raised_since(
    w: &Write,
    complaint_id: &str,
    kind: EscalationKind,
    since: Option<DateTime<Utc>>,
) -> Result<bool> {
    Ok(w.tx
        .query_row(
            "SELECT 1 FROM escalations WHERE subject_kind = 'complaint' AND subject_id = ?1
               AND kind = ?2 AND (?3 IS NULL OR raised_at >= ?3) LIMIT 1",
            params![complaint_id, kind.code(), since.map(time::to_db)],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn raise(
    w: &mut Write,
    c: &Complaint,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Escalation> {
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO escalations(id, estate_id, subject_kind, subject_id, kind, reason, to_role,
            policy_version, raised_at, raised_by)
         VALUES (?1, ?2, 'complaint', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            c.estate_id,
            c.id,
            kind.code(),
            reason,
            to,
            policy_version,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let e = escalation(&w.tx, &id)?;
    w.audit_insert("escalation", &id, &e)?;
    w.event(
        "complaint",
        &c.id,
        "escalated",
        json!({ "escalation_id": id, "kind": kind.code(), "to_role": to, "reason": reason }),
    )?;
    Ok(e)
}

/// Raises an escalation of `kind` for the complaint unless one of that kind was ever raised for
/// it (acknowledged or not): `None` when it already was.
pub fn raise_once(
    w: &mut Write,
    c: &Complaint,
    kind: EscalationKind,
    to: Role,
    reason: &str,
    policy_version: i64,
) -> Result<Option<Escalation>> {
    if raised_since(w, &c.id, kind, None)? {
        return Ok(None);
    }
    raise(w, c, kind, to, reason, policy_version).map(Some)
}

/// After an attempt: the Nth failed attempt on the complaint within the policy's window
/// escalates it to the superior role, at most once per window.
pub(crate) fn after_attempt(
    w: &mut Write,
    c: &Complaint,
    attempt: &Attempt,
) -> Result<Option<Escalation>> {
    if !matches!(
        attempt.result,
        AttemptResult::NotAgreed | AttemptResult::NoAnswer
    ) {
        return Ok(None);
    }
    let pol = policy::current(&w.tx, &c.estate_id)?;
    let e = &pol.policy.grading.escalation;
    let at = time::from_db(&attempt.at)?;
    let window = Duration::days(e.window_days);
    let failed: i64 = w.tx.query_row(
        "SELECT COUNT(*) FROM complaint_attempts WHERE complaint_id = ?1 AND voided_at IS NULL
           AND result IN (?2, ?3) AND at >= ?4 AND at <= ?5",
        params![
            c.id,
            AttemptResult::NotAgreed,
            AttemptResult::NoAnswer,
            time::to_db(at - window),
            attempt.at
        ],
        |r| r.get(0),
    )?;
    if failed < e.failed_attempts
        || raised_since(
            w,
            &c.id,
            EscalationKind::FailedAttempts,
            Some(w.now - window),
        )?
    {
        return Ok(None);
    }
    let role: Role = w.tx.query_row(
        "SELECT role FROM staff WHERE id = ?1",
        params![attempt.staff_id],
        |r| r.get(0),
    )?;
    let to = if SUPERVISORS.contains(&role) {
        e.then_role
    } else {
        e.to_role
    };
    let reason = format!(
        "{}内第{failed}次沟通未果（{}），上报{}",
        span(e.window_days),
        attempt.staff,
        to.label()
    );
    raise(
        w,
        c,
        EscalationKind::FailedAttempts,
        to,
        &reason,
        pol.version,
    )
    .map(Some)
}

const ACK_NOTE: TextRule = TextRule::text("note", "处理说明", 1000);

/// A supervisor acknowledges an escalation (it leaves the queue), with an optional note.
pub fn acknowledge(w: &mut Write, id: &str, note: Option<&str>) -> Result<Escalation> {
    w.actor.require(SUPERVISORS, "确认上报事项")?;
    let before = escalation(&w.tx, id)?;
    if before.acknowledged_at.is_some() {
        return Err(Error::State("该上报事项已确认".into()));
    }
    let note = ACK_NOTE.optional(note)?;
    w.tx.execute(
        "UPDATE escalations SET acknowledged_at = ?2, acknowledged_by = ?3, ack_note = ?4
         WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, note],
    )?;
    let after = escalation(&w.tx, &before.id)?;
    w.audit_update("escalation", &before.id, &before, &after)?;
    w.event(
        "escalation",
        &before.id,
        "acknowledged",
        json!({ "note": note }),
    )?;
    Ok(after)
}

/// A complaint's grading explained: the assessment now, its issue, escalations and grade events.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Explanation {
    pub assessment: Assessment,
    pub issue: Option<Issue>,
    pub escalations: Vec<Escalation>,
    pub grade_events: Vec<complaints::Event>,
}

/// The grade a complaint would have if `input` were saved, with its reasons: opens a complaint
/// from `input.intake` (or, with `complaint`, applies `input` to that complaint) in a transaction
/// that is rolled back ([`Store::dry_run`]). A bad value is the same field error saving gives.
/// The intake and case screens show it live while the clerk types the facts.
pub fn preview(
    store: &mut Store,
    actor: &Actor,
    complaint: Option<&str>,
    input: &complaints::ComplaintInput,
) -> Result<Assessment> {
    let estate_id = actor.estate_id.clone();
    store.dry_run(actor, |w| {
        let c = match complaint {
            Some(key) => complaints::update(w, key, input)?,
            None => complaints::open(w, &estate_id, input)?,
        };
        evaluate(&w.tx, &c.id, w.now)
    })
}

/// Explains a complaint's grade as of `now`.
pub fn explain(conn: &Connection, complaint: &str, now: DateTime<Utc>) -> Result<Explanation> {
    let c = complaints::load(conn, complaint)?;
    let grade_events = complaints::events(conn, "complaint", &c.id)?
        .into_iter()
        .filter(|e| {
            matches!(
                e.kind.as_str(),
                "grade" | "escalated" | "issue_linked" | "issue_unlinked" | "issue_member_left"
            )
        })
        .collect();
    Ok(Explanation {
        assessment: evaluate(conn, &c.id, now)?,
        issue: issue_of(conn, &c.id)?
            .map(|id| issue(conn, &id))
            .transpose()?,
        escalations: escalations_for(conn, &c.id)?,
        grade_events,
    })
}
