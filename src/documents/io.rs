//! How a document reads the register and reaches the disk: one read snapshot for all its parts
//! ([`read_snapshot`]), and the file written whole or not at all ([`write_atomic`]).
//!
//! Invariants: a document's counts and sheets come from one moment of the register while the desk
//! goes on writing; a target file is replaced only by a complete, synced file, so a failed export
//! leaves no half-written file and never damages an earlier one of the same name.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One read transaction on `conn` until dropped (unless the caller already holds one): every
/// count and sheet of a document then shows the register at the same moment, while the desk may
/// go on writing on its own connection.
pub(crate) fn read_snapshot(
    conn: &rusqlite::Connection,
) -> Result<Option<rusqlite::Transaction<'_>>> {
    Ok(if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    })
}

/// Writes a document through `write`, which receives a temporary path in the target's folder; the
/// temporary file is synced and renamed to `target` only when `write` succeeded, and removed when
/// it failed.
pub fn write_atomic<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let temp = temp_path(target)?;
    let result = write(&temp).and_then(|()| {
        // Opened for writing: Windows' FlushFileBuffers (behind `sync_all`) refuses a read-only
        // handle with "access denied", which would fail every document there.
        fs::OpenOptions::new().write(true).open(&temp)?.sync_all()?;
        fs::rename(&temp, target)?;
        if let Some(dir) = target.parent() {
            // Persist the rename itself; not possible (nor needed) on every platform.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn temp_path(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::invalid("out", "输出文件", "请给出文件名"))?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::invalid(
            "out",
            "输出文件",
            format!("文件夹不存在：{}", dir.display()),
        ));
    }
    Ok(dir.join(format!(".{name}.{}.part", uuid::Uuid::now_v7().simple())))
}
