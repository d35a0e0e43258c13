//! What differs on Windows, the desk's real platform, tested wherever the suite runs (and under
//! Wine by `scripts/windows-check`): data and backup folders whose paths have Chinese characters
//! and spaces or exceed Windows' classic 260-character limit, CRLF line breaks in imported
//! workbooks and typed text, a backup taken while a second connection writes (SQLite's file
//! locks), and, on Windows only, the CLI's default data folder under `%APPDATA%`.

use std::path::{Path, PathBuf};

use frontdesk::backup::{self, BackupKind};
use frontdesk::customers::{self, CustomerFilter};
use frontdesk::intake::{self, IntakeInput};
use frontdesk::Store;
use rust_xlsxwriter::Workbook;

use crate::common::*;

/// A file-backed copy of the fixture desk at `db` (the fixture itself lives in memory).
fn desk_at(db: &Path) -> (Desk, Store) {
    let d = desk();
    let seed_dir = db.parent().unwrap().join("种子 seed");
    let seed = backup::backup_now(&d.store, &seed_dir, BackupKind::Manual, t0()).unwrap();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    backup::restore(db, &seed.file, t0()).unwrap();
    let mut store = Store::open(db).unwrap();
    store.set_clock(d.clock.clone());
    (d, store)
}

fn record(store: &mut Store, d: &Desk, content: &str) -> intake::Intake {
    let input = IntakeInput {
        channel: Some("来电".into()),
        kind: Some("咨询".into()),
        content: Some(content.into()),
        ..Default::default()
    };
    let eid = d.estate.id.clone();
    store
        .write(&d.clerk, |w| intake::record(w, &eid, &input))
        .unwrap()
}

/// The whole life of a database in one folder: open, write, back up, restore, reopen, verify.
fn round_trip(folder: &Path) {
    let db = folder.join("frontdesk.sqlite3");
    let (d, mut store) = desk_at(&db);
    let kept = record(&mut store, &d, "楼上漏水 😀 𠮷");
    let b = backup::backup_now(&store, &folder.join("备份 U盘"), BackupKind::Manual, t0()).unwrap();
    assert!(b.file.starts_with(folder), "{}", b.file.display());
    assert_eq!(backup::list(&folder.join("备份 U盘")).unwrap().len(), 1);
    let lost = record(&mut store, &d, "备份之后的登记");
    drop(store);
    let info = backup::restore(&db, &b.file, t0()).unwrap();
    assert!(
        info.kept_verified,
        "the replaced database was kept and verifies"
    );
    let store = Store::open(&db).unwrap();
    assert!(store.verify().unwrap().ok());
    assert_eq!(
        intake::get(store.conn(), &kept.no).unwrap().content,
        "楼上漏水 😀 𠮷"
    );
    assert!(intake::get(store.conn(), &lost.no).is_err());
}

#[test]
fn data_and_backups_in_folders_with_chinese_names_and_spaces() {
    round_trip(
        &scratch("win-cjk")
            .join("前台 数据")
            .join("龙湖 花园（一期）"),
    );
}

/// Windows refuses paths over 260 characters unless they are written `\\?\C:\…`; Rust's own file
/// calls do that by themselves, SQLite's must cope too (a backup folder deep on a network share).
#[test]
fn data_and_backups_in_a_folder_path_over_260_characters() {
    let mut folder = scratch("win-long");
    // Over 260 characters, yet under the 512 bytes SQLite allows for a whole path on Unix.
    for i in 1..=12 {
        folder.push(format!("第{i}层-long-folder-name-{i:02}"));
    }
    let chars = folder.to_string_lossy().chars().count();
    assert!(chars > 260, "{chars} characters");
    round_trip(&folder);
}

/// A backup while another connection (another process, on the desk: the app while IT's
/// scheduled `backup --if-due` runs) keeps writing: both succeed and the copy verifies.
#[test]
fn backup_while_another_connection_writes() {
    let folder = scratch("win-lock");
    let db = folder.join("frontdesk.sqlite3");
    let (d, store) = desk_at(&db);
    let writer = {
        let db = db.clone();
        let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
        std::thread::spawn(move || {
            let mut other = Store::open(&db).unwrap();
            for i in 0..40 {
                let input = IntakeInput {
                    channel: Some("来访".into()),
                    kind: Some("咨询".into()),
                    content: Some(format!("并发写入 {i}")),
                    ..Default::default()
                };
                other
                    .write(&clerk, |w| intake::record(w, &eid, &input))
                    .unwrap();
            }
        })
    };
    let dir: PathBuf = folder.join("备份");
    for i in 0..4 {
        let now = t0() + chrono::Duration::minutes(i);
        let b = backup::backup_now(&store, &dir, BackupKind::Manual, now).unwrap();
        backup::verify_file(&b.file).unwrap();
    }
    writer.join().unwrap();
    assert_eq!(backup::list(&dir).unwrap().len(), 4);
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 40);
    assert!(store.verify().unwrap().ok());
}

/// Excel on Windows keeps a line break inside a cell as CR LF (CR stored as `_x000D_`); the
/// register keeps one LF, and a stray CR LF after a one-line value (a name) is trimmed.
#[test]
fn crlf_inside_xlsx_cells_from_a_chinese_path() {
    let folder = scratch("win-xlsx").join("客户 档案");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("客户 名册（Windows）.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [[&str; 4]; 3] = [
        ["房号", "姓名", "电话", "备注"],
        [
            "3-2-1201",
            "张伟\r\n",
            "13800138000",
            "第一行\r\n第二行\r\n第三行",
        ],
        ["12-101", "李娜", "13900139000", "只有\n换行"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();

    let mut d = desk();
    let eid = d.estate.id.clone();
    let report = d
        .store
        .write(&d.supervisor, |w| {
            frontdesk::import::import_customers_xlsx(w, &eid, &path, false, &mut |_, _| {})
        })
        .unwrap();
    assert_eq!(report.imported, 2, "{report:?}");
    let all = customers::list(d.store.conn(), &eid, &CustomerFilter::default()).unwrap();
    let note_of = |name: &str| {
        all.iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name} not imported: {all:?}"))
            .note
            .clone()
    };
    assert_eq!(note_of("张伟").as_deref(), Some("第一行\n第二行\n第三行"));
    assert_eq!(note_of("李娜").as_deref(), Some("只有\n换行"));
    assert!(all.iter().all(|c| !c.name.contains('\r')));
}

/// Text typed in a Windows text box arrives with CR LF line breaks: stored with LF, found again.
#[test]
fn crlf_typed_text_is_stored_with_lf() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let input = IntakeInput {
        channel: Some("来访".into()),
        kind: Some("咨询".into()),
        content: Some("卫生间漏水\r\n已三天\r\n".into()),
        ..Default::default()
    };
    let i = d
        .store
        .write(&d.clerk, |w| intake::record(w, &eid, &input))
        .unwrap();
    assert_eq!(i.content, "卫生间漏水\n已三天");
    let hits = frontdesk::search::search(d.store.conn(), &eid, "已三天", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
}

/// The CLI without `--data-dir` or `FRONTDESK_DATA_DIR` keeps its data in the user's roaming
/// application data (`%APPDATA%\FrontDesk\FrontDesk\data`), which follows a roaming profile.
#[cfg(windows)]
#[test]
fn cli_default_data_dir_is_under_appdata() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["--json", "info"])
        .env_remove("FRONTDESK_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dir = PathBuf::from(v["data_dir"].as_str().unwrap());
    let appdata = PathBuf::from(std::env::var_os("APPDATA").expect("APPDATA is set on Windows"));
    assert_eq!(
        dir,
        appdata.join("FrontDesk").join("FrontDesk").join("data")
    );
}

/// Long paths reach SQLite in Windows' extended form (`\\?\C:\…`, `\\?\UNC\…`); short ones as given.
#[cfg(windows)]
#[test]
fn long_paths_reach_sqlite_in_extended_form() {
    use frontdesk::store::sqlite_path;
    let short =
        Path::new(r"C:\Users\前台\AppData\Roaming\FrontDesk\FrontDesk\data\frontdesk.sqlite3");
    assert_eq!(sqlite_path(short), short);
    let tail = "很长的文件夹名称 long folder name\\".repeat(10);
    let local = PathBuf::from(format!(r"C:\备份\{tail}frontdesk.sqlite3"));
    assert_eq!(
        sqlite_path(&local),
        PathBuf::from(format!(r"\\?\C:\备份\{tail}frontdesk.sqlite3"))
    );
    let unc = PathBuf::from(format!(r"\\nas\前台\{tail}frontdesk.sqlite3"));
    assert_eq!(
        sqlite_path(&unc),
        PathBuf::from(format!(r"\\?\UNC\nas\前台\{tail}frontdesk.sqlite3"))
    );
    let already = PathBuf::from(format!(r"\\?\D:\{tail}x.sqlite3"));
    assert_eq!(sqlite_path(&already), already);
}
