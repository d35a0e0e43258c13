//! Push: a desk's batch of row changes and audit links, checked and stored in ONE transaction.
//!
//! Invariants:
//! - The batch is refused whole, changing nothing, when its `desk_seq`s have a gap (`bad_batch`)
//!   or an audit link does not continue the desk's chain (`broken_chain` naming the link).
//! - A single change the desk may not make (an estate it may not write, an insane table, row id
//!   or field) is set aside with a Chinese reason, counted as acked, and never blocks the rest.
//! - Changes at or below the desk's `acked_through` are skipped: a batch pushed twice changes
//!   nothing the second time (`(desk_id, desk_seq)` is also unique in the log).
//! - Server order: `server_seq`s come from the one `server_order` row, updated last in the
//!   transaction, so its row lock is held to commit and transactions commit in seq order: a puller
//!   that has seen seq N has seen everything below N. The log insert and the per-field merge into
//!   `current_rows` are single multi-row statements (UNNEST) inside that short critical section.

use crate::enrol::{authenticate, Desk};
use crate::error::ApiError;
use frontdesk_sync_proto::{AuditLink, PushReply, PushRequest, Refused, RowChange, RowOp};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// At most this many changes or links in one batch (a desk sends more in several).
pub const MAX_BATCH: usize = 10_000;

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && s.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A row key: "UUID-ish" — a UUIDv7 for almost every desk table, but a composite key joined by
/// ':' (e.g. `handover_id:entry_id`) must pass too: 1–100 letters, digits, '-', '_', ':', '.'.
fn is_row_key(s: &str) -> bool {
    (1..=100).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Why the server will not take this one change (None: it may).
pub fn refusal(desk: &Desk, change: &RowChange) -> Option<String> {
    if !desk.may_write(&change.estate_id) {
        return Some(format!(
            "小区：本前台无权写入小区 {}（未授权或只读）",
            change.estate_id
        ));
    }
    if !is_identifier(&change.table) {
        return Some(format!("表名：「{}」不是有效的表名", change.table));
    }
    if !is_row_key(&change.row_id) {
        return Some(format!(
            "记录编号：「{}」须为 1 至 100 个字母、数字或 - _ : .",
            change.row_id
        ));
    }
    if !is_timestamp(&change.at) {
        return Some(format!("时间：「{}」不是 UTC 时间格式", change.at));
    }
    if change.op == RowOp::Insert && change.fields.is_empty() {
        return Some("字段：新增记录须带全部字段".to_string());
    }
    for (name, value) in &change.fields {
        if !is_identifier(name) {
            return Some(format!("字段：「{name}」不是有效的字段名"));
        }
        if value.is_array() || value.is_object() {
            return Some(format!("字段：「{name}」的值须为文字、数字或空"));
        }
        if value.as_str().is_some_and(|t| t.contains('\0')) {
            return Some(format!("字段：「{name}」含有空字符（\\0），无法保存"));
        }
    }
    None
}

/// Checks the shape of the batch against the desk's place: changes consecutive and continuing
/// from `acked_through`; audit links consecutive, each continuing the chain with a true hash.
/// Returns the new changes and links (those above what the server holds).
pub fn check_batch<'a>(
    desk: &Desk,
    req: &'a PushRequest,
) -> Result<(&'a [RowChange], &'a [AuditLink]), ApiError> {
    if req.changes.len() > MAX_BATCH || req.audit.len() > MAX_BATCH {
        return Err(ApiError::bad_batch(
            format!("批次：每批最多 {MAX_BATCH} 条变更或审计记录，请分批上传"),
            None,
        ));
    }
    for pair in req.changes.windows(2) {
        if pair[1].desk_seq != pair[0].desk_seq + 1 {
            return Err(ApiError::bad_batch(
                format!(
                    "批次：变更序号不连续（{} 之后是 {}）",
                    pair[0].desk_seq, pair[1].desk_seq
                ),
                Some(pair[1].desk_seq),
            ));
        }
    }
    if let Some(first) = req.changes.first() {
        if first.desk_seq < 1 || first.desk_seq > desk.acked_through + 1 {
            return Err(ApiError::bad_batch(
                format!(
                    "批次：变更序号不连续（服务器已收到第 {} 条，本批从第 {} 条开始）",
                    desk.acked_through, first.desk_seq
                ),
                Some(first.desk_seq),
            ));
        }
    }
    let new_changes = &req.changes[req
        .changes
        .iter()
        .take_while(|c| c.desk_seq <= desk.acked_through)
        .count()..];

    for pair in req.audit.windows(2) {
        if pair[1].chain_seq != pair[0].chain_seq + 1 {
            return Err(ApiError::broken_chain(
                format!(
                    "审计链：第 {} 条之后是第 {} 条，中间缺失",
                    pair[0].chain_seq, pair[1].chain_seq
                ),
                pair[1].chain_seq,
            ));
        }
    }
    let new_links = &req.audit[req
        .audit
        .iter()
        .take_while(|l| l.chain_seq <= desk.audit_through)
        .count()..];
    // PostgreSQL text cannot hold NUL: such a link could never be stored.
    if let Some(link) = new_links.iter().find(|l| {
        [
            &l.at,
            &l.actor_id,
            &l.actor_name,
            &l.action,
            &l.entity,
            &l.entity_id,
            &l.detail,
            &l.prev_hash,
            &l.hash,
        ]
        .iter()
        .any(|t| t.contains('\0'))
    }) {
        return Err(ApiError::bad_batch(
            format!(
                "审计记录：第 {} 条含有空字符（\\0），无法保存",
                link.chain_seq
            ),
            Some(link.chain_seq),
        ));
    }
    let mut prev_hash = desk.audit_last_hash.as_str();
    for (expected_seq, link) in (desk.audit_through + 1..).zip(new_links) {
        if link.chain_seq != expected_seq {
            return Err(ApiError::broken_chain(
                format!(
                    "审计链：服务器已有第 {} 条，本批的第 {} 条接不上",
                    desk.audit_through, link.chain_seq
                ),
                link.chain_seq,
            ));
        }
        if link.prev_hash != prev_hash {
            return Err(ApiError::broken_chain(
                format!(
                    "审计链：第 {} 条的前一哈希与链不符（记录被改动或缺失）",
                    link.chain_seq
                ),
                link.chain_seq,
            ));
        }
        if link.hash != link.expected_hash() {
            return Err(ApiError::broken_chain(
                format!(
                    "审计链：第 {} 条的哈希与内容不符（记录被改动）",
                    link.chain_seq
                ),
                link.chain_seq,
            ));
        }
        prev_hash = &link.hash;
    }
    Ok((new_changes, new_links))
}

/// Text as PostgreSQL can store it: a refused change is kept whatever it holds, NUL included.
fn scrub(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

fn scrub_value(value: &Value) -> Value {
    match value {
        Value::String(t) => Value::String(scrub(t)),
        Value::Array(items) => Value::Array(items.iter().map(scrub_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (scrub(k), scrub_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// (estate_id, table, row_id): a row of `current_rows`.
type RowKey<'a> = (&'a str, &'a str, &'a str);

fn op_text(op: RowOp) -> &'static str {
    match op {
        RowOp::Insert => "insert",
        RowOp::Update => "update",
    }
}

pub async fn push(
    client: &mut deadpool_postgres::Client,
    token: Option<&str>,
    req: &PushRequest,
) -> Result<PushReply, ApiError> {
    if req.protocol != frontdesk_sync_proto::PROTOCOL {
        return Err(ApiError::protocol(req.protocol));
    }
    let tx = client.transaction().await?;
    let desk = authenticate(&tx, token, true).await?;
    let (new_changes, new_links) = check_batch(&desk, req)?;

    let mut accepted: Vec<&RowChange> = Vec::with_capacity(new_changes.len());
    let mut refused: Vec<(&RowChange, String)> = Vec::new();
    for change in new_changes {
        match refusal(&desk, change) {
            None => accepted.push(change),
            Some(reason) => refused.push((change, reason)),
        }
    }

    if !new_links.is_empty() {
        let col = |f: fn(&AuditLink) -> &str| new_links.iter().map(f).collect::<Vec<&str>>();
        let seqs: Vec<i64> = new_links.iter().map(|l| l.chain_seq).collect();
        let stmt = tx
            .prepare_cached(
                "INSERT INTO audit_links (desk_id, chain_seq, at, actor_id, actor_name, action,
                     entity, entity_id, detail, prev_hash, hash)
                 SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &desk.desk_id,
                &seqs,
                &col(|l| &l.at),
                &col(|l| &l.actor_id),
                &col(|l| &l.actor_name),
                &col(|l| &l.action),
                &col(|l| &l.entity),
                &col(|l| &l.entity_id),
                &col(|l| &l.detail),
                &col(|l| &l.prev_hash),
                &col(|l| &l.hash),
            ],
        )
        .await?;
    }

    if !refused.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO refused_changes (desk_id, desk_seq, estate_id, tbl, row_id, op,
                     fields, at, reason)
                 SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[],
                     $6::text[], $7::jsonb[], $8::text[], $9::text[])",
            )
            .await?;
        let c =
            |f: fn(&RowChange) -> &str| refused.iter().map(|r| scrub(f(r.0))).collect::<Vec<_>>();
        tx.execute(
            &stmt,
            &[
                &desk.desk_id,
                &refused.iter().map(|r| r.0.desk_seq).collect::<Vec<_>>(),
                &c(|c| &c.estate_id),
                &c(|c| &c.table),
                &c(|c| &c.row_id),
                &c(|c| op_text(c.op)),
                &refused
                    .iter()
                    .map(|r| scrub_value(&Value::Object(r.0.fields.clone())))
                    .collect::<Vec<_>>(),
                &c(|c| &c.at),
                &refused.iter().map(|r| scrub(&r.1)).collect::<Vec<_>>(),
            ],
        )
        .await?;
        for (change, reason) in &refused {
            tracing::info!(desk_id = %desk.desk_id, desk_seq = change.desk_seq, reason, "change refused");
        }
    }

    if !accepted.is_empty() {
        // From here to commit this transaction holds the server_order row: seqs are handed out
        // and made visible strictly in order.
        let stmt = tx
            .prepare_cached("UPDATE server_order SET last_seq = last_seq + $1 RETURNING last_seq")
            .await?;
        let last: i64 = tx
            .query_one(&stmt, &[&(accepted.len() as i64)])
            .await?
            .get(0);
        let first = last - accepted.len() as i64 + 1;
        let seqs: Vec<i64> = (first..=last).collect();
        let c = |f: fn(&RowChange) -> &str| accepted.iter().map(|c| f(c)).collect::<Vec<_>>();
        let stmt = tx
            .prepare_cached(
                "INSERT INTO changes (server_seq, desk_id, desk_seq, estate_id, tbl, row_id, op,
                     fields, at)
                 SELECT u.s, $1, u.d, u.e, u.t, u.r, u.o, u.f, u.a
                 FROM UNNEST($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::jsonb[], $9::text[]) AS u(s, d, e, t, r, o, f, a)",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &desk.desk_id,
                &seqs,
                &accepted.iter().map(|c| c.desk_seq).collect::<Vec<_>>(),
                &c(|c| &c.estate_id),
                &c(|c| &c.table),
                &c(|c| &c.row_id),
                &c(|c| op_text(c.op)),
                &accepted
                    .iter()
                    .map(|c| Value::Object(c.fields.clone()))
                    .collect::<Vec<_>>(),
                &c(|c| &c.at),
            ],
        )
        .await?;

        // One upsert per row: the batch's changes of a row folded in order first (later wins).
        let mut index: HashMap<RowKey, usize> = HashMap::new();
        let mut merged: Vec<(RowKey, Map<String, Value>, i64)> = Vec::new();
        for (change, seq) in accepted.iter().zip(&seqs) {
            let key = (
                change.estate_id.as_str(),
                change.table.as_str(),
                change.row_id.as_str(),
            );
            match index.get(&key) {
                Some(&i) => {
                    let entry = &mut merged[i];
                    for (k, v) in &change.fields {
                        entry.1.insert(k.clone(), v.clone());
                    }
                    entry.2 = *seq;
                }
                None => {
                    index.insert(key, merged.len());
                    merged.push((key, change.fields.clone(), *seq));
                }
            }
        }
        let stmt = tx
            .prepare_cached(
                "INSERT INTO current_rows AS c (estate_id, tbl, row_id, fields, last_seq)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[])
                 ON CONFLICT (estate_id, tbl, row_id)
                 DO UPDATE SET fields = c.fields || EXCLUDED.fields, last_seq = EXCLUDED.last_seq",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &merged.iter().map(|m| m.0 .0).collect::<Vec<_>>(),
                &merged.iter().map(|m| m.0 .1).collect::<Vec<_>>(),
                &merged.iter().map(|m| m.0 .2).collect::<Vec<_>>(),
                &merged
                    .iter()
                    .map(|m| Value::Object(m.1.clone()))
                    .collect::<Vec<_>>(),
                &merged.iter().map(|m| m.2).collect::<Vec<_>>(),
            ],
        )
        .await?;
    }

    let acked_through = new_changes
        .last()
        .map_or(desk.acked_through, |c| c.desk_seq);
    let (audit_through, audit_last_hash) = new_links
        .last()
        .map_or((desk.audit_through, desk.audit_last_hash.as_str()), |l| {
            (l.chain_seq, l.hash.as_str())
        });
    if !new_changes.is_empty() || !new_links.is_empty() {
        let stmt = tx
            .prepare_cached(
                "UPDATE desks SET acked_through = $2, audit_through = $3, audit_last_hash = $4
                 WHERE desk_id = $1",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &desk.desk_id,
                &acked_through,
                &audit_through,
                &audit_last_hash,
            ],
        )
        .await?;
    }
    tx.commit().await?;
    tracing::debug!(desk_id = %desk.desk_id, accepted = accepted.len(), refused = refused.len(),
        links = new_links.len(), "push");
    Ok(PushReply {
        acked_through,
        audit_through,
        refused: refused
            .into_iter()
            .map(|(c, reason)| Refused {
                desk_seq: c.desk_seq,
                reason,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_names_and_ids() {
        assert!(is_identifier("complaints"));
        assert!(is_identifier("duty_log2"));
        assert!(!is_identifier("Complaints"));
        assert!(!is_identifier("x; drop table"));
        assert!(!is_identifier(""));
        assert!(is_row_key("01890a5d-ac96-774b-bcce-b302099a8057"));
        assert!(is_row_key(
            "01890a5d-ac96-774b-bcce-b302099a8057:01890a5d-ac96-774b-bcce-b302099a8058"
        ));
        assert!(!is_row_key(""));
        assert!(!is_row_key("1' OR '1'='1"));
        assert!(!is_row_key(&"a".repeat(101)));
        assert!(is_timestamp("2026-12-07T14:30:00.123Z"));
        assert!(!is_timestamp("2026-12-07 14:30:00"));
    }
}
