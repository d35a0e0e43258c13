//! Two server instances on one database: desks push through both at once while pullers read
//! through both; every puller sees every change exactly once, all in one order.

use crate::common::*;
use frontdesk_sync_proto::PullReply;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn two_instances_serve_one_order_and_pulls_skip_nothing() {
    let db = fresh_db!();
    let servers = [Server::start(&db), Server::start(&db)];
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let estates = [new_id(), new_id()];
    let (desks_n, batches, per_batch) = (6usize, 8usize, 50usize);
    let mut desks: Vec<(Desk, String)> = (0..desks_n)
        .map(|i| {
            let e = estates[i % 2].clone();
            (
                Desk::enrol(&bases[i % 2], &issue_code(&db, &[&e], false)),
                e,
            )
        })
        .collect();
    let office = Desk::enrol(
        &bases[0],
        &issue_code(&db, &[&estates[0], &estates[1]], true),
    );
    let done = Arc::new(AtomicBool::new(false));

    // Pullers: one per instance, pulling while the pushes go on.
    let pullers: Vec<_> = bases
        .iter()
        .cloned()
        .map(|base| {
            let (token, done) = (office.token.clone(), done.clone());
            std::thread::spawn(move || {
                let d = Desk::with_token(token);
                let mut seen = Vec::new();
                let mut cursor = 0;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let reply: PullReply = ok(d.pull_raw(&base, cursor, 37).unwrap());
                    cursor = reply.cursor;
                    let empty = reply.changes.is_empty();
                    seen.extend(
                        reply
                            .changes
                            .into_iter()
                            .map(|c| (c.server_seq, c.desk_id, c.change.desk_seq)),
                    );
                    if finished && empty && !reply.more {
                        return seen;
                    }
                }
            })
        })
        .collect();

    let pushers: Vec<_> = desks
        .iter_mut()
        .enumerate()
        .map(|(i, (desk, estate))| {
            let work: Vec<_> = (0..batches)
                .map(|_| desk.inserts(estate, per_batch))
                .collect();
            let token = desk.token.clone();
            let bases = bases.clone();
            std::thread::spawn(move || {
                let d = Desk::with_token(token);
                for (j, batch) in work.iter().enumerate() {
                    let reply = d.push(&bases[(i + j) % 2], batch, &[]);
                    assert!(reply.refused.is_empty());
                }
            })
        })
        .collect();
    for p in pushers {
        p.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen: Vec<_> = pullers.into_iter().map(|p| p.join().unwrap()).collect();

    let total = desks_n * batches * per_batch;
    for list in &seen {
        assert_eq!(list.len(), total, "every change seen once");
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "in server order");
        let unique: HashSet<_> = list.iter().map(|(_, d, s)| (d.clone(), *s)).collect();
        assert_eq!(unique.len(), total, "no change twice");
    }
    assert_eq!(seen[0], seen[1], "both instances give one order");
    assert_eq!(scalar(&db, "SELECT count(*) FROM changes"), total as i64);
}
