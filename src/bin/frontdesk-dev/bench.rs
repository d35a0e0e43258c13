//! `frontdesk-dev bench`: the speed figures the core promises, printed (never asserted in tests).
//!
//! It builds a throw-away database in a temporary directory, bulk-imports generated intakes through
//! the same `intake::import` the CLI uses, then times search for 1-, 2-, 4- and 8-character Chinese
//! queries (newest-50 page) against the same queries as a plain `LIKE '%…%'` scan.

use std::time::Instant;

use chrono::Duration;
use frontdesk::{demo, estate, intake, search, setup, time, Actor, Result, Store};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Intakes to import.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Rows per import transaction.
    #[arg(long, default_value_t = 100_000)]
    batch: usize,
    /// Queries timed per query length.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// LIKE scans timed per query length (they are slow).
    #[arg(long, default_value_t = 10)]
    like_queries: usize,
}

pub fn run(a: &BenchArgs) -> Result<serde_json::Value> {
    let dir = std::env::temp_dir().join(format!("frontdesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.sqlite3");
    let out = bench(a, &path);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn bench(a: &BenchArgs, path: &std::path::Path) -> Result<serde_json::Value> {
    let mut store = Store::open(path)?;
    let (e, actor, units) = bench_desk(&mut store)?;
    let mut rng = fastrand::Rng::with_seed(7);
    println!(
        "bench: importing {} intakes in batches of {} …",
        a.rows, a.batch
    );
    let start_time = store.now() - Duration::days(365 * 3);
    let step = Duration::days(365 * 3).num_seconds() / a.rows.max(1) as i64;
    let mut import_secs = 0.0;
    let mut done = 0;
    while done < a.rows {
        let n = a.batch.min(a.rows - done);
        let inputs: Vec<intake::IntakeInput> = (done..done + n)
            .map(|i| {
                let at = time::to_db(start_time + Duration::seconds(step * i as i64));
                demo::random_intake(&mut rng, &units, &at)
            })
            .collect();
        let t = Instant::now();
        store.write(&actor, |w| intake::import(w, &e.id, &inputs))?;
        import_secs += t.elapsed().as_secs_f64();
        done += n;
    }
    let rows_per_s = a.rows as f64 / import_secs;
    println!(
        "bulk import: {} rows in {:.1} s = {:.0} rows/s (target ≥ 300000)",
        a.rows, import_secs, rows_per_s
    );

    // Queries: substrings of stored contents, so every query has hits, as at the desk.
    let contents: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT content FROM intakes ORDER BY random() LIMIT 2000")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut results = Vec::new();
    for len in [1usize, 2, 4, 8] {
        let queries: Vec<String> = (0..a.queries)
            .filter_map(|_| {
                let chars: Vec<char> = search::normalise(&contents[rng.usize(..contents.len())]);
                (chars.len() >= len).then(|| {
                    let at = rng.usize(..=chars.len() - len);
                    chars[at..at + len].iter().collect()
                })
            })
            .collect();
        let mut fts = Vec::new();
        let mut hits = 0;
        for q in &queries {
            let t = Instant::now();
            hits += search::search(store.conn(), &e.id, q, None, 50)?.len();
            fts.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut like = Vec::new();
        for q in queries.iter().take(a.like_queries) {
            let t = Instant::now();
            let mut stmt = store.conn().prepare_cached(
                "SELECT id FROM intakes WHERE content LIKE '%' || ?1 || '%' ORDER BY received_at DESC LIMIT 50",
            )?;
            let n = stmt.query_map([q], |_| Ok(()))?.count();
            std::hint::black_box(n);
            like.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p95) = (percentile(&mut fts, 50.0), percentile(&mut fts, 95.0));
        let (l50, l95) = (percentile(&mut like, 50.0), percentile(&mut like, 95.0));
        println!(
            "search {len} char(s): p50 {p50:.2} ms, p95 {p95:.2} ms (target ≤ 10), avg hits {:.1}; LIKE p50 {l50:.1} ms, p95 {l95:.1} ms; LIKE/index p50 ratio {:.0}×",
            hits as f64 / queries.len().max(1) as f64,
            l50 / p50.max(1e-6)
        );
        results.push(serde_json::json!({
            "chars": len, "p50_ms": p50, "p95_ms": p95, "like_p50_ms": l50, "like_p95_ms": l95,
            "ratio_p50": l50 / p50.max(1e-6),
        }));
    }
    let size = std::fs::metadata(path)?.len();
    println!(
        "database size: {:.0} MB for {} intakes",
        size as f64 / 1e6,
        a.rows
    );
    Ok(serde_json::json!({
        "rows": a.rows, "import_seconds": import_secs, "rows_per_second": rows_per_s,
        "search": results, "database_bytes": size,
    }))
}

/// The benchmarks' estate (基准花园, login `bench`) with 2,400 units, signed in: the estate, the
/// actor and the unit codes.
pub fn bench_desk(store: &mut Store) -> Result<(estate::Estate, Actor, Vec<String>)> {
    let e = setup::init(store, "基准花园", "BM", None, "bench", "基准", "bench-pass")?;
    let actor = frontdesk::auth::login(store, "bench", "bench-pass")?;
    let units: Vec<String> = (1..=20)
        .flat_map(|b| {
            (1..=4).flat_map(move |u| {
                (1..=30).map(move |r| format!("{b}-{u}-{}{:02}", r / 2 + 1, r % 2 + 1))
            })
        })
        .collect();
    store.write(&Actor::system(), |w| {
        for u in &units {
            estate::add_unit(w, &e.id, u, None)?;
        }
        Ok(())
    })?;
    Ok((e, actor, units))
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i]
}
