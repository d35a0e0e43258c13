//! The audit chain: a tampered or misplaced link refuses the whole batch, naming the link.

use crate::common::*;

#[test]
fn a_tampered_link_breaks_the_chain_and_nothing_is_stored() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let estate = new_id();
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let first = desk.links(2);
    let batch = desk.inserts(&estate, 1);
    desk.push(&server.base, &batch, &first);
    let before = store_counts(&db);

    let changes = desk.inserts(&estate, 3);
    let mut links = desk.links(3); // 3, 4, 5
    links[1].detail = "登记投诉（已改）".into();
    let e = err(
        desk.push_raw(&server.base, &changes, &links).unwrap(),
        409,
        "broken_chain",
    );
    assert_eq!(e.entry, Some(4));
    assert_eq!(store_counts(&db), before, "the whole batch changed nothing");

    // A link whose prev_hash is not the server's last hash.
    let mut links = links.clone();
    links[1].detail = "登记投诉 4".into();
    links[0].prev_hash = "0".repeat(64);
    let e = err(
        desk.push_raw(&server.base, &changes, &links).unwrap(),
        409,
        "broken_chain",
    );
    assert_eq!(e.entry, Some(3));
    // A link skipped.
    let e = err(
        desk.push_raw(&server.base, &changes, &links[1..]).unwrap(),
        409,
        "broken_chain",
    );
    assert_eq!(e.entry, Some(4));
    assert_eq!(store_counts(&db), before);

    // A link PostgreSQL could not store (NUL in its text) is a bad batch naming it.
    let mut nul = links.clone();
    nul[2].detail = "a\0b".into();
    let e = err(
        desk.push_raw(&server.base, &changes, &nul).unwrap(),
        400,
        "bad_batch",
    );
    assert_eq!(e.entry, Some(5));
    assert_eq!(store_counts(&db), before);

    // The true links go through.
    let mut honest = Desk {
        next_link: 3,
        last_hash: first[1].hash.clone(),
        ..desk
    };
    let links = honest.links(3);
    let reply = honest.push(&server.base, &changes, &links);
    assert_eq!((reply.acked_through, reply.audit_through), (4, 5));
}
