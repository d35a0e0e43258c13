//! CLI for complaints (`frontdesk complaint …`), 协调单 (`frontdesk slip …`) and 回访
//! (`frontdesk followup …`). Each arm calls one core function.

use frontdesk::cases;
use frontdesk::complaints::{
    self, AttemptInput, CloseInput, ComplaintFilter, ComplaintInput, GradeInput,
};
use frontdesk::followups::{self, CheckInput, FollowupInput};
use frontdesk::grading::{self, LinkInput};
use frontdesk::privacy::View;
use frontdesk::slips::{self, HandOverInput, ReturnInput};
use frontdesk::vocab::{ComplaintStatus, Grade};
use frontdesk::{time, Error, Result};

use super::{period, read_json, seen, to_json, written};
use frontdesk::app::Session;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Complaints (投诉): open from an intake, dispatch, record attempts, close, reopen, grade,
    /// explain grades, link the same problem, the needs-attention queue.
    #[command(subcommand)]
    Complaint(ComplaintCmd),
    /// 协调单: create, print, hand over, return, file; the 前台协调单登记表 and the 报事档案.
    #[command(subcommand)]
    Slip(SlipCmd),
    /// 回访 (follow-up) tasks: what is due, record a call's result.
    #[command(subcommand)]
    Followup(FollowupCmd),
}

#[derive(clap::Subcommand)]
pub enum ComplaintCmd {
    /// Open a complaint from an intake, from JSON, e.g.
    /// {"intake":"LH-DJ2026-000001","category":"物业管理","identification":"有效投诉",
    /// "about_department":"保安部","responsible_department":"客服中心","responsible_staff":"zhao",
    /// "collective_size":1,"claim_amount":"0","safety_risk":false,"requested_by":"2026-11-30"}.
    Open {
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// Show a complaint with its whole history: intake, attempts, events, slips, 回访.
    Show { id: String },
    /// List complaints, newest first (voided ones only with --status voided).
    List {
        /// registered, dispatched, in_handling, awaiting_confirmation, closed, voided (or 已登记 …).
        #[arg(long)]
        status: Option<String>,
        /// general, important, hot, major (or 一般 …).
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Responsible department.
        #[arg(long)]
        department: Option<String>,
        /// First day (YYYY-MM-DD) opened.
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD) opened.
        #[arg(long)]
        to: Option<String>,
        /// Only complaints not yet closed.
        #[arg(long)]
        open: bool,
        /// Only complaints in the case library (案例库).
        #[arg(long)]
        case_library: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Change identification, category, departments, responsible staff or facts, from JSON
    /// (the fields of `complaint open` without "intake"; an empty text clears a field).
    Update {
        id: String,
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// The grade the JSON form of `complaint open` (or, with --id, of `complaint update` on that
    /// complaint) would give, with its reasons; nothing is saved.
    Preview {
        #[arg(long)]
        id: Option<String>,
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// Assign the responsible department and person; a registered complaint becomes dispatched.
    Dispatch {
        id: String,
        #[arg(long)]
        department: String,
        #[arg(long)]
        staff: Option<String>,
    },
    /// Record a communication/coordination attempt from JSON, e.g.
    /// {"method":"电话","contact":"张先生","said":"约定明早上门","result":"处理中","at":"2026-11-23 10:00"}.
    Attempt {
        id: String,
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// The result was reported to the owner: wait for their confirmation.
    Confirm { id: String },
    /// Close with the result and the owner's satisfaction (满意/基本满意/不满意); schedules the 回访.
    Close {
        id: String,
        #[arg(long)]
        result: String,
        #[arg(long)]
        satisfaction: String,
    },
    /// Reopen a closed complaint (二次投诉).
    Reopen {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Void a complaint opened in error (supervisor).
    Void {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Set the grade by hand (一般/重要/热点/重大) with a reason; lowering needs a supervisor.
    Grade {
        id: String,
        grade: String,
        #[arg(long)]
        reason: String,
    },
    /// Put a complaint in the case library (案例库), with a note (supervisor).
    CaseLibrary {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Take a complaint out of the case library (supervisor).
    CaseLibraryRemove { id: String },
    /// Explain a complaint's grade: what the rules say now and why, the stored grade, who is
    /// responsible, the first-response limit, its issue (同一问题), escalations and grade events.
    Explain { id: String },
    /// Suggest issues or complaints that may be the same problem (text, unit/building, category).
    SuggestIssues { id: String },
    /// Link a complaint to the same problem: an issue id, or another complaint's number (an issue
    /// is made for the two when it has none). Every open complaint of the issue is re-graded.
    Link {
        id: String,
        /// Issue id or complaint number.
        to: String,
        /// Title of a new issue (default: the other complaint's content).
        #[arg(long)]
        title: Option<String>,
    },
    /// Take a complaint out of its issue, with the reason (grades stay).
    Unlink {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Re-grade every open complaint now (the time tick); lists the raised grades.
    RegradeAll,
    /// The needs-attention queue: unacknowledged escalations, newest first.
    Attention,
    /// Acknowledge an escalation (supervisor), with an optional note.
    Acknowledge {
        /// The escalation id (from `complaint attention`).
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum SlipCmd {
    /// Create a 协调单 from JSON, e.g. {"complaint":"LH-TS2026-0001","department":"工程维修部",
    /// "responsible_staff":"sun"} or {"intake":"LH-DJ2026-000001","department":"保安部"}.
    Create {
        #[arg(id = "input", value_name = "JSON")]
        json: String,
    },
    /// Show a slip by number or id.
    Show { id: String },
    /// The slip was handed to the responsible person.
    HandOver {
        id: String,
        /// Who received it (default: the responsible person).
        #[arg(long)]
        to: Option<String>,
        /// When (default: now), e.g. "2026-11-23 10:30".
        #[arg(long)]
        at: Option<String>,
    },
    /// The slip came back with the handling result.
    Return {
        id: String,
        #[arg(long)]
        result: String,
        /// The owner signed it.
        #[arg(long)]
        signed: bool,
        #[arg(long)]
        at: Option<String>,
    },
    /// File a returned slip into the owner's 报事档案.
    File { id: String },
    /// Void an unfiled slip (supervisor).
    Void {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Find a slip by its number as a barcode scanner types it.
    Find { text: String },
    /// 前台协调单登记表 for a period (default: today).
    Register {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// The owner's 报事档案: filed slips of a customer (id) or a unit (3-2-1201).
    Archive { key: String },
}

#[derive(clap::Subcommand)]
pub enum FollowupCmd {
    /// Pending 回访 due by a time (default: the end of today), oldest first.
    Due {
        /// e.g. "2026-11-25" or "2026-11-25 18:00".
        #[arg(long)]
        until: Option<String>,
    },
    /// Record a 回访 call: 满意/基本满意/不满意/联系不上. The task is given by its id or by
    /// the complaint's or repair order's number.
    Record {
        id: String,
        /// 满意 / 基本满意 / 不满意 / 联系不上.
        #[arg(long)]
        result: String,
        /// What the owner said (required for 不满意).
        #[arg(long)]
        note: Option<String>,
        /// A repair 回访's checklist, each of the five points once: `fees=合格` or
        /// `fees=不合格:多收材料费` (points: site, service, suggestions, fees, signature, or
        /// their Chinese names). A failed point issues a 整改通知单 and sends the order back.
        #[arg(long = "check")]
        checks: Vec<String>,
    },
    /// Show a 回访 task with its calls (by id or the subject's number).
    Show { id: String },
    /// One due task opened to make the call: customer, unit, phone in full, what it is about.
    Task { id: String },
}

pub fn run(ctx: &mut Session, cmd: &Command) -> Result<serde_json::Value> {
    match cmd {
        Command::Complaint(c) => complaint(ctx, c),
        Command::Slip(c) => slip(ctx, c),
        Command::Followup(c) => followup(ctx, c),
    }
}

fn complaint(ctx: &mut Session, cmd: &ComplaintCmd) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    match cmd {
        ComplaintCmd::Open { json } => {
            let input: ComplaintInput = read_json(json)?;
            written(ctx, |w, _| complaints::open(w, &eid, &input))
        }
        ComplaintCmd::Show { id } => seen(
            ctx,
            cases::complaint_detail(ctx.store().conn(), id)?,
            View::Record,
        ),
        ComplaintCmd::List {
            status,
            grade,
            category,
            department,
            from,
            to,
            open,
            case_library,
            limit,
        } => {
            let filter = ComplaintFilter {
                status: status
                    .as_deref()
                    .map(|s| ComplaintStatus::parse("status", "投诉状态", s))
                    .transpose()?,
                grade: grade
                    .as_deref()
                    .map(|s| Grade::parse("grade", "投诉等级", s))
                    .transpose()?,
                category: category.clone(),
                department: department.clone(),
                from: from
                    .as_deref()
                    .map(|s| day_start("from", "开始日期", s, 0))
                    .transpose()?,
                to: to
                    .as_deref()
                    .map(|s| day_start("to", "结束日期", s, 1))
                    .transpose()?,
                open_only: *open,
                case_library: *case_library,
                limit: Some(*limit),
            };
            seen(
                ctx,
                complaints::list(ctx.store().conn(), &eid, &filter)?,
                View::List,
            )
        }
        ComplaintCmd::Update { id, json } => {
            let input: ComplaintInput = read_json(json)?;
            written(ctx, |w, _| complaints::update(w, id, &input))
        }
        ComplaintCmd::Preview { id, json } => {
            let input: ComplaintInput = read_json(json)?;
            let actor = ctx.clerk()?.clone();
            to_json(complaints::preview(
                ctx.store_mut(),
                &actor,
                id.as_deref(),
                &input,
            )?)
        }
        ComplaintCmd::Dispatch {
            id,
            department,
            staff,
        } => {
            let input = ComplaintInput {
                responsible_department: Some(department.clone()),
                responsible_staff: staff.clone(),
                ..ComplaintInput::default()
            };
            written(ctx, |w, _| complaints::update(w, id, &input))
        }
        ComplaintCmd::Attempt { id, json } => {
            let input: AttemptInput = read_json(json)?;
            to_json(ctx.write(|w, _| complaints::add_attempt(w, id, &input))?)
        }
        ComplaintCmd::Confirm { id } => {
            written(ctx, |w, _| complaints::request_confirmation(w, id))
        }
        ComplaintCmd::Close {
            id,
            result,
            satisfaction,
        } => {
            let input = CloseInput {
                result: Some(result.clone()),
                satisfaction: Some(satisfaction.clone()),
            };
            written(ctx, |w, _| complaints::close(w, id, &input))
        }
        ComplaintCmd::Reopen { id, reason } => {
            written(ctx, |w, _| complaints::reopen(w, id, Some(reason)))
        }
        ComplaintCmd::Void { id, reason } => {
            written(ctx, |w, _| complaints::void(w, id, Some(reason)))
        }
        ComplaintCmd::Grade { id, grade, reason } => {
            let input = GradeInput {
                grade: Some(grade.clone()),
                reason: Some(reason.clone()),
            };
            written(ctx, |w, _| complaints::set_grade(w, id, &input))
        }
        ComplaintCmd::CaseLibrary { id, note } => written(ctx, |w, _| {
            complaints::mark_case_library(w, id, note.as_deref())
        }),
        ComplaintCmd::CaseLibraryRemove { id } => {
            written(ctx, |w, _| complaints::unmark_case_library(w, id))
        }
        ComplaintCmd::Explain { id } => {
            to_json(grading::explain(ctx.store().conn(), id, ctx.store().now())?)
        }
        ComplaintCmd::SuggestIssues { id } => {
            to_json(grading::suggest_issues(ctx.store().conn(), id)?)
        }
        ComplaintCmd::Link { id, to, title } => {
            let input = LinkInput {
                to: Some(to.clone()),
                title: title.clone(),
            };
            to_json(ctx.write(|w, _| grading::link(w, id, &input))?)
        }
        ComplaintCmd::Unlink { id, reason } => {
            written(ctx, |w, _| grading::unlink(w, id, Some(reason)))
        }
        ComplaintCmd::RegradeAll => to_json(ctx.write(|w, _| grading::regrade_all(w, &eid))?),
        ComplaintCmd::Attention => to_json(grading::needs_attention(ctx.store().conn(), &eid)?),
        ComplaintCmd::Acknowledge { id, note } => {
            to_json(ctx.write(|w, _| grading::acknowledge(w, id, note.as_deref()))?)
        }
    }
}

fn slip(ctx: &mut Session, cmd: &SlipCmd) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    match cmd {
        SlipCmd::Create { json } => {
            let input: slips::SlipInput = read_json(json)?;
            written(ctx, |w, _| slips::create(w, &eid, &input))
        }
        SlipCmd::Show { id } => seen(ctx, slips::load(ctx.store().conn(), id)?, View::Record),
        SlipCmd::HandOver { id, to, at } => {
            let input = HandOverInput {
                to: to.clone(),
                at: at.clone(),
            };
            written(ctx, |w, _| slips::hand_over(w, id, &input))
        }
        SlipCmd::Return {
            id,
            result,
            signed,
            at,
        } => {
            let input = ReturnInput {
                at: at.clone(),
                owner_signed: *signed,
                handling_result: Some(result.clone()),
            };
            written(ctx, |w, _| slips::record_return(w, id, &input))
        }
        SlipCmd::File { id } => written(ctx, |w, _| slips::file(w, id)),
        SlipCmd::Void { id, reason } => written(ctx, |w, _| slips::void(w, id, Some(reason))),
        SlipCmd::Find { text } => seen(
            ctx,
            slips::find_by_no(ctx.store().conn(), &eid, text)?,
            View::Record,
        ),
        SlipCmd::Register { from, to } => {
            let (from, to) = period(ctx, from.as_deref(), to.as_deref())?;
            to_json(slips::register(ctx.store().conn(), &eid, from, to)?)
        }
        SlipCmd::Archive { key } => seen(
            ctx,
            slips::archive(ctx.store().conn(), &eid, key)?,
            View::List,
        ),
    }
}

fn followup(ctx: &mut Session, cmd: &FollowupCmd) -> Result<serde_json::Value> {
    let eid = ctx.clerk()?.estate_id.clone();
    match cmd {
        FollowupCmd::Due { until } => {
            let until = match until {
                Some(s) if s.trim().len() <= 10 => day_start("until", "截止时间", s, 1)?,
                Some(s) => time::parse_input("until", "截止时间", s)?,
                None => period(ctx, None, None)?.1,
            };
            seen(
                ctx,
                followups::due(ctx.store().conn(), &eid, until)?,
                View::List,
            )
        }
        FollowupCmd::Record {
            id,
            result,
            note,
            checks,
        } => {
            let input = FollowupInput {
                result: Some(result.clone()),
                note: note.clone(),
                checks: checks.iter().map(|c| check_arg(c)).collect::<Result<_>>()?,
            };
            to_json(ctx.write(|w, _| cases::record_followup(w, id, &input))?)
        }
        FollowupCmd::Show { id } => to_json(followups::find(ctx.store().conn(), id)?),
        FollowupCmd::Task { id } => seen(
            ctx,
            followups::due_task(ctx.store().conn(), id)?,
            View::Record,
        ),
    }
}

/// The start (Beijing time) of the day `s` plus `days` days.
fn day_start(
    field: &'static str,
    label: &'static str,
    s: &str,
    days: i64,
) -> Result<chrono::DateTime<chrono::Utc>> {
    let d = time::parse_date(field, label, s)?
        .checked_add_signed(chrono::Duration::days(days))
        .ok_or_else(|| Error::invalid(field, label, "日期超出范围"))?;
    time::parse_input(field, label, &d.to_string())
}

/// `fees=合格`, `fees=不合格:多收材料费` as a checklist point.
fn check_arg(s: &str) -> Result<CheckInput> {
    let (point, rest) = s.split_once('=').ok_or_else(|| {
        Error::invalid(
            "checks",
            "回访检查项",
            format!("“{s}”应为 检查项=合格 或 检查项=不合格:说明"),
        )
    })?;
    let (verdict, note) = match rest.split_once([':', '：']) {
        Some((v, n)) => (v, Some(n.to_string())),
        None => (rest, None),
    };
    let passed = match verdict.trim() {
        "合格" | "pass" => true,
        "不合格" | "fail" => false,
        other => {
            return Err(Error::invalid(
                "checks",
                "回访检查项",
                format!("“{other}”应为 合格 或 不合格"),
            ))
        }
    };
    Ok(CheckInput {
        point: Some(point.trim().to_string()),
        passed: Some(passed),
        note,
    })
}
