//! Where backups go and how many of each rotated kind to keep, as policy data with the seeds'
//! defaults.
//!
//! Pure data and its checks: taking, rotating and restoring backups is [`crate::backup`]'s.
//!
//! Invariants: the folder is empty (the data folder's `backups`) or a full path, on Windows or
//! elsewhere, whatever the platform this runs on; each rotated kind keeps 1–1000 copies.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where backups go and how many of each rotated kind to keep (the policy's `backup` part).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct BackupPolicy {
    /// The backup folder (a USB stick, a network share); empty = `backups` in the data folder.
    pub folder: String,
    pub keep_daily: usize,
    pub keep_monthly: usize,
    pub keep_on_exit: usize,
}

impl Default for BackupPolicy {
    fn default() -> Self {
        BackupPolicy {
            folder: String::new(),
            keep_daily: 14,
            keep_monthly: 12,
            keep_on_exit: 14,
        }
    }
}

impl BackupPolicy {
    /// The folder backups go to: the chosen one, else `default` (the data folder's `backups`).
    pub fn folder_or(&self, default: &Path) -> PathBuf {
        match self.folder.trim() {
            "" => default.to_path_buf(),
            f => PathBuf::from(f),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let folder = self.folder.trim();
        if !folder.is_empty() && !is_absolute(folder) {
            return Err(Error::invalid(
                "backup.folder",
                "备份文件夹",
                format!("“{folder}”不是完整路径，应如 E:\\物业前台备份 或 \\\\服务器\\共享\\备份"),
            ));
        }
        for (field, label, n) in [
            ("backup.keep_daily", "保留每日备份份数", self.keep_daily),
            ("backup.keep_monthly", "保留每月备份份数", self.keep_monthly),
            ("backup.keep_on_exit", "保留退出备份份数", self.keep_on_exit),
        ] {
            if !(1..=1000).contains(&n) {
                return Err(Error::invalid(field, label, "应为 1–1000 份"));
            }
        }
        Ok(())
    }
}

/// A full path on Windows (`E:\…`, `\\server\share`) or elsewhere (`/media/…`), whatever the
/// platform this runs on: the policy may be written on one machine and used on another.
fn is_absolute(folder: &str) -> bool {
    let b = folder.as_bytes();
    Path::new(folder).is_absolute()
        || folder.starts_with("\\\\")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
        || folder.starts_with('/')
}
