//! `frontdesk.exe` of the Windows install: the command line for IT (backup, restore, verify from
//! Task Scheduler; README) without a second copy of the core in the installer.
//!
//! The desktop app is a window program on Windows (no console of its own), and it runs the whole
//! command line when its first argument is `--cli`. This console program starts
//! `frontdesk-app.exe --cli ARGS…` from its own folder, passes its standard input on, copies the
//! app's standard output and error to its own (pipes work in a window program on every Windows and
//! under Wine, where a console inherited by one may not; and written here, Chinese shows in the
//! console whatever its code page), and exits with the app's exit code; so `frontdesk.exe verify`
//! behaves as the `frontdesk` executable does. Invariant: it adds, drops and reorders no argument.

use std::io::{self, Write};
use std::process::{Command, ExitCode, Stdio};

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
    let started = Command::new(&app)
        .arg("--cli")
        .args(std::env::args_os().skip(1))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match started {
        Ok(child) => child,
        Err(e) => {
            eprintln!("无法启动 {}：{e}（请重新安装 FrontDesk）", app.display());
            return ExitCode::FAILURE;
        }
    };
    // Both pipes are drained at once (one on a thread), so the app never blocks on a full one.
    let errors = child
        .stderr
        .take()
        .map(|mut from| std::thread::spawn(move || io::copy(&mut from, &mut io::stderr())));
    if let Some(mut from) = child.stdout.take() {
        let mut to = io::stdout().lock();
        // A closed standard output (`frontdesk … | more` quit early) ends the copy, not the wait.
        let _ = io::copy(&mut from, &mut to).and_then(|_| to.flush());
    }
    if let Some(copying) = errors {
        let _ = copying.join();
    }
    match child.wait() {
        // The command line's codes are 0–3 (output.rs); a code beyond a byte is reported as 1.
        Ok(status) => match status.code().map(u8::try_from) {
            Some(Ok(code)) => ExitCode::from(code),
            _ => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!("等待 {} 结束时出错：{e}", app.display());
            ExitCode::FAILURE
        }
    }
}
