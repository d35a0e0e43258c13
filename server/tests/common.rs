//! The harness: fresh databases, server processes, desks speaking the wire over HTTP.

use frontdesk_sync_proto::{
    chain_hash, AuditLink, EnrolReply, EnrolRequest, ErrorReply, PullReply, PullRequest, PushReply,
    PushRequest, RowChange, RowOp, ServerChange, GENESIS, PROTOCOL,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_frontdesk-server");

/// A fresh database on the test cluster, or None (the test returns) when no cluster is set.
macro_rules! fresh_db {
    () => {
        match $crate::common::new_database() {
            Some(url) => url,
            None => return,
        }
    };
}
pub(crate) use fresh_db;

pub fn admin_url() -> Option<String> {
    let url = std::env::var("FRONTDESK_TEST_DATABASE_URL").ok();
    if url.is_none() {
        eprintln!(
            "\n********************************************************************\n\
             *** SKIPPED: FRONTDESK_TEST_DATABASE_URL is not set.              ***\n\
             *** Run scripts/server-test (it starts a throwaway PostgreSQL).   ***\n\
             ********************************************************************\n"
        );
    }
    url
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("a database URL ends in /name");
    format!("{base}/{name}")
}

pub fn new_database() -> Option<String> {
    let admin = admin_url()?;
    let name = format!("fd_{}", uuid::Uuid::now_v7().simple());
    exec(&admin, &format!("CREATE DATABASE {name}"));
    Some(with_database(&admin, &name))
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub fn exec(url: &str, sql: &str) {
    block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.batch_execute(sql).await.unwrap();
    })
}

/// The first column of the first row, as i64 (counts, sums, max).
pub fn scalar(url: &str, sql: &str) -> i64 {
    block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client.query_one(sql, &[]).await.unwrap().get::<_, i64>(0)
    })
}

pub fn text(url: &str, sql: &str) -> String {
    block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, String>(0)
    })
}

/// A server process on a free localhost port.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db_url: &str) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--pool-size", "4"])
            .env("FRONTDESK_SERVER_DATABASE_URL", db_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn frontdesk-server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("server did not start: {line:?}"))
            .to_string();
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// SIGKILL, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Issues a one-time code with the CLI.
pub fn issue_code(db_url: &str, estates: &[&str], read_only: bool) -> String {
    let mut cmd = Command::new(BIN);
    cmd.arg("code").env("FRONTDESK_SERVER_DATABASE_URL", db_url);
    for e in estates {
        cmd.args(["--estate", e]);
    }
    if read_only {
        cmd.arg("--read-only");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// POSTs JSON; Ok((status, body)) whenever the server answered.
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    body: &impl Serialize,
) -> Result<(u16, Value), ureq::Error> {
    let mut req = agent.post(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut resp = req.send_json(body)?;
    let status = resp.status().as_u16();
    let value = resp
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_json::<Value>()?;
    Ok((status, value))
}

pub fn ok<T: DeserializeOwned>(reply: (u16, Value)) -> T {
    assert_eq!(reply.0, 200, "expected 200, got {reply:?}");
    serde_json::from_value(reply.1).unwrap()
}

pub fn err(reply: (u16, Value), status: u16, code: &str) -> ErrorReply {
    assert_eq!(reply.0, status, "expected {status} {code}, got {reply:?}");
    let e: ErrorReply = serde_json::from_value(reply.1).unwrap();
    assert_eq!(e.code, code, "{e:?}");
    assert!(!e.message.is_ascii(), "the message is Chinese: {e:?}");
    e
}

pub fn enrol_reply(base: &str, code: &str) -> (u16, Value) {
    post(
        &agent(),
        &format!("{base}/v1/enrol"),
        None,
        &EnrolRequest {
            protocol: PROTOCOL,
            code: code.into(),
            desk_name: "前台1".into(),
        },
    )
    .unwrap()
}

/// A desk as the wire sees it: its credential, the next numbers of its queue and its chain.
pub struct Desk {
    pub id: String,
    pub prefix: String,
    pub token: String,
    pub next_seq: i64,
    pub next_link: i64,
    pub last_hash: String,
    pub agent: ureq::Agent,
}

impl Desk {
    pub fn enrol(base: &str, code: &str) -> Desk {
        let reply: EnrolReply = ok(enrol_reply(base, code));
        Desk {
            id: reply.desk_id,
            prefix: reply.desk_prefix,
            token: reply.token,
            next_seq: 1,
            next_link: 1,
            last_hash: GENESIS.into(),
            agent: agent(),
        }
    }

    /// The same desk's credential in another thread (it only sends batches made beforehand).
    pub fn with_token(token: String) -> Desk {
        Desk {
            id: String::new(),
            prefix: String::new(),
            token,
            next_seq: 0,
            next_link: 0,
            last_hash: String::new(),
            agent: agent(),
        }
    }

    /// A new change numbered next in the desk's queue.
    pub fn change(
        &mut self,
        estate: &str,
        table: &str,
        row_id: &str,
        op: RowOp,
        fields: Value,
    ) -> RowChange {
        let seq = self.next_seq;
        self.next_seq += 1;
        RowChange {
            desk_seq: seq,
            estate_id: estate.into(),
            table: table.into(),
            row_id: row_id.into(),
            op,
            fields: match fields {
                Value::Object(m) => m,
                _ => panic!("fields are an object"),
            },
            at: "2026-12-07T09:30:00.000Z".into(),
        }
    }

    /// `n` inserts of new complaint rows.
    pub fn inserts(&mut self, estate: &str, n: usize) -> Vec<RowChange> {
        (0..n)
            .map(|i| {
                self.change(
                    estate,
                    "complaints",
                    &new_id(),
                    RowOp::Insert,
                    json!({"subject": format!("楼道灯不亮 {i}"), "room": "3-2-1201", "state": "open", "amount": i}),
                )
            })
            .collect()
    }

    /// The next `n` links of the desk's chain.
    pub fn links(&mut self, n: usize) -> Vec<AuditLink> {
        (0..n)
            .map(|_| {
                let seq = self.next_link;
                self.next_link += 1;
                let (at, actor, name, action, entity, id, detail) = (
                    "2026-12-07T09:30:00.000Z",
                    "u1",
                    "张三",
                    "complaint.create",
                    "complaint",
                    format!("c{seq}"),
                    format!("登记投诉 {seq}"),
                );
                let hash = chain_hash(
                    &self.last_hash,
                    at,
                    actor,
                    name,
                    action,
                    entity,
                    &id,
                    &detail,
                );
                AuditLink {
                    chain_seq: seq,
                    at: at.into(),
                    actor_id: actor.into(),
                    actor_name: name.into(),
                    action: action.into(),
                    entity: entity.into(),
                    entity_id: id,
                    detail,
                    prev_hash: std::mem::replace(&mut self.last_hash, hash.clone()),
                    hash,
                }
            })
            .collect()
    }

    pub fn push_raw(
        &self,
        base: &str,
        changes: &[RowChange],
        audit: &[AuditLink],
    ) -> Result<(u16, Value), ureq::Error> {
        post(
            &self.agent,
            &format!("{base}/v1/push"),
            Some(&self.token),
            &PushRequest {
                protocol: PROTOCOL,
                changes: changes.to_vec(),
                audit: audit.to_vec(),
            },
        )
    }

    pub fn push(&self, base: &str, changes: &[RowChange], audit: &[AuditLink]) -> PushReply {
        ok(self.push_raw(base, changes, audit).unwrap())
    }

    pub fn pull_raw(
        &self,
        base: &str,
        after: i64,
        limit: u32,
    ) -> Result<(u16, Value), ureq::Error> {
        post(
            &self.agent,
            &format!("{base}/v1/pull"),
            Some(&self.token),
            &PullRequest {
                protocol: PROTOCOL,
                after,
                limit,
            },
        )
    }

    /// Everything after `after`, following `more`.
    pub fn pull_all(&self, base: &str, after: i64) -> Vec<ServerChange> {
        let mut out = Vec::new();
        let mut cursor = after;
        loop {
            let reply: PullReply = ok(self.pull_raw(base, cursor, 1000).unwrap());
            out.extend(reply.changes);
            cursor = reply.cursor;
            if !reply.more {
                return out;
            }
        }
    }
}

/// Counts that show whether anything changed in the store.
pub fn store_counts(db: &str) -> (i64, i64, i64, i64, i64) {
    (
        scalar(db, "SELECT count(*) FROM changes"),
        scalar(db, "SELECT count(*) FROM current_rows"),
        scalar(db, "SELECT count(*) FROM audit_links"),
        scalar(db, "SELECT count(*) FROM refused_changes"),
        scalar(
            db,
            "SELECT coalesce(sum(acked_through + audit_through), 0)::bigint FROM desks",
        ),
    )
}

/// Waits until a server connection of `db` runs a statement LIKE `pattern` inside a transaction
/// (the moment to kill it mid-push); false after `timeout`.
pub fn wait_for_statement(db: &str, pattern: &str, timeout: Duration) -> bool {
    block_on(async {
        let (client, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let start = std::time::Instant::now();
        while start.elapsed() < timeout {
            let n: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND application_name = 'frontdesk-server'
                       AND state <> 'idle' AND query LIKE $1",
                    &[&pattern],
                )
                .await
                .unwrap()
                .get(0);
            if n > 0 {
                return true;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        false
    })
}
