//! 同步: this desk and the company's sync server (docs/sync.md) — its status for the side bar and
//! 设置 › 同步, a run now, joining (a supervisor; on a new computer's set-up screen, nobody signed
//! in: the first sync brings the register), the changes set aside (supervisors).

use frontdesk::privacy::View;
use frontdesk::sync::{self, RefusedChange, SyncReport, SyncStatus};
use tauri::State;

use crate::error::{WireError, WireResult};
use crate::state::AppState;

/// Enrolment, cursors, what waits to be pushed, what was set aside, the last run.
#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<'_, AppState>) -> WireResult<SyncStatus> {
    state.read(|s, _| sync::status(s))
}

/// 立即同步: pushes and pulls now, on a connection of its own (the desk works on meanwhile).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_now(state: State<'_, AppState>) -> WireResult<SyncReport> {
    state
        .sync_now()?
        .ok_or_else(|| WireError::from(sync::not_enrolled()))
}

/// Joins the company's sync with the one-time code, then syncs once (on a new computer this
/// brings the whole register, and the desk is set up).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_join(
    state: State<'_, AppState>,
    server: String,
    code: String,
    name: String,
) -> WireResult<SyncReport> {
    state.with_session(|s| {
        let clerk = s.clerk().ok().cloned();
        sync::join(
            s.store_mut(),
            clerk.as_ref(),
            &server,
            &code,
            &name,
            frontdesk_sync_client::enrol,
        )?;
        sync::run_enrolled(s.store_mut(), frontdesk_sync_client::Client::new)
    })
}

/// The changes set aside: refused by the server, or not applicable here (supervisors).
#[tauri::command]
#[specta::specta]
pub fn sync_refused(state: State<'_, AppState>) -> WireResult<Vec<RefusedChange>> {
    state.seen_by(View::List, sync::refused)
}

/// Settles a change set aside with a note of how it was dealt with (supervisors).
#[tauri::command]
#[specta::specta]
pub fn sync_settle(state: State<'_, AppState>, id: i64, note: String) -> WireResult<()> {
    state.signed_in_store(|s, a| sync::settle(s, a, id, Some(&note)))
}
