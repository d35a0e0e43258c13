//! `frontdesk`: the command line over the core, for IT staff and scripting.
//!
//! Two executables run it: `frontdesk` (`src/bin/frontdesk/main.rs`), and on Windows the desktop app
//! itself, as `frontdesk-app.exe --cli …`, which the installed `frontdesk.exe` (the `launcher`
//! crate) starts; so the installer carries one copy of the core (docs/windows.md). Nothing here
//! refers to `crate::`: the module sits at a different place in each executable.
//!
//! Every operation the desk can do is reachable here (the developers' harnesses, benchmarks and the
//! kill/tamper/fuzz soak, are in `frontdesk-dev`). Paths are resolved here, never in the core:
//! `--data-dir`, else `FRONTDESK_DATA_DIR`, else the user's data directory (`directories`).
//! Writes run as the staff member named by `--user`/`FRONTDESK_USER` with the password from
//! `FRONTDESK_PASSWORD` (or `--password`). Output is readable text, or JSON with `--json`.
//! Errors print in Chinese on stderr and exit non-zero (2 for bad input, 1 otherwise; a sync run
//! that finds the server unreachable exits 3).

mod attachments;
mod claim;
mod complaints;
mod customers;
mod deadlines;
mod duty;
mod household_visits;
mod kpi;
mod notices;
mod output;
mod pdf;
mod queues;
mod repairs;
mod sync;
mod xlsx;

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use frontdesk::app::{upkeep, Paths, Session};
use frontdesk::estate;
use frontdesk::privacy::{self, Plain, Redact, View};
use frontdesk::{Error, Result};
use serde::de::DeserializeOwned;

#[derive(Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "FrontDesk 物业前台：客服前台登记、投诉、协调单、报修、回访与客户档案"
)]
pub struct Cli {
    /// Data directory (default: FRONTDESK_DATA_DIR, else the user's data directory).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Staff login to act as (default: FRONTDESK_USER).
    #[arg(long, global = true)]
    user: Option<String>,
    /// Password (default: FRONTDESK_PASSWORD).
    #[arg(long, global = true)]
    password: Option<String>,
    /// Print JSON instead of text.
    #[arg(long = "json", global = true)]
    json_output: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data directory and database, the estate and the first supervisor.
    Init(InitArgs),
    /// Load realistic demo data for one estate (龙湖花园) into an empty database.
    Demo,
    /// Check the database (integrity, foreign keys, the audit chain) and the attachment files.
    Verify,
    /// Show where the data lives, the schema version and the estates (their ids name them for sync).
    Info,
    /// Full-text search (Chinese, 1 character and up), newest first; signed in, phones masked as
    /// the role may see them.
    Search {
        query: String,
        /// Only this kind: intake, complaint, slip, repair, customer.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Estate set-up: departments, staff, units.
    #[command(subcommand)]
    Estate(EstateCommand),
    /// Customers (客户档案), tiers, VIP cards, register import.
    #[command(subcommand)]
    Customer(customers::Command),
    /// Intake (前台登记): record every contact; look up a unit or phone; the phone log.
    #[command(subcommand)]
    Intake(IntakeCommand),
    /// Complaints, 协调单 and 回访.
    #[command(flatten)]
    Cases(complaints::Command),
    /// Repair work orders (派工单) and the price list.
    #[command(subcommand)]
    Repair(repairs::Command),
    /// Attachments (附件) of a case: photos, scans, recordings — add, list, void, open.
    #[command(subcommand)]
    Attach(attachments::Command),
    /// Back up the database now, verified (folder: --dir, else FRONTDESK_BACKUP_DIR, else <data dir>/backups).
    Backup {
        /// Backup folder (a USB stick or network share is fine; created if missing).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// manual (default), daily, monthly or onexit.
        #[arg(long, default_value = "manual")]
        kind: String,
        /// Only the daily/monthly backups that are due, then rotation (for Task Scheduler or cron).
        #[arg(long)]
        if_due: bool,
    },
    /// List the backups, newest first.
    Backups {
        /// Backup folder (default as for `backup`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Replace the database by a backup file (close FrontDesk first); keeps a copy of the old one.
    Restore { file: PathBuf },
    /// Deadlines in working time: show, pause, resume; the working calendar.
    #[command(subcommand)]
    Deadline(deadlines::Command),
    /// KPIs and statistics for a period (default: this month): rates against targets, handling times, counts.
    Kpi(kpi::KpiArgs),
    /// Work lists in handling order (complaints, slips, repairs, follow-ups) and the time tick.
    #[command(subcommand)]
    Queue(queues::Command),
    /// The duty log and the handover (值班记录 / 交接班记录).
    #[command(subcommand)]
    Duty(duty::Command),
    /// Household visits (住户回访): the quarter's plan, visits recorded, listed, voided.
    #[command(subcommand)]
    Visit(household_visits::Command),
    /// 整改通知单: the rectification notices a failed repair 回访 point issues.
    #[command(subcommand)]
    Notice(notices::Command),
    /// 赔付 claims: open, reply, propose, approve, agree, pay, void, print, memo, export.
    #[command(subcommand)]
    Claim(claim::Command),
    /// PDF documents: 协调单, 派工单, a complaint's record, the register, the month-end report.
    #[command(subcommand)]
    Pdf(pdf::Command),
    /// Excel (XLSX) documents: registers, logs, the month-end workbook.
    #[command(subcommand)]
    Xlsx(xlsx::Command),
    /// Sync with the company's server: enrol this desk, run (push and pull; the default),
    /// status, the changes set aside.
    Sync {
        #[command(subcommand)]
        command: Option<sync::Command>,
    },
    /// Month end in one go: the workbook (XLSX) and the manager's report (PDF) of a month.
    MonthEnd {
        /// The month, YYYY-MM.
        month: String,
        /// Folder for the two files (created if missing).
        #[arg(long)]
        dir: PathBuf,
        /// Full phone numbers in the workbook (supervisors only; audited).
        #[arg(long)]
        full_phones: bool,
        /// The company's workbook instead, over every estate this desk holds (the head office:
        /// a summary per estate with the 合计, the company's figures, a sheet per estate).
        #[arg(long, conflicts_with = "full_phones")]
        company: bool,
    },
}

#[derive(clap::Args)]
struct InitArgs {
    /// Estate name, e.g. 龙湖花园.
    #[arg(long)]
    estate: String,
    /// Estate code (2–6 letters or digits), e.g. LH.
    #[arg(long)]
    code: String,
    /// Slip title (default: {estate}协调单).
    #[arg(long)]
    slip_title: Option<String>,
    /// The first supervisor's login.
    #[arg(long)]
    admin: String,
    /// The first supervisor's name.
    #[arg(long)]
    admin_name: String,
    /// The first supervisor's password (default: FRONTDESK_PASSWORD).
    #[arg(long)]
    admin_password: Option<String>,
}

#[derive(Subcommand)]
enum EstateCommand {
    /// Show the estate, its departments, staff and units.
    Show,
    /// Add a department.
    AddDepartment { name: String },
    /// Add a staff member from JSON ({login, name, role, department, phone, password}).
    AddStaff { json: String },
    /// Set a staff member's password (and unlock the account).
    SetPassword { login: String, new_password: String },
    /// Stop a staff member's account.
    VoidStaff {
        login: String,
        #[arg(long)]
        reason: String,
    },
    /// Add a unit (3-2-1201, 3栋2单元1201…).
    AddUnit {
        code: String,
        #[arg(long)]
        area: Option<f64>,
    },
    /// Show the current policy (as TOML with --toml, to edit and load back with set-policy).
    Policy {
        #[arg(long)]
        toml: bool,
    },
    /// Save a new policy version from a TOML file (*.toml) or JSON; applies to new decisions only.
    SetPolicy {
        #[arg(value_name = "FILE_OR_JSON")]
        json: String,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
enum IntakeCommand {
    /// Record a contact from JSON (see `frontdesk help intake add`).
    Add { json: String },
    /// Show one intake by number or id.
    Show { id: String },
    /// Intakes received in a period (default: today), newest first.
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Import many contacts from a JSON array file, all or nothing (row-level report on errors).
    Import { json: String },
    /// Look up a unit or phone: customers, tier/VIP, open and past cases.
    Lookup { query: String },
    /// 电话接待记录本: phone-call intakes of a period.
    PhoneLog {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// Void an intake recorded in error.
    Void {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

/// Reads a JSON argument: inline (`{…}`), `-` for standard input, or a file path.
pub fn read_json<T: DeserializeOwned>(arg: &str) -> Result<T> {
    let text = if arg.trim_start().starts_with('{') || arg.trim_start().starts_with('[') {
        arg.to_string()
    } else if arg == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        utf8_text("-", bytes)?
    } else {
        read_text(arg)?
    };
    Ok(serde_json::from_str(&text)?)
}

/// A text file as UTF-8 (a byte-order mark, as Notepad writes, is dropped); a file in another
/// encoding (Notepad's "ANSI" is GBK on a Chinese Windows) is refused with a message saying so.
pub fn read_text(path: &str) -> Result<String> {
    utf8_text(path, std::fs::read(path)?)
}

fn utf8_text(name: &str, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|_| {
        Error::invalid(
            "file",
            "文件",
            format!(
                "{name} 不是 UTF-8 编码（记事本的“ANSI”即 GBK）：请在记事本中“另存为”并选择 UTF-8"
            ),
        )
    })
}

/// Serialises a result for printing. Only values without personal data ([`Plain`]); personal
/// data goes through [`seen`].
pub fn to_json(v: impl serde::Serialize + Plain) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(v)?)
}

/// One write whose result carries personal data, shown as one record opened.
pub fn written<T>(
    ctx: &mut Session,
    f: impl FnOnce(&mut frontdesk::Write, &str) -> Result<T>,
) -> Result<serde_json::Value>
where
    T: Redact + serde::Serialize,
{
    Ok(serde_json::to_value(ctx.write_seen(f)?)?)
}

/// `{"ok": true}`: the command did what it was asked and has nothing to show.
pub fn done() -> Result<serde_json::Value> {
    Ok(serde_json::json!({ "ok": true }))
}

/// Progress of a long export, on stderr every 10,000 rows.
pub fn progress(done: u64, total: u64) {
    if total >= 10_000 && (done.is_multiple_of(10_000) || done == total) {
        eprintln!("已写入 {done}/{total} 行");
    }
}

/// Personal data as the signed-in staff member may see it ([`frontdesk::privacy`]).
pub fn seen<T>(ctx: &Session, value: T, view: View) -> Result<serde_json::Value>
where
    T: Redact + serde::Serialize,
{
    Ok(serde_json::to_value(privacy::redacted(
        value,
        ctx.clerk()?,
        view,
    ))?)
}

/// The desk's paths: `--data-dir`, else `FRONTDESK_DATA_DIR`, else the user's data folder.
fn paths(cli: &Cli) -> Result<Paths> {
    Paths::resolve(cli.data_dir.as_deref())
}

fn password(cli: &Cli) -> Option<String> {
    cli.password
        .clone()
        .or_else(|| std::env::var("FRONTDESK_PASSWORD").ok())
}

/// Opens the desk's database, creating it when missing ([`Session::open`]).
fn open(paths: &Paths) -> Result<Session> {
    Ok(reported(Session::open(paths)?))
}

/// Opens the desk's database, which must exist ([`Session::open_existing`]).
fn open_existing(paths: &Paths) -> Result<Session> {
    Ok(reported(Session::open_existing(paths)?))
}

/// Says on stderr what opening the database upgraded (a database an older FrontDesk wrote,
/// backed up and then migrated).
fn reported(session: Session) -> Session {
    if let Some(u) = session.upgraded() {
        eprintln!(
            "数据库已从版本 {} 升级到 {}；升级前的备份：{}",
            u.from,
            u.to,
            u.backup.file.display()
        );
        if let Some(w) = &u.warning {
            eprintln!("警告：{w}");
        }
    }
    session
}

fn signed_in(cli: &Cli) -> Result<Session> {
    let mut session = open_existing(&paths(cli)?)?;
    let login = cli
        .user
        .clone()
        .or_else(|| std::env::var("FRONTDESK_USER").ok())
        .ok_or_else(|| {
            Error::invalid(
                "user",
                "登录名",
                "请用 --user 或环境变量 FRONTDESK_USER 指定操作员",
            )
        })?;
    let pw = password(cli).ok_or_else(|| {
        Error::invalid(
            "password",
            "密码",
            "请用 --password 或环境变量 FRONTDESK_PASSWORD 提供密码",
        )
    })?;
    session.sign_in(&login, &pw)?;
    Ok(session)
}

fn run(cli: &Cli) -> Result<serde_json::Value> {
    match &cli.command {
        Command::Init(a) => {
            let paths = paths(cli)?;
            let mut session = open(&paths)?;
            let pw = a
                .admin_password
                .clone()
                .or_else(|| password(cli))
                .ok_or_else(|| {
                    Error::invalid(
                        "admin_password",
                        "主管密码",
                        "请用 --admin-password 或 FRONTDESK_PASSWORD 提供",
                    )
                })?;
            let e = frontdesk::setup::init(
                session.store_mut(),
                &a.estate,
                &a.code,
                a.slip_title.as_deref(),
                &a.admin,
                &a.admin_name,
                &pw,
            )?;
            Ok(serde_json::json!({ "estate": to_json(e)?, "data_dir": to_json(paths.data_dir)? }))
        }
        Command::Demo => {
            let paths = paths(cli)?;
            let mut session = open(&paths)?;
            let summary = frontdesk::demo::load(session.store_mut(), frontdesk::demo::DEMO_SEED)?;
            Ok(
                serde_json::json!({ "demo": to_json(summary)?, "data_dir": to_json(paths.data_dir)? }),
            )
        }
        Command::Verify => {
            let paths = paths(cli)?;
            to_json(upkeep::verified(&paths, open_existing(&paths)?.store())?)
        }
        Command::Info => {
            let paths = paths(cli)?;
            // The estates on this desk, by id: what the company's IT names when it issues a sync
            // enrolment code (`frontdesk-server code --estate ID`).
            let estates = match paths.database.exists() {
                true => frontdesk::estate::estates(open_existing(&paths)?.store().conn())?
                    .into_iter()
                    .map(|e| serde_json::json!({ "id": e.id, "name": e.name, "code": e.code }))
                    .collect(),
                false => Vec::new(),
            };
            Ok(serde_json::json!({
                "data_dir": to_json(&paths.data_dir)?,
                "database": to_json(&paths.database)?,
                "exists": paths.database.exists(),
                "schema_version": frontdesk::store::schema_version(),
                "estates": estates,
            }))
        }
        Command::Search { query, kind, limit } => {
            let ctx = signed_in(cli)?;
            let hits = frontdesk::search::search(
                ctx.store().conn(),
                &ctx.clerk()?.estate_id,
                query,
                kind.as_deref(),
                *limit,
            )?;
            seen(&ctx, hits, View::List)
        }
        Command::Estate(c) => {
            let mut ctx = signed_in(cli)?;
            let eid = ctx.clerk()?.estate_id.clone();
            match c {
                EstateCommand::Show => {
                    let conn = ctx.store().conn();
                    Ok(serde_json::json!({
                        "estate": to_json(ctx.estate()?)?,
                        "departments": to_json(estate::departments(conn, &eid)?)?,
                        "staff": to_json(estate::staff_list(conn, &eid)?)?,
                        "units": estate::units(conn, &eid)?.len(),
                    }))
                }
                EstateCommand::AddDepartment { name } => {
                    to_json(ctx.write(|w, _| estate::add_department(w, &eid, Some(name)))?)
                }
                EstateCommand::AddStaff { json } => {
                    let input: estate::StaffInput = read_json(json)?;
                    to_json(ctx.write(|w, _| estate::add_staff(w, &eid, &input))?)
                }
                EstateCommand::SetPassword {
                    login,
                    new_password,
                } => {
                    ctx.write(|w, _| estate::set_password(w, login, new_password))?;
                    done()
                }
                EstateCommand::VoidStaff { login, reason } => {
                    ctx.write(|w, _| estate::void_staff(w, login, Some(reason)))?;
                    done()
                }
                EstateCommand::AddUnit { code, area } => {
                    to_json(ctx.write(|w, _| estate::add_unit(w, &eid, code, *area))?)
                }
                EstateCommand::Policy { toml } => {
                    let current = frontdesk::policy::current(ctx.store().conn(), &eid)?;
                    if *toml {
                        let text = format!(
                            "# 政策第 {} 版\n{}",
                            current.version,
                            frontdesk::policy::to_toml(&current.policy)?
                        );
                        return Ok(serde_json::Value::String(text));
                    }
                    to_json(current)
                }
                EstateCommand::SetPolicy { json, note } => {
                    let p: frontdesk::policy::Policy = if json.ends_with(".toml") {
                        frontdesk::policy::from_toml(&read_text(json)?)?
                    } else {
                        read_json(json)?
                    };
                    let v =
                        ctx.write(|w, _| frontdesk::policy::save(w, &eid, &p, note.as_deref()))?;
                    Ok(serde_json::json!({ "version": v }))
                }
            }
        }
        Command::Customer(c) => customers::run(&mut signed_in(cli)?, c),
        Command::Intake(c) => {
            let mut ctx = signed_in(cli)?;
            intake(&mut ctx, c)
        }
        Command::Cases(c) => complaints::run(&mut signed_in(cli)?, c),
        Command::Repair(c) => repairs::run(&mut signed_in(cli)?, c),
        Command::Attach(c) => attachments::run(&mut signed_in(cli)?, &paths(cli)?, c),
        Command::Pdf(c) => pdf::run(&mut signed_in(cli)?, c),
        Command::Xlsx(c) => xlsx::run(&mut signed_in(cli)?, c),
        Command::MonthEnd {
            month,
            dir,
            full_phones,
            company,
        } => {
            let mut ctx = signed_in(cli)?;
            let m = frontdesk::time::Period::month(month)?;
            if *company {
                std::fs::create_dir_all(dir)?;
                let now = ctx.store().now();
                return to_json(frontdesk::documents::company_month_end(
                    ctx.store().conn(),
                    ctx.clerk()?,
                    &m,
                    now,
                    dir,
                )?);
            }
            let d = ctx.disclosure(*full_phones, &format!("客服月报 {}", m.label()))?;
            std::fs::create_dir_all(dir)?;
            let (eid, now) = (ctx.clerk()?.estate_id.clone(), ctx.store().now());
            to_json(frontdesk::documents::month_end(
                ctx.store().conn(),
                &eid,
                &m,
                now,
                d,
                dir,
                &mut progress,
            )?)
        }
        Command::Backup { dir, kind, if_due } => {
            let paths = paths(cli)?;
            let session = open_existing(&paths)?;
            let store = session.store();
            if *if_due && dir.is_none() {
                // The scheduled backup: like the app's, it falls back to the data folder when
                // the chosen one (a USB stick, a share) is not there.
                let backed = upkeep::backup_if_due(&paths, store);
                if let Some(w) = &backed.warning {
                    eprintln!("警告：{w}");
                }
                return to_json(backed.made?);
            }
            let policy = frontdesk::backup::desk_policy(store.conn())?;
            let dir = paths.backup_folder(dir.as_deref(), &policy);
            if *if_due {
                return to_json(frontdesk::backup::backup_if_due(
                    store,
                    &dir,
                    store.now(),
                    &policy,
                )?);
            }
            let kind = frontdesk::backup::BackupKind::parse(kind)?;
            to_json(frontdesk::backup::backup_now(
                store,
                &dir,
                kind,
                store.now(),
            )?)
        }
        Command::Backups { dir } => {
            // Also for a damaged database (to find a backup to restore): then the default folder.
            let paths = paths(cli)?;
            let policy = open_existing(&paths)
                .and_then(|s| frontdesk::backup::desk_policy(s.store().conn()))
                .unwrap_or_default();
            to_json(frontdesk::backup::list(
                &paths.backup_folder(dir.as_deref(), &policy),
            )?)
        }
        Command::Restore { file } => to_json(frontdesk::backup::restore(
            &paths(cli)?.database,
            file,
            chrono::Utc::now(),
        )?),
        Command::Deadline(c) => deadlines::run(&mut signed_in(cli)?, c),
        Command::Kpi(a) => kpi::run(&mut signed_in(cli)?, a),
        Command::Queue(c) => queues::run(&mut signed_in(cli)?, c),
        Command::Duty(c) => duty::run(&mut signed_in(cli)?, c),
        Command::Visit(c) => household_visits::run(&mut signed_in(cli)?, c),
        Command::Notice(c) => notices::run(&mut signed_in(cli)?, c),
        Command::Claim(c) => claim::run(&mut signed_in(cli)?, c),
        Command::Sync { command } => sync::run(cli, &paths(cli)?, command.as_ref()),
    }
}

fn intake(ctx: &mut Session, c: &IntakeCommand) -> Result<serde_json::Value> {
    use frontdesk::intake;
    let eid = ctx.clerk()?.estate_id.clone();
    match c {
        IntakeCommand::Add { json } => {
            let input: intake::IntakeInput = read_json(json)?;
            written(ctx, |w, _| intake::record(w, &eid, &input))
        }
        IntakeCommand::Import { json } => {
            let inputs: Vec<intake::IntakeInput> = read_json(json)?;
            let n = ctx.write(|w, _| intake::import(w, &eid, &inputs))?;
            Ok(serde_json::json!({ "imported": n }))
        }
        IntakeCommand::Show { id } => seen(ctx, intake::get(ctx.store().conn(), id)?, View::Record),
        IntakeCommand::List { from, to, limit } => {
            let (from, to) = period(ctx, from.as_deref(), to.as_deref())?;
            let list = intake::list(ctx.store().conn(), &eid, from, to, None, *limit)?;
            seen(ctx, list, View::List)
        }
        IntakeCommand::Lookup { query } => {
            let found = intake::lookup(ctx.store().conn(), &eid, query, ctx.store().now())?;
            seen(ctx, found, View::List)
        }
        IntakeCommand::PhoneLog { from, to } => {
            let (from, to) = period(ctx, Some(from), Some(to))?;
            let calls = Some(frontdesk::vocab::Channel::Call);
            let list = intake::list(ctx.store().conn(), &eid, from, to, calls, usize::MAX)?;
            seen(ctx, list, View::List)
        }
        IntakeCommand::Void { id, reason } => {
            written(ctx, |w, _| intake::void(w, id, Some(reason)))
        }
    }
}

/// A period given as dates (inclusive, Beijing time); both default to today.
pub fn period(
    ctx: &Session,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    frontdesk::time::Period::days_or_today(from, to, ctx.store().now())?.bounds()
}

/// Runs the command line `args` (the program's name first, as `std::env::args_os` gives them) and
/// returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = Cli::parse_from(args);
    let outcome = run(&cli);
    let offline = matches!(cli.command, Command::Sync { .. })
        && matches!(&outcome, Ok(v) if v["offline"] == true || v["first_sync"]["offline"] == true);
    let code = output::print(outcome, cli.json_output);
    if offline {
        ExitCode::from(sync::OFFLINE_EXIT)
    } else {
        code
    }
}
