//! The repair 回访 as the seed's 回访工作制度 has it: each visit of a repair order records the five
//! points it checks ([`VisitPoint`]: 实地查看维修项目、维修人员服务情况、征询改进意见、核对收费情况、
//! 被回访人签名), each 合格/不合格 with a note; who visited, in which role, counts toward the
//! month's quota of that role (经理 ≥ 10 %, 主管 ≥ 30 %, 维修负责人 ≥ 60 % of the month's repairs:
//! [`quota`]); a failed point makes a 整改通知单 ([`Notice`]) to the repairer, due in writing
//! within the policy's hours, and sends the order back for rework.
//!
//! Invariants:
//! - A checklist belongs to one 回访 call of a repair order that reached the owner (not
//!   联系不上): all five points, each once, each 合格 or 不合格; a 不合格 point carries its note.
//!   It is written by [`crate::cases::record_followup`] in the call's own transaction, so a
//!   call and its checklist are saved together or not at all.
//! - A visit with a failed point makes exactly one notice, numbered `LH-ZG2026-0001`, addressed
//!   to the order's repairer at that moment; the order goes back for rework
//!   ([`crate::repairs::rework`]) unless the same call's 不满意 has already sent it back.
//! - A notice moves issued → delivered (handed to the repairer in writing) → closed (the rework
//!   is finished); it is voided only by a supervisor with a reason. Each move is audited and a
//!   status event. A notice is overdue when it is not delivered by `notify_by`, or not closed
//!   by `rework_by` (the policy's hours from the visit); overdue notices are listed for the
//!   supervisors ([`overdue`]) and, by the time tick, escalated to the policy's role once per
//!   notice and lateness ([`escalate_late`]: 逾期未送达, 逾期未整改), on 待关注 like an overdue
//!   complaint.
//! - The quota's month's repairs are the orders (not voided) whose 回访 task was created in the
//!   month, i.e. signed off in it; a repair counts as visited for a role when a visit by that
//!   role's staff is recorded for it, whenever.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Row};
use serde::Serialize;
use serde_json::json;

use crate::auth;
use crate::error::{Error, Result};
pub use crate::followups::CheckInput;
use crate::followups::Followup;
use crate::grading::{self, Escalation, EscalationKind};
use crate::policy;
use crate::repairs;
use crate::store::Write;
use crate::time::{self, Period};
use crate::validate::{self, TextRule};
use crate::vocab::{FollowupResult, NoticeStatus, RepairStatus, Role, SubjectKind, VisitPoint};

pub use crate::policy::repair_visits::{RepairVisitPolicy, VisitQuota};

/// One point as recorded.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitCheck {
    pub point: VisitPoint,
    pub passed: bool,
    pub note: Option<String>,
}

/// A repair 回访 recorded with its checklist.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RepairVisit {
    pub id: String,
    pub repair_id: String,
    pub repair_no: String,
    pub followup_id: String,
    pub visitor: String,
    pub visitor_role: Role,
    pub at: String,
    pub checks: Vec<VisitCheck>,
    /// The 整改通知单 a failed point made.
    pub notice_no: Option<String>,
}

/// A 整改通知单 (rectification notice).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notice {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    pub repair_id: String,
    pub repair_no: String,
    pub unit: Option<String>,
    /// What the repair was for.
    pub repair_content: String,
    pub repairer: Option<String>,
    pub visit_id: String,
    pub visitor: String,
    pub visited_at: String,
    /// The failed points and their notes, one a line.
    pub problems: String,
    pub status: NoticeStatus,
    pub notify_by: String,
    pub rework_by: String,
    /// 逾期未送达 / 逾期未整改, when late at the time of reading.
    pub overdue: Option<String>,
    pub delivered_at: Option<String>,
    pub delivered_by: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
    pub void_reason: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// One role's line of the month's quota.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaRow {
    /// 管理处经理 / 主管 / 维修负责人.
    pub name: String,
    pub roles: Vec<Role>,
    /// The least percentage the policy asks.
    pub target_percent: u32,
    /// The month's repairs (the same in every row).
    pub repairs: i64,
    /// Distinct repairs of the month visited by this role's staff.
    pub visited: i64,
    /// visited / the month's repairs, in percent (0 when there were none).
    pub percent: f64,
    /// Visits the quota asks for: ⌈repairs × target ÷ 100⌉.
    pub needed: i64,
    pub met: bool,
}

/// The month's repair 回访 against the quotas.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuotaReport {
    /// 2026年11月.
    pub period: String,
    /// The month's repairs (signed off in it).
    pub repairs: i64,
    pub rows: Vec<QuotaRow>,
}

crate::plain!(RepairVisit, Notice, OrderVisits, QuotaReport);

const CHECK_NOTE: TextRule = TextRule::text("checks", "回访检查项", 500);
const DELIVER_NOTE: TextRule = TextRule::text("note", "送达说明", 500);
const CLOSE_NOTE: TextRule = TextRule::text("note", "整改结果", 500);
const VOID_REASON: TextRule = TextRule::text("reason", "作废原因", 500);
const NO_WIDTH: usize = 4;

/// Records a repair 回访's checklist for the call just recorded on `followup` and, when a point
/// failed, issues the 整改通知单 and sends the order back for rework (unless it is already back).
/// Called by [`crate::cases::record_followup`] after the call's own outcome is applied.
pub fn record(w: &mut Write, followup: &Followup, checks: &[CheckInput]) -> Result<RepairVisit> {
    if followup.subject_kind != SubjectKind::Repair {
        return Err(Error::invalid(
            "checks",
            "回访检查项",
            "只有维修单的回访登记检查项",
        ));
    }
    let call = followup
        .calls
        .last()
        .ok_or_else(|| Error::State("回访尚未登记通话".into()))?;
    if call.result == FollowupResult::Unreachable {
        return Err(Error::invalid(
            "checks",
            "回访检查项",
            "联系不上时不能登记检查项",
        ));
    }
    let checks = parse_checks(checks)?;
    let order = repairs::order(&w.tx, &followup.subject_id)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO repair_visits(id, estate_id, followup_id, attempt_id, repair_id, visitor_id,
            visitor_role, at, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?6)",
        params![
            id,
            followup.estate_id,
            followup.id,
            call.id,
            order.id,
            w.actor.staff_id,
            w.actor.role,
            w.now_db
        ],
    )?;
    for c in &checks {
        w.tx.execute(
            "INSERT INTO repair_visit_checks(id, visit_id, point, passed, note)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![w.new_id(), id, c.point, c.passed, c.note],
        )?;
    }
    w.audit_insert(
        "repair_visit",
        &id,
        &json!({ "repair_id": order.id, "followup_id": followup.id, "attempt_id": call.id,
                 "visitor_role": w.actor.role, "checks": checks }),
    )?;
    let failed: Vec<&VisitCheck> = checks.iter().filter(|c| !c.passed).collect();
    if !failed.is_empty() {
        let problems = failed
            .iter()
            .map(|c| format!("{}：{}", c.point.label(), c.note.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n");
        issue(w, &order, &id, &problems)?;
    }
    visit(&w.tx, &id)
}

fn parse_checks(input: &[CheckInput]) -> Result<Vec<VisitCheck>> {
    let mut out: Vec<VisitCheck> = Vec::new();
    for c in input {
        let point = VisitPoint::parse(
            "checks",
            "回访检查项",
            c.point.as_deref().unwrap_or_default(),
        )?;
        if out.iter().any(|o| o.point == point) {
            return Err(Error::invalid(
                "checks",
                "回访检查项",
                format!("“{}”重复登记", point.label()),
            ));
        }
        let passed = c.passed.ok_or_else(|| {
            Error::invalid(
                "checks",
                "回访检查项",
                format!("“{}”须选择合格或不合格", point.label()),
            )
        })?;
        let note = CHECK_NOTE.optional(c.note.as_deref())?;
        if !passed && note.is_none() {
            return Err(Error::invalid(
                "checks",
                "回访检查项",
                format!("“{}”不合格时须写明问题", point.label()),
            ));
        }
        out.push(VisitCheck {
            point,
            passed,
            note,
        });
    }
    if let Some(missing) = VisitPoint::ALL
        .iter()
        .find(|p| !out.iter().any(|c| c.point == **p))
    {
        return Err(Error::invalid(
            "checks",
            "回访检查项",
            format!("缺少“{}”", missing.label()),
        ));
    }
    out.sort_by_key(|c| c.point);
    Ok(out)
}

/// Issues the notice for a visit's failed points and sends the order back for rework.
fn issue(
    w: &mut Write,
    order: &repairs::RepairOrder,
    visit_id: &str,
    problems: &str,
) -> Result<()> {
    let p = policy::current(&w.tx, &order.estate_id)?
        .policy
        .repair_visits;
    let id = w.new_id();
    let no = w.human_no(
        &order.estate_id,
        "ZG",
        chrono::Datelike::year(&time::local_date(w.now)),
        NO_WIDTH,
    )?;
    w.tx.execute(
        "INSERT INTO rectification_notices(id, estate_id, no, repair_id, visit_id, repairer_id,
            problems, status, notify_by, rework_by, created_at, created_by, updated_at,
            updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'issued', ?8, ?9, ?10, ?11, ?10, ?11)",
        params![
            id,
            order.estate_id,
            no,
            order.id,
            visit_id,
            order.repairer_id,
            problems,
            time::to_db(w.now + Duration::hours(p.notify_hours)),
            time::to_db(w.now + Duration::hours(p.rework_hours)),
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let n = get(&w.tx, &id, w.now)?;
    w.audit_insert("rectification_notice", &id, &n)?;
    status_event(w, &id, None, NoticeStatus::Issued, None)?;
    if matches!(order.status, RepairStatus::SignedOff | RepairStatus::Closed) {
        repairs::rework(
            w,
            &order.id,
            &format!("整改通知单 {no}：{}", problems.replace('\n', "；")),
        )?;
    }
    Ok(())
}

fn status_event(
    w: &mut Write,
    id: &str,
    from: Option<NoticeStatus>,
    to: NoticeStatus,
    reason: Option<&str>,
) -> Result<()> {
    w.event(
        "rectification_notice",
        id,
        "status",
        json!({ "from": from, "to": to, "reason": reason }),
    )
}

/// Moves a notice from one of `from` to `to`, setting `sets` (SQL assignments using ?2 = now,
/// ?3 = the actor, ?4 = the note), audited with a status event.
fn move_to(
    w: &mut Write,
    key: &str,
    from: &[NoticeStatus],
    to: NoticeStatus,
    sets: &str,
    note: Option<&str>,
    doing: &str,
) -> Result<Notice> {
    let before = find(&w.tx, key, w.now)?;
    if !from.contains(&before.status) {
        return Err(Error::State(format!(
            "整改通知单 {} 当前状态为“{}”，不能{doing}",
            before.no,
            before.status.label()
        )));
    }
    w.tx.execute(
        &format!(
            "UPDATE rectification_notices SET status = ?5, {sets}, updated_at = ?2,
                updated_by = ?3 WHERE id = ?1"
        ),
        params![before.id, w.now_db, w.actor.staff_id, note, to],
    )?;
    let after = get(&w.tx, &before.id, w.now)?;
    w.audit_update("rectification_notice", &before.id, &before, &after)?;
    status_event(w, &before.id, Some(before.status), to, note)?;
    Ok(after)
}

/// The notice was handed to the repairer in writing (送达), with an optional note.
pub fn deliver(w: &mut Write, notice: &str, note: Option<&str>) -> Result<Notice> {
    let note = DELIVER_NOTE.optional(note)?;
    move_to(
        w,
        notice,
        &[NoticeStatus::Issued],
        NoticeStatus::Delivered,
        "delivered_at = ?2, delivered_by = ?3",
        note.as_deref(),
        "登记送达",
    )
}

/// The rework is done: the order has been finished again. Closes the notice with the result.
pub fn close(w: &mut Write, notice: &str, note: Option<&str>) -> Result<Notice> {
    let note = CLOSE_NOTE.optional(note)?;
    let n = find(&w.tx, notice, w.now)?;
    let order = repairs::order(&w.tx, &n.repair_id)?;
    if !matches!(
        order.status,
        RepairStatus::Finished | RepairStatus::SignedOff | RepairStatus::Closed
    ) {
        return Err(Error::State(format!(
            "维修单 {} 当前状态为“{}”，返修完工后才能结束整改",
            order.no,
            order.status.label()
        )));
    }
    move_to(
        w,
        &n.id,
        &[NoticeStatus::Issued, NoticeStatus::Delivered],
        NoticeStatus::Closed,
        "closed_at = ?2, closed_by = ?3, close_note = ?4",
        note.as_deref(),
        "结束整改",
    )
}

/// Voids a notice (supervisors), with the reason.
pub fn void(w: &mut Write, notice: &str, reason: &str) -> Result<Notice> {
    w.actor.require(auth::SUPERVISORS, "作废整改通知单")?;
    let reason = VOID_REASON.required(Some(reason))?;
    let n = move_to(
        w,
        notice,
        &[NoticeStatus::Issued, NoticeStatus::Delivered],
        NoticeStatus::Voided,
        "voided_at = ?2, voided_by = ?3, void_reason = ?4",
        Some(&reason),
        "作废",
    )?;
    w.audit_void("rectification_notice", &n.id, &reason)?;
    Ok(n)
}

const NOTICE_SELECT: &str = "SELECT n.id, n.estate_id, n.no, n.repair_id, r.no AS repair_no,
        u.code AS unit, r.content, rp.name AS repairer, n.visit_id,
        COALESCE(vs.name, v.visitor_id) AS visitor, v.at AS visited_at, n.problems, n.status,
        n.notify_by, n.rework_by, n.delivered_at, ds.name AS delivered_by, n.closed_at,
        cs.name AS closed_by, n.close_note, n.void_reason, n.created_at,
        COALESCE(cr.name, n.created_by) AS created_by
    FROM rectification_notices n
    JOIN repair_orders r ON r.id = n.repair_id
    JOIN repair_visits v ON v.id = n.visit_id
    LEFT JOIN units u ON u.id = r.unit_id
    LEFT JOIN staff rp ON rp.id = n.repairer_id
    LEFT JOIN staff vs ON vs.id = v.visitor_id
    LEFT JOIN staff ds ON ds.id = n.delivered_by
    LEFT JOIN staff cs ON cs.id = n.closed_by
    LEFT JOIN staff cr ON cr.id = n.created_by";

fn notice_row(r: &Row, now: DateTime<Utc>) -> rusqlite::Result<Notice> {
    let status: NoticeStatus = r.get("status")?;
    let notify_by: String = r.get("notify_by")?;
    let rework_by: String = r.get("rework_by")?;
    let now_db = time::to_db(now);
    let overdue = match status {
        NoticeStatus::Issued if now_db > notify_by => Some("逾期未送达"),
        NoticeStatus::Issued | NoticeStatus::Delivered if now_db > rework_by => Some("逾期未整改"),
        _ => None,
    };
    Ok(Notice {
        id: r.get("id")?,
        estate_id: r.get("estate_id")?,
        no: r.get("no")?,
        repair_id: r.get("repair_id")?,
        repair_no: r.get("repair_no")?,
        unit: r.get("unit")?,
        repair_content: r.get("content")?,
        repairer: r.get("repairer")?,
        visit_id: r.get("visit_id")?,
        visitor: r.get("visitor")?,
        visited_at: r.get("visited_at")?,
        problems: r.get("problems")?,
        status,
        notify_by,
        rework_by,
        overdue: overdue.map(String::from),
        delivered_at: r.get("delivered_at")?,
        delivered_by: r.get("delivered_by")?,
        closed_at: r.get("closed_at")?,
        closed_by: r.get("closed_by")?,
        close_note: r.get("close_note")?,
        void_reason: r.get("void_reason")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
    })
}

fn notices(
    conn: &Connection,
    sql_where: &str,
    args: &[&dyn rusqlite::ToSql],
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    let mut stmt = conn.prepare_cached(&format!("{NOTICE_SELECT} {sql_where}"))?;
    let rows = stmt.query_map(args, |r| notice_row(r, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One notice by id, judged late or not at `now`.
pub fn get(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Notice> {
    notices(conn, "WHERE n.id = ?1", &[&id], now)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("整改通知单", id))
}

/// One notice by id or number (`LH-ZG2026-0001`).
pub fn find(conn: &Connection, id_or_no: &str, now: DateTime<Utc>) -> Result<Notice> {
    let key = validate::fold_fullwidth(id_or_no.trim()).to_uppercase();
    notices(conn, "WHERE n.id = lower(?1) OR n.no = ?1", &[&key], now)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("整改通知单", id_or_no.trim()))
}

/// The estate's notices, newest first: the open ones only (issued or delivered) or all.
pub fn list(
    conn: &Connection,
    estate_id: &str,
    open_only: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    let filter = if open_only {
        "AND n.status IN ('issued', 'delivered')"
    } else {
        ""
    };
    notices(
        conn,
        &format!("WHERE n.estate_id = ?1 {filter} ORDER BY n.created_at DESC, n.no DESC"),
        &[&estate_id],
        now,
    )
}

/// The open notices late at `now` (not delivered in time, or not reworked in time), oldest
/// first: what the supervisors' 待关注 screen lists.
pub fn overdue(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<Vec<Notice>> {
    let now_db = time::to_db(now);
    notices(
        conn,
        "WHERE n.estate_id = ?1 AND ((n.status = 'issued' AND (n.notify_by < ?2
            OR n.rework_by < ?2)) OR (n.status = 'delivered' AND n.rework_by < ?2))
         ORDER BY n.created_at, n.no",
        &[&estate_id, &now_db],
        now,
    )
}

/// Escalates every open notice of the estate late at the write's time to the role the policy
/// names (`repair_visits.overdue_to`): once per notice for not being delivered by `notify_by`, once
/// for the rework not done by `rework_by`. Returns the escalations raised now.
pub fn escalate_late(w: &mut Write, estate_id: &str) -> Result<Vec<Escalation>> {
    let pol = policy::current(&w.tx, estate_id)?;
    let to = pol.policy.repair_visits.overdue_to;
    let mut out = Vec::new();
    for n in overdue(&w.tx, estate_id, w.now)? {
        let mut late = Vec::new();
        if n.status == NoticeStatus::Issued && w.now_db > n.notify_by {
            late.push((
                EscalationKind::NoticeUndelivered,
                &n.notify_by,
                "书面送达维修人员",
            ));
        }
        if w.now_db > n.rework_by {
            late.push((EscalationKind::NoticeReworkLate, &n.rework_by, "完成整改"));
        }
        for (kind, due, what) in late {
            let due_at = time::from_db(due)?;
            let reason = format!(
                "整改通知单{}（维修单{}，{}）应于{}前{}，已超时{}，上报{}",
                n.no,
                n.repair_no,
                n.repairer.as_deref().unwrap_or("未派维修人员"),
                due_at
                    .with_timezone(&time::beijing())
                    .format("%Y-%m-%d %H:%M"),
                what,
                time::duration_words((w.now - due_at).num_seconds()),
                to.label()
            );
            let subject = grading::Subject {
                estate_id: &n.estate_id,
                id: &n.id,
            };
            if let Some(e) = grading::raise_once_for(w, &subject, kind, to, &reason, pol.version)? {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// The notices of one repair order, oldest first.
pub fn for_repair(conn: &Connection, repair_id: &str, now: DateTime<Utc>) -> Result<Vec<Notice>> {
    notices(
        conn,
        "WHERE n.repair_id = ?1 ORDER BY n.created_at, n.no",
        &[&repair_id],
        now,
    )
}

const VISIT_SELECT: &str = "SELECT v.id, v.repair_id, r.no, v.followup_id,
        COALESCE(s.name, v.visitor_id), v.visitor_role, v.at,
        (SELECT n.no FROM rectification_notices n WHERE n.visit_id = v.id)
    FROM repair_visits v JOIN repair_orders r ON r.id = v.repair_id
    LEFT JOIN staff s ON s.id = v.visitor_id";

fn visits(conn: &Connection, sql_where: &str, key: &str) -> Result<Vec<RepairVisit>> {
    let mut stmt = conn.prepare_cached(&format!("{VISIT_SELECT} {sql_where}"))?;
    let heads = stmt
        .query_map(params![key], |r| {
            Ok(RepairVisit {
                id: r.get(0)?,
                repair_id: r.get(1)?,
                repair_no: r.get(2)?,
                followup_id: r.get(3)?,
                visitor: r.get(4)?,
                visitor_role: r.get(5)?,
                at: r.get(6)?,
                checks: Vec::new(),
                notice_no: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut checks = conn.prepare_cached(
        "SELECT point, passed, note FROM repair_visit_checks WHERE visit_id = ?1",
    )?;
    let mut out = Vec::with_capacity(heads.len());
    for mut v in heads {
        v.checks = checks
            .query_map(params![v.id], |r| {
                Ok(VisitCheck {
                    point: r.get(0)?,
                    passed: r.get(1)?,
                    note: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        v.checks.sort_by_key(|c| c.point);
        out.push(v);
    }
    Ok(out)
}

/// One visit by id.
pub fn visit(conn: &Connection, id: &str) -> Result<RepairVisit> {
    visits(conn, "WHERE v.id = ?1", id)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("维修回访", id))
}

/// A repair order's visits with their checklists, oldest first.
pub fn visits_for(conn: &Connection, repair_id: &str) -> Result<Vec<RepairVisit>> {
    visits(
        conn,
        "WHERE v.repair_id = ?1 ORDER BY v.at, v.rowid",
        repair_id,
    )
}

/// A repair order's 回访 and 整改通知单 together (the order's card on 报修派工, `repair visits`).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderVisits {
    pub repair_no: String,
    /// Its visits with their checklists, oldest first.
    pub visits: Vec<RepairVisit>,
    /// Its notices, oldest first.
    pub notices: Vec<Notice>,
}

/// The 回访 and 整改通知单 of the order `id_or_no`.
pub fn of_order(conn: &Connection, id_or_no: &str, now: DateTime<Utc>) -> Result<OrderVisits> {
    let order = repairs::order(conn, id_or_no)?;
    Ok(OrderVisits {
        visits: visits_for(conn, &order.id)?,
        notices: for_repair(conn, &order.id, now)?,
        repair_no: order.no,
    })
}

/// The period's repair 回访 against the policy's quotas: per quota, the distinct repairs of
/// the period visited by staff of its roles, over the period's repairs.
pub fn quota(conn: &Connection, estate_id: &str, period: &Period) -> Result<QuotaReport> {
    let (from, to) = period.bounds()?;
    let p = policy::current(conn, estate_id)?.policy.repair_visits;
    let month = "SELECT DISTINCT f.subject_id FROM followups f
        JOIN repair_orders r ON r.id = f.subject_id AND r.status != 'voided'
        WHERE f.estate_id = ?1 AND f.subject_kind = 'repair'
          AND f.created_at >= ?2 AND f.created_at < ?3";
    let (from, to) = (time::to_db(from), time::to_db(to));
    let repairs: i64 = conn.query_row(
        &format!("SELECT count(*) FROM ({month})"),
        params![estate_id, from, to],
        |r| r.get(0),
    )?;
    let mut rows = Vec::with_capacity(p.quotas.len());
    for q in &p.quotas {
        let roles = serde_json::to_string(&q.roles)?;
        let visited: i64 = conn.query_row(
            &format!(
                "SELECT count(DISTINCT v.repair_id) FROM repair_visits v
                 WHERE v.repair_id IN ({month})
                   AND v.visitor_role IN (SELECT value FROM json_each(?4))"
            ),
            params![estate_id, from, to, roles],
            |r| r.get(0),
        )?;
        let needed = (repairs * i64::from(q.percent) + 99) / 100;
        rows.push(QuotaRow {
            name: q.name.clone(),
            roles: q.roles.clone(),
            target_percent: q.percent,
            repairs,
            visited,
            percent: if repairs == 0 {
                0.0
            } else {
                (visited as f64 * 1000.0 / repairs as f64).round() / 10.0
            },
            needed,
            met: visited >= needed,
        });
    }
    Ok(QuotaReport {
        period: period.label(),
        repairs,
        rows,
    })
}
