//! The shell's state: where the data lives (resolved once), the open store and who is signed in.
//!
//! Invariants: the store is only touched under the one mutex, so commands never interleave inside
//! a write; a command that needs a clerk fails with `signed_out` when nobody is signed in (or the
//! desk is locked); a database that fails to open or verify is never used: the shell keeps the
//! problem and offers the recovery screen (restore the latest good backup) instead.
//!
//! The full check of the database (integrity, foreign keys, the audit chain: seconds on a desk
//! with years of data) runs on a thread of its own while the window opens; signing in waits for
//! it ([`AppState::checked`]), so nobody works on a database that failed it. The start-up backup
//! follows on the same thread.
//!
//! The time tick (grades that rise with age, overdue escalations: `queues::tick`) runs on a
//! thread of its own as the program itself (系统): once the check has passed, then every
//! [`TICK_EVERY`] while the app is open, each time on a connection of its own (writers queue in
//! the store, so the clerk's saves are not refused meanwhile). A desk that is not set up, or
//! whose database is broken or being restored, is skipped.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use frontdesk::estate::{self, Estate};
use frontdesk::privacy::{self, Plain, Redact, View};
use frontdesk::{backup, Actor, Error, Result, Store, Write};

use crate::error::{WireError, WireResult};

/// The environment variable that redirects the data folder (also used by the CLI and the tests).
pub const DATA_DIR_ENV: &str = "FRONTDESK_DATA_DIR";

/// How often the open app runs the time tick. Deadlines are minutes to days; the tick is cheap.
pub const TICK_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The folders and files of one desk.
#[derive(Clone, Debug)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub database: PathBuf,
    /// The default backup folder (the policy may choose another: a USB stick, a share).
    pub backups: PathBuf,
    pub logs: PathBuf,
    /// Where printed and exported documents are written (`协调单/`, `派工单/`, `月末导出/` …).
    pub documents: PathBuf,
}

impl Paths {
    /// `FRONTDESK_DATA_DIR` (everything under it, for tests), else the user's data folder
    /// (`%APPDATA%\FrontDesk\FrontDesk\data`, `~/.local/share/frontdesk` …) with the documents in
    /// the user's Documents folder (`文档\FrontDesk`).
    pub fn resolve() -> Result<Paths> {
        if let Some(d) = std::env::var_os(DATA_DIR_ENV) {
            return Ok(Paths::under(Path::new(&d)));
        }
        let dir = directories::ProjectDirs::from("cn", "FrontDesk", "FrontDesk")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or_else(|| Error::State("找不到用户数据目录".into()))?;
        let mut paths = Paths::under(&dir);
        if let Some(docs) =
            directories::UserDirs::new().and_then(|u| u.document_dir().map(|d| d.join("FrontDesk")))
        {
            paths.documents = docs;
        }
        Ok(paths)
    }

    /// Every path under `dir`.
    pub fn under(dir: &Path) -> Paths {
        Paths {
            data_dir: dir.to_path_buf(),
            database: dir.join("frontdesk.sqlite3"),
            backups: dir.join("backups"),
            logs: dir.join("logs"),
            documents: dir.join("documents"),
        }
    }
}

/// The mutable part: the store (none before set-up or when broken) and the signed-in clerk.
pub struct Desk {
    pub store: Option<Store>,
    pub actor: Option<Actor>,
    /// Why the database could not be used (the recovery screen shows it).
    pub problem: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub paths: Paths,
    desk: Arc<Mutex<Desk>>,
    /// Whether the start-up check of the database is still running (false once it has ended).
    checking: Arc<(Mutex<bool>, Condvar)>,
    /// Why the last automatic backup did not reach the chosen folder (shown until one does).
    backup_warning: Arc<Mutex<Option<String>>>,
}

/// The full check of a database: integrity, foreign keys, the audit hash chain.
fn verify(store: &Store) -> Result<()> {
    match store.verify()?.problem() {
        Some(problem) => Err(Error::Corrupt(problem)),
        None => Ok(()),
    }
}

impl AppState {
    /// Opens the desk's database (if any) and starts its check and the start-up backup on a
    /// thread of their own; a failure is kept as the problem, never raised.
    pub fn open(paths: Paths) -> AppState {
        let (store, problem) = match paths
            .database
            .exists()
            .then(|| Store::open(&paths.database))
        {
            None => (None, None),
            Some(Ok(store)) => (Some(store), None),
            Some(Err(e)) => {
                tracing::error!(error = %e, "database unusable");
                (None, Some(e.to_string()))
            }
        };
        let state = AppState {
            paths,
            desk: Arc::new(Mutex::new(Desk {
                store,
                actor: None,
                problem,
            })),
            checking: Arc::default(),
            backup_warning: Arc::default(),
        };
        state.start_up_check();
        state.start_ticker();
        state
    }

    /// Starts the time tick's thread (see the module documentation).
    fn start_ticker(&self) {
        let ticker = self.clone();
        let started = std::thread::Builder::new()
            .name("time tick".into())
            .spawn(move || loop {
                ticker.checked();
                ticker.tick();
                std::thread::sleep(TICK_EVERY);
            });
        if let Err(e) = started {
            tracing::error!(error = %e, "time tick not started");
        }
    }

    /// One time tick as the program itself, when the desk is set up and its database usable.
    fn tick(&self) {
        let usable = {
            let desk = self.desk();
            desk.problem.is_none()
                && desk
                    .store
                    .as_ref()
                    .is_some_and(|s| estate::only_estate(s.conn()).is_ok())
        };
        if !usable {
            return;
        }
        let ticked = Store::open(&self.paths.database).and_then(|mut store| {
            let estate = estate::only_estate(store.conn())?;
            store.write(&Actor::system(), |w| frontdesk::queues::tick(w, &estate.id))
        });
        match ticked {
            Ok(t) => tracing::info!(
                regraded = t.regraded.len(),
                escalated = t.escalated.len(),
                "time tick"
            ),
            Err(e) => tracing::warn!(error = %e, "time tick failed"),
        }
    }

    /// Checks the database on its own thread and connection, then makes the day's backup, so the
    /// window opens at once however large the database and however slow the backup folder (a
    /// network share). WAL: both read a consistent snapshot while the clerk works. A database
    /// that fails the check is closed and its problem kept for the recovery screen.
    fn start_up_check(&self) {
        if self.desk().store.is_none() {
            return;
        }
        let (paths, warning) = (self.paths.clone(), Arc::clone(&self.backup_warning));
        let (desk, checking) = (Arc::clone(&self.desk), Arc::clone(&self.checking));
        *checking.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        let run = move || {
            let store = Store::open(&paths.database);
            let checked = store
                .as_ref()
                .map_err(Error::to_string)
                .and_then(|s| verify(s).map_err(|e| e.to_string()));
            if let Err(problem) = &checked {
                tracing::error!(error = %problem, "database failed the start-up check");
                let mut desk = desk.lock().unwrap_or_else(|p| p.into_inner());
                (desk.store, desk.actor, desk.problem) = (None, None, Some(problem.clone()));
            }
            *checking.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
            checking.1.notify_all();
            if let (Ok(store), Ok(())) = (&store, &checked) {
                daily_backup(&paths, store, &warning);
            }
        };
        let started = std::thread::Builder::new()
            .name("start-up check".into())
            .spawn(run);
        if let Err(e) = started {
            tracing::error!(error = %e, "start-up check not started");
            let mut desk = self.desk();
            (desk.store, desk.problem) = (None, Some(format!("无法校验数据库：{e}")));
            *self.checking.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
        }
    }

    /// Waits until the start-up check of the database has ended (at once when it has). Signing
    /// in calls it first: nobody works on a database before it passed.
    pub fn checked(&self) {
        let (running, ended) = &*self.checking;
        let mut running = running.lock().unwrap_or_else(|p| p.into_inner());
        while *running {
            running = ended.wait(running).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Whether the start-up check of the database is still running.
    pub fn checking(&self) -> bool {
        *self.checking.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The day's (and month's) automatic backup, at once: after set-up or the demo data.
    pub fn daily_backup(&self) {
        let desk = self.desk();
        if let Some(s) = &desk.store {
            daily_backup(&self.paths, s, &self.backup_warning);
        }
    }

    /// Why the last automatic backup did not reach the chosen folder, if it did not.
    pub fn backup_warning(&self) -> Option<String> {
        self.backup_warning
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The desk, locked. A poisoned lock (a panic in a command) is recovered: the store's
    /// transactions roll back on their own, so the data is consistent.
    pub fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the store (created on first use, for set-up and demo data) with no clerk.
    pub fn with_store<T: Plain>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> WireResult<T> {
        let mut desk = self.desk();
        if desk.problem.is_some() {
            return Err(WireError::new("corrupt", "数据库无法使用，请先从备份恢复"));
        }
        if desk.store.is_none() {
            std::fs::create_dir_all(&self.paths.data_dir).map_err(Error::from)?;
            desk.store = Some(Store::open(&self.paths.database)?);
        }
        let store = desk.store.as_mut().ok_or_else(not_set_up)?;
        Ok(f(store)?)
    }

    /// A read as the signed-in clerk: the store and the estate id. Only values without personal
    /// data ([`Plain`]); personal data goes through [`AppState::seen`].
    pub fn read<T: Plain>(&self, f: impl FnOnce(&Store, &str) -> Result<T>) -> WireResult<T> {
        let desk = self.desk();
        let (store, actor) = signed_in(&desk)?;
        Ok(f(store, &actor.estate_id)?)
    }

    /// A read of personal data, as the signed-in clerk may see it ([`frontdesk::privacy`]).
    pub fn seen<T: Redact>(
        &self,
        view: View,
        f: impl FnOnce(&Store, &str) -> Result<T>,
    ) -> WireResult<T> {
        let desk = self.desk();
        let (store, actor) = signed_in(&desk)?;
        Ok(privacy::redacted(f(store, &actor.estate_id)?, actor, view))
    }

    /// One write (one transaction) as the signed-in clerk, with the estate id; its result has
    /// no personal data ([`Plain`]).
    pub fn write<T: Plain>(&self, f: impl FnOnce(&mut Write, &str) -> Result<T>) -> WireResult<T> {
        Ok(self.write_as(f)?.0)
    }

    /// One write whose result carries personal data, shown as one record opened.
    pub fn write_seen<T: Redact>(
        &self,
        f: impl FnOnce(&mut Write, &str) -> Result<T>,
    ) -> WireResult<T> {
        let (value, actor) = self.write_as(f)?;
        Ok(privacy::redacted(value, &actor, View::Record))
    }

    /// One write as the signed-in clerk; the result and who wrote it.
    fn write_as<T>(&self, f: impl FnOnce(&mut Write, &str) -> Result<T>) -> WireResult<(T, Actor)> {
        let mut desk = self.desk();
        let actor = signed_in(&desk)?.1.clone();
        let store = desk.store.as_mut().ok_or_else(not_set_up)?;
        let value = store.write(&actor, |w| f(w, &actor.estate_id))?;
        Ok((value, actor))
    }

    /// A write that needs the store itself (set-up, demo data, verification), as a clerk.
    pub fn signed_in_store<T: Plain>(
        &self,
        f: impl FnOnce(&mut Store, &Actor) -> Result<T>,
    ) -> WireResult<T> {
        let mut desk = self.desk();
        let actor = signed_in(&desk)?.1.clone();
        let store = desk.store.as_mut().ok_or_else(not_set_up)?;
        Ok(f(store, &actor)?)
    }

    /// The estate of the database, if it is set up.
    pub fn estate(&self) -> Option<Estate> {
        let desk = self.desk();
        desk.store
            .as_ref()
            .and_then(|s| estate::only_estate(s.conn()).ok())
    }

    /// The on-exit backup (`BackupKind::OnExit`), when the app closes with a usable database.
    pub fn backup_on_exit(&self) {
        let desk = self.desk();
        if let Some(s) = desk
            .store
            .as_ref()
            .filter(|s| estate::only_estate(s.conn()).is_ok())
        {
            let (made, _) = backup_with_fallback(&self.paths, s, |dir, _| {
                backup::backup_now(s, dir, backup::BackupKind::OnExit, s.now())
            });
            match made {
                Ok(b) => tracing::info!(file = %b.file.display(), "on-exit backup"),
                Err(e) => tracing::warn!(error = %e, "on-exit backup failed"),
            }
        }
    }

    /// The backup folder the policy chose (the data folder's `backups` by default).
    pub fn backup_folder(&self, store: &Store) -> Result<PathBuf> {
        Ok(backup::desk_policy(store.conn())?.folder_or(&self.paths.backups))
    }

    /// The signed-in clerk and a second connection to the database for a long read (an export),
    /// so the desk stays usable meanwhile (WAL readers do not block the writer).
    pub fn reader(&self) -> WireResult<(Actor, Store)> {
        let actor = signed_in(&self.desk())?.1.clone();
        Ok((actor, Store::open(&self.paths.database)?))
    }
}

/// The day's (and month's) backup if not made yet. Never fails the caller: a failure is logged,
/// and a chosen folder that cannot be used leaves a warning for the clerk.
fn daily_backup(paths: &Paths, store: &Store, warning: &Mutex<Option<String>>) {
    if estate::only_estate(store.conn()).is_err() {
        return;
    }
    let (made, problem) = backup_with_fallback(paths, store, |dir, policy| {
        backup::backup_if_due(store, dir, store.now(), policy)
    });
    match made {
        Ok(r) => tracing::info!(made = r.made.len(), "daily backups"),
        Err(e) => tracing::warn!(error = %e, "daily backup failed"),
    }
    *warning.lock().unwrap_or_else(|p| p.into_inner()) = problem;
}

/// Runs an automatic backup into the policy's folder. When that folder fails (the USB stick is not
/// plugged in, the share is offline) it backs up into the data folder's `backups` instead, and
/// returns a warning for the clerk, so a day never passes without a backup.
fn backup_with_fallback<T>(
    paths: &Paths,
    store: &Store,
    make: impl Fn(&Path, &backup::BackupPolicy) -> Result<T>,
) -> (Result<T>, Option<String>) {
    let policy = match backup::desk_policy(store.conn()) {
        Ok(p) => p,
        Err(e) => return (Err(e), None),
    };
    let chosen = policy.folder_or(&paths.backups);
    match make(&chosen, &policy) {
        Err(e) if chosen != paths.backups => {
            tracing::warn!(error = %e, folder = %chosen.display(), "backup folder unusable");
            let warning = format!(
                "备份文件夹不可用（{e}），已改为备份到本机：{}",
                paths.backups.display()
            );
            (make(&paths.backups, &policy), Some(warning))
        }
        made => (made, None),
    }
}

fn not_set_up() -> WireError {
    WireError::new("setup", "尚未初始化：请先完成设置向导或载入演示数据")
}

fn signed_in(desk: &Desk) -> WireResult<(&Store, &Actor)> {
    let store = desk.store.as_ref().ok_or_else(not_set_up)?;
    let actor = desk
        .actor
        .as_ref()
        .ok_or_else(|| WireError::new("signed_out", "请先登录"))?;
    Ok((store, actor))
}
