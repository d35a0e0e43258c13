//! The schema: migrations applied once, again a no-op, a newer schema refused.

use crate::common::*;
use std::process::Command;

fn migrate(db: &str) -> std::process::Output {
    Command::new(BIN)
        .arg("migrate")
        .env("FRONTDESK_SERVER_DATABASE_URL", db)
        .output()
        .unwrap()
}

#[test]
fn migrations_apply_once_and_a_newer_schema_is_refused() {
    let db = fresh_db!();
    let first = migrate(&db);
    assert!(first.status.success());
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        "schema version 1 (was 0)"
    );
    let again = migrate(&db);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "schema version 1 (was 1)"
    );

    exec(&db, "INSERT INTO server_schema (version) VALUES (99)");
    let newer = migrate(&db);
    assert!(!newer.status.success());
    assert!(
        String::from_utf8_lossy(&newer.stderr).contains("newer"),
        "{newer:?}"
    );
    let serve = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("FRONTDESK_SERVER_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(!serve.status.success(), "serve refuses a newer schema too");
}
