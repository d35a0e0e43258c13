//! `frontdesk`: the command line over the core, for IT staff and scripting.
//!
//! Every operation the desk can do is reachable here (the developers' harnesses, benchmarks and the
//! kill/tamper/fuzz soak, are in `frontdesk-dev`). Paths are resolved here, never in the core:
//! `--data-dir`, else `FRONTDESK_DATA_DIR`, else the user's data directory (`directories`).
//! Writes run as the staff member named by `--user`/`FRONTDESK_USER` with the password from
//! `FRONTDESK_PASSWORD` (or `--password`). Output is readable text, or JSON with `--json`.
//! Errors print in Chinese on stderr and exit non-zero (2 for bad input, 1 otherwise).

mod complaints;
mod customers;
mod deadlines;
mod kpi;
mod output;
mod pdf;
mod queues;
mod repairs;
mod xlsx;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use frontdesk::backup::BackupPolicy;
use frontdesk::estate::{self, Estate};
use frontdesk::privacy::{self, Plain, Redact, View};
use frontdesk::{Actor, Error, Result, Store};
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
    /// Check the database: integrity, foreign keys, the audit chain.
    Verify,
    /// Show where the data lives and the schema version.
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
    /// PDF documents: 协调单, 派工单, a complaint's record, the register, the month-end report.
    #[command(subcommand)]
    Pdf(pdf::Command),
    /// Excel (XLSX) documents: registers, logs, the month-end workbook.
    #[command(subcommand)]
    Xlsx(xlsx::Command),
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

/// What every command gets: the open store, the signed-in staff member, the estate.
pub struct Ctx {
    pub store: Store,
    pub actor: Actor,
    pub estate: Estate,
}

impl Ctx {
    /// Runs one write as the signed-in staff member.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut frontdesk::Write) -> Result<T>) -> Result<T> {
        let actor = self.actor.clone();
        self.store.write(&actor, f)
    }
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
    ctx: &mut Ctx,
    f: impl FnOnce(&mut frontdesk::Write) -> Result<T>,
) -> Result<serde_json::Value>
where
    T: Redact + serde::Serialize,
{
    let value = ctx.write(f)?;
    seen(ctx, value, View::Record)
}

/// `{"ok": true}`: the command did what it was asked and has nothing to show.
pub fn done() -> Result<serde_json::Value> {
    Ok(serde_json::json!({ "ok": true }))
}

/// Phones in a document: masked, or full after the audited supervisor check.
pub fn disclosure(
    ctx: &mut Ctx,
    full: bool,
    document: &str,
) -> Result<frontdesk::documents::Disclosure> {
    if !full {
        return Ok(frontdesk::documents::Disclosure::Masked);
    }
    let eid = ctx.estate.id.clone();
    ctx.write(|w| frontdesk::documents::unmask(w, &eid, document))
}

/// Progress of a long export, on stderr every 10,000 rows.
pub fn progress(done: u64, total: u64) {
    if total >= 10_000 && (done.is_multiple_of(10_000) || done == total) {
        eprintln!("已写入 {done}/{total} 行");
    }
}

/// Personal data as the signed-in staff member may see it ([`frontdesk::privacy`]).
pub fn seen<T>(ctx: &Ctx, value: T, view: View) -> Result<serde_json::Value>
where
    T: Redact + serde::Serialize,
{
    Ok(serde_json::to_value(privacy::redacted(
        value, &ctx.actor, view,
    ))?)
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    if let Some(d) = std::env::var_os("FRONTDESK_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("cn", "FrontDesk", "FrontDesk")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| Error::State("找不到用户数据目录，请用 --data-dir 指定".into()))
}

fn db_path(dir: &std::path::Path) -> PathBuf {
    dir.join("frontdesk.sqlite3")
}

fn open(cli: &Cli, must_exist: bool) -> Result<Store> {
    let dir = data_dir(cli)?;
    let path = db_path(&dir);
    if must_exist && !path.exists() {
        return Err(Error::State(format!(
            "数据目录 {} 中没有数据库，请先运行 frontdesk init 或 frontdesk demo",
            dir.display()
        )));
    }
    std::fs::create_dir_all(&dir)?;
    Store::open(&path)
}

/// The backup folder: `--dir`, else `FRONTDESK_BACKUP_DIR`, else the folder chosen in the policy
/// (`backup.folder`, what the app uses), else `<data dir>/backups`.
fn backup_dir(cli: &Cli, dir: &Option<PathBuf>, policy: &BackupPolicy) -> Result<PathBuf> {
    match (dir, std::env::var_os("FRONTDESK_BACKUP_DIR")) {
        (Some(d), _) => Ok(d.clone()),
        (None, Some(d)) => Ok(PathBuf::from(d)),
        (None, None) => Ok(policy.folder_or(&data_dir(cli)?.join("backups"))),
    }
}

fn password(cli: &Cli) -> Option<String> {
    cli.password
        .clone()
        .or_else(|| std::env::var("FRONTDESK_PASSWORD").ok())
}

fn signed_in(cli: &Cli) -> Result<Ctx> {
    let mut store = open(cli, true)?;
    let estate = estate::only_estate(store.conn())?;
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
    let actor = frontdesk::auth::login(&mut store, &login, &pw)?;
    Ok(Ctx {
        store,
        actor,
        estate,
    })
}

fn run(cli: &Cli) -> Result<serde_json::Value> {
    match &cli.command {
        Command::Init(a) => {
            let mut store = open(cli, false)?;
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
                &mut store,
                &a.estate,
                &a.code,
                a.slip_title.as_deref(),
                &a.admin,
                &a.admin_name,
                &pw,
            )?;
            Ok(serde_json::json!({ "estate": to_json(e)?, "data_dir": to_json(data_dir(cli)?)? }))
        }
        Command::Demo => {
            let mut store = open(cli, false)?;
            let summary = frontdesk::demo::load(&mut store, frontdesk::demo::DEMO_SEED)?;
            Ok(
                serde_json::json!({ "demo": to_json(summary)?, "data_dir": to_json(data_dir(cli)?)? }),
            )
        }
        Command::Verify => {
            let store = open(cli, true)?;
            let report = store.verify()?;
            if let Some(problem) = report.problem() {
                return Err(Error::Corrupt(problem));
            }
            to_json(report)
        }
        Command::Info => {
            let dir = data_dir(cli)?;
            Ok(serde_json::json!({
                "data_dir": to_json(&dir)?,
                "database": to_json(db_path(&dir))?,
                "exists": db_path(&dir).exists(),
                "schema_version": frontdesk::store::schema_version(),
            }))
        }
        Command::Search { query, kind, limit } => {
            let ctx = signed_in(cli)?;
            let hits = frontdesk::search::search(
                ctx.store.conn(),
                &ctx.estate.id,
                query,
                kind.as_deref(),
                *limit,
            )?;
            seen(&ctx, hits, View::List)
        }
        Command::Estate(c) => {
            let mut ctx = signed_in(cli)?;
            let eid = ctx.estate.id.clone();
            match c {
                EstateCommand::Show => {
                    let conn = ctx.store.conn();
                    Ok(serde_json::json!({
                        "estate": to_json(&ctx.estate)?,
                        "departments": to_json(estate::departments(conn, &eid)?)?,
                        "staff": to_json(estate::staff_list(conn, &eid)?)?,
                        "units": estate::units(conn, &eid)?.len(),
                    }))
                }
                EstateCommand::AddDepartment { name } => {
                    to_json(ctx.write(|w| estate::add_department(w, &eid, Some(name)))?)
                }
                EstateCommand::AddStaff { json } => {
                    let input: estate::StaffInput = read_json(json)?;
                    to_json(ctx.write(|w| estate::add_staff(w, &eid, &input))?)
                }
                EstateCommand::SetPassword {
                    login,
                    new_password,
                } => {
                    ctx.write(|w| estate::set_password(w, login, new_password))?;
                    done()
                }
                EstateCommand::VoidStaff { login, reason } => {
                    ctx.write(|w| estate::void_staff(w, login, Some(reason)))?;
                    done()
                }
                EstateCommand::AddUnit { code, area } => {
                    to_json(ctx.write(|w| estate::add_unit(w, &eid, code, *area))?)
                }
                EstateCommand::Policy { toml } => {
                    let current = frontdesk::policy::current(ctx.store.conn(), &eid)?;
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
                    let v = ctx.write(|w| frontdesk::policy::save(w, &eid, &p, note.as_deref()))?;
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
        Command::Pdf(c) => pdf::run(&mut signed_in(cli)?, c),
        Command::Xlsx(c) => xlsx::run(&mut signed_in(cli)?, c),
        Command::MonthEnd {
            month,
            dir,
            full_phones,
        } => {
            let mut ctx = signed_in(cli)?;
            let m = frontdesk::documents::xlsx::Period::month(month)?;
            let d = disclosure(&mut ctx, *full_phones, &format!("客服月报 {}", m.label()))?;
            std::fs::create_dir_all(dir)?;
            let (eid, now) = (ctx.estate.id.clone(), ctx.store.now());
            to_json(frontdesk::documents::month_end(
                ctx.store.conn(),
                &eid,
                &m,
                now,
                d,
                dir,
                &mut progress,
            )?)
        }
        Command::Backup { dir, kind, if_due } => {
            let store = open(cli, true)?;
            let policy = frontdesk::backup::desk_policy(store.conn())?;
            let dir = backup_dir(cli, dir, &policy)?;
            if *if_due {
                return to_json(frontdesk::backup::backup_if_due(
                    &store,
                    &dir,
                    store.now(),
                    &policy,
                )?);
            }
            let kind = frontdesk::backup::BackupKind::parse(kind)?;
            to_json(frontdesk::backup::backup_now(
                &store,
                &dir,
                kind,
                store.now(),
            )?)
        }
        Command::Backups { dir } => {
            // Also for a damaged database (to find a backup to restore): then the default folder.
            let policy = open(cli, true)
                .and_then(|s| frontdesk::backup::desk_policy(s.conn()))
                .unwrap_or_default();
            to_json(frontdesk::backup::list(&backup_dir(cli, dir, &policy)?)?)
        }
        Command::Restore { file } => to_json(frontdesk::backup::restore(
            &db_path(&data_dir(cli)?),
            file,
            chrono::Utc::now(),
        )?),
        Command::Deadline(c) => deadlines::run(&mut signed_in(cli)?, c),
        Command::Kpi(a) => kpi::run(&mut signed_in(cli)?, a),
        Command::Queue(c) => queues::run(&mut signed_in(cli)?, c),
    }
}

fn intake(ctx: &mut Ctx, c: &IntakeCommand) -> Result<serde_json::Value> {
    use frontdesk::intake;
    let eid = ctx.estate.id.clone();
    match c {
        IntakeCommand::Add { json } => {
            let input: intake::IntakeInput = read_json(json)?;
            written(ctx, |w| intake::record(w, &eid, &input))
        }
        IntakeCommand::Import { json } => {
            let inputs: Vec<intake::IntakeInput> = read_json(json)?;
            let n = ctx.write(|w| intake::import(w, &eid, &inputs))?;
            Ok(serde_json::json!({ "imported": n }))
        }
        IntakeCommand::Show { id } => seen(ctx, intake::get(ctx.store.conn(), id)?, View::Record),
        IntakeCommand::List { from, to, limit } => {
            let (from, to) = period(ctx, from.as_deref(), to.as_deref())?;
            let list = intake::list(ctx.store.conn(), &eid, from, to, None, *limit)?;
            seen(ctx, list, View::List)
        }
        IntakeCommand::Lookup { query } => {
            let found = intake::lookup(ctx.store.conn(), &eid, query, ctx.store.now())?;
            seen(ctx, found, View::List)
        }
        IntakeCommand::PhoneLog { from, to } => {
            let (from, to) = period(ctx, Some(from), Some(to))?;
            let calls = Some(frontdesk::vocab::Channel::Call);
            let list = intake::list(ctx.store.conn(), &eid, from, to, calls, usize::MAX)?;
            seen(ctx, list, View::List)
        }
        IntakeCommand::Void { id, reason } => written(ctx, |w| intake::void(w, id, Some(reason))),
    }
}

/// A period given as dates (inclusive, Beijing time); both default to today.
pub fn period(
    ctx: &Ctx,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    use frontdesk::time;
    let today = time::local_date(ctx.store.now());
    let from = match from {
        Some(s) => time::parse_date("from", "开始日期", s)?,
        None => today,
    };
    let to = match to {
        Some(s) => time::parse_date("to", "结束日期", s)?,
        None => today,
    };
    if to < from {
        return Err(Error::invalid("to", "结束日期", "不能早于开始日期"));
    }
    let start = time::parse_input("from", "开始日期", &from.to_string())?;
    let end = time::parse_input(
        "to",
        "结束日期",
        &(to + chrono::Duration::days(1)).to_string(),
    )?;
    Ok((start, end))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::print(run(&cli), cli.json_output)
}
