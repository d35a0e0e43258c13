//! 赔付: the claims list (open ones, 超期 first, or those opened in a period), one claim with its
//! steps, opening a claim from a complaint, a department's reply, the proposal, the approval
//! (the policy's approvers), the agreement, the payment and voiding. The documents (记录单,
//! 备忘录, the register) are in `documents.rs`.

use frontdesk::claims::{
    self, Claim, ClaimAgreementInput, ClaimDetail, ClaimInput, ClaimPaymentInput,
    ClaimProposalInput, ClaimReplyInput, ClaimRights,
};
use tauri::State;

use super::Period;
use crate::error::WireResult;
use crate::state::AppState;

/// Every claim not yet paid or voided (`period` absent), else those opened in `period`; only the
/// 超期 ones with `overdue_only`.
#[tauri::command]
#[specta::specta]
pub fn claim_list(
    state: State<'_, AppState>,
    period: Option<Period>,
    overdue_only: bool,
) -> WireResult<Vec<Claim>> {
    state.read(|s, eid| {
        let now = s.now();
        match &period {
            Some(p) => {
                let (from, to) = p.bounds(now)?;
                claims::list(s.conn(), eid, from, to, overdue_only, now)
            }
            None => Ok(claims::open(s.conn(), eid, now)?
                .into_iter()
                .filter(|c| !overdue_only || c.overdue())
                .collect()),
        }
    })
}

/// The claims of one complaint (its page).
#[tauri::command]
#[specta::specta]
pub fn claim_of_complaint(state: State<'_, AppState>, complaint: String) -> WireResult<Vec<Claim>> {
    state.read(|s, _| claims::of_complaint(s.conn(), &complaint, s.now()))
}

/// What the clerk may do with claims (the screen shows only those actions).
#[tauri::command]
#[specta::specta]
pub fn claim_rights(state: State<'_, AppState>) -> WireResult<ClaimRights> {
    state.with_session(|s| {
        let clerk = s.clerk()?.clone();
        claims::rights(s.store().conn(), &clerk.estate_id, &clerk)
    })
}

/// One claim with its steps and whether the clerk may approve it.
#[tauri::command]
#[specta::specta]
pub fn claim_show(state: State<'_, AppState>, claim: String) -> WireResult<ClaimDetail> {
    state.with_session(|s| {
        let clerk = s.clerk()?.clone();
        claims::detail(
            s.store().conn(),
            &clerk.estate_id,
            &claim,
            &clerk,
            s.store().now(),
        )
    })
}

#[tauri::command]
#[specta::specta]
pub fn claim_create(state: State<'_, AppState>, input: ClaimInput) -> WireResult<Claim> {
    state.write(|w, eid| claims::create(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn claim_reply(
    state: State<'_, AppState>,
    claim: String,
    input: ClaimReplyInput,
) -> WireResult<Claim> {
    state.write(|w, eid| claims::reply(w, eid, &claim, &input))
}

#[tauri::command]
#[specta::specta]
pub fn claim_propose(
    state: State<'_, AppState>,
    claim: String,
    input: ClaimProposalInput,
) -> WireResult<Claim> {
    state.write(|w, eid| claims::propose(w, eid, &claim, &input))
}

#[tauri::command]
#[specta::specta]
pub fn claim_approve(
    state: State<'_, AppState>,
    claim: String,
    note: Option<String>,
) -> WireResult<Claim> {
    state.write(|w, eid| claims::approve(w, eid, &claim, note.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn claim_agree(
    state: State<'_, AppState>,
    claim: String,
    input: ClaimAgreementInput,
) -> WireResult<Claim> {
    state.write(|w, eid| claims::agree(w, eid, &claim, &input))
}

#[tauri::command]
#[specta::specta]
pub fn claim_pay(
    state: State<'_, AppState>,
    claim: String,
    input: ClaimPaymentInput,
) -> WireResult<Claim> {
    state.write(|w, eid| claims::pay(w, eid, &claim, &input))
}

#[tauri::command]
#[specta::specta]
pub fn claim_void(state: State<'_, AppState>, claim: String, reason: String) -> WireResult<Claim> {
    state.write(|w, eid| claims::void(w, eid, &claim, Some(&reason)))
}
