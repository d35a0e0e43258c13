//! Full-text search over intakes, complaints, slips, repair orders and customers.
//!
//! Chinese has no spaces and the common queries are one or two characters (漏水, 张伟), which
//! SQLite's trigram tokenizer cannot answer. So each record's text is normalised (full-width folded,
//! lower-cased, only letters, digits and other non-ASCII symbols kept) and stored in FTS5 twice:
//! column `uni` holds every character as a token, column `bi` every overlapping pair. A query of one
//! character matches `uni`; a longer one is the phrase of its pairs in `bi`, which matches exactly
//! the records containing it as a substring. Hits come newest first (highest rowid), which FTS5
//! answers without sorting.
//!
//! Invariants: each record has at most one document (re-indexing replaces it and moves it to the
//! front); indexing happens in the same transaction as the write it reflects.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::store::Write;

/// The searchable form of a text: the characters that count, folded.
pub fn normalise(text: &str) -> Vec<char> {
    crate::validate::fold_fullwidth(text)
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| {
            c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace() && !is_punctuation(*c))
        })
        .collect()
}

fn is_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x2000..=0x206F   // general punctuation
        | 0x3000..=0x303F // CJK symbols and punctuation
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// The two FTS columns for a set of texts. Texts are separated so no pair spans two fields.
fn columns(texts: &[&str]) -> (String, String) {
    let mut uni = String::new();
    let mut bi = String::new();
    for t in texts {
        let chars = normalise(t);
        for c in &chars {
            uni.push(*c);
            uni.push(' ');
        }
        for p in chars.windows(2) {
            bi.push(p[0]);
            bi.push(p[1]);
            bi.push(' ');
        }
        // A field boundary breaks phrases: an unmatched token between fields.
        bi.push_str("\u{1} ");
    }
    (uni, bi)
}

/// Indexes (or re-indexes) one record. `title` is what a hit shows; `texts` are all searchable fields.
pub fn index(
    w: &Write,
    kind: &str,
    ref_id: &str,
    estate_id: &str,
    title: &str,
    texts: &[&str],
) -> Result<()> {
    remove(w, kind, ref_id)?;
    add(w, kind, ref_id, estate_id, title, texts)
}

/// Indexes a record that has no document yet (a new one).
pub fn add(
    w: &Write,
    kind: &str,
    ref_id: &str,
    estate_id: &str,
    title: &str,
    texts: &[&str],
) -> Result<()> {
    w.tx.prepare_cached(
        "INSERT INTO search_docs(kind, ref_id, estate_id, at, title) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![kind, ref_id, estate_id, w.now_db, title])?;
    let rowid = w.tx.last_insert_rowid();
    let (uni, bi) = columns(texts);
    w.tx.prepare_cached("INSERT INTO search_fts(rowid, uni, bi) VALUES (?1, ?2, ?3)")?
        .execute(params![rowid, uni, bi])?;
    Ok(())
}

/// Re-indexes one record of `table` as it is stored now (a record another desk wrote, applied by
/// sync): a voided record leaves the index, as when voided here. Tables without documents are left
/// alone.
pub(crate) fn refresh(w: &Write, table: &str, id: &str) -> Result<()> {
    if table == "vip_cards" {
        // A customer's document carries the number of their card.
        let customer: String = w.tx.query_row(
            "SELECT customer_id FROM vip_cards WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        return refresh(w, "customers", &customer);
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
        return remove(w, kind, id);
    }
    match kind {
        "intake" => {
            remove(w, kind, id)?;
            crate::intake::index(w, &crate::intake::get(&w.tx, id)?)
        }
        "complaint" => crate::complaints::index(w, &crate::complaints::load(&w.tx, id)?),
        "slip" => crate::slips::index(w, &crate::slips::load(&w.tx, id)?),
        "repair" => crate::repairs::index(w, &crate::repairs::order(&w.tx, id)?),
        _ => crate::customers::index(w, &crate::customers::get(&w.tx, id)?),
    }
}

/// Removes a record's document (e.g. when it is voided).
pub fn remove(w: &Write, kind: &str, ref_id: &str) -> Result<()> {
    let old: Option<i64> =
        w.tx.query_row(
            "SELECT rowid FROM search_docs WHERE kind = ?1 AND ref_id = ?2",
            params![kind, ref_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(rowid) = old {
        w.tx.execute("DELETE FROM search_fts WHERE rowid = ?1", params![rowid])?;
        w.tx.execute("DELETE FROM search_docs WHERE rowid = ?1", params![rowid])?;
    }
    Ok(())
}

/// One search hit.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    pub kind: String,
    pub id: String,
    pub title: String,
    pub at: String,
}

/// The FTS5 MATCH expression for a query, or `None` when it has nothing searchable.
pub fn match_expression(query: &str) -> Option<String> {
    let chars = normalise(query);
    let quote = |s: String| format!("\"{}\"", s.replace('"', "\"\""));
    match chars.len() {
        0 => None,
        1 => Some(format!("uni : {}", quote(chars[0].to_string()))),
        _ => {
            let pairs: Vec<String> = chars.windows(2).map(|p| p.iter().collect()).collect();
            Some(format!("bi : {}", quote(pairs.join(" "))))
        }
    }
}

/// Searches, newest first. Several words separated by spaces must all match.
/// `kind` limits hits to one kind of record.
pub fn search(
    conn: &Connection,
    estate_id: &str,
    query: &str,
    kind: Option<&str>,
    limit: usize,
) -> Result<Vec<Hit>> {
    let parts: Vec<String> = query
        .split_whitespace()
        .filter_map(match_expression)
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let expr = parts.join(" AND ");
    let mut stmt = conn.prepare_cached(
        "SELECT d.kind, d.ref_id, d.title, d.at
         FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid
         WHERE search_fts MATCH ?1 AND d.estate_id = ?2 AND (?3 IS NULL OR d.kind = ?3)
         ORDER BY f.rowid DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![expr, estate_id, kind, limit as i64], |r| {
        Ok(Hit {
            kind: r.get(0)?,
            id: r.get(1)?,
            title: r.get(2)?,
            at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
