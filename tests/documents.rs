//! What every document shares: masking and the audited right to unmask, atomic writes.

use frontdesk::documents::{self, Disclosure};
use frontdesk::Error;

use crate::common::*;

#[test]
fn masked_by_default_and_full_only_when_granted() {
    let cases = [
        ("13800138000", "138****8000"),
        ("02088886666", "020****6666"),
        ("123", "***"),
    ];
    for (phone, masked) in cases {
        assert_eq!(Disclosure::default().phone(phone), masked);
        assert_eq!(Disclosure::Full.phone(phone), phone);
    }
    assert_eq!(
        Disclosure::Masked.id_number("44010619900101123X"),
        "440106********123X"
    );
    assert_eq!(Disclosure::Masked.id_number("1234567890"), "**********");
    assert_eq!(
        Disclosure::Full.id_number("44010619900101123X"),
        "44010619900101123X"
    );
}

#[test]
fn unmasking_is_a_supervisor_right_and_audited() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let before = snapshot(&d.store);
    let r = d.store.write(&d.clerk, |w| {
        documents::unmask(w, &eid, "客户投诉处理记录表 2026-11")
    });
    assert!(
        matches!(r, Err(Error::Denied(ref m)) if m.contains("完整电话")),
        "{r:?}"
    );
    assert_eq!(before, snapshot(&d.store));

    let got = d
        .store
        .write(&d.supervisor, |w| {
            documents::unmask(w, &eid, "客户投诉处理记录表 2026-11")
        })
        .unwrap();
    assert_eq!(got, Disclosure::Full);
    let (action, actor, detail): (String, String, String) = d
        .store
        .conn()
        .query_row(
            "SELECT action, actor_id, detail FROM audit_log WHERE entity = 'export'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(action, "unmask");
    assert_eq!(actor, d.supervisor.staff_id);
    assert!(detail.contains("客户投诉处理记录表 2026-11"), "{detail}");
}

#[test]
fn atomic_write_leaves_nothing_half_written() {
    let dir = scratch("atomic-write");
    let target = dir.join("协调单 LH.pdf");
    std::fs::write(&target, b"old").unwrap();

    let r = documents::write_atomic(&target, |tmp| {
        std::fs::write(tmp, b"half")?;
        Err(Error::State("磁盘已满".into()))
    });
    assert!(r.is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old", "old file damaged");
    assert_eq!(
        files_in(&dir),
        vec!["协调单 LH.pdf".to_string()],
        "temp left behind"
    );

    documents::write_atomic(&target, |tmp| Ok(std::fs::write(tmp, b"new")?)).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new");
    assert_eq!(files_in(&dir), vec!["协调单 LH.pdf".to_string()]);

    let missing = dir.join("没有这个文件夹").join("x.pdf");
    let r = documents::write_atomic(&missing, |tmp| Ok(std::fs::write(tmp, b"x")?));
    assert_invalid(r, "out", "文件夹不存在");
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
