//! The store: one SQLite database per desk, opened one way, written one way.
//!
//! Invariants:
//! - [`Store::open`] is the only way to open a file: WAL, `synchronous=FULL`, a busy timeout and
//!   foreign keys are always on, and migrations are applied (atomically, each in its transaction).
//!   A database written by a newer binary is refused, never touched.
//! - Every change goes through [`Store::write`]: one transaction, one actor, one "now". Whatever the
//!   closure returns as an error rolls the whole operation back; nothing half-done is ever visible.
//! - Writers queue, they do not collide: a write takes SQLite's write lock before it reads
//!   anything (`BEGIN IMMEDIATE`), so while another program (a second desk process, the scheduled
//!   backup or tick, an import) writes, it waits up to [`BUSY_TIMEOUT`] for its turn. A deferred
//!   transaction would read first and then fail at once on upgrading to a write (SQLite cannot
//!   wait there without risking deadlock); only a writer that still has no turn after the whole
//!   timeout gets `Error` code `busy`, and it has changed nothing. Migrations take the same lock
//!   and re-read the schema version under it, so two programs opening a new file at once apply
//!   each migration once.
//! - Every insert, update and void writes an audit entry ([`Write::audit_insert`],
//!   [`Write::audit_update`], [`Write::audit_void`]); the audit log and the event log are append-only
//!   (triggers refuse UPDATE and DELETE) and the audit log is hash-chained.
//! - Primary keys are UUIDv7 text; human numbers (投诉单号, 协调单号…) live in their own columns and
//!   come from [`Write::next_number`].

mod audit;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use serde::Serialize;

pub use audit::{history as audit_history, record_name, verify_audit_chain, AuditEntry};

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::time::{self, Clock};

/// Marks a SQLite file as FrontDesk's (`PRAGMA application_id`, "FDSK").
pub const APPLICATION_ID: i64 = 0x4644_534B;

/// The numbered migrations, embedded at build time. Append only; never edit a released one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_core.sql"),
    include_str!("migrations/0002_customers.sql"),
    include_str!("migrations/0003_intake.sql"),
    include_str!("migrations/0004_complaints.sql"),
    include_str!("migrations/0005_repairs.sql"),
    include_str!("migrations/0006_search.sql"),
    include_str!("migrations/0007_grading.sql"),
    include_str!("migrations/0008_deadlines.sql"),
    include_str!("migrations/0009_repair_policy_version.sql"),
    include_str!("migrations/0010_complaint_risks.sql"),
    include_str!("migrations/0011_duty.sql"),
    include_str!("migrations/0012_claims.sql"),
    include_str!("migrations/0013_attachments.sql"),
    include_str!("migrations/0014_repair_visits.sql"),
    include_str!("migrations/0015_repair_prints.sql"),
    include_str!("migrations/0016_household_visits.sql"),
    include_str!("migrations/0017_notice_escalations.sql"),
    include_str!("migrations/0018_sync.sql"),
    include_str!("migrations/0019_staff_login_per_estate.sql"),
    include_str!("migrations/0020_sync_settled.sql"),
];

/// Whether this desk is read-only: enrolled, and granted no estate to write (the head office).
/// Its staff only look, count and export: [`Store::write`] refuses their writes. The grants are
/// the sync's (`sync_estates`, written at enrolment, `crate::sync`).
pub fn read_only(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_estates)
                AND NOT EXISTS (SELECT 1 FROM sync_estates WHERE access = 'write')",
        )?
        .query_row([], |r| r.get(0))?)
}

/// How long a write waits for another program's write to finish before it gives up with `busy`.
/// Long enough for a register import or a backup's final step; a clerk's form waits at most this.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The schema version this binary writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of the database file at `path` as it is on disk, read without creating,
/// locking or migrating anything (`None` when there is no file; 0 for an empty one).
pub fn file_schema_version(path: &Path) -> Result<Option<i64>> {
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(sqlite_path(path), OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    Ok(Some(
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
    ))
}

/// The form of `path` to hand to SQLite. Windows refuses a path of 260 characters or more
/// (`MAX_PATH`) unless it is written in the extended form `\\?\C:\…` (`\\?\UNC\server\share\…`).
/// Rust's own file calls switch to that form by themselves, SQLite's Windows VFS does not, so a
/// data or backup folder deep in a network share would open for Rust and fail in SQLite. Long paths
/// are therefore made absolute and extended; short ones, and every path elsewhere, stay as given.
pub fn sqlite_path(path: &Path) -> PathBuf {
    #[cfg(windows)]
    {
        use std::ffi::OsString;
        use std::os::windows::ffi::{OsStrExt, OsStringExt};
        // MAX_PATH less room for the "-journal", "-wal" and "-shm" files SQLite puts beside it.
        const LONG: usize = 240;
        if path.as_os_str().encode_wide().count() < LONG {
            return path.to_path_buf();
        }
        let Ok(abs) = std::path::absolute(path) else {
            return path.to_path_buf();
        };
        let wide: Vec<u16> = abs.as_os_str().encode_wide().collect();
        let has = |prefix: &str| wide.starts_with(&prefix.encode_utf16().collect::<Vec<_>>());
        let extended: Vec<u16> = if has(r"\\?\") || has(r"\\.\") {
            return abs;
        } else if has(r"\\") {
            r"\\?\UNC\"
                .encode_utf16()
                .chain(wide[2..].iter().copied())
                .collect()
        } else {
            r"\\?\".encode_utf16().chain(wide.iter().copied()).collect()
        };
        PathBuf::from(OsString::from_wide(&extended))
    }
    #[cfg(not(windows))]
    path.to_path_buf()
}

/// An open FrontDesk database.
pub struct Store {
    conn: Connection,
    clock: Clock,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(sqlite_path(path))?;
        Self::init(conn, true)
    }

    /// A fresh in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, false)
    }

    fn init(conn: Connection, file: bool) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Registers and reports run a few dozen distinct statements per row; with rusqlite's
        // default of 16 cached statements they would be parsed again on every row.
        conn.set_prepared_statement_cache_capacity(256);
        let mut store = Store {
            conn,
            clock: Clock::system(),
        };
        // Programs opening a new file at the same moment (each switching it to WAL and
        // migrating): where SQLite answers busy without waiting (seen on Windows), try again.
        let started = std::time::Instant::now();
        loop {
            match store.prepare(file) {
                Err(e) if e.code() == "busy" && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(e) => return Err(e),
                Ok(()) => return Ok(store),
            }
        }
    }

    /// WAL, the pragmas, the file's kind, the migrations. Each step may run again.
    fn prepare(&mut self, file: bool) -> Result<()> {
        let conn = &self.conn;
        if file {
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::Corrupt(format!("无法启用 WAL 日志模式（{mode}）")));
            }
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != 0 && app_id != APPLICATION_ID {
            return Err(Error::Corrupt("该文件不是 FrontDesk 数据库".into()));
        }
        self.migrate()
    }

    fn migrate(&mut self) -> Result<()> {
        let supported = schema_version();
        let version = |conn: &Connection| -> Result<i64> {
            let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found > supported {
                return Err(Error::SchemaTooNew { found, supported });
            }
            Ok(found)
        };
        // Reading the version takes no lock; only a database that needs a migration is locked.
        if version(&self.conn)? == supported {
            return Ok(());
        }
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another program may have migrated while this one waited for the lock.
            let found = version(&tx)?;
            let Some(sql) = MIGRATIONS.get(found as usize) else {
                return Ok(());
            };
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!(
                "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
                found + 1
            ))?;
            tx.commit()?;
        }
    }

    /// A fingerprint of everything stored: every table's rows in order (the search index's
    /// internal tables excepted). Equal fingerprints mean nothing was written; the tests and the
    /// fuzzing use it to prove a rejected operation changed nothing.
    pub fn fingerprint(&self) -> Result<String> {
        let conn = &self.conn;
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 AND name NOT LIKE 'search_fts%' ORDER BY name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = String::new();
        for t in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            out.push_str(&format!("## {t}\n"));
            while let Some(r) = rows.next()? {
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    out.push_str(&format!("{v:?}|"));
                }
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// SQLite's quick structural check of the whole file (seconds for a large register): the app
    /// runs it at start and refuses a damaged database, offering the latest good backup instead.
    pub fn quick_check(&self) -> Result<()> {
        let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
        let problems: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match problems.as_slice() {
            [ok] if ok == "ok" => Ok(()),
            _ => Err(Error::Corrupt(format!(
                "数据库文件已损坏（{}）：请用最近一次完好的备份恢复",
                problems
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；")
            ))),
        }
    }

    /// Replaces the clock (tests fix it; the app uses the system clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs one operation as one transaction on behalf of `actor`. An error rolls everything back.
    /// The write lock is taken first, waiting up to [`BUSY_TIMEOUT`] for another writer.
    ///
    /// A read-only desk (the head office, [`read_only`]) refuses every write of a
    /// staff member: it only looks, counts and exports. The program's own writes (系统: sync,
    /// set-up) go on.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&mut Write) -> Result<T>,
    ) -> Result<T> {
        self.write_own(actor, |w| {
            if !w.actor.is_system() && read_only(&w.tx)? {
                return Err(Error::Denied(
                    "本机是总部只读桌面：只能查看、统计和导出，不能登记或修改".into(),
                ));
            }
            f(w)
        })
    }

    /// A write of the desk's own bookkeeping about `actor` that a read-only desk makes too (a
    /// failed sign-in counted towards the lock-out); otherwise like [`Store::write`].
    pub fn write_own<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&mut Write) -> Result<T>,
    ) -> Result<T> {
        let mut w = self.begin(actor)?;
        let out = f(&mut w)?;
        w.tx.commit()?;
        Ok(out)
    }

    /// The write lock taken (waiting up to [`BUSY_TIMEOUT`]) and the clock read under it, so
    /// times follow the order of the writes.
    fn begin(&mut self, actor: &Actor) -> Result<Write<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Under the lock: a desk enrolled by another program since this connection opened
        // captures this write too.
        crate::sync::capture::ensure(&tx)?;
        let now = self.clock.now();
        Ok(Write {
            tx,
            actor: actor.clone(),
            now,
            now_db: time::to_db(now),
            last_hash: None,
        })
    }

    /// Runs one operation like [`Store::write`] and then rolls it back, whatever it returns:
    /// "what would happen if this were saved" (a grade previewed while the clerk types). Nothing
    /// it does is kept: no row, no number, no audit entry.
    pub fn dry_run<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&mut Write) -> Result<T>,
    ) -> Result<T> {
        let mut w = self.begin(actor)?;
        let out = f(&mut w);
        w.tx.rollback()?;
        out
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`, then the audit chain.
    pub fn verify(&self) -> Result<VerifyReport> {
        let integrity: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let fk_problems: i64 = self
            .conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |_| Ok(()))?
            .count() as i64;
        let audit = verify_audit_chain(&self.conn)?;
        let audit_first_broken_entry = audit
            .first_broken
            .map(|seq| audit::describe(&self.conn, seq))
            .transpose()?;
        Ok(VerifyReport {
            integrity_ok: integrity == ["ok"],
            integrity,
            foreign_key_problems: fk_problems,
            audit_entries: audit.entries,
            audit_first_broken: audit.first_broken,
            audit_first_broken_entry,
            schema_version: schema_version(),
            attachment_files: 0,
            attachment_problems: Vec::new(),
        })
    }
}

/// Human numbers reserved by [`Write::reserve_human_nos`], handed out in order.
pub struct HumanNumbers {
    head: String,
    width: usize,
    next: i64,
    end: i64,
}

impl Iterator for HumanNumbers {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        (self.next < self.end).then(|| {
            self.next += 1;
            format!("{}{:0w$}", self.head, self.next - 1, w = self.width)
        })
    }
}

/// What [`Store::verify`] found.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VerifyReport {
    pub integrity_ok: bool,
    pub integrity: Vec<String>,
    pub foreign_key_problems: i64,
    pub audit_entries: i64,
    /// The `seq` of the first audit entry whose hash does not match, if any.
    pub audit_first_broken: Option<i64>,
    /// That entry in words: when, who, what, and the record by its number.
    pub audit_first_broken_entry: Option<String>,
    pub schema_version: i64,
    /// Attachment files checked (by `app::upkeep::check`, which knows their folder; this check of
    /// the database alone leaves it 0).
    pub attachment_files: i64,
    /// Each attachment file missing or altered, in words.
    pub attachment_problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.integrity_ok
            && self.foreign_key_problems == 0
            && self.audit_first_broken.is_none()
            && self.attachment_problems.is_empty()
    }

    /// What failed, in Chinese, naming only the checks that failed; `None` when all passed.
    pub fn problem(&self) -> Option<String> {
        self.failed(true)
    }

    /// What failed of the database itself (integrity, foreign keys, the audit chain), leaving
    /// the attachment files aside; `None` when it passed.
    pub fn database_problem(&self) -> Option<String> {
        self.failed(false)
    }

    fn failed(&self, with_files: bool) -> Option<String> {
        let mut parts = Vec::new();
        if !self.integrity_ok {
            parts.push(format!("文件完整性：{}", self.integrity.join("；")));
        }
        if self.foreign_key_problems > 0 {
            parts.push(format!("记录关联错误 {} 处", self.foreign_key_problems));
        }
        if let Some(entry) = &self.audit_first_broken_entry {
            parts.push(format!("审计链被改动，首个断点：{entry}"));
        }
        if let Some(first) = self.attachment_problems.first().filter(|_| with_files) {
            parts.push(format!(
                "附件文件 {} 个有问题，如：{first}",
                self.attachment_problems.len()
            ));
        }
        (!parts.is_empty()).then(|| format!("数据库校验未通过：{}", parts.join("；")))
    }
}

/// One write operation in progress: its transaction, who does it and when.
pub struct Write<'a> {
    pub tx: Transaction<'a>,
    pub actor: Actor,
    pub now: DateTime<Utc>,
    /// `now` in the stored form.
    pub now_db: String,
    /// This desk's last audit link written in this transaction: its hash and chain_seq.
    last_hash: Option<(String, i64)>,
}

impl Write<'_> {
    /// A time typed for something that already happened: default now, not in the future, not
    /// before `not_before` (a stored timestamp).
    pub fn past_time(
        &self,
        field: &'static str,
        label: &'static str,
        value: Option<&str>,
        not_before: &str,
    ) -> Result<DateTime<Utc>> {
        let Some(v) = value.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(self.now);
        };
        let t = time::parse_input(field, label, v)?;
        if t > self.now + Duration::minutes(5) {
            return Err(Error::invalid(field, label, "不能晚于当前时间"));
        }
        if time::to_db(t).as_str() < not_before {
            return Err(Error::invalid(
                field,
                label,
                format!(
                    "不能早于 {}",
                    time::from_db(not_before)?
                        .with_timezone(&time::beijing())
                        .format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        Ok(t)
    }

    /// A new primary key.
    pub fn new_id(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }

    /// The next human number for an estate and year: `LH-TS2026-0001` for prefix `TS`, width 4
    /// (`LH-TS2026-B0001` on a desk with prefix `B`).
    pub fn human_no(
        &self,
        estate_id: &str,
        prefix: &str,
        year: i32,
        width: usize,
    ) -> Result<String> {
        let mut n = self.reserve_human_nos(estate_id, prefix, year, width, 1)?;
        Ok(n.next().expect("one number reserved"))
    }

    /// Reserves `count` consecutive human numbers at once (bulk imports: one counter update
    /// instead of one per row, which would also make FTS5 flush its buffer at every row).
    pub fn reserve_human_nos(
        &self,
        estate_id: &str,
        prefix: &str,
        year: i32,
        width: usize,
        count: usize,
    ) -> Result<HumanNumbers> {
        let code: String = self
            .tx
            .prepare_cached("SELECT code FROM estates WHERE id = ?1")?
            .query_row(params![estate_id], |r| r.get(0))?;
        // A desk enrolled after the estate's first one numbers with its own letter and counter
        // (`LH-TS2026-B0001`, docs/sync.md); the first desk and an unenrolled one have none.
        let desk: String = self
            .tx
            .prepare_cached("SELECT desk_prefix FROM sync_state")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let scope = if desk.is_empty() {
            format!("{prefix}:{code}:{year}")
        } else {
            format!("{prefix}:{code}:{year}:{desk}")
        };
        let last: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO counters(scope, value) VALUES (?1, ?2)
                 ON CONFLICT(scope) DO UPDATE SET value = value + ?2
                 RETURNING value",
            )?
            .query_row(params![scope, count as i64], |r| r.get(0))?;
        Ok(HumanNumbers {
            head: format!("{code}-{prefix}{year}-{desk}"),
            width,
            next: last - count as i64 + 1,
            end: last + 1,
        })
    }

    /// Appends a state-change event (status, grade, tier…) for an entity.
    pub fn event(
        &self,
        entity: &str,
        entity_id: &str,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO events(id, entity, entity_id, kind, at, actor_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.new_id(),
                entity,
                entity_id,
                kind,
                self.now_db,
                self.actor.staff_id,
                data.to_string()
            ])?;
        Ok(())
    }

    /// Audits a new record: its whole content.
    pub fn audit_insert(
        &mut self,
        entity: &str,
        entity_id: &str,
        record: &impl Serialize,
    ) -> Result<()> {
        let detail = serde_json::to_value(record)?;
        self.audit("insert", entity, entity_id, detail)
    }

    /// Audits a change: the fields that differ, as `{field: [before, after]}`.
    /// Records nothing when nothing changed.
    pub fn audit_update(
        &mut self,
        entity: &str,
        entity_id: &str,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Result<()> {
        let diff = audit::diff(
            &serde_json::to_value(before)?,
            &serde_json::to_value(after)?,
        );
        if diff.as_object().is_some_and(|m| m.is_empty()) {
            return Ok(());
        }
        self.audit("update", entity, entity_id, diff)
    }

    /// Audits voiding a record, with its reason.
    pub fn audit_void(&mut self, entity: &str, entity_id: &str, reason: &str) -> Result<()> {
        self.audit(
            "void",
            entity,
            entity_id,
            serde_json::json!({ "reason": reason }),
        )
    }

    /// Appends one audit entry, chained to the previous one.
    pub fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        // This desk's own chain is desk_id '' (see docs/sync.md).
        let (prev, prev_seq) = match self.last_hash.take() {
            Some(link) => link,
            None => self
                .tx
                .prepare_cached(
                    "SELECT hash, chain_seq FROM audit_log WHERE desk_id = '' \
                     ORDER BY chain_seq DESC LIMIT 1",
                )?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or_default(),
        };
        let entry = AuditEntry {
            seq: 0,
            at: self.now_db.clone(),
            actor_id: self.actor.staff_id.clone(),
            actor_name: self.actor.name.clone(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            detail: detail.to_string(),
            prev_hash: prev,
            hash: String::new(),
        };
        let hash = entry.compute_hash();
        self.tx.prepare_cached("INSERT INTO audit_log(at, actor_id, actor_name, action, entity, entity_id, detail, prev_hash, hash, chain_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")?.execute(params![
                entry.at,
                entry.actor_id,
                entry.actor_name,
                entry.action,
                entry.entity,
                entry.entity_id,
                entry.detail,
                entry.prev_hash,
                hash,
                prev_seq + 1
            ],
        )?;
        self.last_hash = Some((hash, prev_seq + 1));
        Ok(())
    }
}

/// One entry of a record's event log (status, grade, …).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Event {
    pub at: String,
    pub actor_id: String,
    pub actor: String,
    pub kind: String,
    pub data: serde_json::Value,
}

/// The event log of one record, oldest first.
pub fn events(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.at, e.actor_id, COALESCE(s.name, CASE e.actor_id WHEN 'system' THEN '系统' END,
                e.actor_id), e.kind, e.data
         FROM events e LEFT JOIN staff s ON s.id = e.actor_id
         WHERE e.entity = ?1 AND e.entity_id = ?2 ORDER BY e.seq",
    )?;
    let rows = stmt.query_map(params![entity, entity_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (at, actor_id, actor, kind, data) = row?;
        out.push(Event {
            at,
            actor_id,
            actor,
            kind,
            data: serde_json::from_str(&data)?,
        });
    }
    Ok(out)
}
