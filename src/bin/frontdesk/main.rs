//! `frontdesk`: the command line over the core ([`cli`]); the desktop app runs the same module
//! with `--cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main(std::env::args_os())
}
