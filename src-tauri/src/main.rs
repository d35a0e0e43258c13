//! The FrontDesk desktop app's entry point; everything lives in the library crate.
//! `FRONTDESK_EXPORT_BINDINGS=<file>` writes the TypeScript bindings instead of starting the app
//! (the shell test `bindings_are_up_to_date` checks the committed ones).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(path) = std::env::var_os("FRONTDESK_EXPORT_BINDINGS") {
        if let Err(e) = frontdesk_app::export_bindings(std::path::Path::new(&path)) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    frontdesk_app::run();
}
