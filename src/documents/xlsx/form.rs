//! A single 协调单 as a worksheet laid out like the paper form: the title after the estate
//! (《龙湖花园协调单》), labelled boxes in two columns, the report and the handling result in wide
//! wrapped boxes, blank boxes for the owner's signature and date, and the 回访 record.
//!
//! Invariants: a long text never overflows or is cut: it is split over continuation rows (…（续）)
//! of at most [`MAX_LINES`] lines each, never starting a row with closing punctuation; row heights
//! are set from the measured text. The sheet prints on the estate's slip paper, one page wide.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use super::sheet::{
    self, char_width, page_footer, wrapped_lines, write_cell, xlsx_error, Cell, Formats,
    LINE_HEIGHT,
};
use crate::documents::disclosure::Disclosure;
use crate::error::Result;
use crate::followups::FollowupCall;
use crate::policy::SlipPaper;
use crate::slips::Slip;

/// Widths of the four columns: label, value, label, value.
const WIDTHS: [f64; 4] = [12.0, 30.0, 12.0, 30.0];
/// Width available to a text spanning the three value columns (less the cell margins).
const WIDE: f64 = WIDTHS[1] + WIDTHS[2] + WIDTHS[3] - 2.0;
/// Lines per row of a long text before it continues on the next row.
pub const MAX_LINES: usize = 20;

/// Characters that may not start a line or a continuation row.
const CLOSING: &str = "，。、；：？！）》」』”’…,.;:?!)]";

/// What the form shows.
pub struct SlipForm<'a> {
    pub slip: &'a Slip,
    /// The complaint's grade (not the customer's tier), when the slip belongs to one.
    pub grade: Option<&'static str>,
    /// The 回访 calls of the slip's complaint.
    pub calls: &'a [FollowupCall],
    pub paper: SlipPaper,
    pub disclosure: Disclosure,
}

/// Splits `text` into pieces of at most `max_lines` wrapped lines of `width` units each; a
/// closing punctuation mark stays on the line before it.
pub fn split_lines(text: &str, width: f64, max_lines: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let (mut lines, mut line_width) = (1, 0.0);
    for c in text.chars() {
        let w = char_width(c);
        let wraps = c == '\n' || (line_width + w > width && !CLOSING.contains(c));
        if wraps {
            line_width = 0.0;
            if lines >= max_lines {
                pieces.push(String::new());
                lines = 1;
                if c == '\n' {
                    continue;
                }
            } else {
                lines += 1;
            }
        }
        pieces.last_mut().expect("one piece").push(c);
        if c != '\n' {
            line_width += w;
        }
    }
    pieces
}

/// The height a text needs in a box of `width` units, in points (at least two lines).
fn height(text: &str, width: f64) -> f64 {
    wrapped_lines(text, width).max(2.0) * LINE_HEIGHT + 4.0
}

impl SlipForm<'_> {
    pub fn write(&self, wb: &mut Workbook, f: &Formats) -> Result<()> {
        let s = self.slip;
        let ws = wb.add_worksheet();
        ws.set_name("协调单").map_err(xlsx_error)?;
        for (i, w) in WIDTHS.iter().enumerate() {
            ws.set_column_width(i as u16, *w).map_err(xlsx_error)?;
        }
        ws.set_row_height(0, 32).map_err(xlsx_error)?;
        ws.merge_range(0, 0, 0, 3, &format!("《{}》", s.title), &f.title)
            .map_err(xlsx_error)?;
        let mut row = 1;
        let pairs: [[(&str, Cell); 2]; 5] = [
            [
                ("编号", Cell::str(&s.no)),
                ("登记时间", Cell::Time(&s.created_at)),
            ],
            [
                ("房号", Cell::text(s.unit.as_deref())),
                ("业主", Cell::text(s.customer.as_deref())),
            ],
            [
                ("联系电话", Cell::phone(self.disclosure, s.phone.as_deref())),
                ("投诉等级", Cell::text(self.grade)),
            ],
            [
                ("责任部门", Cell::str(&s.department)),
                ("责任人", Cell::text(s.responsible_staff.as_deref())),
            ],
            [
                ("处理时限", Cell::time(s.deadline_at.as_deref())),
                ("状态", Cell::str(s.status.label())),
            ],
        ];
        for (i, pair) in pairs.into_iter().enumerate() {
            if i == 3 {
                row = self.wide(ws, f, row, "反映内容", &s.content)?;
            }
            ws.set_row_height(row, 22).map_err(xlsx_error)?;
            for (j, (label, value)) in pair.into_iter().enumerate() {
                let col = j as u16 * 2;
                ws.write_string_with_format(row, col, label, &f.label)
                    .map_err(xlsx_error)?;
                write_cell(ws, f, row, col + 1, value, false)?;
            }
            row += 1;
        }
        row = self.wide(
            ws,
            f,
            row,
            "处理结果",
            s.handling_result.as_deref().unwrap_or(""),
        )?;
        ws.set_row_height(row, 36).map_err(xlsx_error)?;
        for (j, label) in ["业主签名", "日期"].iter().enumerate() {
            let col = j as u16 * 2;
            ws.write_string_with_format(row, col, *label, &f.label)
                .map_err(xlsx_error)?;
            let signed = if j == 0 && s.owner_signed {
                "（已签字）"
            } else {
                ""
            };
            ws.write_string_with_format(row, col + 1, signed, &f.boxed.text)
                .map_err(xlsx_error)?;
        }
        row += 1;
        let visits: Vec<String> = self
            .calls
            .iter()
            .map(|c| {
                let at = crate::time::from_db(&c.at)
                    .map(|t| {
                        t.with_timezone(&crate::time::beijing())
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_else(|_| c.at.clone());
                match c.note.as_deref().filter(|n| !n.is_empty()) {
                    Some(note) => format!("{at} {} {}：{note}", c.staff, c.result),
                    None => format!("{at} {} {}", c.staff, c.result),
                }
            })
            .collect();
        row = self.wide(ws, f, row, "回访记录", &visits.join("\n"))?;
        let note = Format::new()
            .set_font_name("宋体")
            .set_font_size(9)
            .set_align(FormatAlign::Left);
        ws.merge_range(
            row,
            0,
            row,
            3,
            "说明：本单由前台开具，责任人处理完毕后请业主签名，交回客户服务中心归档。",
            &note,
        )
        .map_err(xlsx_error)?;
        match self.paper {
            SlipPaper::A5Landscape => {
                ws.set_paper_size(sheet::PAPER_A5);
                ws.set_landscape();
            }
            SlipPaper::A4 => {
                ws.set_paper_size(sheet::PAPER_A4);
                ws.set_portrait();
            }
        }
        ws.set_margins(0.5, 0.5, 0.5, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_footer(page_footer());
        Ok(())
    }

    /// A label and a text across the three value columns, continued over more rows when long.
    /// Returns the next free row.
    fn wide(
        &self,
        ws: &mut Worksheet,
        f: &Formats,
        mut row: u32,
        label: &str,
        text: &str,
    ) -> Result<u32> {
        for (i, piece) in split_lines(text, WIDE, MAX_LINES).iter().enumerate() {
            let label = if i == 0 {
                label.to_string()
            } else {
                format!("{label}（续）")
            };
            ws.set_row_height(row, height(piece, WIDE))
                .map_err(xlsx_error)?;
            ws.write_string_with_format(row, 0, &label, &f.label)
                .map_err(xlsx_error)?;
            ws.merge_range(row, 1, row, 3, piece, &f.boxed.wrap)
                .map_err(xlsx_error)?;
            row += 1;
        }
        Ok(row)
    }
}
