//! Printing and exporting: the 协调单 and the 派工单 (each print recorded, reprints 补打), a complaint's 《客户投诉处理记录表》
//! and the month-end workbook and report, written under the documents folder; opening a written
//! file in the system's PDF viewer (where the clerk prints it) or a folder in the file manager.
//!
//! Invariants: every file comes from one core function (`frontdesk::documents`), so the app and
//! the CLI write the same documents. Phone numbers are masked unless a supervisor asks for them
//! in full, which the core records in the audit log. Only files under the documents folder can
//! be opened from the UI. The month export reads on its own connection, off the UI thread, and
//! reports progress on the channel the UI passes.

use std::path::Path;

use frontdesk::app::paths::{print_file_name, record_file_name};
use frontdesk::documents::{self, pdf, xlsx, Disclosure, Format, Register};
use frontdesk::kpi::{self, KpiReport};
use frontdesk::time::Period;
use frontdesk::{repairs, slips, Error};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{WireError, WireResult};
use crate::state::AppState;

/// A document written to disk.
#[derive(Debug, Serialize, specta::Type)]
pub struct DocumentFile {
    pub path: String,
    /// Pages (PDF) or data rows (XLSX).
    pub count: u64,
    pub bytes: u64,
}

impl From<pdf::Written> for DocumentFile {
    fn from(w: pdf::Written) -> Self {
        DocumentFile {
            path: w.path,
            count: w.pages as u64,
            bytes: w.bytes,
        }
    }
}

/// The month-end pair and the folder they are in.
#[derive(Debug, Serialize, specta::Type)]
pub struct MonthExport {
    pub folder: String,
    pub workbook: DocumentFile,
    pub report: DocumentFile,
}

/// Progress of the month export, as `(done, total)` rows of the workbook.
#[derive(Clone, Debug, Serialize, specta::Type)]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
}

/// What a recorded print needs to know of its record before printing: its number and how often
/// it was printed before (`slips::load`, `repairs::order`).
type PrintedBefore = fn(&rusqlite::Connection, &str) -> frontdesk::Result<(String, i64)>;

/// How a recorded print is made: `pdf::print_slip`, `pdf::print_repair_order`.
type PrintRecord =
    fn(&mut frontdesk::Write, &str, Disclosure, &Path) -> frontdesk::Result<pdf::Written>;

/// A print that is recorded with its record, in one transaction: to `<kind>/<no>.pdf`, later
/// prints to `<no>-补打N.pdf` (marked 补打 on the paper); full numbers only after the audited
/// unmask.
fn recorded_print(
    state: &AppState,
    kind: &str,
    key: &str,
    full_phones: bool,
    before: PrintedBefore,
    print: PrintRecord,
) -> WireResult<DocumentFile> {
    state
        .write(|w, eid| {
            let (no, printed) = before(&w.tx, key)?;
            let out = state.paths.document(kind, &print_file_name(&no, printed))?;
            let d = match full_phones {
                true => documents::unmask(w, eid, &format!("{kind} {no}"))?,
                false => Disclosure::Masked,
            };
            print(w, &no, d, &out)
        })
        .map(DocumentFile::from)
}

/// Prints a 协调单 (A5), logging the print; reprints are 补打.
#[tauri::command]
#[specta::specta]
pub fn slip_print(
    state: State<'_, AppState>,
    id: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    recorded_print(
        &state,
        "协调单",
        &id,
        full_phones,
        |c, k| slips::load(c, k).map(|s| (s.no, s.print_count)),
        pdf::print_slip,
    )
}

/// Prints the 派工单 (three parts on one A4) of a repair order, logging the print; reprints are
/// 补打 and name the repairer the order is with now.
#[tauri::command]
#[specta::specta]
pub fn repair_print(
    state: State<'_, AppState>,
    no: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    recorded_print(
        &state,
        "派工单",
        &no,
        full_phones,
        |c, k| repairs::order(c, k).map(|o| (o.no, o.print_count)),
        pdf::print_repair_order,
    )
}

/// A 协调单 laid out like the paper form, as a workbook, to `协调单/<no>.xlsx` (for sending by
/// e-mail or filling in on screen); not a print, so nothing is logged but an unmasking.
#[tauri::command]
#[specta::specta]
pub fn slip_form_export(
    state: State<'_, AppState>,
    no: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let d = state.disclosure(full_phones, &format!("协调单 {no}"))?;
    let out = state
        .paths
        .document("协调单", &record_file_name(&no, "", "xlsx"))?;
    state
        .read(|s, _| xlsx::slip_form(s.conn(), &no, s.now(), d, &out))
        .map(|w| DocumentFile {
            path: w.path.display().to_string(),
            count: w.rows,
            bytes: w.bytes,
        })
}

/// How a record's PDF is drawn without recording a print: `pdf::complaint_record`, `pdf::handover`.
type RecordPdf = fn(
    &rusqlite::Connection,
    &str,
    Disclosure,
    chrono::DateTime<chrono::Utc>,
    &Path,
) -> frontdesk::Result<pdf::Written>;

/// One record's PDF, `no`, into `<documents>/<kind>/<no><suffix>.pdf`; `label` names it in the
/// audit log when full numbers are asked for.
fn record_pdf(
    state: &AppState,
    kind: &str,
    label: &str,
    (no, suffix): (&str, &str),
    full_phones: bool,
    draw: RecordPdf,
) -> WireResult<DocumentFile> {
    let d = state.disclosure(full_phones, &format!("{label} {no}"))?;
    let out = state
        .paths
        .document(kind, &record_file_name(no, suffix, "pdf"))?;
    state
        .read(|s, _| draw(s.conn(), no, d, s.now(), &out))
        .map(DocumentFile::from)
}

/// One complaint's 《客户投诉处理记录表》 with its whole history, to `投诉记录/<no>.pdf`.
#[tauri::command]
#[specta::specta]
pub fn complaint_record_print(
    state: State<'_, AppState>,
    no: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let label = "客户投诉处理记录表";
    record_pdf(
        &state,
        "投诉记录",
        label,
        (&no, ""),
        full_phones,
        pdf::complaint_record,
    )
}

/// A 《交接班记录》, to `交接班记录/<no>.pdf`.
#[tauri::command]
#[specta::specta]
pub fn handover_print(
    state: State<'_, AppState>,
    no: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let label = "交接班记录";
    record_pdf(&state, label, label, (&no, ""), full_phones, pdf::handover)
}

/// One customer's 《VIP客户登记表》 (by VIP card number or customer id), to `VIP客户登记表/<key>.pdf`.
#[tauri::command]
#[specta::specta]
pub fn vip_form_print(
    state: State<'_, AppState>,
    customer: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let label = "VIP客户登记表";
    record_pdf(
        &state,
        label,
        label,
        (&customer, ""),
        full_phones,
        pdf::vip_form,
    )
}

/// The handovers of the days `from`–`to` the clerk may see, as a workbook in `登记表/`.
#[tauri::command]
#[specta::specta]
pub fn handover_export(
    state: State<'_, AppState>,
    from: String,
    to: String,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let period = Period::parse(&from, &to)?;
    let title = xlsx::handovers::TITLE;
    let d = state.disclosure(full_phones, &format!("{title} {}", period.label()))?;
    let (clerk, store) = state.reader()?;
    let estate = frontdesk::estate::estate(store.conn(), &clerk.estate_id)?;
    let name = format!("{}{title}{}至{}.xlsx", estate.name, period.from, period.to);
    let out = state.paths.document("登记表", &name)?;
    let w = xlsx::handover_register(
        store.conn(),
        &clerk.estate_id,
        &clerk,
        &period,
        store.now(),
        d,
        &out,
    )?;
    Ok(DocumentFile {
        path: w.path.display().to_string(),
        count: w.rows,
        bytes: w.bytes,
    })
}

/// A claim's 《客户赔付处理记录单》 (一式三份: three pages, each marked with its copy), to
/// `赔付/<no>.pdf`.
#[tauri::command]
#[specta::specta]
pub fn claim_print(state: State<'_, AppState>, no: String) -> WireResult<DocumentFile> {
    let label = "客户赔付处理记录单";
    record_pdf(&state, "赔付", label, (&no, ""), false, pdf::claim_record)
}

/// A claim's 《赔付业主备忘录》, to `赔付/<no>-备忘录.pdf`.
#[tauri::command]
#[specta::specta]
pub fn claim_memo(state: State<'_, AppState>, no: String) -> WireResult<DocumentFile> {
    let label = "赔付业主备忘录";
    record_pdf(
        &state,
        "赔付",
        label,
        (&no, "-备忘录"),
        false,
        pdf::claim_memo,
    )
}

/// The claims opened on the days `from`–`to`, as a workbook in `登记表/`.
#[tauri::command]
#[specta::specta]
pub fn claim_export(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> WireResult<DocumentFile> {
    let period = Period::parse(&from, &to)?;
    let title = xlsx::claims::TITLE;
    let (clerk, store) = state.reader()?;
    let estate = frontdesk::estate::estate(store.conn(), &clerk.estate_id)?;
    let name = format!("{}{title}{}至{}.xlsx", estate.name, period.from, period.to);
    let out = state.paths.document("登记表", &name)?;
    let w = xlsx::claim_register(
        store.conn(),
        &clerk.estate_id,
        &period,
        store.now(),
        Disclosure::Masked,
        &out,
    )?;
    Ok(DocumentFile {
        path: w.path.display().to_string(),
        count: w.rows,
        bytes: w.bytes,
    })
}

/// The month-end workbook and PDF report of `month` (YYYY-MM) into `月末导出/<month>/`, with
/// progress sent on `on_progress` (each percent); the desk stays usable meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn month_export(
    state: State<'_, AppState>,
    month: String,
    full_phones: bool,
    on_progress: Channel<ExportProgress>,
) -> WireResult<MonthExport> {
    let period = Period::month(&month)?;
    let d = state.disclosure(full_phones, &format!("客服月报 {}", period.label()))?;
    let dir = month_folder(&state, &period);
    let (actor, store) = state.reader()?;
    let run = move || -> frontdesk::Result<MonthExport> {
        std::fs::create_dir_all(&dir)?;
        let mut shown = u64::MAX;
        let mut progress = |done: u64, total: u64| {
            let percent = done * 100 / total.max(1);
            if percent != shown {
                shown = percent;
                let _ = on_progress.send(ExportProgress { done, total });
            }
        };
        let m = documents::month_end(
            store.conn(),
            &actor.estate_id,
            &period,
            store.now(),
            d,
            &dir,
            &mut progress,
        )?;
        Ok(MonthExport {
            folder: dir.display().to_string(),
            workbook: DocumentFile {
                path: m.workbook.path.display().to_string(),
                count: m.workbook.rows,
                bytes: m.workbook.bytes,
            },
            report: m.report.into(),
        })
    };
    off_thread(run).await
}

/// Where a month's exports go: `月末导出/<YYYY-MM>/` in the documents folder.
fn month_folder(state: &AppState, month: &Period) -> std::path::PathBuf {
    state
        .paths
        .documents
        .join("月末导出")
        .join(month.from.format("%Y-%m").to_string())
}

/// The company's month workbook of `month` (YYYY-MM) over every estate this desk holds (the
/// head office) into `月末导出/<month>/`; supervisors; read off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn company_month_export(
    state: State<'_, AppState>,
    month: String,
) -> WireResult<DocumentFile> {
    let period = Period::month(&month)?;
    let dir = month_folder(&state, &period);
    let (actor, store) = state.reader()?;
    let run = move || -> frontdesk::Result<DocumentFile> {
        std::fs::create_dir_all(&dir)?;
        let w = documents::company_month_end(store.conn(), &actor, &period, store.now(), &dir)?;
        Ok(DocumentFile {
            path: w.path.display().to_string(),
            count: w.rows,
            bytes: w.bytes,
        })
    };
    off_thread(run).await
}

/// A register of the days `from`–`to` (YYYY-MM-DD) into `登记表/`, named by the core
/// (`<小区><register><period>.xlsx`); read on its own connection, off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn register_export(
    state: State<'_, AppState>,
    register: Register,
    from: String,
    to: String,
    format: Format,
    full_phones: bool,
) -> WireResult<DocumentFile> {
    let period = Period::parse(&from, &to)?;
    let name = format!("{} {}", register.title(), period.label());
    let d = state.disclosure(full_phones, &name)?;
    let dir = state.paths.documents.join("登记表");
    let (actor, store) = state.reader()?;
    let run = move || -> frontdesk::Result<DocumentFile> {
        let estate = frontdesk::estate::estate(store.conn(), &actor.estate_id)?;
        std::fs::create_dir_all(&dir)?;
        let out = dir.join(register.file_name(&estate.name, &period, format));
        let e = register.write(
            format,
            store.conn(),
            &actor.estate_id,
            &period,
            store.now(),
            d,
            &out,
            &mut |_, _| {},
        )?;
        Ok(DocumentFile {
            path: e.path.display().to_string(),
            count: e.count,
            bytes: e.bytes,
        })
    };
    off_thread(run).await
}

/// The KPIs and statistics of the days `from`–`to` (YYYY-MM-DD) against the policy's targets.
#[tauri::command]
#[specta::specta]
pub fn kpi_report(state: State<'_, AppState>, from: String, to: String) -> WireResult<KpiReport> {
    let period = Period::parse(&from, &to)?;
    state.read(|s, eid| {
        let end = period.to + chrono::Duration::days(1);
        kpi::compute(s.conn(), eid, period.from, end, s.now())
    })
}

/// Runs an export on a blocking worker, off the window's thread, so the desk stays usable.
async fn off_thread<T: Send + 'static>(
    run: impl FnOnce() -> frontdesk::Result<T> + Send + 'static,
) -> WireResult<T> {
    tauri::async_runtime::spawn_blocking(run)
        .await
        .map_err(|e| WireError::new("state", format!("导出中断：{e}")))?
        .map_err(WireError::from)
}

/// Opens a written document in the system's viewer (or a folder in the file manager). Only
/// paths under the documents folder are opened.
#[tauri::command]
#[specta::specta]
pub fn document_open(state: State<'_, AppState>, path: String) -> WireResult<()> {
    let path = Path::new(&path);
    let inside = |root: &Path| {
        let (Ok(p), Ok(r)) = (path.canonicalize(), root.canonicalize()) else {
            return false;
        };
        p.starts_with(r)
    };
    if !inside(&state.paths.documents) {
        return Err(Error::invalid("path", "文件", "只能打开文档文件夹中的文件").into());
    }
    open::that_detached(path).map_err(|e| {
        WireError::new(
            "state",
            format!("无法自动打开（{e}），文件已保存在：{}", path.display()),
        )
    })
}
