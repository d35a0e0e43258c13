//! The FrontDesk desktop app's entry point; everything lives in the library crate.
//! `FRONTDESK_EXPORT_BINDINGS=<file>` writes the TypeScript bindings instead of starting the app
//! (the shell test `bindings_are_up_to_date` checks the committed ones).
//! `frontdesk-app --cli ARGS…` runs the command line instead (the same module as the `frontdesk`
//! executable): the Windows install ships this one executable with the core, and its
//! `frontdesk.exe` is the `launcher` crate, which starts `frontdesk-app.exe --cli` and copies its
//! output and errors to the console (this executable is a window program there, without a console
//! of its own).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[path = "../../src/bin/frontdesk/cli/mod.rs"]
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args_os().nth(1).is_some_and(|a| a == "--cli") {
        let program = std::ffi::OsString::from("frontdesk");
        return cli::main(std::iter::once(program).chain(std::env::args_os().skip(2)));
    }
    if let Some(path) = std::env::var_os("FRONTDESK_EXPORT_BINDINGS") {
        if let Err(e) = frontdesk_app::export_bindings(std::path::Path::new(&path)) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    frontdesk_app::run();
    ExitCode::SUCCESS
}
