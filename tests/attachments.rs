//! Attachments (附件): files stored by content hash and never overwritten, refused by kind, name
//! and size with the field named, voided with the file kept, carried by backups and restores,
//! checked by verification, and shown on the complaint's record PDF.

use std::fs;
use std::path::Path;

use frontdesk::app::{upkeep, Paths};
use frontdesk::attachments::{self, files, Attachment, NewAttachment};
use frontdesk::backup::{self, BackupKind};
use frontdesk::complaints;
use frontdesk::documents::{pdf, Disclosure};
use frontdesk::policy;
use frontdesk::vocab::{AttachmentSubject, MediaType};
use frontdesk::{Error, Store};

use crate::common::*;
use crate::complaints::{complaint_call, form};

/// A `w` × `h` RGB PNG: a gradient with a dark frame.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        let mut px = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let frame = x < 3 || y < 3 || x >= w - 3 || y >= h - 3;
                px.extend(if frame {
                    [20, 40, 120]
                } else {
                    [(x * 255 / w) as u8, (y * 255 / h) as u8, 160]
                });
            }
        }
        wr.write_image_data(&px).unwrap();
    }
    out
}

/// A complaint on a desk whose database is a file under `root/data`; returns its number.
fn complaint_on_file(root: &Path) -> (Store, Desk, String) {
    let (db, d) = file_db(root);
    let mut store = Store::open(&db).unwrap();
    store.set_clock(d.clock.clone());
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let i = store
        .write(&clerk, |w| {
            frontdesk::intake::record(w, &eid, &complaint_call())
        })
        .unwrap();
    let c = store
        .write(&clerk, |w| complaints::open(w, &eid, &form(&i.no)))
        .unwrap();
    (store, d, c.no)
}

fn attach(
    store: &mut Store,
    who: &frontdesk::Actor,
    dir: &Path,
    no: &str,
    name: &str,
    bytes: &[u8],
) -> frontdesk::Result<Attachment> {
    let input = NewAttachment {
        subject_kind: "complaint".into(),
        subject: no.into(),
        file_name: name.into(),
        note: Some("现场照片".into()),
    };
    store.write(who, |w| attachments::add(w, dir, &input, bytes))
}

#[test]
fn files_are_stored_once_by_content_hash_and_never_overwritten() {
    let root = scratch("attach-store");
    let (mut store, d, no) = complaint_on_file(&root);
    let dir = root.join("data").join("attachments");
    let bytes = png(40, 30);
    let a = attach(&mut store, &d.clerk, &dir, &no, "漏水.png", &bytes).unwrap();
    assert_eq!(a.media_type, MediaType::Png);
    assert_eq!(a.size_bytes, bytes.len() as i64);
    assert_eq!(a.sha256, files::sha256(&bytes));
    assert_eq!(a.added_by, "李前台");
    let path = attachments::file_path(&dir, &a);
    assert_eq!(
        path,
        dir.join(&a.sha256[..2]).join(format!("{}.png", a.sha256))
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
    let written = fs::metadata(&path).unwrap().modified().unwrap();

    // The same content again, under another name: a second row, the same file, not rewritten.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let b = attach(&mut store, &d.supervisor, &dir, &no, "再拍一次.PNG", &bytes).unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(attachments::file_path(&dir, &b), path);
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), written);
    let stored: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(stored.len(), 1);

    let listed = attachments::list(store.conn(), AttachmentSubject::Complaint, &no, false).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].added_by, "王主管");
    let (_, read) = attachments::read(store.conn(), &dir, &a.id).unwrap();
    assert_eq!(read, bytes);
}

#[test]
fn wrong_kind_name_or_size_is_refused_naming_the_field() {
    let root = scratch("attach-refuse");
    let (mut store, d, no) = complaint_on_file(&root);
    let dir = root.join("data").join("attachments");
    let clerk = d.clerk.clone();
    let before = snapshot(&store);

    // Not any accepted kind, whatever its name says.
    let e = attach(&mut store, &clerk, &dir, &no, "照片.png", b"just some text").unwrap_err();
    assert_invalid::<()>(Err(e), "file", "不是可接受的文件类型");
    // A PNG named as a JPEG.
    let e = attach(&mut store, &clerk, &dir, &no, "照片.jpg", &png(8, 8)).unwrap_err();
    assert_invalid::<()>(Err(e), "file", "扩展名");
    // A kind the policy does not accept (MOV video).
    let mov = [&[0, 0, 0, 20][..], b"ftypqt  ", &[0; 20]].concat();
    let e = attach(&mut store, &clerk, &dir, &no, "视频.mov", &mov).unwrap_err();
    assert_invalid::<()>(Err(e), "file", "不接受");
    // No such complaint.
    let e = attach(
        &mut store,
        &clerk,
        &dir,
        "LH-TS2026-9999",
        "a.png",
        &png(8, 8),
    )
    .unwrap_err();
    assert_invalid::<()>(Err(e), "subject", "没有编号");
    assert_eq!(snapshot(&store), before, "nothing recorded");
    assert!(!dir.exists(), "no file stored");

    // The policy's limits: 1 MB a file, two files a case.
    let sup = d.supervisor.clone();
    let eid = d.estate.id.clone();
    store
        .write(&sup, |w| {
            let mut p = policy::current(&w.tx, &eid)?.policy;
            p.attachments.max_file_mb = 1;
            p.attachments.max_per_subject = 2;
            policy::save(w, &eid, &p, None)
        })
        .unwrap();
    let big = [png(8, 8), vec![0; 1024 * 1024]].concat();
    let e = attach(&mut store, &clerk, &dir, &no, "大图.png", &big).unwrap_err();
    assert_invalid::<()>(Err(e), "file", "超过每个附件 1 MB 的上限");
    attach(&mut store, &clerk, &dir, &no, "1.png", &png(8, 8)).unwrap();
    attach(&mut store, &clerk, &dir, &no, "2.png", &png(9, 9)).unwrap();
    let e = attach(&mut store, &clerk, &dir, &no, "3.png", &png(10, 10)).unwrap_err();
    assert_invalid::<()>(Err(e), "file", "最多 2 个");
}

#[test]
fn the_kinds_are_read_from_the_content() {
    let ftyp = |brand: &[u8]| [&[0, 0, 0, 24][..], b"ftyp", brand, &[0; 12]].concat();
    for (bytes, kind) in [
        (vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16], MediaType::Jpg),
        (png(2, 2), MediaType::Png),
        (b"%PDF-1.7\n".to_vec(), MediaType::Pdf),
        (b"ID3\x04\0\0\0\0\0\0".to_vec(), MediaType::Mp3),
        (b"RIFF\0\0\0\0WAVEfmt ".to_vec(), MediaType::Wav),
        (ftyp(b"heic"), MediaType::Heic),
        (ftyp(b"M4A "), MediaType::M4a),
        (ftyp(b"isom"), MediaType::Mp4),
    ] {
        assert_eq!(MediaType::sniff(&bytes), Some(kind), "{kind:?}");
    }
    assert_eq!(MediaType::sniff(b"PK\x03\x04"), None);
    assert_eq!(
        MediaType::from_extension("IMG_1.JPEG"),
        Some(MediaType::Jpg)
    );
}

#[test]
fn voiding_detaches_with_a_reason_and_keeps_the_file() {
    let root = scratch("attach-void");
    let (mut store, d, no) = complaint_on_file(&root);
    let dir = root.join("data").join("attachments");
    let a = attach(&mut store, &d.clerk, &dir, &no, "错传.png", &png(12, 12)).unwrap();
    let e = store
        .write(&d.clerk, |w| attachments::void(w, &a.id, None))
        .unwrap_err();
    assert_invalid::<()>(Err(e), "reason", "必填");
    // Someone else's attachment: supervisors only.
    let e = store
        .write(&d.coordinator, |w| {
            attachments::void(w, &a.id, Some("传错了"))
        })
        .unwrap_err();
    assert!(matches!(e, Error::Denied(_)), "{e:?}");
    let v = store
        .write(&d.clerk, |w| {
            attachments::void(w, &a.id, Some("传错了案件"))
        })
        .unwrap();
    assert_eq!(v.void_reason.as_deref(), Some("传错了案件"));
    assert!(attachments::file_path(&dir, &v).exists(), "the file stays");
    let live = attachments::list(store.conn(), AttachmentSubject::Complaint, &no, false).unwrap();
    assert!(live.is_empty());
    let all = attachments::list(store.conn(), AttachmentSubject::Complaint, &no, true).unwrap();
    assert_eq!(all.len(), 1);
}

#[test]
fn backups_carry_the_files_and_a_restore_brings_them_back() {
    let root = scratch("attach-backup");
    let (mut store, d, no) = complaint_on_file(&root);
    let paths = Paths::under(&root.join("data"));
    let bytes = png(30, 20);
    let a = attach(
        &mut store,
        &d.clerk,
        &paths.attachments,
        &no,
        "墙面.png",
        &bytes,
    )
    .unwrap();
    let backups = root.join("backups");
    let b = backup::backup_now(&store, &backups, BackupKind::Manual, t0()).unwrap();
    let copy = attachments::file_path(&backups.join("attachments"), &a);
    assert_eq!(
        fs::read(&copy).unwrap(),
        bytes,
        "the backup folder has the file"
    );
    backup::verify_file(&b.file).unwrap();
    drop(store);

    // The data folder loses its attachments; the restore brings them back.
    fs::remove_dir_all(&paths.attachments).unwrap();
    backup::restore(&paths.database, &b.file, t0()).unwrap();
    assert_eq!(
        fs::read(attachments::file_path(&paths.attachments, &a)).unwrap(),
        bytes
    );
    let store = Store::open(&paths.database).unwrap();
    upkeep::verified(&paths, &store).unwrap();

    let v = backup::verify_file(&b.file).unwrap();
    assert!(v.lost_files.is_empty() && v.audit_entries > 0);

    // The photo is lost from both the backup folder and the data folder: verification names it,
    // and neither a backup nor a restore of the register is stopped by it.
    fs::remove_file(&copy).unwrap();
    fs::remove_file(attachments::file_path(&paths.attachments, &a)).unwrap();
    let v = backup::verify_file(&b.file).unwrap();
    assert_eq!(v.lost_files.len(), 1);
    assert!(v.lost_files[0].contains("墙面.png"), "{:?}", v.lost_files);
    let again = root.join("backups-2");
    let b2 = backup::backup_now(&store, &again, BackupKind::Manual, t0()).unwrap();
    assert_eq!(b2.lost_files.len(), 1, "{:?}", b2.lost_files);
    assert!(b2.lost_files[0].contains("墙面.png") && b2.lost_files[0].contains("不见了"));
    // The automatic backup says so (the desk shows it), and still backs up.
    let backed = upkeep::backup_on_exit(&paths, &store);
    assert!(backed.made.is_ok());
    let w = backed.warning.unwrap();
    assert!(
        w.contains("1 个附件文件缺失或被改动，未能备份") && w.contains("墙面.png"),
        "{w}"
    );
    drop(store);
    let r = backup::restore(&paths.database, &b.file, t0()).unwrap();
    assert_eq!(r.lost_files.len(), 1, "{:?}", r.lost_files);
    // The register itself came back whole.
    let store = Store::open(&paths.database).unwrap();
    assert!(store.verify().unwrap().ok());
}

#[test]
fn verification_reports_a_missing_and_an_altered_file() {
    let root = scratch("attach-verify");
    let (mut store, d, no) = complaint_on_file(&root);
    let paths = Paths::under(&root.join("data"));
    let a = attach(
        &mut store,
        &d.clerk,
        &paths.attachments,
        &no,
        "甲.png",
        &png(16, 16),
    )
    .unwrap();
    let b = attach(
        &mut store,
        &d.clerk,
        &paths.attachments,
        &no,
        "乙.png",
        &png(17, 17),
    )
    .unwrap();
    let report = upkeep::check(&paths, &store).unwrap();
    assert_eq!(report.attachment_files, 2);
    assert!(report.ok());

    // One altered (same size, other bytes), one gone.
    let pa = attachments::file_path(&paths.attachments, &a);
    let mut altered = fs::read(&pa).unwrap();
    let last = altered.len() - 1;
    altered[last] ^= 0xFF;
    fs::write(&pa, altered).unwrap();
    fs::remove_file(attachments::file_path(&paths.attachments, &b)).unwrap();
    let report = upkeep::check(&paths, &store).unwrap();
    assert!(!report.ok());
    assert_eq!(report.attachment_problems.len(), 2);
    assert!(
        report.attachment_problems[0].contains("甲.png")
            && report.attachment_problems[0].contains("校验值不符")
    );
    assert!(
        report.attachment_problems[1].contains("乙.png")
            && report.attachment_problems[1].contains("不见了")
    );
    match upkeep::verified(&paths, &store) {
        Err(Error::Corrupt(why)) => assert!(why.contains("附件文件 2 个有问题"), "{why}"),
        other => panic!("{other:?}"),
    }
    // The desk still opens for work: the database passed; the files are a warning.
    let fit = upkeep::fit_for_work(&paths, &store).unwrap();
    let warning = upkeep::attachments_warning(&fit).unwrap();
    assert!(
        warning.contains("附件文件 2 个缺失或被改动") && warning.contains("甲.png"),
        "{warning}"
    );
}

#[test]
fn the_complaint_record_shows_pictures_and_lists_other_files() {
    let root = scratch("attach-pdf");
    let (mut store, d, no) = complaint_on_file(&root);
    let dir = root.join("data").join("attachments");
    attach(
        &mut store,
        &d.clerk,
        &dir,
        &no,
        "天花板发霉.png",
        &png(320, 200),
    )
    .unwrap();
    attach(
        &mut store,
        &d.clerk,
        &dir,
        &no,
        "业主来电录音.mp3",
        b"ID3\x04\0\0\0\0\0\0 audio",
    )
    .unwrap();
    let out = root.join("record.pdf");
    let w =
        pdf::complaint_record(store.conn(), &no, Disclosure::Masked, store.now(), &out).unwrap();
    assert!(w.pages >= 1);
    let bytes = fs::read(&out).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("/Subtype /Image") || text.contains("/Subtype/Image"),
        "an image is embedded"
    );
    if let Ok(dump) = std::process::Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
    {
        if dump.status.success() {
            let t = String::from_utf8_lossy(&dump.stdout);
            for want in [
                "五、附件",
                "天花板发霉.png",
                "业主来电录音.mp3",
                "李前台 添加于",
            ] {
                assert!(t.contains(want), "{want} in {t}");
            }
        }
    }
}
