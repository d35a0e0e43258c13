//! Reporting a repair: the clerk's form (or an intake, whose details fill its gaps) checked and
//! stored as a new order in `reported`, numbered `WX` per estate and year; and the order's entry
//! in the search index.
//!
//! Invariants: a 房屋 order has a unit, any order without a unit has a location; only 公共设施
//! orders carry a scale (小修 / 中修 / 大修), and they must; the report time is never in the future
//! and an appointment not more than a day in the past; the intake and the customer belong to the
//! estate and are live. The order records the policy version it was reported under.

use chrono::{Datelike, Duration};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::json;

use super::{given, local, order, RepairOrder, ORDER};
use crate::error::{Error, Result};
use crate::estate;
use crate::intake::{self, Intake};
use crate::policy;
use crate::search;
use crate::store::Write;
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{RepairKind, RepairScale, RepairStatus, Urgency};

/// A repair report as the clerk enters it. Enumerated fields take the code or the Chinese label.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct RepairInput {
    /// The intake (登记) this order comes from, by id or number: unit, customer, phone, name,
    /// location, content and report time default from it.
    pub intake: Option<String>,
    /// 户位/房号; required for 房屋.
    pub unit: Option<String>,
    pub customer_id: Option<String>,
    pub reporter_name: Option<String>,
    pub phone: Option<String>,
    /// 房屋 / 系统 / 公共设施 / 特约.
    pub kind: Option<String>,
    /// 一般 (default) / 紧急.
    pub urgency: Option<String>,
    /// 小修 / 中修 / 大修: only, and required, for 公共设施.
    pub scale: Option<String>,
    /// A safety item (回访 within the safety period).
    pub safety_related: bool,
    /// A leak (回访 within the leak period).
    pub leak_related: bool,
    /// Where (required when there is no unit).
    pub location: Option<String>,
    pub content: Option<String>,
    /// The time agreed with the owner; not more than a day in the past.
    pub appointment_at: Option<String>,
    /// When it was reported (default: the intake's time, else now).
    pub reported_at: Option<String>,
}

const REPORTER: TextRule = TextRule::line("reporter_name", "报修人", 30);
const LOCATION: TextRule = TextRule::line("location", "维修地点", 100);
const CONTENT: TextRule = TextRule::text("content", "报修内容", 5000);

fn intake_field(conn: &Connection, estate_id: &str, value: Option<&str>) -> Result<Option<Intake>> {
    let Some(key) = given(value) else {
        return Ok(None);
    };
    match intake::get(conn, key) {
        Ok(i) if i.estate_id != estate_id => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("未找到登记“{key}”"),
        )),
        Ok(i) if i.voided => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("登记 {} 已作废", i.no),
        )),
        Ok(i) => Ok(Some(i)),
        Err(Error::NotFound { .. }) => Err(Error::invalid(
            "intake",
            "登记记录",
            format!("未找到登记“{key}”"),
        )),
        Err(e) => Err(e),
    }
}

/// A live customer of the estate: its id and unit.
fn customer_field(
    conn: &Connection,
    estate_id: &str,
    value: Option<&str>,
) -> Result<Option<(String, Option<String>)>> {
    let Some(id) = given(value) else {
        return Ok(None);
    };
    let unit: Option<Option<String>> = conn
        .query_row(
            "SELECT unit_id FROM customers WHERE id = ?1 AND estate_id = ?2 AND voided_at IS NULL",
            params![id, estate_id],
            |r| r.get(0),
        )
        .optional()?;
    match unit {
        Some(u) => Ok(Some((id.to_string(), u))),
        None => Err(Error::invalid(
            "customer_id",
            "客户",
            format!("未找到客户“{id}”"),
        )),
    }
}

/// Creates an order from a report (or from an intake, whose details fill the gaps).
pub fn create(w: &mut Write, estate_id: &str, input: &RepairInput) -> Result<RepairOrder> {
    let from = intake_field(&w.tx, estate_id, input.intake.as_deref())?;
    let from_intake = |f: fn(&Intake) -> Option<&str>| from.as_ref().and_then(f);
    let mut unit = estate::unit_field(
        &w.tx,
        estate_id,
        "unit",
        "房号",
        given(input.unit.as_deref()).or(from_intake(|i| i.unit_id.as_deref())),
    )?;
    let customer = customer_field(
        &w.tx,
        estate_id,
        given(input.customer_id.as_deref()).or(from_intake(|i| i.customer_id.as_deref())),
    )?;
    if let (None, Some((_, Some(unit_id)))) = (&unit, &customer) {
        unit = estate::find_unit(&w.tx, estate_id, unit_id)?;
    }
    let reporter_name = REPORTER.optional(
        given(input.reporter_name.as_deref()).or(from_intake(|i| i.person_name.as_deref())),
    )?;
    let phone = given(input.phone.as_deref())
        .or(from_intake(|i| i.phone.as_deref()))
        .map(|p| validate::phone("phone", "电话", p))
        .transpose()?;
    let kind = RepairKind::parse(
        "kind",
        "维修类别",
        given(input.kind.as_deref())
            .ok_or_else(|| Error::invalid("kind", "维修类别", "必填，不能为空"))?,
    )?;
    let urgency = given(input.urgency.as_deref())
        .map(|u| Urgency::parse("urgency", "紧急程度", u))
        .transpose()?
        .unwrap_or(Urgency::Normal);
    let scale = given(input.scale.as_deref())
        .map(|s| RepairScale::parse("scale", "维修规模", s))
        .transpose()?;
    match (kind, scale) {
        (RepairKind::Public, None) => {
            return Err(Error::invalid(
                "scale",
                "维修规模",
                "公共设施报修须填写维修规模：小修、中修或大修",
            ))
        }
        (RepairKind::Public, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(Error::invalid(
                "scale",
                "维修规模",
                format!("只有公共设施报修填写维修规模，{}报修不填", kind.label()),
            ))
        }
    }
    let location = LOCATION
        .optional(given(input.location.as_deref()).or(from_intake(|i| i.location.as_deref())))?;
    let content = CONTENT
        .required(given(input.content.as_deref()).or(from_intake(|i| Some(i.content.as_str()))))?;
    if unit.is_none() {
        if kind == RepairKind::House {
            return Err(Error::invalid("unit", "房号", "房屋报修须填写房号"));
        }
        if location.is_none() {
            return Err(Error::invalid(
                "location",
                "维修地点",
                "没有房号时须填写维修地点",
            ));
        }
    }
    let appointment_at = match given(input.appointment_at.as_deref()) {
        None => None,
        Some(s) => {
            let t = time::parse_input("appointment_at", "预约时间", s)?;
            if t < w.now - Duration::days(1) {
                return Err(Error::invalid(
                    "appointment_at",
                    "预约时间",
                    format!("{} 已过去一天以上，请核对", local(t)),
                ));
            }
            Some(time::to_db(t))
        }
    };
    let reported_at = match given(input.reported_at.as_deref()) {
        Some(s) => time::parse_input("reported_at", "报修时间", s)?,
        None => match &from {
            Some(i) => time::from_db(&i.received_at)?,
            None => w.now,
        },
    };
    if reported_at > w.now {
        return Err(Error::invalid(
            "reported_at",
            "报修时间",
            "不能晚于当前时间",
        ));
    }
    let year = time::local_date(reported_at).year();
    let no = w.human_no(estate_id, "WX", year, 4)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO repair_orders(id, estate_id, no, intake_id, unit_id, customer_id,
            reporter_name, phone, kind, urgency, scale, safety_related, leak_related, location,
            content, appointment_at, status, reported_at, created_at, created_by, updated_at,
            updated_by, policy_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?19, ?20, ?21)",
        params![
            id,
            estate_id,
            no,
            from.as_ref().map(|i| &i.id),
            unit.as_ref().map(|u| &u.id),
            customer.as_ref().map(|c| &c.0),
            reporter_name,
            phone,
            kind,
            urgency,
            scale,
            input.safety_related,
            input.leak_related,
            location,
            content,
            appointment_at,
            RepairStatus::Reported,
            time::to_db(reported_at),
            w.now_db,
            w.actor.staff_id,
            policy::current(&w.tx, estate_id)?.version,
        ],
    )?;
    let order = order(&w.tx, &id)?;
    index(w, &order)?;
    w.audit_insert(ORDER, &id, &order)?;
    w.event(
        ORDER,
        &id,
        "status",
        json!({ "from": null, "to": RepairStatus::Reported, "at": order.reported_at }),
    )?;
    Ok(order)
}

/// Writes the order's search entry (at the report, again when the work is recorded at finish).
pub(crate) fn index(w: &Write, o: &RepairOrder) -> Result<()> {
    let title = format!(
        "{} {} {}",
        o.no,
        o.kind.label(),
        intake::short(&o.content, 40)
    );
    search::index(
        w,
        ORDER,
        &o.id,
        &o.estate_id,
        &title,
        &[
            &o.no,
            o.unit.as_deref().unwrap_or(""),
            o.reporter_name.as_deref().unwrap_or(""),
            o.phone.as_deref().unwrap_or(""),
            o.location.as_deref().unwrap_or(""),
            &o.content,
            o.work_done.as_deref().unwrap_or(""),
        ],
    )
}
