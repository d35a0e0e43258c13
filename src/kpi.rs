//! KPIs and the period statistics of the month report, computed from the records for any period.
//!
//! The written definitions (numerator, denominator, period rule, exclusions) are in
//! `docs/kpis.md`; this module implements exactly those. Invariants:
//! - A period is `[from, to)` of Beijing calendar dates: from 00:00 Beijing of `from` up to, not
//!   including, 00:00 Beijing of `to`. A record belongs to the period its defining time falls in
//!   (a complaint: its intake's `received_at`; a close: `closed_at`; a repair: `finished_at`; a
//!   回访: `done_at`; an escalation: `raised_at`).
//! - Voided records never count. "Valid" complaints are those identified 有效投诉.
//! - A rate whose denominator is 0 has no value (`None`) and no verdict (`met: None`); nothing
//!   divides by zero.
//! - Rates are percentages (0–100); targets come from the estate's current policy
//!   (`policy.kpi_targets`), never from constants here.
//! - Reading only: nothing is written. Deadline-based KPIs use [`crate::deadlines`] as of `now`.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::deadlines::{self, ComplaintClock, DeadlineState, RepairClock};
use crate::error::{Error, Result};
use crate::grading::EscalationKind;
use crate::policy;
use crate::time;
use crate::vocab::{Channel, ComplaintStatus, Grade, IntakeKind};

pub use crate::policy::kpi::KpiTargets;

/// How a value is judged against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Comparison {
    #[serde(rename = "≥")]
    AtLeast,
    #[serde(rename = "≤")]
    AtMost,
    #[serde(rename = "<")]
    Below,
}

impl Comparison {
    fn holds(self, value: f64, target: f64) -> bool {
        // Rates are ratios of small integers; allow for float rounding at the boundary.
        const EPS: f64 = 1e-9;
        match self {
            Comparison::AtLeast => value + EPS >= target,
            Comparison::AtMost => value <= target + EPS,
            Comparison::Below => value < target - EPS,
        }
    }
}

/// One KPI for the period.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Kpi {
    pub key: &'static str,
    pub label: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    /// Percent; None when the denominator is 0.
    pub value: Option<f64>,
    /// Percent.
    pub target: f64,
    pub comparison: Comparison,
    /// None when there is no value.
    pub met: Option<bool>,
    pub definition: &'static str,
}

impl Kpi {
    fn new(
        (key, label, definition): (&'static str, &'static str, &'static str),
        numerator: i64,
        denominator: i64,
        target: f64,
        comparison: Comparison,
    ) -> Kpi {
        let value = (denominator > 0).then(|| numerator as f64 * 100.0 / denominator as f64);
        Kpi {
            key,
            label,
            numerator,
            denominator,
            value,
            target,
            comparison,
            met: value.map(|v| comparison.holds(v, target)),
            definition,
        }
    }
}

/// A count for one value of a breakdown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// Average handling time of the complaints of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandlingTime {
    pub key: String,
    pub label: String,
    pub count: i64,
    /// Hours from the intake's `received_at` to `closed_at`, averaged.
    pub average_hours: f64,
}

/// Average handling times of the complaints closed in the period.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandlingTimes {
    pub by_grade: Vec<HandlingTime>,
    pub by_category: Vec<HandlingTime>,
    pub by_department: Vec<HandlingTime>,
}

/// Complaints registered in the period, broken down.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComplaintCounts {
    pub by_grade: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_department: Vec<Count>,
    pub by_status: Vec<Count>,
}

/// Intakes received in the period, broken down.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntakeCounts {
    pub by_channel: Vec<Count>,
    pub by_kind: Vec<Count>,
}

/// The KPI report of one estate for one period.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KpiReport {
    pub estate_id: String,
    /// First day of the period (Beijing).
    pub from: String,
    /// Last day of the period (Beijing), inclusive.
    pub to: String,
    /// The time the figures were computed as of.
    pub as_of: String,
    /// Households: live units with at least one live customer.
    pub households: i64,
    pub kpis: Vec<Kpi>,
    pub handling_time: HandlingTimes,
    pub escalations: Vec<Count>,
    pub intakes: IntakeCounts,
    pub complaints: ComplaintCounts,
}

/// Key, label and one-line definition of each KPI.
type Def = (&'static str, &'static str, &'static str);

const HANDLING: Def = (
    "complaint_handling",
    "有效投诉处理率",
    "本期登记的有效投诉中截至统计时已结案的比例",
);
const FOLLOWUP: Def = (
    "followup",
    "回访率",
    "本期结案的投诉和本期完工签认的维修单中已完成回访（联系上业主）的比例",
);
const VALID_RATE: Def = (
    "valid_complaint",
    "有效投诉率",
    "本期登记的有效投诉件数占入住户数（有在册客户的房号）的比例",
);
const REPAIR_TIMELY: Def = (
    "repair_timely",
    "维修及时率",
    "本期完工的维修单中到场和完工时限都按时完成的比例",
);
const REPAIR_QUALITY: Def = (
    "repair_quality",
    "维修质量合格率",
    "本期完工且已回访的维修单中未返修且回访不是不满意的比例",
);
const SATISFACTION: Def = (
    "satisfaction",
    "满意率",
    "本期完成的回访中结果为满意或基本满意的比例",
);
const FIRST_RESPONSE: Def = (
    "first_response",
    "首次响应及时率",
    "本期登记的有效投诉中首次响应时限已到期或已完成者，按时完成的比例",
);

/// 00:00 Beijing of `date`, as stored text.
fn start_of(date: NaiveDate) -> String {
    let t = time::beijing()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc);
    time::to_db(t)
}

fn count(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<i64> {
    Ok(conn.query_row(sql, p, |r| r.get(0))?)
}

/// Rows of (key, count) with the label given by `label`, in the query's order.
fn counts(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    label: impl Fn(&str) -> String,
) -> Result<Vec<Count>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    rows.map(|r| {
        let (key, count) = r?;
        Ok(Count {
            label: label(&key),
            key,
            count,
        })
    })
    .collect()
}

fn handling(
    conn: &Connection,
    group: &str,
    p: (&str, &str, &str),
    label: impl Fn(&str) -> String,
) -> Result<Vec<HandlingTime>> {
    let sql = format!(
        "SELECT {group} AS k, count(*),
                avg((julianday(c.closed_at) - julianday(i.received_at)) * 24.0)
         FROM complaints c JOIN intakes i ON i.id = c.intake_id
         LEFT JOIN departments d ON d.id = c.responsible_department_id
         WHERE c.estate_id = ?1 AND c.voided_at IS NULL AND c.status = 'closed'
           AND c.closed_at >= ?2 AND c.closed_at < ?3
         GROUP BY k ORDER BY k"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![p.0, p.1, p.2], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, f64>(2)?,
        ))
    })?;
    rows.map(|r| {
        let (key, count, avg) = r?;
        Ok(HandlingTime {
            label: label(&key),
            key,
            count,
            average_hours: (avg * 100.0).round() / 100.0,
        })
    })
    .collect()
}

/// The Chinese label of a stored grade code.
fn grade_label(code: &str) -> String {
    Grade::from_text(code)
        .map_or(code, |g| g.label())
        .to_string()
}

/// Names (categories, departments) are their own labels.
fn name_label(name: &str) -> String {
    name.to_string()
}

const DEPARTMENT: &str = "coalesce(d.name, '未指定部门')";

/// The KPI report of `estate_id` for the Beijing dates `[from, to)`, as of `now`.
pub fn compute(
    conn: &Connection,
    estate_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<KpiReport> {
    if to <= from {
        return Err(Error::invalid("to", "截止日期", "截止日期不能早于开始日期"));
    }
    let targets = policy::current(conn, estate_id)?.policy.kpi_targets;
    let (a, b) = (start_of(from), start_of(to));
    let p = (estate_id, a.as_str(), b.as_str());

    // Valid complaints registered in the period (by the intake's received_at; `i.estate_id` lets
    // SQLite range-scan the period through `intakes_received`).
    const VALID: &str = "FROM complaints c JOIN intakes i ON i.id = c.intake_id
        WHERE c.estate_id = ?1 AND i.estate_id = ?1 AND c.voided_at IS NULL
          AND c.status <> 'voided' AND c.identification = 'valid'
          AND i.received_at >= ?2 AND i.received_at < ?3";
    let valid = count(conn, &format!("SELECT count(*) {VALID}"), p)?;
    let valid_closed = count(
        conn,
        &format!("SELECT count(*) {VALID} AND c.status = 'closed'"),
        p,
    )?;

    let households = count(
        conn,
        "SELECT count(*) FROM units u WHERE u.estate_id = ?1 AND u.voided_at IS NULL
         AND EXISTS (SELECT 1 FROM customers cu WHERE cu.unit_id = u.id AND cu.voided_at IS NULL)",
        params![estate_id],
    )?;

    // 回访: subjects closed / finished in the period, and whether a 回访 reached the owner.
    // A 回访 done before the subject's current close (a reopened complaint, a reworked order)
    // was about the earlier handling and does not count.
    const DONE: &str = "EXISTS (SELECT 1 FROM followups f WHERE f.subject_kind = ?4
        AND f.subject_id = s.id AND f.status = 'done' AND f.done_at >= s.at)";
    const CLOSED_COMPLAINTS: &str = "SELECT s.id, s.closed_at AS at FROM complaints s
        WHERE s.estate_id = ?1 AND s.voided_at IS NULL AND s.status = 'closed'
          AND s.closed_at >= ?2 AND s.closed_at < ?3";
    const SIGNED_REPAIRS: &str = "SELECT s.id, coalesce(s.signed_off_at, s.closed_at) AS at
        FROM repair_orders s
        WHERE s.estate_id = ?1 AND s.voided_at IS NULL AND s.status IN ('signed_off','closed')
          AND coalesce(s.signed_off_at, s.closed_at) >= ?2
          AND coalesce(s.signed_off_at, s.closed_at) < ?3";
    let mut followup_num = 0;
    let mut followup_den = 0;
    for (subjects, kind) in [(CLOSED_COMPLAINTS, "complaint"), (SIGNED_REPAIRS, "repair")] {
        followup_den += count(conn, &format!("SELECT count(*) FROM ({subjects})"), p)?;
        followup_num += count(
            conn,
            &format!("SELECT count(*) FROM ({subjects}) s WHERE {DONE}"),
            params![p.0, p.1, p.2, kind],
        )?;
    }

    // Repairs finished in the period.
    const FINISHED: &str = "FROM repair_orders r
        WHERE r.estate_id = ?1 AND r.voided_at IS NULL
          AND r.status IN ('finished','signed_off','closed')
          AND r.finished_at >= ?2 AND r.finished_at < ?3";
    let mut timely = 0;
    let mut finished = 0;
    let mut book = deadlines::RuleBook::for_many();
    let mut stmt = conn.prepare(&format!(
        "SELECT {} {FINISHED} ORDER BY r.id",
        RepairClock::COLUMNS
    ))?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let clock = RepairClock::from_row(r, 0)?;
        finished += 1;
        let all_met = deadlines::repair_deadlines(conn, &mut book, &clock, now)?
            .iter()
            .filter(|d| !d.rule.starts_with("repair_followup"))
            .all(|d| d.state == DeadlineState::Met);
        timely += i64::from(all_met);
    }
    // The latest 回访 of each finished repair done since it was (last) finished.
    const LAST_VISIT: &str = "(SELECT f.result FROM followups f WHERE f.subject_kind = 'repair'
        AND f.subject_id = r.id AND f.status = 'done' AND f.done_at >= r.finished_at
        ORDER BY f.done_at DESC, f.id DESC LIMIT 1)";
    let visited = count(
        conn,
        &format!("SELECT count(*) {FINISHED} AND {LAST_VISIT} IS NOT NULL"),
        p,
    )?;
    let qualified = count(
        conn,
        &format!(
            "SELECT count(*) {FINISHED} AND {LAST_VISIT} IS NOT NULL
             AND {LAST_VISIT} <> 'dissatisfied' AND r.rework_count = 0"
        ),
        p,
    )?;

    // 回访 calls completed in the period (both kinds).
    const CALLS: &str = "FROM followups f WHERE f.estate_id = ?1 AND f.status = 'done'
        AND f.result IS NOT NULL AND f.result <> 'unreachable'
        AND f.done_at >= ?2 AND f.done_at < ?3";
    let calls = count(conn, &format!("SELECT count(*) {CALLS}"), p)?;
    let satisfied = count(
        conn,
        &format!("SELECT count(*) {CALLS} AND f.result IN ('satisfied','basically_satisfied')"),
        p,
    )?;

    // First response of the valid complaints registered in the period: the grade's rule (the
    // `response` of [`deadlines::complaint_summary`]), counted once it is met or has come due.
    let mut response_num = 0;
    let mut response_den = 0;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} {VALID} ORDER BY c.id",
        ComplaintClock::COLUMNS
    ))?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let clock = ComplaintClock::from_row(r, 0)?;
        let summary = deadlines::complaint_summary(conn, &mut book, &clock, now)?;
        match summary.response.state {
            DeadlineState::Met => {
                response_num += 1;
                response_den += 1;
            }
            DeadlineState::MetLate | DeadlineState::Overdue => response_den += 1,
            DeadlineState::OnTime | DeadlineState::DueSoon => {}
        }
    }

    let t = &targets;
    use Comparison::*;
    let kpis = vec![
        Kpi::new(
            HANDLING,
            valid_closed,
            valid,
            t.complaint_handling_pct,
            AtLeast,
        ),
        Kpi::new(
            FOLLOWUP,
            followup_num,
            followup_den,
            t.followup_pct,
            AtLeast,
        ),
        Kpi::new(VALID_RATE, valid, households, t.valid_complaint_pct, Below),
        Kpi::new(
            REPAIR_TIMELY,
            timely,
            finished,
            t.repair_timely_pct,
            AtLeast,
        ),
        Kpi::new(
            REPAIR_QUALITY,
            qualified,
            visited,
            t.repair_quality_pct,
            AtLeast,
        ),
        Kpi::new(SATISFACTION, satisfied, calls, t.satisfaction_pct, AtLeast),
        Kpi::new(
            FIRST_RESPONSE,
            response_num,
            response_den,
            t.first_response_pct,
            AtLeast,
        ),
    ];

    let handling_time = HandlingTimes {
        by_grade: handling(conn, "c.grade", p, grade_label)?,
        by_category: handling(conn, "c.category", p, name_label)?,
        by_department: handling(conn, DEPARTMENT, p, name_label)?,
    };

    let escalations = counts(
        conn,
        "SELECT kind, count(*) FROM escalations
         WHERE estate_id = ?1 AND raised_at >= ?2 AND raised_at < ?3 GROUP BY kind ORDER BY kind",
        p,
        |k| EscalationKind::from_code(k).map_or_else(|| k.to_string(), |e| e.label().to_string()),
    )?;

    const INTAKES: &str = "FROM intakes WHERE estate_id = ?1 AND voided_at IS NULL
        AND received_at >= ?2 AND received_at < ?3";
    let intakes = IntakeCounts {
        by_channel: counts(
            conn,
            &format!("SELECT channel, count(*) {INTAKES} GROUP BY channel ORDER BY channel"),
            p,
            |k| Channel::from_text(k).map_or(k, |c| c.label()).to_string(),
        )?,
        by_kind: counts(
            conn,
            &format!("SELECT kind, count(*) {INTAKES} GROUP BY kind ORDER BY kind"),
            p,
            |k| {
                IntakeKind::from_text(k)
                    .map_or(k, |c| c.label())
                    .to_string()
            },
        )?,
    };

    // Every live complaint registered in the period (any identification).
    let registered = |group: &str| {
        format!(
            "SELECT {group} AS k, count(*) FROM complaints c JOIN intakes i ON i.id = c.intake_id
             LEFT JOIN departments d ON d.id = c.responsible_department_id
             WHERE c.estate_id = ?1 AND i.estate_id = ?1 AND c.voided_at IS NULL
               AND c.status <> 'voided' AND i.received_at >= ?2 AND i.received_at < ?3
             GROUP BY k ORDER BY k"
        )
    };
    let complaints = ComplaintCounts {
        by_grade: counts(conn, &registered("c.grade"), p, grade_label)?,
        by_category: counts(conn, &registered("c.category"), p, name_label)?,
        by_department: counts(conn, &registered(DEPARTMENT), p, name_label)?,
        by_status: counts(conn, &registered("c.status"), p, |k| {
            ComplaintStatus::from_text(k)
                .map_or(k, |s| s.label())
                .to_string()
        })?,
    };

    Ok(KpiReport {
        estate_id: estate_id.to_string(),
        from: from.to_string(),
        to: (to - chrono::Duration::days(1)).to_string(),
        as_of: time::to_db(now),
        households,
        kpis,
        handling_time,
        escalations,
        intakes,
        complaints,
    })
}
