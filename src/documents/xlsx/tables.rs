//! The tables of the XLSX documents, as data: each register's row type, where its rows come from
//! (read-only SQL streamed row by row for the big registers, the core's list functions for the
//! logs) and its columns in the order of the paper form.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sheet::{Cell, Column, Width};
use crate::deadlines::{self, ComplaintClock};
use crate::documents::register::Register;
use crate::error::Result;
use crate::intake::Intake;
use crate::kpi::{Comparison, Count, HandlingTime, Kpi, KpiReport};
use crate::repair_visits::QuotaRow;
use crate::repairs::PriceItem;
use crate::slips::RegisterRow;
use crate::time;
use crate::vocab::{
    Channel, ComplaintStatus, FollowupResult, FollowupStatus, Grade, Identification, RepairKind,
    RepairScale, RepairStatus, Satisfaction, SubjectKind, Urgency,
};

fn opt_label<T: std::fmt::Display>(v: &Option<T>) -> Cell<'static> {
    v.as_ref()
        .map_or(Cell::Empty, |v| Cell::owned(v.to_string()))
}

/// What a register is read for: an estate, the instants `[from, to)`, and the time its deadlines
/// are judged at.
pub struct Query<'a> {
    pub conn: &'a Connection,
    pub estate_id: &'a str,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Query<'_> {
    fn count(&self, sql: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            sql,
            params![self.estate_id, time::to_db(self.from), time::to_db(self.to)],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}

/// Hands the rows of a register, read one by one, to a writer; returns what the writer returns.
pub type Each<'e, R> = &'e mut dyn FnMut(&mut dyn Iterator<Item = Result<R>>) -> Result<u64>;

/// A big register, streamed from SQL row by row: its sheet, its form's title, its columns, how
/// many rows it has and the rows in order.
pub struct Streamed<R> {
    pub sheet: &'static str,
    pub title: &'static str,
    pub columns: fn() -> Vec<Column<R>>,
    pub count: fn(&Query) -> Result<u64>,
    pub each: fn(&Query, Each<R>) -> Result<u64>,
}

/// The 《客户投诉处理记录表》.
pub const COMPLAINT_REGISTER: Streamed<ComplaintRow> = Streamed {
    sheet: "投诉登记",
    title: Register::Complaints.title(),
    columns: complaint_columns,
    count: count_complaints,
    each: each_complaint,
};

/// The repair orders (派工单/维修单).
pub const REPAIR_REGISTER: Streamed<RepairRow> = Streamed {
    sheet: "维修单",
    title: Register::Repairs.title(),
    columns: repair_columns,
    count: count_repairs,
    each: each_repair,
};

// ---------------------------------------------------------------------------------------------
// 《客户投诉处理记录表》

/// Where a row of the complaint register stands: a complaint case in its status, or a 投诉
/// received at the desk that was never opened as a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintState {
    /// A complaint case (立案), in its status.
    Case(ComplaintStatus),
    /// A 投诉 intake explained and settled at the counter (当场解释解决): no case, no slip.
    SettledAtDesk,
    /// A 投诉 intake not settled at the counter and not (yet) opened as a case.
    NotOpened,
}

impl ComplaintState {
    /// The register's 处理状态.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintState::Case(s) => s.label(),
            ComplaintState::SettledAtDesk => "当场处理",
            ComplaintState::NotOpened => "未立案",
        }
    }
}

/// One complaint as the register shows it: a complaint case, or a 投诉 intake that never became
/// one (the seeds register every complaint, valid or not); such a row has the intake's number and
/// no case fields (性质, 类别, 等级, 时限 …).
pub struct ComplaintRow {
    /// The complaint's number, or the intake's (登记编号) when no case was opened.
    pub no: String,
    pub state: ComplaintState,
    pub received_at: String,
    pub channel: Channel,
    /// 发生时间, as the customer said it.
    pub happened_at: Option<String>,
    /// 发生地点.
    pub location: Option<String>,
    /// 被投诉部门/人, as the customer named them.
    pub about: Option<String>,
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub phone: Option<String>,
    /// 接待人: the clerk who recorded the intake.
    pub receiver: Option<String>,
    pub identification: Option<Identification>,
    pub category: Option<String>,
    pub grade: Option<Grade>,
    pub grade_reason: Option<String>,
    pub content: String,
    pub request: Option<String>,
    pub department: Option<String>,
    pub staff: Option<String>,
    pub attempts: i64,
    /// The explanation given at the desk.
    pub reply: Option<String>,
    /// The case's close result.
    pub result: Option<String>,
    pub closed_at: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub followup: Option<FollowupResult>,
    pub followup_note: Option<String>,
    /// 回访人: who made the latest 回访 call.
    pub followup_by: Option<String>,
    /// The grade's deadline (first response, or settling a 一般 complaint).
    pub deadline: Option<DateTime<Utc>>,
    /// A deadline of the case was missed (overdue now, or met late); `None` without a case.
    pub overdue: Option<bool>,
}

/// The register's rows: the period's intakes that are a complaint case (live), or are of kind 投诉
/// (live) without a live case. (Every complaint's intake is of the complaint's estate, and reading
/// the period's intakes in order through `intakes_received` lets the rows stream from the first
/// one; the live case of an intake is found through the unique `complaints_intake`.)
const COMPLAINTS: &str = "FROM intakes i
    LEFT JOIN complaints c ON c.intake_id = i.id AND c.voided_at IS NULL AND c.status <> 'voided'";
const REGISTERED: &str = "WHERE i.estate_id = ?1 AND i.received_at >= ?2 AND i.received_at < ?3
      AND (c.id IS NOT NULL OR (i.kind = 'complaint' AND i.voided_at IS NULL))";

/// Complaints registered (received) in `[from, to)`: cases and 投诉 intakes without one.
fn count_complaints(q: &Query) -> Result<u64> {
    q.count(&format!("SELECT count(*) {COMPLAINTS} {REGISTERED}"))
}

/// Streams the complaints received in `[from, to)`, oldest first, to `each`.
fn each_complaint(q: &Query, each: Each<ComplaintRow>) -> Result<u64> {
    let mut stmt = q.conn.prepare(&format!(
        "SELECT COALESCE(c.no, i.no), i.received_at, i.channel, u.code,
            COALESCE(cu.name, i.person_name), i.phone, c.identification, c.category, c.grade,
            c.grade_reason, i.content, i.request, rd.name, rs.name, c.status,
            (SELECT count(*) FROM complaint_attempts a
             WHERE a.complaint_id = c.id AND a.voided_at IS NULL),
            c.close_result, c.closed_at, c.satisfaction, f.result, fa.note, fs.name,
            i.happened_at, i.location, i.about, ri.name, i.reply, i.settled_on_spot,
            {clock}
         {COMPLAINTS}
         LEFT JOIN customers cu ON cu.id = COALESCE(c.customer_id, i.customer_id)
         LEFT JOIN units u ON u.id = COALESCE(c.unit_id, i.unit_id)
         LEFT JOIN staff ri ON ri.id = i.receiver_id
         LEFT JOIN departments rd ON rd.id = c.responsible_department_id
         LEFT JOIN staff rs ON rs.id = c.responsible_staff_id
         LEFT JOIN followups f ON f.id = (SELECT f2.id FROM followups f2
             WHERE f2.subject_kind = 'complaint' AND f2.subject_id = c.id
             ORDER BY f2.created_at DESC, f2.rowid DESC LIMIT 1)
         LEFT JOIN followup_attempts fa ON fa.id = (SELECT fa2.id FROM followup_attempts fa2
             WHERE fa2.followup_id = f.id ORDER BY fa2.at DESC, fa2.rowid DESC LIMIT 1)
         LEFT JOIN staff fs ON fs.id = fa.staff_id
         {REGISTERED}
         ORDER BY i.received_at, COALESCE(c.no, i.no)",
        clock = ComplaintClock::COLUMNS
    ))?;
    let rows = stmt.query_map(
        params![q.estate_id, time::to_db(q.from), time::to_db(q.to)],
        |r| {
            let row = complaint_row(r)?;
            let clock = match row.state {
                ComplaintState::Case(_) => Some(ComplaintClock::from_row(r, 28)?),
                _ => None,
            };
            Ok((row, clock))
        },
    )?;
    let mut book = deadlines::RuleBook::for_many();
    let mut rows = rows.map(|r| {
        let (mut c, clock) = r?;
        if let Some(clock) = clock {
            let summary = deadlines::complaint_summary(q.conn, &mut book, &clock, q.now)?;
            c.deadline = Some(summary.response.due);
            c.overdue = Some(summary.missed);
        }
        Ok(c)
    });
    each(&mut rows)
}

fn complaint_row(r: &Row) -> rusqlite::Result<ComplaintRow> {
    let status: Option<ComplaintStatus> = r.get(14)?;
    let state = match (status, r.get::<_, bool>(27)?) {
        (Some(s), _) => ComplaintState::Case(s),
        (None, true) => ComplaintState::SettledAtDesk,
        (None, false) => ComplaintState::NotOpened,
    };
    Ok(ComplaintRow {
        no: r.get(0)?,
        state,
        received_at: r.get(1)?,
        channel: r.get(2)?,
        unit: r.get(3)?,
        customer: r.get(4)?,
        phone: r.get(5)?,
        identification: r.get(6)?,
        category: r.get(7)?,
        grade: r.get(8)?,
        grade_reason: r.get(9)?,
        content: r.get(10)?,
        request: r.get(11)?,
        department: r.get(12)?,
        staff: r.get(13)?,
        attempts: r.get(15)?,
        result: r.get(16)?,
        closed_at: r.get(17)?,
        satisfaction: r.get(18)?,
        followup: r.get(19)?,
        followup_note: r.get(20)?,
        followup_by: r.get(21)?,
        happened_at: r.get(22)?,
        location: r.get(23)?,
        about: r.get(24)?,
        receiver: r.get(25)?,
        reply: r.get(26)?,
        deadline: None,
        overdue: None,
    })
}

/// 处理过程/结果: the explanation given at the desk, then the case's result.
fn handling_and_result(r: &ComplaintRow) -> Cell<'_> {
    let parts: Vec<String> = [
        r.reply.as_deref().map(|s| format!("前台答复：{s}")),
        r.result.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    if parts.is_empty() {
        Cell::Empty
    } else {
        Cell::owned(parts.join("；"))
    }
}

/// The columns of the 《客户投诉处理记录表》.
pub fn complaint_columns() -> Vec<Column<ComplaintRow>> {
    vec![
        Column {
            header: "投诉编号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::str(&r.no),
        },
        Column {
            header: "登记时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.received_at),
        },
        Column {
            header: "渠道",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(r.channel.label()),
        },
        Column {
            header: "发生时间",
            width: Width::Wrap(12.0),
            value: |r, _| Cell::text(r.happened_at.as_deref()),
        },
        Column {
            header: "地点",
            width: Width::Wrap(12.0),
            value: |r, _| Cell::text(r.location.as_deref()),
        },
        Column {
            header: "房号",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.unit.as_deref()),
        },
        Column {
            header: "客户",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.customer.as_deref()),
        },
        Column {
            header: "联系电话",
            width: Width::Fit(14.0),
            value: |r, d| Cell::phone(d, r.phone.as_deref()),
        },
        Column {
            header: "被投诉部门/人",
            width: Width::Wrap(14.0),
            value: |r, _| Cell::text(r.about.as_deref()),
        },
        Column {
            header: "接待人",
            width: Width::Fit(8.0),
            value: |r, _| Cell::text(r.receiver.as_deref()),
        },
        Column {
            header: "投诉性质",
            width: Width::Fit(10.0),
            value: |r, _| {
                r.identification
                    .map_or(Cell::Empty, |v| Cell::str(v.label()))
            },
        },
        Column {
            header: "投诉类别",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.category.as_deref()),
        },
        Column {
            header: "等级",
            width: Width::Fit(6.0),
            value: |r, _| r.grade.map_or(Cell::Empty, |v| Cell::str(v.label())),
        },
        Column {
            header: "定级原因",
            width: Width::Wrap(14.0),
            value: |r, _| Cell::text(r.grade_reason.as_deref()),
        },
        Column {
            header: "投诉内容",
            width: Width::Wrap(28.0),
            value: |r, _| Cell::str(&r.content),
        },
        Column {
            header: "业主要求",
            width: Width::Wrap(14.0),
            value: |r, _| Cell::text(r.request.as_deref()),
        },
        Column {
            header: "责任部门",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.department.as_deref()),
        },
        Column {
            header: "责任人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.staff.as_deref()),
        },
        Column {
            header: "处理时限",
            width: Width::Fit(17.0),
            value: |r, _| r.deadline.map_or(Cell::Empty, Cell::At),
        },
        Column {
            header: "处理状态",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(r.state.label()),
        },
        Column {
            header: "沟通次数",
            width: Width::Fit(6.0),
            value: |r, _| Cell::Int(r.attempts),
        },
        Column {
            header: "处理过程/结果",
            width: Width::Wrap(24.0),
            value: |r, _| handling_and_result(r),
        },
        Column {
            header: "结案时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.closed_at.as_deref()),
        },
        Column {
            header: "满意度",
            width: Width::Fit(9.0),
            value: |r, _| opt_label(&r.satisfaction),
        },
        Column {
            header: "回访人",
            width: Width::Fit(8.0),
            value: |r, _| Cell::text(r.followup_by.as_deref()),
        },
        Column {
            header: "回访结果",
            width: Width::Wrap(14.0),
            value: |r, _| match (&r.followup, &r.followup_note) {
                (Some(res), Some(note)) if !note.is_empty() => {
                    Cell::owned(format!("{res}：{note}"))
                }
                (Some(res), _) => Cell::owned(res.to_string()),
                (None, _) => Cell::Empty,
            },
        },
        Column {
            header: "是否超时",
            width: Width::Fit(6.0),
            value: |r, _| r.overdue.map_or(Cell::Empty, Cell::yes_no),
        },
    ]
}

/// The columns of the printed (PDF) 《客户投诉处理记录表》: those of the workbook that fit an A4
/// landscape page, in the workbook's order and with widths for the page — 投诉编号, 登记时间, 渠道,
/// 房号, 客户, 联系电话, 被投诉部门/人, 接待人, 等级, 投诉内容, 责任部门, 处理状态, 处理过程/结果,
/// 结案时间, 回访人, 回访结果. Left out: 发生时间, 地点, 投诉性质, 投诉类别, 定级原因, 业主要求,
/// 责任人, 处理时限, 沟通次数, 满意度 and 是否超时 (all in the workbook and in each complaint's own
/// record).
pub fn complaint_print_columns() -> Vec<Column<ComplaintRow>> {
    const PRINTED: [(&str, f64); 16] = [
        ("投诉编号", 21.0),
        ("登记时间", 16.0),
        ("渠道", 8.0),
        ("房号", 12.0),
        ("客户", 9.0),
        ("联系电话", 15.0),
        ("被投诉部门/人", 13.0),
        ("接待人", 10.0),
        ("等级", 7.0),
        ("投诉内容", 22.0),
        ("责任部门", 11.0),
        ("处理状态", 12.0),
        ("处理过程/结果", 22.0),
        ("结案时间", 16.0),
        ("回访人", 10.0),
        ("回访结果", 14.0),
    ];
    complaint_columns()
        .into_iter()
        .filter_map(|mut c| {
            let (_, width) = PRINTED.iter().find(|(h, _)| *h == c.header)?;
            c.width = Width::Wrap(*width);
            Some(c)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 维修有偿服务项目及收费标准

/// The columns of the 《维修有偿服务项目及收费标准》.
pub fn price_columns() -> Vec<Column<PriceItem>> {
    vec![
        Column {
            header: "项目编号",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(&r.code),
        },
        Column {
            header: "服务项目",
            width: Width::Wrap(30.0),
            value: |r, _| Cell::str(&r.name),
        },
        Column {
            header: "计价单位",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(&r.unit),
        },
        Column {
            header: "收费标准（元）",
            width: Width::Fit(12.0),
            value: |r, _| Cell::Money(r.price_fen),
        },
        Column {
            header: "备注",
            width: Width::Wrap(30.0),
            value: |r, _| Cell::text(r.note.as_deref()),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// 前台协调单登记表

/// The columns of the 前台协调单登记表.
pub fn slip_columns() -> Vec<Column<RegisterRow>> {
    vec![
        Column {
            header: "协调单号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::str(&r.no),
        },
        Column {
            header: "开单时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.created_at),
        },
        Column {
            header: "房号",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.unit.as_deref()),
        },
        Column {
            header: "业主/客户",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.customer.as_deref()),
        },
        Column {
            header: "责任部门",
            width: Width::Fit(12.0),
            value: |r, _| Cell::str(&r.department),
        },
        Column {
            header: "责任人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.person.as_deref()),
        },
        Column {
            header: "反映问题",
            width: Width::Wrap(30.0),
            value: |r, _| Cell::str(&r.content),
        },
        Column {
            header: "处理结果",
            width: Width::Wrap(24.0),
            value: |r, _| Cell::text(r.handling_result.as_deref()),
        },
        Column {
            header: "打印人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.printed_by.as_deref()),
        },
        Column {
            header: "首次打印时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.printed_at.as_deref()),
        },
        Column {
            header: "打印次数",
            width: Width::Fit(6.0),
            value: |r, _| Cell::Int(r.print_count),
        },
        Column {
            header: "送交",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.handed_to.as_deref()),
        },
        Column {
            header: "送交时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.handed_at.as_deref()),
        },
        Column {
            header: "回收时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.returned_at.as_deref()),
        },
        Column {
            header: "业主签字",
            width: Width::Fit(6.0),
            value: |r, _| Cell::yes_no(r.owner_signed),
        },
        Column {
            header: "归档时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.filed_at.as_deref()),
        },
        Column {
            header: "状态",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(r.status.label()),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// 维修单登记 (repair orders)

/// One repair order as the register shows it.
pub struct RepairRow {
    pub no: String,
    pub reported_at: String,
    pub unit: Option<String>,
    pub reporter: Option<String>,
    pub phone: Option<String>,
    pub kind: RepairKind,
    pub urgency: Urgency,
    pub scale: Option<RepairScale>,
    pub location: Option<String>,
    pub content: String,
    pub appointment_at: Option<String>,
    pub dispatched_at: Option<String>,
    pub repairer: Option<String>,
    pub accepted_at: Option<String>,
    pub arrived_at: Option<String>,
    pub finished_at: Option<String>,
    pub work_done: Option<String>,
    pub materials: Option<String>,
    pub paid: bool,
    pub total_fen: i64,
    pub owner_signed: bool,
    pub owner_comment: Option<String>,
    pub status: RepairStatus,
    pub rework_count: i64,
}

const REPAIRS: &str = "FROM repair_orders r
    WHERE r.estate_id = ?1 AND r.voided_at IS NULL AND r.reported_at >= ?2 AND r.reported_at < ?3";

/// Repair orders reported in `[from, to)`.
fn count_repairs(q: &Query) -> Result<u64> {
    q.count(&format!("SELECT count(*) {REPAIRS}"))
}

/// Streams the repair orders reported in `[from, to)`, oldest first, to `each`.
fn each_repair(q: &Query, each: Each<RepairRow>) -> Result<u64> {
    let mut stmt = q.conn.prepare(
        "SELECT r.no, r.reported_at, u.code, COALESCE(r.reporter_name, cu.name), r.phone, r.kind,
            r.urgency, r.scale, r.location, r.content, r.appointment_at, r.dispatched_at, rp.name,
            r.accepted_at, r.arrived_at, r.finished_at, r.work_done, r.materials, r.paid,
            r.labour_fen + r.material_fen, r.owner_signed, r.owner_comment, r.status,
            r.rework_count
         FROM repair_orders r
         LEFT JOIN units u ON u.id = r.unit_id
         LEFT JOIN customers cu ON cu.id = r.customer_id
         LEFT JOIN staff rp ON rp.id = r.repairer_id
         WHERE r.estate_id = ?1 AND r.voided_at IS NULL
           AND r.reported_at >= ?2 AND r.reported_at < ?3
         ORDER BY r.reported_at, r.no",
    )?;
    let rows = stmt.query_map(
        params![q.estate_id, time::to_db(q.from), time::to_db(q.to)],
        |r| {
            Ok(RepairRow {
                no: r.get(0)?,
                reported_at: r.get(1)?,
                unit: r.get(2)?,
                reporter: r.get(3)?,
                phone: r.get(4)?,
                kind: r.get(5)?,
                urgency: r.get(6)?,
                scale: r.get(7)?,
                location: r.get(8)?,
                content: r.get(9)?,
                appointment_at: r.get(10)?,
                dispatched_at: r.get(11)?,
                repairer: r.get(12)?,
                accepted_at: r.get(13)?,
                arrived_at: r.get(14)?,
                finished_at: r.get(15)?,
                work_done: r.get(16)?,
                materials: r.get(17)?,
                paid: r.get(18)?,
                total_fen: r.get(19)?,
                owner_signed: r.get(20)?,
                owner_comment: r.get(21)?,
                status: r.get(22)?,
                rework_count: r.get(23)?,
            })
        },
    )?;
    let mut rows = rows.map(|r| r.map_err(Into::into));
    each(&mut rows)
}

/// The columns of the repair-order register.
pub fn repair_columns() -> Vec<Column<RepairRow>> {
    vec![
        Column {
            header: "维修单号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::str(&r.no),
        },
        Column {
            header: "报修时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.reported_at),
        },
        Column {
            header: "房号/地点",
            width: Width::Fit(14.0),
            value: |r, _| Cell::text(r.unit.as_deref().or(r.location.as_deref())),
        },
        Column {
            header: "报修人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.reporter.as_deref()),
        },
        Column {
            header: "联系电话",
            width: Width::Fit(14.0),
            value: |r, d| Cell::phone(d, r.phone.as_deref()),
        },
        Column {
            header: "类别",
            width: Width::Fit(12.0),
            value: |r, _| match r.scale {
                Some(s) => Cell::owned(format!("{}（{}）", r.kind, s)),
                None => Cell::str(r.kind.label()),
            },
        },
        Column {
            header: "紧急程度",
            width: Width::Fit(6.0),
            value: |r, _| Cell::str(r.urgency.label()),
        },
        Column {
            header: "报修内容",
            width: Width::Wrap(30.0),
            value: |r, _| Cell::str(&r.content),
        },
        Column {
            header: "预约时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.appointment_at.as_deref()),
        },
        Column {
            header: "派工时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.dispatched_at.as_deref()),
        },
        Column {
            header: "维修工",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.repairer.as_deref()),
        },
        Column {
            header: "接单时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.accepted_at.as_deref()),
        },
        Column {
            header: "到场时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.arrived_at.as_deref()),
        },
        Column {
            header: "完工时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.finished_at.as_deref()),
        },
        Column {
            header: "维修情况",
            width: Width::Wrap(24.0),
            value: |r, _| Cell::text(r.work_done.as_deref()),
        },
        Column {
            header: "材料",
            width: Width::Wrap(14.0),
            value: |r, _| Cell::text(r.materials.as_deref()),
        },
        Column {
            header: "有偿",
            width: Width::Fit(6.0),
            value: |r, _| Cell::yes_no(r.paid),
        },
        Column {
            header: "费用（元）",
            width: Width::Fit(10.0),
            value: |r, _| Cell::Money(r.total_fen),
        },
        Column {
            header: "业主签认",
            width: Width::Fit(6.0),
            value: |r, _| Cell::yes_no(r.owner_signed),
        },
        Column {
            header: "业主意见",
            width: Width::Wrap(16.0),
            value: |r, _| Cell::text(r.owner_comment.as_deref()),
        },
        Column {
            header: "状态",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(r.status.label()),
        },
        Column {
            header: "返修次数",
            width: Width::Fit(6.0),
            value: |r, _| Cell::Int(r.rework_count),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// 回访登记 (follow-up list)

/// One 回访 task as the list shows it.
pub struct FollowupRow {
    pub kind: SubjectKind,
    pub subject_no: Option<String>,
    pub unit: Option<String>,
    pub customer: Option<String>,
    pub phone: Option<String>,
    pub summary: String,
    pub due_at: String,
    pub status: FollowupStatus,
    pub attempts: i64,
    pub result: Option<FollowupResult>,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub note: Option<String>,
    pub late: bool,
}

/// The 回访 tasks due or done in `[from, to)`, by due time; late = done after its due time, or
/// still pending past it at `now`.
pub fn followups(
    conn: &Connection,
    estate_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<FollowupRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.subject_kind, COALESCE(c.no, r.no), u.code,
            COALESCE(cu.name, i.person_name, r.reporter_name), COALESCE(i.phone, r.phone, cu.phone),
            COALESCE(i.content, r.content, ''), f.due_at, f.status, f.attempts, f.result,
            f.done_at, ds.name,
            (SELECT fa.note FROM followup_attempts fa WHERE fa.followup_id = f.id
             ORDER BY fa.at DESC, fa.rowid DESC LIMIT 1),
            (f.done_at IS NOT NULL AND f.done_at > f.due_at)
              OR (f.status = 'pending' AND f.due_at < ?4)
         FROM followups f
         LEFT JOIN complaints c ON f.subject_kind = 'complaint' AND c.id = f.subject_id
         LEFT JOIN intakes i ON i.id = c.intake_id
         LEFT JOIN repair_orders r ON f.subject_kind = 'repair' AND r.id = f.subject_id
         LEFT JOIN units u ON u.id = COALESCE(c.unit_id, r.unit_id)
         LEFT JOIN customers cu ON cu.id = COALESCE(c.customer_id, r.customer_id)
         LEFT JOIN staff ds ON ds.id = f.done_by
         WHERE f.estate_id = ?1
           AND ((f.due_at >= ?2 AND f.due_at < ?3) OR (f.done_at >= ?2 AND f.done_at < ?3))
         ORDER BY f.due_at, f.created_at, f.rowid",
    )?;
    let rows = stmt.query_map(
        params![
            estate_id,
            time::to_db(from),
            time::to_db(to),
            time::to_db(now)
        ],
        |r| {
            Ok(FollowupRow {
                kind: r.get(0)?,
                subject_no: r.get(1)?,
                unit: r.get(2)?,
                customer: r.get(3)?,
                phone: r.get(4)?,
                summary: crate::intake::short(&r.get::<_, String>(5)?, 60),
                due_at: r.get(6)?,
                status: r.get(7)?,
                attempts: r.get(8)?,
                result: r.get(9)?,
                done_at: r.get(10)?,
                done_by: r.get(11)?,
                note: r.get(12)?,
                late: r.get(13)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns of the 回访 list.
pub fn followup_columns() -> Vec<Column<FollowupRow>> {
    vec![
        Column {
            header: "回访对象",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(r.kind.label()),
        },
        Column {
            header: "单号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::text(r.subject_no.as_deref()),
        },
        Column {
            header: "房号",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.unit.as_deref()),
        },
        Column {
            header: "客户",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.customer.as_deref()),
        },
        Column {
            header: "联系电话",
            width: Width::Fit(14.0),
            value: |r, d| Cell::phone(d, r.phone.as_deref()),
        },
        Column {
            header: "事项摘要",
            width: Width::Wrap(30.0),
            value: |r, _| Cell::str(&r.summary),
        },
        Column {
            header: "应回访时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.due_at),
        },
        Column {
            header: "状态",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(r.status.label()),
        },
        Column {
            header: "回访次数",
            width: Width::Fit(6.0),
            value: |r, _| Cell::Int(r.attempts),
        },
        Column {
            header: "回访结果",
            width: Width::Fit(10.0),
            value: |r, _| opt_label(&r.result),
        },
        Column {
            header: "回访时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::time(r.done_at.as_deref()),
        },
        Column {
            header: "回访人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.done_by.as_deref()),
        },
        Column {
            header: "回访记录",
            width: Width::Wrap(24.0),
            value: |r, _| Cell::text(r.note.as_deref()),
        },
        Column {
            header: "是否逾期",
            width: Width::Fit(6.0),
            value: |r, _| Cell::yes_no(r.late),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// 电话接待记录本 and 客户服务需求记录表 (the desk's logs)

/// One contact in a desk log, with the numbers of what it led to (complaint, slip, repair).
pub struct IntakeRow {
    pub intake: Intake,
    /// The caller as the desk knows them: the name given, else the customer's on file.
    pub caller: Option<String>,
    pub follow_through: Option<String>,
}

/// Adds to each intake the caller's name (the customer's on file when none was given) and the
/// numbers of the complaints, slips and repair orders made from it.
pub fn with_follow_through(conn: &Connection, intakes: Vec<Intake>) -> Result<Vec<IntakeRow>> {
    let mut names = conn.prepare_cached("SELECT name FROM customers WHERE id = ?1")?;
    let mut stmt = conn.prepare_cached(
        "SELECT group_concat(no, '、') FROM (
            SELECT no FROM complaints WHERE intake_id = ?1 AND voided_at IS NULL
            UNION ALL SELECT no FROM slips WHERE intake_id = ?1 AND voided_at IS NULL
            UNION ALL SELECT no FROM repair_orders WHERE intake_id = ?1 AND voided_at IS NULL
            ORDER BY 1)",
    )?;
    intakes
        .into_iter()
        .map(|intake| {
            let follow_through = stmt.query_row(params![intake.id], |r| r.get(0))?;
            let caller = match (&intake.person_name, &intake.customer_id) {
                (Some(name), _) => Some(name.clone()),
                (None, Some(id)) => names.query_row(params![id], |r| r.get(0)).optional()?,
                (None, None) => None,
            };
            Ok(IntakeRow {
                intake,
                caller,
                follow_through,
            })
        })
        .collect()
}

fn handling(r: &IntakeRow) -> Cell<'_> {
    let i = &r.intake;
    let mut parts: Vec<String> = Vec::new();
    if let Some(reply) = i.reply.as_deref().filter(|s| !s.is_empty()) {
        parts.push(reply.to_string());
    }
    if i.settled_on_spot {
        parts.push("当场解决".into());
    }
    if let Some(nos) = &r.follow_through {
        parts.push(format!("转办：{nos}"));
    }
    if parts.is_empty() {
        Cell::Empty
    } else {
        Cell::owned(parts.join("；"))
    }
}

/// The columns of the 电话接待记录本.
pub fn phone_log_columns() -> Vec<Column<IntakeRow>> {
    vec![
        Column {
            header: "来电时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.intake.received_at),
        },
        Column {
            header: "登记编号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::str(&r.intake.no),
        },
        Column {
            header: "来电人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.caller.as_deref()),
        },
        Column {
            header: "房号",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.intake.unit.as_deref()),
        },
        Column {
            header: "联系电话",
            width: Width::Fit(14.0),
            value: |r, d| Cell::phone(d, r.intake.phone.as_deref()),
        },
        Column {
            header: "类型",
            width: Width::Fit(6.0),
            value: |r, _| Cell::str(r.intake.kind.label()),
        },
        Column {
            header: "来电内容",
            width: Width::Wrap(36.0),
            value: |r, _| Cell::str(&r.intake.content),
        },
        Column {
            header: "业主要求",
            width: Width::Wrap(14.0),
            value: |r, _| Cell::text(r.intake.request.as_deref()),
        },
        Column {
            header: "处理情况",
            width: Width::Wrap(26.0),
            value: |r, _| handling(r),
        },
        Column {
            header: "接听人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(&r.intake.receiver),
        },
    ]
}

/// The columns of the 客户服务需求记录表.
pub fn request_columns() -> Vec<Column<IntakeRow>> {
    vec![
        Column {
            header: "登记编号",
            width: Width::Fit(18.0),
            value: |r, _| Cell::str(&r.intake.no),
        },
        Column {
            header: "受理时间",
            width: Width::Fit(17.0),
            value: |r, _| Cell::Time(&r.intake.received_at),
        },
        Column {
            header: "渠道",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(r.intake.channel.label()),
        },
        Column {
            header: "类型",
            width: Width::Fit(6.0),
            value: |r, _| Cell::str(r.intake.kind.label()),
        },
        Column {
            header: "房号",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.intake.unit.as_deref()),
        },
        Column {
            header: "客户",
            width: Width::Fit(10.0),
            value: |r, _| Cell::text(r.caller.as_deref()),
        },
        Column {
            header: "联系电话",
            width: Width::Fit(14.0),
            value: |r, d| Cell::phone(d, r.intake.phone.as_deref()),
        },
        Column {
            header: "需求内容",
            width: Width::Wrap(36.0),
            value: |r, _| Cell::str(&r.intake.content),
        },
        Column {
            header: "发生时间",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.intake.happened_at.as_deref()),
        },
        Column {
            header: "地点",
            width: Width::Wrap(12.0),
            value: |r, _| Cell::text(r.intake.location.as_deref()),
        },
        Column {
            header: "被投诉部门/人",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(r.intake.about.as_deref()),
        },
        Column {
            header: "客户要求",
            width: Width::Wrap(18.0),
            value: |r, _| Cell::text(r.intake.request.as_deref()),
        },
        Column {
            header: "处理情况",
            width: Width::Wrap(26.0),
            value: |r, _| handling(r),
        },
        Column {
            header: "接待人",
            width: Width::Fit(10.0),
            value: |r, _| Cell::str(&r.intake.receiver),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Month-end statistics and KPIs

/// One line of a statistics sheet: a group, its count, its share and average handling time.
pub struct StatRow {
    pub label: String,
    pub count: i64,
    pub share: Option<f64>,
    pub average_hours: Option<f64>,
}

/// Counts with their share of the total and, where known, the average handling hours of the same
/// group (matched by key).
pub fn stat_rows(counts: &[Count], times: &[HandlingTime]) -> Vec<StatRow> {
    let total: i64 = counts.iter().map(|c| c.count).sum();
    counts
        .iter()
        .map(|c| StatRow {
            label: c.label.clone(),
            count: c.count,
            share: (total > 0).then(|| c.count as f64 * 100.0 / total as f64),
            average_hours: times
                .iter()
                .find(|t| t.key == c.key)
                .map(|t| t.average_hours),
        })
        .collect()
}

/// The columns of a statistics sheet; `group` names the grouping (等级, 类别 …).
pub fn stat_columns(group: &'static str) -> Vec<Column<StatRow>> {
    vec![
        Column {
            header: group,
            width: Width::Fit(20.0),
            value: |r, _| Cell::str(&r.label),
        },
        Column {
            header: "件数",
            width: Width::Fit(10.0),
            value: |r, _| Cell::Int(r.count),
        },
        Column {
            header: "占比",
            width: Width::Fit(10.0),
            value: |r, _| r.share.map_or(Cell::Empty, |v| Cell::Pct(v, None)),
        },
        Column {
            header: "平均处理时长（小时）",
            width: Width::Fit(12.0),
            value: |r, _| r.average_hours.map_or(Cell::Empty, Cell::Hours),
        },
    ]
}

/// One line of a month's figures in the company workbook: the statistics of the month workbook's
/// sheets (the same [`stat_rows`]) in one table, each under its grouping, with the number of
/// closed complaints its average handling time is taken over (so estates' averages combine).
pub struct FigureRow {
    pub group: &'static str,
    pub stat: StatRow,
    pub closed: i64,
}

/// The month's figures of one estate, from its KPI report: registrations by kind and channel,
/// complaints by grade, category, responsible department and status, escalations by kind.
pub fn figure_rows(report: &KpiReport) -> Vec<FigureRow> {
    let t = &report.handling_time;
    let c = &report.complaints;
    let groups: [(&'static str, &[Count], &[HandlingTime]); 7] = [
        ("登记·类型", &report.intakes.by_kind, &[]),
        ("登记·渠道", &report.intakes.by_channel, &[]),
        ("投诉·等级", &c.by_grade, &t.by_grade),
        ("投诉·类别", &c.by_category, &t.by_category),
        ("投诉·责任部门", &c.by_department, &t.by_department),
        ("投诉·状态", &c.by_status, &[]),
        ("升级上报", &report.escalations, &[]),
    ];
    groups
        .into_iter()
        .flat_map(|(group, counts, times)| {
            stat_rows(counts, times)
                .into_iter()
                .zip(counts)
                .map(move |(stat, count)| FigureRow {
                    group,
                    stat,
                    closed: times
                        .iter()
                        .find(|h| h.key == count.key)
                        .map_or(0, |h| h.count),
                })
        })
        .collect()
}

/// The company's figures: each line summed over the estates' (matched by grouping and label, in
/// the order first met), shares recomputed within each grouping, average handling times weighted
/// by the closed complaints behind them.
pub fn company_figures(estates: &[Vec<FigureRow>]) -> Vec<FigureRow> {
    let mut out: Vec<FigureRow> = Vec::new();
    let mut hours: Vec<f64> = Vec::new();
    for r in estates.iter().flatten() {
        let i = match out
            .iter()
            .position(|o| o.group == r.group && o.stat.label == r.stat.label)
        {
            Some(i) => i,
            None => {
                out.push(FigureRow {
                    group: r.group,
                    stat: StatRow {
                        label: r.stat.label.clone(),
                        count: 0,
                        share: None,
                        average_hours: None,
                    },
                    closed: 0,
                });
                hours.push(0.0);
                out.len() - 1
            }
        };
        out[i].stat.count += r.stat.count;
        out[i].closed += r.closed;
        hours[i] += r.stat.average_hours.unwrap_or(0.0) * r.closed as f64;
    }
    let totals: Vec<(&'static str, i64)> = out.iter().fold(Vec::new(), |mut acc, r| {
        match acc.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, n)) => *n += r.stat.count,
            None => acc.push((r.group, r.stat.count)),
        }
        acc
    });
    for (r, h) in out.iter_mut().zip(hours) {
        let total = totals
            .iter()
            .find(|(g, _)| *g == r.group)
            .map_or(0, |t| t.1);
        r.stat.share = (total > 0).then(|| r.stat.count as f64 * 100.0 / total as f64);
        r.stat.average_hours = (r.closed > 0).then(|| h / r.closed as f64);
    }
    out
}

/// The columns of a figures sheet of the company workbook: a statistics sheet's
/// ([`stat_columns`]) after the grouping.
pub fn figure_columns() -> Vec<Column<FigureRow>> {
    vec![
        Column {
            header: "分组",
            width: Width::Fit(14.0),
            value: |r, _| Cell::str(r.group),
        },
        Column {
            header: "项目",
            width: Width::Fit(20.0),
            value: |r, _| Cell::str(&r.stat.label),
        },
        Column {
            header: "件数",
            width: Width::Fit(10.0),
            value: |r, _| Cell::Int(r.stat.count),
        },
        Column {
            header: "占比",
            width: Width::Fit(10.0),
            value: |r, _| r.stat.share.map_or(Cell::Empty, |v| Cell::Pct(v, None)),
        },
        Column {
            header: "平均处理时长（小时）",
            width: Width::Fit(12.0),
            value: |r, _| r.stat.average_hours.map_or(Cell::Empty, Cell::Hours),
        },
    ]
}

/// One estate's month on the company workbook's summary sheet (or the company's 合计).
pub struct EstateMonth {
    pub estate: String,
    pub households: i64,
    pub intakes: i64,
    pub complaints: i64,
    /// 一般, 重要, 热点, 重大.
    pub grades: [i64; 4],
    pub closed: i64,
    pub escalations: i64,
}

impl EstateMonth {
    /// An estate's line, from its KPI report.
    pub fn of(estate: &str, report: &KpiReport) -> EstateMonth {
        let sum = |counts: &[Count]| counts.iter().map(|c| c.count).sum::<i64>();
        let grade = |g: Grade| {
            report
                .complaints
                .by_grade
                .iter()
                .find(|c| c.key == g.code())
                .map_or(0, |c| c.count)
        };
        EstateMonth {
            estate: estate.to_string(),
            households: report.households,
            intakes: sum(&report.intakes.by_kind),
            complaints: sum(&report.complaints.by_grade),
            grades: [Grade::General, Grade::Important, Grade::Hot, Grade::Major].map(grade),
            closed: report
                .complaints
                .by_status
                .iter()
                .filter(|c| c.key == ComplaintStatus::Closed.code())
                .map(|c| c.count)
                .sum(),
            escalations: sum(&report.escalations),
        }
    }

    /// The 合计 line of `lines`.
    pub fn total(lines: &[EstateMonth]) -> EstateMonth {
        let sum = |f: fn(&EstateMonth) -> i64| lines.iter().map(f).sum();
        EstateMonth {
            estate: "合计".into(),
            households: sum(|l| l.households),
            intakes: sum(|l| l.intakes),
            complaints: sum(|l| l.complaints),
            grades: [
                sum(|l| l.grades[0]),
                sum(|l| l.grades[1]),
                sum(|l| l.grades[2]),
                sum(|l| l.grades[3]),
            ],
            closed: sum(|l| l.closed),
            escalations: sum(|l| l.escalations),
        }
    }
}

/// The columns of the company workbook's summary: one estate a row.
pub fn estate_month_columns() -> Vec<Column<EstateMonth>> {
    let int = |header, value: for<'a> fn(&'a EstateMonth, _) -> Cell<'a>| Column {
        header,
        width: Width::Fit(8.0),
        value,
    };
    vec![
        Column {
            header: "小区",
            width: Width::Fit(16.0),
            value: |r, _| Cell::str(&r.estate),
        },
        int("户数", |r, _| Cell::Int(r.households)),
        int("登记", |r, _| Cell::Int(r.intakes)),
        int("投诉", |r, _| Cell::Int(r.complaints)),
        int("一般", |r, _| Cell::Int(r.grades[0])),
        int("重要", |r, _| Cell::Int(r.grades[1])),
        int("热点", |r, _| Cell::Int(r.grades[2])),
        int("重大", |r, _| Cell::Int(r.grades[3])),
        int("已结案", |r, _| Cell::Int(r.closed)),
        int("升级上报", |r, _| Cell::Int(r.escalations)),
    ]
}

/// The columns of the repair 回访 sheet: one quota by role a row; the share is filled green when
/// it met its quota, red when not.
pub fn visit_quota_columns() -> Vec<Column<QuotaRow>> {
    vec![
        Column {
            header: "回访人",
            width: Width::Fit(12.0),
            value: |r, _| Cell::str(&r.name),
        },
        Column {
            header: "岗位",
            width: Width::Fit(14.0),
            value: |r, _| {
                Cell::owned(
                    r.roles
                        .iter()
                        .map(|x| x.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                )
            },
        },
        Column {
            header: "本月维修（单）",
            width: Width::Fit(8.0),
            value: |r, _| Cell::Int(r.repairs),
        },
        Column {
            header: "已回访（单）",
            width: Width::Fit(8.0),
            value: |r, _| Cell::Int(r.visited),
        },
        Column {
            header: "回访率",
            width: Width::Fit(10.0),
            value: |r, _| Cell::Pct(r.percent, Some(r.met)),
        },
        Column {
            header: "要求",
            width: Width::Fit(8.0),
            value: |r, _| Cell::owned(format!("≥ {}%", r.target_percent)),
        },
        Column {
            header: "至少应回访（单）",
            width: Width::Fit(8.0),
            value: |r, _| Cell::Int(r.needed),
        },
        Column {
            header: "是否达标",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(if r.met { "达标" } else { "未达标" }),
        },
    ]
}

fn comparison(c: Comparison) -> &'static str {
    match c {
        Comparison::AtLeast => "≥",
        Comparison::AtMost => "≤",
        Comparison::Below => "<",
    }
}

/// The columns of the KPI sheet: the value is filled green when it met its target, red when not.
pub fn kpi_columns() -> Vec<Column<Kpi>> {
    vec![
        Column {
            header: "指标",
            width: Width::Fit(18.0),
            value: |k, _| Cell::str(k.label),
        },
        Column {
            header: "本期值",
            width: Width::Fit(10.0),
            value: |k, _| k.value.map_or(Cell::Empty, |v| Cell::Pct(v, k.met)),
        },
        Column {
            header: "目标",
            width: Width::Fit(10.0),
            value: |k, _| Cell::owned(format!("{} {}%", comparison(k.comparison), k.target)),
        },
        Column {
            header: "是否达标",
            width: Width::Fit(8.0),
            value: |k, _| {
                Cell::str(match k.met {
                    Some(true) => "达标",
                    Some(false) => "未达标",
                    None => "无数据",
                })
            },
        },
        Column {
            header: "分子",
            width: Width::Fit(8.0),
            value: |k, _| Cell::Int(k.numerator),
        },
        Column {
            header: "分母",
            width: Width::Fit(8.0),
            value: |k, _| Cell::Int(k.denominator),
        },
        Column {
            header: "口径",
            width: Width::Wrap(50.0),
            value: |k, _| Cell::str(k.definition),
        },
    ]
}

/// One line of the household-visit progress sheet: an area, a 物管员 or the office head.
pub struct VisitProgressRow {
    pub what: &'static str,
    pub name: String,
    pub with: String,
    pub due: i64,
    pub done: i64,
    /// Met when the due visits are all done.
    pub rate: Option<f64>,
    pub note: String,
}

/// Units still to visit named on an area's line, at most (the screen lists them all).
const PENDING_LISTED: usize = 20;

/// The plan's lines: every area, every 物管员 (and anyone else who visited), the office head.
pub fn visit_progress_rows(plan: &crate::household_visits::VisitPlan) -> Vec<VisitProgressRow> {
    let rate = |done: i64, due: i64| (due > 0).then(|| done as f64 * 100.0 / due as f64);
    let mut rows: Vec<VisitProgressRow> = plan
        .areas
        .iter()
        .map(|a| VisitProgressRow {
            what: "区域",
            name: a.name.clone(),
            with: if a.staff.is_empty() {
                "未分配".into()
            } else {
                a.staff.join("、")
            },
            due: a.households,
            done: a.visited,
            rate: rate(a.visited, a.households),
            note: match a.pending.len() {
                0 => String::new(),
                n if n <= PENDING_LISTED => format!("未回访：{}", a.pending.join("、")),
                n => format!(
                    "未回访 {n} 户：{} 等",
                    a.pending[..PENDING_LISTED].join("、")
                ),
            },
        })
        .collect();
    rows.extend(plan.staff.iter().map(|s| VisitProgressRow {
        what: if s.areas.is_empty() {
            "其他回访人"
        } else {
            "物管员"
        },
        name: s.name.clone(),
        with: s.areas.join("、"),
        due: s.assigned,
        done: s.assigned_visited,
        rate: rate(s.assigned_visited, s.assigned),
        note: format!("本期回访 {} 次", s.visits),
    }));
    rows.push(VisitProgressRow {
        what: "主任",
        name: format!("{}年", plan.head.year),
        with: String::new(),
        due: i64::from(plan.head.required),
        done: plan.head.visits,
        rate: rate(plan.head.visits, i64::from(plan.head.required)),
        note: "每年登门回访1~2次".into(),
    });
    rows
}

/// The columns of the household-visit progress sheet; the rate filled green at 100 %, red below.
pub fn visit_progress_columns() -> Vec<Column<VisitProgressRow>> {
    vec![
        Column {
            header: "类别",
            width: Width::Fit(8.0),
            value: |r, _| Cell::str(r.what),
        },
        Column {
            header: "区域/姓名",
            width: Width::Fit(12.0),
            value: |r, _| Cell::text(Some(&r.name)),
        },
        Column {
            header: "物管员/分管区域",
            width: Width::Fit(14.0),
            value: |r, _| Cell::text(Some(&r.with)),
        },
        Column {
            header: "应回访",
            width: Width::Fit(8.0),
            value: |r, _| Cell::Int(r.due),
        },
        Column {
            header: "已回访",
            width: Width::Fit(8.0),
            value: |r, _| Cell::Int(r.done),
        },
        Column {
            header: "完成率",
            width: Width::Fit(8.0),
            value: |r, _| {
                r.rate
                    .map_or(Cell::Empty, |v| Cell::Pct(v, Some(v >= 100.0)))
            },
        },
        Column {
            header: "说明",
            width: Width::Wrap(50.0),
            value: |r, _| Cell::text(Some(&r.note)),
        },
    ]
}
