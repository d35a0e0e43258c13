//! 附件: a case's photos, scans and recordings on the intake record, the complaint page and the
//! repair order — add (the UI reads the clerk's file and sends its bytes in base64), list, the
//! file's bytes for a thumbnail, open with the system's viewer, void with a reason. The files
//! live in the data folder's attachments store (`Paths::attachments`).

use base64::Engine;
use frontdesk::attachments::{self, Attachment, NewAttachment};
use frontdesk::vocab::AttachmentSubject;
use frontdesk::Error;
use tauri::State;

use crate::error::{WireError, WireResult};
use crate::state::AppState;

/// Attaches the clerk's file (`data`: its bytes in base64) to an intake, complaint or repair.
#[tauri::command]
#[specta::specta]
pub fn attachment_add(
    state: State<'_, AppState>,
    input: NewAttachment,
    data: String,
) -> WireResult<Attachment> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| Error::invalid("file", "附件文件", "文件内容无法读取，请重新选择文件"))?;
    state.write(|w, _| attachments::add(w, &state.paths.attachments, &input, &bytes))
}

/// A case's attachments in the order they were added (the voided ones too with `with_voided`).
#[tauri::command]
#[specta::specta]
pub fn attachment_list(
    state: State<'_, AppState>,
    subject_kind: String,
    subject: String,
    with_voided: bool,
) -> WireResult<Vec<Attachment>> {
    state.read(|s, _| {
        let kind = AttachmentSubject::parse("subject_kind", "附件所属", &subject_kind)?;
        attachments::list(s.conn(), kind, &subject, with_voided)
    })
}

/// An attachment's file as a `data:` URL (for the thumbnails), checked against its hash.
#[tauri::command]
#[specta::specta]
pub fn attachment_data(state: State<'_, AppState>, id: String) -> WireResult<String> {
    state.read(|s, _| {
        let (a, bytes) = attachments::read(s.conn(), &state.paths.attachments, &id)?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        Ok(format!("data:{};base64,{b64}", a.media_type.mime()))
    })
}

/// Opens an attachment's file (checked against its hash) with the system's viewer.
#[tauri::command]
#[specta::specta]
pub fn attachment_open(state: State<'_, AppState>, id: String) -> WireResult<()> {
    let path = state.read(|s, _| {
        let (a, _) = attachments::read(s.conn(), &state.paths.attachments, &id)?;
        Ok(attachments::file_path(&state.paths.attachments, &a))
    })?;
    open::that_detached(&path).map_err(|e| {
        WireError::new(
            "state",
            format!("无法自动打开（{e}），文件在：{}", path.display()),
        )
    })
}

/// Detaches an attachment with the reason (its adder or a supervisor); the file stays.
#[tauri::command]
#[specta::specta]
pub fn attachment_void(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> WireResult<Attachment> {
    state.write(|w, _| attachments::void(w, &id, Some(&reason)))
}
