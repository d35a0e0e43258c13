//! FrontDesk's desktop shell (Tauri 2): the desk's screens (`ui/`) over the core crate.
//!
//! Invariants: the shell holds no business rule. Each command ([`commands`]) takes the state, calls
//! one core function and maps the error to the one [`error::WireError`]. The data folder is
//! resolved once at start ([`frontdesk::app::Paths::resolve`], `FRONTDESK_DATA_DIR` overrides it); the log
//! rolls daily in `<data>/logs`. Only one instance runs: a second launch focuses the first window.
//! The TypeScript bindings (`ui/src/bindings.ts`) are generated from these signatures by
//! [`specta_builder`] and committed; a test fails when they are out of date.

pub mod commands;
pub mod error;
pub mod state;

use tauri::{Manager, RunEvent, Runtime};

use crate::state::{AppState, Paths};

/// Every command, for the IPC handler and for the TypeScript bindings.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::{
        attachments, claims, customers, desk, documents, duty, household_visits, intake,
        repair_visits, repairs, rules, session, settings, sync,
    };
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        session::app_status,
        session::view_estate,
        session::vocabulary,
        session::setup_init,
        session::demo_load,
        session::login,
        session::logout,
        session::recovery_backups,
        session::recovery_restore,
        sync::sync_status,
        sync::sync_now,
        sync::sync_join,
        sync::sync_refused,
        sync::sync_settle,
        intake::intake_lookup,
        intake::intake_record,
        intake::intake_list,
        intake::intake_get,
        intake::intake_void,
        attachments::attachment_add,
        attachments::attachment_list,
        attachments::attachment_data,
        attachments::attachment_open,
        attachments::attachment_void,
        intake::search,
        desk::complaint_queue,
        desk::complaint_list,
        desk::complaint_get,
        desk::complaint_explain,
        desk::complaint_preview,
        desk::complaint_open,
        desk::complaint_update,
        desk::complaint_attempt,
        desk::complaint_confirm,
        desk::complaint_close,
        desk::complaint_reopen,
        desk::complaint_void,
        desk::complaint_set_grade,
        desk::complaint_suggest_issues,
        desk::complaint_link,
        desk::complaint_unlink,
        desk::complaint_case_library,
        desk::deadline_show,
        desk::deadline_pause,
        desk::deadline_resume,
        desk::slip_create,
        desk::slip_get,
        documents::slip_print,
        documents::repair_print,
        documents::complaint_record_print,
        documents::month_export,
        documents::company_month_export,
        documents::register_export,
        documents::slip_form_export,
        documents::kpi_report,
        documents::document_open,
        desk::slip_hand_over,
        desk::slip_return,
        desk::slip_file,
        desk::slip_void,
        desk::slip_find,
        desk::slip_register,
        desk::slip_queue,
        desk::slip_archive,
        desk::attention_list,
        desk::escalation_acknowledge,
        desk::queue_tick,
        desk::followup_due,
        desk::followup_queue,
        desk::followup_history,
        desk::followup_task,
        desk::followup_record,
        repairs::repair_queue,
        repairs::repair_list,
        repairs::repair_get,
        repairs::repair_create,
        repairs::repair_dispatch,
        repairs::repair_reassign,
        repairs::repair_accept,
        repairs::repair_arrive,
        repairs::repair_finish,
        repairs::repair_confirm_fee,
        repairs::repair_sign_off,
        repairs::repair_agreement,
        repairs::repair_finance,
        repairs::repair_rework,
        repairs::repair_void,
        repairs::price_list,
        customers::customer_list,
        customers::customer_show,
        customers::customer_add,
        customers::customer_update,
        customers::customer_void,
        customers::vip_assistant_set,
        customers::customer_set_tier,
        customers::vip_issue,
        customers::vip_renew,
        customers::vip_reissue,
        customers::vip_revoke,
        customers::vip_register,
        settings::estate_show,
        settings::department_add,
        settings::unit_add,
        settings::staff_add,
        settings::staff_set_password,
        settings::staff_void,
        settings::policy_toml,
        settings::policy_save,
        settings::backup_now,
        settings::backup_list,
        settings::backup_restore,
        settings::backup_folder,
        settings::backup_folder_set,
        settings::audit_verify,
        customers::customer_import_upload,
        customers::customer_import_discard,
        customers::customer_import_preview,
        customers::customer_import,
        rules::price_item_add,
        rules::price_item_update,
        rules::price_item_void,
        rules::price_list_print,
        rules::calendar_year,
        rules::calendar_set,
        rules::calendar_clear,
        repair_visits::repair_visits_of,
        repair_visits::notice_list,
        repair_visits::notice_overdue,
        repair_visits::notice_deliver,
        repair_visits::notice_close,
        repair_visits::notice_void,
        repair_visits::notice_print,
        repair_visits::repair_visit_quota,
        duty::duty_board,
        duty::duty_open_count,
        duty::duty_start,
        duty::duty_entry_add,
        duty::duty_entry_get,
        duty::duty_convert,
        duty::duty_close_entry,
        duty::duty_hand_over,
        duty::duty_accept,
        duty::duty_handovers,
        documents::handover_print,
        documents::vip_form_print,
        household_visits::household_visit_plan,
        household_visits::household_visit_list,
        household_visits::household_visit_record,
        household_visits::household_visit_void,
        documents::handover_export,
        claims::claim_list,
        claims::claim_of_complaint,
        claims::claim_show,
        claims::claim_rights,
        claims::claim_create,
        claims::claim_reply,
        claims::claim_propose,
        claims::claim_approve,
        claims::claim_agree,
        claims::claim_pay,
        claims::claim_void,
        documents::claim_print,
        documents::claim_memo,
        documents::claim_export,
    ])
}

/// Writes the TypeScript bindings of every command and type to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let ts = specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// Generated from the Rust commands by `cargo test -p frontdesk-app` with\n// FRONTDESK_UPDATE_BINDINGS=1. Do not edit.\n// @ts-nocheck");
    specta_builder::<tauri::Wry>()
        .export(ts, path)
        .map_err(|e| e.to_string())
}

/// Logs to `<data>/logs/frontdesk.<date>.log`, one file a day, the last 30 kept.
fn start_logging(paths: &Paths) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("frontdesk")
        .filename_suffix("log")
        .max_log_files(30)
        .build(&paths.logs)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("FRONTDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// The app with its state on `base` (`tauri::Builder::default()` for the real window,
/// `tauri::test::mock_builder()` for the shell tests).
pub fn app_builder<R: Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.manage(state)
        .invoke_handler(specta_builder::<R>().invoke_handler())
}

/// WebKitGTK (Linux only) without accelerated compositing: the desk's forms need no GPU layers,
/// and without them the web process neither loads a GL driver's compositor nor keeps its layer
/// buffers (about 100 MB less idle memory measured under Xvfb; docs/benchmarks.md). Set before
/// any thread or web process starts; a value already in the environment is kept.
fn lean_webview() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Starts the desktop app.
pub fn run() {
    lean_webview();
    let paths = match Paths::resolve(None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("FrontDesk：{e}");
            std::process::exit(1);
        }
    };
    let _ = std::fs::create_dir_all(&paths.logs);
    let _log = start_logging(&paths);
    tracing::info!(data_dir = %paths.data_dir.display(), "FrontDesk starting");
    let state = AppState::open(paths);
    let app = app_builder(tauri::Builder::default(), state)
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| {
            if let RunEvent::Exit = event {
                app.state::<AppState>().backup_on_exit();
            }
        }),
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            eprintln!("FrontDesk 无法启动：{e}");
            std::process::exit(1);
        }
    }
}
