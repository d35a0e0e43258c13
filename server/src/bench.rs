//! `frontdesk-server bench`: simulated desks, each its own HTTP client thread in this process,
//! push a day of work (complaints and intakes: inserts with every column, updates of a few, one
//! audit link per change) all at once to an in-process server, then pull their estate's changes.
//! Prints total time, throughput, p95 push and pull latency, a desk's whole sync, and the store's
//! size per 1,000,000 changes. Run it against a scratch database (`scripts/pg run …`).

use crate::{db, enrol, http, BoxError};
use frontdesk_sync_proto::{
    chain_hash, AuditLink, EnrolReply, EnrolRequest, PullReply, PullRequest, PushReply,
    PushRequest, RowChange, RowOp, GENESIS, PROTOCOL,
};
use serde_json::{json, Value};
use std::sync::Barrier;
use std::time::{Duration, Instant};

const SUBJECTS: &[&str] = &[
    "楼道灯不亮，晚上回家看不见台阶",
    "厨房下水道堵塞，水漫到客厅地板",
    "楼上装修噪音大，周末早上七点就开始施工",
    "地下车库B2层有车辆长期占用消防通道",
    "电梯按钮失灵，12楼按了没有反应",
    "小区门禁卡无法刷开东门，需要重新授权",
    "绿化带里有积水，蚊虫很多，希望尽快处理",
];

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn at(minute: usize) -> String {
    format!(
        "2026-12-07T{:02}:{:02}:{:02}.000Z",
        1 + minute / 60 % 22,
        minute % 60,
        minute % 53
    )
}

/// One desk's day: `n` changes (about 60% new complaints/intakes, the rest updates of them) and
/// one audit link per change.
fn day_of_work(desk: usize, estate: &str, n: usize) -> (Vec<RowChange>, Vec<AuditLink>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (desk as u64 + 1));
    let mut rows: Vec<(String, &str)> = Vec::new();
    let mut changes = Vec::with_capacity(n);
    let mut links = Vec::with_capacity(n);
    let mut prev = GENESIS.to_string();
    for i in 0..n {
        let when = at(i * 2);
        let seq = i as i64 + 1;
        let (change, action) = if rows.is_empty() || rng.below(10) < 6 {
            let table = if rng.below(2) == 0 {
                "complaints"
            } else {
                "intakes"
            };
            let row_id = uuid::Uuid::now_v7().to_string();
            rows.push((row_id.clone(), table));
            let fields = json!({
                "id": row_id,
                "number": format!("TS-JJ2026-{:04}", rows.len()),
                "estate_id": estate,
                "room": format!("{}-{}-{}{:02}", 1 + rng.below(12), 1 + rng.below(3), 1 + rng.below(30), 1 + rng.below(4)),
                "caller_name": (["王女士", "李先生", "张阿姨", "陈先生"][rng.below(4)]),
                "caller_phone": format!("13{:09}", rng.next() % 1_000_000_000),
                "category": (["维修", "投诉", "咨询", "安全"][rng.below(4)]),
                "subject": SUBJECTS[rng.below(SUBJECTS.len())],
                "detail": format!("业主来电反映：{}。已告知将在24小时内安排人员上门查看。", SUBJECTS[rng.below(SUBJECTS.len())]),
                "state": "open",
                "priority": rng.below(3) as i64,
                "deadline": at(i * 2 + 1440),
                "created_by": "u-frontdesk-1",
                "created_at": when,
                "updated_by": "u-frontdesk-1",
                "updated_at": when,
                "voided": Value::Null,
            });
            (
                (table, rows.last().unwrap().0.clone(), RowOp::Insert, fields),
                "create",
            )
        } else {
            let (row_id, table) = rows[rng.below(rows.len())].clone();
            let fields = json!({
                "state": (["assigned", "in_progress", "closed"][rng.below(3)]),
                "assigned_to": (["工程部李工", "保洁组", "秩序部"][rng.below(3)]),
                "updated_by": "u-frontdesk-1",
                "updated_at": when,
            });
            ((table, row_id, RowOp::Update, fields), "update")
        };
        let (table, row_id, op, fields) = change;
        let detail = format!("{table} {action}");
        let hash = chain_hash(
            &prev,
            &when,
            "u-frontdesk-1",
            "前台小王",
            action,
            table,
            &row_id,
            &detail,
        );
        links.push(AuditLink {
            chain_seq: seq,
            at: when.clone(),
            actor_id: "u-frontdesk-1".into(),
            actor_name: "前台小王".into(),
            action: action.into(),
            entity: table.into(),
            entity_id: row_id.clone(),
            detail,
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
        changes.push(RowChange {
            desk_seq: seq,
            estate_id: estate.into(),
            table: table.into(),
            row_id,
            op,
            fields: match fields {
                Value::Object(m) => m,
                _ => unreachable!("json! object"),
            },
            at: when,
        });
    }
    (changes, links)
}

fn post<T: serde::de::DeserializeOwned>(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    body: &impl serde::Serialize,
) -> Result<T, BoxError> {
    let mut req = agent.post(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut resp = req.send_json(body)?;
    if resp.status() != 200 {
        return Err(format!(
            "{url}: {} {}",
            resp.status(),
            resp.body_mut().read_to_string()?
        )
        .into());
    }
    Ok(resp.body_mut().with_config().limit(256 << 20).read_json()?)
}

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get((v.len() * 95).div_ceil(100).saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct DeskRun {
    push: Vec<Duration>,
    pull: Vec<Duration>,
    sync: Duration,
    pulled: usize,
}

pub async fn run(
    url: &str,
    desks: usize,
    changes: usize,
    per_estate: usize,
    batch: usize,
) -> Result<(), BoxError> {
    if desks == 0 || changes == 0 || per_estate == 0 || batch == 0 {
        return Err(
            "bench: --desks, --changes, --desks-per-estate, --batch must be at least 1".into(),
        );
    }
    let pool = db::pool(url, 16)?;
    db::migrate(&pool).await?;
    let client = pool.get().await?;
    let before: i64 = client
        .query_one("SELECT count(*) FROM changes", &[])
        .await?
        .get(0);
    if before > 0 {
        eprintln!("bench: the database already holds {before} changes; sizes include them");
    }
    let estates: Vec<String> = (0..desks.div_ceil(per_estate))
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let mut codes = Vec::with_capacity(desks);
    for i in 0..desks {
        codes.push(enrol::issue_code(&client, &[estates[i / per_estate].clone()], false, 1).await?);
    }
    drop(client);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, http::router(pool)).await });

    let work: Vec<_> = (0..desks)
        .map(|i| day_of_work(i, &estates[i / per_estate], changes))
        .collect();
    let started = Instant::now();
    let (runs, push_wall, total) = tokio::task::spawn_blocking(move || {
        let barrier = Barrier::new(desks);
        let push_done = std::sync::Mutex::new(None::<Instant>);
        let runs: Vec<Result<DeskRun, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = work
                .iter()
                .zip(&codes)
                .map(|((changes, links), code)| {
                    let (barrier, base, push_done) = (&barrier, &base, &push_done);
                    s.spawn(move || -> Result<DeskRun, String> {
                        let agent: ureq::Agent = ureq::Agent::config_builder()
                            .timeout_global(Some(Duration::from_secs(300)))
                            .build()
                            .into();
                        let e = |e: BoxError| e.to_string();
                        let desk: EnrolReply = post(
                            &agent,
                            &format!("{base}/v1/enrol"),
                            None,
                            &EnrolRequest {
                                protocol: PROTOCOL,
                                code: code.clone(),
                                desk_name: "前台".into(),
                            },
                        )
                        .map_err(e)?;
                        barrier.wait();
                        let mut run = DeskRun {
                            push: Vec::new(),
                            pull: Vec::new(),
                            sync: Duration::ZERO,
                            pulled: 0,
                        };
                        for (c, l) in changes.chunks(batch).zip(links.chunks(batch)) {
                            let t = Instant::now();
                            let reply: PushReply = post(
                                &agent,
                                &format!("{base}/v1/push"),
                                Some(&desk.token),
                                &PushRequest {
                                    protocol: PROTOCOL,
                                    changes: c.to_vec(),
                                    audit: l.to_vec(),
                                },
                            )
                            .map_err(e)?;
                            run.push.push(t.elapsed());
                            if !reply.refused.is_empty() {
                                return Err(format!("refused: {:?}", reply.refused[0]));
                            }
                        }
                        run.sync = run.push.iter().sum();
                        // Every desk has pushed its day before any pulls: each pull then
                        // brings the whole estate's day.
                        barrier.wait();
                        {
                            let mut done = push_done.lock().unwrap();
                            done.get_or_insert_with(Instant::now);
                        }
                        let mut cursor = 0;
                        loop {
                            let t = Instant::now();
                            let reply: PullReply = post(
                                &agent,
                                &format!("{base}/v1/pull"),
                                Some(&desk.token),
                                &PullRequest {
                                    protocol: PROTOCOL,
                                    after: cursor,
                                    limit: 1000,
                                },
                            )
                            .map_err(e)?;
                            run.pull.push(t.elapsed());
                            run.pulled += reply.changes.len();
                            cursor = reply.cursor;
                            if !reply.more {
                                break;
                            }
                        }
                        run.sync += run.pull.iter().sum::<Duration>();
                        Ok(run)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let push_wall = push_done.lock().unwrap().map(|t| t - started);
        (runs, push_wall, started.elapsed())
    })
    .await?;
    server.abort();
    let runs: Vec<DeskRun> = runs.into_iter().collect::<Result<_, _>>()?;

    let total_changes = desks * changes;
    let push_wall = push_wall.unwrap_or(total);
    let pushes: Vec<Duration> = runs.iter().flat_map(|r| r.push.clone()).collect();
    let pulls: Vec<Duration> = runs.iter().flat_map(|r| r.pull.clone()).collect();
    let syncs: Vec<Duration> = runs.iter().map(|r| r.sync).collect();
    let pulled: usize = runs.iter().map(|r| r.pulled).sum();

    let pool = db::pool(url, 1)?;
    let client = pool.get().await?;
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM changes),
                    pg_total_relation_size('changes') + pg_total_relation_size('current_rows')
                      + pg_total_relation_size('audit_links'),
                    pg_total_relation_size('changes'),
                    pg_database_size(current_database())",
            &[],
        )
        .await?;
    let (stored, bytes, log_bytes, db_bytes): (i64, i64, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let per_million = |b: i64| b as f64 / stored.max(1) as f64 * 1e6 / f64::from(1 << 30);

    println!("frontdesk-server bench: {desks} desks × {changes} changes ({} estates of {per_estate} desks), pushes of {batch}", estates.len());
    println!(
        "  total time (enrolled desks: push all, then pull all): {:.2} s",
        total.as_secs_f64()
    );
    println!(
        "  push phase: {total_changes} changes + {total_changes} audit links in {:.2} s = {:.0} changes/s",
        push_wall.as_secs_f64(),
        total_changes as f64 / push_wall.as_secs_f64()
    );
    println!(
        "  push latency p95: {} (max {}), {} requests",
        ms(p95(pushes.clone())),
        ms(pushes.iter().max().copied().unwrap_or_default()),
        pushes.len()
    );
    println!(
        "  pull latency p95: {} (max {}), {} requests, {pulled} changes pulled",
        ms(p95(pulls.clone())),
        ms(pulls.iter().max().copied().unwrap_or_default()),
        pulls.len()
    );
    println!(
        "  a desk's sync after a day offline (its push + its estate's pull): p95 {}, max {}",
        ms(p95(syncs.clone())),
        ms(syncs.iter().max().copied().unwrap_or_default())
    );
    println!(
        "  PostgreSQL: {stored} changes stored; log + current rows + audit = {:.2} GiB per 1,000,000 changes (log alone {:.2} GiB; whole database {:.2} GiB per 1,000,000)",
        per_million(bytes),
        per_million(log_bytes),
        per_million(db_bytes)
    );
    Ok(())
}
