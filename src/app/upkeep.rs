//! Looking after a desk's database: opening it (with the backup before an upgrade migrates it),
//! the full check before anyone works on it, the automatic backups, and the time tick.
//!
//! Invariants:
//! - A database an older FrontDesk wrote is never migrated without a verified copy of it as it
//!   was ([`open_store`]: kind [`BackupKind::PreMigration`], in the desk's backup folder, else the
//!   data folder's `backups`); when no copy can be made the database is left as it is and the
//!   error says why.
//! - [`verified`] fails with [`Error::Corrupt`] naming the first problem (file integrity,
//!   foreign keys, the audit chain's first break, an attachment file missing or altered).
//!   [`check`] is the same check as a report. [`fit_for_work`], the start-up check of the faces,
//!   fails on the database's problems only, so a face never uses a database that failed; a
//!   missing or altered attachment file comes back in its report for the face to show, because
//!   one lost photo must not stop a whole desk.
//! - An automatic backup never skips a day because the chosen folder (a USB stick, a share) is
//!   missing: it falls back to the data folder's `backups` and says so ([`Backed::warning`]).
//! - The time tick runs as the program itself (系统) in one transaction, on a desk that is set up.

use std::path::Path;

use crate::actor::Actor;
use crate::attachments;
use crate::backup::{self, BackupInfo, BackupKind, BackupPolicy, DueReport};
use crate::error::{Error, Result};
use crate::estate;
use crate::queues::{self, Tick};
use crate::store::{self, Store, VerifyReport};

use super::Paths;

/// A database written by an older FrontDesk, copied and then migrated by this one.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Upgrade {
    /// The schema version found on disk and the one it was migrated to.
    pub from: i64,
    pub to: i64,
    /// The verified copy of the database as it was (kind `premigration`).
    pub backup: BackupInfo,
    /// Set when the chosen backup folder failed and the copy went to the data folder instead.
    pub warning: Option<String>,
}

/// Opens the desk's database ([`Store::open`], which creates and migrates it). When the file on
/// disk was written by an older FrontDesk (an older schema), first makes a verified backup of it
/// as it is, kind [`BackupKind::PreMigration`], in the desk's backup folder (with the fallback to
/// the data folder's `backups`); without that backup nothing is migrated.
pub fn open_store(paths: &Paths) -> Result<(Store, Option<Upgrade>)> {
    let to = store::schema_version();
    let upgrade = match store::file_schema_version(&paths.database)? {
        Some(from) if from > 0 && from < to => {
            Some(backup_before_migration(paths, from, to).map_err(|e| {
                Error::State(format!(
                    "数据库需要从版本 {from} 升级到 {to}，但升级前的备份失败，数据库未改动：{e}"
                ))
            })?)
        }
        _ => None,
    };
    Ok((Store::open(&paths.database)?, upgrade))
}

fn backup_before_migration(paths: &Paths, from: i64, to: i64) -> Result<Upgrade> {
    let now = chrono::Utc::now();
    let make =
        |dir: &Path| backup::backup_file(&paths.database, dir, BackupKind::PreMigration, now);
    // The chosen folder is read from the old database itself; if its policy cannot be read
    // (an older layout), the data folder's `backups` is used.
    let chosen = rusqlite::Connection::open_with_flags(
        store::sqlite_path(&paths.database),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .ok()
    .and_then(|conn| backup::desk_policy(&conn).ok())
    .map_or_else(
        || paths.backups.clone(),
        |policy| paths.backup_folder(None, &policy),
    );
    let (backup, warning) = match make(&chosen) {
        Err(e) if chosen != paths.backups => (
            make(&paths.backups)?,
            Some(format!(
                "备份文件夹不可用（{e}），升级前的备份已改为备份到本机：{}",
                paths.backups.display()
            )),
        ),
        made => (made?, None),
    };
    Ok(Upgrade {
        from,
        to,
        backup,
        warning,
    })
}

/// The full check of a desk: the database (integrity, foreign keys, the audit hash chain) and
/// every attachment file it refers to (present, with the content it was stored with).
pub fn check(paths: &Paths, store: &Store) -> Result<VerifyReport> {
    let mut report = store.verify()?;
    let files = attachments::files::check(store.conn(), &paths.attachments, true)?;
    report.attachment_files = files.files;
    report.attachment_problems = files.problems;
    Ok(report)
}

/// [`check`], an error when anything failed (`frontdesk verify`, for IT).
pub fn verified(paths: &Paths, store: &Store) -> Result<VerifyReport> {
    let report = check(paths, store)?;
    match report.problem() {
        Some(problem) => Err(Error::Corrupt(problem)),
        None => Ok(report),
    }
}

/// [`check`] before anyone works on the desk: an error when the database failed; problems of the
/// attachment files stay in the report ([`attachments_warning`] words them for the clerk).
pub fn fit_for_work(paths: &Paths, store: &Store) -> Result<VerifyReport> {
    let report = check(paths, store)?;
    match report.database_problem() {
        Some(problem) => Err(Error::Corrupt(problem)),
        None => Ok(report),
    }
}

/// What the desk shows while attachment files are missing or altered: how many, the first, and
/// where to see them all; `None` when every file is as stored.
pub fn attachments_warning(report: &VerifyReport) -> Option<String> {
    let first = report.attachment_problems.first()?;
    Some(format!(
        "附件文件 {} 个缺失或被改动，如：{first}。请从备份找回这些文件（设置 › 备份 › 校验数据库与审计链 列出全部）",
        report.attachment_problems.len()
    ))
}

/// An automatic backup's result, and why it is not in the chosen folder when it is not.
pub struct Backed<T> {
    pub made: Result<T>,
    /// Set when the chosen folder failed and the backup went to the data folder instead.
    pub warning: Option<String>,
}

/// The day's and the month's backups if not made yet, then rotation (at start-up, after set-up,
/// from a scheduled `frontdesk backup --if-due`), with the fallback.
pub fn backup_if_due(paths: &Paths, store: &Store) -> Backed<DueReport> {
    let backed = with_fallback(paths, store, |dir, policy| {
        backup::backup_if_due(store, dir, store.now(), policy)
    });
    let lost = match &backed.made {
        Ok(r) => r
            .made
            .iter()
            .map(|b| b.lost_files.clone())
            .max_by_key(Vec::len),
        Err(_) => None,
    };
    with_lost_files(backed, &lost.unwrap_or_default())
}

/// The backup made when the app closes, with the fallback.
pub fn backup_on_exit(paths: &Paths, store: &Store) -> Backed<BackupInfo> {
    let backed = with_fallback(paths, store, |dir, _| {
        backup::backup_now(store, dir, BackupKind::OnExit, store.now())
    });
    let lost = backed.made.as_ref().ok().map(|b| b.lost_files.clone());
    with_lost_files(backed, &lost.unwrap_or_default())
}

/// Adds to an automatic backup's warning the attachment files it could not take (lost by the
/// desk): the backup was made, but without them.
fn with_lost_files<T>(mut backed: Backed<T>, lost: &[String]) -> Backed<T> {
    if let Some(first) = lost.first() {
        let words = format!(
            "已备份，但 {} 个附件文件缺失或被改动，未能备份，如：{first}",
            lost.len()
        );
        backed.warning = Some(match backed.warning.take() {
            Some(w) => format!("{w}；{words}"),
            None => words,
        });
    }
    backed
}

/// Runs an automatic backup into the chosen folder; when that fails it backs up into the data
/// folder's `backups` instead and returns a warning for the clerk.
fn with_fallback<T>(
    paths: &Paths,
    store: &Store,
    make: impl Fn(&Path, &BackupPolicy) -> Result<T>,
) -> Backed<T> {
    let policy = match backup::desk_policy(store.conn()) {
        Ok(p) => p,
        Err(e) => {
            return Backed {
                made: Err(e),
                warning: None,
            }
        }
    };
    let chosen = paths.backup_folder(None, &policy);
    match make(&chosen, &policy) {
        Err(e) if chosen != paths.backups => Backed {
            made: make(&paths.backups, &policy),
            warning: Some(format!(
                "备份文件夹不可用（{e}），已改为备份到本机：{}",
                paths.backups.display()
            )),
        },
        made => Backed {
            made,
            warning: None,
        },
    }
}

/// One time tick (grades that rise with age, overdue escalations) as the program itself, on a
/// connection of its own; `None` when the desk is not set up, or is read-only (the head office:
/// the estates' own desks raise their grades and escalations, which the sync brings).
pub fn tick(paths: &Paths) -> Result<Option<Tick>> {
    let (mut store, _) = open_store(paths)?;
    let Ok(estate) = estate::only_estate(store.conn()) else {
        return Ok(None);
    };
    if crate::store::read_only(store.conn())? {
        return Ok(None);
    }
    store
        .write(&Actor::system(), |w| queues::tick(w, &estate.id))
        .map(Some)
}
