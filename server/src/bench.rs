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
    pulled: usize,
}

impl DeskRun {
    /// Its push and its pulls: the desk's whole sync.
    fn sync(&self) -> Duration {
        self.push.iter().chain(&self.pull).sum()
    }
}

/// One simulated desk, speaking HTTP like a real one.
struct SimDesk {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl SimDesk {
    fn enrol(base: &str, code: &str) -> Result<SimDesk, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .into();
        let reply: EnrolReply = post(
            &agent,
            &format!("{base}/v1/enrol"),
            None,
            &EnrolRequest {
                protocol: PROTOCOL,
                code: code.into(),
                desk_name: "前台".into(),
            },
        )
        .map_err(|e| e.to_string())?;
        Ok(SimDesk {
            agent,
            base: base.into(),
            token: reply.token,
        })
    }

    /// Pushes the day in batches of `batch`; the latency of each push.
    fn push_day(
        &self,
        changes: &[RowChange],
        links: &[AuditLink],
        batch: usize,
    ) -> Result<Vec<Duration>, String> {
        let mut times = Vec::new();
        for (c, l) in changes.chunks(batch).zip(links.chunks(batch)) {
            let t = Instant::now();
            let reply: PushReply = post(
                &self.agent,
                &format!("{}/v1/push", self.base),
                Some(&self.token),
                &PushRequest {
                    protocol: PROTOCOL,
                    changes: c.to_vec(),
                    audit: l.to_vec(),
                },
            )
            .map_err(|e| e.to_string())?;
            times.push(t.elapsed());
            if let Some(r) = reply.refused.first() {
                return Err(format!("refused: {r:?}"));
            }
        }
        Ok(times)
    }

    /// Pulls everything of its estates, 1,000 at a time; the latency of each pull and the count.
    fn pull_all(&self) -> Result<(Vec<Duration>, usize), String> {
        let (mut times, mut pulled, mut cursor) = (Vec::new(), 0, 0);
        loop {
            let t = Instant::now();
            let reply: PullReply = post(
                &self.agent,
                &format!("{}/v1/pull", self.base),
                Some(&self.token),
                &PullRequest {
                    protocol: PROTOCOL,
                    after: cursor,
                    limit: 1000,
                },
            )
            .map_err(|e| e.to_string())?;
            times.push(t.elapsed());
            pulled += reply.changes.len();
            cursor = reply.cursor;
            if !reply.more {
                return Ok((times, pulled));
            }
        }
    }
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
    // One code per desk, and one for a late desk of the first estate that syncs alone.
    let mut codes = Vec::with_capacity(desks + 1);
    for i in 0..=desks {
        let estate = estates[i.min(desks - 1) / per_estate].clone();
        codes.push(enrol::issue_code(&client, &[estate], false, 1).await?);
    }
    drop(client);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, http::router(pool)).await });

    let work: Vec<_> = (0..=desks)
        .map(|i| day_of_work(i, &estates[i.min(desks - 1) / per_estate], changes))
        .collect();
    let (runs, lone, push_wall, total) = tokio::task::spawn_blocking(move || {
        // Every desk enrols, then all push their day at once (the morning after an outage),
        // then, once all have pushed, all pull their estate's day.
        let barrier = Barrier::new(desks);
        let marks = std::sync::Mutex::new(Vec::<Instant>::new());
        let mark = |leader: bool| {
            if leader {
                marks.lock().unwrap().push(Instant::now());
            }
        };
        let runs: Vec<Result<DeskRun, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = work[..desks]
                .iter()
                .zip(&codes)
                .map(|((changes, links), code)| {
                    let (barrier, base, mark) = (&barrier, &base, &mark);
                    s.spawn(move || -> Result<DeskRun, String> {
                        let desk = SimDesk::enrol(base, code)?;
                        mark(barrier.wait().is_leader());
                        let push = desk.push_day(changes, links, batch)?;
                        mark(barrier.wait().is_leader());
                        let (pull, pulled) = desk.pull_all()?;
                        Ok(DeskRun { push, pull, pulled })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let marks = marks.into_inner().unwrap();
        let (start, pushed) = (marks[0], marks[1]);
        let total = start.elapsed();
        // A desk back after a day offline while the others are idle.
        let lone = (|| -> Result<DeskRun, String> {
            let desk = SimDesk::enrol(&base, &codes[desks])?;
            let (changes, links) = &work[desks];
            let push = desk.push_day(changes, links, batch)?;
            let (pull, pulled) = desk.pull_all()?;
            Ok(DeskRun { push, pull, pulled })
        })();
        (runs, lone, pushed - start, total)
    })
    .await?;
    server.abort();
    let runs: Vec<DeskRun> = runs.into_iter().collect::<Result<_, _>>()?;
    let lone = lone?;

    let total_changes = desks * changes;
    let pushes: Vec<Duration> = runs.iter().flat_map(|r| r.push.clone()).collect();
    let pulls: Vec<Duration> = runs.iter().flat_map(|r| r.pull.clone()).collect();
    let syncs: Vec<Duration> = runs.iter().map(DeskRun::sync).collect();
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
        "  total time (from enrolled to every desk pushed and pulled): {:.2} s",
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
        "  a desk's sync after a day offline, all {desks} at once (its push + its estate's pull): p95 {}, max {}",
        ms(p95(syncs.clone())),
        ms(syncs.iter().max().copied().unwrap_or_default())
    );
    println!(
        "  a desk's sync after a day offline, the others idle: {} (push {} in {} requests, pull {} changes in {})",
        ms(lone.sync()),
        ms(lone.push.iter().sum()),
        lone.push.len(),
        lone.pulled,
        ms(lone.pull.iter().sum())
    );
    println!(
        "  PostgreSQL: {stored} changes stored; log + current rows + audit = {:.2} GiB per 1,000,000 changes (log alone {:.2} GiB; whole database {:.2} GiB per 1,000,000)",
        per_million(bytes),
        per_million(log_bytes),
        per_million(db_bytes)
    );
    Ok(())
}
