//! Gathering what the grading rules read about one complaint from the store, into [`Inputs`].
//!
//! Invariants: gathering only reads, and decides nothing: no threshold or window of the policy is
//! applied here (the rules in [`super::rules`] apply them), so the same [`Inputs`] can be judged
//! under any policy. Voided complaints never count (as members of an issue or as repeats).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::issue_of;
use crate::complaints::record::{Complaint, Facts};
use crate::error::Result;
use crate::time;
use crate::vocab::{AttemptResult, ComplaintStatus, Grade, Identification};

/// Everything the grading rules read about one complaint, as of one moment: its own facts and
/// record, and the counts of its issue, customer and attempts. Plain data: build one by hand to
/// ask what the rules would say.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub complaint_id: String,
    pub complaint_no: String,
    /// The policy version the rules are applied under (recorded on the assessment).
    pub policy_version: i64,
    /// The moment the assessment is for ("now").
    pub as_of: DateTime<Utc>,
    /// When the complaint's intake was received.
    pub received_at: DateTime<Utc>,
    /// Neither closed nor voided: only an open complaint's time open counts.
    pub open: bool,
    pub identification: Identification,
    pub category: String,
    pub facts: Facts,
    /// Times the complaint was reopened after being closed (二次投诉).
    pub reopen_count: i64,
    /// The grade on record (raised automatically or set by a supervisor) and its reason.
    pub stored_grade: Grade,
    pub stored_reason: Option<String>,
    /// The live complaints counted with this one (its issue's, or this one alone), oldest first.
    pub members: Vec<Member>,
    /// When the same customer's live complaints of the same category were received, up to this
    /// one (itself included): `None` when the complaint has no known customer.
    pub same_customer_category: Option<Vec<DateTime<Utc>>>,
    /// Live failed attempts (未达成一致 / 未联系上) on the complaint.
    pub failed_attempts: i64,
}

/// One complaint counted with the assessed one, as the counts need it.
#[derive(Clone, Debug)]
pub struct Member {
    /// Who the household is (its unit, else its customer, else the complaint itself).
    pub household: String,
    /// The household as a person names it: its unit, else the customer's or caller's name, else
    /// the complaint's number.
    pub household_name: String,
    /// Who complained (customer, else unit, else phone, else caller's name, else the complaint).
    pub complainant: String,
    pub received_at: DateTime<Utc>,
}

/// Whether a complaint is still open (neither closed nor voided).
pub(crate) fn is_open(status: ComplaintStatus) -> bool {
    !matches!(status, ComplaintStatus::Closed | ComplaintStatus::Voided)
}

/// Gathers the inputs of complaint `c` as of `now`, to be judged under policy `policy_version`.
/// Reads only.
pub fn gather(
    conn: &Connection,
    c: &Complaint,
    policy_version: i64,
    now: DateTime<Utc>,
) -> Result<Inputs> {
    let issue_id = issue_of(conn, &c.id)?;
    let same_customer_category = match &c.customer_id {
        None => None,
        Some(customer) => Some(same_customer_category(conn, c, customer)?),
    };
    let failed_attempts = conn.query_row(
        "SELECT COUNT(*) FROM complaint_attempts WHERE complaint_id = ?1 AND voided_at IS NULL
           AND result IN (?2, ?3)",
        params![c.id, AttemptResult::NotAgreed, AttemptResult::NoAnswer],
        |r| r.get(0),
    )?;
    Ok(Inputs {
        complaint_id: c.id.clone(),
        complaint_no: c.no.clone(),
        policy_version,
        as_of: now,
        received_at: time::from_db(&c.received_at)?,
        open: is_open(c.status),
        identification: c.identification,
        category: c.category.clone(),
        facts: c.facts.clone(),
        reopen_count: c.reopen_count,
        stored_grade: c.grade,
        stored_reason: c.grade_reason.clone(),
        members: members(conn, c, issue_id.as_deref())?,
        same_customer_category,
        failed_attempts,
    })
}

/// When `customer`'s live complaints of `c`'s category were received, up to `c`'s intake.
fn same_customer_category(
    conn: &Connection,
    c: &Complaint,
    customer: &str,
) -> Result<Vec<DateTime<Utc>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.received_at FROM complaints c JOIN intakes i ON i.id = c.intake_id
         WHERE c.customer_id = ?1 AND c.category = ?2 AND c.voided_at IS NULL
           AND i.received_at <= ?3",
    )?;
    let rows = stmt.query_map(params![customer, c.category, c.received_at], |r| {
        r.get::<_, String>(0)
    })?;
    let mut out = Vec::new();
    for at in rows {
        out.push(time::from_db(&at?)?);
    }
    Ok(out)
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
