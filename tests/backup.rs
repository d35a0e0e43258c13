//! Backups, rotation, restore, and the kill harness run through the real binary.

use std::fs;

use chrono::Duration;
use frontdesk::app::{Paths, Session};
use frontdesk::backup::{self, BackupKind, BackupPolicy};
use frontdesk::intake;
use frontdesk::store;
use frontdesk::{Error, Store};

use crate::common::*;

fn intake_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))
        .unwrap()
}

#[track_caller]
fn assert_chinese(e: &Error, needle: &str) {
    let msg = e.to_string();
    assert!(msg.contains(needle), "message {msg:?} lacks {needle:?}");
    assert!(
        msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not Chinese: {msg}"
    );
}

#[test]
fn backup_is_a_verified_copy_with_the_same_data() {
    let mut d = desk();
    let mut store = std::mem::replace(&mut d.store, Store::open_in_memory().unwrap());
    add_intake(&mut store, &d, "楼上漏水😀𠮷'; DROP TABLE x;--");
    let dir = scratch("copy").join("usb").join("备份");
    let info = backup::backup_now(&store, &dir, BackupKind::Manual, t0()).unwrap();
    assert_eq!(
        info.file.file_name().unwrap().to_str().unwrap(),
        "frontdesk-2026-11-23-0900-manual.sqlite3"
    );
    assert!(info.size_bytes > 0);
    assert!(backup::verify_file(&info.file).unwrap().audit_entries > 0);
    // No temporary file is left behind; the list shows exactly the backup.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    let copy = Store::open(&info.file).unwrap();
    assert_eq!(snapshot(&copy), snapshot(&store));
    assert!(copy.verify().unwrap().ok());
    let listed = backup::list(&dir).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind, BackupKind::Manual);
    assert_eq!(listed[0].taken_at.to_string(), "2026-11-23 09:00:00");
}

#[test]
fn backup_to_an_unwritable_place_says_why_in_chinese() {
    let d = desk();
    let root = scratch("unwritable");
    let file = root.join("file.txt");
    fs::write(&file, "not a folder").unwrap();
    for dir in [file.join("sub"), file.clone()] {
        let e = backup::backup_now(&d.store, &dir, BackupKind::Manual, t0()).unwrap_err();
        assert_chinese(&e, "失败");
    }
    // A read-only folder (only effective when not running as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = root.join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        if fs::write(ro.join("probe"), "x").is_err() {
            let e = backup::backup_now(&d.store, &ro, BackupKind::Manual, t0()).unwrap_err();
            assert_chinese(&e, "没有写入权限");
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn backup_kind_accepts_code_or_label() {
    for (s, k) in [
        ("manual", BackupKind::Manual),
        ("手动", BackupKind::Manual),
        ("Daily", BackupKind::Daily),
        ("每月", BackupKind::Monthly),
        ("onexit", BackupKind::OnExit),
    ] {
        assert_eq!(BackupKind::parse(s).unwrap(), k, "{s}");
    }
    assert_invalid(BackupKind::parse("weekly"), "kind", "manual");
}

#[test]
fn backup_if_due_once_a_day_and_once_a_month() {
    let d = desk();
    let dir = scratch("due");
    let policy = BackupPolicy::default();
    let first = backup::backup_if_due(&d.store, &dir, t0(), &policy).unwrap();
    let kinds: Vec<_> = first.made.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BackupKind::Daily, BackupKind::Monthly]);
    // Later the same day: nothing.
    let again = backup::backup_if_due(&d.store, &dir, t0() + Duration::hours(5), &policy).unwrap();
    assert!(again.made.is_empty() && again.removed.is_empty());
    // Next day: only the daily one.
    let next = backup::backup_if_due(&d.store, &dir, t0() + Duration::days(1), &policy).unwrap();
    let kinds: Vec<_> = next.made.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BackupKind::Daily]);
    // First start in December (on the 2nd): daily and monthly.
    let dec = backup::backup_if_due(&d.store, &dir, t0() + Duration::days(9), &policy).unwrap();
    let kinds: Vec<_> = dec.made.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BackupKind::Daily, BackupKind::Monthly]);
    assert_eq!(backup::list(&dir).unwrap().len(), 5);
}

#[test]
fn rotation_keeps_14_daily_12_monthly_and_every_manual() {
    let d = desk();
    let dir = scratch("rotate");
    let fake = |name: String| fs::write(dir.join(name), b"old backup").unwrap();
    for day in 1..=30 {
        let t = t0() - Duration::days(day);
        fake(format!(
            "frontdesk-{}-daily.sqlite3",
            t.format("%Y-%m-%d-0900")
        ));
    }
    for i in 0..20 {
        fake(format!(
            "frontdesk-{}-{:02}-01-0800-monthly.sqlite3",
            2024 + i / 12,
            i % 12 + 1
        ));
    }
    for i in 0..5 {
        fake(format!("frontdesk-2020-01-0{}-1200-manual.sqlite3", i + 1));
    }
    fake("notes.txt".into());
    let report = backup::backup_if_due(&d.store, &dir, t0(), &BackupPolicy::default()).unwrap();
    assert_eq!(report.made.len(), 2);
    let left = backup::list(&dir).unwrap();
    let count = |k| left.iter().filter(|b| b.kind == k).count();
    assert_eq!(count(BackupKind::Daily), 14);
    assert_eq!(count(BackupKind::Monthly), 12);
    assert_eq!(count(BackupKind::Manual), 5);
    // The newest survive: today's daily and this month's monthly are among them.
    assert!(left.iter().any(|b| b.file == report.made[0].file));
    assert!(left.iter().any(|b| b.file == report.made[1].file));
    let oldest_daily = left
        .iter()
        .filter(|b| b.kind == BackupKind::Daily)
        .map(|b| b.taken_at)
        .min()
        .unwrap();
    assert_eq!(oldest_daily.date().to_string(), "2026-11-10");
    assert!(dir.join("notes.txt").exists());
    assert_eq!(report.removed.len(), 30 + 1 - 14 + 20 + 1 - 12);
}

/// A file-backed database with the fixture's estate and staff.
#[test]
fn restore_round_trip_keeps_the_replaced_database() {
    let root = scratch("restore");
    let (db, d) = file_db(&root);
    let mut store = Store::open(&db).unwrap();
    let early = add_intake(&mut store, &d, "备份前的登记");
    let b = backup::backup_now(&store, &root.join("backups"), BackupKind::Manual, t0()).unwrap();
    let late = add_intake(&mut store, &d, "备份后的登记");
    let before_restore = snapshot(&store);
    drop(store);

    let later = t0() + Duration::hours(2);
    let info = backup::restore(&db, &b.file, later).unwrap();
    let kept = info.kept.clone().unwrap();
    assert!(info.kept_verified);
    assert_eq!(
        kept,
        db.with_file_name("frontdesk-before-restore-2026-11-23-110000.sqlite3")
    );

    let store = Store::open(&db).unwrap();
    assert!(store.verify().unwrap().ok());
    assert!(intake::get(store.conn(), &early).is_ok());
    assert!(intake::get(store.conn(), &late).is_err(), "later data gone");
    assert_eq!(intake_count(&store), 1);

    // The kept copy holds the replaced database, WAL content included, and verifies.
    backup::verify_file(&kept).unwrap();
    let kept_store = Store::open(&kept).unwrap();
    assert_eq!(snapshot(&kept_store), before_restore);
    assert!(intake::get(kept_store.conn(), &late).is_ok());
}

#[test]
fn corrupted_backup_is_refused_and_nothing_changes() {
    let root = scratch("corrupt");
    let (db, d) = file_db(&root);
    let mut store = Store::open(&db).unwrap();
    for i in 0..200 {
        add_intake(
            &mut store,
            &d,
            &format!("第{i}条登记，内容足够长以占满多个页面。"),
        );
    }
    let b = backup::backup_now(&store, &root.join("backups"), BackupKind::Manual, t0()).unwrap();
    let before = snapshot(&store);
    drop(store);

    let mut bytes = fs::read(&b.file).unwrap();
    let mid = bytes.len() / 2;
    for (i, x) in bytes[mid..mid + 8192].iter_mut().enumerate() {
        *x = (i * 7 + 13) as u8;
    }
    fs::write(&b.file, &bytes).unwrap();

    let e = backup::restore(&db, &b.file, t0()).unwrap_err();
    assert!(matches!(e, Error::Corrupt(_)), "{e:?}");
    assert_chinese(&e, "未恢复");
    let store = Store::open(&db).unwrap();
    assert_eq!(snapshot(&store), before);
    let kept: Vec<_> = fs::read_dir(db.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(kept.is_empty(), "nothing kept when nothing was replaced");

    // A file that is not a database at all.
    let junk = root.join("frontdesk-2026-01-01-0000-manual.sqlite3");
    fs::write(&junk, "垃圾数据".repeat(2000)).unwrap();
    assert_chinese(&backup::restore(&db, &junk, t0()).unwrap_err(), "未恢复");
}

#[test]
fn restore_into_a_database_in_use_is_refused() {
    let root = scratch("locked");
    let (db, d) = file_db(&root);
    let mut store = Store::open(&db).unwrap();
    add_intake(&mut store, &d, "占用中的数据库");
    let b = backup::backup_now(&store, &root.join("backups"), BackupKind::Manual, t0()).unwrap();
    drop(store);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let e = backup::restore(&db, &b.file, t0()).unwrap_err();
    assert_chinese(&e, "正被其他程序使用");
    other.execute_batch("ROLLBACK;").unwrap();
    drop(other);
    let files: Vec<_> = fs::read_dir(db.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(files.is_empty(), "nothing kept when refused");
    backup::restore(&db, &b.file, t0()).unwrap();
}

/// `frontdesk backup`, `backups` and `restore` through the real binary.
#[test]
fn cli_backup_list_restore() {
    let root = scratch("cli");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args(args)
            .arg("--json")
            .env("FRONTDESK_DATA_DIR", root.join("data"))
            .env("FRONTDESK_BACKUP_DIR", root.join("backups"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.success(), text, err)
    };
    let (ok, _, err) = run(&[
        "init",
        "--estate",
        "龙湖花园",
        "--code",
        "LH",
        "--admin",
        "wang",
        "--admin-name",
        "王主管",
        "--admin-password",
        PASSWORD,
    ]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["backup", "--if-due"]);
    assert!(ok, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["made"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (ok, out, err) = run(&["backup"]);
    assert!(ok, "{err}");
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(made["kind"], "manual");
    let (ok, out, _) = run(&["backups"]);
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let (ok, out, err) = run(&["restore", made["file"].as_str().unwrap()]);
    assert!(ok, "{err}");
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(info["kept_verified"], true);
    let (ok, _, err) = run(&["verify"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["backup", "--kind", "weekly"]);
    assert!(!ok && err.contains("备份类型"), "{err}");
}

/// The kill harness through the real binary (`frontdesk-dev soak`): every reported commit survives
/// SIGKILL.
#[test]
fn kill_harness_loses_nothing() {
    let root = scratch("soak");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk-dev"))
        .args([
            "soak",
            "--trials",
            "20",
            "--max-delay",
            "1500",
            "--fuzz",
            "0",
        ])
        .args(["--json", "--dir"])
        .arg(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "soak failed: {stdout}\n{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["kill trials run"], 20, "{v}");
    assert_eq!(v["records lost"], 0, "{v}");
    assert_eq!(v["partial operations"], 0, "{v}");
    assert_eq!(v["verify failures"], 0, "{v}");
    assert_eq!(v["backup+restore verified"], true, "{v}");
    assert_eq!(v["tamper cases tried"], 200, "{v}");
    assert_eq!(v["tamper cases detected"], 200, "{v}");
    assert!(v["records reported committed"].as_u64().unwrap() > 0, "{v}");
    // ~200 MB of trial databases: kept only when the test fails, to look at.
    let _ = std::fs::remove_dir_all(&root);
}

/// The backup folder chosen in the policy (a USB stick, a share): checked for writing, saved as a
/// policy version by a supervisor, used by the automatic backups; bad choices say why and change
/// nothing.
#[test]
fn backup_folder_is_chosen_in_the_policy_checked_and_audited() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let root = scratch("folder-choice");
    let default = root.join("data").join("backups");
    let usb = root.join("U盘 备份");

    // Nothing chosen: the data folder's backups.
    let p = backup::desk_policy(d.store.conn()).unwrap();
    assert_eq!(p.folder_or(&default), default);

    // Bad choices: a relative path, a folder under a file. The policy stays as it was.
    let file = root.join("a file");
    fs::write(&file, "x").unwrap();
    let sup = d.supervisor.clone();
    let (def, f) = (default.clone(), file.join("sub"));
    assert_rejected(&mut d.store, &sup, "backup.folder", "完整路径", |w| {
        backup::set_folder(w, &eid, "备份", &def)
    });
    let before = snapshot(&d.store);
    let e = d
        .store
        .write(&sup, |w| {
            backup::set_folder(w, &eid, f.to_str().unwrap(), &def)
        })
        .unwrap_err();
    assert_chinese(&e, "备份文件夹");
    assert_eq!(before, snapshot(&d.store));
    // A clerk may not choose it.
    let clerk = d.clerk.clone();
    let e = d
        .store
        .write(&clerk, |w| {
            backup::set_folder(w, &eid, usb.to_str().unwrap(), &def)
        })
        .unwrap_err();
    assert!(matches!(e, Error::Denied(_)), "{e:?}");

    // A supervisor chooses the stick: a new policy version, in the audit log; backups go there.
    let chosen = d
        .store
        .write(&sup, |w| {
            backup::set_folder(w, &eid, usb.to_str().unwrap(), &def)
        })
        .unwrap();
    assert_eq!(chosen, usb);
    let p = backup::desk_policy(d.store.conn()).unwrap();
    assert_eq!(p.folder_or(&default), usb);
    let v = frontdesk::policy::current(d.store.conn(), &eid).unwrap();
    assert_eq!(v.policy.backup.folder, usb.to_str().unwrap());
    let audited: i64 = d
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'policy'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited >= 1);
    let made = backup::backup_if_due(&d.store, &p.folder_or(&default), t0(), &p).unwrap();
    assert_eq!(made.made.len(), 2);
    assert!(made.made.iter().all(|b| b.file.starts_with(&usb)));
    // No probe file is left in the folder.
    assert_eq!(
        backup::list(&usb).unwrap().len(),
        fs::read_dir(&usb).unwrap().count()
    );

    // Empty = back to the default; Windows paths are accepted wherever the policy is written.
    d.store
        .write(&sup, |w| backup::set_folder(w, &eid, "  ", &def))
        .unwrap();
    assert_eq!(
        backup::desk_policy(d.store.conn())
            .unwrap()
            .folder_or(&default),
        default
    );
    for ok in [r"E:\物业前台备份", r"\\server\share\备份", "D:/backup"] {
        let policy = frontdesk::policy::Policy {
            backup: BackupPolicy {
                folder: ok.into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let text = frontdesk::policy::to_toml(&policy).unwrap();
        assert_eq!(
            frontdesk::policy::from_toml(&text).unwrap().backup.folder,
            ok
        );
        d.store
            .write(&sup, |w| frontdesk::policy::save(w, &eid, &policy, None))
            .unwrap();
    }
    // Rotation numbers are checked too.
    let mut policy = frontdesk::policy::Policy::default();
    policy.backup.keep_daily = 0;
    let sup2 = sup.clone();
    assert_rejected(&mut d.store, &sup2, "backup.keep_daily", "1–1000", |w| {
        frontdesk::policy::save(w, &eid, &policy, None)
    });
}

/// A database file as the FrontDesk before this one left it: every migration but the newest,
/// applied from `src/store/migrations/` as that version applied them, with one estate in it.
/// Returns its schema version.
fn older_database(db: &std::path::Path) -> i64 {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
    let mut sql: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    sql.sort();
    assert_eq!(sql.len() as i64, store::schema_version());
    let older = sql.len() - 1;
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .unwrap();
    for file in &sql[..older] {
        conn.execute_batch(&fs::read_to_string(file).unwrap())
            .unwrap();
    }
    conn.execute_batch(&format!(
        "PRAGMA user_version = {older}; PRAGMA application_id = {};
         INSERT INTO estates (id, name, code, slip_title, created_at, created_by, updated_at, updated_by)
         VALUES ('e1', '龙湖花园', 'LH', '龙湖花园协调单', '2026-11-01T00:00:00.000Z', 'system',
                 '2026-11-01T00:00:00.000Z', 'system');",
        store::APPLICATION_ID
    ))
    .unwrap();
    older as i64
}

fn estate_names(db: &std::path::Path) -> Vec<String> {
    rusqlite::Connection::open(db)
        .unwrap()
        .prepare("SELECT name FROM estates")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_older_database_is_backed_up_before_it_is_migrated() {
    let paths = Paths::under(&scratch("premigration").join("data"));
    let older = older_database(&paths.database);
    let session = Session::open(&paths).unwrap();
    let up = session.upgraded().expect("an upgrade").clone();
    assert_eq!((up.from, up.to), (older, store::schema_version()));
    assert!(up.warning.is_none());
    // The copy is the database as the older FrontDesk left it, verified, in the desk's backups.
    assert_eq!(up.backup.kind, BackupKind::PreMigration);
    assert_eq!(up.backup.file.parent().unwrap(), paths.backups);
    let name = up.backup.file.file_name().unwrap().to_str().unwrap();
    assert!(name.ends_with("-premigration.sqlite3"), "{name}");
    backup::verify_file(&up.backup.file).unwrap();
    assert_eq!(
        store::file_schema_version(&up.backup.file).unwrap(),
        Some(older)
    );
    assert_eq!(estate_names(&up.backup.file), ["龙湖花园"]);
    // The live database is migrated and kept its rows.
    assert_eq!(
        store::file_schema_version(&paths.database).unwrap(),
        Some(store::schema_version())
    );
    drop(session);
    assert_eq!(estate_names(&paths.database), ["龙湖花园"]);
    // Once migrated, opening it again copies nothing; rotation never removes the copy.
    assert!(Session::open(&paths).unwrap().upgraded().is_none());
    backup::rotate(&paths.backups, &BackupPolicy::default()).unwrap();
    let listed = backup::list(&paths.backups).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind, BackupKind::PreMigration);
    // A new desk has nothing to copy.
    let fresh = Paths::under(&scratch("premigration-fresh").join("data"));
    assert!(Session::open(&fresh).unwrap().upgraded().is_none());
    assert!(backup::list(&fresh.backups).unwrap().is_empty());
}

#[test]
fn without_the_backup_an_older_database_is_not_migrated() {
    let root = scratch("premigration-refused");
    let mut paths = Paths::under(&root.join("data"));
    let older = older_database(&paths.database);
    // The backup folder cannot be made: a file stands where it would be.
    paths.backups = root.join("backups-is-a-file");
    fs::write(&paths.backups, "not a folder").unwrap();
    let e = Session::open(&paths).err().expect("refused");
    assert_chinese(&e, "升级前的备份失败，数据库未改动");
    assert_eq!(
        store::file_schema_version(&paths.database).unwrap(),
        Some(older)
    );
    assert_eq!(estate_names(&paths.database), ["龙湖花园"]);
}
