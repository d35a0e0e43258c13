//! Estates: a desk writes and reads only its own; the head office reads all it is granted.

use crate::common::*;
use frontdesk_sync_proto::RowOp;
use serde_json::json;

#[test]
fn a_desk_of_estate_b_cannot_push_or_pull_estate_a() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let (a, b) = (new_id(), new_id());
    let mut desk_a = Desk::enrol(&server.base, &issue_code(&db, &[&a], false));
    let mut desk_b = Desk::enrol(&server.base, &issue_code(&db, &[&b], false));
    let batch = desk_a.inserts(&a, 2);
    desk_a.push(&server.base, &batch, &[]);

    let target = new_id();
    let mut batch = vec![desk_b.change(
        &a,
        "complaints",
        &target,
        RowOp::Insert,
        json!({"subject": "越权"}),
    )];
    batch.extend(desk_b.inserts(&b, 1));
    batch.push(desk_b.change(&b, "Bad Table", &new_id(), RowOp::Insert, json!({"x": 1})));
    batch.push(desk_b.change(
        &b,
        "complaints",
        "not a key; drop",
        RowOp::Insert,
        json!({"x": 1}),
    ));
    batch.push(desk_b.change(
        &b,
        "complaints",
        &new_id(),
        RowOp::Insert,
        json!({"x": [1]}),
    ));
    batch.extend(desk_b.inserts(&b, 1));
    // Text PostgreSQL cannot store (NUL) is refused, and the refusal is still recorded.
    batch.push(desk_b.change(&b, "t\0", &new_id(), RowOp::Insert, json!({"x": 1})));
    batch.push(desk_b.change(
        &b,
        "complaints",
        &new_id(),
        RowOp::Insert,
        json!({"x": "a\0b"}),
    ));
    let reply = desk_b.push(&server.base, &batch, &[]);
    assert_eq!(reply.acked_through, 8, "refused changes count as acked");
    let refused: Vec<i64> = reply.refused.iter().map(|r| r.desk_seq).collect();
    assert_eq!(refused, vec![1, 3, 4, 5, 7, 8]);
    assert!(
        reply.refused[0].reason.contains("小区"),
        "{:?}",
        reply.refused[0]
    );
    assert!(reply.refused[1].reason.contains("表名"));
    assert!(reply.refused[2].reason.contains("记录编号"));
    assert!(reply.refused[3].reason.contains("字段"));
    assert_eq!(scalar(&db, "SELECT count(*) FROM refused_changes"), 6);
    assert_eq!(
        scalar(
            &db,
            &format!("SELECT count(*) FROM current_rows WHERE row_id = '{target}'")
        ),
        0
    );

    let seen = desk_b.pull_all(&server.base, 0);
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|c| c.change.estate_id == b));
    let seen = desk_a.pull_all(&server.base, 0);
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|c| c.change.estate_id == a));
}

#[test]
fn a_read_only_head_office_reads_everything_granted_and_writes_nothing() {
    let db = fresh_db!();
    let server = Server::start(&db);
    let (a, b, c) = (new_id(), new_id(), new_id());
    let mut desk_a = Desk::enrol(&server.base, &issue_code(&db, &[&a], false));
    let mut desk_b = Desk::enrol(&server.base, &issue_code(&db, &[&b], false));
    let mut desk_c = Desk::enrol(&server.base, &issue_code(&db, &[&c], false));
    let batch = desk_a.inserts(&a, 2);
    desk_a.push(&server.base, &batch, &[]);
    let batch = desk_b.inserts(&b, 3);
    desk_b.push(&server.base, &batch, &[]);
    let batch = desk_c.inserts(&c, 1);
    desk_c.push(&server.base, &batch, &[]);

    let mut office = Desk::enrol(&server.base, &issue_code(&db, &[&a, &b], true));
    let seen = office.pull_all(&server.base, 0);
    assert_eq!(seen.len(), 5);
    assert!(seen.iter().all(|s| s.change.estate_id != c));
    let batch = office.inserts(&a, 1);
    let reply = office.push(&server.base, &batch, &[]);
    assert_eq!(reply.refused.len(), 1);
    assert!(reply.refused[0].reason.contains("只读"));
    assert_eq!(scalar(&db, "SELECT count(*) FROM changes"), 6);
}
