//! The store: migrations, refusal of newer databases, transactions, audit chain.

use crate::common::*;
use frontdesk::store::{schema_version, Store};
use frontdesk::{estate, Error};

#[test]
fn migrations_apply_and_reopen_is_idempotent() {
    let dir = tempdir();
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

#[test]
fn newer_database_is_refused_untouched() {
    let dir = tempdir();
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
    let dir = tempdir();
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

/// A fresh temporary directory (removed at process exit is not needed: the OS temp dir).
pub fn tempdir() -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("frontdesk-test-{}", uuid_like()));
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

#[test]
fn not_found_messages_echo_a_shortened_key() {
    let long = "长".repeat(10_000);
    let e = frontdesk::Error::not_found("投诉", long);
    let text = e.to_string();
    assert!(text.starts_with("未找到投诉："), "{text}");
    assert_eq!(text.chars().count(), "未找到投诉：".chars().count() + 41);
}
