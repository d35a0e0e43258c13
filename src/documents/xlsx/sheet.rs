//! The one register-sheet writer every XLSX table goes through, and the cell formats they share.
//!
//! A table is data: a list of [`Column`]s (header, width rule, value getter) over a row type. The
//! writer lays out every register the same way: a merged title row (《…》), a merged line with the
//! estate, the period and the row count, the frozen header row with an autofilter, then the rows in
//! order (constant-memory mode: memory stays flat however many rows there are). Printing: A4
//! landscape, one page wide, the header row repeated on every page, 第 N 页，共 M 页 in the footer.
//!
//! Invariants:
//! - Column widths are computed from the data (CJK characters count two widths, Excel's own
//!   autofit undercounts them), never wider than the column's cap; text columns that can be long
//!   wrap instead at a fixed width.
//! - Times are real Excel date-times in Beijing time with a date format, never text.
//! - A register's cells carry no borders: one conditional format draws the table's thin borders
//!   over exactly its rows and columns, so that blank cells are not written and the cells of a
//!   column share its format (no format lookup per cell; the file is a quarter smaller). Cells
//!   written one by one (forms) are boxed with borders of their own ([`Formats::boxed`]).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, ExcelDateTime, Format, FormatAlign, FormatBorder,
    IntoExcelData, Workbook, Worksheet, XlsxError,
};

use crate::documents::disclosure::Disclosure;
use crate::error::{Error, Result};
use crate::time;

/// Excel's paper code for A4.
pub const PAPER_A4: u8 = 9;
/// Excel's paper code for A5.
pub const PAPER_A5: u8 = 11;

/// The header row (0-based): the title and the subtitle come before it.
pub const HEADER_ROW: u32 = 2;
/// Height of one line of 10-point text, in points.
pub const LINE_HEIGHT: f64 = 13.5;
/// Excel's tallest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// Width a cell's margins take, in character units.
const PADDING: f64 = 1.5;

/// Lines a text takes when wrapped in a box `width` units wide (with a little slack for
/// line breaks at word boundaries).
pub fn wrapped_lines(s: &str, width: f64) -> f64 {
    s.split('\n')
        .map(|l| (display_width(l) * 1.1 / width.max(1.0)).ceil().max(1.0))
        .sum()
}

/// One cell's value, typed so that the writer can pick the format. Text and times borrow from
/// the row they come from: no string is copied before the writer takes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    /// A stored UTC timestamp (`time::to_db` form), shown in Beijing time.
    Time(&'a str),
    /// An instant, shown in Beijing time.
    At(DateTime<Utc>),
    Date(NaiveDate),
    Int(i64),
    /// Yuan with two decimals, from fen.
    Money(i64),
    /// Hours with one decimal.
    Hours(f64),
    /// A percentage (0–100) and, when judged against a target, whether it met it.
    Pct(f64, Option<bool>),
}

impl<'a> Cell<'a> {
    /// Text, or empty when absent.
    pub fn text(s: Option<&'a str>) -> Cell<'a> {
        match s {
            Some(s) if !s.is_empty() => Cell::Text(Cow::Borrowed(s)),
            _ => Cell::Empty,
        }
    }

    /// Text that is always there (a number, a vocabulary label).
    pub fn str(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }

    /// Text made for the cell.
    pub fn owned(s: String) -> Cell<'a> {
        Cell::Text(Cow::Owned(s))
    }

    /// A stored timestamp, or empty.
    pub fn time(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::Time)
    }

    /// 是 / 否.
    pub fn yes_no(b: bool) -> Cell<'a> {
        Cell::str(if b { "是" } else { "否" })
    }

    /// A phone number as the disclosure shows it.
    pub fn phone(d: Disclosure, s: Option<&str>) -> Cell<'a> {
        match s {
            Some(p) if !p.is_empty() => Cell::owned(d.phone(p)),
            _ => Cell::Empty,
        }
    }

    /// The width the value needs, in Excel character units.
    fn width(&self) -> f64 {
        match self {
            Cell::Empty => 0.0,
            Cell::Text(s) => display_width(s),
            Cell::Time(_) | Cell::At(_) => 14.5,
            Cell::Date(_) => 10.0,
            Cell::Int(n) => digits(*n),
            Cell::Money(f) => digits(f / 100) + 3.0,
            Cell::Hours(_) | Cell::Pct(..) => 7.0,
        }
    }
}

impl Cell<'_> {
    /// The value as printed text (the PDF registers): times in Beijing time to the minute,
    /// money with two decimals, hours with one, percentages with a % sign.
    pub fn printed(&self) -> String {
        let local = |t: DateTime<Utc>| {
            t.with_timezone(&time::beijing())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Time(s) => time::from_db(s).map(local).unwrap_or_default(),
            Cell::At(t) => local(*t),
            Cell::Date(d) => d.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(fen) => {
                let sign = if *fen < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
            }
            Cell::Hours(v) => format!("{v:.1}"),
            Cell::Pct(v, _) => format!("{v:.1}%"),
        }
    }
}

impl Width {
    /// The column's share of a printed page: its character units.
    pub fn units(&self) -> f64 {
        match self {
            Width::Fit(n) | Width::Wrap(n) => *n,
        }
    }
}

/// How many characters `n` takes when written out (with its minus sign).
fn digits(n: i64) -> f64 {
    let sign = if n < 0 { 1 } else { 0 };
    (n.unsigned_abs().checked_ilog10().unwrap_or(0) + 1 + sign) as f64
}

/// How wide a column is.
#[derive(Clone, Copy, Debug)]
pub enum Width {
    /// As wide as the widest value or the header, at most this many character units.
    Fit(f64),
    /// This wide; longer text wraps onto more lines.
    Wrap(f64),
}

/// One column of a table: its header, width rule and how to get its value from a row.
pub struct Column<R> {
    pub header: &'static str,
    pub width: Width,
    pub value: for<'a> fn(&'a R, Disclosure) -> Cell<'a>,
}

/// What stands above a table.
pub struct Heading<'a> {
    /// The worksheet's name (at most 31 characters, no `[]:*?/\`).
    pub sheet: &'a str,
    /// The form's name, e.g. 客户投诉处理记录表 (printed as 《…》).
    pub title: &'a str,
    /// The estate's name.
    pub estate: &'a str,
    /// The period or other scope, e.g. 2026年11月.
    pub scope: String,
    /// When the file was made.
    pub made_at: DateTime<Utc>,
}

/// The display width of a text in Excel character units: wide (CJK, full-width, emoji)
/// characters count two, others one; for a multi-line text, its longest line.
pub fn display_width(s: &str) -> f64 {
    s.lines()
        .map(|line| line.chars().map(char_width).sum::<f64>())
        .fold(0.0, f64::max)
}

/// The display width of one character: 2 for wide (CJK, full-width, emoji) characters, else 1.
pub fn char_width(c: char) -> f64 {
    if is_wide(c) {
        2.0
    } else {
        1.0
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// The formats the documents share (宋体, thin borders, as the paper forms look).
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    /// A form's label cell (bold, grey).
    pub label: Format,
    /// Values in boxes of their own: forms, and cells written one by one.
    pub boxed: CellFormats,
    /// Values of a register's columns, without borders: the table's borders come from one
    /// conditional format over its range ([`Formats::borders`]), so that blank cells need not
    /// be written and most cells need no format of their own (the column's).
    pub open: CellFormats,
    /// The table's thin borders, as a conditional format's style.
    pub borders: Format,
}

/// The format of each kind of value, over one base format.
pub struct CellFormats {
    pub text: Format,
    pub wrap: Format,
    pub time: Format,
    pub date: Format,
    pub int: Format,
    pub money: Format,
    pub hours: Format,
    pub pct: Format,
    pub pct_met: Format,
    pub pct_missed: Format,
}

/// Fill of a KPI that missed its target.
pub const MISSED_FILL: u32 = 0xFFC7CE;
/// Fill of a KPI that met its target.
pub const MET_FILL: u32 = 0xC6EFCE;

impl CellFormats {
    fn over(base: Format) -> CellFormats {
        let pct = base.clone().set_num_format("0.0\"%\"");
        CellFormats {
            text: base.clone().set_text_wrap(),
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            time: base.clone().set_num_format("yyyy-mm-dd hh:mm"),
            date: base.clone().set_num_format("yyyy-mm-dd"),
            int: base.clone().set_num_format("0"),
            money: base.clone().set_num_format("#,##0.00"),
            hours: base.set_num_format("0.0"),
            pct_met: pct.clone().set_background_color(Color::RGB(MET_FILL)),
            pct_missed: pct.clone().set_background_color(Color::RGB(MISSED_FILL)),
            pct,
        }
    }

    /// The format `cell` is shown with (a blank cell takes the text's, for its borders).
    fn of(&self, cell: &Cell, wrap: bool) -> &Format {
        match cell {
            Cell::Empty | Cell::Text(_) if wrap => &self.wrap,
            Cell::Empty | Cell::Text(_) => &self.text,
            Cell::Time(_) | Cell::At(_) => &self.time,
            Cell::Date(_) => &self.date,
            Cell::Int(_) => &self.int,
            Cell::Money(_) => &self.money,
            Cell::Hours(_) => &self.hours,
            Cell::Pct(_, Some(true)) => &self.pct_met,
            Cell::Pct(_, Some(false)) => &self.pct_missed,
            Cell::Pct(_, None) => &self.pct,
        }
    }

    fn all(&self) -> [&Format; 10] {
        [
            &self.int,
            &self.text,
            &self.time,
            &self.wrap,
            &self.date,
            &self.money,
            &self.hours,
            &self.pct,
            &self.pct_met,
            &self.pct_missed,
        ]
    }
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        let font = Format::new().set_font_name("宋体").set_font_size(10);
        let base = font
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: font
                .clone()
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: font
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9)),
            label: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2F2F2)),
            boxed: CellFormats::over(base),
            open: CellFormats::over(font.set_align(FormatAlign::VerticalCenter)),
            borders: Format::new().set_border(FormatBorder::Thin),
        }
    }

    /// Gives every format its style index in `wb` now, in a fixed order (done once per
    /// workbook), so that sheets written on several threads at once number their styles the
    /// same way on every run.
    pub fn register(&self, wb: &mut Workbook) {
        let named = [&self.title, &self.subtitle, &self.header];
        for format in named
            .into_iter()
            .chain(self.boxed.all())
            .chain([&self.label])
            .chain(self.open.all())
        {
            wb.register_format(format);
        }
    }
}

/// The XLSX library's error as the core's (a file problem, in Chinese).
pub fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => Error::Io(io),
        other => Error::Io(std::io::Error::other(format!("XLSX 写入失败：{other}"))),
    }
}

/// A stored UTC timestamp as an Excel date-time in Beijing time (whole seconds).
pub fn excel_time(stored: &str) -> Result<ExcelDateTime> {
    excel_instant(time::from_db(stored)?)
}

/// An instant as an Excel date-time in Beijing time (whole seconds).
pub fn excel_instant(t: DateTime<Utc>) -> Result<ExcelDateTime> {
    let t = t.with_timezone(&time::beijing());
    serial(t.date_naive(), t.num_seconds_from_midnight())
}

/// A calendar date as an Excel date.
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    serial(d, 0)
}

/// Excel's serial date-time: days since 1899-12-30 plus the fraction of the day (computed as
/// rust_xlsxwriter computes it from year, month, day and time, without its per-field checks).
fn serial(d: NaiveDate, seconds: u32) -> Result<ExcelDateTime> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    let days = (d - epoch).num_days() as f64;
    ExcelDateTime::from_serial_datetime(days + f64::from(seconds) / 86_400.0).map_err(xlsx_error)
}

/// Writes one cell in a box of its own, with the format its type and width rule call for.
pub fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    cell: Cell,
    wrap: bool,
) -> Result<()> {
    let format = f.boxed.of(&cell, wrap);
    write_value(ws, row, col, cell, Some(format))
}

/// Writes one value with `format`, or with its column's format when `None` (a blank cell is
/// then not written at all).
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    format: Option<&Format>,
) -> Result<()> {
    fn put(
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        data: impl IntoExcelData,
        format: Option<&Format>,
    ) -> std::result::Result<(), XlsxError> {
        match format {
            Some(format) => ws.write_with_format(row, col, data, format),
            None => ws.write(row, col, data),
        }
        .map(|_| ())
    }
    match cell {
        Cell::Empty => match format {
            Some(format) => ws.write_blank(row, col, format).map(|_| ()),
            None => Ok(()),
        },
        Cell::Text(s) => put(ws, row, col, s, format),
        Cell::Time(s) => put(ws, row, col, excel_time(s)?, format),
        Cell::At(t) => put(ws, row, col, excel_instant(t)?, format),
        Cell::Date(d) => put(ws, row, col, excel_date(d)?, format),
        Cell::Int(n) => put(ws, row, col, n as f64, format),
        Cell::Money(fen) => put(ws, row, col, fen as f64 / 100.0, format),
        Cell::Hours(v) | Cell::Pct(v, _) => put(ws, row, col, v, format),
    }
    .map_err(xlsx_error)
}

/// `parts` joined by `gap` on as few lines as keep each line within `width` (display width); a
/// part wider than `width` stands on a line of its own.
fn fit_lines(parts: &[String], gap: &str, width: f64) -> String {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line)
                if display_width(line) + display_width(gap) + display_width(part) <= width =>
            {
                line.push_str(gap);
                line.push_str(part);
            }
            _ => lines.push(part.clone()),
        }
    }
    lines.join("\n")
}

/// A new constant-memory sheet of `wb`, for [`write_register`].
pub fn add_sheet(wb: &mut Workbook) -> Result<&mut Worksheet> {
    wb.add_worksheet_with_constant_memory().map_err(xlsx_error)
}

/// Lays out a register in the empty sheet `ws` and writes `rows` into it, in order, reporting
/// progress as `(rows written, total)` every 1,000 rows and at the end. `total` is the number of
/// rows the caller expects (it is printed above the table). Returns the number of rows written.
#[allow(clippy::too_many_arguments)]
pub fn write_register<R>(
    ws: &mut Worksheet,
    f: &Formats,
    heading: &Heading,
    columns: &[Column<R>],
    rows: impl Iterator<Item = Result<R>>,
    total: u64,
    disclosure: Disclosure,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64> {
    ws.set_name(heading.sheet).map_err(xlsx_error)?;
    // One more column for 序号, the row number every paper register has.
    let last_col = columns.len() as u16;
    let made = heading
        .made_at
        .with_timezone(&time::beijing())
        .format("%Y-%m-%d %H:%M");
    ws.set_row_height(0, 30).map_err(xlsx_error)?;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("《{}》", heading.title),
        &f.title,
    )
    .map_err(xlsx_error)?;
    // Headers wrap onto two lines, so a long header needs only half its width.
    let header_width = |h: &str| {
        let w = display_width(h);
        if w >= 8.0 {
            (w / 2.0).ceil()
        } else {
            w
        }
    };
    let mut widths: Vec<f64> = Vec::with_capacity(columns.len() + 1);
    widths.push(header_width("序号"));
    for c in columns {
        widths.push(header_width(c.header));
    }
    // The narrowest the table can end up (its columns only grow from their headers' widths):
    // the subtitle is broken into lines that fit it, so no part of it is cut off in print.
    let narrowest = widths[0]
        + PADDING
        + columns
            .iter()
            .zip(&widths[1..])
            .map(|(c, w)| match c.width {
                Width::Fit(cap) => (w + PADDING).min(cap),
                Width::Wrap(w) => w,
            })
            .sum::<f64>();
    let subtitle = fit_lines(
        &[
            format!("物业项目：{}", heading.estate),
            format!("期间：{}", heading.scope),
            format!("共 {total} 条"),
            format!("制表时间：{made}"),
        ],
        "    ",
        narrowest - PADDING,
    );
    let subtitle_lines = subtitle.lines().count() as f64;
    if subtitle_lines > 1.0 {
        ws.set_row_height(1, subtitle_lines * LINE_HEIGHT + 4.0)
            .map_err(xlsx_error)?;
    }
    ws.merge_range(1, 0, 1, last_col, &subtitle, &f.subtitle)
        .map_err(xlsx_error)?;

    ws.set_row_height(HEADER_ROW, 2.0 * LINE_HEIGHT + 4.0)
        .map_err(xlsx_error)?;
    ws.write_string_with_format(HEADER_ROW, 0, "序号", &f.header)
        .map_err(xlsx_error)?;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, i as u16 + 1, c.header, &f.header)
            .map_err(xlsx_error)?;
    }

    // A column takes the format of its first value; the cells of that format are written
    // without one of their own (the column's applies), blank cells not at all, and the table's
    // borders come from one conditional format over its range.
    let mut column_formats: Vec<Option<&Format>> = vec![None; columns.len()];
    ws.set_column_format(0, &f.open.int).map_err(xlsx_error)?;
    let mut n: u64 = 0;
    for r in rows {
        let r = r?;
        let row = HEADER_ROW + 1 + n as u32;
        n += 1;
        let cells: Vec<Cell> = columns.iter().map(|c| (c.value)(&r, disclosure)).collect();
        // Every text wraps; the row is as tall as its tallest wrapped text (set explicitly:
        // not every spreadsheet program recomputes row heights when it opens a file).
        let mut lines = 1.0f64;
        for (i, (c, cell)) in columns.iter().zip(&cells).enumerate() {
            let box_width = match c.width {
                Width::Fit(cap) => {
                    widths[i + 1] = widths[i + 1].max(cell.width());
                    cap
                }
                Width::Wrap(w) => w,
            };
            if let Cell::Text(s) = cell {
                lines = lines.max(wrapped_lines(s, box_width - PADDING));
            }
        }
        if lines > 1.0 {
            ws.set_row_height(row, (lines * LINE_HEIGHT + 3.0).min(MAX_ROW_HEIGHT))
                .map_err(xlsx_error)?;
        }
        write_value(ws, row, 0, Cell::Int(n as i64), None)?;
        widths[0] = widths[0].max(digits(n as i64));
        for (i, cell) in cells.into_iter().enumerate() {
            let col = i as u16 + 1;
            let format = match (&cell, column_formats[i]) {
                (Cell::Empty, _) => None,
                (cell, Some(have)) => {
                    let want = f.open.of(cell, false);
                    (!std::ptr::eq(have, want)).then_some(want)
                }
                (cell, None) => {
                    let want = f.open.of(cell, false);
                    ws.set_column_format(col, want).map_err(xlsx_error)?;
                    column_formats[i] = Some(want);
                    None
                }
            };
            write_value(ws, row, col, cell, format)?;
        }
        if n.is_multiple_of(1000) {
            progress(n, total.max(n));
        }
    }
    progress(n, total.max(n));
    // rust_xlsxwriter (0.102) writes the sheet's last row a second time, empty, when that row has
    // a height of its own, and Excel reports a file with a row twice as damaged. A blank without
    // format one row below the table (written as an empty row) makes that row the last one.
    ws.write_blank(HEADER_ROW + 1 + n as u32, last_col + 1, &Format::default())
        .map_err(xlsx_error)?;

    for (i, format) in column_formats.iter().enumerate() {
        if format.is_none() {
            ws.set_column_format(i as u16 + 1, &f.open.text)
                .map_err(xlsx_error)?;
        }
    }
    if n > 0 {
        let borders = ConditionalFormatFormula::new()
            .set_rule("TRUE")
            .set_format(&f.borders);
        ws.add_conditional_format(HEADER_ROW + 1, 0, HEADER_ROW + n as u32, last_col, &borders)
            .map_err(xlsx_error)?;
    }
    ws.set_column_width(0, widths[0] + PADDING)
        .map_err(xlsx_error)?;
    for (i, c) in columns.iter().enumerate() {
        let w = match c.width {
            Width::Fit(cap) => (widths[i + 1] + PADDING).min(cap),
            Width::Wrap(w) => w,
        };
        ws.set_column_width(i as u16 + 1, w).map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0).map_err(xlsx_error)?;
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + n.max(1) as u32, last_col)
        .map_err(xlsx_error)?;
    print_setup(ws, heading)?;
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)
        .map_err(xlsx_error)?;
    Ok(n)
}

/// A4 landscape, narrow margins, the estate and form in the page header, 第 N 页，共 M 页 below.
fn print_setup(ws: &mut Worksheet, heading: &Heading) -> Result<()> {
    ws.set_landscape();
    ws.set_paper_size(PAPER_A4);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_header(format!(
        "&L{}&R《{}》",
        escape_header(heading.estate),
        escape_header(heading.title)
    ));
    ws.set_footer(page_footer());
    Ok(())
}

/// The footer every printed page carries.
pub fn page_footer() -> &'static str {
    "&C第 &P 页，共 &N 页"
}

/// `&` starts a code in Excel page headers; a literal one is doubled.
fn escape_header(s: &str) -> String {
    s.replace('&', "&&")
}
