//! The audit log: append-only and hash-chained, one chain per desk (`desk_id`; this desk's own
//! chain is `''`, entries of other desks keep theirs, see docs/sync.md).
//!
//! Each entry's hash covers its own fields and the previous entry's hash of the same desk, so changing, removing or
//! inserting an entry anywhere breaks every later link; [`verify_audit_chain`] finds the first one
//! and [`describe`] names it as a person reads it (its number, when, who, what, and the record
//! by its human number).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::time;

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
    /// The entry's SHA-256 over its link and every field (not `seq`), lowercase hex: the one
    /// hash of the audit chain, shared with the sync server ([`frontdesk_sync_proto::chain_hash`]).
    pub fn compute_hash(&self) -> String {
        frontdesk_sync_proto::chain_hash(
            &self.prev_hash,
            &self.at,
            &self.actor_id,
            &self.actor_name,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.detail,
        )
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

/// Walks each desk's chain (this desk's own is desk `''`) and reports the first entry, in the
/// order written, whose link or hash is wrong.
pub fn verify_audit_chain(conn: &Connection) -> Result<ChainCheck> {
    let mut stmt = conn.prepare(&format!("{} ORDER BY seq", select(conn)?))?;
    let mut rows = stmt.query([])?;
    let mut prev: std::collections::HashMap<String, String> = Default::default();
    let mut entries = 0;
    while let Some(r) = rows.next()? {
        entries += 1;
        let e = entry_row(r)?;
        let desk: String = r.get(10)?;
        let before = prev.entry(desk).or_default();
        if e.prev_hash != *before || e.compute_hash() != e.hash {
            return Ok(ChainCheck {
                entries,
                first_broken: Some(e.seq),
            });
        }
        *before = e.hash;
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
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, detail, prev_hash, hash,
    desk_id FROM audit_log";

/// The same for a database from before sync (a backup an older FrontDesk made, or the file a
/// newer one backs up before migrating it): one chain, this desk's.
const SELECT_BEFORE_SYNC: &str =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, detail, prev_hash, hash,
    '' AS desk_id FROM audit_log";

/// The entries' query for this database's schema: a backup file is read as it is, unmigrated.
fn select(conn: &Connection) -> Result<&'static str> {
    let per_desk: i64 = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'desk_id'",
        [],
        |r| r.get(0),
    )?;
    Ok(if per_desk > 0 {
        SELECT
    } else {
        SELECT_BEFORE_SYNC
    })
}

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

/// The kinds of record the audit log names, in words, with the query for the record's human
/// name (its number, or what identifies it) from its id.
const RECORDS: &[(&str, &str, &str)] = &[
    ("intake", "登记", "SELECT no FROM intakes WHERE id = ?1"),
    (
        "complaint",
        "投诉",
        "SELECT no FROM complaints WHERE id = ?1",
    ),
    ("slip", "协调单", "SELECT no FROM slips WHERE id = ?1"),
    (
        "repair",
        "维修单",
        "SELECT no FROM repair_orders WHERE id = ?1",
    ),
    (
        "customer",
        "客户",
        "SELECT c.name || '（' || u.code || '）' FROM customers c
         JOIN units u ON u.id = c.unit_id WHERE c.id = ?1",
    ),
    (
        "vip_card",
        "VIP卡",
        "SELECT card_no FROM vip_cards WHERE id = ?1",
    ),
    (
        "staff",
        "员工",
        "SELECT name || '（' || login || '）' FROM staff WHERE id = ?1",
    ),
    ("unit", "房号", "SELECT code FROM units WHERE id = ?1"),
    (
        "department",
        "部门",
        "SELECT name FROM departments WHERE id = ?1",
    ),
    ("estate", "管理处", "SELECT name FROM estates WHERE id = ?1"),
    (
        "price_item",
        "收费项目",
        "SELECT code || ' ' || name FROM price_items WHERE id = ?1",
    ),
    (
        "calendar_day",
        "工作日历",
        "SELECT date FROM calendar_days WHERE id = ?1",
    ),
    (
        "complaint_issue",
        "同一问题",
        "SELECT title FROM complaint_issues WHERE id = ?1",
    ),
    (
        "complaint_attempt",
        "沟通记录",
        "SELECT '投诉 ' || c.no FROM complaint_attempts a
         JOIN complaints c ON c.id = a.complaint_id WHERE a.id = ?1",
    ),
    (
        "followup",
        "回访",
        "SELECT coalesce((SELECT '投诉 ' || no FROM complaints WHERE id = f.subject_id),
                         (SELECT '维修单 ' || no FROM repair_orders WHERE id = f.subject_id))
         FROM followups f WHERE f.id = ?1",
    ),
    (
        "escalation",
        "升级上报",
        "SELECT '投诉 ' || c.no FROM escalations e
         JOIN complaints c ON c.id = e.subject_id WHERE e.id = ?1",
    ),
];

/// A record as a person names it: `投诉 LH-TS2026-0012`, `客户 张伟（3-2-1201）`. A kind without a
/// human name, or a record that is not (or no longer) there: the kind and the id's first 8
/// characters.
pub fn record_name(conn: &Connection, entity: &str, id: &str) -> Result<String> {
    let Some((_, label, sql)) = RECORDS.iter().find(|(e, _, _)| *e == entity) else {
        return Ok(format!("{entity}（编号 {}）", short_id(id)));
    };
    let name: Option<Option<String>> = conn
        .prepare_cached(sql)?
        .query_row(params![id], |r| r.get(0))
        .optional()?;
    Ok(match name.flatten() {
        Some(n) => format!("{label} {n}"),
        None => format!("{label}（编号 {}）", short_id(id)),
    })
}

fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Entry `seq` in words: `第 3492 条（2026-11-23 09:00，李前台，修改 投诉 LH-TS2026-0012）`. The
/// entry's own fields are shown as stored, even where the entry is the one that was altered.
pub fn describe(conn: &Connection, seq: i64) -> Result<String> {
    let entry = conn
        .prepare_cached(&format!("{} WHERE seq = ?1", select(conn)?))?
        .query_row(params![seq], entry_row)
        .optional()?;
    let Some(e) = entry else {
        return Ok(format!("第 {seq} 条（该条已不存在）"));
    };
    let at = time::from_db(&e.at)
        .map(|t| {
            t.with_timezone(&time::beijing())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or(e.at.clone());
    let action = match e.action.as_str() {
        "insert" => "新增",
        "update" => "修改",
        "void" => "作废",
        other => other,
    };
    Ok(format!(
        "第 {seq} 条（{at}，{}，{action} {}）",
        e.actor_name,
        record_name(conn, &e.entity, &e.entity_id)?
    ))
}
