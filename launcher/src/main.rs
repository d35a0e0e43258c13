//! `frontdesk.exe` of the Windows install: the command line for IT (backup, restore, verify from
//! Task Scheduler; README) without a second copy of the core in the installer.
//!
//! The desktop app is a window program on Windows (no console: it cannot print where it was
//! started), and it runs the whole command line when its first argument is `--cli`. This console
//! program starts `frontdesk-app.exe --cli ARGS…` from its own folder with its own standard input,
//! output and error, waits, and exits with the app's exit code; so `frontdesk.exe verify` behaves as
//! the `frontdesk` executable does. Invariant: it adds, drops and reorders no argument.

use std::process::{Command, ExitCode};

/// The desktop app's executable, next to this one.
const APP: &str = if cfg!(windows) {
    "frontdesk-app.exe"
} else {
    "frontdesk-app"
};

fn main() -> ExitCode {
    let app = match std::env::current_exe() {
        Ok(me) => me.with_file_name(APP),
        Err(e) => {
            eprintln!("找不到本程序所在的文件夹：{e}");
            return ExitCode::FAILURE;
        }
    };
    match Command::new(&app)
        .arg("--cli")
        .args(std::env::args_os().skip(1))
        .status()
    {
        // The command line's codes are 0–3 (output.rs); a code beyond a byte is reported as 1.
        Ok(status) => match status.code().map(u8::try_from) {
            Some(Ok(code)) => ExitCode::from(code),
            _ => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!("无法启动 {}：{e}（请重新安装 FrontDesk）", app.display());
            ExitCode::FAILURE
        }
    }
}
