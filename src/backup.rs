//! Backups and restore of the desk's database and its attachments.
//!
//! The caller passes the open [`Store`] (or, for restore, the database path) and the backup folder;
//! nothing here discovers paths. A backup is an SQLite online backup of the live database (its WAL
//! content included), written under a temporary name in the folder, switched to rollback-journal
//! mode, synced, then verified (opened read-only: it must be a FrontDesk database, pass
//! `PRAGMA integrity_check` and have an unbroken audit chain) and only then renamed to its final
//! name, e.g. `frontdesk-2026-11-23-0930-daily.sqlite3` (Beijing time). A copy that fails
//! verification is deleted; a file with a final name is therefore always a verified backup.
//!
//! The attachments' files go with it: the backup folder has an `attachments/` store of its own,
//! by content hash like the data folder's (see [`crate::attachments::files`]), shared by all the
//! backups in it. A backup copies in the files its database refers to that the folder lacks
//! (each copy checked against its hash) before it is verified; rotation never removes them. A file
//! the desk has lost (missing, or altered) cannot be copied: the backup is still made — the
//! register matters more than one photo — and names the lost files ([`BackupInfo::lost_files`]);
//! verification names the referenced files the backup folder lacks ([`Verified::lost_files`]).
//!
//! Invariants:
//! - Rotation keeps the newest [`BackupPolicy::keep_daily`] daily, [`BackupPolicy::keep_monthly`]
//!   monthly and [`BackupPolicy::keep_on_exit`] on-exit backups; manual and pre-migration backups
//!   are never removed.
//! - [`restore`] refuses a backup whose database fails verification and then changes nothing;
//!   attachment files the backup lacks are restored without, and named. Before
//!   replacing the database it keeps a copy of it (`frontdesk-before-restore-<time>.sqlite3`, in the
//!   database's folder, WAL content included). The replacement runs through the SQLite backup API
//!   into the live file as one transaction, so a crash mid-restore leaves either the old or the new
//!   database, never a mix. It must be called with no [`Store`] open on that database (close the
//!   app first); another process holding it gives a clear "in use" error.
//! - Every failure reaches the user in Chinese: folder not writable, disk full, database in use,
//!   corrupt file.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};
use serde::Serialize;

use crate::attachments::files;
use crate::error::{Error, Result};
use crate::policy;
use crate::store::{self, Store, Write};
use crate::time;

pub use crate::policy::backup::BackupPolicy;

/// Why a backup was taken; part of its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// The first start of a day.
    Daily,
    /// The first start of a month.
    Monthly,
    /// Asked for by a person; never rotated away.
    Manual,
    /// Taken when the app closes.
    #[serde(rename = "onexit")]
    OnExit,
    /// The database as an older FrontDesk left it, taken before a newer one migrates it; never
    /// rotated away.
    #[serde(rename = "premigration")]
    PreMigration,
}

impl BackupKind {
    /// Every kind, in display order.
    pub const ALL: [BackupKind; 5] = [
        BackupKind::Daily,
        BackupKind::Monthly,
        BackupKind::Manual,
        BackupKind::OnExit,
        BackupKind::PreMigration,
    ];

    /// The word in the file name and on the wire.
    pub fn code(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::Monthly => "monthly",
            BackupKind::Manual => "manual",
            BackupKind::OnExit => "onexit",
            BackupKind::PreMigration => "premigration",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Daily => "每日",
            BackupKind::Monthly => "每月",
            BackupKind::Manual => "手动",
            BackupKind::OnExit => "退出时",
            BackupKind::PreMigration => "升级前",
        }
    }

    /// Reads a kind given as its code or its Chinese label.
    pub fn parse(s: &str) -> Result<BackupKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s) || k.label() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "kind",
                    "备份类型",
                    "应为 daily（每日）、monthly（每月）、manual（手动）或 onexit（退出时）",
                )
            })
    }
}

/// The backup part of the desk's policy (the defaults before the desk is set up).
pub fn desk_policy(conn: &Connection) -> Result<BackupPolicy> {
    match crate::estate::only_estate(conn) {
        Ok(e) => Ok(policy::current(conn, &e.id)?.policy.backup),
        Err(_) => Ok(BackupPolicy::default()),
    }
}

/// Chooses the backup folder (empty = the data folder's `backups`): checks that the folder can be
/// created and written now, then saves it in the estate's policy as a new version (supervisors;
/// audited like every policy change). Returns the folder backups will go to.
pub fn set_folder(w: &mut Write, estate_id: &str, folder: &str, default: &Path) -> Result<PathBuf> {
    w.actor
        .require(crate::auth::SUPERVISORS, "设置备份文件夹")?;
    let mut p = policy::current(&w.tx, estate_id)?.policy;
    p.backup.folder = folder.trim().to_string();
    p.backup.validate()?;
    let dir = p.backup.folder_or(default);
    check_writable(&dir)?;
    let note = format!("备份文件夹改为 {}", dir.display());
    policy::save(w, estate_id, &p, Some(&note))?;
    Ok(dir)
}

/// Creates `dir` if needed and writes and removes a probe file in it.
fn check_writable(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| io_failure("创建备份文件夹", dir, e))?;
    let probe = dir.join(".frontdesk-probe");
    fs::write(&probe, b"ok").map_err(|e| io_failure("写入备份文件夹", dir, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// One backup file in the backup folder.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub file: PathBuf,
    pub kind: BackupKind,
    /// When it was taken, Beijing time (to the minute, from the file name).
    pub taken_at: NaiveDateTime,
    pub size_bytes: u64,
    /// Attachment files the desk had lost (missing or altered) when this backup was made, in
    /// words: they are not in it. Empty for a backup found in a folder (see [`verify_file`]).
    pub lost_files: Vec<String>,
}

/// What [`backup_if_due`] did.
#[derive(Debug, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueReport {
    pub made: Vec<BackupInfo>,
    /// Old backups removed by rotation.
    pub removed: Vec<PathBuf>,
}

/// What [`restore`] did.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreInfo {
    pub database: PathBuf,
    pub restored_from: PathBuf,
    /// The copy of the replaced database (none when there was no database yet).
    pub kept: Option<PathBuf>,
    /// Whether that copy itself passed verification (a damaged database is kept as it was).
    pub kept_verified: bool,
    /// Audit entries in the restored database.
    pub audit_entries: i64,
    /// Attachment files neither the backup nor the data folder had, in words.
    pub lost_files: Vec<String>,
}

/// What [`verify_file`] found of a database file that passed.
#[derive(Debug)]
pub struct Verified {
    pub audit_entries: i64,
    /// Referenced attachment files missing from the `attachments/` beside it, or not of their
    /// size, in words.
    pub lost_files: Vec<String>,
}

const PREFIX: &str = "frontdesk-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &str = "%Y-%m-%d-%H%M";

/// `frontdesk-2026-11-23-0930-daily.sqlite3`.
fn file_name(kind: BackupKind, now: DateTime<Utc>) -> String {
    let local = now.with_timezone(&time::beijing());
    format!("{PREFIX}{}-{}{SUFFIX}", local.format(STAMP), kind.code())
}

/// Reads a backup's kind and time from its file name; `None` for any other file.
fn parse_name(name: &str) -> Option<(BackupKind, NaiveDateTime)> {
    let core = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, kind) = core.rsplit_once('-')?;
    let kind = BackupKind::ALL.into_iter().find(|k| k.code() == kind)?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some((kind, at))
}

/// Makes a verified backup of the store's database in `dir` (created if missing).
/// A second backup of the same kind in the same minute replaces the first.
pub fn backup_now(
    store: &Store,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    backup_conn(store.conn(), dir, kind, now)
}

/// Makes a verified backup of the database file at `db_path` as it is on disk, without opening
/// it as a [`Store`] (which would migrate it): the copy a newer FrontDesk takes before it
/// migrates a database an older one wrote.
pub fn backup_file(
    db_path: &Path,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    let conn = Connection::open_with_flags(
        store::sqlite_path(db_path),
        OpenFlags::SQLITE_OPEN_READ_WRITE,
    )
    .map_err(|e| db_failure("打开数据库", db_path, e))?;
    conn.busy_timeout(store::BUSY_TIMEOUT)?;
    backup_conn(&conn, dir, kind, now)
}

fn backup_conn(
    conn: &Connection,
    dir: &Path,
    kind: BackupKind,
    now: DateTime<Utc>,
) -> Result<BackupInfo> {
    fs::create_dir_all(dir).map_err(|e| io_failure("创建备份文件夹", dir, e))?;
    let name = file_name(kind, now);
    let taken_at = parse_name(&name)
        .map(|(_, at)| at)
        .ok_or_else(|| Error::State(format!("备份文件名无法识别：{name}")))?;
    let target = dir.join(name);
    let lost_files = copy_verified(conn, &target, "备份")?;
    let size_bytes = fs::metadata(&target)
        .map_err(|e| io_failure("读取备份文件", &target, e))?
        .len();
    Ok(BackupInfo {
        file: target,
        kind,
        taken_at,
        size_bytes,
        lost_files,
    })
}

/// Copies the database behind `conn` to `target`: online backup to a temporary file beside it,
/// rollback-journal mode, the attachment files it refers to into the `attachments/` beside
/// `target`, sync, verification, rename. On any failure the temporary file is removed and
/// `target` is untouched. Returns the attachment files that could not be copied (lost).
fn copy_verified(conn: &Connection, target: &Path, doing: &str) -> Result<Vec<String>> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp_name = target.as_os_str().to_owned();
    tmp_name.push(".part");
    let tmp = PathBuf::from(tmp_name);
    // Creating the file first tells a read-only folder apart from an SQLite failure.
    fs::File::create(&tmp).map_err(|e| io_failure(doing, dir, e))?;
    let out = (|| {
        conn.backup(
            MAIN_DB,
            store::sqlite_path(&tmp),
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| db_failure(doing, &tmp, e))?;
        let copy =
            Connection::open(store::sqlite_path(&tmp)).map_err(|e| db_failure(doing, &tmp, e))?;
        copy.query_row("PRAGMA journal_mode=DELETE", [], |_| Ok(()))
            .map_err(|e| db_failure(doing, &tmp, e))?;
        let lost = match files::store_of(conn) {
            Some(from) => files::copy_referenced(&copy, &from, &files::beside(target), doing)?.1,
            None => Vec::new(),
        };
        drop(copy);
        // Opened for writing: Windows' FlushFileBuffers (behind `sync_all`) refuses a read-only
        // handle with "access denied", which would fail every backup there.
        fs::OpenOptions::new()
            .write(true)
            .open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_failure(doing, &tmp, e))?;
        verify_file(&tmp)?;
        fs::rename(&tmp, target).map_err(|e| io_failure(doing, target, e))?;
        sync_dir(dir);
        Ok(lost)
    })();
    if out.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    out
}

/// Makes the rename durable (Unix; on Windows the rename is durable once it returns).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Opens a database file read-only and checks it is a FrontDesk database that passes
/// `integrity_check` and whose audit chain is unbroken; names the attachment files that are not
/// in the `attachments/` beside it (present, of their size).
pub fn verify_file(path: &Path) -> Result<Verified> {
    let name = path.display();
    let bad = |why: String| Error::Corrupt(format!("文件 {name} 未通过校验：{why}"));
    let conn = Connection::open_with_flags(
        store::sqlite_path(path),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| bad(format!("无法打开（{e}）")))?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| bad(format!("无法读取（{e}）")))?;
    if app_id != store::APPLICATION_ID {
        return Err(bad("不是 FrontDesk 数据库".into()));
    }
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| bad(format!("文件已损坏（{e}）")))?;
    if integrity != ["ok"] {
        return Err(bad(format!("文件已损坏（{}）", integrity.join("；"))));
    }
    let chain = store::verify_audit_chain(&conn).map_err(|e| bad(e.to_string()))?;
    if let Some(seq) = chain.first_broken {
        return Err(bad(format!("审计链在第 {seq} 条处断开")));
    }
    let attached = files::check(&conn, &files::beside(path), false)?;
    Ok(Verified {
        audit_entries: chain.entries,
        lost_files: attached.problems,
    })
}

/// The backups in `dir`, newest first. A missing folder has none.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_failure("读取备份文件夹", dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_failure("读取备份文件夹", dir, e))?;
        let Some((kind, taken_at)) = entry.file_name().to_str().and_then(parse_name) else {
            continue;
        };
        let size_bytes = entry
            .metadata()
            .map_err(|e| io_failure("读取备份文件", &entry.path(), e))?
            .len();
        out.push(BackupInfo {
            file: entry.path(),
            kind,
            taken_at,
            size_bytes,
            lost_files: Vec::new(),
        });
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.file.cmp(&a.file)));
    Ok(out)
}

/// Removes the oldest daily, monthly and on-exit backups beyond the policy's numbers. Manual and
/// pre-migration backups are never removed. Returns the removed files.
pub fn rotate(dir: &Path, policy: &BackupPolicy) -> Result<Vec<PathBuf>> {
    let all = list(dir)?;
    let mut removed = Vec::new();
    for (kind, keep) in [
        (BackupKind::Daily, policy.keep_daily),
        (BackupKind::Monthly, policy.keep_monthly),
        (BackupKind::OnExit, policy.keep_on_exit),
    ] {
        for old in all.iter().filter(|b| b.kind == kind).skip(keep) {
            fs::remove_file(&old.file).map_err(|e| io_failure("删除旧备份", &old.file, e))?;
            removed.push(old.file.clone());
        }
    }
    Ok(removed)
}

/// At a start of the app (or from a scheduled task): the daily backup if there is none for
/// today, the monthly one if there is none for this month, then rotation. Does nothing more
/// the second time the same day.
pub fn backup_if_due(
    store: &Store,
    dir: &Path,
    now: DateTime<Utc>,
    policy: &BackupPolicy,
) -> Result<DueReport> {
    let today = time::local_date(now);
    let existing = list(dir)?;
    let has = |kind: BackupKind, same: &dyn Fn(chrono::NaiveDate) -> bool| {
        existing
            .iter()
            .any(|b| b.kind == kind && same(b.taken_at.date()))
    };
    let mut report = DueReport::default();
    if !has(BackupKind::Daily, &|d| d == today) {
        report
            .made
            .push(backup_now(store, dir, BackupKind::Daily, now)?);
    }
    if !has(BackupKind::Monthly, &|d| {
        (d.year(), d.month()) == (today.year(), today.month())
    }) {
        report
            .made
            .push(backup_now(store, dir, BackupKind::Monthly, now)?);
    }
    report.removed = rotate(dir, policy)?;
    Ok(report)
}

/// Replaces the database at `db_path` by a verified backup, keeping a copy of the database it
/// replaces. Call it with no [`Store`] open on `db_path`.
pub fn restore(db_path: &Path, backup_file: &Path, now: DateTime<Utc>) -> Result<RestoreInfo> {
    verify_file(backup_file).map_err(|e| match e {
        Error::Corrupt(why) => Error::Corrupt(format!("备份不可用，未恢复：{why}")),
        other => other,
    })?;
    let src = Connection::open_with_flags(
        store::sqlite_path(backup_file),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| db_failure("读取备份", backup_file, e))?;
    let found: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > store::schema_version() {
        return Err(Error::SchemaTooNew {
            found,
            supported: store::schema_version(),
        });
    }
    let (_, lost_files) = files::copy_referenced(
        &src,
        &files::beside(backup_file),
        &files::beside(db_path),
        "恢复附件",
    )?;
    let existed = fs::metadata(db_path).is_ok_and(|m| m.len() > 0);
    let mut live = Connection::open(store::sqlite_path(db_path))
        .map_err(|e| db_failure("打开数据库", db_path, e))?;
    live.busy_timeout(std::time::Duration::from_secs(2))?;
    live.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .map_err(|e| db_failure("打开数据库", db_path, e))?;
    // Another program writing the database: refuse before keeping or changing anything.
    live.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
        .map_err(|e| db_failure("恢复", db_path, e))?;
    let (kept, kept_verified) = if existed {
        let (k, ok) = keep_current(&live, db_path, now)?;
        (Some(k), ok)
    } else {
        (None, false)
    };
    {
        let b = Backup::new(&src, &mut live).map_err(|e| db_failure("恢复", db_path, e))?;
        match b.step(-1).map_err(|e| db_failure("恢复", db_path, e))? {
            StepResult::Done => {}
            _ => return Err(in_use(db_path)),
        }
    }
    live.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(|e| db_failure("恢复", db_path, e))?;
    drop(live);
    let audit_entries = verify_file(db_path)?.audit_entries;
    Ok(RestoreInfo {
        database: db_path.to_path_buf(),
        restored_from: backup_file.to_path_buf(),
        kept,
        kept_verified,
        audit_entries,
        lost_files,
    })
}

/// Keeps the database about to be replaced beside it. A database too damaged for the backup API
/// is kept as its raw files (main file and WAL) instead. Returns the copy and whether it verified.
fn keep_current(live: &Connection, db_path: &Path, now: DateTime<Utc>) -> Result<(PathBuf, bool)> {
    let local = now.with_timezone(&time::beijing());
    let kept = db_path.with_file_name(format!(
        "{PREFIX}before-restore-{}{SUFFIX}",
        local.format("%Y-%m-%d-%H%M%S")
    ));
    if copy_verified(live, &kept, "保留当前数据库").is_ok() {
        return Ok((kept, true));
    }
    fs::copy(db_path, &kept).map_err(|e| io_failure("保留当前数据库", &kept, e))?;
    let mut wal = db_path.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        let mut kept_wal = kept.as_os_str().to_owned();
        kept_wal.push("-wal");
        fs::copy(&wal, &kept_wal).map_err(|e| io_failure("保留当前数据库", &kept, e))?;
    }
    Ok((kept, false))
}

fn in_use(path: &Path) -> Error {
    Error::State(format!(
        "数据库 {} 正被其他程序使用，请先关闭 FrontDesk 再试",
        path.display()
    ))
}

/// A file-system failure, said in Chinese.
fn io_failure(doing: &str, path: &Path, e: std::io::Error) -> Error {
    let why = match e.kind() {
        ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        ErrorKind::StorageFull => "磁盘空间已满".to_string(),
        ErrorKind::ReadOnlyFilesystem => "磁盘为只读".to_string(),
        ErrorKind::NotADirectory | ErrorKind::AlreadyExists => {
            "路径中有一段是文件而不是文件夹".to_string()
        }
        ErrorKind::NotFound => "路径不存在".to_string(),
        _ => format!("系统错误（{e}）"),
    };
    Error::State(format!("{doing}失败：{}：{why}", path.display()))
}

/// An SQLite failure, said in Chinese.
fn db_failure(doing: &str, path: &Path, e: rusqlite::Error) -> Error {
    let why = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => return in_use(path),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            return Error::Corrupt(format!("{} 已损坏（{e}）", path.display()))
        }
        Some(ErrorCode::DiskFull) => "磁盘空间已满".to_string(),
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            "无法写入（只读或没有权限）".to_string()
        }
        _ => format!("数据库错误（{e}）"),
    };
    Error::State(format!("{doing}失败：{}：{why}", path.display()))
}
