//! The store: migrations, refusal of newer databases, transactions, audit chain.

use crate::common::*;
use frontdesk::store::{schema_version, Store};
use frontdesk::{estate, Error};

#[test]
fn migrations_apply_and_reopen_is_idempotent() {
    let dir = scratch("store-1");
    let path = dir.join("fd.sqlite3");
    {
        let s = Store::open(&path).unwrap();
        let v: i64 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version());
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = s
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }
    let s = Store::open(&path).unwrap();
    assert!(s.verify().unwrap().ok());
}

/// A database's schema version is how many migrations it has had, in list order, so a desk can be
/// upgraded only if every later list starts with its list. A gap in the numbers (a branch's migration
/// merged before another branch's lower number) is how that broke once: a desk made at c61ee75
/// (0001-0011, 0013, 0015: version 13) failed to upgrade (0012 never applied, 0015 applied twice);
/// docs/windows.md. The files are therefore numbered 1..N with no gap, and the list is exactly them.
#[test]
fn migrations_are_numbered_without_gaps() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
    let mut numbers: Vec<i64> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".sql"))
        .map(|n| {
            n[..4]
                .parse()
                .unwrap_or_else(|_| panic!("{n}: not NNNN_name.sql"))
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=schema_version()).collect::<Vec<_>>());
    let list = std::fs::read_to_string(dir.parent().unwrap().join("mod.rs")).unwrap();
    let listed: Vec<i64> = list
        .lines()
        .filter_map(|l| l.trim().strip_prefix("include_str!(\"migrations/"))
        .map(|l| l[..4].parse().unwrap())
        .collect();
    assert_eq!(listed, numbers, "MIGRATIONS must list the files in order");
}

#[test]
fn newer_database_is_refused_untouched() {
    let dir = scratch("store-2");
    let path = dir.join("fd.sqlite3");
    drop(Store::open(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("PRAGMA user_version = {}", schema_version() + 1))
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(Error::SchemaTooNew { found, supported }) => {
            assert_eq!(found, schema_version() + 1);
            assert_eq!(supported, schema_version());
        }
        other => panic!("expected SchemaTooNew, got {:?}", other.err()),
    }
    assert_eq!(before, std::fs::read(&path).unwrap());
}

#[test]
fn foreign_file_is_refused() {
    let dir = scratch("store-3");
    let path = dir.join("other.sqlite3");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA application_id = 42; CREATE TABLE t(x);")
            .unwrap();
    }
    assert!(matches!(Store::open(&path), Err(Error::Corrupt(_))));
}

#[test]
fn a_failed_write_leaves_nothing() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    let before = snapshot(&d.store);
    let r: frontdesk::Result<()> = d.store.write(&sup, |w| {
        estate::add_department(w, &eid, Some("财务部"))?;
        estate::add_unit(w, &eid, "9-9-909", None)?;
        Err(Error::State("boom".into()))
    });
    assert!(r.is_err());
    assert_eq!(before, snapshot(&d.store));
}

#[test]
fn audit_log_is_append_only_and_chained() {
    let d = desk();
    let report = d.store.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report.audit_entries > 10);
    let conn = d.store.conn();
    assert!(conn
        .execute("UPDATE audit_log SET detail = '{}' WHERE seq = 3", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .is_err());
    assert!(
        conn.execute("DELETE FROM events", []).is_ok(),
        "deleting nothing is fine"
    );
    // Tamper behind the triggers' back: the chain finds it.
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit_log SET detail = '{\"x\":1}' WHERE seq = 3;",
    )
    .unwrap();
    let report = d.store.verify().unwrap();
    assert_eq!(report.audit_first_broken, Some(3));
    // Said in words: the entry's number, when, who, and the record by its human name.
    let (entity, id): (String, String) = conn
        .query_row(
            "SELECT entity, entity_id FROM audit_log WHERE seq = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let name = frontdesk::store::record_name(conn, &entity, &id).unwrap();
    let problem = report.problem().unwrap();
    assert!(problem.contains("第 3 条（2026-11-23 09:00"), "{problem}");
    assert!(problem.contains(&name), "{problem} lacks {name}");
    assert!(!problem.contains("Some("), "{problem}");
    assert!(
        !problem.contains("文件完整性"),
        "only what failed: {problem}"
    );
}

#[test]
fn audited_records_are_named_by_their_human_numbers() {
    let mut d = desk();
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let no = intake_as(&mut d.store, &clerk, &eid, "命名测试").unwrap();
    let conn = d.store.conn();
    let intake_id: String = conn
        .query_row("SELECT id FROM intakes WHERE no = ?1", [&no], |r| r.get(0))
        .unwrap();
    let staff_id = d.clerk.staff_id.clone();
    let cases = [
        ("intake", intake_id.as_str(), format!("登记 {no}")),
        ("staff", staff_id.as_str(), "员工 李前台（li）".to_string()),
        (
            "intake",
            "0190aaaa-0000-7000-8000-000000000000",
            "登记（编号 0190aaaa）".into(),
        ),
        ("gadget", "0190bbbb-0000", "gadget（编号 0190bbbb）".into()),
    ];
    for (entity, id, want) in cases {
        assert_eq!(
            frontdesk::store::record_name(conn, entity, id).unwrap(),
            want
        );
    }
}

#[test]
fn every_change_is_audited_with_actor_and_diff() {
    let mut d = desk();
    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| estate::void_staff(w, "zhao", Some("调岗")))
        .unwrap();
    let s = estate::find_staff(d.store.conn(), "zhao").unwrap();
    let h = frontdesk::store::audit_history(d.store.conn(), "staff", &s.id).unwrap();
    assert_eq!(h.first().unwrap().action, "insert");
    let last = h.last().unwrap();
    assert_eq!(last.action, "void");
    assert_eq!(last.actor_name, "王主管");
    assert!(last.detail.contains("调岗"));
}

#[test]
fn not_found_messages_echo_a_shortened_key() {
    let long = "长".repeat(10_000);
    let e = frontdesk::Error::not_found("投诉", long);
    let text = e.to_string();
    assert!(text.starts_with("未找到投诉："), "{text}");
    assert_eq!(text.chars().count(), "未找到投诉：".chars().count() + 41);
}

/// A small tmpfs mounted on a scratch folder, unmounted when dropped. `None` (and a note on
/// stderr) where this process may not mount file systems.
#[cfg(target_os = "linux")]
struct SmallDisk(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl SmallDisk {
    fn mount(name: &str, size_kb: u64) -> Option<SmallDisk> {
        let dir = scratch(name);
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kb}k"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("NOT RUN: {name}: this process may not mount a tmpfs (needs root)");
            return None;
        }
        Some(SmallDisk(dir))
    }

    fn remount(&self, opts: &str) {
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Fills the disk with a filler file until the system says it is full.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).and_then(|()| f.sync_all()).is_ok() {}
        path
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

fn intakes(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))
        .unwrap()
}

fn try_intake(store: &mut Store, d: &Desk, content: &str) -> frontdesk::Result<String> {
    intake_as(store, &d.clerk, &d.estate.id, content)
}

fn intake_as(
    store: &mut Store,
    clerk: &frontdesk::Actor,
    estate_id: &str,
    content: &str,
) -> frontdesk::Result<String> {
    let input = frontdesk::intake::IntakeInput {
        channel: Some("来电".into()),
        kind: Some("咨询".into()),
        content: Some(content.into()),
        ..Default::default()
    };
    store
        .write(clerk, |w| frontdesk::intake::record(w, estate_id, &input))
        .map(|i| i.no)
}

/// The store is whole: integrity check and audit chain.
fn assert_whole(store: &Store) {
    let ok: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let chain = frontdesk::store::verify_audit_chain(store.conn()).unwrap();
    assert!(chain.first_broken.is_none(), "{chain:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn disk_full_refuses_the_write_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount("disk-full", 8 * 1024) else {
        return;
    };
    let (db, d) = file_db(&disk.0);
    let mut store = Store::open(&db).unwrap();
    let kept = try_intake(&mut store, &d, "磁盘满之前的登记").unwrap();
    let before = intakes(&store);
    let filler = disk.fill();

    let mut refused = 0;
    for i in 0..20 {
        // Each attempt fails cleanly; none is half-saved.
        match try_intake(
            &mut store,
            &d,
            &format!("磁盘已满时的登记 {i} {}", "长".repeat(2000)),
        ) {
            Err(e) => {
                assert!(e.to_string().contains("磁盘空间已满"), "{e}");
                assert!(e.to_string().contains("未保存"), "{e}");
                refused += 1;
            }
            Ok(no) => panic!("a write succeeded on a full disk: {no}"),
        }
    }
    assert_eq!(refused, 20);
    assert_eq!(intakes(&store), before);

    std::fs::remove_file(filler).unwrap();
    let after = try_intake(&mut store, &d, "清理磁盘后的登记").unwrap();
    assert_eq!(intakes(&store), before + 1);
    drop(store);
    let store = Store::open(&db).unwrap();
    assert_whole(&store);
    for no in [kept, after] {
        frontdesk::intake::get(store.conn(), &no).unwrap();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn read_only_disk_refuses_the_write_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount("read-only", 8 * 1024) else {
        return;
    };
    let (db, d) = file_db(&disk.0);
    let mut store = Store::open(&db).unwrap();
    try_intake(&mut store, &d, "只读之前的登记").unwrap();
    let before = intakes(&store);
    drop(store);
    disk.remount("ro");
    match Store::open(&db) {
        Err(e) => {
            assert!(
                e.to_string().contains("只读") || e.to_string().contains("无法打开"),
                "{e}"
            )
        }
        Ok(mut store) => {
            let e = try_intake(&mut store, &d, "只读时的登记").unwrap_err();
            assert!(e.to_string().contains("未保存"), "{e}");
            assert_eq!(intakes(&store), before);
        }
    }
    disk.remount("rw");
    let store = Store::open(&db).unwrap();
    assert_eq!(intakes(&store), before);
    assert_whole(&store);
}

#[test]
fn database_in_use_by_another_program_is_said_plainly() {
    let root = scratch("busy");
    let (db, d) = file_db(&root);
    let mut store = Store::open(&db).unwrap();
    let before = intakes(&store);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = std::time::Instant::now();
    let e = try_intake(&mut store, &d, "被占用时的登记").unwrap_err();
    // It waited its turn for the whole timeout before giving up.
    assert!(
        started.elapsed() >= frontdesk::store::BUSY_TIMEOUT,
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(e.code(), "busy");
    assert!(e.to_string().contains("正被另一个程序占用"), "{e}");
    other.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(intakes(&store), before);
    try_intake(&mut store, &d, "释放后的登记").unwrap();
}

/// Two writers as fast as they can and a third program holding the write lock for 2 s: every
/// write waits its turn (none fails with `busy`), and every acknowledged write is there once.
#[test]
fn concurrent_writers_wait_their_turn() {
    let root = scratch("writers");
    let (db, d) = file_db(&root);
    let before = intakes(&Store::open(&db).unwrap());
    let start = std::sync::Arc::new(std::sync::Barrier::new(3));
    let writers: Vec<_> = ["甲", "乙"]
        .into_iter()
        .map(|who| {
            let (db, start) = (db.clone(), start.clone());
            let (clerk, estate_id) = (d.clerk.clone(), d.estate.id.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&db).unwrap();
                start.wait();
                let mut acknowledged = Vec::new();
                let mut failed = Vec::new();
                for i in 0..150 {
                    // A read before the write, as a form does (look-up, then save).
                    intakes(&store);
                    match intake_as(
                        &mut store,
                        &clerk,
                        &estate_id,
                        &format!("并发登记 {who}{i}"),
                    ) {
                        Ok(no) => acknowledged.push(no),
                        Err(e) => failed.push(format!("{e} ({})", e.code())),
                    }
                }
                (acknowledged, failed)
            })
        })
        .collect();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let other = rusqlite::Connection::open(&db).unwrap();
            other
                .busy_timeout(std::time::Duration::from_secs(30))
                .unwrap();
            start.wait();
            std::thread::sleep(std::time::Duration::from_millis(50));
            other.execute_batch("BEGIN IMMEDIATE;").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(2));
            other.execute_batch("COMMIT;").unwrap();
        })
    };
    let mut all = Vec::new();
    for w in writers {
        let (acknowledged, failed) = w.join().unwrap();
        assert!(failed.is_empty(), "writes failed: {failed:?}");
        all.extend(acknowledged);
    }
    holder.join().unwrap();
    let store = Store::open(&db).unwrap();
    assert_eq!(all.len(), 300);
    assert_eq!(intakes(&store), before + 300);
    let distinct: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 300, "a number was handed out twice");
    for no in &all {
        let n: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM intakes WHERE no = ?1",
                [no.as_str()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{no}");
    }
    assert_whole(&store);
}

/// Two programs opening a new database file at the same moment: each migration applies once.
#[test]
fn simultaneous_first_opens_migrate_once() {
    for round in 0..5 {
        let root = scratch(&format!("first-open-{round}"));
        let db = root.join("fd.sqlite3");
        let start = std::sync::Arc::new(std::sync::Barrier::new(3));
        let openers: Vec<_> = (0..3)
            .map(|_| {
                let (db, start) = (db.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    Store::open(&db).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for o in openers {
            o.join().unwrap().unwrap();
        }
        let s = Store::open(&db).unwrap();
        assert!(s.verify().unwrap().ok());
    }
}

#[test]
fn damaged_file_is_reported_as_corrupt() {
    let root = scratch("damaged");
    let (db, d) = file_db(&root);
    {
        let mut store = Store::open(&db).unwrap();
        for i in 0..200 {
            add_intake(
                &mut store,
                &d,
                &format!("第 {i} 条登记，用来让文件有足够多的页"),
            );
        }
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 3..len * 2 / 3] {
        *b = 0xA5;
    }
    std::fs::write(&db, bytes).unwrap();
    let e = Store::open(&db)
        .and_then(|s| {
            s.conn()
                .query_row("SELECT count(*) FROM search_docs", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(Into::into)
                .and_then(|_| s.quick_check())
        })
        .unwrap_err();
    assert_eq!(e.code(), "corrupt", "{e}");
    assert!(e.to_string().contains("损坏"), "{e}");
}
