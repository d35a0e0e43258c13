//! 客户档案: customers, tiers with reasons, VIP cards (issue, renew, re-issue, revoke), the VIP
//! register, and the register's import from Excel.
//!
//! The import: the UI reads the clerk's .xlsx and uploads it ([`customer_import_upload`]); the
//! shell keeps it in `<data>/import/` (the data folder is the user's own: the register holds
//! personal data) until it is imported or discarded. The preview and the import are `async`
//! commands, so they run on an async worker and never on the window's thread (Tauri runs the
//! other, synchronous commands there): a 100,000-row file does not freeze the window. They
//! report progress on the UI's [`Channel`] (at most every 100 ms). A Tauri event would need the
//! runtime-generic `AppHandle<R>`, which the typed bindings' macros cannot take. While they run
//! they hold the desk (one transaction): the UI calls nothing else until they end.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use frontdesk::customers::{
    self, Customer, CustomerFile, CustomerFilter, CustomerInput, RevokeInput, TierInput, VipCard,
    VipCardInput, VipFilter, VipRegisterLine,
};
use frontdesk::import::{self, ImportReport};
use frontdesk::privacy::View;
use frontdesk::Error;
use serde::Serialize;
use tauri::ipc::Channel;
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
    state.seen(View::Record, |s, _| customers::show(s.conn(), &id, s.now()))
}

#[tauri::command]
#[specta::specta]
pub fn customer_add(state: State<'_, AppState>, input: CustomerInput) -> WireResult<Customer> {
    state.write_seen(|w, eid| customers::add_customer(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn customer_update(
    state: State<'_, AppState>,
    id: String,
    input: CustomerInput,
) -> WireResult<Customer> {
    state.write_seen(|w, _| customers::update_customer(w, &id, &input))
}

/// Voids a customer entered in error or gone (supervisors), with a reason; the file stays.
#[tauri::command]
#[specta::specta]
pub fn customer_void(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<Customer> {
    state.write_seen(|w, _| customers::void_customer(w, &id, Some(&reason)))
}

/// Names the VIP 客户助理 of an A-tier customer, or none (supervisors).
#[tauri::command]
#[specta::specta]
pub fn vip_assistant_set(
    state: State<'_, AppState>,
    id: String,
    staff: Option<String>,
) -> WireResult<Customer> {
    state.write_seen(|w, _| customers::set_vip_assistant(w, &id, staff.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn customer_set_tier(
    state: State<'_, AppState>,
    id: String,
    input: TierInput,
) -> WireResult<Customer> {
    state.write_seen(|w, _| customers::set_tier(w, &id, &input))
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
    state.write_seen(|w, _| customers::revoke_vip(w, &id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn vip_register(
    state: State<'_, AppState>,
    filter: VipFilter,
) -> WireResult<Vec<VipRegisterLine>> {
    state.seen(View::List, |s, eid| {
        customers::vip_register(s.conn(), eid, s.now(), &filter)
    })
}

/// An import's progress: `phase` is `preview` or `import`; `done / total` is the fraction done
/// (see [`frontdesk::import`]).
#[derive(Clone, Debug, Serialize, specta::Type)]
pub struct ImportProgress {
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

/// The folder that holds the uploaded import file.
fn import_dir(state: &AppState) -> PathBuf {
    state.paths.data_dir.join("import")
}

/// Removes the uploaded file (and any earlier one).
fn discard(state: &AppState) -> frontdesk::Result<()> {
    match std::fs::remove_dir_all(import_dir(state)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// The uploaded file called `upload` (a bare file name: no folder may be named).
fn upload_path(state: &AppState, upload: &str) -> frontdesk::Result<PathBuf> {
    let name = Path::new(upload)
        .file_name()
        .filter(|n| n.len() == upload.len())
        .ok_or_else(|| Error::invalid("file", "导入文件", "文件名无效，请重新选择文件"))?;
    Ok(import_dir(state).join(name))
}

/// Keeps the clerk's file (`data`: its bytes in base64) for the preview and the import; returns
/// its name, which the other import commands take. Replaces any earlier upload. `async`: a large
/// file is decoded and written away from the window's thread.
#[tauri::command]
#[specta::specta]
pub async fn customer_import_upload(
    state: State<'_, AppState>,
    name: String,
    data: String,
) -> WireResult<String> {
    state.read(|_, _| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| Error::invalid("file", "导入文件", "文件内容无法读取，请重新选择文件"))?;
        let path = upload_path(&state, &name)?;
        discard(&state)?;
        std::fs::create_dir_all(import_dir(&state))?;
        std::fs::write(&path, bytes)?;
        Ok(name.clone())
    })
}

/// Forgets the uploaded file (the clerk closed the import without importing).
#[tauri::command]
#[specta::specta]
pub fn customer_import_discard(state: State<'_, AppState>) -> WireResult<()> {
    Ok(discard(&state)?)
}

/// Sends the core's `(done, total)` to the UI's channel as [`ImportProgress`], at most every
/// 100 ms (and always the last step).
fn throttled<'a>(
    channel: &'a Channel<ImportProgress>,
    phase: &'a str,
) -> impl FnMut(u64, u64) + 'a {
    let mut last: Option<Instant> = None;
    move |done, total| {
        if done < total && last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) {
            return;
        }
        last = Some(Instant::now());
        let p = ImportProgress {
            phase: phase.to_string(),
            done,
            total,
        };
        if let Err(e) = channel.send(p) {
            tracing::warn!(error = %e, "cannot send import progress");
        }
    }
}

/// Reads and checks the uploaded file, writing nothing: counts and every problem by row.
#[tauri::command]
#[specta::specta]
pub async fn customer_import_preview(
    state: State<'_, AppState>,
    upload: String,
    progress: Channel<ImportProgress>,
) -> WireResult<ImportReport> {
    let path = upload_path(&state, &upload)?;
    let mut progress = throttled(&progress, "preview");
    state.read(|s, eid| import::preview_customers_xlsx(s.conn(), eid, &path, &mut progress))
}

/// Imports the uploaded file (all rows, or with `accept_valid_only` the valid ones when some are
/// bad); the file is forgotten once imported.
#[tauri::command]
#[specta::specta]
pub async fn customer_import(
    state: State<'_, AppState>,
    upload: String,
    accept_valid_only: bool,
    progress: Channel<ImportProgress>,
) -> WireResult<ImportReport> {
    let path = upload_path(&state, &upload)?;
    let mut progress = throttled(&progress, "import");
    let report = state.write(|w, eid| {
        import::import_customers_xlsx(w, eid, &path, accept_valid_only, &mut progress)
    })?;
    discard(&state)?;
    Ok(report)
}
