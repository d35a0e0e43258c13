//! Compensation claims (赔付, 客户赔付处理流程指引): when a complaint ends in the company paying or
//! making good, a claim (赔付单, `LH-PF2026-0001`) records what the OA 工作联系单 asks for — 情况
//! 说明, 沟通参与人, the amount, the form, who bears the cost — and carries it through the
//! departments' replies, the proposal put to the owner, the 总经理's approval, the agreement
//! signed with the owner and the payment.
//!
//! Invariants:
//! - A claim belongs to a live complaint of the estate (and optionally one of its repair orders).
//! - Its two deadlines are fixed when it is opened, from the policy ([`ClaimPolicy`]): the
//!   departments reply within `reply_hours` of the claim being opened; the first proposal is put
//!   to the owner within `proposal_working_days` working days ([`Calendar`]) of the owner's
//!   report (the complaint's registration). A deadline missed, or met late, shows as 超期.
//! - The 收方 (who accepts the work: 物业工程 up to `engineering_limit_fen`, 地产维修工程师 above)
//!   is derived from the amount whenever the amount is set.
//! - Nothing is paid before approval by one of the policy's `approver_roles` (总经理 by default);
//!   the amount paid never exceeds the approved amount; the amount cannot change after approval.
//! - Life: 待回复 → 已回复 → 已提方案 → 已核准 → 已签协议 → 已赔付 (a reply and a proposal may
//!   be skipped; payment may follow approval directly); voided with a reason by a supervisor
//!   before payment. Every step is an append-only `events` row with who and when, and every
//!   write is audited. Nothing is deleted.
//! - A claim carries no phone numbers (names and the unit only), so it is [`crate::privacy::Plain`].

use chrono::{DateTime, Datelike, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::auth;
use crate::calendar::Calendar;
use crate::complaints;
use crate::error::{Error, Result};
use crate::estate;
use crate::policy;
use crate::store::{self, Event, Write};
use crate::time;
use crate::validate::{self, TextRule};
use crate::vocab::{ClaimForm, ClaimReceiver, ClaimStatus, ComplaintStatus, PayMethod, Role};

pub use crate::policy::claims::ClaimPolicy;

/// A claim as stored, with the names it refers to and whether its deadlines were missed.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Claim {
    pub id: String,
    pub estate_id: String,
    pub no: String,
    pub complaint_id: String,
    pub complaint_no: String,
    pub repair_id: Option<String>,
    pub repair_no: Option<String>,
    /// The complaint's unit and customer (or the person who complained).
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub status: ClaimStatus,
    /// 赔付事件情况说明.
    pub situation: String,
    /// 沟通参与人.
    pub participants: String,
    pub amount_fen: i64,
    pub form: ClaimForm,
    /// 费项承担部门/公司.
    pub cost_bearer: String,
    /// 工程收方, from the amount.
    pub receiver: ClaimReceiver,
    pub policy_version: i64,
    /// The owner's report (the complaint's registration).
    pub reported_at: String,
    /// The departments' reply is due by…
    pub reply_due: String,
    /// …and the first proposal to the owner by.
    pub proposal_due: String,
    pub first_reply_at: Option<String>,
    pub proposal: Option<String>,
    pub first_proposal_at: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub approval_note: Option<String>,
    pub agreement: Option<String>,
    pub agreed_on: Option<String>,
    pub paid_fen: Option<i64>,
    pub paid_method: Option<PayMethod>,
    pub paid_on: Option<String>,
    /// Who recorded the payment, by name.
    pub paid_by: Option<String>,
    pub paid_at: Option<String>,
    pub created_at: String,
    /// Who opened it, by name.
    pub created_by: String,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    /// The reply came after its deadline, or has not come and the deadline has passed.
    pub reply_overdue: bool,
    /// The same for the first proposal.
    pub proposal_overdue: bool,
}

impl Claim {
    /// Either deadline missed (超期).
    pub fn overdue(&self) -> bool {
        self.reply_overdue || self.proposal_overdue
    }
}

/// A claim with its steps, oldest first.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClaimDetail {
    pub claim: Claim,
    pub events: Vec<Event>,
    /// Whether the viewer may approve it (one of the policy's approvers, and it awaits approval).
    pub can_approve: bool,
}

/// What the viewer may do with claims under the estate's policy (the screen shows only those
/// actions; the core checks again at every write).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClaimRights {
    /// Open claims, record replies, proposals, agreements and payments.
    pub handle: bool,
    /// Approve (核准).
    pub approve: bool,
    /// Void.
    pub void: bool,
}

/// The viewer's rights over the estate's claims.
pub fn rights(conn: &Connection, estate_id: &str, viewer: &crate::Actor) -> Result<ClaimRights> {
    let p = claim_policy(conn, estate_id)?;
    Ok(ClaimRights {
        handle: viewer.has(&p.handler_roles),
        approve: viewer.has(&p.approver_roles),
        void: viewer.has(auth::SUPERVISORS),
    })
}

/// Opening a claim.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ClaimInput {
    /// The complaint: id or number (`LH-TS2026-0001`).
    pub complaint: Option<String>,
    /// One of its repair orders, if the claim concerns one: id or number.
    pub repair: Option<String>,
    /// 情况说明.
    pub situation: Option<String>,
    /// 沟通参与人.
    pub participants: Option<String>,
    /// Yuan, e.g. `3200` or `3,200.50`.
    pub amount: Option<String>,
    /// 现金 / 维修整改 / 减免费用 / 实物补偿 / 其他 (code or label).
    pub form: Option<String>,
    /// 费项承担部门/公司.
    pub cost_bearer: Option<String>,
}

/// A department's reply (各相关部门应在24小时内回复本部门建议).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ClaimReplyInput {
    /// The replying department (id or name).
    pub department: Option<String>,
    pub text: Option<String>,
}

/// A proposal put to the owner; the amount and form may change with it (before approval).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ClaimProposalInput {
    pub text: Option<String>,
    pub amount: Option<String>,
    pub form: Option<String>,
}

/// The agreement signed with the owner (赔付协议).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ClaimAgreementInput {
    pub text: Option<String>,
    /// `YYYY-MM-DD` (default today).
    pub date: Option<String>,
}

/// The payment as made.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ClaimPaymentInput {
    /// Yuan (default: the approved amount).
    pub amount: Option<String>,
    /// 现金 / 银行转账 / 抵扣物业费 / 其他.
    pub method: Option<String>,
    /// `YYYY-MM-DD` (default today).
    pub date: Option<String>,
}

const SITUATION: TextRule = TextRule::text("situation", "情况说明", 2000);
const PARTICIPANTS: TextRule = TextRule::line("participants", "沟通参与人", 200);
const COST_BEARER: TextRule = TextRule::line("cost_bearer", "费项承担部门", 100);
const REPLY: TextRule = TextRule::text("text", "回复内容", 2000);
const PROPOSAL: TextRule = TextRule::text("text", "方案内容", 2000);
const APPROVAL_NOTE: TextRule = TextRule::text("note", "核准意见", 500);
const AGREEMENT: TextRule = TextRule::text("text", "协议内容", 4000);
const REASON: TextRule = TextRule::text("reason", "作废原因", 500);

/// Digits in a claim number's sequence part.
const NO_WIDTH: usize = 4;

/// The estate's claim policy.
pub fn claim_policy(conn: &Connection, estate_id: &str) -> Result<ClaimPolicy> {
    Ok(policy::current(conn, estate_id)?.policy.claims)
}

/// The 收方 of an amount under `p`.
pub fn receiver_for(p: &ClaimPolicy, amount_fen: i64) -> ClaimReceiver {
    if amount_fen <= p.engineering_limit_fen {
        ClaimReceiver::PropertyEngineering
    } else {
        ClaimReceiver::DeveloperEngineer
    }
}

/// A positive amount in yuan, naming the field.
fn amount(field: &'static str, label: &'static str, value: Option<&str>) -> Result<i64> {
    let v = value.map(str::trim).filter(|v| !v.is_empty());
    let Some(v) = v else {
        return Err(Error::invalid(field, label, "请填写金额"));
    };
    let fen = validate::money_fen(field, label, v)?;
    if fen <= 0 {
        return Err(Error::invalid(field, label, "须为正数"));
    }
    Ok(fen)
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("或")
}

const SELECT: &str = "SELECT c.id, c.estate_id, c.no, c.complaint_id, k.no, c.repair_id, r.no,
        u.code, COALESCE(cu.name, i.person_name), c.status, c.situation, c.participants,
        c.amount_fen, c.form, c.cost_bearer, c.receiver, c.policy_version, c.reported_at,
        c.reply_due, c.proposal_due, c.first_reply_at, c.proposal, c.first_proposal_at,
        c.approved_at, ap.name, c.approval_note, c.agreement, c.agreed_on, c.paid_fen,
        c.paid_method, c.paid_on, pb.name, c.paid_at, c.created_at, COALESCE(cb.name, c.created_by),
        c.voided_at, c.void_reason
     FROM claims c
     JOIN complaints k ON k.id = c.complaint_id
     JOIN intakes i ON i.id = k.intake_id
     LEFT JOIN repair_orders r ON r.id = c.repair_id
     LEFT JOIN units u ON u.id = k.unit_id
     LEFT JOIN customers cu ON cu.id = k.customer_id
     LEFT JOIN staff ap ON ap.id = c.approved_by
     LEFT JOIN staff pb ON pb.id = c.paid_by
     LEFT JOIN staff cb ON cb.id = c.created_by";

fn row(r: &Row, now: &str) -> rusqlite::Result<Claim> {
    let status: ClaimStatus = r.get(9)?;
    let reply_due: String = r.get(18)?;
    let proposal_due: String = r.get(19)?;
    let first_reply_at: Option<String> = r.get(20)?;
    let first_proposal_at: Option<String> = r.get(22)?;
    let live = status != ClaimStatus::Voided;
    let late = |done: &Option<String>, due: &str| live && done.as_deref().unwrap_or(now) > due;
    Ok(Claim {
        id: r.get(0)?,
        estate_id: r.get(1)?,
        no: r.get(2)?,
        complaint_id: r.get(3)?,
        complaint_no: r.get(4)?,
        repair_id: r.get(5)?,
        repair_no: r.get(6)?,
        unit: r.get(7)?,
        customer: r.get(8)?,
        status,
        situation: r.get(10)?,
        participants: r.get(11)?,
        amount_fen: r.get(12)?,
        form: r.get(13)?,
        cost_bearer: r.get(14)?,
        receiver: r.get(15)?,
        policy_version: r.get(16)?,
        reported_at: r.get(17)?,
        reply_overdue: late(&first_reply_at, &reply_due),
        proposal_overdue: late(&first_proposal_at, &proposal_due),
        reply_due,
        proposal_due,
        first_reply_at,
        proposal: r.get(21)?,
        first_proposal_at,
        approved_at: r.get(23)?,
        approved_by: r.get(24)?,
        approval_note: r.get(25)?,
        agreement: r.get(26)?,
        agreed_on: r.get(27)?,
        paid_fen: r.get(28)?,
        paid_method: r.get(29)?,
        paid_on: r.get(30)?,
        paid_by: r.get(31)?,
        paid_at: r.get(32)?,
        created_at: r.get(33)?,
        created_by: r.get(34)?,
        voided_at: r.get(35)?,
        void_reason: r.get(36)?,
    })
}

fn select(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
    now: DateTime<Utc>,
) -> Result<Vec<Claim>> {
    let now = time::to_db(now);
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE {filter} ORDER BY c.created_at DESC, c.id DESC"
    ))?;
    let rows = stmt.query_map(args, |r| row(r, &now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One claim by id or number, its deadlines judged at `now`.
pub fn get(conn: &Connection, id_or_no: &str, now: DateTime<Utc>) -> Result<Claim> {
    select(
        conn,
        "c.id = ?1 OR c.no = ?1",
        params![id_or_no.trim()],
        now,
    )?
    .pop()
    .ok_or_else(|| Error::not_found("赔付单", id_or_no.trim()))
}

/// A claim of the estate (a claim of another estate is not found).
fn in_estate(
    conn: &Connection,
    estate_id: &str,
    id_or_no: &str,
    now: DateTime<Utc>,
) -> Result<Claim> {
    let c = get(conn, id_or_no, now)?;
    if c.estate_id != estate_id {
        return Err(Error::not_found("赔付单", id_or_no.trim()));
    }
    Ok(c)
}

/// A claim with its steps, and whether `viewer_roles` may approve it now.
pub fn detail(
    conn: &Connection,
    estate_id: &str,
    id_or_no: &str,
    viewer: &crate::Actor,
    now: DateTime<Utc>,
) -> Result<ClaimDetail> {
    let claim = in_estate(conn, estate_id, id_or_no, now)?;
    let events = store::events(conn, "claim", &claim.id)?;
    let p = claim_policy(conn, estate_id)?;
    let can_approve = viewer.has(&p.approver_roles) && awaits_approval(claim.status);
    Ok(ClaimDetail {
        claim,
        events,
        can_approve,
    })
}

/// The estate's claims opened in `[from, to)`, newest first; only the overdue ones when
/// `overdue_only`.
pub fn list(
    conn: &Connection,
    estate_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    overdue_only: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Claim>> {
    let all = select(
        conn,
        "c.estate_id = ?1 AND c.created_at >= ?2 AND c.created_at < ?3",
        params![estate_id, time::to_db(from), time::to_db(to)],
        now,
    )?;
    Ok(all
        .into_iter()
        .filter(|c| !overdue_only || c.overdue())
        .collect())
}

/// The estate's claims not yet paid or voided (any age), overdue first, then newest.
pub fn open(conn: &Connection, estate_id: &str, now: DateTime<Utc>) -> Result<Vec<Claim>> {
    let mut all = select(
        conn,
        "c.estate_id = ?1 AND c.status NOT IN ('paid', 'voided')",
        params![estate_id],
        now,
    )?;
    all.sort_by_key(|c| !c.overdue());
    Ok(all)
}

/// The claims of one complaint, newest first.
pub fn of_complaint(conn: &Connection, complaint: &str, now: DateTime<Utc>) -> Result<Vec<Claim>> {
    let c = complaints::load(conn, complaint)?;
    select(conn, "c.complaint_id = ?1", params![c.id], now)
}

fn awaits_approval(s: ClaimStatus) -> bool {
    matches!(
        s,
        ClaimStatus::Open | ClaimStatus::Replied | ClaimStatus::Proposed
    )
}

/// The role check of a handler's step.
fn handler(w: &Write, p: &ClaimPolicy, doing: &str) -> Result<()> {
    w.actor.require(&p.handler_roles, doing)
}

/// Opens a claim for a complaint: the deadlines from the policy and the working calendar, the
/// 收方 from the amount.
pub fn create(w: &mut Write, estate_id: &str, input: &ClaimInput) -> Result<Claim> {
    let versioned = policy::current(&w.tx, estate_id)?;
    let p = versioned.policy.claims.clone();
    handler(w, &p, "登记赔付")?;
    let key = input
        .complaint
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| Error::invalid("complaint", "投诉单", "请选择赔付所属的投诉"))?;
    let complaint = complaints::load(&w.tx, key)
        .ok()
        .filter(|c| c.estate_id == estate_id)
        .ok_or_else(|| Error::invalid("complaint", "投诉单", format!("没有编号为“{key}”的投诉")))?;
    if complaint.status == ComplaintStatus::Voided {
        return Err(Error::invalid(
            "complaint",
            "投诉单",
            format!("投诉 {} 已作废", complaint.no),
        ));
    }
    let repair_id = match input
        .repair
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(r) => Some(
            w.tx.query_row(
                "SELECT id FROM repair_orders WHERE (id = ?1 OR no = ?1) AND estate_id = ?2
                 AND voided_at IS NULL",
                params![r, estate_id],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .ok_or_else(|| {
                Error::invalid("repair", "维修单", format!("没有编号为“{r}”的维修单"))
            })?,
        ),
    };
    let situation = SITUATION.required(input.situation.as_deref())?;
    let participants = PARTICIPANTS.required(input.participants.as_deref())?;
    let amount_fen = amount("amount", "金额", input.amount.as_deref())?;
    let form = match input
        .form
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        Some(f) => ClaimForm::parse("form", "赔付形式", f)?,
        None => return Err(Error::invalid("form", "赔付形式", "请选择赔付形式")),
    };
    let cost_bearer = COST_BEARER.required(input.cost_bearer.as_deref())?;
    let reported = time::from_db(&complaint.received_at)?;
    let reply_due = w.now + Duration::hours(p.reply_hours);
    let calendar = Calendar::current(&w.tx, estate_id)?;
    let proposal_due = calendar.add_working_days(reported, p.proposal_working_days);
    let id = w.new_id();
    let no = w.human_no(estate_id, "PF", time::local_date(w.now).year(), NO_WIDTH)?;
    w.tx.execute(
        "INSERT INTO claims(id, estate_id, no, complaint_id, repair_id, situation, participants,
            amount_fen, form, cost_bearer, receiver, policy_version, reported_at, reply_due,
            proposal_due, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17)",
        params![
            id,
            estate_id,
            no,
            complaint.id,
            repair_id,
            situation,
            participants,
            amount_fen,
            form,
            cost_bearer,
            receiver_for(&p, amount_fen),
            versioned.version,
            complaint.received_at,
            time::to_db(reply_due),
            time::to_db(proposal_due),
            w.now_db,
            w.actor.staff_id,
        ],
    )?;
    let c = get(&w.tx, &id, w.now)?;
    w.audit_insert("claim", &id, &c)?;
    w.event(
        "claim",
        &id,
        "opened",
        serde_json::json!({ "amount_fen": amount_fen, "form": form, "complaint": complaint.no }),
    )?;
    Ok(c)
}

/// Writes `sql` (the claim's id as ?1, now as ?2, the actor as ?3, then `extra`), audits the
/// change and appends the step's event.
fn step(
    w: &mut Write,
    before: &Claim,
    sql: &str,
    extra: &[&dyn rusqlite::ToSql],
    kind: &str,
    data: serde_json::Value,
) -> Result<Claim> {
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&before.id, &w.now_db, &w.actor.staff_id];
    args.extend_from_slice(extra);
    w.tx.execute(
        &format!("UPDATE claims SET {sql}, updated_at = ?2, updated_by = ?3 WHERE id = ?1"),
        args.as_slice(),
    )?;
    let after = get(&w.tx, &before.id, w.now)?;
    w.audit_update("claim", &before.id, before, &after)?;
    let mut data = data;
    if before.status != after.status {
        data["from"] = serde_json::json!(before.status);
        data["to"] = serde_json::json!(after.status);
    }
    w.event("claim", &before.id, kind, data)?;
    Ok(after)
}

/// The claim when it is in one of `allowed`, else why not.
fn in_state(
    w: &Write,
    estate_id: &str,
    id_or_no: &str,
    allowed: &[ClaimStatus],
    doing: &str,
) -> Result<Claim> {
    let c = in_estate(&w.tx, estate_id, id_or_no, w.now)?;
    if !allowed.contains(&c.status) {
        return Err(Error::State(format!(
            "赔付单 {} {}，不能{doing}",
            c.no,
            c.status.label()
        )));
    }
    Ok(c)
}

/// Records a department's reply; the first one moves the claim to 已回复.
pub fn reply(
    w: &mut Write,
    estate_id: &str,
    claim: &str,
    input: &ClaimReplyInput,
) -> Result<Claim> {
    let p = claim_policy(&w.tx, estate_id)?;
    handler(w, &p, "登记部门回复")?;
    let before = in_state(
        w,
        estate_id,
        claim,
        &[
            ClaimStatus::Open,
            ClaimStatus::Replied,
            ClaimStatus::Proposed,
        ],
        "登记部门回复",
    )?;
    let department = estate::department_field(
        &w.tx,
        estate_id,
        "department",
        "回复部门",
        input.department.as_deref(),
    )?
    .ok_or_else(|| Error::invalid("department", "回复部门", "请选择回复的部门"))?;
    let text = REPLY.required(input.text.as_deref())?;
    let status = match before.status {
        ClaimStatus::Open => ClaimStatus::Replied,
        s => s,
    };
    step(
        w,
        &before,
        "status = ?4, first_reply_at = COALESCE(first_reply_at, ?2)",
        &[&status],
        "reply",
        serde_json::json!({ "department": department.name, "text": text }),
    )
}

/// Records the proposal put to the owner (the amount and form may change with it).
pub fn propose(
    w: &mut Write,
    estate_id: &str,
    claim: &str,
    input: &ClaimProposalInput,
) -> Result<Claim> {
    let p = claim_policy(&w.tx, estate_id)?;
    handler(w, &p, "登记赔付方案")?;
    let before = in_state(
        w,
        estate_id,
        claim,
        &[
            ClaimStatus::Open,
            ClaimStatus::Replied,
            ClaimStatus::Proposed,
        ],
        "提出方案",
    )?;
    let text = PROPOSAL.required(input.text.as_deref())?;
    let amount_fen = match input
        .amount
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => amount("amount", "金额", Some(a))?,
        None => before.amount_fen,
    };
    let form = match input
        .form
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        Some(f) => ClaimForm::parse("form", "赔付形式", f)?,
        None => before.form,
    };
    let receiver = receiver_for(&p, amount_fen);
    step(
        w,
        &before,
        "status = 'proposed', proposal = ?4, amount_fen = ?5, form = ?6, receiver = ?7,
         first_proposal_at = COALESCE(first_proposal_at, ?2)",
        &[&text, &amount_fen, &form, &receiver],
        "proposal",
        serde_json::json!({ "text": text, "amount_fen": amount_fen, "form": form }),
    )
}

/// The approval (核准) by one of the policy's approvers; the amount is fixed from then on.
pub fn approve(w: &mut Write, estate_id: &str, claim: &str, note: Option<&str>) -> Result<Claim> {
    let p = claim_policy(&w.tx, estate_id)?;
    w.actor.require(&p.approver_roles, "核准赔付")?;
    let before = in_state(
        w,
        estate_id,
        claim,
        &[
            ClaimStatus::Open,
            ClaimStatus::Replied,
            ClaimStatus::Proposed,
        ],
        "核准",
    )?;
    let note = APPROVAL_NOTE.optional(note)?;
    step(
        w,
        &before,
        "status = 'approved', approved_at = ?2, approved_by = ?3, approval_note = ?4",
        &[&note],
        "approval",
        serde_json::json!({ "amount_fen": before.amount_fen, "note": note }),
    )
}

/// The refusal of a step that needs approval first, naming the approvers.
fn not_approved(conn: &Connection, estate_id: &str, c: &Claim, doing: &str) -> Result<Error> {
    let p = claim_policy(conn, estate_id)?;
    Ok(Error::State(format!(
        "赔付单 {} 尚未经{}核准，不能{doing}",
        c.no,
        roles_text(&p.approver_roles)
    )))
}

/// Records the agreement signed with the owner, after approval.
pub fn agree(
    w: &mut Write,
    estate_id: &str,
    claim: &str,
    input: &ClaimAgreementInput,
) -> Result<Claim> {
    let p = claim_policy(&w.tx, estate_id)?;
    handler(w, &p, "登记赔付协议")?;
    let c = in_estate(&w.tx, estate_id, claim, w.now)?;
    if awaits_approval(c.status) {
        return Err(not_approved(&w.tx, estate_id, &c, "签订协议")?);
    }
    let before = in_state(w, estate_id, claim, &[ClaimStatus::Approved], "签订协议")?;
    let text = AGREEMENT.required(input.text.as_deref())?;
    let date = date_or_today(w, "date", "协议日期", input.date.as_deref())?;
    step(
        w,
        &before,
        "status = 'agreed', agreement = ?4, agreed_on = ?5",
        &[&text, &date],
        "agreement",
        serde_json::json!({ "date": date }),
    )
}

/// A date typed (not in the future), today by default.
fn date_or_today(
    w: &Write,
    field: &'static str,
    label: &'static str,
    value: Option<&str>,
) -> Result<String> {
    let today = time::local_date(w.now);
    let d = match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => time::parse_date(field, label, v)?,
        None => today,
    };
    if d > today {
        return Err(Error::invalid(field, label, "不能晚于今天"));
    }
    Ok(d.format("%Y-%m-%d").to_string())
}

/// Records the payment: only after approval, at most the approved amount.
pub fn pay(
    w: &mut Write,
    estate_id: &str,
    claim: &str,
    input: &ClaimPaymentInput,
) -> Result<Claim> {
    let p = claim_policy(&w.tx, estate_id)?;
    handler(w, &p, "登记赔付付款")?;
    let c = in_estate(&w.tx, estate_id, claim, w.now)?;
    if awaits_approval(c.status) {
        return Err(not_approved(&w.tx, estate_id, &c, "付款")?);
    }
    let before = in_state(
        w,
        estate_id,
        claim,
        &[ClaimStatus::Approved, ClaimStatus::Agreed],
        "付款",
    )?;
    let paid_fen = match input
        .amount
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => amount("amount", "实付金额", Some(a))?,
        None => before.amount_fen,
    };
    if paid_fen > before.amount_fen {
        return Err(Error::invalid(
            "amount",
            "实付金额",
            format!(
                "不能超过核准金额 ¥{}",
                validate::fen_to_yuan(before.amount_fen)
            ),
        ));
    }
    let method = match input
        .method
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => PayMethod::parse("method", "支付方式", m)?,
        None => return Err(Error::invalid("method", "支付方式", "请选择支付方式")),
    };
    let date = date_or_today(w, "date", "付款日期", input.date.as_deref())?;
    step(
        w,
        &before,
        "status = 'paid', paid_fen = ?4, paid_method = ?5, paid_on = ?6, paid_by = ?3, paid_at = ?2",
        &[&paid_fen, &method, &date],
        "payment",
        serde_json::json!({ "amount_fen": paid_fen, "method": method, "date": date }),
    )
}

/// Voids a claim with a reason (supervisors), before it is paid.
pub fn void(w: &mut Write, estate_id: &str, claim: &str, reason: Option<&str>) -> Result<Claim> {
    w.actor.require(auth::SUPERVISORS, "作废赔付单")?;
    let reason = REASON.required(reason)?;
    let before = in_state(
        w,
        estate_id,
        claim,
        &[
            ClaimStatus::Open,
            ClaimStatus::Replied,
            ClaimStatus::Proposed,
            ClaimStatus::Approved,
            ClaimStatus::Agreed,
        ],
        "作废",
    )?;
    let after = step(
        w,
        &before,
        "status = 'voided', voided_at = ?2, voided_by = ?3, void_reason = ?4",
        &[&reason],
        "void",
        serde_json::json!({ "reason": reason }),
    )?;
    w.audit_void("claim", &before.id, &reason)?;
    Ok(after)
}
