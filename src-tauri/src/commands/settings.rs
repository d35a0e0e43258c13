//! 设置: the estate, departments, staff, the policy (as TOML text, versioned by the core) and
//! backups (manual backup, list, restore).

use frontdesk::app::{upkeep, Session};
use frontdesk::backup::{self, BackupInfo, BackupKind};
use frontdesk::estate::{self, Department, Estate, Staff, StaffInput, Unit};
use frontdesk::store::VerifyReport;
use frontdesk::{auth, policy, Error};
use serde::Serialize;
use tauri::State;

use crate::error::WireResult;
use crate::state::AppState;

/// The estate with its departments and staff (the lists every form's pickers use).
#[derive(Debug, Serialize, specta::Type)]
pub struct EstateView {
    pub estate: Estate,
    pub departments: Vec<Department>,
    pub staff: Vec<Staff>,
}

frontdesk::plain!(EstateView);

#[tauri::command]
#[specta::specta]
pub fn estate_show(state: State<'_, AppState>) -> WireResult<EstateView> {
    state.read(|s, eid| {
        Ok(EstateView {
            estate: estate::estate(s.conn(), eid)?,
            departments: estate::departments(s.conn(), eid)?,
            staff: estate::staff_list(s.conn(), eid)?,
        })
    })
}

#[tauri::command]
#[specta::specta]
pub fn department_add(state: State<'_, AppState>, name: String) -> WireResult<Department> {
    state.write(|w, eid| estate::add_department(w, eid, Some(&name)))
}

/// Adds a unit (房号, e.g. `3-2-1201` or `3栋2单元1201`) to the register, with its area (m²) if
/// known: a new owner's unit before the Excel import has it.
#[tauri::command]
#[specta::specta]
pub fn unit_add(
    state: State<'_, AppState>,
    code: String,
    area_m2: Option<f64>,
) -> WireResult<Unit> {
    state.write(|w, eid| estate::add_unit(w, eid, &code, area_m2))
}

#[tauri::command]
#[specta::specta]
pub fn staff_add(state: State<'_, AppState>, input: StaffInput) -> WireResult<Staff> {
    state.write(|w, eid| estate::add_staff(w, eid, &input))
}

#[tauri::command]
#[specta::specta]
pub fn staff_set_password(
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> WireResult<()> {
    state.write(|w, _| estate::set_password(w, &login, &password))
}

#[tauri::command]
#[specta::specta]
pub fn staff_void(state: State<'_, AppState>, login: String, reason: String) -> WireResult<()> {
    state.write(|w, _| estate::void_staff(w, &login, Some(&reason)))
}

/// The current policy as TOML, with its version in a first comment line.
#[tauri::command]
#[specta::specta]
pub fn policy_toml(state: State<'_, AppState>) -> WireResult<String> {
    state.read(|s, eid| {
        let v = policy::current(s.conn(), eid)?;
        Ok(format!(
            "# 政策第 {} 版\n{}",
            v.version,
            policy::to_toml(&v.policy)?
        ))
    })
}

/// Saves the edited TOML as a new policy version (applies to new decisions only).
#[tauri::command]
#[specta::specta]
pub fn policy_save(
    state: State<'_, AppState>,
    toml: String,
    note: Option<String>,
) -> WireResult<i64> {
    state.write(|w, eid| policy::save(w, eid, &policy::from_toml(&toml)?, note.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn backup_now(state: State<'_, AppState>) -> WireResult<BackupInfo> {
    state.signed_in_store(|s, a| {
        a.require(auth::SUPERVISORS, "手动备份")?;
        backup::backup_now(s, &state.backup_folder(s)?, BackupKind::Manual, s.now())
    })
}

/// The backups in the chosen folder, newest first.
#[tauri::command]
#[specta::specta]
pub fn backup_list(state: State<'_, AppState>) -> WireResult<Vec<BackupInfo>> {
    state.read(|s, _| backup::list(&state.backup_folder(s)?))
}

/// The backup folder in use and the default one.
#[derive(Debug, Serialize, specta::Type)]
pub struct BackupFolder {
    pub folder: String,
    pub default_folder: String,
}

frontdesk::plain!(BackupFolder);

#[tauri::command]
#[specta::specta]
pub fn backup_folder(state: State<'_, AppState>) -> WireResult<BackupFolder> {
    state.read(|s, _| {
        Ok(BackupFolder {
            folder: state.backup_folder(s)?.display().to_string(),
            default_folder: state.paths.backups.display().to_string(),
        })
    })
}

/// Chooses the backup folder (a USB stick, a network share; empty = the default), checked for
/// writing now and saved in the policy (supervisors, audited).
#[tauri::command]
#[specta::specta]
pub fn backup_folder_set(state: State<'_, AppState>, folder: String) -> WireResult<String> {
    state
        .write(|w, eid| backup::set_folder(w, eid, &folder, &state.paths.backups))
        .map(|d| d.display().to_string())
}

/// Checks the database (integrity, foreign keys), walks the audit chain and checks every
/// attachment file (supervisors).
#[tauri::command]
#[specta::specta]
pub fn audit_verify(state: State<'_, AppState>) -> WireResult<VerifyReport> {
    state.signed_in_store(|s, a| {
        a.require(auth::SUPERVISORS, "校验数据库和审计链")?;
        upkeep::check(&state.paths, s)
    })
}

/// Replaces the database by a backup (supervisor); everyone must sign in again afterwards.
#[tauri::command]
#[specta::specta]
pub fn backup_restore(state: State<'_, AppState>, file: String) -> WireResult<backup::RestoreInfo> {
    let mut desk = state.desk();
    let clerk = match &desk.session {
        Some(s) => s.clerk()?.clone(),
        None => return Err(Error::SignedOut.into()),
    };
    clerk.require(auth::SUPERVISORS, "从备份恢复")?;
    desk.session = None;
    let restored = backup::restore(
        &state.paths.database,
        std::path::Path::new(&file),
        chrono::Utc::now(),
    );
    desk.session = Some(Session::open(&state.paths)?);
    restored.map_err(Error::into)
}
