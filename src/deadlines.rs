//! Deadlines in working time: due times from the rules, pauses, and each case's deadlines.
//!
//! The rules themselves are policy data ([`crate::policy::deadlines`], re-exported here:
//! [`DeadlinePolicy`], [`Rule`], [`Unit`]); this module computes with them.
//!
//! A deadline is computed, never stored: from the case's recorded times (`started_at`, the step's
//! `met_at`), the rule of the policy the case was judged under, the estate's working calendar and
//! the case's pauses. Definitions:
//! - Units: `minutes` / `hours` / `calendar_days` add clock time to the start; `working_days` is
//!   [`Calendar::add_working_days`] (same Beijing clock time on the n-th working day after the
//!   start date); `end_of_day` is the end (24:00 Beijing) of the start's calendar day plus `amount`
//!   calendar days (0 = the same day).
//! - Pauses (`deadline_pauses`) apply to every deadline of their subject. Each pause is clipped to
//!   start no earlier than the deadline's start and to end no later than the step's `met_at` (or
//!   `now` while it is open or the step is not met). Taken in order, a clipped pause that begins
//!   before the (already moved) due time moves the due time later by its exact length, to the
//!   millisecond; one that begins after it does not (an overdue step stays overdue). This holds for
//!   every unit: for working-day rules the paused duration is added as clock time after the
//!   working-day arithmetic, so a pause over a weekend gives back exactly its length.
//! - State: met (`met_at` ≤ due), met late, overdue (`now` > due), due soon (due − now ≤ the rule's
//!   `due_soon_minutes`), else on time.
//! - Complaints and repair orders use the policy version recorded on them (`policy_version`), so a
//!   later policy change never rewrites their history; a slip keeps the deadline printed on it.
//!
//! Invariants: at most one open pause per subject (unique index); pausing and resuming are audited
//! and logged as events; nothing is deleted.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::calendar::Calendar;
use crate::complaints;
use crate::error::{Error, Result};
use crate::policy::{self, Policy, Versioned};
use crate::repairs;
use crate::slips;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{Grade, RepairKind, RepairScale, Urgency};

pub use crate::policy::deadlines::{DeadlinePolicy, Rule, Unit};

// A rule's arithmetic needs the working calendar, so it sits here, above the policy floor.
impl Rule {
    /// The due time for a step started at `start`, before pauses.
    pub fn due_from(&self, start: DateTime<Utc>, cal: &Calendar) -> DateTime<Utc> {
        match self.unit {
            Unit::Minutes => start + Duration::minutes(self.amount),
            Unit::Hours => start + Duration::hours(self.amount),
            Unit::CalendarDays => start + Duration::days(self.amount),
            Unit::WorkingDays => cal.add_working_days(start, self.amount as u32),
            Unit::EndOfDay => end_of_day(time::local_date(start) + Duration::days(self.amount)),
        }
    }
}

/// 24:00 Beijing of `date`.
fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date.succ_opt().expect("date in range");
    time::beijing()
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

/// Where a deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    OnTime,
    DueSoon,
    Overdue,
    Met,
    MetLate,
}

impl DeadlineState {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineState::OnTime => "按时",
            DeadlineState::DueSoon => "即将到期",
            DeadlineState::Overdue => "已超时",
            DeadlineState::Met => "已按时完成",
            DeadlineState::MetLate => "超时完成",
        }
    }
}

/// One deadline of a case, as of `now`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deadline {
    /// The rule's name in the policy (`complaint_contact` …).
    pub rule: String,
    pub label: String,
    pub amount: i64,
    pub unit: Unit,
    pub started_at: String,
    pub due_at: String,
    pub met_at: Option<String>,
    /// Paused time that moved the due time.
    pub paused_seconds: i64,
    /// A pause of the case is open now.
    pub paused: bool,
    pub state: DeadlineState,
    pub state_label: &'static str,
    /// Until due (not met, not overdue).
    pub remaining_seconds: Option<i64>,
    /// Past due (overdue), or how late the step was met (met late).
    pub overdue_seconds: Option<i64>,
    /// The policy version the rule came from.
    pub policy_version: i64,
}

/// A pause interval: start, end (None while open).
pub type Interval = (DateTime<Utc>, Option<DateTime<Utc>>);

/// How one step stands, as of `now`: its due time once pauses moved it, and its state.
#[derive(Clone, Copy, Debug)]
pub struct Judged {
    pub due: DateTime<Utc>,
    paused: Duration,
    pub state: DeadlineState,
    remaining: Option<i64>,
    overdue: Option<i64>,
}

/// Judges one rule for a step started at `start`, due at `base_due` before pauses.
fn judge(
    rule: &Rule,
    start: DateTime<Utc>,
    base_due: DateTime<Utc>,
    met: Option<DateTime<Utc>>,
    pauses: &[Interval],
    now: DateTime<Utc>,
) -> Judged {
    let limit = met.unwrap_or(now);
    let mut sorted = pauses.to_vec();
    sorted.sort_by_key(|p| p.0);
    let mut due = base_due;
    let mut paused = Duration::zero();
    for (from, to) in &sorted {
        let s = (*from).max(start);
        let e = to.unwrap_or(now).min(limit);
        if e <= s {
            continue;
        }
        if s >= due {
            break;
        }
        due += e - s;
        paused += e - s;
    }
    let (state, remaining, overdue) = match met {
        Some(m) if m <= due => (DeadlineState::Met, None, None),
        Some(m) => (DeadlineState::MetLate, None, Some((m - due).num_seconds())),
        None if now > due => (
            DeadlineState::Overdue,
            None,
            Some((now - due).num_seconds()),
        ),
        None => {
            let left = due - now;
            let state = if left <= Duration::minutes(rule.due_soon_minutes) {
                DeadlineState::DueSoon
            } else {
                DeadlineState::OnTime
            };
            (state, Some(left.num_seconds()), None)
        }
    };
    Judged {
        due,
        paused,
        state,
        remaining,
        overdue,
    }
}

/// Evaluates one rule for a step started at `start`, due at `base_due` before pauses.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    name: &str,
    rule: &Rule,
    start: DateTime<Utc>,
    base_due: DateTime<Utc>,
    met: Option<DateTime<Utc>>,
    pauses: &[Interval],
    now: DateTime<Utc>,
    policy_version: i64,
) -> Deadline {
    let j = judge(rule, start, base_due, met, pauses, now);
    Deadline {
        rule: name.into(),
        label: rule.label.clone(),
        amount: rule.amount,
        unit: rule.unit,
        started_at: time::to_db(start),
        due_at: time::to_db(j.due),
        met_at: met.map(time::to_db),
        paused_seconds: j.paused.num_seconds(),
        paused: pauses.iter().any(|p| p.1.is_none()),
        state: j.state,
        state_label: j.state.label(),
        remaining_seconds: j.remaining,
        overdue_seconds: j.overdue,
        policy_version,
    }
}

/// The policy of `estate_id` at `version` (version 0 or unknown: the defaults).
pub fn policy_at_version(conn: &Connection, estate_id: &str, version: i64) -> Result<Versioned> {
    let body: Option<String> = conn
        .query_row(
            "SELECT body FROM policies WHERE estate_id = ?1 AND version = ?2",
            params![estate_id, version],
            |r| r.get(0),
        )
        .optional()?;
    match body {
        None => Ok(Versioned {
            version: 0,
            policy: Policy::default(),
        }),
        Some(b) => Ok(Versioned {
            version,
            policy: serde_json::from_str(&b)
                .map_err(|e| Error::Corrupt(format!("政策第 {version} 版无法读取：{e}")))?,
        }),
    }
}

/// The policy versions, working calendars and pauses deadlines are computed with, each loaded
/// once: computing many cases (a register, a KPI report, a queue) reuses one `RuleBook`.
#[derive(Default)]
pub struct RuleBook {
    /// By estate and policy version (`None`: the estate's current policy).
    entries: HashMap<(String, Option<i64>), (Versioned, Calendar)>,
    /// Every pause, by subject, once [`RuleBook::for_many`] asked for them to be read together.
    pauses: Option<HashMap<(SubjectKind, String), Vec<Interval>>>,
    many: bool,
}

impl RuleBook {
    /// A book for many cases: all pauses are read in one query on first use.
    pub fn for_many() -> RuleBook {
        RuleBook {
            many: true,
            ..RuleBook::default()
        }
    }

    fn get(
        &mut self,
        conn: &Connection,
        estate_id: &str,
        version: Option<i64>,
    ) -> Result<&(Versioned, Calendar)> {
        let key = (estate_id.to_string(), version);
        if !self.entries.contains_key(&key) {
            let p = match version {
                Some(v) => policy_at_version(conn, estate_id, v)?,
                None => policy::current(conn, estate_id)?,
            };
            let cal = Calendar::load(conn, estate_id, &p.policy.deadlines.weekend)?;
            self.entries.insert(key.clone(), (p, cal));
        }
        Ok(&self.entries[&key])
    }

    /// The pause intervals of one case.
    fn pauses_of(
        &mut self,
        conn: &Connection,
        kind: SubjectKind,
        subject_id: &str,
    ) -> Result<Vec<Interval>> {
        let interval = |p: &Pause| -> Result<Interval> {
            Ok((
                time::from_db(&p.paused_at)?,
                p.resumed_at.as_deref().map(time::from_db).transpose()?,
            ))
        };
        if !self.many {
            return pauses(conn, kind, subject_id)?
                .iter()
                .map(interval)
                .collect();
        }
        if self.pauses.is_none() {
            let mut all: HashMap<(SubjectKind, String), Vec<Interval>> = HashMap::new();
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {PAUSE_COLUMNS} FROM deadline_pauses ORDER BY paused_at, rowid"
            ))?;
            for p in stmt.query_map([], pause_row)? {
                let p = p?;
                all.entry((p.subject_kind, p.subject_id.clone()))
                    .or_default()
                    .push(interval(&p)?);
            }
            self.pauses = Some(all);
        }
        let all = self.pauses.as_ref().expect("loaded above");
        Ok(all
            .get(&(kind, subject_id.to_string()))
            .cloned()
            .unwrap_or_default())
    }
}

/// What a case's deadlines are computed with.
struct Context<'a> {
    version: i64,
    rules: &'a DeadlinePolicy,
    cal: &'a Calendar,
    pauses: Vec<Interval>,
    now: DateTime<Utc>,
}

impl<'a> Context<'a> {
    fn new(
        (p, cal): &'a (Versioned, Calendar),
        pauses: Vec<Interval>,
        now: DateTime<Utc>,
    ) -> Context<'a> {
        Context {
            version: p.version,
            rules: &p.policy.deadlines,
            cal,
            pauses,
            now,
        }
    }

    /// One deadline by rule name (a field of [`DeadlinePolicy`]).
    fn rule(
        &self,
        pick: fn(&DeadlinePolicy) -> &Rule,
        start: DateTime<Utc>,
        met: Option<DateTime<Utc>>,
    ) -> Deadline {
        self.deadline(self.step(pick, start, met))
    }

    fn with_due(
        &self,
        pick: fn(&DeadlinePolicy) -> &Rule,
        start: DateTime<Utc>,
        due: DateTime<Utc>,
        met: Option<DateTime<Utc>>,
    ) -> Deadline {
        self.deadline(Step {
            pick,
            start,
            due,
            met,
        })
    }

    /// A step under the rule `pick`, due as the rule says.
    fn step(
        &self,
        pick: fn(&DeadlinePolicy) -> &Rule,
        start: DateTime<Utc>,
        met: Option<DateTime<Utc>>,
    ) -> Step {
        Step {
            pick,
            start,
            due: pick(self.rules).due_from(start, self.cal),
            met,
        }
    }

    /// The step as a full [`Deadline`] record.
    fn deadline(&self, s: Step) -> Deadline {
        let rule = (s.pick)(self.rules);
        let name = self
            .rules
            .rules()
            .into_iter()
            .find(|(_, r)| std::ptr::eq(*r, rule))
            .map(|(n, _)| n)
            .expect("a rule of the policy");
        evaluate(
            name,
            rule,
            s.start,
            s.due,
            s.met,
            &self.pauses,
            self.now,
            self.version,
        )
    }

    /// How the step stands, without the record's texts.
    fn judge(&self, s: &Step) -> Judged {
        judge(
            (s.pick)(self.rules),
            s.start,
            s.due,
            s.met,
            &self.pauses,
            self.now,
        )
    }
}

/// One step of a case before it is judged: its rule, when it started, when it is due (before
/// pauses) and when it was met.
struct Step {
    pick: fn(&DeadlinePolicy) -> &Rule,
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    met: Option<DateTime<Utc>>,
}

fn opt_time(s: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    s.map(time::from_db).transpose()
}

/// What a complaint's deadlines depend on, read with the complaint in one query:
/// [`ComplaintClock::COLUMNS`] selects it from `complaints c JOIN intakes i`, so a register of many
/// complaints computes their deadlines without a query per complaint.
#[derive(Clone, Debug)]
pub struct ComplaintClock {
    pub id: String,
    estate_id: String,
    policy_version: Option<i64>,
    grade: Grade,
    received_at: String,
    closed_at: Option<String>,
    requested_by: Option<String>,
    /// First attempt that reached someone.
    contacted: Option<String>,
    /// First agreed attempt.
    agreed: Option<String>,
    /// Last grade change.
    graded: Option<String>,
    /// First dispatch.
    dispatched: Option<String>,
}

impl ComplaintClock {
    /// The select list (aliases `c` = complaints, `i` = its intake); [`ComplaintClock::WIDTH`]
    /// columns, read by [`ComplaintClock::from_row`].
    pub const COLUMNS: &'static str = "c.id, c.estate_id, c.policy_version, c.grade,
        i.received_at, c.closed_at, c.requested_by,
        (SELECT min(a.at) FROM complaint_attempts a WHERE a.complaint_id = c.id
            AND a.voided_at IS NULL AND a.result <> 'no_answer'),
        (SELECT min(a.at) FROM complaint_attempts a WHERE a.complaint_id = c.id
            AND a.voided_at IS NULL AND a.result = 'agreed'),
        (SELECT max(e.at) FROM events e WHERE e.entity = 'complaint' AND e.entity_id = c.id
            AND e.kind = 'grade'),
        (SELECT min(e.at) FROM events e WHERE e.entity = 'complaint' AND e.entity_id = c.id
            AND e.kind = 'status' AND json_extract(e.data, '$.to') = 'dispatched')";
    pub const WIDTH: usize = 11;

    /// Reads the clock from the row's columns `at..at + WIDTH`.
    pub fn from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<ComplaintClock> {
        Ok(ComplaintClock {
            id: r.get(at)?,
            estate_id: r.get(at + 1)?,
            policy_version: r.get(at + 2)?,
            grade: r.get(at + 3)?,
            received_at: r.get(at + 4)?,
            closed_at: r.get(at + 5)?,
            requested_by: r.get(at + 6)?,
            contacted: r.get(at + 7)?,
            agreed: r.get(at + 8)?,
            graded: r.get(at + 9)?,
            dispatched: r.get(at + 10)?,
        })
    }
}

/// A complaint's deadlines: owner contact, handling plan, and the first response of its grade.
pub fn for_complaint(
    conn: &Connection,
    complaint: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Deadline>> {
    for_complaint_with(conn, &mut RuleBook::default(), complaint, now)
}

/// [`for_complaint`] with rules loaded once for many complaints.
pub fn for_complaint_with(
    conn: &Connection,
    book: &mut RuleBook,
    complaint: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Deadline>> {
    let key = validate::fold_fullwidth(complaint.trim());
    let clock = conn
        .prepare_cached(&format!(
            "SELECT {} FROM complaints c JOIN intakes i ON i.id = c.intake_id
             WHERE c.id = ?1 OR c.no = upper(?1)",
            ComplaintClock::COLUMNS
        ))?
        .query_row(params![key], |r| ComplaintClock::from_row(r, 0))
        .optional()?
        .ok_or_else(|| Error::not_found("投诉", complaint.trim()))?;
    complaint_deadlines(conn, book, &clock, now)
}

/// The deadlines of a complaint whose clock was read already: first contact, plan, and the
/// grade's rule (first response, or settling a 一般 complaint).
pub fn complaint_deadlines(
    conn: &Connection,
    book: &mut RuleBook,
    c: &ComplaintClock,
    now: DateTime<Utc>,
) -> Result<Vec<Deadline>> {
    with_complaint_steps(conn, book, c, now, |ctx, steps| {
        steps.into_iter().map(|s| ctx.deadline(s)).collect()
    })
}

/// What a register of many complaints shows of a complaint's deadlines (computed as
/// [`complaint_deadlines`] computes them, without building the records).
#[derive(Clone, Copy, Debug)]
pub struct ComplaintSummary {
    /// The grade's rule: first response, or settling a 一般 complaint.
    pub response: Judged,
    /// A deadline was missed (overdue now, or met late).
    pub missed: bool,
}

/// The [`ComplaintSummary`] of a complaint whose clock was read already.
pub fn complaint_summary(
    conn: &Connection,
    book: &mut RuleBook,
    c: &ComplaintClock,
    now: DateTime<Utc>,
) -> Result<ComplaintSummary> {
    with_complaint_steps(conn, book, c, now, |ctx, steps| {
        let judged = steps.map(|s| ctx.judge(&s));
        ComplaintSummary {
            response: judged[2],
            missed: judged
                .iter()
                .any(|j| matches!(j.state, DeadlineState::Overdue | DeadlineState::MetLate)),
        }
    })
}

/// The steps of a complaint (contact, plan, the grade's rule), handed to `then` with their
/// context.
fn with_complaint_steps<T>(
    conn: &Connection,
    book: &mut RuleBook,
    c: &ComplaintClock,
    now: DateTime<Utc>,
    then: impl FnOnce(&Context, [Step; 3]) -> T,
) -> Result<T> {
    let pauses = book.pauses_of(conn, SubjectKind::Complaint, &c.id)?;
    let rules = book.get(conn, &c.estate_id, c.policy_version)?;
    let ctx = Context::new(rules, pauses, now);
    let received = time::from_db(&c.received_at)?;
    let closed = opt_time(c.closed_at.as_deref())?;
    let contacted = opt_time(c.contacted.as_deref())?;
    let agreed = opt_time(c.agreed.as_deref())?;
    let plan_met = [agreed, closed].into_iter().flatten().min();
    let graded = opt_time(c.graded.as_deref())?;
    let dispatched = opt_time(c.dispatched.as_deref())?;
    let grade_start = graded.unwrap_or(received).max(received);
    let response = match c.grade {
        Grade::Major => ctx.step(|r| &r.response_major, grade_start, dispatched),
        Grade::Hot => ctx.step(|r| &r.response_hot, grade_start, dispatched),
        Grade::Important => ctx.step(|r| &r.response_important, grade_start, dispatched),
        Grade::General => match c.requested_by.as_deref() {
            Some(d) => {
                let date = time::parse_date("requested_by", "业主要求日期", d)?;
                Step {
                    pick: |r| &r.settle_general,
                    start: grade_start,
                    due: end_of_day(date),
                    met: closed,
                }
            }
            None => ctx.step(|r| &r.settle_general, grade_start, closed),
        },
    };
    let steps = [
        ctx.step(|r| &r.complaint_contact, received, contacted),
        ctx.step(|r| &r.complaint_plan, received, plan_met),
        response,
    ];
    Ok(then(&ctx, steps))
}

/// What a repair order's deadlines depend on, read with the order in one query:
/// [`RepairClock::COLUMNS`] selects it from `repair_orders r`.
#[derive(Clone, Debug)]
pub struct RepairClock {
    pub id: String,
    estate_id: String,
    policy_version: Option<i64>,
    urgency: Urgency,
    kind: RepairKind,
    scale: Option<RepairScale>,
    reported_at: String,
    appointment_at: Option<String>,
    dispatched_at: Option<String>,
    arrived_at: Option<String>,
    finished_at: Option<String>,
    signed_off_at: Option<String>,
    safety_related: bool,
    leak_related: bool,
    /// First 回访 done.
    visited: Option<String>,
}

impl RepairClock {
    /// The select list (alias `r` = repair_orders); [`RepairClock::WIDTH`] columns.
    pub const COLUMNS: &'static str = "r.id, r.estate_id, r.policy_version, r.urgency, r.kind,
        r.scale, r.reported_at, r.appointment_at, r.dispatched_at, r.arrived_at, r.finished_at,
        r.signed_off_at, r.safety_related, r.leak_related,
        (SELECT min(f.done_at) FROM followups f WHERE f.subject_kind = 'repair'
            AND f.subject_id = r.id AND f.status = 'done')";
    pub const WIDTH: usize = 15;

    /// Reads the clock from the row's columns `at..at + WIDTH`.
    pub fn from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<RepairClock> {
        Ok(RepairClock {
            id: r.get(at)?,
            estate_id: r.get(at + 1)?,
            policy_version: r.get(at + 2)?,
            urgency: r.get(at + 3)?,
            kind: r.get(at + 4)?,
            scale: r.get(at + 5)?,
            reported_at: r.get(at + 6)?,
            appointment_at: r.get(at + 7)?,
            dispatched_at: r.get(at + 8)?,
            arrived_at: r.get(at + 9)?,
            finished_at: r.get(at + 10)?,
            signed_off_at: r.get(at + 11)?,
            safety_related: r.get(at + 12)?,
            leak_related: r.get(at + 13)?,
            visited: r.get(at + 14)?,
        })
    }
}

/// A repair order's deadlines: on site, finished, and (once signed off) its 回访.
pub fn for_repair(conn: &Connection, order: &str, now: DateTime<Utc>) -> Result<Vec<Deadline>> {
    for_repair_with(conn, &mut RuleBook::default(), order, now)
}

/// [`for_repair`] with rules loaded once for many orders.
pub fn for_repair_with(
    conn: &Connection,
    book: &mut RuleBook,
    order: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Deadline>> {
    let clock = conn
        .prepare_cached(&format!(
            "SELECT {} FROM repair_orders r WHERE r.id = ?1 OR r.no = ?1",
            RepairClock::COLUMNS
        ))?
        .query_row(params![order.trim()], |r| RepairClock::from_row(r, 0))
        .optional()?
        .ok_or_else(|| Error::not_found("维修单", order))?;
    repair_deadlines(conn, book, &clock, now)
}

/// The deadlines of a repair order whose clock was read already. An appointment agreed with the
/// owner is the on-site deadline (with the policy's margin), and the work is due counted from it
/// when it is later than the report (seed 002 入户维修 4.2.1: 应在预约时间到达，严禁迟到).
pub fn repair_deadlines(
    conn: &Connection,
    book: &mut RuleBook,
    o: &RepairClock,
    now: DateTime<Utc>,
) -> Result<Vec<Deadline>> {
    let pauses = book.pauses_of(conn, SubjectKind::Repair, &o.id)?;
    let rules = book.get(conn, &o.estate_id, o.policy_version)?;
    let ctx = Context::new(rules, pauses, now);
    let reported = time::from_db(&o.reported_at)?;
    let appointment = opt_time(o.appointment_at.as_deref())?;
    let arrived = opt_time(o.arrived_at.as_deref())?;
    let finished = opt_time(o.finished_at.as_deref())?;
    let mut out = Vec::new();
    if let Some(a) = appointment {
        out.push(ctx.rule(|r| &r.repair_appointment, a, arrived));
    } else if o.urgency == Urgency::Urgent {
        out.push(ctx.rule(|r| &r.repair_urgent_on_site, reported, arrived));
    } else if let Some(d) = opt_time(o.dispatched_at.as_deref())? {
        out.push(ctx.rule(|r| &r.repair_on_site, d, arrived));
    }
    let start = appointment.map_or(reported, |a| a.max(reported));
    out.push(match (o.kind, o.scale, o.urgency) {
        (RepairKind::Public, Some(RepairScale::Small), _) => {
            ctx.rule(|r| &r.public_small, start, finished)
        }
        (RepairKind::Public, Some(RepairScale::Medium), _) => {
            ctx.rule(|r| &r.public_medium, start, finished)
        }
        (RepairKind::Public, _, _) => ctx.rule(|r| &r.public_large, start, finished),
        (_, _, Urgency::Urgent) => ctx.rule(|r| &r.repair_urgent, start, finished),
        (RepairKind::Special, _, _) => ctx.rule(|r| &r.repair_other, start, finished),
        _ => ctx.rule(|r| &r.repair_general, start, finished),
    });
    if let Some(signed) = opt_time(o.signed_off_at.as_deref())? {
        let visited = opt_time(o.visited.as_deref())?;
        out.push(if o.safety_related {
            ctx.rule(|r| &r.repair_followup_safety, signed, visited)
        } else if o.leak_related {
            ctx.rule(|r| &r.repair_followup_leak, signed, visited)
        } else {
            ctx.rule(|r| &r.repair_followup_other, signed, visited)
        });
    }
    Ok(out)
}

/// A slip's deadline: the department's answer (returned), due at the slip's printed deadline
/// (the policy rule when none was recorded).
pub fn for_slip(conn: &Connection, slip: &str, now: DateTime<Utc>) -> Result<Vec<Deadline>> {
    let s = slips::load(conn, slip)?;
    let mut book = RuleBook::default();
    let pauses = book.pauses_of(conn, SubjectKind::Slip, &s.id)?;
    let rules = book.get(conn, &s.estate_id, None)?;
    let ctx = Context::new(rules, pauses, now);
    let created = time::from_db(&s.created_at)?;
    let returned = opt_time(s.returned_at.as_deref())?;
    Ok(vec![match opt_time(s.deadline_at.as_deref())? {
        Some(due) => ctx.with_due(|r| &r.slip_answer, created, due, returned),
        None => ctx.rule(|r| &r.slip_answer, created, returned),
    }])
}

// ---------------------------------------------------------------------------------------------
// Pauses

/// What a pause stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Complaint,
    Repair,
    Slip,
}

impl SubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Complaint => "complaint",
            SubjectKind::Repair => "repair",
            SubjectKind::Slip => "slip",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::Complaint => "投诉",
            SubjectKind::Repair => "维修单",
            SubjectKind::Slip => "协调单",
        }
    }

    /// Accepts the code or the Chinese label.
    pub fn parse(s: &str) -> Result<SubjectKind> {
        [
            SubjectKind::Complaint,
            SubjectKind::Repair,
            SubjectKind::Slip,
        ]
        .into_iter()
        .find(|k| k.code() == s.trim() || k.label() == s.trim())
        .ok_or_else(|| {
            Error::invalid(
                "kind",
                "对象类别",
                format!("“{s}”不是可选值（投诉、维修单、协调单）"),
            )
        })
    }
}

/// A subject's id and estate, looked up by id or number.
fn subject(conn: &Connection, kind: SubjectKind, id_or_no: &str) -> Result<(String, String)> {
    Ok(match kind {
        SubjectKind::Complaint => {
            let c = complaints::load(conn, id_or_no)?;
            (c.id, c.estate_id)
        }
        SubjectKind::Repair => {
            let o = repairs::order(conn, id_or_no)?;
            (o.id, o.estate_id)
        }
        SubjectKind::Slip => {
            let s = slips::load(conn, id_or_no)?;
            (s.id, s.estate_id)
        }
    })
}

/// One pause of a subject's deadlines.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Pause {
    pub id: String,
    pub estate_id: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub paused_at: String,
    pub resumed_at: Option<String>,
    pub reason: String,
    pub resumed_by: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// Pausing a subject's deadlines.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct PauseInput {
    /// Why (e.g. 业主出差，下周回来).
    pub reason: Option<String>,
}

const REASON: TextRule = TextRule::line("reason", "暂停原因", 200);

const PAUSE_COLUMNS: &str =
    "id, estate_id, subject_kind, subject_id, paused_at, resumed_at, reason,
    resumed_by, created_at, created_by, updated_at, updated_by";

fn pause_row(r: &rusqlite::Row) -> rusqlite::Result<Pause> {
    let kind: String = r.get(2)?;
    Ok(Pause {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        subject_kind: SubjectKind::parse(&kind).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                Box::new(std::io::Error::other(e.to_string())),
            )
        })?,
        subject_id: r.get(3)?,
        paused_at: r.get(4)?,
        resumed_at: r.get(5)?,
        reason: r.get(6)?,
        resumed_by: r.get(7)?,
        created_at: r.get(8)?,
        created_by: r.get(9)?,
        updated_at: r.get(10)?,
        updated_by: r.get(11)?,
    })
}

/// A subject's pauses, oldest first.
pub fn pauses(conn: &Connection, kind: SubjectKind, subject_id: &str) -> Result<Vec<Pause>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAUSE_COLUMNS} FROM deadline_pauses
         WHERE subject_kind = ?1 AND subject_id = ?2 ORDER BY paused_at, rowid"
    ))?;
    let rows = stmt.query_map(params![kind.code(), subject_id], pause_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn open_pause(conn: &Connection, kind: SubjectKind, subject_id: &str) -> Result<Option<Pause>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PAUSE_COLUMNS} FROM deadline_pauses
             WHERE subject_kind = ?1 AND subject_id = ?2 AND resumed_at IS NULL"
        ))?
        .query_row(params![kind.code(), subject_id], pause_row)
        .optional()?)
}

fn load_pause(conn: &Connection, id: &str) -> Result<Pause> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PAUSE_COLUMNS} FROM deadline_pauses WHERE id = ?1"
        ))?
        .query_row(params![id], pause_row)?)
}

/// Pauses every deadline of a subject (by id or number) from now, with a reason.
pub fn pause(
    w: &mut Write,
    kind: SubjectKind,
    id_or_no: &str,
    input: &PauseInput,
) -> Result<Pause> {
    let reason = REASON.required(input.reason.as_deref())?;
    let (sid, estate_id) = subject(&w.tx, kind, id_or_no)?;
    if open_pause(&w.tx, kind, &sid)?.is_some() {
        return Err(Error::State(format!(
            "该{}的时限已在暂停中，请先恢复",
            kind.label()
        )));
    }
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO deadline_pauses(id, estate_id, subject_kind, subject_id, paused_at, reason,
         created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7, ?5, ?7)",
        params![
            id,
            estate_id,
            kind.code(),
            sid,
            w.now_db,
            reason,
            w.actor.staff_id
        ],
    )?;
    let p = load_pause(&w.tx, &id)?;
    w.audit_insert("deadline_pause", &id, &p)?;
    w.event(
        kind.code(),
        &sid,
        "deadline",
        json!({ "paused": true, "reason": reason }),
    )?;
    Ok(p)
}

/// Resumes a subject's paused deadlines from now.
pub fn resume(w: &mut Write, kind: SubjectKind, id_or_no: &str) -> Result<Pause> {
    let (sid, _) = subject(&w.tx, kind, id_or_no)?;
    let before = open_pause(&w.tx, kind, &sid)?
        .ok_or_else(|| Error::State(format!("该{}的时限没有暂停，无需恢复", kind.label())))?;
    w.tx.execute(
        "UPDATE deadline_pauses SET resumed_at = ?1, resumed_by = ?2, updated_at = ?1,
         updated_by = ?2 WHERE id = ?3",
        params![w.now_db, w.actor.staff_id, before.id],
    )?;
    let after = load_pause(&w.tx, &before.id)?;
    w.audit_update("deadline_pause", &after.id, &before, &after)?;
    w.event(
        kind.code(),
        &sid,
        "deadline",
        json!({ "paused": false, "reason": before.reason }),
    )?;
    Ok(after)
}

/// A subject's deadlines (by kind and id or number) and its pauses.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Overview {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub deadlines: Vec<Deadline>,
    pub pauses: Vec<Pause>,
}

/// The deadlines of any subject, with its pauses.
pub fn show(
    conn: &Connection,
    kind: SubjectKind,
    id_or_no: &str,
    now: DateTime<Utc>,
) -> Result<Overview> {
    let (sid, _) = subject(conn, kind, id_or_no)?;
    let deadlines = match kind {
        SubjectKind::Complaint => for_complaint(conn, &sid, now)?,
        SubjectKind::Repair => for_repair(conn, &sid, now)?,
        SubjectKind::Slip => for_slip(conn, &sid, now)?,
    };
    Ok(Overview {
        subject_kind: kind,
        pauses: pauses(conn, kind, &sid)?,
        subject_id: sid,
        deadlines,
    })
}
