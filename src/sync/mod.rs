//! Sync with `frontdesk-server` (#19, docs/sync.md): the desk stays the complete SQLite desk it is;
//! what it writes is pushed in batches, what other desks wrote is pulled and applied.
//!
//! The core knows no network: [`run`] talks through a [`Transport`] (`frontdesk-sync-client` over
//! HTTP, an in-memory server in the tests). The pieces, each its own transaction:
//! [`enrol`] (once: the desk's id, prefix and credential, and a snapshot of its whole register into
//! the outbox), [`pending`] (the next batch to push), [`acknowledge`] (drop what the server holds,
//! set aside what it refused), [`apply`] (pulled changes, in server order), [`status`],
//! [`refused`], [`settle`] (a supervisor marks a change set aside as dealt with).
//!
//! Invariants:
//! - The outbox is filled by the capture triggers ([`capture`]) in the transaction of the change
//!   itself; nothing written after enrolment can miss the server.
//! - A pulled change is checked against this desk's grants (an estate it syncs) and its schema (a
//!   known synced table, known synced columns, scalar values) and never trusted: one that fails, or that SQLite refuses (a unique number
//!   taken, a missing parent), is set aside in `sync_refused` with the reason and the rest goes
//!   on. The same holds for a change the server refuses on push.
//! - Pulled changes apply field by field in server order (last writer wins) with capture off,
//!   except fields this desk has changed and not yet pushed: those keep the desk's value, which
//!   wins when it is pushed (it comes later in server order). Applying a reply twice changes
//!   nothing (changes up to the cursor are skipped, equal values are not written).
//! - Offline is normal: a run that cannot reach the server changes nothing and says so.
//! - Sync bookkeeping (outbox, cursors, set-aside list) is not audited (an audit entry per push
//!   would itself need pushing); enrolment and each applied pull batch are.

pub mod capture;

use std::collections::{BTreeMap, BTreeSet};

use frontdesk_sync_proto::{
    Access, AuditLink, EnrolReply, EnrolRequest, PullReply, PullRequest, PushReply, PushRequest,
    RowChange, RowOp, Transport, TransportError, PROTOCOL,
};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::search;
use crate::store::{Store, Write};
use crate::Actor;

/// Changes (and audit links) per push.
pub const PUSH_BATCH: usize = 500;
/// Changes per pull.
pub const PULL_BATCH: u32 = 1000;

/// The refusal of every sync operation on a desk that has not been enrolled.
pub fn not_enrolled() -> Error {
    Error::State(
        "本机尚未加入同步：请主管先运行 frontdesk sync enrol --server 地址 --code 加入码 --name 本机名称"
            .into(),
    )
}

/// Enrols this desk with the server's reply (a supervisor, or the program itself on an empty
/// desk): its id, prefix, credential and estates. Every row
/// the desk already holds goes into the outbox as an insert (parents first), so the first push
/// uploads its whole register; from now on every change is captured as it is written.
pub fn enrol(
    store: &mut Store,
    actor: &Actor,
    reply: &EnrolReply,
    server_url: &str,
    desk_name: &str,
) -> Result<()> {
    actor.require(crate::auth::SUPERVISORS, "为本机加入同步")?;
    if state(store.conn())?.is_some() {
        return Err(Error::State("本机已加入同步，不能重复加入".into()));
    }
    store.write(actor, |w| {
        w.tx.execute(
            "INSERT INTO sync_state(id, desk_id, desk_name, desk_prefix, server_url, token,
                                    capture, enrolled_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 0, ?6)",
            params![
                reply.desk_id,
                desk_name,
                reply.desk_prefix,
                server_url,
                reply.token,
                w.now_db
            ],
        )?;
        for g in &reply.estates {
            w.tx.execute(
                "INSERT INTO sync_estates(estate_id, access) VALUES (?1, ?2)",
                params![g.estate_id, access_word(g.access)],
            )?;
        }
        let rows = capture::snapshot(&w.tx)?;
        w.tx.execute("UPDATE sync_state SET capture = 1", [])?;
        w.audit(
            "sync_enrol",
            "sync",
            &reply.desk_id,
            serde_json::json!({
                "server": server_url,
                "desk_name": desk_name,
                "desk_prefix": reply.desk_prefix,
                "estates": reply.estates.iter().map(|g| &g.estate_id).collect::<Vec<_>>(),
                "rows": rows,
            }),
        )
    })
}

/// Joins the company's sync: checks the form (server address, the one-time code, this desk's
/// name, each refused naming its field), asks the server through `ask` (the HTTP of
/// `frontdesk-sync-client`, or a test's), then [`enrol`]s with its reply. A desk with no estate yet
/// (a new computer of the office, whose first pull brings the register) is enrolled by the program
/// itself; a desk in use by a supervisor (`clerk`). Returns the server's reply.
pub fn join<A>(
    store: &mut Store,
    clerk: Option<&Actor>,
    server: &str,
    code: &str,
    desk_name: &str,
    ask: A,
) -> Result<EnrolReply>
where
    A: FnOnce(&str, &EnrolRequest) -> std::result::Result<EnrolReply, TransportError>,
{
    let server = server.trim().trim_end_matches('/');
    if !(server.starts_with("http://") || server.starts_with("https://")) || server.len() < 10 {
        return Err(Error::invalid(
            "server",
            "服务器地址",
            "请填写公司同步服务器的地址，如 https://sync.example.com",
        ));
    }
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::invalid(
            "code",
            "加入码",
            "请填写公司 IT 给的一次性加入码",
        ));
    }
    let desk_name =
        crate::validate::TextRule::text("name", "本机名称", 40).required(Some(desk_name))?;
    let fresh = crate::estate::estates(store.conn())?.is_empty();
    let actor = match (fresh, clerk) {
        (true, _) => Actor::system(),
        (false, Some(a)) => a.clone(),
        (false, None) => return Err(Error::SignedOut),
    };
    actor.require(crate::auth::SUPERVISORS, "为本机加入同步")?;
    if state(store.conn())?.is_some() {
        return Err(Error::State("本机已加入同步，不能重复加入".into()));
    }
    let request = EnrolRequest {
        protocol: PROTOCOL,
        code: code.to_string(),
        desk_name: desk_name.clone(),
    };
    let reply = ask(server, &request).map_err(|e| match e {
        TransportError::Unreachable(why) => Error::State(format!(
            "无法连接同步服务器（{why}）：请检查地址和网络后重试"
        )),
        TransportError::Refused(e) => Error::State(format!("同步服务器拒绝加入：{}", e.message)),
    })?;
    enrol(store, &actor, &reply, server, &desk_name)?;
    Ok(reply)
}

fn access_word(a: Access) -> &'static str {
    match a {
        Access::Write => "write",
        Access::Read => "read",
    }
}

/// The desk's enrolment as stored.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncState {
    pub desk_id: String,
    pub desk_name: String,
    pub desk_prefix: String,
    pub server_url: String,
    #[serde(skip)]
    pub token: String,
    pub pulled: i64,
    pub acked_through: i64,
    pub audit_through: i64,
    pub enrolled_at: String,
    pub last_sync_at: Option<String>,
    pub last_result: Option<String>,
}

/// The enrolment, `None` before [`enrol`].
pub fn state(conn: &Connection) -> Result<Option<SyncState>> {
    Ok(conn
        .prepare_cached(
            "SELECT desk_id, desk_name, desk_prefix, server_url, token, pulled, acked_through,
                    audit_through, enrolled_at, last_sync_at, last_result FROM sync_state",
        )?
        .query_row([], |r| {
            Ok(SyncState {
                desk_id: r.get(0)?,
                desk_name: r.get(1)?,
                desk_prefix: r.get(2)?,
                server_url: r.get(3)?,
                token: r.get(4)?,
                pulled: r.get(5)?,
                acked_through: r.get(6)?,
                audit_through: r.get(7)?,
                enrolled_at: r.get(8)?,
                last_sync_at: r.get(9)?,
                last_result: r.get(10)?,
            })
        })
        .optional()?)
}

/// What `frontdesk sync status` shows.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    /// `None`: not enrolled.
    pub state: Option<SyncState>,
    /// The estates the credential covers: (estate id, `write` or `read`).
    pub estates: Vec<(String, String)>,
    /// Changes waiting to be pushed.
    pub pending_changes: i64,
    /// Audit entries of this desk's chain the server does not hold yet.
    pub pending_audit: i64,
    /// Changes set aside (refused on push or not applicable on pull) and not yet settled.
    pub refused: i64,
    /// One line for the desk's side bar; `None` when the desk is not enrolled.
    pub summary: Option<String>,
}

impl SyncStatus {
    fn summary_line(&self) -> Option<String> {
        let state = self.state.as_ref()?;
        let waiting = if self.pending_changes > 0 {
            format!("，{} 条待上传", self.pending_changes)
        } else {
            String::new()
        };
        Some(if self.refused > 0 {
            format!("同步：{} 条未能同步，请主管查看{waiting}", self.refused)
        } else if state
            .last_result
            .as_deref()
            .is_some_and(|r| r.starts_with("offline"))
        {
            format!("同步：离线{waiting}")
        } else if let Some(at) = state
            .last_sync_at
            .as_deref()
            .and_then(|a| crate::time::from_db(a).ok())
        {
            let local = at.with_timezone(&crate::time::beijing());
            format!("同步：{} 已同步{waiting}", local.format("%m-%d %H:%M"))
        } else {
            format!("同步：尚未同步{waiting}")
        })
    }
}

/// Enrolment, cursors, what waits to be pushed, what was set aside.
pub fn status(store: &Store) -> Result<SyncStatus> {
    let conn = store.conn();
    let state = state(conn)?;
    let count = |sql: &str, p: &[i64]| -> Result<i64> {
        Ok(conn.query_row(sql, rusqlite::params_from_iter(p), |r| r.get(0))?)
    };
    let audit_through = state.as_ref().map_or(0, |s| s.audit_through);
    let mut status = SyncStatus {
        estates: conn
            .prepare("SELECT estate_id, access FROM sync_estates ORDER BY estate_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?,
        pending_changes: count("SELECT count(*) FROM sync_outbox", &[])?,
        pending_audit: if state.is_some() {
            count(
                "SELECT count(*) FROM audit_log WHERE desk_id = '' AND chain_seq > ?1",
                &[audit_through],
            )?
        } else {
            0
        },
        refused: count(
            "SELECT count(*) FROM sync_refused WHERE settled_at IS NULL",
            &[],
        )?,
        state,
        summary: None,
    };
    status.summary = status.summary_line();
    Ok(status)
}

/// One change set aside, for a supervisor.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefusedChange {
    /// The set-aside entry's number on this desk (what [`settle`] takes).
    pub id: i64,
    /// `push` (the server refused this desk's change) or `pull` (this desk could not apply it).
    pub direction: String,
    /// The desk's `desk_seq` (push) or the server's `server_seq` (pull).
    pub seq: i64,
    pub estate_id: String,
    pub table: String,
    /// What the table holds, in words ([`capture::table_label`]).
    pub table_label: String,
    pub row_id: String,
    pub op: String,
    pub fields: String,
    pub at: String,
    pub reason: String,
    pub refused_at: String,
    /// When a supervisor settled it ([`settle`]), who, and how.
    pub settled_at: Option<String>,
    pub settled_by: Option<String>,
    pub settle_note: Option<String>,
}

/// Every change set aside, the unsettled first, newest first (supervisors: the fields may hold
/// anything).
pub fn refused(store: &Store, viewer: &Actor) -> Result<Vec<RefusedChange>> {
    viewer.require(crate::auth::SUPERVISORS, "查看未同步的更改")?;
    Ok(store
        .conn()
        .prepare(
            "SELECT r.id, direction, seq, r.estate_id, tbl, row_id, op, fields, at, reason,
                    refused_at, settled_at, s.name, settle_note
             FROM sync_refused r LEFT JOIN staff s ON s.id = r.settled_by
             ORDER BY settled_at IS NOT NULL, r.id DESC",
        )?
        .query_map([], |r| {
            Ok(RefusedChange {
                id: r.get(0)?,
                direction: r.get(1)?,
                seq: r.get(2)?,
                estate_id: r.get(3)?,
                table: r.get(4)?,
                table_label: capture::table_label(&r.get::<_, String>(4)?).to_string(),
                row_id: r.get(5)?,
                op: r.get(6)?,
                fields: r.get(7)?,
                at: r.get(8)?,
                reason: r.get(9)?,
                refused_at: r.get(10)?,
                settled_at: r.get(11)?,
                settled_by: r.get(12)?,
                settle_note: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

const SETTLE_NOTE: crate::validate::TextRule =
    crate::validate::TextRule::text("note", "处理说明", 500);

/// Settles the change set aside as `id` (supervisors), with a note of how (voided the duplicate,
/// saved the policy again…): it stays listed with who settled it and when, and no longer counts
/// as waiting. The desk's own bookkeeping, so a read-only desk settles too ([`Store::write_own`]);
/// audited.
pub fn settle(store: &mut Store, actor: &Actor, id: i64, note: Option<&str>) -> Result<()> {
    actor.require(crate::auth::SUPERVISORS, "处理未同步的更改")?;
    let note = SETTLE_NOTE.required(note)?;
    store.write_own(actor, |w| {
        let settled: Option<Option<String>> =
            w.tx.query_row(
                "SELECT settled_at FROM sync_refused WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match settled {
            None => return Err(Error::not_found("未同步的更改", id.to_string())),
            Some(Some(_)) => return Err(Error::State(format!("未同步的更改 {id} 已处理过"))),
            Some(None) => {}
        }
        w.tx.execute(
            "UPDATE sync_refused SET settled_at = ?2, settled_by = ?3, settle_note = ?4
             WHERE id = ?1",
            params![id, w.now_db, w.actor.staff_id, note],
        )?;
        w.audit(
            "sync_settled",
            "sync_refused",
            &id.to_string(),
            serde_json::json!({ "note": note }),
        )
    })
}

/// Why this desk's database would not take a pulled change to `table`, in words for a
/// supervisor.
fn refusal_words(e: &rusqlite::Error, table: &str) -> String {
    use rusqlite::ffi;
    let detail = e.to_string();
    let columns = detail.rsplit_once(": ").map_or("", |(_, c)| c);
    match e.sqlite_error().map(|f| f.extended_code) {
        Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
            format!(
                "与本机已有的{}重复（{columns}），保留本机的；请核对后处理",
                capture::table_label(table)
            )
        }
        Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => {
            "所属的上级记录本机没有（它本身也未能同步），请先处理那一条".into()
        }
        _ => format!("本机数据库拒绝：{detail}"),
    }
}

fn op_word(op: RowOp) -> &'static str {
    match op {
        RowOp::Insert => "insert",
        RowOp::Update => "update",
    }
}

/// The next batch to push: up to `limit` outbox changes and `limit` links of this desk's audit
/// chain, oldest first.
pub fn pending(store: &Store, limit: usize) -> Result<PushRequest> {
    let conn = store.conn();
    let state = state(conn)?.ok_or_else(not_enrolled)?;
    let changes = conn
        .prepare_cached(
            "SELECT desk_seq, estate_id, tbl, row_id, op, fields, at FROM sync_outbox
             ORDER BY desk_seq LIMIT ?1",
        )?
        .query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(desk_seq, estate_id, table, row_id, op, fields, at)| {
            Ok(RowChange {
                desk_seq,
                estate_id,
                table,
                row_id,
                op: if op == "insert" {
                    RowOp::Insert
                } else {
                    RowOp::Update
                },
                fields: serde_json::from_str(&fields)?,
                at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let audit = conn
        .prepare_cached(
            "SELECT chain_seq, at, actor_id, actor_name, action, entity, entity_id, detail,
                    prev_hash, hash
             FROM audit_log WHERE desk_id = '' AND chain_seq > ?1 ORDER BY chain_seq LIMIT ?2",
        )?
        .query_map(params![state.audit_through, limit as i64], |r| {
            Ok(AuditLink {
                chain_seq: r.get(0)?,
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
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(PushRequest {
        protocol: PROTOCOL,
        changes,
        audit,
    })
}

/// Takes the server's reply to `request`: changes it refused go to the set-aside list with its
/// reason, everything up to its `acked_through` leaves the outbox, the cursors move on.
pub fn acknowledge(store: &mut Store, request: &PushRequest, reply: &PushReply) -> Result<()> {
    store.write(&Actor::system(), |w| {
        for r in &reply.refused {
            let Some(c) = request.changes.iter().find(|c| c.desk_seq == r.desk_seq) else {
                continue;
            };
            set_aside(w, "push", r.desk_seq, c, &r.reason)?;
        }
        w.tx.execute(
            "DELETE FROM sync_outbox WHERE desk_seq <= ?1",
            [reply.acked_through],
        )?;
        w.tx.execute(
            "UPDATE sync_state SET acked_through = max(acked_through, ?1),
                                   audit_through = max(audit_through, ?2)",
            params![reply.acked_through, reply.audit_through],
        )?;
        Ok(())
    })
}

fn set_aside(w: &Write, direction: &str, seq: i64, c: &RowChange, reason: &str) -> Result<()> {
    w.tx.prepare_cached(
        "INSERT INTO sync_refused(direction, seq, estate_id, tbl, row_id, op, fields, at, reason,
                                  refused_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        direction,
        seq,
        c.estate_id,
        c.table,
        c.row_id,
        op_word(c.op),
        serde_json::Value::Object(c.fields.clone()).to_string(),
        c.at,
        reason,
        w.now_db
    ])?;
    Ok(())
}

/// What one [`apply`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Applied {
    /// Changes that wrote something (a new row or a changed field).
    pub applied: i64,
    /// Changes that found everything as they say (this desk's own, echoed back; a repeat).
    pub unchanged: i64,
    /// Changes set aside.
    pub refused: i64,
}

/// Applies one pull reply in server order (see the module's invariants) and moves the cursor.
pub fn apply(store: &mut Store, reply: &PullReply) -> Result<Applied> {
    let state = state(store.conn())?.ok_or_else(not_enrolled)?;
    let mut changes: Vec<_> = reply
        .changes
        .iter()
        .filter(|c| c.server_seq > state.pulled)
        .collect();
    changes.sort_by_key(|c| c.server_seq);
    if changes.is_empty() && reply.cursor <= state.pulled {
        return Ok(Applied::default());
    }
    store.write(&Actor::system(), |w| {
        w.tx.execute("UPDATE sync_state SET capture = 0", [])?;
        let tables: BTreeMap<String, capture::Table> = capture::tables(&w.tx)?
            .into_iter()
            .map(|t| (t.name.clone(), t))
            .collect();
        let estates: BTreeSet<String> =
            w.tx.prepare("SELECT estate_id FROM sync_estates")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        let mut out = Applied::default();
        for sc in &changes {
            w.tx.execute_batch("SAVEPOINT sync_change")?;
            let applied = if estates.contains(&sc.change.estate_id) {
                apply_one(&w.tx, &tables, &sc.change)
            } else {
                Err(format!("本机无权同步该管理处：{}", sc.change.estate_id))
            }
            .and_then(|changed| {
                if changed {
                    // The search index is this desk's own: kept up to date for pulled records.
                    reindex(w, &sc.change.table, &sc.change.row_id)
                        .map_err(|e| format!("本机搜索索引更新失败：{e}"))?;
                }
                Ok(changed)
            });
            match applied {
                Ok(changed) => {
                    w.tx.execute_batch("RELEASE sync_change")?;
                    if changed {
                        out.applied += 1;
                    } else {
                        out.unchanged += 1;
                    }
                }
                Err(reason) => {
                    w.tx.execute_batch("ROLLBACK TO sync_change; RELEASE sync_change")?;
                    set_aside(w, "pull", sc.server_seq, &sc.change, &reason)?;
                    out.refused += 1;
                }
            }
        }
        let cursor = changes
            .iter()
            .map(|c| c.server_seq)
            .chain([reply.cursor, state.pulled])
            .max()
            .unwrap_or(state.pulled);
        w.tx.execute("UPDATE sync_state SET capture = 1, pulled = ?1", [cursor])?;
        if out.applied > 0 || out.refused > 0 {
            w.audit(
                "sync_pull",
                "sync",
                &state.desk_id,
                serde_json::json!({
                    "after": state.pulled, "cursor": cursor,
                    "applied": out.applied, "refused": out.refused,
                }),
            )?;
        }
        Ok(out)
    })
}

/// A JSON scalar as SQLite stores it.
fn sql_value(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64()?),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => return None,
    })
}

/// One pulled change; `Ok(false)` when it found everything as it says, `Err` the reason it is
/// set aside.
fn apply_one(
    conn: &Connection,
    tables: &BTreeMap<String, capture::Table>,
    c: &RowChange,
) -> std::result::Result<bool, String> {
    let table = tables
        .get(&c.table)
        .ok_or_else(|| format!("未知的表：{}", c.table))?;
    let mut fields = Vec::with_capacity(c.fields.len());
    for (col, v) in &c.fields {
        if !table.columns.contains(col) {
            return Err(format!("表 {} 没有可同步的字段：{col}", c.table));
        }
        let v = sql_value(v).ok_or_else(|| format!("字段 {col}：值不是单个数值或文字"))?;
        fields.push((col.as_str(), v));
    }
    let key: Vec<&str> = c.row_id.split(':').collect();
    if key.len() != table.key.len() || key.iter().any(|k| k.is_empty()) {
        return Err(format!("记录编号格式错误：{}", c.row_id));
    }
    let db = |e: rusqlite::Error| refusal_words(&e, &c.table);
    let key_where: Vec<String> = table
        .key
        .iter()
        .enumerate()
        .map(|(i, k)| format!("\"{k}\" = ?{}", i + 1))
        .collect();
    let key_where = key_where.join(" AND ");
    let cols: Vec<String> = fields.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let current: Option<Vec<Value>> = if cols.is_empty() {
        None
    } else {
        conn.prepare_cached(&format!(
            "SELECT {} FROM \"{}\" WHERE {key_where}",
            cols.join(", "),
            c.table
        ))
        .map_err(db)?
        .query_row(rusqlite::params_from_iter(&key), |r| {
            (0..cols.len()).map(|i| r.get(i)).collect()
        })
        .optional()
        .map_err(db)?
    };
    let exists = current.is_some()
        || conn
            .prepare_cached(&format!("SELECT 1 FROM \"{}\" WHERE {key_where}", c.table))
            .and_then(|mut s| s.exists(rusqlite::params_from_iter(&key)))
            .map_err(db)?;
    if !exists {
        if c.op == RowOp::Update {
            return Err("本机没有该记录（其新增未同步到本机）".into());
        }
        for k in &table.key {
            if !c.fields.contains_key(k) {
                return Err(format!("新增记录缺少字段：{k}"));
            }
        }
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        conn.prepare_cached(&format!(
            "INSERT INTO \"{}\" ({}) VALUES ({})",
            c.table,
            cols.join(", "),
            marks.join(", ")
        ))
        .and_then(|mut s| s.execute(rusqlite::params_from_iter(fields.iter().map(|(_, v)| v))))
        .map_err(db)?;
        return Ok(true);
    }
    // Fields changed here and not yet pushed keep this desk's value.
    let mut local: BTreeSet<String> = BTreeSet::new();
    let pending: Vec<String> = conn
        .prepare_cached("SELECT fields FROM sync_outbox WHERE tbl = ?1 AND row_id = ?2")
        .and_then(|mut s| {
            s.query_map(params![c.table, c.row_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(db)?;
    for f in pending {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&f) {
            local.extend(m.into_iter().map(|(k, _)| k));
        }
    }
    let current = current.unwrap_or_default();
    let changed: Vec<(&str, &Value)> = fields
        .iter()
        .zip(&current)
        .filter(|((col, v), now)| {
            !table.key.iter().any(|k| k == col) && !local.contains(*col) && v != *now
        })
        .map(|((col, v), _)| (*col, v))
        .collect();
    if changed.is_empty() {
        return Ok(false);
    }
    let sets: Vec<String> = changed
        .iter()
        .enumerate()
        .map(|(i, (col, _))| format!("\"{col}\" = ?{}", i + 1 + key.len()))
        .collect();
    let mut args: Vec<Value> = key.iter().map(|k| Value::Text(k.to_string())).collect();
    args.extend(changed.iter().map(|(_, v)| (*v).clone()));
    conn.execute(
        &format!(
            "UPDATE \"{}\" SET {} WHERE {key_where}",
            c.table,
            sets.join(", ")
        ),
        rusqlite::params_from_iter(args),
    )
    .map_err(db)?;
    Ok(true)
}

/// What one [`run`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    /// The server could not be reached; whatever was done before stays done.
    pub offline: bool,
    /// Why, when offline.
    pub offline_reason: Option<String>,
    pub pushed: i64,
    pub pushed_audit: i64,
    /// Pushed changes the server refused (set aside).
    pub push_refused: i64,
    pub pulled: Applied,
}

impl SyncReport {
    /// The run in the desk's words.
    pub fn words(&self) -> String {
        if self.offline {
            format!(
                "无法连接同步服务器（{}）：本机照常工作，更改已保留，联网后再同步",
                self.offline_reason.clone().unwrap_or_default()
            )
        } else {
            format!(
                "同步完成：上传 {} 条更改，下载 {} 条更改，{} 条被拒绝",
                self.pushed,
                self.pulled.applied,
                self.push_refused + self.pulled.refused
            )
        }
    }
}

/// [`run`] through the transport this desk's enrolment names: `connect(server_url, token)`
/// (`frontdesk_sync_client::Client::new`).
pub fn run_enrolled<T: Transport>(
    store: &mut Store,
    connect: impl FnOnce(&str, &str) -> T,
) -> Result<SyncReport> {
    let state = state(store.conn())?.ok_or_else(not_enrolled)?;
    let transport = connect(&state.server_url, &state.token);
    run(store, &transport)
}

/// One sync: pushes the whole outbox in batches, then pulls until the server has no more. A
/// server that cannot be reached is not an error: the report says offline and the next run goes
/// on from where this one stopped.
pub fn run(store: &mut Store, transport: &dyn Transport) -> Result<SyncReport> {
    state(store.conn())?.ok_or_else(not_enrolled)?;
    let mut report = SyncReport::default();
    let mut contacted = false;
    let result = exchange(store, transport, &mut report, &mut contacted);
    let outcome = match &result {
        Ok(()) => "ok".to_string(),
        Err(e) => e.to_string(),
    };
    if report.offline && !contacted {
        // Nothing reached the server and nothing was written: the desk is as it was.
        return result.map(|()| report);
    }
    let last = if report.offline {
        format!(
            "offline: {}",
            report.offline_reason.clone().unwrap_or_default()
        )
    } else {
        outcome
    };
    store.write(&Actor::system(), |w| {
        w.tx.execute(
            "UPDATE sync_state SET last_sync_at = ?1, last_result = ?2",
            params![w.now_db, last],
        )?;
        Ok(())
    })?;
    result.map(|()| report)
}

fn exchange(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
    contacted: &mut bool,
) -> Result<()> {
    if !push_all(store, transport, report, contacted)?
        || !pull_all(store, transport, report, contacted)?
    {
        return Ok(());
    }
    // The pull's own audit entry, so that the server holds the whole chain after a run.
    push_all(store, transport, report, contacted).map(drop)
}

fn offline(report: &mut SyncReport, why: String) -> Result<bool> {
    report.offline = true;
    report.offline_reason = Some(why);
    Ok(false)
}

/// Pushes until the outbox and the chain are empty; `false` when the server was unreachable.
fn push_all(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
    contacted: &mut bool,
) -> Result<bool> {
    loop {
        let request = pending(store, PUSH_BATCH)?;
        if request.changes.is_empty() && request.audit.is_empty() {
            return Ok(true);
        }
        let reply = match transport.push(&request) {
            Ok(r) => r,
            Err(TransportError::Unreachable(why)) => return offline(report, why),
            Err(TransportError::Refused(e)) => return Err(Error::State(e.message)),
        };
        *contacted = true;
        let before = state(store.conn())?.ok_or_else(not_enrolled)?;
        acknowledge(store, &request, &reply)?;
        report.pushed += request
            .changes
            .iter()
            .filter(|c| c.desk_seq <= reply.acked_through)
            .count() as i64;
        report.pushed_audit += request
            .audit
            .iter()
            .filter(|l| l.chain_seq <= reply.audit_through)
            .count() as i64;
        report.push_refused += reply.refused.len() as i64;
        if reply.acked_through <= before.acked_through
            && reply.audit_through <= before.audit_through
        {
            return Err(Error::State(
                "同步服务器未接收本机的更改（确认编号未前进），请稍后重试或联系管理员".into(),
            ));
        }
    }
}

/// Pulls and applies until the server has no more; `false` when it was unreachable.
fn pull_all(
    store: &mut Store,
    transport: &dyn Transport,
    report: &mut SyncReport,
    contacted: &mut bool,
) -> Result<bool> {
    loop {
        let after = state(store.conn())?.ok_or_else(not_enrolled)?.pulled;
        let reply = match transport.pull(&PullRequest {
            protocol: PROTOCOL,
            after,
            limit: PULL_BATCH,
        }) {
            Ok(r) => r,
            Err(TransportError::Unreachable(why)) => return offline(report, why),
            Err(TransportError::Refused(e)) => return Err(Error::State(e.message)),
        };
        *contacted = true;
        let applied = apply(store, &reply)?;
        report.pulled.applied += applied.applied;
        report.pulled.unchanged += applied.unchanged;
        report.pulled.refused += applied.refused;
        if !reply.more || reply.cursor <= after {
            return Ok(true);
        }
    }
}

/// Re-indexes one record of `table` as it is stored now (a record another desk wrote, applied by
/// sync): a voided record leaves the index, as when voided here. Tables without documents are left
/// alone.
fn reindex(w: &Write, table: &str, id: &str) -> Result<()> {
    if table == "vip_cards" {
        // A customer's document carries the number of their card.
        let customer: String = w.tx.query_row(
            "SELECT customer_id FROM vip_cards WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        return reindex(w, "customers", &customer);
    }
    let kind = match table {
        "intakes" => "intake",
        "complaints" => "complaint",
        "slips" => "slip",
        "repair_orders" => "repair",
        "customers" => "customer",
        _ => return Ok(()),
    };
    let voided: bool = w.tx.query_row(
        &format!("SELECT voided_at IS NOT NULL FROM \"{table}\" WHERE id = ?1"),
        params![id],
        |r| r.get(0),
    )?;
    if voided {
        return search::remove(w, kind, id);
    }
    match kind {
        "intake" => {
            search::remove(w, kind, id)?;
            crate::intake::index(w, &crate::intake::get(&w.tx, id)?)
        }
        "complaint" => crate::complaints::index(w, &crate::complaints::load(&w.tx, id)?),
        "slip" => crate::slips::index(w, &crate::slips::load(&w.tx, id)?),
        "repair" => crate::repairs::index(w, &crate::repairs::order(&w.tx, id)?),
        _ => crate::customers::index(w, &crate::customers::get(&w.tx, id)?),
    }
}
