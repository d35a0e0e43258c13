//! Start-up (the status and the desk's vocabulary), first run (set-up wizard or demo data),
//! signing in and out, the idle lock, and the recovery screen's backups when the database is
//! unusable.

use std::path::PathBuf;

use frontdesk::app::vocabulary::{self, Vocabulary};
use frontdesk::app::Session;
use frontdesk::backup::{self, BackupInfo, RestoreInfo};
use frontdesk::demo::{self, DemoSummary};
use frontdesk::estate::Estate;
use frontdesk::{policy, setup, Actor};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::{WireError, WireResult};
use crate::state::AppState;

/// Where the app is: first run, broken database, or ready for a clerk.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Setup,
    Broken,
    Ready,
}

#[derive(Debug, Serialize, specta::Type)]
pub struct AppStatus {
    pub phase: Phase,
    /// Why the database is unusable (phase `broken`).
    pub problem: Option<String>,
    pub estate: Option<Estate>,
    /// Every estate the desk holds when there are several (the head office); empty otherwise.
    pub estates: Vec<Estate>,
    /// A read-only desk (the head office): it looks, counts and exports, and writes nothing.
    pub read_only: bool,
    pub actor: Option<Actor>,
    /// Minutes without input before the desk locks (policy `session.idle_minutes`).
    pub idle_minutes: i64,
    /// The policy's complaint categories (the pickers' choices).
    pub categories: Vec<String>,
    /// Days before expiry from which a VIP card is re-checked and renewed (policy
    /// `vip.renew_window_days`): the 《VIP客户名册》 highlights cards this close to expiry.
    pub vip_renew_window_days: i64,
    pub data_dir: String,
    /// Where printed and exported documents go.
    pub documents_dir: String,
    /// Set when the last automatic backup failed, could not use the chosen folder, or could not
    /// take lost attachment files.
    pub backup_warning: Option<String>,
    /// Set when the start-up check found attachment files missing or altered (the desk works on).
    pub attachments_warning: Option<String>,
    /// The start-up check of the database is still running (signing in waits for it).
    pub checking: bool,
}

#[tauri::command]
#[specta::specta]
pub fn app_status(state: State<'_, AppState>) -> WireResult<AppStatus> {
    let mut estate = state.estate();
    if estate.is_none() && state.checking() {
        // A database without a readable estate may be a damaged one: the check tells.
        state.checked();
        estate = state.estate();
    }
    let desk = state.desk();
    let policy = match (&desk.session, &estate) {
        (Some(s), Some(e)) => policy::current(s.store().conn(), &e.id)?.policy,
        _ => policy::Policy::default(),
    };
    let (estates, read_only) = match (&desk.session, &desk.problem) {
        (Some(s), None) => (
            frontdesk::estate::estates(s.store().conn())?,
            frontdesk::store::read_only(s.store().conn())?,
        ),
        _ => (Vec::new(), false),
    };
    let estates = if estates.len() > 1 {
        estates
    } else {
        Vec::new()
    };
    let phase = match (&desk.problem, &estate) {
        (Some(_), _) => Phase::Broken,
        (None, None) => Phase::Setup,
        (None, Some(_)) => Phase::Ready,
    };
    Ok(AppStatus {
        phase,
        problem: desk.problem.clone(),
        estate,
        estates,
        read_only,
        actor: desk.session.as_ref().and_then(|s| s.signed_in().cloned()),
        idle_minutes: policy.session.idle_minutes,
        categories: policy.complaint_categories,
        vip_renew_window_days: policy.vip.renew_window_days,
        data_dir: state.paths.data_dir.display().to_string(),
        documents_dir: state.paths.documents.display().to_string(),
        backup_warning: state.backup_warning(),
        attachments_warning: state.attachments_warning(),
        checking: state.checking(),
    })
}

/// Views another estate the desk holds (the head office): every screen then reads that estate.
#[tauri::command]
#[specta::specta]
pub fn view_estate(state: State<'_, AppState>, estate: String) -> WireResult<Estate> {
    state.with_session(|s| s.view_estate(&estate))
}

/// The desk's whole vocabulary: every code's label, the roles, the supervisors. It needs neither
/// a clerk nor a usable database: set-up, sign-in and recovery show roles and backup kinds.
#[tauri::command]
#[specta::specta]
pub fn vocabulary() -> Vocabulary {
    vocabulary::read()
}

/// The set-up wizard's first page: the estate and its first supervisor.
#[derive(Debug, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct SetupInput {
    pub estate_name: String,
    pub estate_code: String,
    pub slip_title: Option<String>,
    pub admin_login: String,
    pub admin_name: String,
    pub admin_password: String,
}

/// Creates the estate (with the default departments) and the first supervisor, signed in.
#[tauri::command]
#[specta::specta]
pub fn setup_init(state: State<'_, AppState>, input: SetupInput) -> WireResult<Actor> {
    state
        .with_session(|s| {
            let slip_title = input.slip_title.as_deref().filter(|t| !t.trim().is_empty());
            setup::init(
                s.store_mut(),
                &input.estate_name,
                &input.estate_code,
                slip_title,
                &input.admin_login,
                &input.admin_name,
                &input.admin_password,
            )?;
            s.sign_in(&input.admin_login, &input.admin_password)
        })
        .inspect(|_| state.daily_backup())
}

/// Loads the demo estate (龙湖花园); staff sign in with the demo password.
#[tauri::command]
#[specta::specta]
pub fn demo_load(state: State<'_, AppState>) -> WireResult<DemoSummary> {
    state
        .with_session(|s| demo::load(s.store_mut(), demo::DEMO_SEED))
        .inspect(|_| state.daily_backup())
}

/// Signs a clerk in, once the start-up check of the database has passed (off the window's
/// thread: the check may still be running on a large database).
#[tauri::command(async)]
#[specta::specta]
pub fn login(state: State<'_, AppState>, login: String, password: String) -> WireResult<Actor> {
    state.checked();
    state.with_session(|s| s.sign_in(&login, &password))
}

/// Signs the clerk out (switching clerk, or the idle lock): the next command needs a sign-in.
#[tauri::command]
#[specta::specta]
pub fn logout(state: State<'_, AppState>) {
    if let Some(s) = state.desk().session.as_mut() {
        s.sign_out();
    }
}

/// The backups on the recovery screen, newest first, each checked: `ok` when its database
/// passed; `problem` says why not, or which attachment files it lacks.
#[derive(Debug, Serialize, specta::Type)]
pub struct CheckedBackup {
    pub backup: BackupInfo,
    pub ok: bool,
    pub problem: Option<String>,
}

/// `folder`: another folder to look in (the USB stick or share the policy chose: the damaged
/// database's policy cannot be read); empty = the data folder's `backups`.
#[tauri::command]
#[specta::specta]
pub fn recovery_backups(
    state: State<'_, AppState>,
    folder: Option<String>,
) -> WireResult<Vec<CheckedBackup>> {
    let folder = folder.filter(|f| !f.trim().is_empty()).map(PathBuf::from);
    Ok(
        backup::list(folder.as_deref().unwrap_or(&state.paths.backups))?
            .into_iter()
            .map(|b| {
                let check = backup::verify_file(&b.file);
                CheckedBackup {
                    ok: check.is_ok(),
                    problem: match check {
                        Err(e) => Some(e.to_string()),
                        Ok(v) => v.lost_files.first().map(|first| {
                            format!("缺 {} 个附件文件，如：{first}", v.lost_files.len())
                        }),
                    },
                    backup: b,
                }
            })
            .collect(),
    )
}

/// Replaces the unusable database by a backup, then opens it (nobody is signed in afterwards).
#[tauri::command]
#[specta::specta]
pub fn recovery_restore(state: State<'_, AppState>, file: String) -> WireResult<RestoreInfo> {
    let mut desk = state.desk();
    if desk.problem.is_none() {
        return Err(WireError::new(
            "state",
            "数据库正常，无需恢复；恢复备份请在“设置 › 备份”中进行",
        ));
    }
    desk.session = None;
    // The damaged file is kept beside, renamed, so the restore starts from no database.
    let db = &state.paths.database;
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", db.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}.damaged-{stamp}{suffix}", db.display()));
            std::fs::rename(&from, &to).map_err(frontdesk::Error::from)?;
        }
    }
    let info = backup::restore(db, &PathBuf::from(file), chrono::Utc::now())?;
    desk.session = Some(Session::open(&state.paths)?);
    desk.problem = None;
    Ok(info)
}
