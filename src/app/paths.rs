//! Where one desk's files live: the data folder with the database and its attachments, the
//! default backup folder, the logs, and the folder documents are printed and exported into.
//!
//! Invariants: this is the only place in the core that reads the environment or asks the system
//! for the user's folders (`directories`); every other module takes paths as arguments.
//! [`DATA_DIR_ENV`] redirects every path at once (tests, a portable install).

use std::path::{Path, PathBuf};

use crate::backup::BackupPolicy;
use crate::error::{Error, Result};

/// The environment variable that redirects the data folder, and everything under it.
pub const DATA_DIR_ENV: &str = "FRONTDESK_DATA_DIR";

/// The environment variable that chooses another backup folder for the CLI's `backup`.
pub const BACKUP_DIR_ENV: &str = "FRONTDESK_BACKUP_DIR";

/// The folders and files of one desk.
#[derive(Clone, Debug)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub database: PathBuf,
    /// The attachments' files by content hash, beside the database (backups and restores find
    /// them there: [`crate::attachments::files::beside`]).
    pub attachments: PathBuf,
    /// The default backup folder (the policy may choose another: a USB stick, a share).
    pub backups: PathBuf,
    pub logs: PathBuf,
    /// Where printed and exported documents are written (`协调单/`, `派工单/`, `月末导出/` …).
    pub documents: PathBuf,
}

impl Paths {
    /// `data_dir` when given (the CLI's `--data-dir`), else [`DATA_DIR_ENV`] (everything under
    /// it), else the user's data folder (`%APPDATA%\FrontDesk\FrontDesk\data`,
    /// `~/.local/share/frontdesk` …) with the documents in the user's Documents folder
    /// (`文档\FrontDesk`).
    pub fn resolve(data_dir: Option<&Path>) -> Result<Paths> {
        if let Some(d) = data_dir {
            return Ok(Paths::under(d));
        }
        if let Some(d) = std::env::var_os(DATA_DIR_ENV) {
            return Ok(Paths::under(Path::new(&d)));
        }
        let dir = directories::ProjectDirs::from("cn", "FrontDesk", "FrontDesk")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or_else(|| {
                Error::State(format!(
                    "找不到用户数据目录：请用 --data-dir 或环境变量 {DATA_DIR_ENV} 指定"
                ))
            })?;
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
        let database = dir.join("frontdesk.sqlite3");
        Paths {
            data_dir: dir.to_path_buf(),
            attachments: crate::attachments::files::beside(&database),
            database,
            backups: dir.join("backups"),
            logs: dir.join("logs"),
            documents: dir.join("documents"),
        }
    }

    /// The backup folder: `chosen` when given (the CLI's `--dir`), else [`BACKUP_DIR_ENV`], else
    /// the folder the policy chose (`backup.folder`), else the data folder's `backups`.
    pub fn backup_folder(&self, chosen: Option<&Path>, policy: &BackupPolicy) -> PathBuf {
        match (chosen, std::env::var_os(BACKUP_DIR_ENV)) {
            (Some(d), _) => d.to_path_buf(),
            (None, Some(d)) => PathBuf::from(d),
            (None, None) => policy.folder_or(&self.backups),
        }
    }

    /// `<documents>/<kind>/<name>`, its folder created: `kind` is the document's folder
    /// (`协调单`, `派工单`, `投诉记录`, `登记表`, `月末导出/2026-11` …).
    pub fn document(&self, kind: &str, name: &str) -> Result<PathBuf> {
        let dir = self.documents.join(kind);
        std::fs::create_dir_all(&dir)?;
        Ok(dir.join(name))
    }
}

/// A record number as a file name (numbers are `LH-TS2026-0001`; anything else is replaced),
/// with a suffix (`-补打2`) and the extension (`pdf`, `xlsx`).
pub fn record_file_name(no: &str, suffix: &str, ext: &str) -> String {
    let safe: String = no
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}{suffix}.{ext}")
}

/// The PDF a record's print goes to: `<no>.pdf` the first time, `<no>-补打N.pdf` for the N-th
/// reprint (补打), so a reprint never overwrites the print before it.
pub fn print_file_name(no: &str, earlier_prints: i64) -> String {
    let suffix = match earlier_prints {
        0 => String::new(),
        n => format!("-补打{n}"),
    };
    record_file_name(no, &suffix, "pdf")
}
