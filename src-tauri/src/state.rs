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
//!
//! Sync (docs/sync.md) runs the same way on a desk that is enrolled: a thread of its own pushes and
//! pulls every [`SYNC_EVERY`] on a connection of its own; a desk that is offline keeps working and
//! the next run catches up. One sync at a time ([`AppState::sync_now`] waits for a running one).

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

pub use frontdesk::app::Paths;
use frontdesk::app::{upkeep, Session};
use frontdesk::estate::{self, Estate};
use frontdesk::privacy::{Plain, Redact, View};
use frontdesk::{backup, Actor, Error, Result, Store, Write};

use crate::error::{WireError, WireResult};

/// How often the open app runs the time tick. Deadlines are minutes to days; the tick is cheap.
pub const TICK_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// How often an enrolled desk syncs while the app is open.
pub const SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The mutable part: the session (the store, none when broken, and the signed-in clerk).
pub struct Desk {
    pub session: Option<Session>,
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
    /// Set by the start-up check while attachment files are missing or altered.
    attachments_warning: Arc<Mutex<Option<String>>>,
    /// Held while a sync runs.
    syncing: Arc<Mutex<()>>,
}

impl AppState {
    /// Opens the desk's database (if any) and starts its check and the start-up backup on a
    /// thread of their own; a failure is kept as the problem, never raised.
    pub fn open(paths: Paths) -> AppState {
        let mut upgrade_warning = None;
        let (session, problem) = match paths.database.exists().then(|| Session::open(&paths)) {
            None => (None, None),
            Some(Ok(session)) => {
                // A database an older FrontDesk wrote: copied (kind premigration), then migrated.
                if let Some(u) = session.upgraded() {
                    tracing::info!(from = u.from, to = u.to, backup = %u.backup.file.display(), "database upgraded");
                    upgrade_warning.clone_from(&u.warning);
                }
                (Some(session), None)
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, "database unusable");
                (None, Some(e.to_string()))
            }
        };
        let state = AppState {
            paths,
            desk: Arc::new(Mutex::new(Desk { session, problem })),
            checking: Arc::default(),
            backup_warning: Arc::new(Mutex::new(upgrade_warning)),
            attachments_warning: Arc::default(),
            syncing: Arc::default(),
        };
        state.start_up_check();
        state.start_ticker();
        state.start_syncer();
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

    /// Starts the sync's thread (see the module documentation).
    fn start_syncer(&self) {
        let syncer = self.clone();
        let started = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || loop {
                syncer.checked();
                if syncer.usable() {
                    match syncer.sync_now() {
                        Ok(Some(r)) => tracing::info!(words = %r.words(), "sync"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e.message, "sync failed"),
                    }
                }
                std::thread::sleep(SYNC_EVERY);
            });
        if let Err(e) = started {
            tracing::error!(error = %e, "sync not started");
        }
    }

    /// Whether the desk's database is open and passed its check.
    fn usable(&self) -> bool {
        let desk = self.desk();
        desk.problem.is_none() && desk.session.is_some()
    }

    /// One push and pull on a connection of its own, after any sync running now; `None` when the
    /// desk is not enrolled. Offline is a report, not an error.
    pub fn sync_now(&self) -> WireResult<Option<frontdesk::sync::SyncReport>> {
        let _one = self.syncing.lock().unwrap_or_else(|p| p.into_inner());
        let mut store = Store::open(&self.paths.database)?;
        if frontdesk::sync::state(store.conn())?.is_none() {
            return Ok(None);
        }
        Ok(Some(frontdesk::sync::run_enrolled(
            &mut store,
            frontdesk_sync_client::Client::new,
        )?))
    }

    /// One time tick as the program itself, when the database is usable.
    fn tick(&self) {
        if !self.usable() {
            return;
        }
        match upkeep::tick(&self.paths) {
            Ok(Some(t)) => tracing::info!(
                regraded = t.regraded.len(),
                escalated = t.escalated.len(),
                "time tick"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "time tick failed"),
        }
    }

    /// Checks the database on its own thread and connection, then makes the day's backup, so the
    /// window opens at once however large the database and however slow the backup folder (a
    /// network share). WAL: both read a consistent snapshot while the clerk works. A database
    /// that fails the check is closed and its problem kept for the recovery screen; missing or
    /// altered attachment files only raise a warning in the side bar.
    fn start_up_check(&self) {
        if self.desk().session.is_none() {
            return;
        }
        let (paths, warning) = (self.paths.clone(), Arc::clone(&self.backup_warning));
        let files_warning = Arc::clone(&self.attachments_warning);
        let (desk, checking) = (Arc::clone(&self.desk), Arc::clone(&self.checking));
        *checking.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        let run = move || {
            let store = Store::open(&paths.database);
            let checked = store
                .as_ref()
                .map_err(Error::to_string)
                .and_then(|s| upkeep::fit_for_work(&paths, s).map_err(|e| e.to_string()));
            if let Ok(report) = &checked {
                *files_warning.lock().unwrap_or_else(|p| p.into_inner()) =
                    upkeep::attachments_warning(report);
            }
            if let Err(problem) = &checked {
                tracing::error!(error = %problem, "database failed the start-up check");
                let mut desk = desk.lock().unwrap_or_else(|p| p.into_inner());
                (desk.session, desk.problem) = (None, Some(problem.clone()));
            }
            *checking.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
            checking.1.notify_all();
            if let (Ok(store), Ok(_)) = (&store, &checked) {
                daily_backup(&paths, store, &warning);
            }
        };
        let started = std::thread::Builder::new()
            .name("start-up check".into())
            .spawn(run);
        if let Err(e) = started {
            tracing::error!(error = %e, "start-up check not started");
            let mut desk = self.desk();
            (desk.session, desk.problem) = (None, Some(format!("无法校验数据库：{e}")));
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
        if let Some(s) = &desk.session {
            daily_backup(&self.paths, s.store(), &self.backup_warning);
        }
    }

    /// Which attachment files the start-up check found missing or altered, if any.
    pub fn attachments_warning(&self) -> Option<String> {
        self.attachments_warning
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// What went wrong with the last automatic backup: it failed, went to the data folder
    /// instead of the chosen one, or could not take lost attachment files.
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

    /// Runs `f` on the session (the database created on first use, for set-up and demo data),
    /// signed in or not.
    pub fn with_session<T: Plain>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> WireResult<T> {
        let mut desk = self.desk();
        if desk.problem.is_some() {
            return Err(WireError::new("corrupt", "数据库无法使用，请先从备份恢复"));
        }
        if desk.session.is_none() {
            desk.session = Some(Session::open(&self.paths)?);
        }
        let session = desk.session.as_mut().ok_or_else(not_set_up)?;
        Ok(f(session)?)
    }

    /// Runs `f` on the session of a desk that is set up (or not yet: `setup`).
    fn session<T>(&self, f: impl FnOnce(&mut Session) -> Result<T>) -> WireResult<T> {
        let mut desk = self.desk();
        Ok(f(desk.session.as_mut().ok_or_else(not_set_up)?)?)
    }

    /// A read as the signed-in clerk: the store and the estate id. Only values without personal
    /// data ([`Plain`]); personal data goes through [`AppState::seen`].
    pub fn read<T: Plain>(&self, f: impl FnOnce(&Store, &str) -> Result<T>) -> WireResult<T> {
        self.session(|s| s.read(f))
    }

    /// A read of personal data by a core function that checks who reads it (its role), as the
    /// signed-in clerk may see it.
    pub fn seen_by<T: Redact>(
        &self,
        view: View,
        f: impl FnOnce(&Store, &Actor) -> Result<T>,
    ) -> WireResult<T> {
        self.session(|s| {
            let clerk = s.clerk()?.clone();
            s.seen(view, |store, _| f(store, &clerk))
        })
    }

    /// A read of personal data, as the signed-in clerk may see it ([`frontdesk::privacy`]).
    pub fn seen<T: Redact>(
        &self,
        view: View,
        f: impl FnOnce(&Store, &str) -> Result<T>,
    ) -> WireResult<T> {
        self.session(|s| s.seen(view, f))
    }

    /// One write (one transaction) as the signed-in clerk, with the estate id; its result has
    /// no personal data ([`Plain`]).
    pub fn write<T: Plain>(&self, f: impl FnOnce(&mut Write, &str) -> Result<T>) -> WireResult<T> {
        self.session(|s| s.write(f))
    }

    /// One write whose result carries personal data, shown as one record opened.
    pub fn write_seen<T: Redact>(
        &self,
        f: impl FnOnce(&mut Write, &str) -> Result<T>,
    ) -> WireResult<T> {
        self.session(|s| s.write_seen(f))
    }

    /// Phones in a document: masked, or full after the audited supervisor check.
    pub fn disclosure(
        &self,
        full: bool,
        document: &str,
    ) -> WireResult<frontdesk::documents::Disclosure> {
        self.session(|s| s.disclosure(full, document))
    }

    /// A write that needs the store itself (policy, verification), as a clerk.
    pub fn signed_in_store<T: Plain>(
        &self,
        f: impl FnOnce(&mut Store, &Actor) -> Result<T>,
    ) -> WireResult<T> {
        self.session(|s| {
            let clerk = s.clerk()?.clone();
            f(s.store_mut(), &clerk)
        })
    }

    /// The estate the desk shows ([`Session::shown_estate`]), if it is set up.
    pub fn estate(&self) -> Option<Estate> {
        let desk = self.desk();
        desk.session
            .as_ref()
            .and_then(|s| s.shown_estate().ok().flatten())
    }

    /// The on-exit backup (`BackupKind::OnExit`), when the app closes with a usable database.
    pub fn backup_on_exit(&self) {
        let desk = self.desk();
        if let Some(s) = desk
            .session
            .as_ref()
            .filter(|s| matches!(s.shown_estate(), Ok(Some(_))))
        {
            match upkeep::backup_on_exit(&self.paths, s.store()).made {
                Ok(b) => tracing::info!(file = %b.file.display(), "on-exit backup"),
                Err(e) => tracing::warn!(error = %e, "on-exit backup failed"),
            }
        }
    }

    /// The backup folder the policy chose (the data folder's `backups` by default).
    pub fn backup_folder(&self, store: &Store) -> Result<PathBuf> {
        Ok(self
            .paths
            .backup_folder(None, &backup::desk_policy(store.conn())?))
    }

    /// The signed-in clerk and a second connection to the database for a long read (an export),
    /// so the desk stays usable meanwhile (WAL readers do not block the writer).
    pub fn reader(&self) -> WireResult<(Actor, Store)> {
        let clerk = self.session(|s| s.clerk().cloned())?;
        Ok((clerk, Store::open(&self.paths.database)?))
    }
}

/// The day's (and month's) backup if not made yet. Never fails the caller: a failure is logged,
/// and a chosen folder that cannot be used leaves a warning for the clerk.
fn daily_backup(paths: &Paths, store: &Store, warning: &Mutex<Option<String>>) {
    if !matches!(estate::estates(store.conn()).as_deref(), Ok([_, ..])) {
        return;
    }
    let backed = upkeep::backup_if_due(paths, store);
    let failed = match backed.made {
        Ok(r) => {
            tracing::info!(made = r.made.len(), "daily backups");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "daily backup failed");
            Some(format!("今日自动备份失败：{e}"))
        }
    };
    if let Some(w) = &backed.warning {
        tracing::warn!(warning = %w, "automatic backup warning");
    }
    *warning.lock().unwrap_or_else(|p| p.into_inner()) = failed.or(backed.warning);
}

fn not_set_up() -> WireError {
    WireError::new("setup", "尚未初始化：请先完成设置向导或载入演示数据")
}
