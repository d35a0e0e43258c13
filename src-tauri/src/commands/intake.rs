//! 前台登记: look-up, recording a contact, the contacts of a period (the phone calls alone: the
//! 电话接待记录本), voiding one; full-text search.

use frontdesk::intake::{self, Intake, IntakeInput, Lookup};
use frontdesk::privacy::View;
use frontdesk::search::{self, Hit};
use frontdesk::vocab::Channel;
use tauri::State;

use super::Period;
use crate::error::WireResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn intake_lookup(state: State<'_, AppState>, query: String) -> WireResult<Lookup> {
    state.seen(View::List, |s, eid| {
        intake::lookup(s.conn(), eid, &query, s.now())
    })
}

#[tauri::command]
#[specta::specta]
pub fn intake_record(state: State<'_, AppState>, input: IntakeInput) -> WireResult<Intake> {
    state.write_seen(|w, eid| intake::record(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn intake_list(
    state: State<'_, AppState>,
    period: Period,
    channel: Option<String>,
) -> WireResult<Vec<Intake>> {
    state.seen(View::List, |s, eid| {
        let (from, to) = period.bounds(s.now())?;
        let channel = channel
            .as_deref()
            .map(|c| Channel::parse("channel", "渠道", c))
            .transpose()?;
        intake::list(s.conn(), eid, from, to, channel, 500)
    })
}

/// One intake with everything recorded (a record opened: the phone as the clerk may see it).
#[tauri::command]
#[specta::specta]
pub fn intake_get(state: State<'_, AppState>, id: String) -> WireResult<Intake> {
    state.seen(View::Record, |s, _| intake::get(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn intake_void(state: State<'_, AppState>, id: String, reason: String) -> WireResult<Intake> {
    state.write_seen(|w, _| intake::void(w, &id, Some(&reason)))
}

/// Full-text search (1 character and up); `kind` limits it to intake/complaint/slip/repair/customer.
#[tauri::command]
#[specta::specta]
pub fn search(
    state: State<'_, AppState>,
    query: String,
    kind: Option<String>,
) -> WireResult<Vec<Hit>> {
    state.seen(View::List, |s, eid| {
        search::search(s.conn(), eid, &query, kind.as_deref(), 100)
    })
}
