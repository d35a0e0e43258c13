//! Complaints (投诉): opened from an intake, identified (KF02-02), graded, dispatched, handled
//! through communication attempts, confirmed with the owner, closed with a result and the owner's
//! satisfaction, followed up (回访) and, when needed, reopened (二次投诉).
//!
//! Invariants:
//! - One live complaint per intake; customer and unit always come from the intake.
//! - Status only moves along [`allowed_transition`]: registered → dispatched → in_handling →
//!   awaiting_confirmation → closed, closed → in_handling (reopen), any open state → voided. Every
//!   change appends a `status` event `{from, to, reason, …}`; grade changes append `grade` events
//!   and a grade is never lowered without a supervisor and a reason.
//! - A closed or voided complaint is never edited; a closed one must be reopened first.
//! - Closing always schedules a 回访 ([`crate::followups::schedule`]); reopening cancels a pending one.
//! - The complaint records the policy version it was opened under; rules come only from the policy.
//! - [`preview`] is the grade a form would give: the open or update itself, rolled back.
//! - Opening, updating, an attempt and reopening re-grade the complaint ([`grading::regrade`],
//!   never lowering); a failed attempt may escalate it ([`grading`]).

use chrono::{Datelike, Duration};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use crate::actor::Actor;
use crate::auth::SUPERVISORS;
use crate::error::{Error, Result};
use crate::estate;
use crate::followups;
use crate::grading;
use crate::grading::Assessment;
use crate::intake;
use crate::policy::{self, Policy};
use crate::search;
use crate::store::{Store, Write};
use crate::time;
use crate::validate::{self, TextRule};
pub mod record;

pub use record::*;

use crate::vocab::{
    AttemptMethod, AttemptResult, ComplaintStatus, Grade, Identification, Satisfaction, SubjectKind,
};

const INTAKE: TextRule = TextRule::line("intake", "来源登记", 64);
const BASIS: TextRule = TextRule::text("identification_basis", "识别依据", 1000);
const CATEGORY: TextRule = TextRule::line("category", "投诉类别", 30);
const ABOUT_PERSON: TextRule = TextRule::line("about_person", "被投诉人员", 50);
const CONTACT: TextRule = TextRule::line("contact", "沟通对象", 50);
const SAID: TextRule = TextRule::text("said", "沟通内容", 2000);
const RESULT: TextRule = TextRule::text("result", "处理结果", 2000);
const REASON: TextRule = TextRule::text("reason", "原因", 500);
const CASE_NOTE: TextRule = TextRule::text("note", "案例说明", 2000);
/// Largest collective complaint the form accepts.
const MAX_COLLECTIVE: i64 = 100_000;

/// Reads an optional text field: `None` when absent, `Some("")` when given blank.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim)
}

/// The editable part of a complaint, checked.
struct Fields {
    identification: Identification,
    identification_basis: Option<String>,
    category: Option<String>,
    about_department_id: Option<String>,
    about_person: Option<String>,
    responsible_department_id: Option<String>,
    responsible_staff_id: Option<String>,
    facts: Facts,
    requested_by: Option<String>,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            identification: Identification::Valid,
            identification_basis: None,
            category: None,
            about_department_id: None,
            about_person: None,
            responsible_department_id: None,
            responsible_staff_id: None,
            facts: Facts::default(),
            requested_by: None,
        }
    }
}

impl From<&Complaint> for Fields {
    fn from(c: &Complaint) -> Self {
        Fields {
            identification: c.identification,
            identification_basis: c.identification_basis.clone(),
            category: Some(c.category.clone()),
            about_department_id: c.about_department_id.clone(),
            about_person: c.about_person.clone(),
            responsible_department_id: c.responsible_department_id.clone(),
            responsible_staff_id: c.responsible_staff_id.clone(),
            facts: c.facts.clone(),
            requested_by: c.requested_by.clone(),
        }
    }
}

/// Applies a form to `f`, field by field in form order; the first problem is returned.
fn apply(
    conn: &Connection,
    estate_id: &str,
    policy: &Policy,
    input: &ComplaintInput,
    mut f: Fields,
) -> Result<Fields> {
    if let Some(v) = given(&input.identification) {
        if v.is_empty() {
            return Err(Error::invalid(
                "identification",
                "投诉性质",
                "必填，不能为空",
            ));
        }
        f.identification = Identification::parse("identification", "投诉性质", v)?;
    }
    if input.identification_basis.is_some() {
        f.identification_basis = BASIS.optional(input.identification_basis.as_deref())?;
    }
    if input.category.is_some() {
        let c = CATEGORY.required(input.category.as_deref())?;
        if !policy.complaint_categories.contains(&c) {
            return Err(Error::invalid(
                "category",
                "投诉类别",
                format!(
                    "“{c}”不是有效的投诉类别，可选：{}",
                    policy.complaint_categories.join("、")
                ),
            ));
        }
        f.category = Some(c);
    }
    if input.about_department.is_some() {
        f.about_department_id = estate::department_field(
            conn,
            estate_id,
            "about_department",
            "被投诉部门",
            input.about_department.as_deref(),
        )?
        .map(|d| d.id);
    }
    if input.about_person.is_some() {
        f.about_person = ABOUT_PERSON.optional(input.about_person.as_deref())?;
    }
    if input.responsible_department.is_some() {
        f.responsible_department_id = estate::department_field(
            conn,
            estate_id,
            "responsible_department",
            "责任部门",
            input.responsible_department.as_deref(),
        )?
        .map(|d| d.id);
    }
    if input.responsible_staff.is_some() {
        let staff = estate::staff_field(
            conn,
            "responsible_staff",
            "责任人",
            input.responsible_staff.as_deref(),
        )?;
        if input.responsible_department.is_none() {
            if let Some(d) = staff.as_ref().and_then(|s| s.department_id.clone()) {
                f.responsible_department_id = Some(d);
            }
        }
        f.responsible_staff_id = staff.map(|s| s.id);
    }
    if let Some(v) = input.safety_risk {
        f.facts.safety_risk = v;
    }
    if let Some(n) = input.collective_size {
        if !(1..=MAX_COLLECTIVE).contains(&n) {
            return Err(Error::invalid(
                "collective_size",
                "投诉人数",
                format!("应为 1 到 {MAX_COLLECTIVE} 之间的整数"),
            ));
        }
        f.facts.collective_size = n;
    }
    if let Some(v) = given(&input.claim_amount) {
        f.facts.claim_fen = if v.is_empty() {
            0
        } else {
            validate::money_fen("claim_amount", "索赔金额", v)?
        };
    }
    if let Some(v) = input.media_exposure {
        f.facts.media_exposure = v;
    }
    if let Some(v) = input.lawsuit {
        f.facts.lawsuit = v;
    }
    if let Some(v) = input.lawsuit_risk {
        f.facts.lawsuit_risk = v;
    }
    if let Some(v) = input.media_risk {
        f.facts.media_risk = v;
    }
    if let Some(v) = input.promise_unkept {
        f.facts.promise_unkept = v;
    }
    if let Some(v) = input.needs_other_departments {
        f.facts.needs_other_departments = v;
    }
    if let Some(v) = input.company_fault {
        f.facts.company_fault = v;
    }
    if let Some(v) = given(&input.requested_by) {
        f.requested_by = if v.is_empty() {
            None
        } else {
            Some(time::parse_date("requested_by", "要求完成日期", v)?.to_string())
        };
    }
    if f.category.is_none() {
        return Err(Error::invalid("category", "投诉类别", "必填，不能为空"));
    }
    Ok(f)
}

/// Opens a complaint from an intake.
pub fn open(w: &mut Write, estate_id: &str, input: &ComplaintInput) -> Result<Complaint> {
    let key = INTAKE.required(input.intake.as_deref())?;
    let unknown = || Error::invalid("intake", "来源登记", format!("未找到登记“{key}”"));
    let source = match intake::get(&w.tx, &key) {
        Ok(i) if i.estate_id == estate_id => i,
        Ok(_) | Err(Error::NotFound { .. }) => return Err(unknown()),
        Err(e) => return Err(e),
    };
    if source.voided {
        return Err(Error::invalid(
            "intake",
            "来源登记",
            format!("登记 {} 已作废，不能立案", source.no),
        ));
    }
    let existing: Option<String> =
        w.tx.query_row(
            "SELECT no FROM complaints WHERE intake_id = ?1 AND voided_at IS NULL",
            params![source.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(no) = existing {
        return Err(Error::invalid(
            "intake",
            "来源登记",
            format!("登记 {} 已立案为投诉 {no}", source.no),
        ));
    }
    let pol = policy::current(&w.tx, estate_id)?;
    let f = apply(&w.tx, estate_id, &pol.policy, input, Fields::default())?;
    let no = w.human_no(estate_id, "TS", time::local_date(w.now).year(), 4)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO complaints(id, estate_id, no, intake_id, customer_id, unit_id, category,
            status, policy_version, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'registered', ?8, ?9, ?10, ?9, ?10)",
        params![
            id,
            estate_id,
            no,
            source.id,
            source.customer_id,
            source.unit_id,
            f.category,
            pol.version,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    write_fields(w, &id, &f)?;
    let c = load(&w.tx, &id)?;
    w.audit_insert("complaint", &id, &c)?;
    w.event(
        "complaint",
        &id,
        "status",
        json!({ "from": null, "to": c.status, "reason": format!("由登记 {} 立案", source.no) }),
    )?;
    index(w, &c)?;
    let c = dispatch_if_assigned(w, c, "指定责任部门")?;
    regraded(w, c, "立案")
}

/// Re-grades a complaint after a change of its facts ([`grading::regrade`]) and returns it as
/// it now is.
fn regraded(w: &mut Write, c: Complaint, context: &str) -> Result<Complaint> {
    let before = c.grade;
    let a = grading::regrade(w, &c.id, context)?;
    if a.stored_grade == before {
        return Ok(c);
    }
    load(&w.tx, &c.id)
}

fn write_fields(w: &Write, id: &str, f: &Fields) -> Result<()> {
    w.tx.execute(
        "UPDATE complaints SET identification = ?2, identification_basis = ?3, category = ?4,
            about_department_id = ?5, about_person = ?6, responsible_department_id = ?7,
            responsible_staff_id = ?8, safety_risk = ?9, collective_size = ?10, claim_fen = ?11,
            media_exposure = ?12, lawsuit = ?13, needs_other_departments = ?14,
            company_fault = ?15, requested_by = ?16, updated_at = ?17, updated_by = ?18,
            lawsuit_risk = ?19, media_risk = ?20, promise_unkept = ?21
         WHERE id = ?1",
        params![
            id,
            f.identification,
            f.identification_basis,
            f.category,
            f.about_department_id,
            f.about_person,
            f.responsible_department_id,
            f.responsible_staff_id,
            f.facts.safety_risk,
            f.facts.collective_size,
            f.facts.claim_fen,
            f.facts.media_exposure,
            f.facts.lawsuit,
            f.facts.needs_other_departments,
            f.facts.company_fault,
            f.requested_by,
            w.now_db,
            w.actor.staff_id,
            f.facts.lawsuit_risk,
            f.facts.media_risk,
            f.facts.promise_unkept
        ],
    )?;
    Ok(())
}

/// Changes a complaint's identification, category, departments, responsible staff or facts.
/// A registered complaint that gets a responsible department is dispatched.
pub fn update(w: &mut Write, id_or_no: &str, input: &ComplaintInput) -> Result<Complaint> {
    let before = load(&w.tx, id_or_no)?;
    ensure_editable(&before)?;
    if input.intake.is_some() {
        return Err(Error::invalid(
            "intake",
            "来源登记",
            "投诉的来源登记不能修改",
        ));
    }
    let pol = policy::current(&w.tx, &before.estate_id)?.policy;
    let f = apply(&w.tx, &before.estate_id, &pol, input, Fields::from(&before))?;
    write_fields(w, &before.id, &f)?;
    grading::raise_grade(w, &before.id, "投诉信息变更")?;
    let after = finish(w, &before, json!({}))?;
    dispatch_if_assigned(w, after, "指定责任部门")
}

/// Moves a registered complaint that has a responsible department to `dispatched`.
fn dispatch_if_assigned(w: &mut Write, c: Complaint, reason: &str) -> Result<Complaint> {
    if c.status != ComplaintStatus::Registered || c.responsible_department_id.is_none() {
        return Ok(c);
    }
    set_status(w, &c.id, ComplaintStatus::Dispatched)?;
    finish(w, &c, json!({ "reason": reason }))
}

/// A 协调单 was opened for this complaint: a registered complaint without a responsible
/// department takes the slip's, and is dispatched.
pub(crate) fn slip_created(
    w: &mut Write,
    c: &Complaint,
    department_id: &str,
    staff_id: Option<&str>,
    slip_no: &str,
) -> Result<()> {
    if c.status != ComplaintStatus::Registered {
        return Ok(());
    }
    if c.responsible_department_id.is_none() {
        w.tx.execute(
            "UPDATE complaints SET responsible_department_id = ?2, responsible_staff_id = ?3
             WHERE id = ?1",
            params![c.id, department_id, staff_id],
        )?;
    }
    set_status(w, &c.id, ComplaintStatus::Dispatched)?;
    finish(w, c, json!({ "reason": format!("开具协调单 {slip_no}") }))?;
    Ok(())
}

fn set_status(w: &Write, id: &str, to: ComplaintStatus) -> Result<()> {
    w.tx.execute(
        "UPDATE complaints SET status = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![id, to, w.now_db, w.actor.staff_id],
    )?;
    Ok(())
}

/// After a change: audits it, appends the status event when the status moved (with `extra`
/// merged into it), re-indexes, and returns the record as it now is.
fn finish(w: &mut Write, before: &Complaint, extra: serde_json::Value) -> Result<Complaint> {
    let after = load(&w.tx, &before.id)?;
    w.audit_update("complaint", &before.id, before, &after)?;
    if after.status != before.status {
        let mut data = json!({ "from": before.status, "to": after.status, "reason": null });
        if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        w.event("complaint", &before.id, "status", data)?;
    }
    index(w, &after)?;
    Ok(after)
}

/// Refuses a status change the flow does not allow, naming the current state.
fn check_transition(c: &Complaint, to: ComplaintStatus, doing: &str) -> Result<()> {
    if allowed_transition(c.status, to) {
        return Ok(());
    }
    ensure_editable(c)?;
    Err(Error::State(format!(
        "投诉 {} 当前状态为“{}”，不能{doing}",
        c.no,
        c.status.label()
    )))
}

/// Records a communication or coordination attempt. The first one puts the complaint in
/// handling; an owner who does not accept the result (未达成一致) while confirmation is awaited
/// puts it back in handling.
pub fn add_attempt(w: &mut Write, id_or_no: &str, input: &AttemptInput) -> Result<Attempt> {
    let c = load(&w.tx, id_or_no)?;
    ensure_editable(&c)?;
    let at = w.past_time("at", "沟通时间", input.at.as_deref(), &c.received_at)?;
    let method = AttemptMethod::parse(
        "method",
        "沟通方式",
        &required_word("method", "沟通方式", &input.method)?,
    )?;
    let contact = CONTACT.optional(input.contact.as_deref())?;
    let said = SAID.required(input.said.as_deref())?;
    let result = AttemptResult::parse(
        "result",
        "沟通结果",
        &required_word("result", "沟通结果", &input.result)?,
    )?;
    let staff_id = match estate::staff_field(&w.tx, "staff", "沟通人", input.staff.as_deref())? {
        Some(s) => s.id,
        None => w.actor.staff_id.clone(),
    };
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO complaint_attempts(id, complaint_id, at, staff_id, method, contact, said,
            result, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            c.id,
            time::to_db(at),
            staff_id,
            method,
            contact,
            said,
            result,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let attempt = attempts(&w.tx, &c.id)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::not_found("沟通记录", id.clone()))?;
    w.audit_insert("complaint_attempt", &id, &attempt)?;
    let reason = match (c.status, result) {
        (ComplaintStatus::Registered | ComplaintStatus::Dispatched, _) => Some("开始沟通处理"),
        (ComplaintStatus::AwaitingConfirmation, AttemptResult::NotAgreed) => {
            Some("业主不接受处理结果，继续处理")
        }
        _ => None,
    };
    if let Some(reason) = reason {
        set_status(w, &c.id, ComplaintStatus::InHandling)?;
        finish(w, &c, json!({ "reason": reason }))?;
    }
    grading::after_attempt(w, &c, &attempt)?;
    grading::regrade(w, &c.id, "新增沟通记录")?;
    Ok(attempt)
}

/// A required enumerated field's text.
fn required_word(field: &'static str, label: &'static str, v: &Option<String>) -> Result<String> {
    given(v)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::invalid(field, label, "必填，不能为空"))
}

/// The handler reports the result to the owner and waits for their confirmation.
pub fn request_confirmation(w: &mut Write, id_or_no: &str) -> Result<Complaint> {
    let c = load(&w.tx, id_or_no)?;
    check_transition(&c, ComplaintStatus::AwaitingConfirmation, "提交业主确认")?;
    set_status(w, &c.id, ComplaintStatus::AwaitingConfirmation)?;
    finish(w, &c, json!({}))
}

/// Closes a complaint with its result and the owner's satisfaction, and schedules the 回访.
/// Closing while the owner is dissatisfied takes a supervisor.
pub fn close(w: &mut Write, id_or_no: &str, input: &CloseInput) -> Result<Complaint> {
    let c = load(&w.tx, id_or_no)?;
    check_transition(&c, ComplaintStatus::Closed, "结案")?;
    let result = RESULT.required(input.result.as_deref())?;
    let satisfaction = Satisfaction::parse(
        "satisfaction",
        "满意度",
        &required_word("satisfaction", "满意度", &input.satisfaction)?,
    )?;
    if satisfaction == Satisfaction::Dissatisfied {
        w.actor.require(SUPERVISORS, "在业主不满意时结案")?;
    }
    w.tx.execute(
        "UPDATE complaints SET status = 'closed', closed_at = ?2, close_result = ?3,
            satisfaction = ?4, updated_at = ?2, updated_by = ?5
         WHERE id = ?1",
        params![c.id, w.now_db, result, satisfaction, w.actor.staff_id],
    )?;
    let after = finish(
        w,
        &c,
        json!({ "result": result, "satisfaction": satisfaction }),
    )?;
    let hours = policy::current(&w.tx, &c.estate_id)?
        .policy
        .followup
        .complaint_hours;
    followups::schedule(
        w,
        &c.estate_id,
        SubjectKind::Complaint,
        &c.id,
        w.now + Duration::hours(hours),
    )?;
    Ok(after)
}

/// Reopens a closed complaint (二次投诉): back in handling, with the reason; a pending 回访 is
/// cancelled (closing again schedules a new one).
pub fn reopen(w: &mut Write, id_or_no: &str, reason: Option<&str>) -> Result<Complaint> {
    let c = load(&w.tx, id_or_no)?;
    if c.status != ComplaintStatus::Closed {
        return Err(Error::State(format!(
            "投诉 {} 当前状态为“{}”，只有已结案的投诉才能重新打开",
            c.no,
            c.status.label()
        )));
    }
    let reason = REASON.required(reason)?;
    w.tx.execute(
        "UPDATE complaints SET status = 'in_handling', reopen_count = reopen_count + 1,
            closed_at = NULL, close_result = NULL, satisfaction = NULL,
            updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![c.id, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "complaint",
        &c.id,
        "reopened",
        json!({ "reason": reason, "reopen_count": c.reopen_count + 1 }),
    )?;
    let after = finish(w, &c, json!({ "reason": reason }))?;
    followups::cancel_pending(
        w,
        SubjectKind::Complaint,
        &c.id,
        &format!("投诉重新打开：{reason}"),
    )?;
    regraded(w, after, "二次投诉（重新打开）")
}

/// Voids a complaint opened in error (supervisor). It stays on record with the reason; its
/// 协调单 must be voided or filed first.
pub fn void(w: &mut Write, id_or_no: &str, reason: Option<&str>) -> Result<Complaint> {
    w.actor.require(SUPERVISORS, "作废投诉")?;
    let c = load(&w.tx, id_or_no)?;
    check_transition(&c, ComplaintStatus::Voided, "作废")?;
    let reason = REASON.required(reason)?;
    let open_slips: Vec<String> =
        w.tx.prepare(
            "SELECT no FROM slips WHERE complaint_id = ?1
             AND status NOT IN ('filed', 'voided') ORDER BY no",
        )?
        .query_map(params![c.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !open_slips.is_empty() {
        return Err(Error::State(format!(
            "投诉 {} 还有未归档的协调单 {}，请先作废或归档",
            c.no,
            open_slips.join("、")
        )));
    }
    w.tx.execute(
        "UPDATE complaints SET status = 'voided', voided_at = ?2, voided_by = ?3,
            void_reason = ?4, updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![c.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("complaint", &c.id, &reason)?;
    w.event(
        "complaint",
        &c.id,
        "status",
        json!({ "from": c.status, "to": ComplaintStatus::Voided, "reason": reason }),
    )?;
    search::remove(w, "complaint", &c.id)?;
    if let Some(issue_id) = grading::issue_of(&w.tx, &c.id)? {
        grading::member_left(w, &issue_id, &c, &format!("已作废（{reason}）"))?;
    }
    load(&w.tx, &c.id)
}

/// Sets the grade by hand, with a reason. Raising is open to every clerk; lowering takes a
/// supervisor. The automatic grading rules use their own entry point and the same event.
pub fn set_grade(w: &mut Write, id_or_no: &str, input: &GradeInput) -> Result<Complaint> {
    let c = load(&w.tx, id_or_no)?;
    ensure_editable(&c)?;
    let grade = Grade::parse(
        "grade",
        "投诉等级",
        &required_word("grade", "投诉等级", &input.grade)?,
    )?;
    let reason = REASON.required(input.reason.as_deref())?;
    if grade == c.grade {
        return Err(Error::State(format!(
            "投诉 {} 已是“{}”级",
            c.no,
            grade.label()
        )));
    }
    if grade < c.grade {
        w.actor.require(SUPERVISORS, "调低投诉等级")?;
    }
    w.tx.execute(
        "UPDATE complaints SET grade = ?2, grade_reason = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![c.id, grade, reason, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "complaint",
        &c.id,
        "grade",
        json!({ "from": c.grade, "to": grade, "reason": reason, "manual": true }),
    )?;
    finish(w, &c, json!({}))
}

/// Puts a complaint in the case library (案例库) for training, with a note (supervisor).
/// Marking again replaces the note.
pub fn mark_case_library(w: &mut Write, id_or_no: &str, note: Option<&str>) -> Result<Complaint> {
    let note = CASE_NOTE.optional(note)?;
    set_case_library(w, id_or_no, true, note)
}

/// Takes a complaint out of the case library (supervisor).
pub fn unmark_case_library(w: &mut Write, id_or_no: &str) -> Result<Complaint> {
    set_case_library(w, id_or_no, false, None)
}

fn set_case_library(
    w: &mut Write,
    id_or_no: &str,
    on: bool,
    note: Option<String>,
) -> Result<Complaint> {
    w.actor.require(SUPERVISORS, "维护案例库")?;
    let c = load(&w.tx, id_or_no)?;
    if c.status == ComplaintStatus::Voided {
        return Err(Error::State(format!(
            "投诉 {} 已作废，不能编入案例库",
            c.no
        )));
    }
    if !on && !c.case_library {
        return Err(Error::State(format!("投诉 {} 不在案例库中", c.no)));
    }
    w.tx.execute(
        "UPDATE complaints SET case_library = ?2, case_note = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![c.id, on, note, w.now_db, w.actor.staff_id],
    )?;
    w.event(
        "complaint",
        &c.id,
        "case_library",
        json!({ "on": on, "note": note }),
    )?;
    finish(w, &c, json!({}))
}

pub(crate) fn index(w: &Write, c: &Complaint) -> Result<()> {
    let title = format!(
        "{} 投诉 {} {}",
        c.no,
        c.category,
        intake::short(&c.content, 40)
    );
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    search::index(
        w,
        "complaint",
        &c.id,
        &c.estate_id,
        &title,
        &[
            &c.no,
            &c.intake_no,
            &o(&c.unit),
            &o(&c.customer),
            &o(&c.person_name),
            &o(&c.phone),
            &c.category,
            &o(&c.about_department),
            &o(&c.about_person),
            &o(&c.responsible_department),
            &o(&c.responsible_staff),
            &c.content,
            &o(&c.request),
            &o(&c.identification_basis),
        ],
    )
}

/// The grade a complaint would have if `input` were saved, with its reasons: opens a complaint
/// from `input.intake` (or, with `complaint`, applies `input` to that complaint) in a transaction
/// that is rolled back ([`Store::dry_run`]). A bad value is the same field error saving gives.
/// The intake and case screens show it live while the clerk types the facts.
pub fn preview(
    store: &mut Store,
    actor: &Actor,
    complaint: Option<&str>,
    input: &ComplaintInput,
) -> Result<Assessment> {
    let estate_id = actor.estate_id.clone();
    store.dry_run(actor, |w| {
        let c = match complaint {
            Some(key) => update(w, key, input)?,
            None => open(w, &estate_id, input)?,
        };
        grading::assess(&w.tx, &c.id, w.now)
    })
}
