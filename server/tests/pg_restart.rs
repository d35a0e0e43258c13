//! PostgreSQL stopped and restarted under a running server: 503 `unavailable` while it is down,
//! then recovery; a desk that retries loses and doubles nothing. Runs on a cluster of its own
//! (started with scripts/pg) so the other tests are not disturbed.

use crate::common::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn pg(args: &[&str]) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg");
    let out = Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/pg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Cluster(String);
impl Drop for Cluster {
    fn drop(&mut self) {
        pg(&["stop", &self.0]);
    }
}

#[test]
fn postgres_down_is_503_then_recovers_and_nothing_is_lost_or_doubled() {
    if admin_url().is_none() {
        return;
    }
    let started = pg(&["start"]);
    let var = |name: &str| {
        started
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .unwrap()
            .to_string()
    };
    let cluster = Cluster(var("PGDIR"));
    let db = var("FRONTDESK_TEST_DATABASE_URL");
    let server = Server::start(&db);
    let estate = new_id();
    let mut desk = Desk::enrol(&server.base, &issue_code(&db, &[&estate], false));
    let batch = desk.inserts(&estate, 10);
    let links = desk.links(1);
    desk.push(&server.base, &batch, &links);

    // Down: 503 unavailable (the desk keeps its outbox); health too.
    pg(&["down", &cluster.0]);
    let pending = desk.inserts(&estate, 10);
    let pending_links = desk.links(1);
    err(
        desk.push_raw(&server.base, &pending, &pending_links)
            .unwrap(),
        503,
        "unavailable",
    );
    err(
        desk.pull_raw(&server.base, 0, 10).unwrap(),
        503,
        "unavailable",
    );
    let health = format!("{}/v1/health", server.base);
    assert_eq!(agent().get(&health).call().unwrap().status(), 503);
    pg(&["up", &cluster.0]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let reply = loop {
        match desk
            .push_raw(&server.base, &pending, &pending_links)
            .unwrap()
        {
            (200, body) => {
                break serde_json::from_value::<frontdesk_sync_proto::PushReply>(body).unwrap()
            }
            reply => {
                err(reply, 503, "unavailable");
                assert!(Instant::now() < deadline, "no recovery");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    };
    assert_eq!((reply.acked_through, reply.audit_through), (20, 2));
    assert_eq!(agent().get(&health).call().unwrap().status(), 200);

    // Restart (pg_ctl restart) while a desk pushes batch after batch, retrying on any failure.
    let batches: Vec<_> = (0..30)
        .map(|_| (desk.inserts(&estate, 100), desk.links(10)))
        .collect();
    let saw_failure = Arc::new(AtomicBool::new(false));
    let (base, token, failed) = (server.base.clone(), desk.token.clone(), saw_failure.clone());
    let pusher = std::thread::spawn(move || {
        let d = Desk::with_token(token);
        for (changes, links) in &batches {
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                match d.push_raw(&base, changes, links) {
                    Ok((200, _)) => break,
                    Ok((503, _)) | Err(_) => failed.store(true, Ordering::SeqCst),
                    Ok(other) => panic!("unexpected {other:?}"),
                }
                assert!(Instant::now() < deadline, "no recovery after restart");
                std::thread::sleep(Duration::from_millis(50));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    pg(&["restart", &cluster.0]);
    pusher.join().unwrap();
    eprintln!(
        "pg restart: a push failed and was retried: {}",
        saw_failure.load(Ordering::SeqCst)
    );
    let total = 20 + 30 * 100;
    assert_eq!(scalar(&db, "SELECT count(*) FROM changes"), total);
    assert_eq!(
        scalar(&db, "SELECT count(DISTINCT desk_seq) FROM changes"),
        total
    );
    assert_eq!(scalar(&db, "SELECT max(desk_seq) FROM changes"), total);
    assert_eq!(scalar(&db, "SELECT count(*) FROM audit_links"), 2 + 30 * 10);
    assert_eq!(desk.pull_all(&server.base, 0).len(), total as usize);
}
