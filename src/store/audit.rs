//! The audit log: append-only and hash-chained.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing, removing or
//! inserting an entry anywhere breaks every later link; [`verify_audit_chain`] finds the first one.

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// One audit entry as stored.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    /// `insert`, `update`, `void`, or an operation's own word (`login`, `import`…).
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON: the record (insert), `{field: [before, after]}` (update), `{reason}` (void).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The entry's SHA-256 over its link and every field (not `seq`), lowercase hex.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            &self.prev_hash,
            &self.at,
            &self.actor_id,
            &self.actor_name,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.detail,
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in h.finalize() {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        out
    }
}

/// The field-level difference between two JSON objects: `{field: [before, after]}`.
pub(crate) fn diff(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&serde_json::Value::Null);
        if bv != av {
            out.insert(k.clone(), serde_json::json!([bv, av]));
        }
    }
    for (k, bv) in b {
        if !a.contains_key(k) {
            out.insert(k.clone(), serde_json::json!([bv, null]));
        }
    }
    serde_json::Value::Object(out)
}

/// What walking the chain found.
#[derive(Clone, Debug, Serialize)]
pub struct ChainCheck {
    pub entries: i64,
    pub first_broken: Option<i64>,
}

/// Walks the whole audit log in order and reports the first entry whose link or hash is wrong.
pub fn verify_audit_chain(conn: &Connection) -> Result<ChainCheck> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut prev = String::new();
    let mut entries = 0;
    while let Some(r) = rows.next()? {
        entries += 1;
        let e = entry_row(r)?;
        if e.prev_hash != prev || e.compute_hash() != e.hash {
            return Ok(ChainCheck {
                entries,
                first_broken: Some(e.seq),
            });
        }
        prev = e.hash;
    }
    Ok(ChainCheck {
        entries,
        first_broken: None,
    })
}

/// The audit entries for one record, oldest first.
pub fn history(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([entity, entity_id], entry_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const SELECT: &str =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, detail, prev_hash, hash
    FROM audit_log";

fn entry_row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_id: r.get(2)?,
        actor_name: r.get(3)?,
        action: r.get(4)?,
        entity: r.get(5)?,
        entity_id: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}
