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

mod escalations;
mod issues;
mod policy;

pub use escalations::{
    acknowledge, escalation, escalations_for, needs_attention, raise_once, Escalation,
    EscalationKind,
};
pub(crate) use escalations::{after_attempt, raise, raised_since};
pub use issues::{issue, link, suggest_issues, unlink, Candidate, Issue, LinkInput};
pub(crate) use issues::{issue_of, member_left};
pub use policy::{validate, Duty, EscalationPolicy, GradingPolicy};

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::json;

use crate::auth::Actor;
use crate::complaints::{self, Complaint};
use crate::error::Result;
use crate::store::{Store, Write};
use crate::time;
use crate::vocab::{AttemptResult, ComplaintStatus, Grade, Identification};

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
    let pol = crate::policy::current(conn, &c.estate_id)?;
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
        let to = crate::policy::current(&w.tx, &c.estate_id)?
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
