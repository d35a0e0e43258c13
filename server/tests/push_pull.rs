//! Push and pull: round trip, per-field merge, idempotent retries, gaps.

use crate::common::*;
use frontdesk_sync_proto::{PullReply, RowOp};
use serde_json::json;

#[test]
fn push_then_pull_round_trip_and_merge_per_field() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let mut one = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let mut two = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));

    let row = new_id();
    let mut changes = one.inserts(&estate, 2);
    changes.push(one.change(
        &estate,
        "complaints",
        &row,
        RowOp::Insert,
        json!({"subject": "漏水", "state": "open", "room": "1-101"}),
    ));
    let links = one.links(2);
    let reply = one.push(&server.base, &changes, &links);
    assert_eq!((reply.acked_through, reply.audit_through), (3, 2));
    assert!(reply.refused.is_empty());

    let pulled = two.pull_all(&server.base, 0);
    assert_eq!(pulled.len(), 3);
    assert!(pulled.windows(2).all(|w| w[0].server_seq < w[1].server_seq));
    for (p, c) in pulled.iter().zip(&changes) {
        assert_eq!(&p.change, c, "pulled as pushed");
        assert_eq!(p.desk_id, one.id);
    }
    // Paging: limit 2 → more, then the rest from the cursor.
    let page: PullReply = ok(two.pull_raw(&server.base, 0, 2).unwrap());
    assert!(page.more);
    assert_eq!(page.changes.len(), 2);
    let rest: PullReply = ok(two.pull_raw(&server.base, page.cursor, 2).unwrap());
    assert!(!rest.more);
    assert_eq!(rest.changes.len(), 1);
    assert_eq!(rest.cursor, pulled[2].server_seq);

    // Two desks change different fields of one row, then the same field: last writer by server
    // order wins per field, the losing value stays in the log.
    let a = one.change(
        &estate,
        "complaints",
        &row,
        RowOp::Update,
        json!({"state": "closed"}),
    );
    one.push(&server.base, &[a], &[]);
    let b = two.change(
        &estate,
        "complaints",
        &row,
        RowOp::Update,
        json!({"room": "1-102"}),
    );
    two.push(&server.base, &[b], &[]);
    let c = two.change(
        &estate,
        "complaints",
        &row,
        RowOp::Update,
        json!({"state": "reopened"}),
    );
    two.push(&server.base, &[c], &[]);
    let merged = text(
        &db,
        &format!("SELECT fields::text FROM current_rows WHERE row_id = '{row}'"),
    );
    let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(
        merged,
        json!({"subject": "漏水", "state": "reopened", "room": "1-102"})
    );
    assert_eq!(
        scalar(&db, &format!("SELECT count(*) FROM changes WHERE row_id = '{row}' AND fields->>'state' = 'closed'")),
        1
    );
    assert_eq!(
        one.pull_all(&server.base, 0).len(),
        6,
        "a desk pulls its own changes too"
    );
}

#[test]
fn the_same_batch_twice_changes_nothing() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let changes = desk.inserts(&estate, 5);
    let links = desk.links(3);
    let first = desk.push(&server.base, &changes, &links);
    let counts = store_counts(&db);
    let top = scalar(&db, "SELECT max(server_seq) FROM changes");
    let again = desk.push(&server.base, &changes, &links);
    assert_eq!(first, again);
    assert_eq!(store_counts(&db), counts);
    assert_eq!(
        scalar(&db, "SELECT last_seq FROM server_order"),
        top,
        "no seq spent on a retry"
    );

    // An overlapping batch (3..=7) applies only what is new.
    let mut more = changes[2..].to_vec();
    more.extend(desk.inserts(&estate, 2));
    let mut links2 = links[1..].to_vec();
    links2.extend(desk.links(1));
    let reply = desk.push(&server.base, &more, &links2);
    assert_eq!((reply.acked_through, reply.audit_through), (7, 4));
    assert_eq!(scalar(&db, "SELECT count(*) FROM changes"), 7);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_links"), 4);
}

#[test]
fn a_gap_in_desk_seq_is_a_bad_batch_and_stores_nothing() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let changes = desk.inserts(&estate, 4);
    // Starting past what the server holds.
    let e = err(
        desk.push_raw(&server.base, &changes[1..], &[]).unwrap(),
        400,
        "bad_batch",
    );
    assert_eq!(e.entry, Some(2));
    // A hole inside the batch.
    let holed = [changes[0].clone(), changes[1].clone(), changes[3].clone()];
    let e = err(
        desk.push_raw(&server.base, &holed, &[]).unwrap(),
        400,
        "bad_batch",
    );
    assert_eq!(e.entry, Some(4));
    assert_eq!(store_counts(&db), (0, 0, 0, 0, 0));
    assert_eq!(desk.push(&server.base, &changes, &[]).acked_through, 4);
}

#[test]
fn a_retry_racing_its_first_try_stores_the_batch_once() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let changes = desk.inserts(&estate, 2000);
    let links = desk.links(2000);
    let tries: Vec<_> = (0..3)
        .map(|_| {
            let (base, token) = (server.base.clone(), desk.token.clone());
            let (changes, links) = (changes.clone(), links.clone());
            std::thread::spawn(move || Desk::with_token(token).push(&base, &changes, &links))
        })
        .collect();
    for t in tries {
        let reply = t.join().unwrap();
        assert_eq!((reply.acked_through, reply.audit_through), (2000, 2000));
    }
    assert_eq!(store_counts(&db).0, 2000);
    assert_eq!(store_counts(&db).2, 2000);
    assert_eq!(scalar(&db, "SELECT last_seq FROM server_order"), 2000);
}
