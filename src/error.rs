//! The core's one error type.
//!
//! Every message is Simplified Chinese, because it reaches a clerk as is. A bad input is always
//! [`Error::Invalid`] naming the field (its input key and its Chinese label), so the UI can put the
//! message beside the right box and the CLI can print it. A failed operation never leaves anything
//! behind: errors are raised inside the write transaction, which then rolls back.

use serde::Serialize;
use thiserror::Error;

/// One problem found in one row of an import file.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it (1-based, header is row 1).
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// What a failed operation tells its caller, as data: the stable code the caller may branch on,
/// the Chinese message shown as is, the bad field's input key, the import's row problems. The
/// CLI prints it for `--json`; the app sends it over IPC.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub rows: Option<Vec<RowProblem>>,
}

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    /// A field's value is missing or wrong. `field` is the input key (e.g. `phone`),
    /// `label` the Chinese name shown to the clerk (e.g. `电话`).
    #[error("{label}：{message}")]
    Invalid {
        field: &'static str,
        label: &'static str,
        message: String,
    },
    /// A referenced record does not exist (or is voided where a live one is required).
    #[error("未找到{what}：{key}")]
    NotFound { what: &'static str, key: String },
    /// The record exists but its state forbids the operation (closed case edited, slip already filed…).
    #[error("{0}")]
    State(String),
    /// Login failed or the signed-in staff member may not do this.
    #[error("{0}")]
    Denied(String),
    /// A clerk's read or write with nobody signed in (or the desk locked).
    #[error("请先登录")]
    SignedOut,
    /// An import file had bad rows; nothing was imported.
    #[error("导入文件有 {} 行错误，未导入任何数据", .0.len())]
    Import(Vec<RowProblem>),
    /// The database was written by a newer FrontDesk.
    #[error("数据库版本（{found}）比本程序（{supported}）新，请升级 FrontDesk 后再打开")]
    SchemaTooNew { found: i64, supported: i64 },
    /// Stored data failed a check (integrity, audit chain).
    #[error("数据校验失败：{0}")]
    Corrupt(String),
    /// SQLite failed; the message says why in words a clerk can act on (disk full, read-only,
    /// in use by another program, damaged file) and that the operation was not saved.
    #[error("{}", database_message(.0))]
    Database(#[from] rusqlite::Error),
    #[error("{}", io_message(.0))]
    Io(#[from] std::io::Error),
    #[error("JSON 格式错误：{0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// A field-level input error.
    pub fn invalid(field: &'static str, label: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            label,
            message: message.into(),
        }
    }

    /// A missing record. The key is echoed shortened (a pasted 10,000-character id is not).
    pub fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        let key: String = key.into();
        let key = if key.chars().count() > 40 {
            key.chars().take(40).chain(['…']).collect()
        } else {
            key
        };
        Error::NotFound { what, key }
    }

    /// The error as data for a face to print or send ([`ErrorReport`]).
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code().to_string(),
            message: self.to_string(),
            field: match self {
                Error::Invalid { field, .. } => Some(field.to_string()),
                _ => None,
            },
            rows: match self {
                Error::Import(rows) => Some(rows.clone()),
                _ => None,
            },
        }
    }

    /// A short stable code for callers that branch on the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::State(_) => "state",
            Error::Denied(_) => "denied",
            Error::SignedOut => "signed_out",
            Error::Import(_) => "import",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Corrupt(_) => "corrupt",
            Error::Database(e) if is_corrupt(e) => "corrupt",
            Error::Database(e) if is_busy(e) => "busy",
            Error::Database(_) | Error::Io(_) | Error::Json(_) => "internal",
        }
    }
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(e.sqlite_error_code(), Some(DatabaseCorrupt | NotADatabase))
}

fn is_busy(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked))
}

const NOT_SAVED: &str = "本次操作未保存，已保存的记录不受影响";

fn database_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(DiskFull) => format!("磁盘空间已满：{NOT_SAVED}。请清理磁盘后重试"),
        Some(ReadOnly) => format!("数据库文件为只读：{NOT_SAVED}。请检查文件属性或磁盘写保护"),
        Some(DatabaseBusy | DatabaseLocked) => format!(
            "数据库正被另一个程序占用（另一台电脑、备份或同步程序）：{NOT_SAVED}。请稍后重试"
        ),
        Some(DatabaseCorrupt | NotADatabase) => {
            "数据库文件已损坏：请用最近一次完好的备份恢复（frontdesk restore）".to_string()
        }
        Some(CannotOpen | PermissionDenied) => {
            "无法打开数据库文件：文件夹不存在或没有读写权限".to_string()
        }
        Some(SystemIoFailure) => format!("磁盘读写失败：{NOT_SAVED}。请检查磁盘或U盘是否已拔出"),
        _ => format!("数据库错误：{e}"),
    }
}

fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull => "磁盘空间已满：文件未写入。请清理磁盘后重试".to_string(),
        ReadOnlyFilesystem => "磁盘为只读：文件未写入".to_string(),
        PermissionDenied => "没有权限读写该文件或文件夹".to_string(),
        NotFound => "文件或文件夹不存在".to_string(),
        _ => format!("文件错误：{e}"),
    }
}
