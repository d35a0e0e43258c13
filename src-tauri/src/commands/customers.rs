//! 客户档案: customers, tiers with reasons, VIP cards (issue, renew, re-issue, revoke), the VIP
//! register.

use frontdesk::customers::{
    self, Customer, CustomerFile, CustomerFilter, CustomerInput, RevokeInput, TierInput, VipCard,
    VipCardInput, VipFilter, VipRegisterLine,
};
use frontdesk::privacy::View;
use tauri::State;

use crate::error::WireResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn customer_list(
    state: State<'_, AppState>,
    filter: CustomerFilter,
) -> WireResult<Vec<Customer>> {
    state.seen(View::List, |s, eid| customers::list(s.conn(), eid, &filter))
}

#[tauri::command]
#[specta::specta]
pub fn customer_show(state: State<'_, AppState>, id: String) -> WireResult<CustomerFile> {
    state.seen(View::Record, |s, _| customers::show(s.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn customer_add(state: State<'_, AppState>, input: CustomerInput) -> WireResult<Customer> {
    state.write(|w, eid| customers::add_customer(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn customer_update(
    state: State<'_, AppState>,
    id: String,
    input: CustomerInput,
) -> WireResult<Customer> {
    state.write(|w, _| customers::update_customer(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn customer_set_tier(
    state: State<'_, AppState>,
    id: String,
    input: TierInput,
) -> WireResult<Customer> {
    state.write(|w, _| customers::set_tier(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn vip_issue(
    state: State<'_, AppState>,
    id: String,
    input: VipCardInput,
) -> WireResult<VipCard> {
    state.write(|w, _| customers::issue_vip_card(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn vip_renew(
    state: State<'_, AppState>,
    id: String,
    input: VipCardInput,
) -> WireResult<VipCard> {
    state.write(|w, _| customers::renew_vip_card(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn vip_reissue(state: State<'_, AppState>, id: String, reason: String) -> WireResult<VipCard> {
    state.write(|w, _| customers::reissue_lost_card(w, &id, Some(&reason)))
}

#[tauri::command]
#[specta::specta]
pub fn vip_revoke(
    state: State<'_, AppState>,
    id: String,
    input: RevokeInput,
) -> WireResult<Customer> {
    state.write(|w, _| customers::revoke_vip(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn vip_register(
    state: State<'_, AppState>,
    filter: VipFilter,
) -> WireResult<Vec<VipRegisterLine>> {
    state.read(|s, eid| customers::vip_register(s.conn(), eid, s.now(), &filter))
}
