//! 价目表与日历 (supervisors): the repair price list (add, edit, void with reason) and the
//! working calendar (the estate's day overrides over the shipped national calendar).
//! The core checks the supervisor right; reading is open to every clerk, and so is printing the
//! price list for the counter.

use frontdesk::calendar::{self, Calendar, DayInput, Override, YearView};
use frontdesk::documents::{price_list, Format};
use frontdesk::repairs::{self, PriceItem, PriceItemInput};
use serde::Serialize;
use tauri::State;

use crate::commands::documents::DocumentFile;
use crate::error::WireResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn price_item_add(state: State<'_, AppState>, input: PriceItemInput) -> WireResult<PriceItem> {
    state.write(|w, eid| repairs::add_price_item(w, eid, &input))
}

/// Edits an item (by id or code); absent fields keep their value.
#[tauri::command]
#[specta::specta]
pub fn price_item_update(
    state: State<'_, AppState>,
    id: String,
    input: PriceItemInput,
) -> WireResult<PriceItem> {
    state.write(|w, eid| repairs::update_price_item(w, eid, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn price_item_void(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<PriceItem> {
    state.write(|w, eid| repairs::void_price_item(w, eid, &id, Some(&reason)))
}

/// The 《维修有偿服务项目及收费标准》 for the counter, to `价目表/<小区>维修有偿服务项目及收费标准.pdf`
/// (or `.xlsx`), replacing an earlier print.
#[tauri::command]
#[specta::specta]
pub fn price_list_print(state: State<'_, AppState>, format: Format) -> WireResult<DocumentFile> {
    state
        .read(|s, eid| {
            let name = price_list::file_name(s.conn(), eid, format)?;
            let out = state.paths.document("价目表", &name)?;
            price_list::write(s.conn(), eid, format, s.now(), &out)
        })
        .map(|e| DocumentFile {
            path: e.path.display().to_string(),
            count: e.count,
            bytes: e.bytes,
        })
}

/// A year of the estate's calendar: its special days (national and the estate's own) and the
/// estate's overrides with who set them.
#[derive(Debug, Serialize, specta::Type)]
pub struct CalendarView {
    pub year: YearView,
    pub overrides: Vec<Override>,
}

frontdesk::plain!(CalendarView);

#[tauri::command]
#[specta::specta]
pub fn calendar_year(state: State<'_, AppState>, year: i32) -> WireResult<CalendarView> {
    state.read(|s, eid| {
        Ok(CalendarView {
            year: Calendar::current(s.conn(), eid)?.year(year)?,
            overrides: calendar::overrides(s.conn(), eid)?,
        })
    })
}

/// Sets one day for the estate (holiday or working day, with its name).
#[tauri::command]
#[specta::specta]
pub fn calendar_set(state: State<'_, AppState>, input: DayInput) -> WireResult<Override> {
    state.write(|w, eid| calendar::set_day(w, eid, &input))
}

/// Clears the estate's setting of a day, with a reason.
#[tauri::command]
#[specta::specta]
pub fn calendar_clear(state: State<'_, AppState>, date: String, reason: String) -> WireResult<()> {
    state.write(|w, eid| calendar::clear_day(w, eid, Some(&date), Some(&reason)))
}
