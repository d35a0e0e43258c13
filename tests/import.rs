//! Import of the customer register from .xlsx: preview, all-or-nothing import, accepting the
//! valid rows only, duplicates, bad files. The workbooks are written here with rust_xlsxwriter.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use frontdesk::customers::{self, CustomerFilter, CustomerInput};
use frontdesk::error::RowProblem;
use frontdesk::import::{self, ImportReport};
use frontdesk::vocab::{Relation, Tier};
use frontdesk::{store, Actor, Error};
use rust_xlsxwriter::{Format, Formula, Workbook};

use crate::common::*;

/// A cell to write.
#[derive(Clone, Copy)]
enum V<'a> {
    S(&'a str),
    N(f64),
    Blank,
    /// A formula with its cached result.
    F(&'a str, &'a str),
}
use V::*;

const HEADER: &[&str] = &[
    "房号",
    "姓名",
    "身份",
    "电话",
    "备用电话",
    "证件号",
    "家庭结构",
    "客户等级",
    "备注",
];

/// A unique path in the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        TempFile(std::env::temp_dir().join(format!(
            "frontdesk-import-{}-{n}-{name}",
            std::process::id()
        )))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes a workbook whose first sheet has these rows from A1; `merges` are
/// (first_row, col, last_row) vertical merges, 0-based, with the text of the first cell.
fn xlsx_merged(name: &str, rows: &[Vec<V>], merges: &[(u32, u16, u32, &str)]) -> TempFile {
    let f = TempFile::new(name);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match *v {
                S(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                N(n) => {
                    ws.write_number(r, c, n).unwrap();
                }
                F(formula, result) => {
                    ws.write_formula(r, c, Formula::new(formula).set_result(result))
                        .unwrap();
                }
                Blank => {}
            }
        }
    }
    for (r0, c, r1, text) in merges {
        ws.merge_range(*r0, *c, *r1, *c, text, &Format::new())
            .unwrap();
    }
    wb.save(f.path()).unwrap();
    f
}

fn xlsx(name: &str, rows: &[Vec<V>]) -> TempFile {
    xlsx_merged(name, rows, &[])
}

fn header() -> Vec<V<'static>> {
    HEADER.iter().map(|h| S(h)).collect()
}

/// A data row in HEADER order.
fn row<'a>(cells: [V<'a>; 9]) -> Vec<V<'a>> {
    cells.to_vec()
}

/// A row with only unit and name.
fn simple<'a>(unit: &'a str, name: &'a str) -> Vec<V<'a>> {
    row([
        S(unit),
        S(name),
        Blank,
        Blank,
        Blank,
        Blank,
        Blank,
        Blank,
        Blank,
    ])
}

fn preview(d: &Desk, path: &Path) -> frontdesk::Result<ImportReport> {
    import::preview_customers_xlsx(d.store.conn(), &d.estate.id, path, &mut |_, _| {})
}

fn import_as(
    d: &mut Desk,
    actor: &Actor,
    path: &Path,
    accept_valid_only: bool,
) -> frontdesk::Result<ImportReport> {
    let eid = d.estate.id.clone();
    d.store.write(actor, |w| {
        import::import_customers_xlsx(w, &eid, path, accept_valid_only, &mut |_, _| {})
    })
}

fn import(d: &mut Desk, path: &Path, accept_valid_only: bool) -> frontdesk::Result<ImportReport> {
    let s = d.supervisor.clone();
    import_as(d, &s, path, accept_valid_only)
}

fn all_customers(d: &Desk) -> Vec<customers::Customer> {
    customers::list(
        d.store.conn(),
        &d.estate.id,
        &CustomerFilter {
            limit: Some(10_000),
            ..Default::default()
        },
    )
    .unwrap()
}

fn by_name(d: &Desk, name: &str) -> customers::Customer {
    all_customers(d)
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} not imported"))
}

fn count(d: &Desk, sql: &str) -> i64 {
    d.store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A good file: a title row, the header in another order, numbers, full-width digits, a
/// formula, a new unit, blank and white-space rows.
fn good_file() -> TempFile {
    xlsx(
        "good.xlsx",
        &[
            vec![S("龙湖花园客户档案（2026年）")],
            vec![
                S("姓名"),
                S(" 房 号 "),
                S("电话"),
                S("身份"),
                S("备用电话"),
                S("证件号"),
                S("家庭结构"),
                S("客户等级"),
                S("备注*"),
            ],
            vec![
                S("张伟"),
                S("3-2-1201"),
                N(13800138000.0),
                S("业主"),
                N(62345678.0),
                S("11010519491231002x"),
                S("有小孩的夫妇"),
                S("B"),
                S("老业主"),
            ],
            vec![
                S("李娜"),
                S("3栋2单元1201"),
                S("１３９００１３９０００"),
                S("家属"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ],
            vec![Blank, Blank, Blank],
            vec![S("   "), S("\t"), S(" ")],
            vec![
                S("王强"),
                S("20-1-101"),
                F("=\"1370013\"&\"7000\"", "13700137000"),
                S("租户"),
            ],
            vec![
                S("😀赵𠮷"),
                S("12-101"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                S("c类"),
                S("'; DROP TABLE customers;--"),
            ],
        ],
    )
}

#[test]
fn preview_reads_everything_and_writes_nothing() {
    let d = desk();
    let f = good_file();
    let before = snapshot(&d.store);
    let r = preview(&d, f.path()).unwrap();
    assert_eq!(before, snapshot(&d.store));
    assert_eq!(r.file, f.path().file_name().unwrap().to_string_lossy());
    assert_eq!(r.rows_total, 4, "blank and white-space rows are not rows");
    assert_eq!(r.valid, 4);
    assert_eq!(r.duplicates, 0);
    assert_eq!(r.bad_rows, 0);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.units_created, 1);
    assert_eq!(r.imported, 0);
}

#[test]
fn import_writes_every_valid_row_once_and_reimport_changes_nothing() {
    let mut d = desk();
    let f = good_file();
    let r = import(&mut d, f.path(), false).unwrap();
    assert_eq!((r.rows_total, r.valid, r.imported), (4, 4, 4));
    assert_eq!(r.units_created, 1);
    let zhang = by_name(&d, "张伟");
    assert_eq!(zhang.unit, "3-2-1201");
    assert_eq!(zhang.phone.as_deref(), Some("13800138000"), "float cell");
    assert_eq!(zhang.phone2.as_deref(), Some("62345678"));
    assert_eq!(zhang.id_number.as_deref(), Some("11010519491231002X"));
    assert_eq!(zhang.family_segment.as_deref(), Some("有小孩的夫妇"));
    assert_eq!(zhang.tier, Tier::B);
    assert!(zhang
        .tier_reason
        .as_deref()
        .unwrap()
        .starts_with("导入客户档案（"));
    assert_eq!(
        zhang.tier_set_by.as_deref(),
        Some(d.supervisor.staff_id.as_str())
    );
    let li = by_name(&d, "李娜");
    assert_eq!(
        li.phone.as_deref(),
        Some("13900139000"),
        "full-width digits"
    );
    assert_eq!(li.relation, Relation::Family);
    assert_eq!(li.unit, "3-2-1201");
    let wang = by_name(&d, "王强");
    assert_eq!(wang.unit, "20-1-101", "new unit created");
    assert_eq!(wang.phone.as_deref(), Some("13700137000"), "formula value");
    assert_eq!(wang.relation, Relation::Tenant);
    let odd = by_name(&d, "😀赵𠮷");
    assert_eq!(odd.note.as_deref(), Some("'; DROP TABLE customers;--"));
    assert_eq!(odd.tier, Tier::C);
    assert!(odd.tier_reason.is_none());
    let hits = frontdesk::search::search(d.store.conn(), &d.estate.id, "赵𠮷", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, odd.id);
    // One audit entry per customer, one for the import, one for the new unit.
    for c in all_customers(&d) {
        let a = store::audit_history(d.store.conn(), "customer", &c.id).unwrap();
        assert_eq!(a.len(), 1, "{}", c.name);
    }
    assert_eq!(
        count(&d, "SELECT count(*) FROM audit_log WHERE action = 'import'"),
        1
    );
    assert_eq!(
        count(
            &d,
            "SELECT count(*) FROM audit_log WHERE entity = 'unit' AND detail LIKE '%20-1-101%'"
        ),
        1
    );
    assert!(d.store.verify().unwrap().ok());
    // Again: every row is a duplicate; nothing is added but the import's audit entry.
    let again = import(&mut d, f.path(), false).unwrap();
    assert_eq!((again.valid, again.duplicates, again.imported), (0, 4, 0));
    assert_eq!(again.duplicate_rows, vec![3, 4, 7, 8]);
    assert_eq!(again.units_created, 0);
    assert_eq!(all_customers(&d).len(), 4);
    assert_eq!(
        count(&d, "SELECT count(*) FROM audit_log WHERE action = 'import'"),
        2
    );
}

/// Checks a progress trace: it ends at `(total, total)`, `done` never goes back, `done <= total`,
/// and the fraction done never goes back.
fn assert_progress(trace: &[(u64, u64)], last_total: u64) {
    assert_eq!(trace.last(), Some(&(last_total, last_total)), "{trace:?}");
    for pair in trace.windows(2) {
        let ((d0, t0), (d1, t1)) = (pair[0], pair[1]);
        assert!(d1 >= d0, "done went back: {pair:?}");
        assert!(d1 * t0 >= d0 * t1, "fraction went back: {pair:?}");
    }
    assert!(trace.iter().all(|(d, t)| d <= t), "{trace:?}");
}

#[test]
fn progress_is_reported_as_rows_are_checked_and_inserted() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let s = d.supervisor.clone();
    // 6 rows under the header: 4 customers, one empty row, one bad row.
    let f = xlsx(
        "progress.xlsx",
        &[
            header(),
            simple("1-1-101", "甲"),
            simple("1-1-102", "乙"),
            vec![Blank],
            simple("不是房号", "丙"),
            simple("1-1-103", "丁"),
            simple("1-1-104", "戊"),
        ],
    );
    let mut trace = Vec::new();
    let r = import::preview_customers_xlsx(d.store.conn(), &eid, f.path(), &mut |done, total| {
        trace.push((done, total))
    })
    .unwrap();
    assert_eq!(r.valid, 4);
    assert_progress(&trace, 6);
    assert_eq!(
        trace.len(),
        7,
        "once per row and once at the end: {trace:?}"
    );

    // A refused import reports the checking only.
    let mut trace = Vec::new();
    let before = snapshot(&d.store);
    let refused = d.store.write(&s, |w| {
        import::import_customers_xlsx(w, &eid, f.path(), false, &mut |done, total| {
            trace.push((done, total))
        })
    });
    assert!(matches!(refused, Err(Error::Import(_))));
    assert_eq!(before, snapshot(&d.store));
    assert_eq!(trace.last(), Some(&(6, 12)), "{trace:?}");

    // An accepted import: 6 rows checked, then 4 inserted.
    let mut trace = Vec::new();
    let r = d
        .store
        .write(&s, |w| {
            import::import_customers_xlsx(w, &eid, f.path(), true, &mut |done, total| {
                trace.push((done, total))
            })
        })
        .unwrap();
    assert_eq!(r.imported, 4);
    assert_progress(&trace, 10);
    assert!(
        trace.contains(&(6, 12)) && trace.contains(&(6, 10)),
        "{trace:?}"
    );
}

#[test]
fn rows_already_in_the_register_are_skipped() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    d.store
        .write(&clerk, |w| {
            customers::add_customer(
                w,
                &eid,
                &CustomerInput {
                    unit: Some("1-1-101".into()),
                    name: Some("孙丽".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let f = xlsx(
        "dups.xlsx",
        &[
            vec![S("房号"), S("姓名")],
            simple("1栋1单元101", "孙丽"),
            simple("1-1-102", "孙丽"),
        ],
    );
    let r = import(&mut d, f.path(), false).unwrap();
    assert_eq!((r.rows_total, r.valid, r.duplicates), (2, 1, 1));
    assert_eq!(r.duplicate_rows, vec![2]);
    assert_eq!(all_customers(&d).len(), 2);
}

/// Bad rows: (row as written, the Chinese field label, a part of the message).
fn bad_rows() -> Vec<(Vec<V<'static>>, &'static str, &'static str)> {
    let mut long_note = String::new();
    for _ in 0..501 {
        long_note.push('长');
    }
    let long_note: &'static str = Box::leak(long_note.into_boxed_str());
    vec![
        (
            row([
                S("1-1-101"),
                S("甲"),
                Blank,
                S("12345"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            "电话",
            "不是有效的电话号码",
        ),
        (
            row([
                S("1-1-101"),
                S("乙"),
                S("邻居"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            "身份",
            "不是有效的身份",
        ),
        (
            row([
                S("1-1-101"),
                Blank,
                S("业主"),
                S("13800138000"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            "姓名",
            "必填",
        ),
        (simple("不是房号", "丙"), "房号", "格式不正确"),
        (
            row([
                Blank,
                S("丁"),
                Blank,
                S("13800138000"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            "房号",
            "必填",
        ),
        (
            row([
                S("1-1-101"),
                S("戊"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                S(long_note),
            ]),
            "备注",
            "过长",
        ),
        (simple("1-1-101", "己\u{7}"), "姓名", "控制字符"),
        (
            row([
                S("1-1-101"),
                S("庚"),
                Blank,
                Blank,
                N(123.0),
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            "备用电话",
            "不是有效的电话号码",
        ),
        (
            row([
                S("1-1-101"),
                S("辛"),
                Blank,
                Blank,
                Blank,
                S("12345"),
                Blank,
                Blank,
                Blank,
            ]),
            "证件号",
            "15 或 18",
        ),
        (
            row([
                S("1-1-101"),
                S("壬"),
                Blank,
                Blank,
                Blank,
                Blank,
                S("大家庭"),
                Blank,
                Blank,
            ]),
            "家庭结构",
            "不在家庭结构列表",
        ),
        (
            row([
                S("1-1-101"),
                S("癸"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                S("VIP"),
                Blank,
            ]),
            "客户等级",
            "不是有效的客户等级",
        ),
    ]
}

#[test]
fn bad_rows_are_reported_by_row_and_field_and_nothing_is_imported() {
    let mut d = desk();
    let cases = bad_rows();
    // Good rows around the bad ones, so a half-import would show.
    let mut rows = vec![header(), simple("1-1-101", "好一")];
    for (r, _, _) in &cases {
        rows.push(r.clone());
    }
    rows.push(simple("1-1-102", "好二"));
    rows.push(simple("1-1-102", "好二")); // the same person twice in the file
    let f = xlsx("bad.xlsx", &rows);
    let report = preview(&d, f.path()).unwrap();
    assert_eq!(report.rows_total, cases.len() + 3);
    assert_eq!(report.valid, 2);
    assert_eq!(report.bad_rows, cases.len() + 1);
    for (i, (_, label, needle)) in cases.iter().enumerate() {
        let excel_row = i + 3; // header is row 1, 好一 row 2
        let p: Vec<&RowProblem> = report
            .problems
            .iter()
            .filter(|p| p.row == excel_row)
            .collect();
        assert_eq!(p.len(), 1, "row {excel_row}: {p:?}");
        assert_eq!(p[0].field, *label, "row {excel_row}");
        assert!(
            p[0].message.contains(needle),
            "row {excel_row}: {}",
            p[0].message
        );
    }
    let dup_row = cases.len() + 4;
    let dup = report.problems.iter().find(|p| p.row == dup_row).unwrap();
    assert_eq!(dup.field, "姓名");
    assert!(
        dup.message
            .contains(&format!("与第 {} 行重复", dup_row - 1)),
        "{}",
        dup.message
    );

    // Without the clerk's acceptance: an error listing the same problems, nothing written.
    let before = snapshot(&d.store);
    match import(&mut d, f.path(), false) {
        Err(Error::Import(problems)) => {
            assert_eq!(problems.len(), report.problems.len());
            assert!(Error::Import(problems)
                .to_string()
                .contains("未导入任何数据"));
        }
        other => panic!("expected an import error, got {other:?}"),
    }
    assert_eq!(before, snapshot(&d.store), "a refused import changed data");

    // Accepted: the valid rows only.
    let r = import(&mut d, f.path(), true).unwrap();
    assert_eq!(r.imported, 2);
    assert_eq!(r.problems.len(), report.problems.len());
    let names: Vec<String> = all_customers(&d).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["好一", "好二"]);
}

#[test]
fn a_row_with_several_problems_lists_them_all() {
    let d = desk();
    let f = xlsx(
        "multi.xlsx",
        &[
            header(),
            row([
                S("?"),
                Blank,
                S("邻居"),
                S("1"),
                Blank,
                S("x"),
                Blank,
                S("Q"),
                Blank,
            ]),
        ],
    );
    let r = preview(&d, f.path()).unwrap();
    let fields: Vec<&str> = r.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["房号", "姓名", "身份", "电话", "证件号", "客户等级"]
    );
    assert!(r.problems.iter().all(|p| p.row == 2));
    assert_eq!(r.bad_rows, 1);
}

#[test]
fn import_and_form_give_the_same_message_for_the_same_mistake() {
    let mut d = desk();
    let f = xlsx(
        "same.xlsx",
        &[
            header(),
            row([
                S("1-1-101"),
                S("甲"),
                Blank,
                S("1380013800"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
        ],
    );
    let from_file = preview(&d, f.path()).unwrap().problems.remove(0);
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let from_form = d
        .store
        .write(&clerk, |w| {
            customers::add_customer(
                w,
                &eid,
                &CustomerInput {
                    unit: Some("1-1-101".into()),
                    name: Some("甲".into()),
                    phone: Some("1380013800".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap_err();
    match from_form {
        Error::Invalid { label, message, .. } => {
            assert_eq!(label, from_file.field);
            assert_eq!(message, from_file.message);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_files_give_a_chinese_error_on_the_file_and_change_nothing() {
    let mut d = desk();
    let s = d.supervisor.clone();
    let eid = d.estate.id.clone();
    let junk = TempFile::new("junk.xlsx");
    std::fs::write(junk.path(), [0u8, 159, 146, 150, 1, 2, 3, b'P', b'K', 0xff]).unwrap();
    let text = TempFile::new("text.xlsx");
    std::fs::write(text.path(), "房号,姓名\n1-1-101,张伟\n").unwrap();
    let missing = TempFile::new("missing.xlsx");
    let empty = xlsx("empty.xlsx", &[]);
    let header_only = xlsx("header-only.xlsx", &[header(), vec![Blank], vec![S("  ")]]);
    let cases: Vec<(TempFile, &str)> = vec![
        (junk, "不是有效的 Excel 工作簿"),
        (text, "不是有效的 Excel 工作簿"),
        (missing, "找不到文件"),
        (empty, "第一个工作表是空的"),
        (header_only, "表头下没有客户数据"),
        (
            xlsx(
                "english.xlsx",
                &[vec![S("Unit"), S("Name")], simple("1-1-101", "张伟")],
            ),
            "找不到表头行",
        ),
        (
            xlsx(
                "unknown.xlsx",
                &[
                    vec![S("房号"), S("姓名"), S("微信"), S("QQ")],
                    simple("1-1-101", "张伟"),
                ],
            ),
            "未知的列：“微信”、“QQ”",
        ),
        (
            xlsx(
                "no-unit.xlsx",
                &[
                    vec![S("姓名"), S("电话")],
                    vec![S("张伟"), S("13800138000")],
                ],
            ),
            "缺少必需的列：房号",
        ),
        (
            xlsx(
                "twice.xlsx",
                &[
                    vec![S("房号"), S("姓名"), S("姓名")],
                    simple("1-1-101", "张伟"),
                ],
            ),
            "“姓名”列出现了两次",
        ),
    ];
    for (file, needle) in &cases {
        assert_invalid(preview(&d, file.path()), "file", needle);
        for accept in [false, true] {
            assert_rejected(&mut d.store, &s, "file", needle, |w| {
                import::import_customers_xlsx(w, &eid, file.path(), accept, &mut |_, _| {})
            });
        }
    }
}

#[test]
fn a_row_number_column_is_ignored() {
    let mut d = desk();
    let f = xlsx(
        "numbered.xlsx",
        &[
            vec![S("序号"), S("房号"), S("姓名")],
            vec![N(1.0), S("1-1-101"), S("张伟")],
            vec![N(2.0), S("1-1-102"), S("李娜")],
            vec![N(3.0)],
        ],
    );
    let r = import(&mut d, f.path(), false).unwrap();
    assert_eq!(
        (r.rows_total, r.imported),
        (2, 2),
        "a row with only its number is empty"
    );
}

#[test]
fn vertically_merged_units_apply_to_every_row() {
    let mut d = desk();
    let f = xlsx_merged(
        "merged.xlsx",
        &[
            header(),
            simple("", "父亲"),
            row([
                Blank,
                S("母亲"),
                S("家属"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            row([
                Blank,
                S("女儿"),
                S("家属"),
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
                Blank,
            ]),
            simple("1-1-102", "邻居"),
        ],
        &[(1, 0, 3, "3-2-1202")],
    );
    let r = import(&mut d, f.path(), false).unwrap();
    assert_eq!(r.imported, 4, "{:?}", r.problems);
    for name in ["父亲", "母亲", "女儿"] {
        assert_eq!(by_name(&d, name).unit, "3-2-1202", "{name}");
    }
    assert_eq!(by_name(&d, "邻居").unit, "1-1-102");
}

#[test]
fn tiers_other_than_c_need_a_supervisor() {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let with_tier = xlsx(
        "tiers.xlsx",
        &[
            vec![S("房号"), S("姓名"), S("客户等级")],
            vec![S("1-1-101"), S("甲"), S("A类")],
        ],
    );
    let before = snapshot(&d.store);
    match import_as(&mut d, &clerk, with_tier.path(), false) {
        Err(Error::Denied(m)) => assert!(m.contains("无权导入客户等级"), "{m}"),
        other => panic!("expected denied, got {other:?}"),
    }
    assert_eq!(before, snapshot(&d.store));
    let plain = xlsx(
        "plain.xlsx",
        &[
            vec![S("房号"), S("姓名"), S("客户等级")],
            vec![S("1-1-101"), S("甲"), S("C")],
        ],
    );
    let r = import_as(&mut d, &clerk, plain.path(), false).unwrap();
    assert_eq!(r.imported, 1);
    let a = import(&mut d, with_tier.path(), false).unwrap();
    assert_eq!((a.imported, a.duplicates), (0, 1), "甲 is already there");
}

/// 100,000 rows with three bad ones far apart and a formula among them: the report names exactly
/// those rows, and nothing at all is imported unless the clerk accepts the valid rows only.
#[test]
fn a_100_000_row_file_with_bad_rows_imports_nothing_partial() {
    const ROWS: u32 = 100_000;
    let bad = [(2u32, "电话"), (50_001, "房号"), (ROWS + 1, "姓名")];
    let f = TempFile::new("big.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 1..=ROWS {
        let unit = format!(
            "{}-{}-{}{:02}",
            i / 2000 + 1,
            i / 200 % 10 + 1,
            i / 10 % 20 + 1,
            i % 10 + 1
        );
        let name = format!("住户{i}");
        let excel_row = i + 1;
        let (unit, name, phone) = match bad.iter().find(|b| b.0 == excel_row) {
            Some((_, "电话")) => (unit, name, "12345".to_string()),
            Some((_, "房号")) => ("第五栋".to_string(), name, String::new()),
            Some(_) => (unit, String::new(), String::new()),
            None => (unit, name, format!("139{:08}", i)),
        };
        ws.write_string(i, 0, &unit).unwrap();
        if i == 7 {
            ws.write_formula(i, 1, Formula::new("=\"住户\"&7").set_result(&name))
                .unwrap();
        } else if !name.is_empty() {
            ws.write_string(i, 1, &name).unwrap();
        }
        if !phone.is_empty() {
            ws.write_string(i, 3, &phone).unwrap();
        }
    }
    wb.save(f.path()).unwrap();

    let mut d = desk();
    let report = preview(&d, f.path()).unwrap();
    assert_eq!(report.rows_total, ROWS as usize);
    assert_eq!(report.valid, ROWS as usize - bad.len());
    let mut got: Vec<(usize, String)> = report
        .problems
        .iter()
        .map(|p| (p.row, p.field.to_string()))
        .collect();
    got.sort();
    let want: Vec<(usize, String)> = bad
        .iter()
        .map(|(r, f)| (*r as usize, f.to_string()))
        .collect();
    assert_eq!(got, want);

    let before = snapshot(&d.store);
    assert!(matches!(import(&mut d, f.path(), false), Err(Error::Import(p)) if p.len() == 3));
    assert_eq!(before, snapshot(&d.store), "a refused import changed data");
}
