//! The attachments' content store: one folder of files named by their SHA-256
//! (`<store>/ab/abcdef….jpg`), what kind a file is by its first bytes, and the checks and copies
//! of the store that verification, backup and restore make.
//!
//! Invariants:
//! - A file's name is its content's hash: the same content is the same file, stored once.
//! - A stored file is never overwritten: [`put`] writes a missing file beside its place and
//!   renames it there; an existing one is left as it is (an altered one is reported by
//!   [`check`], and a restore replaces it by the backup's good copy).
//! - The kind comes from the content (magic bytes); a name whose extension says otherwise is
//!   refused by the caller ([`crate::attachments::add`]).

use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::vocab::MediaType;

/// The attachments folder beside a database (`<data>/attachments` beside
/// `<data>/frontdesk.sqlite3`; a backup's `attachments/` beside its `.sqlite3` files).
pub fn beside(database: &Path) -> PathBuf {
    database.with_file_name("attachments")
}

/// The attachments folder of the database behind `conn` (none for a database in memory).
pub fn store_of(conn: &Connection) -> Option<PathBuf> {
    conn.path()
        .filter(|p| !p.is_empty())
        .map(|p| beside(Path::new(p)))
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file, read in pieces; `None` when it cannot be read.
fn file_sha256(path: &Path) -> Option<String> {
    let mut f = fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(hex(&h.finalize()))
}

/// Where the file with this hash and kind lives in `store`.
pub fn path(store: &Path, sha256: &str, kind: MediaType) -> PathBuf {
    store
        .join(&sha256[..2])
        .join(format!("{sha256}.{}", kind.extension()))
}

impl MediaType {
    /// The file extension the store gives it.
    pub fn extension(self) -> &'static str {
        self.code()
    }

    /// The MIME type (for the window's thumbnails).
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Heic => "image/heic",
            MediaType::Pdf => "application/pdf",
            MediaType::Mp3 => "audio/mpeg",
            MediaType::M4a => "audio/mp4",
            MediaType::Wav => "audio/wav",
            MediaType::Mp4 => "video/mp4",
            MediaType::Mov => "video/quicktime",
        }
    }

    /// A picture the window and the record PDF can show (HEIC is a photo they cannot draw).
    pub fn shows_as_picture(self) -> bool {
        matches!(self, MediaType::Jpg | MediaType::Png)
    }

    /// The kind a file name's extension claims (`照片.JPEG` → JPEG); `None` for any other.
    pub fn from_extension(name: &str) -> Option<MediaType> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jpeg" | "jpe" => Some(MediaType::Jpg),
            "heif" => Some(MediaType::Heic),
            "m4v" => Some(MediaType::Mp4),
            "qt" => Some(MediaType::Mov),
            other => MediaType::ALL.iter().copied().find(|t| t.code() == other),
        }
    }

    /// The kind of a file by its first bytes; `None` when it is none of the kinds.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        let at = |i: usize, s: &[u8]| bytes.get(i..i + s.len()) == Some(s);
        if at(0, &[0xFF, 0xD8, 0xFF]) {
            return Some(MediaType::Jpg);
        }
        if at(0, b"\x89PNG\r\n\x1a\n") {
            return Some(MediaType::Png);
        }
        if at(0, b"%PDF-") {
            return Some(MediaType::Pdf);
        }
        if at(0, b"RIFF") && at(8, b"WAVE") {
            return Some(MediaType::Wav);
        }
        if at(0, b"ID3") || (bytes.len() > 2 && bytes[0] == 0xFF && bytes[1] & 0xE6 == 0xE2) {
            return Some(MediaType::Mp3);
        }
        if at(4, b"ftyp") {
            let brand = bytes.get(8..12)?;
            return Some(match brand {
                b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                    MediaType::Heic
                }
                b"M4A " | b"M4B " => MediaType::M4a,
                b"qt  " => MediaType::Mov,
                _ => MediaType::Mp4,
            });
        }
        None
    }
}

/// Stores `bytes` (whose hash is `sha256`) unless the store has them already; returns the path.
pub fn put(store: &Path, sha256: &str, kind: MediaType, bytes: &[u8]) -> Result<PathBuf> {
    let target = path(store, sha256, kind);
    if target.exists() {
        return Ok(target);
    }
    write_new(&target, |part| fs::write(part, bytes))?;
    Ok(target)
}

/// Writes a file through `<target>.part` (written, synced, renamed), so a file with its final
/// name is always whole.
fn write_new(target: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| failure("保存附件", dir, e))?;
    let mut part = target.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let out = write(&part)
        .and_then(|()| fs::OpenOptions::new().write(true).open(&part)?.sync_all())
        .and_then(|()| fs::rename(&part, target))
        .map_err(|e| failure("保存附件", target, e));
    if out.is_err() {
        let _ = fs::remove_file(&part);
    }
    out
}

fn failure(doing: &str, path: &Path, e: std::io::Error) -> Error {
    let why = match e.kind() {
        ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        ErrorKind::StorageFull => "磁盘空间已满".to_string(),
        ErrorKind::NotFound => "文件不存在".to_string(),
        _ => format!("系统错误（{e}）"),
    };
    Error::State(format!("{doing}失败：{}：{why}", path.display()))
}

/// Reads a stored file, checking it is still what was stored.
pub fn read(store: &Path, sha256: &str, kind: MediaType, name: &str) -> Result<Vec<u8>> {
    let p = path(store, sha256, kind);
    let bytes = fs::read(&p).map_err(|e| match e.kind() {
        ErrorKind::NotFound => Error::State(format!("附件“{name}”的文件不见了：{}", p.display())),
        _ => failure("读取附件", &p, e),
    })?;
    if self::sha256(&bytes) != sha256 {
        return Err(Error::Corrupt(format!(
            "附件“{name}”的文件已被改动（校验值不符）：{}",
            p.display()
        )));
    }
    Ok(bytes)
}

/// One stored file a database refers to (live or voided: a voided attachment's file stays).
struct Stored {
    sha256: String,
    kind: MediaType,
    size: i64,
    name: String,
}

/// Every distinct file the database's attachments refer to; none when the database predates
/// attachments (an old backup).
fn stored(conn: &Connection) -> Result<Vec<Stored>> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT sha256, media_type, size_bytes, min(file_name) FROM attachments
         GROUP BY sha256, media_type ORDER BY min(created_at)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Stored {
            sha256: r.get(0)?,
            kind: r.get(1)?,
            size: r.get(2)?,
            name: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What [`check`] found.
pub struct Checked {
    /// Files checked.
    pub files: i64,
    /// Each missing or altered file, in words.
    pub problems: Vec<String>,
}

/// Checks every file the database refers to is in `store`: present, and (with `hashes`) with the
/// content it was stored with, else of the size it had (the cheap check of a backup listing).
pub fn check(conn: &Connection, store: &Path, hashes: bool) -> Result<Checked> {
    let all = stored(conn)?;
    let mut problems = Vec::new();
    for s in &all {
        let p = path(store, &s.sha256, s.kind);
        let size = fs::metadata(&p).map(|m| m.len() as i64);
        let problem = match size {
            Err(_) => Some("文件不见了"),
            Ok(n) if n != s.size => Some("文件已被改动（大小不符）"),
            Ok(_) if hashes && file_sha256(&p).as_deref() != Some(s.sha256.as_str()) => {
                Some("文件已被改动（校验值不符）")
            }
            Ok(_) => None,
        };
        if let Some(why) = problem {
            problems.push(format!("附件“{}”{why}：{}", s.name, p.display()));
        }
    }
    Ok(Checked {
        files: all.len() as i64,
        problems,
    })
}

/// Copies every file the database refers to from `from` into `to` that `to` lacks or holds
/// altered, checking each copy's hash. A file missing or altered in `from` (and not already good
/// in `to`) is not copied: it is lost, and returned in words, so that one lost photo never stops a
/// backup or a restore of the register. Returns the number of files copied and the lost ones.
pub fn copy_referenced(
    conn: &Connection,
    from: &Path,
    to: &Path,
    doing: &str,
) -> Result<(usize, Vec<String>)> {
    let (mut copied, mut lost) = (0, Vec::new());
    for s in stored(conn)? {
        let target = path(to, &s.sha256, s.kind);
        if file_sha256(&target).as_deref() == Some(s.sha256.as_str()) {
            continue;
        }
        let source = path(from, &s.sha256, s.kind);
        let bytes = match fs::read(&source) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                lost.push(format!("附件“{}”文件不见了：{}", s.name, source.display()));
                continue;
            }
            Err(e) => return Err(failure(doing, &source, e)),
        };
        if sha256(&bytes) != s.sha256 {
            lost.push(format!(
                "附件“{}”文件已被改动（校验值不符）：{}",
                s.name,
                source.display()
            ));
            continue;
        }
        write_new(&target, |part| fs::write(part, &bytes))?;
        copied += 1;
    }
    Ok((copied, lost))
}
