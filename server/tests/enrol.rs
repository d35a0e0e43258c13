//! Enrolment: a code works once; prefixes "" then "B", "C" per estate; read-only desks reserve none.

use crate::common::*;
use frontdesk_sync_proto::{Access, EnrolReply, PullRequest};

#[test]
fn a_code_works_once_and_prefixes_follow_per_estate() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let (a, b) = (new_id(), new_id());

    let code = issue_code(&db, &[&a], false);
    let first = Desk::enrol(&server.base, &code);
    assert_eq!(
        first.prefix, "",
        "the first desk of an estate keeps its numbers"
    );
    err(enrol_reply(&server.base, &code), 403, "bad_code");
    err(
        enrol_reply(&server.base, "AAAA-BBBB-CCCC-DDDD"),
        403,
        "bad_code",
    );

    // Typed in lower case without dashes, the code still works.
    let code = issue_code(&db, &[&a], false)
        .to_lowercase()
        .replace('-', "");
    assert_eq!(Desk::enrol(&server.base, &code).prefix, "B");

    // Several estates only for a read-only desk: a desk writes for one.
    let several = std::process::Command::new(BIN)
        .args(["code", "--estate", &a, "--estate", &b])
        .env("FRONTDESK_SERVER_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(!several.status.success());
    assert!(String::from_utf8_lossy(&several.stderr).contains("--read-only"));

    let head_office: EnrolReply = ok(enrol_reply(&server.base, &issue_code(&db, &[&a, &b], true)));
    assert_eq!(head_office.desk_prefix, "");
    assert!(head_office.estates.iter().all(|g| g.access == Access::Read));
    assert_eq!(head_office.estates.len(), 2);

    assert_eq!(
        Desk::enrol(&server.base, &issue_code(&db, &[&a], false)).prefix,
        "C"
    );
    assert_eq!(
        Desk::enrol(&server.base, &issue_code(&db, &[&b], false)).prefix,
        ""
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM desks"), 5);
    // Only hashes of the credentials are stored.
    assert_eq!(
        scalar(
            &db,
            &format!(
                "SELECT count(*) FROM desks WHERE token_hash = '{}'",
                first.token
            )
        ),
        0
    );
}

#[test]
fn a_wrong_protocol_or_credential_is_refused() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let url = format!("{}/v1/pull", server.base);
    let req = PullRequest {
        protocol: 1,
        after: 0,
        limit: 10,
    };
    err(
        post(&agent(), &url, None, &req).unwrap(),
        401,
        "unauthorised",
    );
    err(
        post(&agent(), &url, Some("nope"), &req).unwrap(),
        401,
        "unauthorised",
    );
    let desk = Desk::enrol(&server.base, &issue_code(&db, &[&new_id()], false));
    let nowhere = format!("{}/v1/nowhere", server.base);
    err(
        post(&agent(), &nowhere, None, &req).unwrap(),
        404,
        "not_found",
    );
    let old = PullRequest {
        protocol: 99,
        after: 0,
        limit: 10,
    };
    err(
        post(&agent(), &url, Some(&desk.token), &old).unwrap(),
        400,
        "protocol",
    );
    err(
        post(
            &agent(),
            &url,
            Some(&desk.token),
            &serde_json::json!({"x": 1}),
        )
        .unwrap(),
        400,
        "bad_batch",
    );
}

#[test]
fn desks_enrolling_at_once_get_distinct_prefixes() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let codes: Vec<String> = (0..6).map(|_| issue_code(&db, &[&estate], false)).collect();
    let threads: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let base = server.base.clone();
            std::thread::spawn(move || Desk::enrol(&base, &code).prefix)
        })
        .collect();
    let mut prefixes: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    prefixes.sort();
    assert_eq!(prefixes, ["", "B", "C", "D", "E", "F"]);
}
