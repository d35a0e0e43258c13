//! 投诉台账, 协调单 and 回访: complaints through their life, slips, follow-up calls, deadlines and
//! the work queues in the policy's order.

use frontdesk::cases::{self, ComplaintDetail};
use frontdesk::complaints::{
    self, Attempt, AttemptInput, CloseInput, Complaint, ComplaintFilter, ComplaintInput, GradeInput,
};
use frontdesk::deadlines::{self, Overview, Pause, PauseInput, SubjectKind};
use frontdesk::followups::{self, DueFollowup, Followup, FollowupInput};
use frontdesk::grading::{self, Assessment, Candidate, Escalation, Explanation, Issue, LinkInput};
use frontdesk::privacy::View;
use frontdesk::queues::{self, QueueItem, Tick};
use frontdesk::slips::{self, HandOverInput, RegisterRow, ReturnInput, Slip, SlipInput};
use frontdesk::vocab::{ComplaintStatus, Grade};
use serde::Deserialize;
use tauri::State;

use super::Period;
use crate::error::WireResult;
use crate::state::AppState;

/// The register's filters as the UI sends them (words as codes or Chinese labels).
#[derive(Debug, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct ComplaintQuery {
    pub status: Option<String>,
    pub grade: Option<String>,
    pub category: Option<String>,
    pub department: Option<String>,
    /// Opened in this period (both ends optional).
    pub from: Option<String>,
    pub to: Option<String>,
    pub open_only: bool,
    /// Only the case library (案例库).
    pub case_library: bool,
}

impl ComplaintQuery {
    fn filter(&self, now: chrono::DateTime<chrono::Utc>) -> frontdesk::Result<ComplaintFilter> {
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (status, grade, from, to) = (
            blank(&self.status),
            blank(&self.grade),
            blank(&self.from),
            blank(&self.to),
        );
        let period = Period {
            from: from.clone().or(to.clone()),
            to: to.clone().or(from.clone()),
        };
        let bounds = (from.is_some() || to.is_some())
            .then(|| period.bounds(now))
            .transpose()?;
        Ok(ComplaintFilter {
            status: status
                .map(|s| ComplaintStatus::parse("status", "投诉状态", &s))
                .transpose()?,
            grade: grade
                .map(|s| Grade::parse("grade", "投诉等级", &s))
                .transpose()?,
            category: blank(&self.category),
            department: blank(&self.department),
            from: bounds.filter(|_| from.is_some()).map(|b| b.0),
            to: bounds.filter(|_| to.is_some()).map(|b| b.1),
            open_only: self.open_only,
            case_library: self.case_library,
            limit: Some(500),
        })
    }
}

#[tauri::command]
#[specta::specta]
pub fn complaint_queue(state: State<'_, AppState>) -> WireResult<Vec<QueueItem>> {
    state.read(|s, eid| queues::complaints(s.conn(), eid, s.now()))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_list(
    state: State<'_, AppState>,
    query: ComplaintQuery,
) -> WireResult<Vec<Complaint>> {
    state.seen(View::List, |s, eid| {
        complaints::list(s.conn(), eid, &query.filter(s.now())?)
    })
}

#[tauri::command]
#[specta::specta]
pub fn complaint_get(state: State<'_, AppState>, id: String) -> WireResult<ComplaintDetail> {
    state.seen(View::Record, |s, _| cases::complaint_detail(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_explain(state: State<'_, AppState>, id: String) -> WireResult<Explanation> {
    state.read(|s, _| grading::explain(s.conn(), &id, s.now()))
}

/// The grade the complaint form would give if saved, with its reasons; nothing is saved. `id`
/// is the complaint being edited, or none when opening one from `input.intake`.
#[tauri::command]
#[specta::specta]
pub fn complaint_preview(
    state: State<'_, AppState>,
    id: Option<String>,
    input: ComplaintInput,
) -> WireResult<Assessment> {
    state.signed_in_store(|s, a| complaints::preview(s, a, id.as_deref(), &input))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_open(state: State<'_, AppState>, input: ComplaintInput) -> WireResult<Complaint> {
    state.write_seen(|w, eid| complaints::open(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_update(
    state: State<'_, AppState>,
    id: String,
    input: ComplaintInput,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::update(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_attempt(
    state: State<'_, AppState>,
    id: String,
    input: AttemptInput,
) -> WireResult<Attempt> {
    state.write(|w, _| complaints::add_attempt(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_confirm(state: State<'_, AppState>, id: String) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::request_confirmation(w, &id))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_close(
    state: State<'_, AppState>,
    id: String,
    input: CloseInput,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::close(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_reopen(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::reopen(w, &id, Some(&reason)))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_void(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::void(w, &id, Some(&reason)))
}

#[tauri::command]
#[specta::specta]
pub fn complaint_set_grade(
    state: State<'_, AppState>,
    id: String,
    input: GradeInput,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| complaints::set_grade(w, &id, &input))
}

/// Complaints that may report the same problem (同一问题), best first.
#[tauri::command]
#[specta::specta]
pub fn complaint_suggest_issues(
    state: State<'_, AppState>,
    id: String,
) -> WireResult<Vec<Candidate>> {
    state.read(|s, _| grading::suggest_issues(s.conn(), &id))
}

/// Links a complaint to the same problem as another (or to an issue); the issue is re-graded.
#[tauri::command]
#[specta::specta]
pub fn complaint_link(
    state: State<'_, AppState>,
    id: String,
    input: LinkInput,
) -> WireResult<Issue> {
    state.write(|w, _| grading::link(w, &id, &input))
}

/// Takes a complaint out of its issue, with a reason.
#[tauri::command]
#[specta::specta]
pub fn complaint_unlink(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| grading::unlink(w, &id, Some(&reason)))
}

/// Puts a complaint in the case library (案例库) with a note, or takes it out (supervisors).
#[tauri::command]
#[specta::specta]
pub fn complaint_case_library(
    state: State<'_, AppState>,
    id: String,
    on: bool,
    note: Option<String>,
) -> WireResult<Complaint> {
    state.write_seen(|w, _| match on {
        true => complaints::mark_case_library(w, &id, note.as_deref()),
        false => complaints::unmark_case_library(w, &id),
    })
}

/// Deadlines of a subject: `kind` is complaint, repair or slip.
#[tauri::command]
#[specta::specta]
pub fn deadline_show(state: State<'_, AppState>, kind: String, id: String) -> WireResult<Overview> {
    state.read(|s, _| deadlines::show(s.conn(), SubjectKind::parse(&kind)?, &id, s.now()))
}

#[tauri::command]
#[specta::specta]
pub fn deadline_pause(
    state: State<'_, AppState>,
    kind: String,
    id: String,
    input: PauseInput,
) -> WireResult<Pause> {
    state.write(|w, _| deadlines::pause(w, SubjectKind::parse(&kind)?, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn deadline_resume(state: State<'_, AppState>, kind: String, id: String) -> WireResult<Pause> {
    state.write(|w, _| deadlines::resume(w, SubjectKind::parse(&kind)?, &id))
}

#[tauri::command]
#[specta::specta]
pub fn slip_create(state: State<'_, AppState>, input: SlipInput) -> WireResult<Slip> {
    state.write_seen(|w, eid| slips::create(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn slip_get(state: State<'_, AppState>, id: String) -> WireResult<Slip> {
    state.seen(View::Record, |s, _| slips::load(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn slip_hand_over(
    state: State<'_, AppState>,
    id: String,
    input: HandOverInput,
) -> WireResult<Slip> {
    state.write_seen(|w, _| slips::hand_over(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn slip_return(state: State<'_, AppState>, id: String, input: ReturnInput) -> WireResult<Slip> {
    state.write_seen(|w, _| slips::record_return(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn slip_file(state: State<'_, AppState>, id: String) -> WireResult<Slip> {
    state.write_seen(|w, _| slips::file(w, &id))
}

#[tauri::command]
#[specta::specta]
pub fn slip_void(state: State<'_, AppState>, id: String, reason: String) -> WireResult<Slip> {
    state.write_seen(|w, _| slips::void(w, &id, Some(&reason)))
}

/// Finds a slip by its number as a barcode scanner types it.
#[tauri::command]
#[specta::specta]
pub fn slip_find(state: State<'_, AppState>, text: String) -> WireResult<Slip> {
    state.seen(View::Record, |s, eid| {
        slips::find_by_no(s.conn(), eid, &text)
    })
}

#[tauri::command]
#[specta::specta]
pub fn slip_register(state: State<'_, AppState>, period: Period) -> WireResult<Vec<RegisterRow>> {
    state.read(|s, eid| {
        let (from, to) = period.bounds(s.now())?;
        slips::register(s.conn(), eid, from, to)
    })
}

/// Open slips in handling order (overdue answers first).
#[tauri::command]
#[specta::specta]
pub fn slip_queue(state: State<'_, AppState>) -> WireResult<Vec<QueueItem>> {
    state.read(|s, eid| queues::slips(s.conn(), eid, s.now()))
}

/// The owner's 报事档案: the filed slips of a customer (id) or a unit (房号).
#[tauri::command]
#[specta::specta]
pub fn slip_archive(state: State<'_, AppState>, key: String) -> WireResult<Vec<Slip>> {
    state.seen(View::List, |s, eid| slips::archive(s.conn(), eid, &key))
}

/// Today's 回访 in handling order (VIP and tier first, then the policy's order), overdue too.
#[tauri::command]
#[specta::specta]
pub fn followup_queue(state: State<'_, AppState>) -> WireResult<Vec<QueueItem>> {
    state.read(|s, eid| queues::followups(s.conn(), eid, s.now()))
}

/// One 回访 task with the calls made so far.
#[tauri::command]
#[specta::specta]
pub fn followup_history(state: State<'_, AppState>, id: String) -> WireResult<Followup> {
    state.read(|s, _| followups::find(s.conn(), &id))
}

/// 回访 due by the end of `until` (YYYY-MM-DD; empty = today), oldest first — overdue ones too.
#[tauri::command]
#[specta::specta]
pub fn followup_due(
    state: State<'_, AppState>,
    until: Option<String>,
) -> WireResult<Vec<DueFollowup>> {
    let day = Period {
        from: until.clone(),
        to: until,
    };
    state.seen(View::List, |s, eid| {
        followups::due(s.conn(), eid, day.bounds(s.now())?.1)
    })
}

/// 待关注: the escalations nobody has acknowledged yet, newest first (supervisors' screen).
#[tauri::command]
#[specta::specta]
pub fn attention_list(state: State<'_, AppState>) -> WireResult<Vec<Escalation>> {
    state.read(|s, eid| grading::needs_attention(s.conn(), eid))
}

/// Acknowledges an escalation (supervisors), with an optional note; audited.
#[tauri::command]
#[specta::specta]
pub fn escalation_acknowledge(
    state: State<'_, AppState>,
    id: String,
    note: Option<String>,
) -> WireResult<Escalation> {
    state.write(|w, _| grading::acknowledge(w, &id, note.as_deref()))
}

/// Runs the time tick now (the app also runs it by itself every few minutes): grades that rise
/// with age, overdue escalations.
#[tauri::command]
#[specta::specta]
pub fn queue_tick(state: State<'_, AppState>) -> WireResult<Tick> {
    state.write(queues::tick)
}

/// One 回访 task opened to make the call: its phone in full for the clerk (the list masks it).
#[tauri::command]
#[specta::specta]
pub fn followup_task(state: State<'_, AppState>, id: String) -> WireResult<DueFollowup> {
    state.seen(View::Record, |s, _| followups::due_task(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn followup_record(
    state: State<'_, AppState>,
    id: String,
    input: FollowupInput,
) -> WireResult<Followup> {
    state.write(|w, _| cases::record_followup(w, &id, &input))
}
