//! `frontdesk-dev bench-documents`: the documents' speed and memory figures, printed (never
//! asserted).
//!
//! On a throw-away database in a temporary folder it generates one month (November 2026) of
//! complaints and repair orders through the core (`intake::record` + `complaints::open`,
//! `repairs::create`, in big transactions, with a fixed clock), then measures:
//! 1. the month-end workbook (`documents::xlsx::month_workbook`);
//! 2. the 《客户投诉处理记录表》 for 100,000 complaints (`documents::xlsx::complaint_register`): the
//!    complaints beyond those made through the core are SQL copies of them (same month, new ids
//!    and numbers; a bulk `INSERT … SELECT`, documented here because it bypasses the core), made
//!    in a copy of the database (`register.sqlite3`) so that the month's stays as it was;
//! 3. the same 100,000 rows written by `scripts/bench/openpyxl_register.py` (openpyxl write-only
//!    mode), fed the very cells of the file from step 2 (read back with calamine, passed as CSV),
//!    and the ratio of its write time to ours.
//!
//! Each measured phase runs in a child process (`--phase`), so its peak memory (VmHWM from
//! /proc/self/status, Linux) is its own, not the generator's. `--keep DIR` leaves the databases
//! and files in DIR; one phase can then be measured again on its own:
//! `frontdesk-dev --json bench-documents --phase month --db DIR/bench.sqlite3 --out /tmp/m.xlsx`
//! (`--phase register --db DIR/register.sqlite3` for the register).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use calamine::{Data, Reader};
use chrono::{Duration, TimeZone, Utc};
use frontdesk::documents::xlsx;
use frontdesk::documents::Disclosure;
use frontdesk::time::Clock;
use frontdesk::time::Period;
use frontdesk::{complaints, demo, estate, intake, repairs, time, Actor, Error, Result, Store};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Complaints made through the core in the month.
    #[arg(long, default_value_t = 10_000)]
    complaints: usize,
    /// Repair orders made through the core in the month.
    #[arg(long, default_value_t = 30_000)]
    repairs: usize,
    /// Rows of the big register (complaints beyond --complaints are SQL copies).
    #[arg(long, default_value_t = 100_000)]
    register_rows: usize,
    /// Work in this folder and leave it afterwards (the database and the files written), for a
    /// look at the files or to rerun a phase; by default a temporary folder, removed at the end.
    #[arg(long)]
    keep: Option<PathBuf>,
    /// Internal: run one measured phase (month, register) in this process.
    #[arg(long, hide = true)]
    phase: Option<String>,
    /// Internal: the database of the phase.
    #[arg(long, hide = true)]
    db: Option<PathBuf>,
    /// Internal: the file the phase writes.
    #[arg(long, hide = true)]
    out: Option<PathBuf>,
}

const MONTH: &str = "2026-11";

pub fn run(a: &Args) -> Result<Value> {
    if let Some(phase) = &a.phase {
        return child(a, phase);
    }
    if let Some(dir) = &a.keep {
        if dir.join("bench.sqlite3").exists() {
            return Err(Error::invalid(
                "keep",
                "保留目录",
                format!("{} 里已有上次的数据库，请换一个空目录", dir.display()),
            ));
        }
        std::fs::create_dir_all(dir)?;
        return bench(a, dir);
    }
    let dir = std::env::temp_dir().join(format!("frontdesk-bench-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let out = bench(a, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn bench(a: &Args, dir: &Path) -> Result<Value> {
    let db = dir.join("bench.sqlite3");
    let t = Instant::now();
    generate(a, &db)?;
    let generate_secs = t.elapsed().as_secs_f64();
    eprintln!("bench-documents: generated in {generate_secs:.1} s; month workbook …");

    let month = phase(&db, "month", &dir.join("month.xlsx"))?;
    eprintln!("bench-documents: month workbook {month}");
    eprintln!(
        "bench-documents: cloning complaints up to {} …",
        a.register_rows
    );
    // The copies go into a copy of the database, so that the month's database stays as it was
    // (with --keep, both can be measured again with --phase).
    let register_db = dir.join("register.sqlite3");
    Store::open(&db)?
        .conn()
        .execute("VACUUM INTO ?1", [register_db.to_string_lossy()])?;
    clone_complaints(&register_db, a.register_rows)?;
    eprintln!("bench-documents: register …");
    let register_file = dir.join("register.xlsx");
    let register = phase(&register_db, "register", &register_file)?;
    eprintln!("bench-documents: register {register}");

    eprintln!("bench-documents: openpyxl …");
    let csv = dir.join("register.csv");
    let rows = register_to_csv(&register_file, &csv)?;
    let py = openpyxl(&csv, &dir.join("openpyxl.xlsx"))?;
    let ours = register["seconds"].as_f64().unwrap_or(f64::NAN);
    let theirs = py["write_seconds"].as_f64().unwrap_or(f64::NAN);

    let slip_pdf = slip_pdf(&register_db)?;
    eprintln!("bench-documents: slip PDF {slip_pdf}");

    Ok(json!({
        "generated": {
            "complaints_via_core": a.complaints,
            "repairs_via_core": a.repairs,
            "complaints_total": a.register_rows.max(a.complaints),
            "seconds": round(generate_secs),
        },
        "slip_pdf": slip_pdf,
        "month_workbook": month,
        "month_targets": { "seconds": 1.0, "peak_rss_mb": 50.0 },
        "register_100k": register,
        "openpyxl_register": py,
        "openpyxl_rows_fed": rows,
        "speedup_vs_openpyxl": round(theirs / ours),
        "speedup_goal": 20.0,
    }))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One month of complaints and repair orders, made through the core.
fn generate(a: &Args, db: &Path) -> Result<()> {
    let mut store = Store::open(db)?;
    store.conn().execute_batch("PRAGMA synchronous=OFF")?;
    let (e, actor, units) = crate::bench::bench_desk(&mut store)?;
    let start = Utc
        .with_ymd_and_hms(2026, 10, 31, 16, 0, 0)
        .single()
        .expect("valid time");
    // The clock stands at the end of the month: every record is in the past.
    store.set_clock(Clock::fixed(start + Duration::days(30)));
    let mut rng = fastrand::Rng::with_seed(11);
    let span = Duration::days(30).num_seconds() - 3600;
    let at = |i: usize, n: usize| {
        time::to_db(start + Duration::seconds(span * i as i64 / n.max(1) as i64))
    };
    let categories = ["物业管理", "工程质量", "规划设计", "销售承诺", "其他"];
    for chunk in (0..a.complaints).collect::<Vec<_>>().chunks(5_000) {
        store.write(&actor, |w| {
            for &i in chunk {
                let mut input = demo::random_intake(&mut rng, &units, &at(i, a.complaints));
                input.kind = Some("投诉".into());
                let intake = intake::record(w, &e.id, &input)?;
                complaints::open(
                    w,
                    &e.id,
                    &complaints::ComplaintInput {
                        intake: Some(intake.id),
                        category: Some(categories[i % categories.len()].into()),
                        responsible_department: Some("客服中心".into()),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })?;
    }
    let kinds = ["房屋", "系统", "特约"];
    for chunk in (0..a.repairs).collect::<Vec<_>>().chunks(10_000) {
        store.write(&actor, |w| {
            for &i in chunk {
                repairs::create(
                    w,
                    &e.id,
                    &repairs::RepairInput {
                        unit: Some(units[rng.usize(..units.len())].clone()),
                        reporter_name: Some(demo::random_name(&mut rng)),
                        phone: Some(demo::random_mobile(&mut rng)),
                        kind: Some(kinds[i % kinds.len()].into()),
                        content: Some("卫生间水龙头漏水，需要更换阀芯".into()),
                        reported_at: Some(at(i, a.repairs)),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Copies the complaints (and their intakes) until there are `total`: new ids and numbers with a
/// `-k` suffix, everything else the same. Bulk SQL, outside the core (see the module doc).
fn clone_complaints(db: &Path, total: usize) -> Result<()> {
    let store = Store::open(db)?;
    let conn = store.conn();
    let have: i64 = conn.query_row("SELECT count(*) FROM complaints", [], |r| r.get(0))?;
    if have == 0 || total as i64 <= have {
        return Ok(());
    }
    let limit = total as i64 - have;
    let copies = (limit + have - 1) / have;
    let columns = |table: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
        let names = stmt.query_map([], |r| r.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    };
    let copy = |table: &str, suffixed: &[&str], filter: &str, limit: i64| -> Result<()> {
        let cols = columns(table)?;
        let select: Vec<String> = cols
            .iter()
            .map(|c| {
                if suffixed.contains(&c.as_str()) {
                    format!("t.{c} || '-' || k.n")
                } else {
                    format!("t.{c}")
                }
            })
            .collect();
        conn.execute_batch(&format!(
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies})
             INSERT INTO {table} ({}) SELECT {} FROM {table} t, k WHERE {filter}
             ORDER BY k.n, t.rowid LIMIT {limit}",
            cols.join(", "),
            select.join(", ")
        ))?;
        Ok(())
    };
    conn.execute_batch("PRAGMA synchronous=OFF; BEGIN")?;
    // Every copy of every intake, so that each copied complaint finds its intake.
    copy(
        "intakes",
        &["id", "no"],
        "t.id IN (SELECT intake_id FROM complaints)",
        copies * have,
    )?;
    copy("complaints", &["id", "no", "intake_id"], "1", limit)?;
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// Runs one phase in a child process and returns its figures.
fn phase(db: &Path, name: &str, out: &Path) -> Result<Value> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .args(["--json", "bench-documents", "--phase", name, "--db"])
        .arg(db)
        .arg("--out")
        .arg(out)
        .output()?;
    if !output.status.success() {
        return Err(Error::State(format!(
            "基准阶段 {name} 失败：{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// Peak and current resident memory of this process in MB (Linux; None elsewhere).
fn memory() -> (Option<f64>, Option<f64>) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| round(kb / 1024.0))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The measured phase, in the child.
/// One 协调单 made for the first complaint and rendered 200 times after a warm-up (the first
/// render of a process parses the font): mean time per slip and the size of the PDF.
fn slip_pdf(db: &Path) -> Result<Value> {
    const RENDERS: u32 = 200;
    let mut store = Store::open(db)?;
    let e = estate::only_estate(store.conn())?;
    let first: String = store.conn().query_row(
        "SELECT no FROM complaints ORDER BY created_at, no LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let slip = store.write(&Actor::system(), |w| {
        frontdesk::slips::create(
            w,
            &e.id,
            &frontdesk::slips::SlipInput {
                complaint: Some(first),
                department: Some("工程维修部".into()),
                ..Default::default()
            },
        )
    })?;
    let now = store.now();
    let render = || {
        frontdesk::documents::pdf::render_slip_bytes(
            store.conn(),
            &slip.no,
            false,
            Disclosure::Masked,
            now,
        )
    };
    let t = Instant::now();
    let first = render()?;
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    for _ in 0..RENDERS {
        render()?;
    }
    let mean_ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(RENDERS);
    Ok(json!({
        "first_render_ms_with_font_parse": round(first_ms),
        "mean_ms": round(mean_ms),
        "bytes": first.bytes.len(),
        "pages": first.pages,
        "targets": { "ms": 10.0, "bytes": 80_000 },
    }))
}

fn child(a: &Args, phase: &str) -> Result<Value> {
    let (db, out) = match (&a.db, &a.out) {
        (Some(d), Some(o)) => (d, o),
        _ => return Err(Error::invalid("db", "数据库", "--phase 需要 --db 和 --out")),
    };
    let store = Store::open(db)?;
    let e = estate::only_estate(store.conn())?;
    let month = Period::month(MONTH)?;
    let now = month.bounds()?.1;
    let (_, rss_before) = memory();
    let t = Instant::now();
    let written = match phase {
        "month" => xlsx::month_workbook(
            store.conn(),
            &e.id,
            &month,
            now,
            Disclosure::Masked,
            out,
            &mut |_, _| {},
        )?,
        "register" => xlsx::complaint_register(
            store.conn(),
            &e.id,
            &month,
            now,
            Disclosure::Masked,
            out,
            &mut |_, _| {},
        )?,
        other => return Err(Error::invalid("phase", "阶段", format!("未知阶段 {other}"))),
    };
    let seconds = t.elapsed().as_secs_f64();
    let (peak, _) = memory();
    Ok(json!({
        "seconds": round(seconds),
        "rows": written.rows,
        "bytes": written.bytes,
        "peak_rss_mb": peak,
        "rss_before_mb": rss_before,
    }))
}

/// Reads the register back and writes its data rows as CSV (first line: the column kinds
/// `s`tring / `n`umber / `d`ate-time, second: the headers). Returns the rows written.
fn register_to_csv(xlsx_file: &Path, csv: &Path) -> Result<u64> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(xlsx_file)
        .map_err(|e| Error::State(format!("读取 {} 失败：{e}", xlsx_file.display())))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| Error::State("工作簿没有工作表".into()))?
        .map_err(|e| Error::State(format!("读取工作表失败：{e}")))?;
    let mut rows = range.rows().skip(xlsx::sheet::HEADER_ROW as usize);
    let header = rows.next().ok_or_else(|| Error::State("没有表头".into()))?;
    let data: Vec<&[Data]> = rows.collect();
    let kinds: Vec<&str> = (0..header.len())
        .map(|c| {
            match data
                .iter()
                .map(|r| &r[c])
                .find(|d| !matches!(d, Data::Empty))
            {
                Some(Data::DateTime(_)) => "d",
                Some(Data::Float(_)) | Some(Data::Int(_)) => "n",
                _ => "s",
            }
        })
        .collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(csv)?);
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(f, "{}", kinds.join(","))?;
    let line: Vec<String> = header.iter().map(|d| field(&d.to_string())).collect();
    writeln!(f, "{}", line.join(","))?;
    for r in &data {
        let line: Vec<String> = r
            .iter()
            .map(|d| match d {
                Data::DateTime(dt) => from_serial(dt.as_f64()),
                Data::Empty => String::new(),
                other => field(&other.to_string()),
            })
            .collect();
        writeln!(f, "{}", line.join(","))?;
    }
    f.flush()?;
    Ok(data.len() as u64)
}

/// An Excel serial date-time as `YYYY-MM-DD HH:MM:SS`.
fn from_serial(days: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid date")
        .and_time(chrono::NaiveTime::MIN);
    (epoch + Duration::milliseconds((days * 86_400_000.0).round() as i64))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Runs the openpyxl script on the CSV and returns its figures (it times its own writing).
fn openpyxl(csv: &Path, out: &Path) -> Result<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench/openpyxl_register.py");
    let t = Instant::now();
    let output = Command::new("python3")
        .arg(&script)
        .arg(csv)
        .arg(out)
        .output()
        .map_err(|e| Error::State(format!("无法运行 python3：{e}")))?;
    let wall = t.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(Error::State(format!(
            "openpyxl 脚本失败（pip install openpyxl？）：{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let mut v: Value = serde_json::from_slice(&output.stdout)?;
    v["wall_seconds_with_csv_read"] = json!(round(wall));
    Ok(v)
}
