//! The repair 回访's checklist results and the 整改通知单 (回访 screen), the overdue notices
//! (待关注), one repair order's visits and notices (报修派工) and the month's repair 回访 quota by role
//! (统计与导出).

use frontdesk::app::paths::record_file_name;
use frontdesk::documents::pdf;
use frontdesk::repair_visits::{self, Notice, OrderVisits, QuotaReport};
use tauri::State;

use super::documents::DocumentFile;
use crate::error::WireResult;
use crate::state::AppState;

/// The notices, newest first: the open ones (待送达, 整改中) or all.
#[tauri::command]
#[specta::specta]
pub fn notice_list(state: State<'_, AppState>, all: bool) -> WireResult<Vec<Notice>> {
    state.read(|s, eid| repair_visits::list(s.conn(), eid, !all, s.now()))
}

/// A repair order's 回访 with their checklists and its notices (报修派工, the order's card).
#[tauri::command]
#[specta::specta]
pub fn repair_visits_of(state: State<'_, AppState>, no: String) -> WireResult<OrderVisits> {
    state.read(|s, _| repair_visits::of_order(s.conn(), &no, s.now()))
}

/// The notices late now (待关注).
#[tauri::command]
#[specta::specta]
pub fn notice_overdue(state: State<'_, AppState>) -> WireResult<Vec<Notice>> {
    state.read(|s, eid| repair_visits::overdue(s.conn(), eid, s.now()))
}

/// The notice was handed to the repairer in writing.
#[tauri::command]
#[specta::specta]
pub fn notice_deliver(
    state: State<'_, AppState>,
    no: String,
    note: Option<String>,
) -> WireResult<Notice> {
    state.write(|w, _| repair_visits::deliver(w, &no, note.as_deref()))
}

/// The rework is finished: the notice is closed with its result.
#[tauri::command]
#[specta::specta]
pub fn notice_close(
    state: State<'_, AppState>,
    no: String,
    note: Option<String>,
) -> WireResult<Notice> {
    state.write(|w, _| repair_visits::close(w, &no, note.as_deref()))
}

/// Voids a notice (supervisors), with the reason.
#[tauri::command]
#[specta::specta]
pub fn notice_void(state: State<'_, AppState>, no: String, reason: String) -> WireResult<Notice> {
    state.write(|w, _| repair_visits::void(w, &no, &reason))
}

/// The 《整改通知单》 to `整改通知单/<no>.pdf`.
#[tauri::command]
#[specta::specta]
pub fn notice_print(state: State<'_, AppState>, no: String) -> WireResult<DocumentFile> {
    let out = state
        .paths
        .document("整改通知单", &record_file_name(&no, "", "pdf"))?;
    state
        .read(|s, _| pdf::rectification_notice(s.conn(), &no, s.now(), &out))
        .map(DocumentFile::from)
}

/// The month `YYYY-MM` (empty: this month) against the repair 回访 quotas by role.
#[tauri::command]
#[specta::specta]
pub fn repair_visit_quota(
    state: State<'_, AppState>,
    month: Option<String>,
) -> WireResult<QuotaReport> {
    state.read(|s, eid| {
        let month = frontdesk::time::Period::month_or_this(month.as_deref(), s.now())?;
        repair_visits::quota(s.conn(), eid, &month)
    })
}
