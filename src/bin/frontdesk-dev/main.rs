//! `frontdesk-dev`: the developers' harnesses over the core, kept out of the `frontdesk` CLI that
//! IT staff and clerks use: the benchmarks (`bench`, `bench-documents`) and the kill, tamper and
//! fuzz harness (`soak`, with its hidden child `soak-writer`).
//!
//! Every harness works on a throw-away database of its own (or one in a folder it is given), never
//! on a desk's data. Output and exit codes are the CLI's ([`output`]): readable text, or JSON with
//! `--json`.

mod bench;
mod bench_documents;
mod fuzz;
#[path = "../frontdesk/cli/output.rs"]
mod output;
mod soak;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use frontdesk::Result;

#[derive(Parser)]
#[command(
    name = "frontdesk-dev",
    version,
    about = "FrontDesk 开发工具：基准测试、强杀/篡改/模糊压测（不随软件发给前台）"
)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long = "json", global = true)]
    json_output: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmark: bulk import and search latency on a throw-away database (prints figures).
    Bench(bench::BenchArgs),
    /// Benchmark: slip PDF, month-end workbook and a 100,000-row register (time, size, peak memory).
    BenchDocuments(bench_documents::Args),
    /// Kill harness: SIGKILL a writing child at random moments and check nothing committed is lost.
    Soak(soak::SoakArgs),
    /// The soak harness's child writer (internal).
    #[command(hide = true)]
    SoakWriter(soak::WriterArgs),
}

fn run(cli: &Cli) -> Result<serde_json::Value> {
    match &cli.command {
        Command::Bench(a) => bench::run(a),
        Command::BenchDocuments(a) => bench_documents::run(a),
        Command::Soak(a) => soak::run(a),
        Command::SoakWriter(a) => soak::writer(a),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::print(run(&cli), cli.json_output)
}
