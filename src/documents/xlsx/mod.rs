//! XLSX documents: the 《客户投诉处理记录表》 register, the 前台协调单登记表, the repair-order register,
//! the 回访 list, the desk's logs (电话接待记录本, 客户服务需求记录表), a single 协调单 laid out like
//! the paper form, the month-end workbook (registers, statistics, KPIs against targets) and the
//! handovers of a period ([`handover_register`]) and the 赔付 claims of a period
//! ([`claim_register`]).
//!
//! Invariants:
//! - Every table goes through the one register writer ([`sheet::write_register`]); tables are data
//!   ([`tables`]): no per-sheet copies of layout code.
//! - Files are written through [`write_atomic`]: a failed export leaves no file.
//! - Phones are shown as the [`Disclosure`] says (masked unless [`crate::documents::unmask`]
//!   granted full numbers).
//! - The big registers (complaints, repair orders) are read row by row and written in
//!   constant-memory mode, so memory stays flat for 100,000 rows. Their rows are read (SQL,
//!   deadlines) on the calling thread, which owns the connection, and written (cells, XML) on a
//!   thread per sheet ([`SheetThread`]), so that the cores share the work; a bounded queue
//!   keeps memory flat, and the file is the same as if one thread did everything.
//! - Reading only: nothing in the database is changed.

pub mod claims;
mod form;
pub mod handovers;
pub mod sheet;
pub mod tables;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rusqlite::Connection;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet};
use serde::Serialize;

pub use self::claims::claim_register;
pub use self::handovers::handover_register;
use self::sheet::{xlsx_error, Formats, Heading};
use crate::documents::disclosure::Disclosure;
use crate::documents::io::{read_snapshot, write_atomic};
use crate::documents::register::Register;
use crate::error::Result;
use crate::time::Period;
use crate::Progress;
use crate::{estate, kpi, slips};

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    pub path: PathBuf,
    /// Data rows written (all sheets).
    pub rows: u64,
    pub bytes: u64,
}

/// The deflate level of the XLSX parts.
const ZIP_LEVEL: u8 = 5;

/// Builds a workbook with `build` and saves it atomically to `out`.
fn save(
    out: &Path,
    title: &str,
    estate: &str,
    now: DateTime<Utc>,
    build: impl FnOnce(&mut Workbook, &Formats) -> Result<u64>,
) -> Result<Written> {
    let mut rows = 0;
    write_atomic(out, |tmp| {
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_title(title)
                .set_company(estate)
                .set_author("FrontDesk 物业前台")
                .set_creation_datetime(&utc_datetime(now)?),
        );
        // Deflate level 5: on the month workbook 4 % faster than the default 6 and 0.7 % smaller
        // (level 4: 1.7 % larger, level 3: 13 % larger; see docs/benchmarks.md).
        wb.set_zip_compression_level(ZIP_LEVEL);
        // Every shared format numbered up front, in a fixed order: sheets written on several
        // threads at once then number their styles the same way on every run.
        let formats = Formats::new();
        formats.register(&mut wb);
        rows = build(&mut wb, &formats)?;
        wb.save(tmp).map_err(xlsx_error)
    })?;
    Ok(Written {
        path: out.to_path_buf(),
        rows,
        bytes: fs::metadata(out)?.len(),
    })
}

fn utc_datetime(t: DateTime<Utc>) -> Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)
        .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
        .map_err(xlsx_error)
}

fn estate_name(conn: &Connection, estate_id: &str) -> Result<String> {
    Ok(estate::estate(conn, estate_id)?.name)
}

/// Writes one register sheet from rows already in memory (the smaller tables).
#[allow(clippy::too_many_arguments)]
fn small_register<R>(
    conn: &Connection,
    estate_id: &str,
    sheet: &str,
    title: &str,
    scope: String,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    columns: &[sheet::Column<R>],
    rows: Vec<R>,
) -> Result<Written> {
    let estate = estate_name(conn, estate_id)?;
    save(out, title, &estate, now, |wb, f| {
        let heading = Heading {
            sheet,
            title,
            estate: &estate,
            scope,
            made_at: now,
        };
        let total = rows.len() as u64;
        sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading,
            columns,
            rows.into_iter().map(Ok),
            total,
            disclosure,
            &mut |_, _| {},
        )
    })
}

/// The 《客户投诉处理记录表》 for a period: one row per complaint received in it, oldest first —
/// every complaint case, and every 投诉 intake never opened as one (当场处理 when settled at the
/// counter, else 未立案), with the intake's number; voided ones left out — with every field, the
/// case's grade deadline and whether a deadline was missed ([`tables::ComplaintRow`]).
/// Rows are streamed; `progress` gets `(rows written, total)`.
pub fn complaint_register(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    progress: Progress,
) -> Result<Written> {
    streamed_register(
        &tables::COMPLAINT_REGISTER,
        conn,
        estate_id,
        period,
        now,
        disclosure,
        out,
        progress,
    )
}

/// The repair orders (派工单/维修单) reported in a period, oldest first. Rows are streamed.
pub fn repair_register(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    progress: Progress,
) -> Result<Written> {
    streamed_register(
        &tables::REPAIR_REGISTER,
        conn,
        estate_id,
        period,
        now,
        disclosure,
        out,
        progress,
    )
}

/// A workbook of one streamed register.
#[allow(clippy::too_many_arguments)]
fn streamed_register<R: Send>(
    table: &tables::Streamed<R>,
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    progress: Progress,
) -> Result<Written> {
    let _snapshot = read_snapshot(conn)?;
    let estate = estate_name(conn, estate_id)?;
    let (from, to) = period.bounds()?;
    let q = tables::Query {
        conn,
        estate_id,
        from,
        to,
        now,
    };
    let total = (table.count)(&q)?;
    let heading = Heading {
        sheet: table.sheet,
        title: table.title,
        estate: &estate,
        scope: period.label(),
        made_at: now,
    };
    save(out, table.title, &estate, now, |wb, f| {
        let (ws, n) = thread::scope(|scope| {
            let mut sheet = SheetThread::spawn(scope, wb, f, table, &heading, total, disclosure)?;
            feed(&mut sheet, &q, &mut |n| progress(n, total.max(n)))?;
            sheet.finish()
        })?;
        wb.push_worksheet(ws);
        progress(n, total.max(n));
        Ok(n)
    })
}

/// Rows handed from the reading thread to a sheet's writer at a time.
const BATCH: usize = 256;
/// Batches queued for a writer before the reader waits: bounds the rows held in memory.
const QUEUED: usize = 8;

/// The sheet of a streamed register, written on a thread of its own from the rows this thread
/// reads and hands over ([`feed`], [`feed_both`]).
struct SheetThread<'scope, R> {
    table: &'scope tables::Streamed<R>,
    batch: Vec<R>,
    rows: mpsc::SyncSender<Vec<R>>,
    writer: thread::ScopedJoinHandle<'scope, Result<(Worksheet, u64)>>,
}

impl<'scope, R: Send + 'scope> SheetThread<'scope, R> {
    /// Starts the writer of `table`'s sheet (`total` rows expected) in a new sheet of `wb`,
    /// which the caller adds to `wb` with `push_worksheet` once [`SheetThread::finish`]ed.
    #[allow(clippy::too_many_arguments)]
    fn spawn<'env>(
        scope: &'scope thread::Scope<'scope, 'env>,
        wb: &mut Workbook,
        f: &'scope Formats,
        table: &'scope tables::Streamed<R>,
        heading: &'scope Heading<'scope>,
        total: u64,
        disclosure: Disclosure,
    ) -> Result<SheetThread<'scope, R>> {
        let mut ws = wb
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        let (rows, queue) = mpsc::sync_channel::<Vec<R>>(QUEUED);
        let writer = scope.spawn(move || {
            let columns = (table.columns)();
            let rows = queue.into_iter().flatten().map(Ok);
            let n = sheet::write_register(
                &mut ws,
                f,
                heading,
                &columns,
                rows,
                total,
                disclosure,
                &mut |_, _| {},
            )?;
            Ok((ws, n))
        });
        Ok(SheetThread {
            table,
            batch: Vec::with_capacity(BATCH),
            rows,
            writer,
        })
    }

    /// Hands one row to the writer (a batch at a time). False when the writer has stopped: its
    /// error comes from [`SheetThread::finish`].
    fn push(&mut self, row: R) -> bool {
        self.batch.push(row);
        if self.batch.len() < BATCH {
            return true;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.rows.send(full).is_ok()
    }

    /// Hands over the last rows and waits for the writer: the finished sheet and the rows written.
    fn finish(mut self) -> Result<(Worksheet, u64)> {
        if !self.batch.is_empty() {
            // A failed send means the writer stopped; joining it returns why.
            let _ = self.rows.send(std::mem::take(&mut self.batch));
        }
        drop(self.rows);
        self.writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Hands the next of `rows` to `sheet`'s writer: false when the rows are done or the writer has
/// stopped.
fn hand_over<R: Send>(
    rows: &mut dyn Iterator<Item = Result<R>>,
    sheet: &mut SheetThread<R>,
) -> Result<bool> {
    match rows.next() {
        Some(r) => Ok(sheet.push(r?)),
        None => Ok(false),
    }
}

/// Reads the rows of `sheet`'s register for `q` and hands them to its writer, in order;
/// `progress` gets the rows read so far.
fn feed<R: Send>(
    sheet: &mut SheetThread<R>,
    q: &tables::Query,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let table = sheet.table;
    (table.each)(q, &mut |rows| {
        let mut n = 0;
        while hand_over(rows, sheet)? {
            n += 1;
            if n % 1024 == 0 {
                progress(n);
            }
        }
        Ok(n)
    })
}

/// Reads the rows of two registers for `q` at once (two statements on the one connection, so
/// one read transaction) and hands them to their writers in proportion to their sizes
/// (`totals`), so that both writers work at the same time; `progress` gets the rows read of both.
fn feed_both<A: Send, B: Send>(
    a: &mut SheetThread<A>,
    b: &mut SheetThread<B>,
    totals: (u64, u64),
    q: &tables::Query,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let (a_table, b_table) = (a.table, b.table);
    let (a_total, b_total) = (totals.0.max(1), totals.1.max(1));
    (a_table.each)(q, &mut |a_rows| {
        (b_table.each)(q, &mut |b_rows| {
            let (mut na, mut nb) = (0u64, 0u64);
            let (mut a_open, mut b_open) = (true, true);
            while a_open || b_open {
                // The register further behind its share goes next.
                if a_open && (!b_open || na * b_total <= nb * a_total) {
                    a_open = hand_over(a_rows, a)?;
                    na += u64::from(a_open);
                } else {
                    b_open = hand_over(b_rows, b)?;
                    nb += u64::from(b_open);
                }
                if (na + nb) % 1024 == 0 {
                    progress(na + nb);
                }
            }
            Ok(na + nb)
        })
    })
}

/// The 前台协调单登记表: every slip opened in the period, voided ones included, in order.
pub fn slip_register(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let (from, to) = period.bounds()?;
    let rows = slips::register(conn, estate_id, from, to)?;
    small_register(
        conn,
        estate_id,
        "协调单登记",
        Register::Slips.title(),
        period.label(),
        now,
        disclosure,
        out,
        &tables::slip_columns(),
        rows,
    )
}

/// The 回访 list: tasks due or done in the period, by due time, with their result and whether
/// they were late.
pub fn followup_list(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let (from, to) = period.bounds()?;
    let rows = tables::followups(conn, estate_id, from, to, now)?;
    small_register(
        conn,
        estate_id,
        "回访",
        Register::Followups.title(),
        period.label(),
        now,
        disclosure,
        out,
        &tables::followup_columns(),
        rows,
    )
}

/// The 《维修有偿服务项目及收费标准》 as a workbook titled `title`: `items` under the heading
/// `scope` (the day the list is in force from).
pub fn price_list(
    conn: &Connection,
    estate_id: &str,
    title: &str,
    scope: String,
    items: Vec<crate::repairs::PriceItem>,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    small_register(
        conn,
        estate_id,
        "收费标准",
        title,
        scope,
        now,
        Disclosure::Masked,
        out,
        &tables::price_columns(),
        items,
    )
}

/// A register other than the complaint register printed as PDF, with its workbook's columns
/// and rows ([`crate::documents::pdf::register_table`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn printed_register(
    register: Register,
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    progress: Progress,
) -> Result<crate::documents::pdf::Written> {
    use crate::documents::pdf;
    let _snapshot = read_snapshot(conn)?;
    let (from, to) = period.bounds()?;
    let label = period.label();
    let page = Printed {
        conn,
        estate_id,
        title: register.title(),
        period: &label,
        disclosure,
        now,
        out,
    };
    match register {
        Register::Slips => page.print(
            &tables::slip_columns(),
            &slips::register(conn, estate_id, from, to)?,
            progress,
        ),
        Register::Followups => page.print(
            &tables::followup_columns(),
            &tables::followups(conn, estate_id, from, to, now)?,
            progress,
        ),
        Register::PhoneLog => page.print(
            &tables::phone_log_columns(),
            &desk_log(conn, estate_id, period, Some(crate::vocab::Channel::Call))?,
            progress,
        ),
        Register::Requests => page.print(
            &tables::request_columns(),
            &desk_log(conn, estate_id, period, None)?,
            progress,
        ),
        Register::Repairs => {
            let q = tables::Query {
                conn,
                estate_id,
                from,
                to,
                now,
            };
            let mut rows = Vec::new();
            (tables::REPAIR_REGISTER.each)(&q, &mut |each| {
                for row in each {
                    rows.push(row?);
                }
                Ok(rows.len() as u64)
            })?;
            page.print(&tables::repair_columns(), &rows, progress)
        }
        Register::Complaints => pdf::complaint_register(
            conn,
            estate_id,
            period.from,
            period.to,
            disclosure,
            now,
            out,
            progress,
        ),
    }
}

/// What [`printed_register`] prints a table with.
struct Printed<'a> {
    conn: &'a Connection,
    estate_id: &'a str,
    title: &'a str,
    period: &'a str,
    disclosure: Disclosure,
    now: DateTime<Utc>,
    out: &'a Path,
}

impl Printed<'_> {
    fn print<R>(
        &self,
        columns: &[sheet::Column<R>],
        rows: &[R],
        progress: Progress,
    ) -> Result<crate::documents::pdf::Written> {
        crate::documents::pdf::register_table(
            self.conn,
            self.estate_id,
            self.title,
            self.period,
            columns,
            rows,
            self.disclosure,
            self.now,
            self.out,
            progress,
        )
    }
}

/// Live intakes of the period, oldest first, with what each led to.
fn desk_log(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    channel: Option<crate::vocab::Channel>,
) -> Result<Vec<tables::IntakeRow>> {
    let (from, to) = period.bounds()?;
    let mut intakes = crate::intake::list(conn, estate_id, from, to, channel, usize::MAX)?;
    intakes.reverse();
    tables::with_follow_through(conn, intakes)
}

/// The 《电话接待记录本》: the phone calls (来电) of the period, oldest first.
pub fn phone_log(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let rows = desk_log(conn, estate_id, period, Some(crate::vocab::Channel::Call))?;
    small_register(
        conn,
        estate_id,
        "电话接待",
        Register::PhoneLog.title(),
        period.label(),
        now,
        disclosure,
        out,
        &tables::phone_log_columns(),
        rows,
    )
}

/// The 《客户服务需求记录表》: every service need recorded at the desk in the period (all
/// channels and kinds), oldest first, with how it was handled and the numbers it was passed on as.
pub fn service_requests(
    conn: &Connection,
    estate_id: &str,
    period: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let rows = desk_log(conn, estate_id, period, None)?;
    small_register(
        conn,
        estate_id,
        "服务需求",
        Register::Requests.title(),
        period.label(),
        now,
        disclosure,
        out,
        &tables::request_columns(),
        rows,
    )
}

/// The month-end workbook: the month's complaint register, slips register, repair orders, 回访
/// list, statistics by grade, category, department and channel, the KPIs beside their
/// targets (value filled red when missed, green when met), the repair 回访 by role against its
/// quotas and the quarter's household visits up to the month's end (areas, 物管员, the office
/// head). `progress` gets rows written over
/// the rows of all registers.
pub fn month_workbook(
    conn: &Connection,
    estate_id: &str,
    month: &Period,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
    progress: Progress,
) -> Result<Written> {
    let _snapshot = read_snapshot(conn)?;
    let estate = estate_name(conn, estate_id)?;
    let (from, to) = month.bounds()?;
    let q = tables::Query {
        conn,
        estate_id,
        from,
        to,
        now,
    };
    let slip_rows = slips::register(conn, estate_id, from, to)?;
    let quarter = Period::quarter_of(month.from);
    let visit_plan =
        crate::household_visits::plan(conn, estate_id, &Period::new(quarter.from, month.to)?)?;
    let followup_rows = tables::followups(conn, estate_id, from, to, now)?;
    let visits = crate::repair_visits::quota(conn, estate_id, month)?.rows;
    let complaints = (tables::COMPLAINT_REGISTER.count)(&q)?;
    let repairs = (tables::REPAIR_REGISTER.count)(&q)?;
    let small = (slip_rows.len() + followup_rows.len()) as u64;
    let total = complaints + repairs + small;
    let title = format!("客服月报 {}", month.label());
    let heading = |sheet, title| Heading {
        sheet,
        title,
        estate: &estate,
        scope: month.label(),
        made_at: now,
    };
    let (c_table, r_table) = (&tables::COMPLAINT_REGISTER, &tables::REPAIR_REGISTER);
    let c_heading = heading(c_table.sheet, c_table.title);
    let r_heading = heading(r_table.sheet, r_table.title);
    save(out, &title, &estate, now, |wb, f| {
        // Both registers are written at the same time on threads of their own while this thread
        // reads their rows, and then the month's figures while the writers finish.
        let ((c_sheet, c_rows), (r_sheet, r_rows), report) = thread::scope(|scope| -> Result<_> {
            let mut c =
                SheetThread::spawn(scope, wb, f, c_table, &c_heading, complaints, disclosure)?;
            let mut r = SheetThread::spawn(scope, wb, f, r_table, &r_heading, repairs, disclosure)?;
            feed_both(&mut c, &mut r, (complaints, repairs), &q, &mut |n| {
                progress(n, total)
            })?;
            let report = kpi::compute(
                conn,
                estate_id,
                month.from,
                month.to + Duration::days(1),
                now,
            )?;
            Ok((c.finish()?, r.finish()?, report))
        })?;
        wb.push_worksheet(c_sheet);
        let n = slip_rows.len() as u64;
        let slips_written = sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading("协调单登记", Register::Slips.title()),
            &tables::slip_columns(),
            slip_rows.into_iter().map(Ok),
            n,
            disclosure,
            &mut |_, _| {},
        )?;
        wb.push_worksheet(r_sheet);
        let n = followup_rows.len() as u64;
        let followups_written = sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading("回访", Register::Followups.title()),
            &tables::followup_columns(),
            followup_rows.into_iter().map(Ok),
            n,
            disclosure,
            &mut |_, _| {},
        )?;
        let done = c_rows + slips_written + r_rows + followups_written;
        progress(done, total.max(done));
        let times = &report.handling_time;
        let counts = &report.complaints;
        for (sheet_name, title, group, rows) in [
            (
                "按等级",
                "投诉统计（按等级）",
                "等级",
                tables::stat_rows(&counts.by_grade, &times.by_grade),
            ),
            (
                "按类别",
                "投诉统计（按类别）",
                "类别",
                tables::stat_rows(&counts.by_category, &times.by_category),
            ),
            (
                "按部门",
                "投诉统计（按责任部门）",
                "责任部门",
                tables::stat_rows(&counts.by_department, &times.by_department),
            ),
            (
                "按渠道",
                "登记统计（按渠道）",
                "渠道",
                tables::stat_rows(&report.intakes.by_channel, &[]),
            ),
        ] {
            let n = rows.len() as u64;
            sheet::write_register(
                sheet::add_sheet(wb)?,
                f,
                &heading(sheet_name, title),
                &tables::stat_columns(group),
                rows.into_iter().map(Ok),
                n,
                disclosure,
                &mut |_, _| {},
            )?;
        }
        let n = report.kpis.len() as u64;
        sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading("指标", "服务指标与目标"),
            &tables::kpi_columns(),
            report.kpis.iter().cloned().map(Ok),
            n,
            disclosure,
            &mut |_, _| {},
        )?;
        let n = visits.len() as u64;
        sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading("维修回访", "维修回访比例"),
            &tables::visit_quota_columns(),
            visits.into_iter().map(Ok),
            n,
            disclosure,
            &mut |_, _| {},
        )?;
        let households = tables::visit_progress_rows(&visit_plan);
        let n = households.len() as u64;
        sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &Heading {
                scope: format!("{}（截至{}）", visit_plan.quarter, month.to),
                ..heading("住户回访", "住户回访进度")
            },
            &tables::visit_progress_columns(),
            households.into_iter().map(Ok),
            n,
            disclosure,
            &mut |_, _| {},
        )?;
        Ok(done)
    })
}

/// The company's month (the head office, #19): a summary of every estate's month with the
/// company's 合计 (sheet 全公司), the company's figures summed over the estates (全公司分项), and
/// one sheet of figures per estate, each estate's from the same KPI report and statistics rows as
/// its own month workbook ([`tables::figure_rows`]).
pub fn company_workbook(
    conn: &Connection,
    estates: &[estate::Estate],
    month: &Period,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<Written> {
    let _snapshot = read_snapshot(conn)?;
    let mut lines = Vec::new();
    let mut figures = Vec::new();
    for e in estates {
        let report = kpi::compute(conn, &e.id, month.from, month.to + Duration::days(1), now)?;
        lines.push(tables::EstateMonth::of(&e.name, &report));
        figures.push(tables::figure_rows(&report));
    }
    let company = tables::company_figures(&figures);
    lines.push(tables::EstateMonth::total(&lines));
    let title = format!("全公司客服月报 {}", month.label());
    let heading = |sheet, title| Heading {
        sheet,
        title,
        estate: "全公司",
        scope: month.label(),
        made_at: now,
    };
    let names: Vec<String> = estates.iter().map(company_sheet_name).collect();
    save(out, &title, "全公司", now, |wb, f| {
        let mut rows = 0;
        let n = lines.len() as u64;
        rows += sheet::write_register(
            sheet::add_sheet(wb)?,
            f,
            &heading("全公司", "各小区汇总"),
            &tables::estate_month_columns(),
            lines.into_iter().map(Ok),
            n,
            Disclosure::Masked,
            &mut |_, _| {},
        )?;
        let parts = std::iter::once(("全公司分项", "全公司", company)).chain(
            names
                .iter()
                .zip(estates)
                .zip(figures)
                .map(|((sheet, e), rows)| (sheet.as_str(), e.name.as_str(), rows)),
        );
        for (sheet_name, estate, figure_rows) in parts {
            let n = figure_rows.len() as u64;
            rows += sheet::write_register(
                sheet::add_sheet(wb)?,
                f,
                &Heading {
                    estate,
                    ..heading(sheet_name, "本月统计")
                },
                &tables::figure_columns(),
                figure_rows.into_iter().map(Ok),
                n,
                Disclosure::Masked,
                &mut |_, _| {},
            )?;
        }
        Ok(rows)
    })
}

/// An estate's sheet name in the company workbook: its code and name, within Excel's 31
/// characters and without the characters Excel refuses in a sheet name.
fn company_sheet_name(e: &estate::Estate) -> String {
    format!("{} {}", e.code, e.name)
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

/// One 协调单 as a one-sheet workbook laid out like the paper form (title after the estate,
/// labelled boxes, long text split over continuation rows), on the estate's slip paper.
pub fn slip_form(
    conn: &Connection,
    slip_no: &str,
    now: DateTime<Utc>,
    disclosure: Disclosure,
    out: &Path,
) -> Result<Written> {
    let slip = slips::load(conn, slip_no)?;
    let estate = estate_name(conn, &slip.estate_id)?;
    let paper = crate::policy::current(conn, &slip.estate_id)?
        .policy
        .documents
        .slip_paper;
    let complaint = slip
        .complaint_id
        .as_deref()
        .map(|id| crate::complaints::load(conn, id))
        .transpose()?;
    let calls = match &complaint {
        Some(c) => crate::followups::list_for(conn, crate::vocab::SubjectKind::Complaint, &c.id)?
            .into_iter()
            .flat_map(|f| f.calls)
            .collect(),
        None => Vec::new(),
    };
    let form = form::SlipForm {
        slip: &slip,
        grade: complaint.as_ref().map(|c| c.grade.label()),
        calls: &calls,
        paper,
        disclosure,
    };
    save(out, &slip.title, &estate, now, |wb, f| {
        form.write(wb, f)?;
        Ok(1)
    })
}
