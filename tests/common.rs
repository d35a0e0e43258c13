//! Shared fixtures: a desk with an estate, departments, staff and units, on a fixed clock.

use chrono::{DateTime, TimeZone, Utc};
use frontdesk::estate::Estate;
use frontdesk::time::Clock;
use frontdesk::{Actor, Error, Store};

/// 2026-11-23 09:00 Beijing time.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

pub struct Desk {
    pub store: Store,
    pub clock: Clock,
    pub estate: Estate,
    /// 客服主管 王主管 (login `wang`).
    pub supervisor: Actor,
    /// 前台接待员 李前台 (login `li`).
    pub clerk: Actor,
    /// 协调员 赵协调 (login `zhao`).
    pub coordinator: Actor,
    /// 维修工 孙师傅 (login `sun`), 工程维修部.
    pub repairer: Actor,
}

pub use frontdesk::demo::{PRACTICE_PASSWORD as PASSWORD, PRACTICE_UNITS as UNITS};

/// The core's practice desk on an in-memory store with a fixed clock at [`t0`].
pub fn desk() -> Desk {
    let mut store = Store::open_in_memory().unwrap();
    let clock = Clock::fixed(t0());
    store.set_clock(clock.clone());
    let p = frontdesk::demo::practice(&mut store).unwrap();
    Desk {
        store,
        clock,
        estate: p.estate,
        supervisor: p.supervisor,
        clerk: p.clerk,
        coordinator: p.coordinator,
        repairer: p.repairer,
    }
}

/// A fingerprint of everything stored (every table's rows, in order), to prove a rejected
/// operation changed nothing.
pub fn snapshot(store: &Store) -> String {
    store.fingerprint().unwrap()
}

/// Asserts `result` is a field-level error for `field` whose Chinese message contains `needle`.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str, needle: &str) {
    match result {
        Err(Error::Invalid {
            field: f,
            label,
            message,
        }) => {
            assert_eq!(f, field, "wrong field (label {label}, message {message})");
            let full = format!("{label}：{message}");
            assert!(full.contains(needle), "message {full:?} lacks {needle:?}");
            assert!(
                full.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "not Chinese: {full}"
            );
        }
        other => panic!("expected invalid {field}, got {other:?}"),
    }
}

/// Runs an operation that must fail with a field error and leave the database exactly as before.
#[track_caller]
pub fn assert_rejected<T: std::fmt::Debug>(
    store: &mut Store,
    actor: &Actor,
    field: &str,
    needle: &str,
    op: impl FnOnce(&mut frontdesk::Write) -> frontdesk::Result<T>,
) {
    let before = snapshot(store);
    let r = store.write(actor, op);
    assert_invalid(r, field, needle);
    assert_eq!(
        before,
        snapshot(store),
        "a rejected operation changed the database"
    );
}

/// A fresh, empty scratch folder for one test (`name` must be unique among the tests).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("frontdesk-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Records one consultation by phone with `content`; returns its number.
pub fn add_intake(store: &mut Store, d: &Desk, content: &str) -> String {
    let input = frontdesk::intake::IntakeInput {
        channel: Some("来电".into()),
        kind: Some("咨询".into()),
        content: Some(content.into()),
        ..Default::default()
    };
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    store
        .write(&clerk, |w| frontdesk::intake::record(w, &eid, &input))
        .unwrap()
        .no
}

/// A desk whose database is a file at `<root>/data/frontdesk.sqlite3` (the fixture restored there).
pub fn file_db(root: &std::path::Path) -> (std::path::PathBuf, Desk) {
    let d = desk();
    let seed = frontdesk::backup::backup_now(
        &d.store,
        &root.join("seed"),
        frontdesk::backup::BackupKind::Manual,
        t0(),
    )
    .unwrap();
    let db = root.join("data").join("frontdesk.sqlite3");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    frontdesk::backup::restore(&db, &seed.file, t0()).unwrap();
    (db, d)
}
