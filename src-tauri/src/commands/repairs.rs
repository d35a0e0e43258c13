//! 报修派工: repair orders from report to sign-off, the dispatch list and the price list.

use frontdesk::privacy::View;
use frontdesk::queues::{self, QueueItem};
use frontdesk::repairs::{
    self, AgreementInput, DispatchInput, FinishInput, PriceItem, ReassignInput, RepairDetail,
    RepairFilter, RepairInput, RepairOrder, SignOffInput, StepInput,
};
use tauri::State;

use crate::error::WireResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn repair_queue(state: State<'_, AppState>) -> WireResult<Vec<QueueItem>> {
    state.read(|s, eid| queues::repairs(s.conn(), eid, s.now()))
}

#[tauri::command]
#[specta::specta]
pub fn repair_list(
    state: State<'_, AppState>,
    filter: RepairFilter,
) -> WireResult<Vec<RepairOrder>> {
    state.seen(View::List, |s, eid| repairs::list(s.conn(), eid, &filter))
}

#[tauri::command]
#[specta::specta]
pub fn repair_get(state: State<'_, AppState>, id: String) -> WireResult<RepairDetail> {
    state.seen(View::Record, |s, _| repairs::get(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn repair_create(state: State<'_, AppState>, input: RepairInput) -> WireResult<RepairOrder> {
    state.write_seen(|w, eid| repairs::create(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn repair_dispatch(
    state: State<'_, AppState>,
    id: String,
    input: DispatchInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::dispatch(w, &id, &input))
}

/// 转单 to another repairer, or 退单 back to 已报修 (no repairer), with the reason.
#[tauri::command]
#[specta::specta]
pub fn repair_reassign(
    state: State<'_, AppState>,
    id: String,
    input: ReassignInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::reassign(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn repair_accept(
    state: State<'_, AppState>,
    id: String,
    input: StepInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::accept(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn repair_arrive(
    state: State<'_, AppState>,
    id: String,
    input: StepInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::arrive(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn repair_finish(
    state: State<'_, AppState>,
    id: String,
    input: FinishInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::finish(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn repair_confirm_fee(state: State<'_, AppState>, id: String) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::confirm_fee(w, &id))
}

#[tauri::command]
#[specta::specta]
pub fn repair_sign_off(
    state: State<'_, AppState>,
    id: String,
    input: SignOffInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::sign_off(w, &id, &input))
}

/// The owner's written agreement to the charges (needed above the material limit).
#[tauri::command]
#[specta::specta]
pub fn repair_agreement(
    state: State<'_, AppState>,
    id: String,
    input: AgreementInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::record_owner_agreement(w, &id, &input))
}

/// 财务确认: the fee of a paid order was received; the order closes.
#[tauri::command]
#[specta::specta]
pub fn repair_finance(
    state: State<'_, AppState>,
    id: String,
    input: StepInput,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::finance_confirm(w, &id, &input))
}

/// Sends a signed-off or closed order back for rework (返修), with the reason; the same
/// repairer gets it again when still active.
#[tauri::command]
#[specta::specta]
pub fn repair_rework(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::rework(w, &id, &reason))
}

#[tauri::command]
#[specta::specta]
pub fn repair_void(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<RepairOrder> {
    state.write_seen(|w, _| repairs::void(w, &id, Some(&reason)))
}

/// The price list by code; with `include_voided`, the voided items too (after the live ones).
#[tauri::command]
#[specta::specta]
pub fn price_list(state: State<'_, AppState>, include_voided: bool) -> WireResult<Vec<PriceItem>> {
    state.read(|s, eid| repairs::price_list(s.conn(), eid, include_voided))
}
