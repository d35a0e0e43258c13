//! The desk's work lists (队列) and the escalation of overdue complaints.
//!
//! Lists: open complaints (not closed or voided), open slips (created / handed over), repair
//! orders (to dispatch — `reported` — and open: dispatched … finished), and follow-ups due (pending,
//! due by the end of today, Beijing, overdue ones included). Every item carries its customer's
//! tier and VIP flag, its grade (complaints, and slips of a complaint), its governing deadline and
//! the sort key explained in words.
//!
//! Order (the estate's [`QueuePolicy`]):
//! 1. overdue first (the governing deadline is past);
//! 2. repairs only: 紧急 before 一般 (a safety matter, as the dispatch list has it);
//! 3. customer tier in the policy's `tier_order` (default A = VIP, then B, then C/D); an A
//!    customer whose VIP card has expired ranks as C until the card is renewed
//!    ([`customers::standing`]);
//! 4. grade 重大 > 热点 > 重要 > 一般 (complaints, and slips and follow-ups of a complaint);
//! 5. earliest deadline (items without one last);
//! 6. oldest first, then number.
//!
//! Invariants:
//! - D tier never lowers handling: a D-tier customer (and a case without a customer) ranks
//!   exactly as C whatever `tier_order` says (a policy may still rank D *higher*). So a D-tier
//!   customer's valid complaint is never placed below a C customer's of the same overdue state,
//!   grade and deadline; tiers only lift A and B.
//! - The governing deadline is the earliest unmet deadline of the case (an overdue one if any);
//!   a case whose deadlines are all met has none.
//! - Lists read only. [`escalate_overdue`] and [`tick`] write (escalations, grade raises) in the
//!   caller's transaction. An overdue escalation is raised at most once per complaint and kind
//!   (first response / handling), ever — acknowledging it does not re-arm it; a later grade raise
//!   to 重大 has its own escalation (grading).
//! - Tier is shown in these internal lists only; it is never printed on a slip.

use std::cmp::Reverse;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::complaints::{self, Complaint};
use crate::customers;
use crate::deadlines::{self, Deadline, DeadlineState, RuleBook};
use crate::error::Result;
use crate::followups;
use crate::grading::{self, Escalation, EscalationKind};
use crate::intake;
use crate::policy;
use crate::repair_visits;
use crate::repairs::{self, RepairOrder};
use crate::slips;
use crate::store::Write;
use crate::time;
use crate::vocab::{Grade, Tier, Urgency};

pub use crate::policy::queues::QueuePolicy;

/// The deadline that governs an item's place.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Due {
    /// The deadline rule (`complaint_contact` …, `followup` for a 回访).
    pub rule: String,
    pub label: String,
    pub due_at: String,
    pub state: DeadlineState,
    pub state_label: &'static str,
    pub remaining_seconds: Option<i64>,
    pub overdue_seconds: Option<i64>,
}

impl From<&Deadline> for Due {
    fn from(d: &Deadline) -> Due {
        Due {
            rule: d.rule.clone(),
            label: d.label.clone(),
            due_at: d.due_at.clone(),
            state: d.state,
            state_label: d.state_label,
            remaining_seconds: d.remaining_seconds,
            overdue_seconds: d.overdue_seconds,
        }
    }
}

/// One entry of a work list.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueItem {
    /// `complaint`, `slip`, `repair` or `followup`.
    pub kind: &'static str,
    pub id: String,
    /// The case's number (a follow-up: its complaint's or repair order's).
    pub no: String,
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub tier: Option<Tier>,
    pub vip: bool,
    pub grade: Option<Grade>,
    pub urgent: bool,
    pub summary: String,
    /// The status in words.
    pub status: String,
    pub deadline: Option<Due>,
    /// Why the item is where it is, in the order the rules apply.
    pub order_reasons: Vec<String>,
    #[serde(skip)]
    key: SortKey,
}

/// Not overdue, not urgent, tier rank, grade (highest first), no deadline, deadline, received,
/// number: ascending.
type SortKey = (
    bool,
    bool,
    usize,
    Reverse<Option<Grade>>,
    bool,
    Option<DateTime<Utc>>,
    String,
    String,
);

/// What an item is made of before its sort key.
struct Draft {
    kind: &'static str,
    id: String,
    no: String,
    unit: Option<String>,
    customer: Option<String>,
    customer_id: Option<String>,
    grade: Option<Grade>,
    urgent: bool,
    summary: String,
    status: String,
    deadline: Option<Due>,
    created_at: String,
}

/// The earliest unmet deadline (overdue ones are the earliest).
fn governing(ds: &[Deadline]) -> Option<Due> {
    ds.iter()
        .filter(|d| !matches!(d.state, DeadlineState::Met | DeadlineState::MetLate))
        .min_by(|a, b| a.due_at.cmp(&b.due_at))
        .map(Due::from)
}

fn finish(
    conn: &Connection,
    p: &QueuePolicy,
    drafts: Vec<Draft>,
    now: DateTime<Utc>,
) -> Result<Vec<QueueItem>> {
    let mut items = Vec::with_capacity(drafts.len());
    for d in drafts {
        let standing = match d.customer_id.as_deref() {
            Some(id) => customers::standing(conn, id, time::local_date(now))?,
            None => None,
        };
        let tier = standing.as_ref().map(|s| s.tier);
        let rank_tier = standing.as_ref().map(|s| s.rank_tier);
        let vip = standing.as_ref().is_some_and(|s| s.vip);
        let overdue = d
            .deadline
            .as_ref()
            .is_some_and(|x| x.state == DeadlineState::Overdue);
        let due = d
            .deadline
            .as_ref()
            .map(|x| time::from_db(&x.due_at))
            .transpose()?;
        let mut why = Vec::new();
        if let Some(x) = &d.deadline {
            why.push(format!("{}：{}", x.label, x.state_label));
        }
        if d.urgent {
            why.push("紧急维修".into());
        }
        why.push(match (rank_tier, standing.and_then(|s| s.expired_card)) {
            (_, Some((card, last))) => {
                format!("VIP卡 {card} 已于 {last} 到期，待复核换卡，按C类排序")
            }
            (Some(Tier::A), None) => "VIP客户（A类）".to_string(),
            (Some(Tier::D), None) => "D类客户按C类排序（不降低处理）".to_string(),
            (Some(t), None) => format!("客户等级 {}", t.label()),
            (None, None) => "无客户档案，按C类排序".to_string(),
        });
        if let Some(g) = d.grade {
            why.push(format!("投诉等级 {}", g.label()));
        }
        match due {
            Some(t) => why.push(format!(
                "时限 {}",
                t.with_timezone(&time::beijing()).format("%Y-%m-%d %H:%M")
            )),
            None => why.push("无未完成时限".into()),
        }
        let key = (
            !overdue,
            !d.urgent,
            p.tier_rank(rank_tier),
            Reverse(d.grade),
            due.is_none(),
            due,
            d.created_at.clone(),
            d.no.clone(),
        );
        items.push(QueueItem {
            kind: d.kind,
            id: d.id,
            no: d.no,
            unit: d.unit,
            customer: d.customer,
            tier,
            vip,
            grade: d.grade,
            urgent: d.urgent,
            summary: d.summary,
            status: d.status,
            deadline: d.deadline,
            order_reasons: why,
            key,
        });
    }
    items.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(items)
}

fn queue_policy(conn: &Connection, estate_id: &str) -> Result<QueuePolicy> {
    Ok(policy::current(conn, estate_id)?.policy.queues)
}

fn ids(conn: &Connection, sql: &str, estate_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![estate_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn open_complaint_ids(conn: &Connection, estate_id: &str) -> Result<Vec<String>> {
    ids(
        conn,
        "SELECT id FROM complaints WHERE estate_id = ?1
           AND status NOT IN ('closed', 'voided') ORDER BY created_at, id",
        estate_id,
    )
}

fn complaint_draft(
    conn: &Connection,
    book: &mut RuleBook,
    c: Complaint,
    now: DateTime<Utc>,
) -> Result<Draft> {
    let ds = deadlines::for_complaint_with(conn, book, &c.id, now)?;
    Ok(Draft {
        kind: "complaint",
        customer: c.customer.clone().or(c.person_name.clone()),
        customer_id: c.customer_id,
        grade: Some(c.grade),
        urgent: false,
        summary: intake::short(&c.content, 60),
        status: c.status.label().into(),
        deadline: governing(&ds),
        created_at: c.received_at,
        id: c.id,
        no: c.no,
        unit: c.unit,
    })
}

/// Open complaints, in handling order.
pub fn complaints(
    conn: &Connection,
    estate_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<QueueItem>> {
    let p = queue_policy(conn, estate_id)?;
    let mut book = RuleBook::for_many();
    let drafts = open_complaint_ids(conn, estate_id)?
        .iter()
        .map(|id| complaint_draft(conn, &mut book, complaints::load(conn, id)?, now))
        .collect::<Result<_>>()?;
    finish(conn, &p, drafts, now)
}

/// Open slips (created or handed over), in handling order; a slip of a complaint has its grade.
pub fn slips(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<Vec<QueueItem>> {
    let p = queue_policy(conn, estate_id)?;
    let mut drafts = Vec::new();
    for id in ids(
        conn,
        "SELECT id FROM slips WHERE estate_id = ?1
           AND status IN ('created', 'handed_over') ORDER BY created_at, id",
        estate_id,
    )? {
        let s = slips::load(conn, &id)?;
        let grade = s
            .complaint_id
            .as_deref()
            .map(|c| complaints::load(conn, c).map(|c| c.grade))
            .transpose()?;
        let ds = deadlines::for_slip(conn, &s.id, now)?;
        drafts.push(Draft {
            kind: "slip",
            customer: s.customer,
            customer_id: s.customer_id,
            grade,
            urgent: false,
            summary: intake::short(&s.content, 60),
            status: s.status.label().into(),
            deadline: governing(&ds),
            created_at: s.created_at,
            id: s.id,
            no: s.no,
            unit: s.unit,
        });
    }
    finish(conn, &p, drafts, now)
}

fn repair_draft(
    conn: &Connection,
    book: &mut RuleBook,
    o: RepairOrder,
    now: DateTime<Utc>,
) -> Result<Draft> {
    let ds = deadlines::for_repair_with(conn, book, &o.id, now)?;
    Ok(Draft {
        kind: "repair",
        customer: o.customer_name.or(o.reporter_name),
        customer_id: o.customer_id,
        grade: None,
        urgent: o.urgency == Urgency::Urgent,
        summary: intake::short(&o.content, 60),
        status: o.status.label().into(),
        deadline: governing(&ds),
        created_at: o.reported_at,
        id: o.id,
        no: o.no,
        unit: o.unit,
    })
}

/// Repair orders to dispatch (`reported`) and open ones (dispatched … finished), in handling
/// order (urgent ones first after the overdue).
pub fn repairs(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<Vec<QueueItem>> {
    let p = queue_policy(conn, estate_id)?;
    let mut book = RuleBook::for_many();
    let drafts = ids(
        conn,
        "SELECT id FROM repair_orders WHERE estate_id = ?1
           AND status IN ('reported', 'dispatched', 'accepted', 'arrived', 'finished')
         ORDER BY reported_at, id",
        estate_id,
    )?
    .iter()
    .map(|id| repair_draft(conn, &mut book, repairs::order(conn, id)?, now))
    .collect::<Result<_>>()?;
    finish(conn, &p, drafts, now)
}

/// 24:00 Beijing of `now`'s day.
fn end_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = time::local_date(now) + Duration::days(1);
    time::beijing()
        .from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

/// Pending follow-ups due by the end of today (Beijing), overdue ones included, in handling order.
pub fn followups(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<Vec<QueueItem>> {
    let p = queue_policy(conn, estate_id)?;
    let mut drafts = Vec::new();
    for f in followups::due(conn, estate_id, end_of_today(now))? {
        let (customer_id, grade, created_at): (Option<String>, Option<Grade>, String) = conn
            .query_row(
                "SELECT COALESCE(c.customer_id, r.customer_id), c.grade, f.created_at
                 FROM followups f
                 LEFT JOIN complaints c ON f.subject_kind = 'complaint' AND c.id = f.subject_id
                 LEFT JOIN repair_orders r ON f.subject_kind = 'repair' AND r.id = f.subject_id
                 WHERE f.id = ?1",
                params![f.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let due = time::from_db(&f.due_at)?;
        let (state, remaining, overdue) = if now > due {
            (
                DeadlineState::Overdue,
                None,
                Some((now - due).num_seconds()),
            )
        } else {
            (
                DeadlineState::DueSoon,
                Some((due - now).num_seconds()),
                None,
            )
        };
        drafts.push(Draft {
            kind: "followup",
            no: f.subject_no.unwrap_or_default(),
            unit: f.unit,
            customer: f.customer,
            customer_id,
            grade,
            urgent: false,
            summary: f.summary,
            status: format!("待回访（已打{}次）", f.attempts),
            deadline: Some(Due {
                rule: "followup".into(),
                label: "回访".into(),
                due_at: f.due_at,
                state,
                state_label: state.label(),
                remaining_seconds: remaining,
                overdue_seconds: overdue,
            }),
            created_at,
            id: f.id,
        });
    }
    finish(conn, &p, drafts, now)
}

/// Escalates every open complaint of the estate whose first response (owner contact, the grade's
/// first response) or handling (plan, 一般 settled) is overdue now, to the role the policy names for
/// its grade, once per complaint and kind. Returns the escalations raised now.
pub fn escalate_overdue(w: &mut Write, estate_id: &str) -> Result<Vec<Escalation>> {
    let pol = policy::current(&w.tx, estate_id)?;
    let mut out = Vec::new();
    let mut book = deadlines::RuleBook::for_many();
    for id in open_complaint_ids(&w.tx, estate_id)? {
        let c = complaints::load(&w.tx, &id)?;
        let mut overdue: Vec<Deadline> =
            deadlines::for_complaint_with(&w.tx, &mut book, &c.id, w.now)?
                .into_iter()
                .filter(|d| d.state == DeadlineState::Overdue)
                .collect();
        overdue.sort_by(|a, b| a.due_at.cmp(&b.due_at));
        for d in overdue {
            let (kind, what) = match d.rule.as_str() {
                "complaint_plan" | "settle_general" => (EscalationKind::OverdueHandling, "办结"),
                _ => (EscalationKind::OverdueFirstResponse, "首次响应"),
            };
            let to = pol.policy.queues.overdue_to(c.grade);
            let due = time::from_db(&d.due_at)?.with_timezone(&time::beijing());
            let reason = format!(
                "{}投诉{}超时：{}应于{}前完成，已超时{}，上报{}",
                c.grade.label(),
                what,
                d.label,
                due.format("%Y-%m-%d %H:%M"),
                time::duration_words(d.overdue_seconds.unwrap_or(0)),
                to.label()
            );
            if let Some(e) = grading::raise_once(w, &c, kind, to, &reason, pol.version)? {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// What one time tick did.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Tick {
    pub regraded: Vec<grading::GradeChange>,
    pub escalated: Vec<Escalation>,
}

/// The time tick: re-grades every open complaint, then escalates the overdue ones and the late
/// 整改通知单.
pub fn tick(w: &mut Write, estate_id: &str) -> Result<Tick> {
    let regraded = grading::regrade_all(w, estate_id)?;
    let mut escalated = escalate_overdue(w, estate_id)?;
    escalated.extend(repair_visits::escalate_late(w, estate_id)?);
    Ok(Tick {
        regraded,
        escalated,
    })
}
