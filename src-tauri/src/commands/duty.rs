//! 值班与交接班: the duty screen (the shift on duty, its log, the open entries carried over, the
//! handover waiting for acceptance), starting a shift, logging, converting an entry into an
//! intake or closing it, handing over, the incoming clerk's acceptance, past handovers.

use frontdesk::duty::{
    self, DutyBoard, DutyEntry, DutyEntryInput, Handover, HandoverInput, Shift, ShiftInput,
};
use frontdesk::intake::{Intake, IntakeInput};
use frontdesk::privacy::{self, View};
use tauri::State;

use super::Period;
use crate::error::WireResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn duty_board(state: State<'_, AppState>) -> WireResult<DutyBoard> {
    state.seen(View::List, |s, eid| duty::board(s.conn(), eid, s.now()))
}

/// The number of open entries (the banner of 前台登记).
#[tauri::command]
#[specta::specta]
pub fn duty_open_count(state: State<'_, AppState>) -> WireResult<i64> {
    state.read(|s, eid| duty::open_count(s.conn(), eid))
}

#[tauri::command]
#[specta::specta]
pub fn duty_start(state: State<'_, AppState>, input: ShiftInput) -> WireResult<Shift> {
    state.write(|w, eid| duty::start(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn duty_entry_add(state: State<'_, AppState>, input: DutyEntryInput) -> WireResult<DutyEntry> {
    state.write_seen(|w, eid| duty::add_entry(w, eid, &input))
}

/// One entry opened (to convert it: its phone as the clerk may see one record).
#[tauri::command]
#[specta::specta]
pub fn duty_entry_get(state: State<'_, AppState>, id: String) -> WireResult<DutyEntry> {
    state.seen(View::Record, |s, _| duty::entry(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn duty_convert(
    state: State<'_, AppState>,
    entry: String,
    input: IntakeInput,
) -> WireResult<Intake> {
    state.write_seen(|w, eid| duty::convert(w, eid, &entry, &input))
}

#[tauri::command]
#[specta::specta]
pub fn duty_close_entry(
    state: State<'_, AppState>,
    entry: String,
    reason: String,
) -> WireResult<DutyEntry> {
    state.write_seen(|w, eid| duty::close_entry(w, eid, &entry, Some(&reason)))
}

#[tauri::command]
#[specta::specta]
pub fn duty_hand_over(state: State<'_, AppState>, input: HandoverInput) -> WireResult<Handover> {
    state.write_seen(|w, eid| duty::hand_over(w, eid, &input))
}

/// The incoming clerk accepts, signing in with their own login and password (the clerk signed
/// in on the desk stays signed in); returns the handover's number.
#[tauri::command]
#[specta::specta]
pub fn duty_accept(
    state: State<'_, AppState>,
    handover: String,
    login: String,
    password: String,
    note: Option<String>,
) -> WireResult<String> {
    state.signed_in_store(|s, clerk| {
        duty::accept(
            s,
            &clerk.estate_id,
            &handover,
            &login,
            &password,
            note.as_deref(),
        )
        .map(|h| h.no)
    })
}

/// Handovers of a period: all for a supervisor, else the clerk's own.
#[tauri::command]
#[specta::specta]
pub fn duty_handovers(state: State<'_, AppState>, period: Period) -> WireResult<Vec<Handover>> {
    let (clerk, store) = state.reader()?;
    let (from, to) = period.bounds(store.now())?;
    let list = duty::handovers(store.conn(), &clerk.estate_id, &clerk, from, to)?;
    Ok(privacy::redacted(list, &clerk, View::List))
}
