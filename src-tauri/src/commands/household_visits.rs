//! 住户回访: the quarter's plan and progress (areas, 物管员, the office head), recording a visit
//! (its unanswered items become intakes), the quarter's visits, voiding one.

use frontdesk::household_visits::{self, HouseholdVisit, VisitInput, VisitPlan};
use frontdesk::time::Period;
use tauri::State;

use crate::error::WireResult;
use crate::state::AppState;

/// The plan of `quarter` (`2026-Q4`; empty: this quarter).
#[tauri::command]
#[specta::specta]
pub fn household_visit_plan(
    state: State<'_, AppState>,
    quarter: Option<String>,
) -> WireResult<VisitPlan> {
    state.read(|s, eid| {
        let q = Period::quarter_or_current(quarter.as_deref(), s.now())?;
        household_visits::plan(s.conn(), eid, &q)
    })
}

/// The visits of `quarter`, newest first.
#[tauri::command]
#[specta::specta]
pub fn household_visit_list(
    state: State<'_, AppState>,
    quarter: Option<String>,
) -> WireResult<Vec<HouseholdVisit>> {
    state.read(|s, eid| {
        let q = Period::quarter_or_current(quarter.as_deref(), s.now())?;
        household_visits::list(s.conn(), eid, &q)
    })
}

#[tauri::command]
#[specta::specta]
pub fn household_visit_record(
    state: State<'_, AppState>,
    input: VisitInput,
) -> WireResult<HouseholdVisit> {
    state.write(|w, eid| household_visits::record(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn household_visit_void(
    state: State<'_, AppState>,
    visit: String,
    reason: String,
) -> WireResult<HouseholdVisit> {
    state.write(|w, eid| household_visits::void(w, eid, &visit, Some(&reason)))
}
