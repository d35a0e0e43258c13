//! `frontdesk-dev soak`: the kill harness proving that committed records survive a hard kill.
//!
//! One database is set up once and reused across trials (as a real desk reuses its file). Each
//! trial spawns this same binary as a child running the hidden `soak-writer` command, which records
//! intakes in a loop and prints each committed intake's number (flushed after the commit returns).
//! After a random 5 ms to `--max-delay` (300 ms) the parent kills the child with SIGKILL (`Child::kill`), reopens the
//! database and checks: every number the child reported is there; integrity, foreign keys and the
//! audit chain verify; and no partial operation is visible (every intake has its audit entry and
//! search document, every intake audit entry its intake, and the number counter matches the
//! intakes). Then a backup is taken, more data written, and the backup restored and verified; the
//! audit log is forged in many ways that `verify` must find ([`tamper`]); and the core is fuzzed
//! with hostile input ([`crate::fuzz`]).
//! SIGKILL proves process-crash safety; power loss additionally relies on `synchronous=FULL`.

use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use frontdesk::backup::{self, BackupKind};
use frontdesk::{demo, estate, intake, setup, Actor, Error, Result, Store};

const LOGIN: &str = "soak";
const PASSWORD: &str = "soak-pass";
const UNITS: &[&str] = &["1-1-101", "1-1-102", "2-1-301", "3-2-1201"];

#[derive(clap::Args)]
pub struct SoakArgs {
    /// Kill trials to run.
    #[arg(long, default_value_t = 1000)]
    trials: usize,
    /// Working folder (default: a temporary folder, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Seed for the kill delays and the tampering.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Longest time (ms) a writer runs before it is killed (raise it on a slow or busy machine,
    /// where the child needs longer to start).
    #[arg(long, default_value_t = 300)]
    max_delay: u64,
    /// Tamper trials: forged edits of the audit log that `verify` must find.
    #[arg(long, default_value_t = 200)]
    tamper: usize,
    /// Fuzz cases: random and hostile input to every command of the core.
    #[arg(long, default_value_t = 100_000)]
    fuzz: usize,
}

#[derive(clap::Args)]
pub struct WriterArgs {
    /// The database to write to.
    #[arg(long)]
    db: PathBuf,
}

/// What the trials found.
#[derive(Default, serde::Serialize)]
struct Tally {
    #[serde(rename = "kill trials run")]
    trials: usize,
    #[serde(rename = "records reported committed")]
    reported: usize,
    #[serde(rename = "records lost")]
    lost: usize,
    #[serde(rename = "partial operations")]
    partial: i64,
    #[serde(rename = "verify failures")]
    verify_failures: usize,
    #[serde(rename = "intakes in database")]
    intakes: i64,
    #[serde(rename = "backup+restore verified")]
    backup_restore: bool,
    #[serde(rename = "tamper cases tried")]
    tamper_tried: usize,
    #[serde(rename = "tamper cases detected")]
    tamper_detected: usize,
    #[serde(rename = "fuzz cases")]
    fuzz_cases: usize,
    #[serde(rename = "fuzz commands accepted")]
    fuzz_accepted: usize,
    #[serde(rename = "fuzz commands rejected")]
    fuzz_rejected: usize,
    #[serde(rename = "fuzz panics")]
    fuzz_panics: usize,
    #[serde(rename = "fuzz failures")]
    fuzz_failures: usize,
}

pub fn run(a: &SoakArgs) -> Result<serde_json::Value> {
    let (dir, temporary) = match &a.dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("frontdesk-soak-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&dir)?;
    let out = soak(a, &dir);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let tally = out?;
    let value = serde_json::to_value(&tally)?;
    if tally.lost > 0
        || tally.partial != 0
        || tally.verify_failures > 0
        || !tally.backup_restore
        || tally.tamper_detected != tally.tamper_tried
        || tally.fuzz_failures > 0
    {
        return Err(Error::Corrupt(format!("压测发现问题：{value}")));
    }
    Ok(value)
}

fn soak(a: &SoakArgs, dir: &Path) -> Result<Tally> {
    let db = dir.join("soak.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    set_up(&db)?;
    let exe = std::env::current_exe()?;
    let mut rng = fastrand::Rng::with_seed(a.seed);
    let mut tally = Tally::default();
    for _ in 0..a.trials {
        let reported = trial(
            &exe,
            &db,
            Duration::from_millis(rng.u64(5..=a.max_delay.max(5))),
        )?;
        tally.trials += 1;
        tally.reported += reported.len();
        check(&db, &reported, &mut tally)?;
    }
    tally.backup_restore = backup_and_restore(dir, &db)?;
    tally.tamper_tried = a.tamper;
    tally.tamper_detected = tamper(dir, &db, a.tamper, &mut rng)?;
    let fuzz = crate::fuzz::run(a.fuzz, a.seed);
    for f in &fuzz.failures {
        eprintln!("{f}");
    }
    tally.fuzz_cases = fuzz.cases;
    tally.fuzz_accepted = fuzz.accepted;
    tally.fuzz_rejected = fuzz.rejected;
    tally.fuzz_panics = fuzz.panics;
    tally.fuzz_failures = fuzz.failures.len();
    Ok(tally)
}

/// Tamper trials. Someone with the file and an SQLite tool drops the append-only triggers and
/// edits a field of an audit entry, deletes or swaps entries, or edits one and recomputes its own
/// hash; `verify` must report a broken link at or before the forged entry every time. Returns how
/// many trials were detected. (Removing the newest entries, or rewriting the whole chain from the
/// forged entry on, can only be found against an earlier anchor: a backup or a printed `verify`.)
fn tamper(dir: &Path, db: &Path, trials: usize, rng: &mut fastrand::Rng) -> Result<usize> {
    use frontdesk::store::verify_audit_chain;
    let copy = dir.join("tamper.sqlite3");
    let source = rusqlite::Connection::open(db)?;
    // Throw-away copies need no fsync.
    source.execute_batch("PRAGMA synchronous = OFF;")?;
    let mut detected = 0;
    for _ in 0..trials {
        let _ = std::fs::remove_file(&copy);
        source.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        let conn = rusqlite::Connection::open(&copy)?;
        conn.execute_batch("PRAGMA synchronous = OFF;")?;
        if verify_audit_chain(&conn)?.first_broken.is_some() {
            return Err(Error::Corrupt("篡改试验：副本在篡改前已校验失败".into()));
        }
        conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")?;
        let last: i64 = conn.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))?;
        let seq = rng.i64(1..last);
        let forged = "伪造";
        match rng.u8(0..6) {
            0 => conn.execute(
                "UPDATE audit_log SET detail = replace(detail, substr(detail, 3, 1), ?2) WHERE seq = ?1",
                rusqlite::params![seq, forged],
            )?,
            1 => conn.execute(
                "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = ?1",
                [seq],
            )?,
            2 => conn.execute(
                "UPDATE audit_log SET actor_name = ?2 WHERE seq = ?1",
                rusqlite::params![seq, forged],
            )?,
            3 => conn.execute("DELETE FROM audit_log WHERE seq = ?1", [seq])?,
            4 => conn.execute_batch(&format!(
                "UPDATE audit_log SET seq = -1 WHERE seq = {seq};
                 UPDATE audit_log SET seq = {seq} WHERE seq = {next};
                 UPDATE audit_log SET seq = {next} WHERE seq = -1;",
                next = seq + 1
            )).map(|()| 1)?,
            _ => {
                let mut e = conn.query_row(
                    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, detail,
                            prev_hash, hash FROM audit_log WHERE seq = ?1",
                    [seq],
                    |r| {
                        Ok(frontdesk::store::AuditEntry {
                            seq: r.get(0)?,
                            at: r.get(1)?,
                            actor_id: r.get(2)?,
                            actor_name: r.get(3)?,
                            action: r.get(4)?,
                            entity: r.get(5)?,
                            entity_id: r.get(6)?,
                            detail: r.get(7)?,
                            prev_hash: r.get(8)?,
                            hash: r.get(9)?,
                        })
                    },
                )?;
                e.detail = e.detail.replacen('"', &format!("\"{forged}"), 1);
                e.hash = e.compute_hash();
                conn.execute(
                    "UPDATE audit_log SET detail = ?2, hash = ?3 WHERE seq = ?1",
                    rusqlite::params![seq, e.detail, e.hash],
                )?
            }
        };
        let check = verify_audit_chain(&conn)?;
        if check.first_broken.is_some_and(|b| b <= seq + 1) {
            detected += 1;
        }
    }
    let _ = std::fs::remove_file(&copy);
    Ok(detected)
}

/// The estate, one staff member and a few units, written once.
fn set_up(db: &Path) -> Result<()> {
    let mut store = Store::open(db)?;
    let e = setup::init(
        &mut store,
        "压测花园",
        "SK",
        None,
        LOGIN,
        "压测员",
        PASSWORD,
    )?;
    store.write(&Actor::system(), |w| {
        for u in UNITS {
            estate::add_unit(w, &e.id, u, None)?;
        }
        Ok(())
    })
}

/// Runs one writer child, kills it after `delay`, and returns the numbers it reported.
fn trial(exe: &Path, db: &Path, delay: Duration) -> Result<Vec<String>> {
    let mut child = Command::new(exe)
        .arg("soak-writer")
        .arg("--db")
        .arg(db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait()? {
        let mut err = String::new();
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        return Err(Error::State(format!(
            "压测写入进程提前退出（{status}）：{err}"
        )));
    }
    child.kill()?;
    child.wait()?;
    let mut text = String::new();
    if let Some(mut s) = child.stdout.take() {
        s.read_to_string(&mut text)?;
    }
    // A line cut by the kill has no newline and was not reported.
    Ok(text
        .split_inclusive('\n')
        .filter_map(|l| l.strip_suffix('\n'))
        .map(str::to_string)
        .collect())
}

/// Reopens the database after a kill and counts what is missing or half-done.
fn check(db: &Path, reported: &[String], tally: &mut Tally) -> Result<()> {
    let store = Store::open(db)?;
    let conn = store.conn();
    let mut exists = conn.prepare("SELECT count(*) FROM intakes WHERE no = ?1")?;
    for no in reported {
        let n: i64 = exists.query_row([no], |r| r.get(0))?;
        if n != 1 {
            tally.lost += 1;
        }
    }
    if !store.verify()?.ok() {
        tally.verify_failures += 1;
    }
    let (partial, intakes): (i64, i64) = conn.query_row(
        "SELECT
           (SELECT count(*) FROM intakes i WHERE
              NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'intake' AND a.entity_id = i.id)
              OR NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.kind = 'intake' AND s.ref_id = i.id))
         + (SELECT count(*) FROM audit_log a WHERE a.entity = 'intake'
              AND NOT EXISTS (SELECT 1 FROM intakes i WHERE i.id = a.entity_id))
         + abs((SELECT coalesce(sum(value), 0) FROM counters WHERE scope LIKE 'DJ:%')
               - (SELECT count(*) FROM intakes)),
           (SELECT count(*) FROM intakes)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tally.partial += partial;
    tally.intakes = intakes;
    Ok(())
}

/// Backs the soaked database up, writes one more intake, restores, and checks the result.
fn backup_and_restore(dir: &Path, db: &Path) -> Result<bool> {
    let mut store = Store::open(db)?;
    let b = backup::backup_now(
        &store,
        &dir.join("backups"),
        BackupKind::Manual,
        store.now(),
    )?;
    let count = |s: &Store| -> Result<i64> {
        Ok(s.conn()
            .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))?)
    };
    let before = count(&store)?;
    write_one(&mut store, 0)?;
    drop(store);
    let info = backup::restore(db, &b.file, chrono::Utc::now())?;
    let store = Store::open(db)?;
    Ok(count(&store)? == before && store.verify()?.ok() && info.kept_verified)
}

/// Records one intake as the soak clerk; returns its number.
fn write_one(store: &mut Store, i: u64) -> Result<String> {
    let actor = frontdesk::auth::login(store, LOGIN, PASSWORD)?;
    let eid = actor.estate_id.clone();
    let input = intake_input(i);
    Ok(store.write(&actor, |w| intake::record(w, &eid, &input))?.no)
}

fn intake_input(i: u64) -> intake::IntakeInput {
    let mut rng = fastrand::Rng::with_seed(i);
    let units: Vec<String> = UNITS.iter().map(|u| u.to_string()).collect();
    intake::IntakeInput {
        received_at: None,
        ..demo::random_intake(&mut rng, &units, "")
    }
}

/// The child: records intakes until killed, printing each committed number.
pub fn writer(a: &WriterArgs) -> Result<serde_json::Value> {
    let mut store = Store::open(&a.db)?;
    let actor = frontdesk::auth::login(&mut store, LOGIN, PASSWORD)?;
    let eid = actor.estate_id.clone();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut i = 0;
    loop {
        let input = intake_input(i);
        let no = store.write(&actor, |w| intake::record(w, &eid, &input))?.no;
        writeln!(out, "{no}")?;
        out.flush()?;
        i += 1;
    }
}
