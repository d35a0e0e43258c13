//! The application layer both faces use (`frontdesk::app`): a session reads and writes only as
//! its clerk, hands personal data out redacted for the clerk's role, and grants full numbers in
//! a document to supervisors only, in the audit log.

use calamine::{open_workbook, Reader, Xlsx};
use frontdesk::app::{Paths, Session};
use frontdesk::documents::{Disclosure, Format, Register};
use frontdesk::privacy::View;
use frontdesk::time::Period;
use frontdesk::Error;
use frontdesk::{complaints, customers, demo, estate, followups, intake, repairs, search, slips};

use crate::common::*;

const ID_NUMBER: &str = "44010619900101123X";

/// The first full mobile number in `text` (11 digits starting with 1, standing alone), with
/// what precedes it, to say where it is.
fn full_mobile(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    // Next to a letter, a digit or a point it is part of something else (an id, a date serial).
    let joined = |i: usize| {
        chars
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
    };
    (0..chars.len().saturating_sub(10)).find_map(|i| {
        let whole = chars[i] == '1'
            && (i..i + 11).all(digit)
            && !(i > 0 && joined(i - 1))
            && !joined(i + 11);
        whole.then(|| chars[i.saturating_sub(60)..i + 11].iter().collect())
    })
}

fn has_full_mobile(text: &str) -> bool {
    full_mobile(text).is_some()
}

/// Every list the desk shows of people, as `who` sees it through the session, as JSON text.
fn lists_as_seen(s: &Session) -> Vec<(&'static str, String)> {
    let json = |v: serde_json::Value| v.to_string();
    let now = s.store().now();
    let (from, to) = Period::parse("2026-01-01", "2026-12-31")
        .unwrap()
        .bounds()
        .unwrap();
    vec![
        (
            "customers",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        customers::list(st.conn(), eid, &Default::default())
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "vip register",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        customers::vip_register(st.conn(), eid, now, &Default::default())
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "complaints",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        complaints::list(st.conn(), eid, &Default::default())
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "repairs",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        repairs::list(st.conn(), eid, &Default::default())
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "intakes",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        intake::list(st.conn(), eid, from, to, None, 1000)
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "followups due",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| followups::due(st.conn(), eid, to))
                        .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "slip archive",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        slips::archive(st.conn(), eid, "1-1-101")
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "search",
            json(
                serde_json::to_value(
                    s.seen(View::List, |st, eid| {
                        search::search(st.conn(), eid, "1", None, 500)
                    })
                    .unwrap(),
                )
                .unwrap(),
            ),
        ),
    ]
}

/// Every cell of every sheet of a workbook, as one text.
fn workbook_text(path: &std::path::Path) -> String {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut text = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                text.push_str(&cell.to_string());
                text.push('\t');
            }
        }
    }
    text
}

#[test]
fn each_role_reads_every_list_and_register_as_it_may() {
    let root = scratch("app-roles");
    let paths = Paths::under(&root);
    let mut s = Session::open(&paths).unwrap();
    demo::load(s.store_mut(), demo::DEMO_SEED).unwrap();

    // Nobody signed in: nothing is read or written for a clerk.
    let read = s.read(|st, eid| estate::departments(st.conn(), eid));
    assert!(matches!(read, Err(Error::SignedOut)), "{read:?}");
    assert!(matches!(s.disclosure(true, "x"), Err(Error::SignedOut)));

    // One customer with an id number (the demo has none), added by a supervisor.
    s.sign_in("wang", demo::DEMO_PASSWORD).unwrap();
    s.write_seen(|w, eid| {
        customers::add_customer(
            w,
            eid,
            &customers::CustomerInput {
                unit: Some("1-1-101".into()),
                name: Some("证件测试".into()),
                phone: Some("13912345678".into()),
                id_number: Some(ID_NUMBER.into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    s.sign_out();

    let period = Period::parse("2026-01-01", "2026-12-31").unwrap();
    let unmasked = |s: &Session| -> i64 {
        s.store()
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'unmask'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // login, may the role see full phones in lists and ask for them in documents
    for (login, supervisor) in [("li", false), ("sun", false), ("wang", true)] {
        let clerk = s.sign_in(login, demo::DEMO_PASSWORD).unwrap();
        assert_eq!(s.clerk().unwrap().staff_id, clerk.staff_id);
        let lists = lists_as_seen(&s);
        for (list, text) in &lists {
            if !supervisor {
                assert!(
                    !has_full_mobile(text),
                    "{login} sees a full phone in {list}: {:?}",
                    full_mobile(text)
                );
            }
        }
        assert_eq!(
            lists.iter().any(|(_, t)| has_full_mobile(t)),
            supervisor,
            "{login}: supervisors see the numbers in full, nobody else"
        );
        let file = s
            .seen(View::Record, |st, _| {
                let c = customers::list(st.conn(), &clerk.estate_id, &Default::default())?
                    .into_iter()
                    .find(|c| c.name == "证件测试")
                    .expect("the customer with an id number");
                customers::show(st.conn(), &c.id, st.now())
            })
            .unwrap();
        let shown = serde_json::to_value(&file).unwrap().to_string();
        assert_eq!(
            shown.contains(ID_NUMBER),
            supervisor,
            "{login}: the full id number only for supervisors"
        );

        // Documents: masked by default for everyone; full numbers only for a supervisor, audited.
        let before = unmasked(&s);
        let full = s.disclosure(true, "客户投诉处理记录表 2026");
        match supervisor {
            true => assert_eq!(full.unwrap(), Disclosure::Full),
            false => assert!(matches!(full, Err(Error::Denied(_))), "{login}: {full:?}"),
        }
        assert_eq!(
            unmasked(&s),
            before + i64::from(supervisor),
            "{login}: the audit log"
        );
        let masked = s.disclosure(false, "x").unwrap();
        for register in [
            Register::Complaints,
            Register::Repairs,
            Register::PhoneLog,
            Register::Requests,
        ] {
            let out = paths
                .document("登记表", &format!("{login}-{register:?}.xlsx"))
                .unwrap();
            let eid = clerk.estate_id.clone();
            let st = s.store();
            register
                .write(
                    Format::Xlsx,
                    st.conn(),
                    &eid,
                    &period,
                    st.now(),
                    masked,
                    &out,
                    &mut |_, _| {},
                )
                .unwrap();
            assert!(
                !has_full_mobile(&workbook_text(&out)),
                "{login}: a full phone in the masked {register:?}: {:?}",
                full_mobile(&workbook_text(&out))
            );
        }
        s.sign_out();
        assert!(matches!(s.clerk(), Err(Error::SignedOut)));
    }
}

#[test]
fn paths_put_everything_under_the_data_folder_and_name_record_files_safely() {
    let root = scratch("app-paths");
    let paths = Paths::resolve(Some(&root)).unwrap();
    assert_eq!(paths.database, root.join("frontdesk.sqlite3"));
    assert_eq!(paths.backups, root.join("backups"));
    let slip = paths
        .document(
            "协调单",
            &frontdesk::app::paths::record_file_name("LH-XT2026-0001", "-补打2", "pdf"),
        )
        .unwrap();
    assert_eq!(
        slip,
        root.join("documents")
            .join("协调单")
            .join("LH-XT2026-0001-补打2.pdf")
    );
    assert!(
        root.join("documents").join("协调单").is_dir(),
        "the folder is made"
    );
    assert_eq!(
        frontdesk::app::paths::print_file_name("LH-XT2026-0001", 0),
        "LH-XT2026-0001.pdf"
    );
    assert_eq!(
        frontdesk::app::paths::print_file_name("LH-XT2026-0001", 2),
        "LH-XT2026-0001-补打2.pdf"
    );
    assert_eq!(
        frontdesk::app::paths::record_file_name(" a/b:c ", "", "xlsx"),
        "a_b_c.xlsx",
        "a typed number never leaves the folder"
    );
}
