//! The server killed with SIGKILL in the middle of a big push, restarted, the push retried:
//! every change is stored exactly once.

use crate::common::*;
use std::time::Duration;

#[test]
fn a_server_killed_mid_push_then_a_retry_stores_every_change_once() {
    let db = fresh_db!();
    let estate = new_id();
    let mut server = Server::start(&db);
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let n = 10_000;
    let changes = desk.inserts(&estate, n);
    let links = desk.links(n);

    // Killed as soon as the push's transaction has begun, then in its critical section (server
    // order taken, the log and the merge being written).
    // (Should a push finish before its kill on a very slow machine, the next stage has nothing
    // left to interrupt; at least one kill must have come mid-push.)
    let mut killed_mid_push = 0;
    for stage in ["%", "%current_rows%"] {
        let base = server.base.clone();
        let (c, l, token) = (changes.clone(), links.clone(), desk.token.clone());
        let pusher = std::thread::spawn(move || {
            let d = Desk::with_token(token);
            d.push_raw(&base, &c, &l).map(|r| r.0)
        });
        let caught = wait_for_statement(&db, stage, Duration::from_secs(60));
        server.kill();
        let outcome = pusher.join().unwrap();
        eprintln!("crash: push killed at {stage:?} (caught: {caught}) → {outcome:?}");
        server = Server::start(&db);
        let stored = scalar(&db, "SELECT count(*) FROM changes");
        assert!(
            stored == 0 || stored == n as i64,
            "all or nothing, got {stored}"
        );
        if caught && outcome.is_err() {
            killed_mid_push += 1;
        }
        if stored > 0 {
            break;
        }
    }
    assert!(killed_mid_push > 0, "no kill came in the middle of a push");
    let reply = desk.push(&server.base, &changes, &links);
    assert_eq!(
        (reply.acked_through, reply.audit_through),
        (n as i64, n as i64)
    );
    let reply = desk.push(&server.base, &changes, &links);
    assert_eq!(reply.acked_through, n as i64);
    assert_eq!(scalar(&db, "SELECT count(*) FROM changes"), n as i64);
    assert_eq!(
        scalar(&db, "SELECT count(DISTINCT desk_seq) FROM changes"),
        n as i64
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM current_rows"), n as i64);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_links"), n as i64);
    assert_eq!(
        scalar(
            &db,
            "SELECT max(server_seq) - min(server_seq) + 1 FROM changes"
        ),
        n as i64
    );
    assert_eq!(desk.pull_all(&server.base, 0).len(), n);
}
