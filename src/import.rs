//! Import of the customer register (客户档案) from an Excel workbook (.xlsx).
//!
//! The first worksheet holds a header row of Chinese column names, in any order: 房号 and 姓名 are
//! required, 身份, 电话, 备用电话, 证件号, 家庭结构, 客户等级, 备注 optional, 序号 ignored. Title
//! rows above the header are skipped. An unknown column, or content under no header, refuses the
//! whole file (nothing is dropped silently). Each data row is checked by the same check as the
//! desk's form ([`customers::check`]), except that a unit not yet in the register is created.
//!
//! Invariants:
//! - [`preview_customers_xlsx`] reads and checks everything and writes nothing.
//! - [`import_customers_xlsx`] writes in the caller's one transaction: with any bad row and without
//!   the clerk's "import the valid rows only", it fails with [`Error::Import`] and writes nothing.
//! - A row whose unit already has a live customer of that name is a duplicate and skipped, so
//!   importing the same file again changes nothing but the import's own audit entry.
//! - Every customer gets its audit entry, and the import one summary entry (`import`).
//! - Progress ([`crate::Progress`]) is reported as `(done, total)` while rows are checked and inserted:
//!   a preview counts each data row once; an import counts each row once when checked and each
//!   valid row once more when inserted. Until checking ends an import's total assumes every row is
//!   valid (it then shrinks to the real count), so the fraction `done / total` never goes back.
//! - Cells are read as values: numbers as typed (13800138000.0 → `13800138000`), formulas as
//!   their cached results, a vertically merged cell (one 房号 over several rows) as its value on
//!   every row; rows that are empty or only white space are skipped. Row numbers in problems are
//!   the ones Excel shows.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::auth::SUPERVISORS;
use crate::customers::{self, CustomerInput, Fields, UnitRef, Units};
use crate::error::{Error, Result, RowProblem};
use crate::policy;
use crate::store::Write;
use crate::validate;
use crate::vocab::Tier;

/// What an import found (preview) or did.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    /// The file's name.
    pub file: String,
    /// Data rows (empty rows not counted).
    pub rows_total: usize,
    /// Rows that are correct and new: imported (or, in a preview, to be imported).
    pub valid: usize,
    /// Rows already in the register (same unit and name): skipped.
    pub duplicates: usize,
    /// Their row numbers.
    pub duplicate_rows: Vec<usize>,
    /// Rows with at least one problem.
    pub bad_rows: usize,
    pub problems: Vec<RowProblem>,
    /// Customers written (0 in a preview).
    pub imported: usize,
    /// Units created because the register did not have them yet (counted in a preview too).
    pub units_created: usize,
}

/// A column of the import file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Unit,
    Name,
    Relation,
    Phone,
    Phone2,
    IdNumber,
    Segment,
    Tier,
    Note,
}

/// Every column: its header, the form field it fills, and whether the file must have it.
const COLUMNS: &[(Col, &str, &str, bool)] = &[
    (Col::Unit, "房号", "unit", true),
    (Col::Name, "姓名", "name", true),
    (Col::Relation, "身份", "relation", false),
    (Col::Phone, "电话", "phone", false),
    (Col::Phone2, "备用电话", "phone2", false),
    (Col::IdNumber, "证件号", "id_number", false),
    (Col::Segment, "家庭结构", "family_segment", false),
    (Col::Tier, "客户等级", "tier", false),
    (Col::Note, "备注", "note", false),
];

/// Columns registers often have that carry nothing to import (the row count).
const IGNORED_COLUMNS: &[&str] = &["序号"];

/// Rows searched for the header (title rows may come first).
const HEADER_SEARCH_ROWS: usize = 10;

/// A cell's value: empty, text, or an Excel error value (`#N/A`).
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Error(String),
}

impl Cell {
    fn from_data(d: &Data) -> Cell {
        let text = match d {
            Data::Empty => return Cell::Empty,
            Data::Error(e) => return Cell::Error(e.to_string()),
            // Phones typed as numbers come back as floats (13800138000.0); their text form
            // has no fraction and no exponent: "13800138000".
            other => other.to_string(),
        };
        if text.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }
}

fn bad_file(message: impl Into<String>) -> Error {
    Error::invalid("file", "导入文件", message)
}

/// The first worksheet: its rows of cells, each with the row number Excel shows.
struct Sheet {
    /// The 0-based column of each row's first cell.
    left: u32,
    rows: Vec<(usize, Vec<Cell>)>,
}

fn read_sheet(path: &Path) -> Result<Sheet> {
    let name = file_name(path);
    if !path.is_file() {
        return Err(bad_file(format!("找不到文件“{}”", path.display())));
    }
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|_| {
        bad_file(format!(
            "“{name}”不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 后重试"
        ))
    })?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad_file(format!("“{name}”中没有工作表")))?
        .map_err(|_| bad_file(format!("“{name}”的第一个工作表无法读取，文件可能已损坏")))?;
    let Some((top, left)) = range.start() else {
        return Err(bad_file(format!("“{name}”的第一个工作表是空的")));
    };
    let mut grid: Vec<Vec<Cell>> = range
        .rows()
        .map(|r| r.iter().map(Cell::from_data).collect())
        .collect();
    // A merged region keeps its value in the top-left cell only. A vertical merge means "the
    // same for these rows", so that value is copied down its column; cells to the right of a
    // horizontal merge stay empty (the value belongs to the first column).
    let merges = wb
        .merge_cells_by_sheet_id(0)
        .map_err(|_| bad_file(format!("“{name}”的合并单元格无法读取，文件可能已损坏")))?;
    for m in merges {
        let (Some(r0), Some(c)) = (m.start.0.checked_sub(top), m.start.1.checked_sub(left)) else {
            continue;
        };
        let (r0, c) = (r0 as usize, c as usize);
        let Some(value) = grid.get(r0).and_then(|r| r.get(c)).cloned() else {
            continue;
        };
        for r in r0 + 1..=(m.end.0 - top) as usize {
            if let Some(cell) = grid.get_mut(r).and_then(|row| row.get_mut(c)) {
                *cell = value.clone();
            }
        }
    }
    Ok(Sheet {
        left,
        rows: grid
            .into_iter()
            .enumerate()
            .map(|(i, cells)| (top as usize + i + 1, cells))
            .collect(),
    })
}

/// The column's name as Excel shows it (0 → `A`, 27 → `AB`).
fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(char::from(b'A' + (col % 26) as u8));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.iter().rev().collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A header cell's text as compared with the column names: full-width folded, no white space,
/// no required-marker `*`.
fn header_key(s: &str) -> String {
    validate::fold_fullwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect()
}

/// Finds the header row and maps each column to its position.
/// Finds the header row and maps each column to its position. Returns the header's index in
/// `rows`, the map, and the positions of ignored columns.
fn header(
    rows: &[(usize, Vec<Cell>)],
    name: &str,
) -> Result<(usize, HashMap<Col, usize>, HashSet<usize>)> {
    let known = |s: &str| COLUMNS.iter().find(|c| c.1 == header_key(s));
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.1).collect();
    let at = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| matches!(c, Cell::Text(t) if known(t).is_some()))
        })
        .ok_or_else(|| {
            bad_file(format!(
                "“{name}”中找不到表头行：第一个工作表的表头应含 房号、姓名，可用列：{}",
                names.join("、")
            ))
        })?;
    let (row_no, cells) = &rows[at];
    let mut map = HashMap::new();
    let mut ignored = HashSet::new();
    let mut unknown = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let Cell::Text(t) = cell else { continue };
        if IGNORED_COLUMNS.contains(&header_key(t).as_str()) {
            ignored.insert(i);
            continue;
        }
        match known(t) {
            Some(c) => {
                if map.insert(c.0, i).is_some() {
                    return Err(bad_file(format!(
                        "第 {row_no} 行表头中“{}”列出现了两次",
                        c.1
                    )));
                }
            }
            None => unknown.push(format!("“{}”", t.trim())),
        }
    }
    if !unknown.is_empty() {
        return Err(bad_file(format!(
            "第 {row_no} 行表头有未知的列：{}；可用列：{}",
            unknown.join("、"),
            names.join("、")
        )));
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.3 && !map.contains_key(&c.0))
        .map(|c| c.1)
        .collect();
    if !missing.is_empty() {
        return Err(bad_file(format!(
            "第 {row_no} 行表头缺少必需的列：{}",
            missing.join("、")
        )));
    }
    Ok((at, map, ignored))
}

/// A checked row ready to insert.
struct Ready {
    fields: Fields,
    tier: Tier,
}

/// The whole file read and checked, nothing written.
struct Analysis {
    report: ImportReport,
    ready: Vec<Ready>,
}

/// Reads and checks the file; `checked(done, rows)` is called as data rows are checked (`rows`
/// counts the sheet's rows under the header, empty ones included).
fn analyse(
    conn: &Connection,
    estate_id: &str,
    path: &Path,
    checked: &mut dyn FnMut(u64, u64),
) -> Result<Analysis> {
    let name = file_name(path);
    let Sheet { left, rows } = read_sheet(path)?;
    let (header_at, cols, ignored) = header(&rows, &name)?;
    let used: HashSet<usize> = cols.values().copied().chain(ignored).collect();
    let pol = policy::current(conn, estate_id)?.policy;
    let mut report = ImportReport {
        file: name.clone(),
        ..ImportReport::default()
    };
    let mut ready = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut new_units: HashSet<String> = HashSet::new();
    let data = &rows[header_at + 1..];
    let rows_in_sheet = data.len() as u64;
    for (i, (row_no, cells)) in data.iter().enumerate() {
        checked(i as u64, rows_in_sheet);
        let row_no = *row_no;
        let cell = |c: Col| {
            cols.get(&c)
                .and_then(|&i| cells.get(i))
                .unwrap_or(&Cell::Empty)
        };
        // Content under no header would be lost silently: refuse the file instead.
        if let Some((i, c)) = cells
            .iter()
            .enumerate()
            .find(|(i, c)| !used.contains(i) && **c != Cell::Empty)
        {
            let shown = match c {
                Cell::Text(t) | Cell::Error(t) => t.trim(),
                Cell::Empty => "",
            };
            return Err(bad_file(format!(
                "{}{row_no} 单元格有内容“{shown}”，但 {} 列没有表头，请补上列名或删除该列",
                column_name(left + i as u32),
                column_name(left + i as u32),
            )));
        }
        if COLUMNS.iter().all(|c| cell(c.0) == &Cell::Empty) {
            continue;
        }
        report.rows_total += 1;
        let mut problems = Vec::new();
        // Error values (#N/A …) are reported once, as such, and not checked further.
        let mut broken = HashSet::new();
        for (col, label, field, _) in COLUMNS {
            if let Cell::Error(e) = cell(*col) {
                broken.insert(*field);
                problems.push(RowProblem {
                    row: row_no,
                    field: label.to_string(),
                    message: format!("单元格是错误值 {e}，请改为实际内容"),
                });
            }
        }
        let text = |c: Col| match cell(c) {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        };
        let input = CustomerInput {
            unit: text(Col::Unit),
            name: text(Col::Name),
            relation: text(Col::Relation),
            phone: text(Col::Phone),
            phone2: text(Col::Phone2),
            id_number: text(Col::IdNumber),
            family_segment: text(Col::Segment),
            note: text(Col::Note),
        };
        let tier = match text(Col::Tier) {
            None => Ok(Tier::C),
            Some(t) => Tier::parse(
                "tier",
                "客户等级",
                &validate::fold_fullwidth(t.trim()).to_uppercase(),
            ),
        };
        let (fields, mut errors) =
            match customers::check(conn, estate_id, &pol, &input, None, Units::MayBeNew) {
                Ok(f) => (Some(f), Vec::new()),
                Err(e) => (None, e),
            };
        let tier = match tier {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        for e in errors {
            match e {
                Error::Invalid {
                    field,
                    label,
                    message,
                } => {
                    if !broken.contains(field) {
                        problems.push(RowProblem {
                            row: row_no,
                            field: label.to_string(),
                            message,
                        });
                    }
                }
                other => return Err(other),
            }
        }
        let (Some(fields), Some(tier), true) = (fields, tier, problems.is_empty()) else {
            report.bad_rows += 1;
            report.problems.extend(problems);
            continue;
        };
        let unit_code = fields.unit.code();
        let in_register = match &fields.unit {
            UnitRef::Known(u) => {
                customers::duplicate_of(conn, &u.id, &fields.name, None)?.is_some()
            }
            UnitRef::New(_) => false,
        };
        if in_register {
            report.duplicates += 1;
            report.duplicate_rows.push(row_no);
            continue;
        }
        if let Some(first) = seen.insert((unit_code.clone(), fields.name.clone()), row_no) {
            report.bad_rows += 1;
            report.problems.push(RowProblem {
                row: row_no,
                field: "姓名".into(),
                message: format!(
                    "与第 {first} 行重复：房号 {unit_code} 已有同名客户“{}”",
                    fields.name
                ),
            });
            continue;
        }
        if matches!(fields.unit, UnitRef::New(_)) {
            new_units.insert(unit_code);
        }
        report.valid += 1;
        ready.push(Ready { fields, tier });
    }
    checked(rows_in_sheet, rows_in_sheet);
    if report.rows_total == 0 {
        return Err(bad_file(format!("“{name}”的表头下没有客户数据")));
    }
    report.units_created = new_units.len();
    Ok(Analysis { report, ready })
}

/// Reads and checks an import file without writing anything: what would be imported, skipped
/// as duplicates, and every problem by row. `progress` sees the rows as they are checked.
pub fn preview_customers_xlsx(
    conn: &Connection,
    estate_id: &str,
    path: &Path,
    progress: crate::Progress,
) -> Result<ImportReport> {
    Ok(analyse(conn, estate_id, path, progress)?.report)
}

/// Imports the customer register from an .xlsx file, in the caller's one transaction.
/// With bad rows, nothing is written ([`Error::Import`] lists them) unless `accept_valid_only`,
/// when the valid rows are imported and the bad ones reported. Missing units are created;
/// duplicates are skipped. A tier other than C in the file needs a supervisor. `progress` sees
/// the rows checked, then inserted (see the module doc).
pub fn import_customers_xlsx(
    w: &mut Write,
    estate_id: &str,
    path: &Path,
    accept_valid_only: bool,
    progress: crate::Progress,
) -> Result<ImportReport> {
    let mut checked = 0;
    let Analysis { mut report, ready } = analyse(&w.tx, estate_id, path, &mut |done, rows| {
        checked = rows;
        progress(done, 2 * rows)
    })?;
    if !report.problems.is_empty() && !accept_valid_only {
        return Err(Error::Import(report.problems));
    }
    if ready.iter().any(|r| r.tier != Tier::C) {
        w.actor.require(SUPERVISORS, "导入客户等级（A/B/D类）")?;
    }
    let reason = format!("导入客户档案（{}）", report.file);
    let total = checked + ready.len() as u64;
    for r in ready {
        progress(checked + report.imported as u64, total);
        let tier = (r.tier != Tier::C).then_some((r.tier, reason.as_str()));
        customers::insert(w, estate_id, r.fields, tier)?;
        report.imported += 1;
    }
    progress(total, total);
    let id = w.new_id();
    w.audit(
        "import",
        "customer_import",
        &id,
        json!({
            "file": report.file,
            "rows_total": report.rows_total,
            "imported": report.imported,
            "duplicates": report.duplicates,
            "bad_rows": report.bad_rows,
            "units_created": report.units_created,
            "accept_valid_only": accept_valid_only,
        }),
    )?;
    Ok(report)
}
