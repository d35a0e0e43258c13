//! Outbox capture: which tables and columns sync, and the TEMP triggers that record every change
//! to them in `sync_outbox` in the same transaction as the change.
//!
//! The triggers are generated from the schema (`PRAGMA table_info`), one pair per synced table,
//! on every connection of an enrolled desk ([`ensure`], at the start of each `Store::write`), so
//! they always match the columns of this binary's schema and a later migration needs nothing of
//! its own. A desk that is not enrolled has none: a table with triggers makes each insert open a
//! statement journal, which makes FTS5 flush its buffer at every row and halves a bulk import.
//! Writes by other programs (the sqlite3 shell) are not captured; FrontDesk writes every file
//! through `Store::write`.
//!
//! Invariants:
//! - Every table syncs except the local ones ([`is_local_table`]: counters, the search index, the
//!   audit log, which syncs as its own chain, attachment rows until their files sync, and
//!   `sync_*`) and a few local columns
//!   ([`LOCAL_COLUMNS`]: the event log's local order, the login lock-out counter).
//! - Capture runs only while `sync_state.capture = 1`: not before enrolment (enrolment snapshots
//!   every row instead, [`snapshot`]) and not while pulled changes are applied.
//! - An insert records every synced column, an update only the columns whose value changed; a
//!   write that changes no synced column records nothing.
//! - Each change carries its estate: the row's `estate_id`, an estate's own id, else its parent's
//!   estate through its first foreign key to a table with one, else (the event log) the desk's
//!   estate — a desk writes for the one estate its credential lets it write.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::error::Result;

/// Columns kept on this desk only.
pub const LOCAL_COLUMNS: &[(&str, &str)] = &[
    // The event log's order of arrival on this desk; events are keyed by `id`.
    ("events", "seq"),
    // Failed sign-ins count per desk (the lock-out is the desk's own).
    ("staff", "failed_logins"),
];

/// Tables that never sync.
pub fn is_local_table(name: &str) -> bool {
    name.starts_with("sqlite_")
        || name.starts_with("sync_")
        || name.starts_with("search_")
        // Attachment rows stay with their files until files sync: a row whose file is not on
        // the desk fails the desk's start-up check (`app::upkeep::verified`).
        || matches!(name, "counters" | "audit_log" | "attachments")
}

/// What a synced table holds, in words for a supervisor (the list of changes set aside); a
/// table this list does not know shows its own name.
pub fn table_label(name: &str) -> &str {
    match name {
        "estates" => "小区",
        "departments" => "部门",
        "staff" => "员工",
        "units" => "房号",
        "policies" => "政策",
        "customers" => "客户档案",
        "vip_cards" => "VIP卡",
        "intakes" => "前台登记",
        "complaints" => "投诉",
        "complaint_attempts" => "投诉沟通记录",
        "complaint_issues" => "投诉问题",
        "escalations" => "升级上报",
        "slips" => "协调单",
        "slip_prints" => "协调单打印",
        "followups" => "回访",
        "followup_attempts" => "回访记录",
        "price_items" => "维修价目",
        "repair_orders" => "维修派工单",
        "repair_prints" => "派工单打印",
        "repair_visits" => "维修回访",
        "repair_visit_checks" => "维修回访检查项",
        "rectification_notices" => "整改通知单",
        "calendar_days" => "工作日历",
        "deadline_pauses" => "期限暂停",
        "duty_shifts" => "值班",
        "duty_entries" => "值班记录",
        "duty_handovers" => "交接班",
        "duty_handover_matters" => "交接事项",
        "duty_lent_items" => "借出物品",
        "claims" => "赔付",
        "household_visits" => "住户回访",
        "household_visit_items" => "住户回访事项",
        "events" => "状态变更",
        other => other,
    }
}

/// One synced table as this schema has it.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    /// The synced columns, in schema order.
    pub columns: Vec<String>,
    /// The columns whose values, joined by `:`, make the row id on the wire: `id`, or the
    /// primary key of a link table without one.
    pub key: Vec<String>,
    /// Tables this one references (its parents), for ordering inserts.
    parents: BTreeSet<String>,
    /// The row's estate in SQL, with `{p}` for the row's alias (`NEW.` or `t.`).
    estate: String,
}

impl Table {
    fn estate_sql(&self, p: &str) -> String {
        format!("coalesce({}, '')", self.estate.replace("{p}", p))
    }

    fn row_id_sql(&self, p: &str) -> String {
        self.key
            .iter()
            .map(|c| format!("{p}\"{c}\""))
            .collect::<Vec<_>>()
            .join(" || ':' || ")
    }

    /// `json_set('{}', '$."c"', p."c", …)`; `path` gives each column's path expression.
    fn fields_sql(&self, p: &str, path: impl Fn(&str) -> String) -> String {
        let mut sql = "'{}'".to_string();
        // Functions take at most 127 arguments in some SQLite builds: 60 columns per call.
        for chunk in self.columns.chunks(60) {
            let args: Vec<String> = chunk
                .iter()
                .map(|c| format!("{}, {p}\"{c}\"", path(c)))
                .collect();
            sql = format!("json_set({sql}, {})", args.join(", "));
        }
        sql
    }

    fn insert_fields_sql(&self, p: &str) -> String {
        self.fields_sql(p, |c| format!("'$.\"{c}\"'"))
    }

    fn changed_sql(c: &str) -> String {
        format!("OLD.\"{c}\" IS NOT NEW.\"{c}\"")
    }
}

/// The synced tables, parents before children (so a snapshot or a pull inserts a row after the
/// rows it references).
pub fn tables(conn: &Connection) -> Result<Vec<Table>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND sql NOT LIKE
             'CREATE VIRTUAL%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let names: Vec<String> = names.into_iter().filter(|n| !is_local_table(n)).collect();
    let mut columns: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
    for n in &names {
        let cols = conn
            .prepare(&format!("PRAGMA main.table_info(\"{n}\")"))?
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        columns.insert(n.clone(), cols);
    }
    let has_estate = |t: &str| {
        t == "estates"
            || columns
                .get(t)
                .is_some_and(|c| c.iter().any(|(n, _)| n == "estate_id"))
    };
    let mut out = BTreeMap::new();
    for n in &names {
        let cols = &columns[n];
        let synced: Vec<String> = cols
            .iter()
            .map(|(c, _)| c.clone())
            .filter(|c| !LOCAL_COLUMNS.contains(&(n.as_str(), c.as_str())))
            .collect();
        let key = if synced.iter().any(|c| c == "id") {
            vec!["id".to_string()]
        } else {
            let mut pk: Vec<_> = cols.iter().filter(|(_, pk)| *pk > 0).collect();
            pk.sort_by_key(|(_, pk)| *pk);
            pk.into_iter().map(|(c, _)| c.clone()).collect()
        };
        // (from column, parent table, parent column) of each foreign key.
        let fks: Vec<(String, String, String)> = conn
            .prepare(&format!("PRAGMA main.foreign_key_list(\"{n}\")"))?
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(4)?
                        .unwrap_or_else(|| "id".into()),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let estate = if n == "estates" {
            "{p}\"id\"".to_string()
        } else if has_estate(n) {
            "{p}\"estate_id\"".to_string()
        } else if let Some((from, parent, to)) = fks
            .iter()
            .find(|(_, parent, _)| parent != n && has_estate(parent))
        {
            let col = if parent == "estates" {
                "id"
            } else {
                "estate_id"
            };
            format!("(SELECT \"{col}\" FROM \"{parent}\" WHERE \"{to}\" = {{p}}\"{from}\")")
        } else {
            "(SELECT estate_id FROM sync_estates WHERE access = 'write' ORDER BY estate_id LIMIT 1)"
                .to_string()
        };
        let parents = fks
            .into_iter()
            .map(|(_, parent, _)| parent)
            .filter(|p| p != n && !is_local_table(p))
            .collect();
        out.insert(
            n.clone(),
            Table {
                name: n.clone(),
                columns: synced,
                key,
                parents,
                estate,
            },
        );
    }
    // Parents first; a cycle (none today) would leave its tables in name order at the end.
    let mut ordered: Vec<Table> = Vec::with_capacity(out.len());
    let mut placed = BTreeSet::new();
    while !out.is_empty() {
        let ready: Vec<String> = out
            .values()
            .filter(|t| t.parents.iter().all(|p| placed.contains(p)))
            .map(|t| t.name.clone())
            .collect();
        let ready = if ready.is_empty() {
            out.keys().cloned().collect()
        } else {
            ready
        };
        for n in ready {
            placed.insert(n.clone());
            ordered.extend(out.remove(&n));
        }
    }
    Ok(ordered)
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const CAPTURING: &str = "(SELECT capture FROM sync_state) = 1";

/// Creates this connection's capture triggers when the desk is enrolled and they are missing
/// (TEMP: they live as long as the connection, and vanish with a rolled-back transaction that
/// made them, to be made again by the next write).
pub fn ensure(conn: &Connection) -> Result<()> {
    let missing: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM main.sync_state)
                AND NOT EXISTS (SELECT 1 FROM temp.sqlite_master
                                WHERE type = 'trigger' AND name = 'sync_insert_estates')",
        )?
        .query_row([], |r| r.get(0))?;
    if missing {
        install(conn)?;
    }
    Ok(())
}

fn install(conn: &Connection) -> Result<()> {
    let mut sql = String::new();
    for t in tables(conn)? {
        let n = &t.name;
        let outbox = "INSERT INTO sync_outbox(estate_id, tbl, row_id, op, fields, at)";
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS \"sync_insert_{n}\" AFTER INSERT ON main.\"{n}\"
             WHEN {CAPTURING} BEGIN
             {outbox} VALUES ({}, '{n}', {}, 'insert', {}, {NOW}); END;\n",
            t.estate_sql("NEW."),
            t.row_id_sql("NEW."),
            t.insert_fields_sql("NEW."),
        ));
        let any_changed: Vec<String> = t.columns.iter().map(|c| Table::changed_sql(c)).collect();
        // Unchanged columns are written to one throw-away key, removed at the end.
        let fields = t.fields_sql("NEW.", |c| {
            format!(
                "CASE WHEN {} THEN '$.\"{c}\"' ELSE '$.\"~\"' END",
                Table::changed_sql(c)
            )
        });
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS \"sync_update_{n}\" AFTER UPDATE ON main.\"{n}\"
             WHEN {CAPTURING} AND ({}) BEGIN
             {outbox} VALUES ({}, '{n}', {}, 'update', json_remove({fields}, '$.\"~\"'), {NOW});
             END;\n",
            any_changed.join(" OR "),
            t.estate_sql("NEW."),
            t.row_id_sql("NEW."),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Records every synced row as an insert, parents first (enrolment: the server receives the
/// desk's whole register, whatever it held before sync existed).
pub fn snapshot(conn: &Connection) -> Result<i64> {
    let mut n = 0;
    for t in tables(conn)? {
        n += conn.execute(
            &format!(
                "INSERT INTO sync_outbox(estate_id, tbl, row_id, op, fields, at)
                 SELECT {}, '{}', {}, 'insert', {}, {NOW} FROM main.\"{}\" AS t ORDER BY t.rowid",
                t.estate_sql("t."),
                t.name,
                t.row_id_sql("t."),
                t.insert_fields_sql("t."),
                t.name
            ),
            [],
        )? as i64;
    }
    Ok(n)
}
