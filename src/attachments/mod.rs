//! Attachments (附件): the photos, scans and short recordings of a case — an intake, a complaint,
//! a repair order or a 赔付 claim (seed: 问题记录应包括但不限于文字、图片、影像; the complaint rules' 音频、
//! 视频、照片). A row per attachment ties a stored file to its subject, with the clerk's file name,
//! its kind, size and SHA-256, who added it when and a note.
//!
//! Invariants:
//! - The file lives in the attachments store (the data folder's `attachments/`, [`files`]) by its
//!   content's hash, written before the row (a failed transaction leaves at most an unreferenced
//!   file, which the same content reuses) and never overwritten.
//! - The kind is read from the content (magic bytes); a kind the policy does not allow, a name
//!   whose extension claims another kind, a file over the per-file size, or one more than the
//!   subject's count or total size allows is refused naming the field, in Chinese. The limits and
//!   the allowed kinds are policy data ([`AttachmentPolicy`]).
//! - Nothing is deleted: voiding detaches an attachment with a reason (its adder or a
//!   supervisor); the file stays, and verification and backups still cover it.
//! - The subject is named by `subject_kind` + `subject_id` ([`AttachmentSubject`]), so a new kind
//!   of case attaches files by adding its word and its table in [`subject`].

pub mod files;

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::auth;
use crate::error::{Error, Result};
use crate::policy;
use crate::store::Write;
use crate::validate::TextRule;
use crate::vocab::{AttachmentSubject, MediaType};

pub use crate::policy::attachments::AttachmentPolicy;

const MB: i64 = 1024 * 1024;

/// One attachment as stored.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Attachment {
    pub id: String,
    pub subject_kind: AttachmentSubject,
    pub subject_id: String,
    /// The name the clerk's file had.
    pub file_name: String,
    pub media_type: MediaType,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size_bytes: i64,
    pub sha256: String,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// Who added it, by name.
    pub added_by: String,
    pub voided_at: Option<String>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

/// A file to attach: what it belongs to, the name it had and a note (its bytes come beside).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct NewAttachment {
    /// `intake`, `complaint`, `repair` or `claim` (or 登记 / 投诉 / 维修单 / 赔付单).
    pub subject_kind: String,
    /// The subject's id or number (`LH-TS2026-0001`).
    pub subject: String,
    pub file_name: String,
    pub note: Option<String>,
}

const FILE_NAME: TextRule = TextRule::line("file_name", "文件名", 200);
const NOTE: TextRule = TextRule::text("note", "附件说明", 500);
const REASON: TextRule = TextRule::text("reason", "作废原因", 500);

/// A subject found by id or number.
pub struct Subject {
    pub id: String,
    pub estate_id: String,
    pub voided: bool,
}

/// The subject `id_or_no` of this kind; an error naming the field when there is none.
pub fn subject(conn: &Connection, kind: AttachmentSubject, id_or_no: &str) -> Result<Subject> {
    let table = match kind {
        AttachmentSubject::Intake => "intakes",
        AttachmentSubject::Complaint => "complaints",
        AttachmentSubject::Repair => "repair_orders",
        AttachmentSubject::Claim => "claims",
    };
    conn.query_row(
        &format!(
            "SELECT id, estate_id, voided_at IS NOT NULL FROM {table} WHERE id = ?1 OR no = ?1"
        ),
        params![id_or_no.trim()],
        |r| {
            Ok(Subject {
                id: r.get(0)?,
                estate_id: r.get(1)?,
                voided: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| {
        Error::invalid(
            "subject",
            "附件所属",
            format!("没有编号为“{}”的{}", id_or_no.trim(), kind.label()),
        )
    })
}

/// Attaches `bytes` to a subject: checks them against the estate's policy, stores the file in
/// `store` (the attachments folder) by its hash and records the row. Any signed-in staff member.
pub fn add(w: &mut Write, store: &Path, input: &NewAttachment, bytes: &[u8]) -> Result<Attachment> {
    let kind = AttachmentSubject::parse("subject_kind", "附件所属", &input.subject_kind)?;
    let file_name = FILE_NAME.required(Some(&input.file_name))?;
    let note = NOTE.optional(input.note.as_deref())?;
    let Subject {
        id: subject_id,
        estate_id,
        voided,
    } = subject(&w.tx, kind, &input.subject)?;
    if voided {
        return Err(Error::invalid(
            "subject",
            "附件所属",
            format!(
                "{}“{}”已作废，不能再添加附件",
                kind.label(),
                input.subject.trim()
            ),
        ));
    }
    let limits = policy::current(&w.tx, &estate_id)?.policy.attachments;
    let media_type = admit(&limits, &file_name, bytes)?;
    let (count, total): (i64, i64) = w.tx.query_row(
        "SELECT count(*), COALESCE(sum(size_bytes), 0) FROM attachments
         WHERE subject_kind = ?1 AND subject_id = ?2 AND voided_at IS NULL",
        params![kind, subject_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if count >= i64::from(limits.max_per_subject) {
        return Err(Error::invalid(
            "file",
            "附件文件",
            format!(
                "这份{}已有 {count} 个附件，最多 {} 个",
                kind.label(),
                limits.max_per_subject
            ),
        ));
    }
    let size_bytes = bytes.len() as i64;
    if total + size_bytes > i64::from(limits.max_subject_mb) * MB {
        return Err(Error::invalid(
            "file",
            "附件文件",
            format!(
                "这份{}的附件已有 {}，加上此文件（{}）超过合计 {} MB 的上限",
                kind.label(),
                size_text(total),
                size_text(size_bytes),
                limits.max_subject_mb
            ),
        ));
    }
    let sha256 = files::sha256(bytes);
    files::put(store, &sha256, media_type, bytes)?;
    let id = w.new_id();
    w.tx.execute(
        "INSERT INTO attachments(id, estate_id, subject_kind, subject_id, file_name, media_type,
            size_bytes, sha256, note, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
        params![
            id,
            estate_id,
            kind,
            subject_id,
            file_name,
            media_type,
            size_bytes,
            sha256,
            note,
            w.now_db,
            w.actor.staff_id
        ],
    )?;
    let a = get(&w.tx, &id)?;
    w.audit_insert("attachment", &id, &a)?;
    Ok(a)
}

/// The file's kind when the policy accepts it: by content, matching its name's extension, within
/// the per-file size.
fn admit(limits: &AttachmentPolicy, file_name: &str, bytes: &[u8]) -> Result<MediaType> {
    let bad = |m: String| Error::invalid("file", "附件文件", m);
    let allowed = || {
        limits
            .allowed
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join("、")
    };
    if bytes.is_empty() {
        return Err(bad("文件是空的".into()));
    }
    let Some(kind) = MediaType::sniff(bytes) else {
        return Err(bad(format!(
            "“{file_name}”不是可接受的文件类型（可接受：{}）",
            allowed()
        )));
    };
    if !limits.allowed.contains(&kind) {
        return Err(bad(format!(
            "“{file_name}”是{}，本项目不接受（可接受：{}）",
            kind.label(),
            allowed()
        )));
    }
    if let Some(claimed) = MediaType::from_extension(file_name) {
        if claimed != kind {
            return Err(bad(format!(
                "“{file_name}”的扩展名是{}，内容却是{}：请检查文件",
                claimed.label(),
                kind.label()
            )));
        }
    }
    let size = bytes.len() as i64;
    if size > i64::from(limits.max_file_mb) * MB {
        return Err(bad(format!(
            "“{file_name}”有 {}，超过每个附件 {} MB 的上限",
            size_text(size),
            limits.max_file_mb
        )));
    }
    Ok(kind)
}

/// A size in words: `850 KB`, `3.2 MB`.
pub fn size_text(bytes: i64) -> String {
    if bytes < MB {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

const SELECT: &str = "SELECT a.id, a.subject_kind, a.subject_id, a.file_name, a.media_type,
        a.size_bytes, a.sha256, a.note, a.created_at, a.created_by,
        COALESCE(s.name, a.created_by), a.voided_at, a.voided_by, a.void_reason
    FROM attachments a LEFT JOIN staff s ON s.id = a.created_by";

fn row(r: &Row) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        subject_kind: r.get(1)?,
        subject_id: r.get(2)?,
        file_name: r.get(3)?,
        media_type: r.get(4)?,
        size_bytes: r.get(5)?,
        sha256: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
        created_by: r.get(9)?,
        added_by: r.get(10)?,
        voided_at: r.get(11)?,
        voided_by: r.get(12)?,
        void_reason: r.get(13)?,
    })
}

/// One attachment by id.
pub fn get(conn: &Connection, id: &str) -> Result<Attachment> {
    conn.query_row(
        &format!("{SELECT} WHERE a.id = ?1"),
        params![id.trim()],
        row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("附件", id.trim()))
}

/// A subject's attachments in the order they were added; voided ones too when `with_voided`.
pub fn list(
    conn: &Connection,
    kind: AttachmentSubject,
    id_or_no: &str,
    with_voided: bool,
) -> Result<Vec<Attachment>> {
    let subject_id = subject(conn, kind, id_or_no)?.id;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE a.subject_kind = ?1 AND a.subject_id = ?2
         AND (?3 OR a.voided_at IS NULL) ORDER BY a.created_at, a.id"
    ))?;
    let rows = stmt.query_map(params![kind, subject_id, with_voided], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Detaches an attachment with a reason (the one who added it, or a supervisor); the file stays.
pub fn void(w: &mut Write, id: &str, reason: Option<&str>) -> Result<Attachment> {
    let reason = REASON.required(reason)?;
    let before = get(&w.tx, id)?;
    if before.voided_at.is_some() {
        return Err(Error::State(format!("附件“{}”已作废", before.file_name)));
    }
    if w.actor.staff_id != before.created_by {
        w.actor.require(auth::SUPERVISORS, "作废他人添加的附件")?;
    }
    w.tx.execute(
        "UPDATE attachments SET voided_at = ?2, voided_by = ?3, void_reason = ?4,
            updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![before.id, w.now_db, w.actor.staff_id, reason],
    )?;
    w.audit_void("attachment", &before.id, &reason)?;
    get(&w.tx, &before.id)
}

/// An attachment with its file's bytes (checked against the stored hash).
pub fn read(conn: &Connection, store: &Path, id: &str) -> Result<(Attachment, Vec<u8>)> {
    let a = get(conn, id)?;
    let bytes = files::read(store, &a.sha256, a.media_type, &a.file_name)?;
    Ok((a, bytes))
}

/// Where an attachment's file is in `store` (to open it with the system's viewer).
pub fn file_path(store: &Path, a: &Attachment) -> std::path::PathBuf {
    files::path(store, &a.sha256, a.media_type)
}
