//! The PostgreSQL side: the connection pool and the embedded, numbered schema migrations.
//!
//! Invariants: migrations are applied in one transaction under an advisory lock (several server
//! instances starting at once apply each exactly once); a database whose schema is newer than this
//! binary knows is refused rather than written to.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::NoTls;

/// The embedded migrations, numbered from 1 without gaps.
const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../migrations/0001_init.sql"))];

/// The advisory lock key of schema changes ("fdsv" "mig").
const MIGRATE_LOCK: i64 = 0x0066_6473_766d_6967;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL: {0}")]
    Url(String),
    #[error("database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("database pool: {0}")]
    Build(#[from] deadpool_postgres::BuildError),
    #[error("the database schema is version {found}, newer than this server's {known}: upgrade the server")]
    NewerSchema { found: i32, known: i32 },
}

/// A pool of at most `size` connections. Opening a connection gives up after 5 s, so a database
/// that is down turns into `503 unavailable` quickly rather than a hung desk; waiting for a free
/// connection under load may take up to 30 s (then 503 too).
pub fn pool(url: &str, size: usize) -> Result<Pool, DbError> {
    let mut cfg = tokio_postgres::Config::from_str(url).map_err(|e| DbError::Url(e.to_string()))?;
    cfg.connect_timeout(Duration::from_secs(5));
    if cfg.get_application_name().is_none() {
        cfg.application_name("frontdesk-server");
    }
    let manager = Manager::from_config(
        cfg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(30)))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .build()?)
}

/// Brings the schema up to this binary's version; returns (version before, version after).
pub async fn migrate(pool: &Pool) -> Result<(i32, i32), DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS server_schema (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM server_schema", &[])
        .await?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if found > known {
        return Err(DbError::NewerSchema { found, known });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO server_schema (version) VALUES ($1)",
            &[version],
        )
        .await?;
        tracing::info!(version, "schema migration applied");
    }
    tx.commit().await?;
    Ok((found, known))
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_numbered_without_gaps() {
        for (i, (v, _)) in super::MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
        }
    }
}
