//! `frontdesk-server`: the company's system of record for FrontDesk desks, over PostgreSQL.
//!
//! Stateless: every instance holds only a connection pool; all state (desks, the change log, the
//! current rows, the audit chains) is in PostgreSQL, so any number of instances can serve behind a
//! load balancer. See docs/sync-server.md.
//!
//! Commands: `serve`, `migrate`, `code` (issue a one-time enrolment code), `desks` (list), `bench`.

mod bench;
mod db;
mod enrol;
mod error;
mod http;
mod pull;
mod push;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "frontdesk-server",
    version,
    about = "FrontDesk sync server over PostgreSQL"
)]
struct Cli {
    /// postgres://user:password@host:port/database
    #[arg(
        long,
        global = true,
        env = "FRONTDESK_SERVER_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply the schema migrations, then serve HTTP.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: String,
        /// Connections to PostgreSQL held by this instance.
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
    },
    /// Apply the schema migrations and exit.
    Migrate,
    /// Issue a one-time enrolment code for one or more estates; prints the code.
    Code {
        /// The estate's UUID (repeat for several).
        #[arg(long = "estate", required = true)]
        estates: Vec<String>,
        /// A read-only desk (the head office).
        #[arg(long)]
        read_only: bool,
        #[arg(long, default_value_t = 72)]
        expires_hours: u32,
    },
    /// List the enrolled desks.
    Desks,
    /// Simulated desks pushing a day of work each and pulling their estate's (prints figures).
    Bench {
        #[arg(long, default_value_t = 100)]
        desks: usize,
        #[arg(long, default_value_t = 300)]
        changes: usize,
        /// Desks per estate (they pull each other's work).
        #[arg(long, default_value_t = 4)]
        desks_per_estate: usize,
        /// Changes per push request.
        #[arg(long, default_value_t = 300)]
        batch: usize,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let Some(url) = cli.database_url.clone() else {
        eprintln!("frontdesk-server: --database-url or FRONTDESK_SERVER_DATABASE_URL is required");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command, &url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk-server: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn run(command: Command, url: &str) -> Result<(), BoxError> {
    match command {
        Command::Serve { listen, pool_size } => {
            let pool = db::pool(url, pool_size)?;
            db::migrate(&pool).await?;
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            let addr = listener.local_addr()?;
            // The one line on stdout: where we listen (tests read it to find a --listen :0 port).
            println!("listening {addr}");
            tracing::info!(%addr, "serving");
            axum::serve(listener, http::router(pool))
                .with_graceful_shutdown(shutdown())
                .await?;
        }
        Command::Migrate => {
            let (before, after) = db::migrate(&db::pool(url, 1)?).await?;
            println!("schema version {after} (was {before})");
        }
        Command::Code {
            estates,
            read_only,
            expires_hours,
        } => {
            let mut ids = Vec::new();
            for e in &estates {
                let id =
                    uuid::Uuid::try_parse(e).map_err(|_| format!("--estate {e}: not a UUID"))?;
                ids.push(id.hyphenated().to_string());
            }
            // A desk that writes numbers and events for one estate (the desk's events carry
            // its one write estate); only the head office reads many.
            if ids.len() > 1 && !read_only {
                return Err(
                    "a desk writes for one estate: give one --estate, or --read-only for a head office of several"
                        .into(),
                );
            }
            if !(1..=24 * 366).contains(&expires_hours) {
                return Err("--expires-hours: from 1 to 8784 (a year)".into());
            }
            let pool = db::pool(url, 1)?;
            db::migrate(&pool).await?;
            let client = pool.get().await?;
            println!(
                "{}",
                enrol::issue_code(&client, &ids, read_only, expires_hours).await?
            );
        }
        Command::Desks => {
            let pool = db::pool(url, 1)?;
            db::migrate(&pool).await?;
            let client = pool.get().await?;
            let rows = client
                .query(
                    "SELECT d.desk_id, d.desk_name, d.desk_prefix, d.acked_through,
                            d.audit_through, to_char(d.enrolled_at AT TIME ZONE 'UTC',
                            'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                            string_agg(e.estate_id || ':' || e.access, ' ' ORDER BY e.estate_id)
                     FROM desks d LEFT JOIN desk_estates e USING (desk_id)
                     GROUP BY d.desk_id ORDER BY d.enrolled_at",
                    &[],
                )
                .await?;
            println!("desk_id\tname\tprefix\tacked\taudit\tenrolled\testates");
            for r in rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.get::<_, String>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, i64>(3),
                    r.get::<_, i64>(4),
                    r.get::<_, String>(5),
                    r.get::<_, Option<String>>(6).unwrap_or_default()
                );
            }
        }
        Command::Bench {
            desks,
            changes,
            desks_per_estate,
            batch,
        } => {
            bench::run(url, desks, changes, desks_per_estate, batch).await?;
        }
    }
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
