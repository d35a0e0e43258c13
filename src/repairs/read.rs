//! Reading orders back: one order by id or number, its detail (history, fee approval, response and
//! completion times), filtered lists and the dispatch queue.
//!
//! Invariants: every read goes through one `SELECT` with its joins (intake number, unit code,
//! customer and tier, repairer, price item), so an order looks the same wherever it is read;
//! `total_fen` and `labour_off_list` are derived here, never stored.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{fee_approval, given, FeeApproval, RepairOrder, ORDER};
use crate::error::{Error, Result};
use crate::estate;
use crate::policy;
use crate::time;
use crate::vocab::{RepairKind, RepairStatus};

/// Which orders [`list`] returns. Absent fields do not filter.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct RepairFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    /// The repairer by login, name or id.
    pub repairer: Option<String>,
    /// Reported at or after this time or date.
    pub from: Option<String>,
    /// Reported before this time, or on or before this date.
    pub to: Option<String>,
    /// Only orders still being worked on (reported … finished).
    pub open_only: bool,
    /// At most this many (default 200).
    pub limit: Option<usize>,
}

/// An order with its history and the measures the service promises are judged by.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RepairDetail {
    #[serde(flatten)]
    pub order: RepairOrder,
    /// Who must confirm the fee under the current policy.
    pub fee_approval: FeeApproval,
    /// The fee is confirmed, or needs no confirmation.
    pub fee_settled: bool,
    /// Minutes from dispatch to arrival on site.
    pub response_minutes: Option<i64>,
    /// Hours from the report to the finished work.
    pub completion_hours: Option<f64>,
    pub events: Vec<crate::store::Event>,
}

const SELECT: &str = "SELECT r.id, r.estate_id, r.no, r.intake_id, i.no AS intake_no, r.unit_id,
        u.code AS unit_code, r.customer_id, c.name AS customer_name, c.tier AS customer_tier,
        r.reporter_name, r.phone, r.kind, r.urgency, r.scale, r.safety_related, r.leak_related,
        r.location, r.content, r.appointment_at, r.status, r.reported_at, r.dispatched_at,
        r.dispatched_by, r.accepted_at, r.arrived_at, r.finished_at, r.signed_off_at, r.closed_at,
        r.repairer_id, s.name AS repairer_name, r.work_done, r.materials, r.owner_materials,
        r.owner_materials_note, r.paid, r.price_item_id, p.code AS item_code, p.name AS item_name,
        r.quantity, r.labour_fen, r.material_fen, r.fee_confirmed_by, r.fee_confirmed_at,
        r.owner_agreement, r.owner_agreement_at, r.owner_agreement_note, r.owner_signed,
        r.owner_comment, r.finance_confirmed_by, r.finance_confirmed_at, r.rework_count,
        r.print_count, r.void_reason
    FROM repair_orders r
    LEFT JOIN intakes i ON i.id = r.intake_id
    LEFT JOIN units u ON u.id = r.unit_id
    LEFT JOIN customers c ON c.id = r.customer_id
    LEFT JOIN staff s ON s.id = r.repairer_id
    LEFT JOIN price_items p ON p.id = r.price_item_id";

fn row(r: &Row) -> rusqlite::Result<RepairOrder> {
    let paid: bool = r.get("paid")?;
    let price_item_id: Option<String> = r.get("price_item_id")?;
    let labour_fen: i64 = r.get("labour_fen")?;
    let material_fen: i64 = r.get("material_fen")?;
    Ok(RepairOrder {
        id: r.get("id")?,
        estate_id: r.get("estate_id")?,
        no: r.get("no")?,
        intake_id: r.get("intake_id")?,
        intake_no: r.get("intake_no")?,
        unit_id: r.get("unit_id")?,
        unit: r.get("unit_code")?,
        customer_id: r.get("customer_id")?,
        customer_name: r.get("customer_name")?,
        customer_tier: r.get("customer_tier")?,
        reporter_name: r.get("reporter_name")?,
        phone: r.get("phone")?,
        kind: r.get("kind")?,
        urgency: r.get("urgency")?,
        scale: r.get("scale")?,
        safety_related: r.get("safety_related")?,
        leak_related: r.get("leak_related")?,
        location: r.get("location")?,
        content: r.get("content")?,
        appointment_at: r.get("appointment_at")?,
        status: r.get("status")?,
        reported_at: r.get("reported_at")?,
        dispatched_at: r.get("dispatched_at")?,
        dispatched_by: r.get("dispatched_by")?,
        accepted_at: r.get("accepted_at")?,
        arrived_at: r.get("arrived_at")?,
        finished_at: r.get("finished_at")?,
        signed_off_at: r.get("signed_off_at")?,
        closed_at: r.get("closed_at")?,
        repairer_id: r.get("repairer_id")?,
        repairer: r.get("repairer_name")?,
        work_done: r.get("work_done")?,
        materials: r.get("materials")?,
        owner_materials: r.get("owner_materials")?,
        owner_materials_note: r.get("owner_materials_note")?,
        paid,
        labour_off_list: paid && price_item_id.is_none() && labour_fen > 0,
        price_item_id,
        price_item_code: r.get("item_code")?,
        price_item_name: r.get("item_name")?,
        quantity: r.get("quantity")?,
        labour_fen,
        material_fen,
        total_fen: labour_fen + material_fen,
        fee_confirmed_by: r.get("fee_confirmed_by")?,
        fee_confirmed_at: r.get("fee_confirmed_at")?,
        owner_agreement: r.get("owner_agreement")?,
        owner_agreement_at: r.get("owner_agreement_at")?,
        owner_agreement_note: r.get("owner_agreement_note")?,
        owner_signed: r.get("owner_signed")?,
        owner_comment: r.get("owner_comment")?,
        finance_confirmed_by: r.get("finance_confirmed_by")?,
        finance_confirmed_at: r.get("finance_confirmed_at")?,
        rework_count: r.get("rework_count")?,
        print_count: r.get("print_count")?,
        void_reason: r.get("void_reason")?,
    })
}

/// One order by id or number.
pub fn order(conn: &Connection, id_or_no: &str) -> Result<RepairOrder> {
    conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1 OR r.no = ?1"))?
        .query_row(params![id_or_no.trim()], row)
        .optional()?
        .ok_or_else(|| Error::not_found("维修单", id_or_no))
}

/// One order with its history, fee approval and the response and completion times.
pub fn get(conn: &Connection, id_or_no: &str) -> Result<RepairDetail> {
    let order = order(conn, id_or_no)?;
    let policy = policy::current(conn, &order.estate_id)?.policy;
    let fee_approval = fee_approval(&order, &policy);
    let between = |a: &Option<String>, b: &Option<String>| -> Result<Option<Duration>> {
        match (a, b) {
            (Some(a), Some(b)) => Ok(Some(time::from_db(b)? - time::from_db(a)?)),
            _ => Ok(None),
        }
    };
    let response_minutes =
        between(&order.dispatched_at, &order.arrived_at)?.map(|d| d.num_minutes());
    let completion_hours = between(&Some(order.reported_at.clone()), &order.finished_at)?
        .map(|d| (d.num_minutes() as f64 / 60.0 * 100.0).round() / 100.0);
    let events = crate::store::events(conn, ORDER, &order.id)?;
    Ok(RepairDetail {
        fee_settled: fee_approval == FeeApproval::NotNeeded || order.fee_confirmed_at.is_some(),
        fee_approval,
        response_minutes,
        completion_hours,
        events,
        order,
    })
}

/// Orders matching `filter`, newest report first.
pub fn list(conn: &Connection, estate_id: &str, filter: &RepairFilter) -> Result<Vec<RepairOrder>> {
    let status = given(filter.status.as_deref())
        .map(|s| RepairStatus::parse("status", "维修单状态", s))
        .transpose()?;
    let kind = given(filter.kind.as_deref())
        .map(|s| RepairKind::parse("kind", "维修类别", s))
        .transpose()?;
    let repairer =
        estate::staff_field(conn, "repairer", "维修工", filter.repairer.as_deref())?.map(|s| s.id);
    let from = given(filter.from.as_deref())
        .map(|s| time::parse_input("from", "开始时间", s))
        .transpose()?;
    let to = match given(filter.to.as_deref()) {
        None => None,
        // A bare date includes the whole day.
        Some(s) => Some(match time::parse_date("to", "结束时间", s) {
            Ok(d) => time::parse_input("to", "结束时间", &(d + Duration::days(1)).to_string())?,
            Err(_) => time::parse_input("to", "结束时间", s)?,
        }),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.estate_id = ?1 AND (?2 IS NULL OR r.status = ?2)
           AND (?3 IS NULL OR r.kind = ?3) AND (?4 IS NULL OR r.repairer_id = ?4)
           AND (?5 IS NULL OR r.reported_at >= ?5) AND (?6 IS NULL OR r.reported_at < ?6)
           AND (NOT ?7 OR r.status IN ('reported','dispatched','accepted','arrived','finished'))
         ORDER BY r.reported_at DESC, r.no DESC LIMIT ?8"
    ))?;
    let rows = stmt.query_map(
        params![
            estate_id,
            status,
            kind,
            repairer,
            from.map(time::to_db),
            to.map(time::to_db),
            filter.open_only,
            filter.limit.unwrap_or(200).min(i64::MAX as usize) as i64
        ],
        row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The dispatch queue as of `now`: reported orders, urgent first, then VIP customers (A tier
/// whose card has not expired, [`crate::customers::standing`]), then oldest.
pub fn to_dispatch(
    conn: &Connection,
    estate_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<RepairOrder>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.estate_id = ?1 AND r.status = 'reported'
         ORDER BY r.urgency = 'urgent' DESC,
            coalesce(c.tier = 'A' AND NOT EXISTS (SELECT 1 FROM vip_cards v
                WHERE v.customer_id = c.id AND v.status = 'active' AND v.expires_on < ?2), 0) DESC,
            r.reported_at, r.no"
    ))?;
    let today = time::local_date(now).to_string();
    let rows = stmt.query_map(params![estate_id, today], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
