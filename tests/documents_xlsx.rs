//! XLSX documents: every workbook is read back (calamine for cells, the zip's XML for freeze panes,
//! autofilter, print titles, paper, footer and fills) and compared with expectations.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use frontdesk::cases;
use frontdesk::complaints::{self, Complaint};
use frontdesk::documents::xlsx;
use frontdesk::documents::{self, Disclosure};
use frontdesk::followups::{self, FollowupInput};
use frontdesk::intake::IntakeInput;
use frontdesk::repairs::{self, RepairInput};
use frontdesk::time::Period;
use frontdesk::vocab::ComplaintStatus;
use frontdesk::{Error, Result};

use crate::common::*;
use crate::complaints::{as_clerk, complaint_call, drive_to, record_intake};
use crate::slips::slip_for;

/// November 2026, the fixture's month.
fn november() -> Period {
    Period::month("2026-11").unwrap()
}

/// The hostile-but-valid text stored and found again exactly.
const ODD: &str = "业主😀𠮷说：'; DROP TABLE x;-- 仍然漏水";

struct Fixture {
    d: Desk,
    /// Closed, 回访 done (满意).
    closed: Complaint,
    /// Closed, 回访 still pending (so 回访率 misses its 100% target).
    unvisited: Complaint,
    /// Open, with odd text.
    odd: Complaint,
    slip_no: String,
}

fn fixture() -> Fixture {
    let mut d = desk();
    let closed = drive_to(&mut d, ComplaintStatus::Closed);
    let unvisited = drive_to(&mut d, ComplaintStatus::Closed);
    let f = followups::find(d.store.conn(), &closed.no).unwrap();
    as_clerk(&mut d, |w| {
        cases::record_followup(
            w,
            &f.id,
            &FollowupInput {
                result: Some("满意".into()),
                note: Some("业主满意".into()),
                checks: Vec::new(),
            },
        )
    })
    .unwrap();
    let i = record_intake(
        &mut d,
        &IntakeInput {
            content: Some(ODD.into()),
            phone: Some("１３９００１３９０００".into()),
            ..complaint_call()
        },
    );
    let eid = d.estate.id.clone();
    let odd = as_clerk(&mut d, |w| {
        complaints::open(
            w,
            &eid,
            &complaints::ComplaintInput {
                intake: Some(i.no.clone()),
                category: Some("工程质量".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let slip_no = slip_for(&mut d, &odd.no, "工程维修部", Some("sun")).no;
    as_clerk(&mut d, |w| {
        repairs::create(
            w,
            &eid,
            &RepairInput {
                unit: Some("1-1-101".into()),
                reporter_name: Some("李娜".into()),
                phone: Some("13700137000".into()),
                kind: Some("房屋".into()),
                content: Some("厨房下水道堵塞".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    record_intake(
        &mut d,
        &IntakeInput {
            channel: Some("来访".into()),
            kind: Some("咨询".into()),
            content: Some("询问停车月卡办理".into()),
            ..complaint_call()
        },
    );
    d.clock.advance(Duration::hours(2));
    Fixture {
        d,
        closed,
        unvisited,
        odd,
        slip_no,
    }
}

fn out(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Every sheet's cells as text (dates as Excel serials), by sheet name.
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    // calamine's range starts at the first used cell; the title is always at A1.
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(|r| r.to_vec()).collect()
}

pub fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// A zip member of the workbook as text.
fn member(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

pub fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    wb.sheet_names()
}

/// The data row whose `key` column has `value`, as header → cell.
fn row_by(rows: &[Vec<Data>], key: &str, value: &str) -> Vec<(String, Data)> {
    let header: Vec<String> = rows[2].iter().map(text).collect();
    let k = header.iter().position(|h| h == key).expect("key column");
    let row = rows[3..]
        .iter()
        .find(|r| text(&r[k]) == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}"));
    header.into_iter().zip(row.iter().cloned()).collect()
}

fn cell<'a>(row: &'a [(String, Data)], header: &str) -> &'a Data {
    &row.iter()
        .find(|(h, _)| h == header)
        .unwrap_or_else(|| panic!("no column {header}"))
        .1
}

/// The complaint register of `period` into `p`.
fn complaint_register(
    f: &Fixture,
    period: &Period,
    p: &Path,
    d: Disclosure,
    progress: frontdesk::Progress,
) -> xlsx::Written {
    xlsx::complaint_register(
        f.d.store.conn(),
        &f.d.estate.id,
        period,
        f.d.store.now(),
        d,
        p,
        progress,
    )
    .unwrap()
}

fn register(f: &Fixture, dir: &Path, d: Disclosure) -> PathBuf {
    let p = out(dir, "register.xlsx");
    let mut seen = Vec::new();
    let w = complaint_register(f, &november(), &p, d, &mut |done, total| {
        seen.push((done, total))
    });
    assert_eq!(w.rows, 3);
    assert_eq!(seen.last(), Some(&(3, 3)), "progress ends at the total");
    assert_eq!(w.bytes, std::fs::metadata(&p).unwrap().len());
    p
}

#[test]
fn complaint_register_cells_match_the_records() {
    let f = fixture();
    let dir = scratch("xlsx-register-cells");
    let p = register(&f, &dir, Disclosure::Masked);
    let rows = sheet(&p, "投诉登记");
    assert_eq!(text(&rows[0][0]), "《客户投诉处理记录表》");
    let sub = text(&rows[1][0]);
    for needle in ["龙湖花园", "2026年11月", "共 3 条"] {
        assert!(sub.contains(needle), "{sub}");
    }
    assert_eq!(
        rows.len(),
        3 + 3,
        "title, subtitle, header and three complaints"
    );

    let closed = row_by(&rows, "投诉编号", &f.closed.no);
    let expected: &[(&str, &str)] = &[
        ("序号", "1"),
        ("房号", "3-2-1201"),
        ("客户", "张伟"),
        ("联系电话", "138****8000"),
        ("渠道", "来电"),
        ("投诉性质", "有效投诉"),
        ("投诉类别", "物业管理"),
        ("等级", "一般"),
        ("投诉内容", "楼上卫生间漏水，天花板发霉"),
        ("业主要求", "尽快维修并赔偿"),
        ("处理状态", "已结案"),
        ("沟通次数", "1"),
        ("处理过程/结果", "已维修，业主确认不再漏水"),
        ("满意度", "满意"),
        ("被投诉部门/人", "工程维修部"),
        ("接待人", "李前台"),
        ("回访人", "李前台"),
        ("回访结果", "满意：业主满意"),
        ("是否超时", "否"),
    ];
    for (header, value) in expected {
        assert_eq!(text(cell(&closed, header)), *value, "column {header}");
    }
    // Times are real dates in Beijing time: 2026-11-23 09:00.
    match cell(&closed, "登记时间") {
        Data::DateTime(t) => {
            let serial = t.as_f64();
            let expected = 46349.0 + 9.0 / 24.0; // 2026-11-23 09:00
            assert!((serial - expected).abs() < 1e-6, "{serial}");
        }
        other => panic!("登记时间 is not a date: {other:?}"),
    }
    assert!(matches!(cell(&closed, "处理时限"), Data::DateTime(_)));
    assert!(matches!(cell(&closed, "结案时间"), Data::DateTime(_)));

    let odd = row_by(&rows, "投诉编号", &f.odd.no);
    assert_eq!(text(cell(&odd, "投诉内容")), ODD);
    assert_eq!(text(cell(&odd, "联系电话")), "139****9000");
    assert_eq!(text(cell(&odd, "投诉类别")), "工程质量");
    assert_eq!(
        text(cell(&odd, "处理状态")),
        "已派单",
        "the slip dispatched it"
    );
    assert_eq!(text(cell(&odd, "结案时间")), "");
    let unvisited = row_by(&rows, "投诉编号", &f.unvisited.no);
    assert_eq!(text(cell(&unvisited, "回访结果")), "");
}

#[test]
fn register_layout_freeze_filter_print_titles_paper_footer() {
    let f = fixture();
    let dir = scratch("xlsx-register-layout");
    let p = register(&f, &dir, Disclosure::Masked);
    let ws = member(&p, "xl/worksheets/sheet1.xml");
    let wb = member(&p, "xl/workbook.xml");
    let checks: &[(&str, &str, &str)] = &[
        ("merged title", &ws, "<mergeCell ref=\"A1:AB1\"/>"),
        ("merged subtitle", &ws, "<mergeCell ref=\"A2:AB2\"/>"),
        ("frozen header", &ws, "topLeftCell=\"A4\""),
        ("frozen state", &ws, "state=\"frozen\""),
        ("frozen below row 3", &ws, "ySplit=\"3\""),
        ("autofilter", &ws, "<autoFilter ref=\"A3:AB6\"/>"),
        ("landscape", &ws, "orientation=\"landscape\""),
        ("A4", &ws, "paperSize=\"9\""),
        ("one page wide", &ws, "fitToHeight=\"0\""),
        ("fit to page", &ws, "<pageSetUpPr fitToPage=\"1\"/>"),
        (
            "footer",
            &ws,
            "<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>",
        ),
        ("print titles", &wb, "_xlnm.Print_Titles"),
        ("print titles rows", &wb, "投诉登记!$3:$3"),
        ("filter database", &wb, "_xlnm._FilterDatabase"),
    ];
    for (what, xml, needle) in checks {
        assert!(xml.contains(needle), "{what}: {needle} not in XML");
    }
    // Widths computed for Chinese: 投诉类别 values are 4 CJK characters (8 units) plus padding,
    // the wrapped 投诉内容 is fixed at 28.
    // (Excel stores a width of w characters as w + 0.71 with 5 pixels of margin.)
    let cases: &[(usize, &str, f64)] = &[
        (13, "投诉类别: 物业管理 + padding", 10.28515625),
        (16, "投诉内容: wrapped at 28", 28.7109375),
        (9, "联系电话: 11 digits + padding", 13.28515625),
        (3, "登记时间: a date-time", 16.7109375),
    ];
    for (col, what, width) in cases {
        assert_eq!(col_width(&ws, *col), *width, "{what}");
    }
}

/// A register's cells carry no borders of their own: one conditional format over exactly the
/// table's rows and columns draws them, blank cells are not written, and every column has the
/// format its values are shown with (so text typed into the table later looks the same).
#[test]
fn register_borders_from_one_rule_over_the_table_and_formats_from_columns() {
    let f = fixture();
    let dir = scratch("xlsx-register-borders");
    let p = register(&f, &dir, Disclosure::Masked);
    let ws = member(&p, "xl/worksheets/sheet1.xml");
    let styles = member(&p, "xl/styles.xml");

    let rule = "<conditionalFormatting sqref=\"A4:AB6\"><cfRule type=\"expression\" dxfId=\"0\" priority=\"1\"><formula>TRUE</formula></cfRule></conditionalFormatting>";
    assert!(ws.contains(rule), "one rule over the 3 rows: {ws}");
    assert_eq!(ws.matches("<conditionalFormatting").count(), 1);
    let dxfs = &styles[styles.find("<dxfs").unwrap()..styles.find("</dxfs>").unwrap()];
    for side in ["left", "right", "top", "bottom"] {
        assert!(
            dxfs.contains(&format!("<{side} style=\"thin\">")),
            "{side} border in the rule's style: {dxfs}"
        );
    }

    let rows = &ws[ws.find("<row r=\"4\"").unwrap()..ws.find("<row r=\"7\"").unwrap()];
    assert!(!rows.contains("/>"), "no blank cells written: {rows}");
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("A4", "序号", Some("0")),
        ("B4", "投诉编号", None),
        ("C4", "登记时间", Some("yyyy-mm-dd hh:mm")),
    ];
    let num_format = |xf: &str| -> Option<String> {
        let id = attr(xf, "numFmtId")?;
        let at = styles.find(&format!("<numFmt numFmtId=\"{id}\""))?;
        let tag = &styles[at..at + styles[at..].find('>').unwrap()];
        Some(attr(tag, "formatCode")?.replace("&quot;", "\""))
    };
    for (cell_ref, what, format) in cases {
        let xf = format!(" {}", xf_of(&styles, style_of(&ws, cell_ref)));
        assert_eq!(
            attr(&xf, "borderId"),
            Some("0"),
            "{what}: no border of its own"
        );
        assert_eq!(num_format(&xf).as_deref(), *format, "{what}: number format");
    }
    let header = format!(" {}", xf_of(&styles, style_of(&ws, "B3")));
    assert_ne!(attr(&header, "borderId"), Some("0"), "the header is boxed");
    let cols = &ws[ws.find("<cols>").unwrap()..ws.find("</cols>").unwrap()];
    let styled = cols
        .split("<col ")
        .skip(1)
        .filter(|c| c.contains(" style=\""))
        .count();
    assert_eq!(
        styled,
        cols.split("<col ").skip(1).count(),
        "every column styled: {cols}"
    );
}

/// The row numbers of a sheet's XML, in the order they are written.
fn row_numbers(xml: &str) -> Vec<u32> {
    xml.split("<row r=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// Every row of every sheet is written once and in order (Excel reports a file with a row twice
/// as damaged), including a register whose last row is taller than one line, and an empty one.
#[test]
fn every_sheet_has_each_row_once_and_in_order() {
    let f = fixture();
    let dir = scratch("xlsx-rows-once");
    let month = out(&dir, "month.xlsx");
    month_workbook(&f, &month, &mut |_, _| {});
    let tall = register(&f, &dir, Disclosure::Masked);
    let empty = out(&dir, "empty.xlsx");
    let none = Period::month("2020-01").unwrap();
    complaint_register(&f, &none, &empty, Disclosure::Masked, &mut |_, _| {});
    for p in [&month, &tall, &empty] {
        for (i, name) in sheet_names(p).iter().enumerate() {
            let xml = member(p, &format!("xl/worksheets/sheet{}.xml", i + 1));
            let rows = row_numbers(&xml);
            assert!(
                rows.windows(2).all(|w| w[0] < w[1]),
                "{}: sheet {name}: rows {rows:?}",
                p.display()
            );
        }
    }
}

#[test]
fn phones_are_masked_by_default_and_full_only_when_granted() {
    let mut f = fixture();
    let dir = scratch("xlsx-unmask");
    let p = register(&f, &dir, Disclosure::Masked);
    let xml = member(&p, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("138****8000") && !xml.contains("13800138000"));

    let eid = f.d.estate.id.clone();
    let clerk = f.d.clerk.clone();
    let denied = f.d.store.write(&clerk, |w| {
        documents::unmask(w, &eid, "客户投诉处理记录表 2026年11月")
    });
    assert!(matches!(denied, Err(Error::Denied(_))), "{denied:?}");
    let sup = f.d.supervisor.clone();
    let full =
        f.d.store
            .write(&sup, |w| {
                documents::unmask(w, &eid, "客户投诉处理记录表 2026年11月")
            })
            .unwrap();
    let p = register(&f, &dir, full);
    let rows = sheet(&p, "投诉登记");
    let closed = row_by(&rows, "投诉编号", &f.closed.no);
    assert_eq!(text(cell(&closed, "联系电话")), "13800138000");
}

#[test]
fn a_failing_export_leaves_no_file_and_keeps_an_older_one() {
    let f = fixture();
    let dir = scratch("xlsx-failing");
    let conn = f.d.store.conn();
    let now = f.d.store.now();
    // A slip that does not exist: nothing is written, an older file stays as it was.
    let p = out(&dir, "slip.xlsx");
    std::fs::write(&p, b"older").unwrap();
    let r = xlsx::slip_form(conn, "LH-XT2026-9999", now, Disclosure::Masked, &p);
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    assert_eq!(std::fs::read(&p).unwrap(), b"older");
    // A folder that does not exist.
    let missing = dir.join("no-such-folder").join("r.xlsx");
    let r = xlsx::slip_register(
        conn,
        &f.d.estate.id,
        &november(),
        now,
        Disclosure::Masked,
        &missing,
    );
    assert_invalid(r, "out", "文件夹不存在");
    assert!(!missing.exists());
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("slip.xlsx")],
        "no temporary files left"
    );
}

#[test]
fn the_logs_and_registers_hold_the_right_rows() {
    let f = fixture();
    let dir = scratch("xlsx-logs");
    let conn = f.d.store.conn();
    let (eid, now, m) = (f.d.estate.id.as_str(), f.d.store.now(), november());
    type Export = fn(
        &rusqlite::Connection,
        &str,
        &Period,
        chrono::DateTime<chrono::Utc>,
        Disclosure,
        &Path,
    ) -> Result<xlsx::Written>;
    // (export, sheet, title, rows, a column and a value one row must have)
    let cases: &[(Export, &str, &str, u64, &str, &str)] = &[
        (
            xlsx::slip_register,
            "协调单登记",
            "《前台协调单登记表》",
            1,
            "协调单号",
            &f.slip_no,
        ),
        (
            xlsx::phone_log,
            "电话接待",
            "《电话接待记录本》",
            3,
            "联系电话",
            "139****9000",
        ),
        (
            xlsx::service_requests,
            "服务需求",
            "《客户服务需求记录表》",
            4,
            "类型",
            "咨询",
        ),
        (
            xlsx::followup_list,
            "回访",
            "《回访记录表》",
            2,
            "回访结果",
            "满意",
        ),
    ];
    for (i, (export, sheet_name, title, n, key, value)) in cases.iter().enumerate() {
        let p = out(&dir, &format!("log{i}.xlsx"));
        let w = export(conn, eid, &m, now, Disclosure::Masked, &p).unwrap();
        assert_eq!(w.rows, *n, "{title}");
        let rows = sheet(&p, sheet_name);
        assert_eq!(text(&rows[0][0]), *title);
        assert_eq!(rows.len() as u64, 3 + n, "{title}");
        row_by(&rows, key, value);
    }
    // The phone log has only calls; the request log says what a contact led to.
    let p = out(&dir, "requests.xlsx");
    xlsx::service_requests(conn, eid, &m, now, Disclosure::Masked, &p).unwrap();
    let rows = sheet(&p, "服务需求");
    let odd = row_by(&rows, "需求内容", ODD);
    let handling = text(cell(&odd, "处理情况"));
    assert!(
        handling.contains(&f.odd.no) && handling.contains(&f.slip_no),
        "{handling}"
    );
    // The seed's columns (004 4.5.1 a): 发生时间, 地点, 被投诉部门/人 beside the need.
    for header in ["发生时间", "地点", "被投诉部门/人", "客户要求"] {
        cell(&odd, header);
    }
    // 前台协调单登记表 shows what was asked (反映问题) and, once returned, the 处理结果.
    let p = out(&dir, "slips.xlsx");
    xlsx::slip_register(conn, eid, &m, now, Disclosure::Masked, &p).unwrap();
    let rows = sheet(&p, "协调单登记");
    let slip = row_by(&rows, "协调单号", &f.slip_no);
    assert!(text(cell(&slip, "反映问题")).starts_with(ODD));
    cell(&slip, "处理结果");

    let p = out(&dir, "repairs.xlsx");
    let w =
        xlsx::repair_register(conn, eid, &m, now, Disclosure::Masked, &p, &mut |_, _| {}).unwrap();
    assert_eq!(w.rows, 1);
    let rows = sheet(&p, "维修单");
    let r = row_by(&rows, "报修人", "李娜");
    for (header, value) in [
        ("房号/地点", "1-1-101"),
        ("联系电话", "137****7000"),
        ("类别", "房屋"),
        ("报修内容", "厨房下水道堵塞"),
        ("状态", "已报修"),
        ("费用（元）", "0"),
    ] {
        assert_eq!(text(cell(&r, header)), value, "{header}");
    }
}

/// The width of a column (1-based) from a sheet's `<cols>`.
fn col_width(ws: &str, col: usize) -> f64 {
    let cols = &ws[ws.find("<cols>").unwrap()..ws.find("</cols>").unwrap()];
    let attr = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    cols.split("<col ")
        .skip(1)
        .find(|t| attr(t, "min") as usize <= col && col <= attr(t, "max") as usize)
        .map(|t| attr(t, "width"))
        .expect("column width")
}

/// The cell style index of a cell in a sheet's XML, e.g. `C4`.
fn style_of(xml: &str, cell_ref: &str) -> usize {
    let at = xml.find(&format!("<c r=\"{cell_ref}\"")).expect("cell");
    let tag = &xml[at..at + xml[at..].find('>').unwrap()];
    let s = tag
        .split("s=\"")
        .nth(1)
        .expect("styled")
        .split('"')
        .next()
        .unwrap();
    s.parse().unwrap()
}

/// The `<xf …>` tag of a cell style, from styles.xml.
fn xf_of(styles: &str, xf: usize) -> &str {
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let tag = xfs.split("<xf ").nth(xf + 1).unwrap();
    &tag[..tag.find('>').unwrap()]
}

/// An attribute's value in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()
}

/// The fill colour (ARGB) of a cell style, from styles.xml.
fn fill_of(styles: &str, xf: usize) -> Option<String> {
    let fill: usize = attr(&format!(" {}", xf_of(styles, xf)), "fillId")?
        .parse()
        .ok()?;
    let fills = &styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()];
    let f = fills.split("<fill>").nth(fill + 1)?;
    Some(f.split("rgb=\"").nth(1)?.split('"').next()?.to_string())
}

/// The fixture's November workbook, phones masked.
fn month_workbook(f: &Fixture, p: &Path, progress: frontdesk::Progress) -> xlsx::Written {
    xlsx::month_workbook(
        f.d.store.conn(),
        &f.d.estate.id,
        &november(),
        f.d.store.now(),
        Disclosure::Masked,
        p,
        progress,
    )
    .unwrap()
}

#[test]
fn month_workbook_sheets_statistics_and_kpi_fills() {
    let f = fixture();
    let dir = scratch("xlsx-month");
    let p = out(&dir, "month.xlsx");
    let w = month_workbook(&f, &p, &mut |_, _| {});
    assert_eq!(w.rows, 3 + 1 + 1 + 2, "complaints, slips, repairs, 回访");
    assert_eq!(
        sheet_names(&p),
        [
            "投诉登记",
            "协调单登记",
            "维修单",
            "回访",
            "按等级",
            "按类别",
            "按部门",
            "按渠道",
            "指标",
            "维修回访",
            "住户回访"
        ]
    );
    // The repair 回访 by role against the seed's quotas, one row a quota.
    let repair_visits = sheet(&p, "维修回访");
    let lead = row_by(&repair_visits, "回访人", "维修负责人");
    assert_eq!(text(cell(&lead, "要求")), "≥ 60%");
    assert_eq!(text(cell(&lead, "岗位")), "协调员");
    assert_eq!(
        text(cell(
            &row_by(&repair_visits, "回访人", "管理处经理"),
            "要求"
        )),
        "≥ 10%"
    );
    // The quarter's household visits up to the month's end: none yet, the head's year not done.
    let visits = sheet(&p, "住户回访");
    assert!(text(&visits[1][0]).contains("2026年第4季度（截至2026-11-30）"));
    let head = row_by(&visits, "类别", "主任");
    assert_eq!(text(cell(&head, "应回访")), "1");
    assert_eq!(text(cell(&head, "已回访")), "0");
    let grades = sheet(&p, "按等级");
    let general = row_by(&grades, "等级", "一般");
    assert_eq!(text(cell(&general, "件数")), "3");
    let cats = sheet(&p, "按类别");
    assert_eq!(text(cell(&row_by(&cats, "类别", "工程质量"), "件数")), "1");
    let channels = sheet(&p, "按渠道");
    assert_eq!(text(cell(&row_by(&channels, "渠道", "来访"), "件数")), "1");

    let kpis = sheet(&p, "指标");
    let followup = row_by(&kpis, "指标", "回访率");
    assert_eq!(text(cell(&followup, "本期值")), "50");
    assert_eq!(text(cell(&followup, "目标")), "≥ 100%");
    assert_eq!(text(cell(&followup, "是否达标")), "未达标");
    let satisfaction = row_by(&kpis, "指标", "满意率");
    assert_eq!(text(cell(&satisfaction, "是否达标")), "达标");

    // Red fill on the missed value, green on the met one (the 本期值 column is C).
    let xml = member(&p, "xl/worksheets/sheet9.xml");
    let styles = member(&p, "xl/styles.xml");
    let header: Vec<String> = kpis[2].iter().map(text).collect();
    let row_of = |label: &str| 1 + kpis.iter().position(|r| text(&r[1]) == label).unwrap();
    assert_eq!(header[2], "本期值");
    let red = fill_of(&styles, style_of(&xml, &format!("C{}", row_of("回访率"))));
    let green = fill_of(&styles, style_of(&xml, &format!("C{}", row_of("满意率"))));
    assert_eq!(red.as_deref(), Some("FFFFC7CE"));
    assert_eq!(green.as_deref(), Some("FFC6EFCE"));
}

/// Every sheet's subtitle (estate, period, count, 制表时间) fits the table's width: on a narrow
/// sheet such as 按等级 it is broken into lines and its row made tall enough, so nothing is cut
/// off in print.
#[test]
fn subtitles_fit_their_tables_on_every_sheet() {
    use frontdesk::documents::xlsx::sheet::display_width;
    let f = fixture();
    let dir = scratch("xlsx-subtitles");
    let p = out(&dir, "month.xlsx");
    month_workbook(&f, &p, &mut |_, _| {});
    let mut wrapped = Vec::new();
    for (i, name) in sheet_names(&p).iter().enumerate().take(8) {
        let rows = sheet(&p, name);
        let subtitle = text(&rows[1][0]);
        assert!(subtitle.contains("制表时间：2026-"), "{name}: {subtitle}");
        let xml = member(&p, &format!("xl/worksheets/sheet{}.xml", i + 1));
        let columns = rows[2].iter().filter(|c| !text(c).is_empty()).count();
        let table: f64 = (1..=columns).map(|c| col_width(&xml, c)).sum();
        for line in subtitle.lines() {
            assert!(
                display_width(line) <= table,
                "{name}: {line:?} is wider than the table ({table})"
            );
        }
        let lines = subtitle.lines().count();
        if lines > 1 {
            wrapped.push(name.clone());
            let row2 = xml.split("<row r=\"2\"").nth(1).unwrap();
            let height: f64 = row2
                .split("ht=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                height >= lines as f64 * 13.5,
                "{name}: row 2 is {height} high"
            );
        }
    }
    assert!(wrapped.contains(&"按等级".to_string()), "{wrapped:?}");
}

/// The two big registers of the month are written on threads of their own while their rows are
/// read: with more rows than one hand-over batch, every row is there once and in order, progress
/// only goes forward, and two runs give the same workbook, part for part.
#[test]
fn month_workbook_rows_in_order_and_the_same_on_every_run() {
    let mut f = fixture();
    let eid = f.d.estate.id.clone();
    for n in 1..=300 {
        as_clerk(&mut f.d, |w| {
            repairs::create(
                w,
                &eid,
                &RepairInput {
                    unit: Some("1-1-101".into()),
                    reporter_name: Some("李娜".into()),
                    kind: Some("房屋".into()),
                    content: Some(format!("第{n}号报修：卫生间漏水")),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }
    let dir = scratch("xlsx-month-threads");
    let write = |name: &str| {
        let p = out(&dir, name);
        let mut seen = Vec::new();
        let w = month_workbook(&f, &p, &mut |done, total| seen.push((done, total)));
        (p, w.rows, seen)
    };
    let (a, rows, seen) = write("a.xlsx");
    assert_eq!(rows, 3 + 1 + 301 + 2, "complaints, slips, repairs, 回访");
    assert!(seen.windows(2).all(|p| p[0].0 <= p[1].0), "{seen:?}");
    assert!(seen.iter().all(|(done, total)| done <= total), "{seen:?}");
    assert_eq!(seen.last(), Some(&(rows, rows)));

    let sheet_rows = sheet(&a, "维修单");
    let data = &sheet_rows[3..];
    assert_eq!(data.len(), 301);
    let numbers: Vec<String> = data.iter().map(|r| text(&r[0])).collect();
    let expected: Vec<String> = (1..=301).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected, "序号 1…301 in order");
    let header: Vec<String> = sheet_rows[2].iter().map(text).collect();
    let content = header.iter().position(|h| h == "报修内容").unwrap();
    let ours: Vec<String> = data
        .iter()
        .map(|r| text(&r[content]))
        .filter(|c| c.ends_with("号报修：卫生间漏水"))
        .collect();
    let in_order: Vec<String> = (1..=300)
        .map(|n| format!("第{n}号报修：卫生间漏水"))
        .collect();
    assert_eq!(ours, in_order);

    let (b, _, _) = write("b.xlsx");
    let names = |p: &Path| -> Vec<String> {
        let zip = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        zip.file_names().map(|n| n.unwrap().into_owned()).collect()
    };
    assert_eq!(names(&a), names(&b));
    for name in names(&a) {
        if name != "docProps/core.xml" {
            assert!(member(&a, &name) == member(&b, &name), "{name} differs");
        }
    }
}

#[test]
fn a_slip_as_a_form_with_a_long_report_split_over_rows() {
    let mut f = fixture();
    let dir = scratch("xlsx-slip");
    let long: String = "楼上卫生间漏水，天花板发霉，墙面起皮。"
        .repeat(200)
        .chars()
        .take(2000)
        .collect();
    let i = record_intake(
        &mut f.d,
        &IntakeInput {
            content: Some(long.clone()),
            ..complaint_call()
        },
    );
    let eid = f.d.estate.id.clone();
    let c = as_clerk(&mut f.d, |w| {
        complaints::open(
            w,
            &eid,
            &complaints::ComplaintInput {
                intake: Some(i.no.clone()),
                category: Some("物业管理".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let slip = slip_for(&mut f.d, &c.no, "工程维修部", Some("sun"));
    let p = out(&dir, "slip.xlsx");
    xlsx::slip_form(
        f.d.store.conn(),
        &slip.no,
        f.d.store.now(),
        Disclosure::Masked,
        &p,
    )
    .unwrap();
    let rows = sheet(&p, "协调单");
    assert_eq!(text(&rows[0][0]), "《龙湖花园协调单》");
    let find = |label: &str| {
        rows.iter()
            .find(|r| text(&r[0]) == label)
            .unwrap_or_else(|| panic!("no {label}"))
    };
    assert_eq!(text(&find("编号")[1]), slip.no);
    assert_eq!(text(&find("联系电话")[1]), "138****8000");
    assert_eq!(text(&find("联系电话")[3]), "一般");
    assert_eq!(text(&find("责任部门")[1]), "工程维修部");
    // The report continues over （续） rows; together they are the text, none starts with
    // closing punctuation.
    let pieces: Vec<String> = rows
        .iter()
        .filter(|r| text(&r[0]).starts_with("反映内容"))
        .map(|r| text(&r[1]))
        .collect();
    assert!(pieces.len() > 1, "a 2,000-character report is split");
    assert_eq!(pieces.concat(), slip.content);
    for p in &pieces[1..] {
        assert!(!p.starts_with(['，', '。', '、']), "{p}");
    }
    let ws = member(&p, "xl/worksheets/sheet1.xml");
    assert!(ws.contains("paperSize=\"11\"") && ws.contains("orientation=\"landscape\""));
    assert!(ws.contains("<mergeCell ref=\"A1:D1\"/>"));

    // Only the required fields: no complaint grade, empty boxes, still a form.
    let p2 = out(&dir, "slip-minimal.xlsx");
    xlsx::slip_form(
        f.d.store.conn(),
        &f.slip_no,
        f.d.store.now(),
        Disclosure::Masked,
        &p2,
    )
    .unwrap();
    let rows = sheet(&p2, "协调单");
    assert!(rows.iter().any(|r| text(&r[0]) == "处理结果"));
}

#[test]
fn periods_are_checked() {
    let m = Period::month("２０２６-１１").unwrap();
    assert_eq!(m.label(), "2026年11月");
    assert_eq!(m.to.to_string(), "2026-11-30");
    let (from, to) = m.bounds().unwrap();
    assert_eq!(frontdesk::time::to_db(from), "2026-10-31T16:00:00.000Z");
    assert_eq!(frontdesk::time::to_db(to), "2026-11-30T16:00:00.000Z");
    assert_invalid(Period::month("2026-13"), "month", "格式不正确");
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_invalid(
        Period::new(d("2026-11-02"), d("2026-11-01")),
        "to",
        "不能早于",
    );
    assert_eq!(
        Period::new(d("2026-11-01"), d("2026-11-07"))
            .unwrap()
            .label(),
        "2026-11-01 至 2026-11-07"
    );
}

#[test]
fn chinese_widths_and_line_splitting() {
    use frontdesk::documents::xlsx::sheet::{display_width, wrapped_lines};
    let cases: &[(&str, f64)] = &[
        ("abc", 3.0),
        ("物业管理", 8.0),
        ("3-2-1201", 8.0),
        ("😀𠮷", 4.0),
        ("１２", 4.0),
    ];
    for (s, w) in cases {
        assert_eq!(display_width(s), *w, "{s}");
    }
    assert_eq!(wrapped_lines("物业管理", 20.0), 1.0);
    assert_eq!(wrapped_lines("物业管理物业管理物业管理", 10.0), 3.0);
    assert_eq!(wrapped_lines("一\n二", 10.0), 2.0);
}

/// Every complaint is in the 《客户投诉处理记录表》 (seed 000, 职责 3.1): a 投诉 explained and
/// settled at the counter, never opened as a case, is a row with the intake's number and 当场处理,
/// in time order with the cases; a 投诉 neither settled nor opened is a row marked 未立案; a voided
/// intake is not. The PDF register and the month workbook's sheet hold the same rows, and the
/// complaint KPIs (about cases) do not count them.
#[test]
fn complaints_settled_at_the_desk_are_registered_with_the_cases() {
    let mut f = fixture();
    let settled = record_intake(
        &mut f.d,
        &IntakeInput {
            received_at: Some("2026-11-23 08:30".into()),
            channel: Some("来访".into()),
            happened_at: Some("昨晚十点".into()),
            location: Some("3栋地下车库".into()),
            about: Some("秩序维护部 保安队".into()),
            content: Some("保安巡逻时大声喧哗".into()),
            request: Some("加强管理".into()),
            reply: Some("已致歉并说明夜间巡逻规定".into()),
            settled_on_spot: true,
            ..complaint_call()
        },
    );
    let pending = record_intake(
        &mut f.d,
        &IntakeInput {
            content: Some("电梯广告噪音大".into()),
            ..complaint_call()
        },
    );
    let voided = record_intake(&mut f.d, &complaint_call());
    as_clerk(&mut f.d, |w| {
        frontdesk::intake::void(w, &voided.no, Some("重复登记"))
    })
    .unwrap();

    let dir = scratch("xlsx-register-at-desk");
    let p = out(&dir, "register.xlsx");
    let w = complaint_register(&f, &november(), &p, Disclosure::Masked, &mut |_, _| {});
    assert_eq!(
        w.rows, 5,
        "three cases, the settled 投诉 and the unopened one"
    );
    let rows = sheet(&p, "投诉登记");
    let header: Vec<String> = rows[2].iter().map(text).collect();
    let no = header.iter().position(|h| h == "投诉编号").unwrap();
    assert_eq!(
        text(&rows[3][no]),
        settled.no,
        "08:30 comes before the cases"
    );
    assert!(!rows[3..].iter().any(|r| text(&r[no]) == voided.no));

    let row = row_by(&rows, "投诉编号", &settled.no);
    let expected: &[(&str, &str)] = &[
        ("序号", "1"),
        ("渠道", "来访"),
        ("发生时间", "昨晚十点"),
        ("地点", "3栋地下车库"),
        ("房号", "3-2-1201"),
        ("客户", "张伟"),
        ("联系电话", "138****8000"),
        ("被投诉部门/人", "秩序维护部 保安队"),
        ("接待人", "李前台"),
        ("投诉性质", ""),
        ("等级", ""),
        ("投诉内容", "保安巡逻时大声喧哗"),
        ("业主要求", "加强管理"),
        ("处理时限", ""),
        ("处理状态", "当场处理"),
        ("处理过程/结果", "前台答复：已致歉并说明夜间巡逻规定"),
        ("回访人", ""),
        ("是否超时", ""),
    ];
    for (header, value) in expected {
        assert_eq!(text(cell(&row, header)), *value, "column {header}");
    }
    let row = row_by(&rows, "投诉编号", &pending.no);
    assert_eq!(text(cell(&row, "处理状态")), "未立案");

    let month = out(&dir, "month.xlsx");
    let w = month_workbook(&f, &month, &mut |_, _| {});
    let sheet_rows = sheet(&month, "投诉登记");
    assert_eq!(sheet_rows.len(), 3 + 5, "the month's complaint sheet too");
    assert!(w.rows >= 5);
    let report = frontdesk::kpi::compute(
        f.d.store.conn(),
        &f.d.estate.id,
        november().from,
        november().to + Duration::days(1),
        f.d.store.now(),
    )
    .unwrap();
    let cases: i64 = report.complaints.by_status.iter().map(|c| c.count).sum();
    assert_eq!(cases, 3, "the complaint statistics count cases only");

    let pdf = out(&dir, "register.pdf");
    frontdesk::documents::pdf::complaint_register(
        f.d.store.conn(),
        &f.d.estate.id,
        november().from,
        november().to,
        Disclosure::Masked,
        f.d.store.now(),
        &pdf,
        &mut |_, _| {},
    )
    .unwrap();
    let printed = crate::documents_pdf::read(&pdf).text();
    for needle in [settled.no.as_str(), "当场处理", "未立案", "秩序维护部"] {
        assert!(printed.contains(needle), "{needle} not printed");
    }
}

/// The 《维修有偿服务项目及收费标准》 for the counter: the live items by code with their prices, the
/// estate and the day of the list's latest change; a voided item is left out; the PDF says the same.
#[test]
fn the_price_list_for_the_counter() {
    use frontdesk::documents::{price_list, Format};
    use frontdesk::repairs::{self, PriceItemInput};
    let mut d = desk();
    let eid = d.estate.id.clone();
    let item = |code: &str, name: &str, price: &str| PriceItemInput {
        code: Some(code.into()),
        name: Some(name.into()),
        unit: Some("次".into()),
        price: Some(price.into()),
        note: None,
    };
    crate::complaints::as_supervisor(&mut d, |w| {
        repairs::add_price_item(w, &eid, &item("P02", "疏通下水道", "80"))?;
        repairs::add_price_item(w, &eid, &item("P01", "更换水龙头", "30.50"))?;
        repairs::add_price_item(w, &eid, &item("P03", "更换灯泡", "10"))
    })
    .unwrap();
    d.clock.advance(Duration::days(3));
    crate::complaints::as_supervisor(&mut d, |w| {
        repairs::void_price_item(w, &eid, "P03", Some("不再提供"))
    })
    .unwrap();
    let dir = scratch("xlsx-price-list");
    let conn = d.store.conn();
    let name = price_list::file_name(conn, &eid, Format::Xlsx).unwrap();
    assert_eq!(name, "龙湖花园维修有偿服务项目及收费标准.xlsx");
    let p = out(&dir, &name);
    let w = price_list::write(conn, &eid, Format::Xlsx, d.store.now(), &p).unwrap();
    assert_eq!(w.count, 2, "the voided item is not on the list");
    let rows = sheet(&p, "收费标准");
    assert_eq!(text(&rows[0][0]), "《维修有偿服务项目及收费标准》");
    let sub = text(&rows[1][0]);
    for needle in ["龙湖花园", "自 2026-11-26 起执行", "共 2 条"] {
        assert!(sub.contains(needle), "{sub}");
    }
    let first = row_by(&rows, "序号", "1");
    assert_eq!(text(cell(&first, "项目编号")), "P01");
    assert_eq!(text(cell(&first, "服务项目")), "更换水龙头");
    assert_eq!(text(cell(&first, "计价单位")), "次");
    assert_eq!(cell(&first, "收费标准（元）"), &Data::Float(30.5));
    assert_eq!(text(cell(&row_by(&rows, "序号", "2"), "项目编号")), "P02");

    let pdf = out(&dir, "price-list.pdf");
    let w = price_list::write(conn, &eid, Format::Pdf, d.store.now(), &pdf).unwrap();
    assert_eq!(w.count, 1, "one page");
    let printed = crate::documents_pdf::read(&pdf).text();
    for needle in [
        "《维修有偿服务项目及收费标准》",
        "自 2026-11-26 起执行",
        "更换水龙头",
        "30.50",
    ] {
        assert!(printed.contains(needle), "{needle} not printed: {printed}");
    }
    assert!(!printed.contains("更换灯泡"));
}
