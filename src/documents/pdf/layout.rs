//! Page layout shared by every PDF document: the face chain (the embedded fonts, each parsed
//! once per process when first needed), text measured by glyph advances, Chinese line breaking,
//! pages with boxes, grids and tables that continue onto further pages, page numbers, the
//! Code 128 barcode, and saving with metadata.
//!
//! Invariants:
//! - Coordinates are points from the page's top-left corner, y growing downwards; the conversion
//!   to PDF's bottom-left origin happens only here.
//! - Text is drawn from one face chain, [`Face`]: Noto Sans SC, then fallbacks for the
//!   characters it lacks (rare CJK ideographs of Extensions B–H, emoji). Each character is
//!   drawn from the first font of the chain that has it, and measured with that same font, so
//!   widths, line breaks and what is drawn agree even when a line changes font.
//! - Every string drawn goes through [`Face::printable`]: a character no font of the chain has
//!   prints as □ (from the main font) instead of an invisible .notdef glyph, and control
//!   characters never reach the page.
//! - Fonts are embedded as subsets (only the glyphs used), and a fallback only when the
//!   document uses it, so a slip stays small.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
    TextRenderingMode, XObjectTransform,
};

use crate::error::{Error, Result};

// `FONTS`: the chain's font files (assets/fonts), main font first, LZMA-compressed by the build script.
include!(concat!(env!("OUT_DIR"), "/fonts.rs"));

/// How many fonts the chain has.
const CHAIN: usize = FONTS.len();

/// Where the baseline sits below the top of a line box, in em (CJK ideographs fill 0.88 em above
/// the baseline and 0.12 em below in Noto Sans SC).
const ASCENT: f32 = 0.88;
/// Line height of wrapped text, in em.
pub const LEADING: f32 = 1.4;
/// Inner padding of a grid cell, in points.
pub const PAD: f32 = 3.5;

/// Closing marks that never start a line.
const NO_START: &str = "，。、；：？！）」』》】〕〉”’…,.;:?!)]}%％";
/// Opening marks that never end a line.
const NO_END: &str = "（「『《【〔〈“‘([{";

/// One font of the chain: the decoded file and its parse.
struct Font {
    bytes: Vec<u8>,
    parsed: ParsedFont,
    units_per_em: f32,
}

impl Font {
    /// Decodes and parses font `i` of the chain; `None` if its data are damaged.
    fn load(i: usize) -> Option<Font> {
        let mut reader = lzma_rust2::LzmaReader::new_mem_limit(FONTS[i].1, u32::MAX, None).ok()?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut reader, &mut bytes).ok()?;
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        Some(Font {
            bytes,
            parsed,
            units_per_em,
        })
    }

    fn glyph(&self, c: char) -> Option<u16> {
        self.parsed.lookup_glyph_index(c as u32)
    }
}

/// The face chain: the main font (Noto Sans SC) and its fallbacks, in order. The main font is
/// loaded with the face; a fallback when a character the fonts before it lack is first asked
/// for (most documents never need one). A fallback that cannot be loaded counts as empty.
pub struct Face {
    fonts: [OnceLock<Option<Font>>; CHAIN],
}

impl Face {
    /// The process-wide face (decoding and parsing 10 MB of font takes a while, so it is done
    /// once).
    pub fn get() -> Result<&'static Face> {
        static FACE: OnceLock<Option<Face>> = OnceLock::new();
        FACE.get_or_init(|| {
            let face = Face {
                fonts: std::array::from_fn(|_| OnceLock::new()),
            };
            let main = face.font(0)?;
            main.glyph('□')?;
            Some(face)
        })
        .as_ref()
        .ok_or_else(|| Error::State("内置字体无法加载，无法生成 PDF".into()))
    }

    /// Font `i` of the chain, loaded on first use.
    fn font(&self, i: usize) -> Option<&Font> {
        self.fonts[i].get_or_init(|| Font::load(i)).as_ref()
    }

    /// The font of the chain that draws `c` and its glyph there: the first font that has it.
    fn find(&self, c: char) -> Option<(usize, &Font, u16)> {
        (0..CHAIN).find_map(|i| {
            let font = self.font(i)?;
            font.glyph(c).map(|gid| (i, font, gid))
        })
    }

    /// Where the printed form of `c` comes from: its font's index in the chain, the font and
    /// the glyph.
    fn glyph(&self, c: char) -> (usize, &Font, u16) {
        let c = if c.is_control() { ' ' } else { c };
        self.find(c)
            .or_else(|| self.find('□'))
            .expect("the main font has □ (checked when the face is loaded)")
    }

    /// The character as it will print: itself when a font of the chain has it, □ when none
    /// does, a space for control characters.
    pub fn printable(&self, c: char) -> char {
        if c.is_control() {
            ' '
        } else if self.find(c).is_some() {
            c
        } else {
            '□'
        }
    }

    /// Index in the chain of the font that draws `c`.
    fn font_of(&self, c: char) -> usize {
        self.glyph(c).0
    }

    /// Advance width of a character in em, in the font that draws it.
    pub fn advance(&self, c: char) -> f32 {
        let (_, font, gid) = self.glyph(c);
        f32::from(font.parsed.get_horizontal_advance(gid)) / font.units_per_em
    }

    /// Width of a string at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// `text` cut to at most `max_lines` wrapped lines, ending in “…” when cut.
    pub fn clip(&self, text: &str, max: f32, size: f32, max_lines: usize) -> String {
        let mut lines = self.lines(text, max, size);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.width(last, size) + self.advance('…') * size > max
                {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines.join("\n")
    }

    /// `text` wrapped into lines no wider than `max` points at `size` points.
    pub fn lines(&self, text: &str, max: f32, size: f32) -> Vec<String> {
        wrap(text, max, |c| self.advance(c) * size)
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '@' | '.' | '/' | '*' | '+')
}

/// Wraps `text` into lines no wider than `max`, measuring each character with `measure`.
///
/// Chinese breaks between any two characters; a run of ASCII letters and digits (a slip number,
/// a phone, an English word) moves whole to the next line when it fits there; spaces at a break
/// are dropped. A closing mark (，。、；：？！）」』》 …) never starts a line and an opening mark
/// （「《 … never ends one: the character before it moves down with it. Only when a line would
/// otherwise be empty does a closing mark hang past the margin instead. `\n` starts a new line.
pub(crate) fn wrap(text: &str, max: f32, measure: impl Fn(char) -> f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let chars: Vec<char> = para
            .chars()
            .filter(|c| *c != '\r')
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        if chars.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut start = 0;
        while start < chars.len() {
            let mut width = 0.0;
            let mut end = start;
            while end < chars.len() {
                let w = measure(chars[end]);
                if end > start && width + w > max + 1e-3 {
                    break;
                }
                width += w;
                end += 1;
            }
            if end < chars.len() {
                end = break_before(&chars, start, end);
            }
            let line: String = chars[start..end].iter().collect();
            out.push(line.trim_end().to_string());
            start = end;
            while start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
        }
    }
    out
}

/// Where to break a line that starts at `start` when `chars[end]` no longer fits.
fn break_before(chars: &[char], start: usize, end: usize) -> usize {
    let violates = |k: usize| {
        let next = chars[k..].iter().find(|c| **c != ' ');
        next.is_some_and(|c| NO_START.contains(*c)) || NO_END.contains(chars[k - 1])
    };
    let mut b = end;
    if is_word(chars[b]) && is_word(chars[b - 1]) {
        let mut k = b;
        while k > start && is_word(chars[k - 1]) {
            k -= 1;
        }
        if k > start {
            b = k;
        }
    }
    let mut k = b;
    while k > start + 1 && violates(k) {
        k -= 1;
    }
    if !violates(k) {
        return k;
    }
    // Nothing can move down without emptying the line: let the closing marks hang.
    let mut k = end;
    while k < chars.len() && (chars[k] == ' ' || NO_START.contains(chars[k])) {
        k += 1;
    }
    k
}

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Colour(pub f32, pub f32, pub f32);

pub const BLACK: Colour = Colour(0.0, 0.0, 0.0);
pub const GREY: Colour = Colour(0.35, 0.35, 0.35);
pub const LABEL_FILL: Colour = Colour(0.93, 0.93, 0.93);
pub const RED: Colour = Colour(0.82, 0.1, 0.1);
pub const GREEN: Colour = Colour(0.1, 0.5, 0.2);
pub const BAR: Colour = Colour(0.27, 0.47, 0.71);

impl Colour {
    fn pdf(self) -> Color {
        Color::Rgb(Rgb {
            r: self.0,
            g: self.1,
            b: self.2,
            icc_profile: None,
        })
    }
}

/// Horizontal alignment of text in a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// How a piece of text is drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: Colour,
    pub align: Align,
}

impl Style {
    pub const fn new(size: f32) -> Style {
        Style {
            size,
            bold: false,
            colour: BLACK,
            align: Align::Left,
        }
    }
    pub const fn bold(self) -> Style {
        Style { bold: true, ..self }
    }
    pub const fn colour(self, colour: Colour) -> Style {
        Style { colour, ..self }
    }
    pub const fn align(self, align: Align) -> Style {
        Style { align, ..self }
    }
}

/// Paper sizes in points (portrait width, height).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paper {
    pub width: f32,
    pub height: f32,
}

const MM: f32 = 72.0 / 25.4;
pub const A4: Paper = Paper {
    width: 210.0 * MM,
    height: 297.0 * MM,
};
pub const A4_LANDSCAPE: Paper = Paper {
    width: 297.0 * MM,
    height: 210.0 * MM,
};
pub const A5_LANDSCAPE: Paper = Paper {
    width: 210.0 * MM,
    height: 148.0 * MM,
};

/// One page being drawn.
pub struct Page {
    pub width: f32,
    pub height: f32,
    ops: Vec<Op>,
    /// The document's font resource of each font of the chain.
    fonts: [FontId; CHAIN],
}

impl Page {
    /// Draws one line of text with its line box's top-left corner at (`x`, `y`); with
    /// `Align::Center`/`Right` the text is placed within `width` from `x`.
    pub fn text(&mut self, x: f32, y: f32, width: f32, s: &str, style: Style) {
        let Ok(face) = Face::get() else { return };
        let s: String = s.chars().map(|c| face.printable(c)).collect();
        if s.trim().is_empty() {
            return;
        }
        let x = match style.align {
            Align::Left => x,
            Align::Center => x + (width - face.width(&s, style.size)) / 2.0,
            Align::Right => x + width - face.width(&s, style.size),
        };
        let baseline = self.height - y - style.size * ASCENT;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor {
            col: style.colour.pdf(),
        });
        if style.bold {
            self.ops.push(Op::SetOutlineColor {
                col: style.colour.pdf(),
            });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(style.size * 0.035),
            });
        }
        self.ops.push(Op::StartTextSection);
        if style.bold {
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
        }
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(baseline),
            },
        });
        // One run per change of font; each run moves the cursor on by its glyphs' widths.
        let mut rest = s.as_str();
        while let Some(first) = rest.chars().next() {
            let font = face.font_of(first);
            let end = rest
                .char_indices()
                .find(|(_, c)| face.font_of(*c) != font)
                .map_or(rest.len(), |(at, _)| at);
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.fonts[font].clone()),
                size: Pt(style.size),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(rest[..end].to_string())],
            });
            rest = &rest[end..];
        }
        self.ops.push(Op::EndTextSection);
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A one-page form's heading: 《title》 centred, and under it on the left `line` (the estate,
    /// the form's number…). Returns where the body starts.
    pub fn form_title(&mut self, title: &str, line: &str) -> f32 {
        let width = self.width - 2.0 * MARGIN;
        self.text(
            MARGIN,
            26.0,
            width,
            &format!("《{title}》"),
            Style::new(17.0).bold().align(Align::Center),
        );
        self.text(MARGIN, 54.0, width, line, Style::new(9.5));
        70.0
    }

    /// Draws already wrapped lines from (`x`, `y`) downwards.
    pub fn lines(&mut self, x: f32, y: f32, width: f32, lines: &[String], style: Style) {
        for (i, line) in lines.iter().enumerate() {
            self.text(x, y + i as f32 * style.size * LEADING, width, line, style);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(self.height - y - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(mode),
                winding_order: None,
            },
        });
    }

    /// The outline of a box.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, colour: Colour) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: colour.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.rect(x, y, w, h, PaintMode::Stroke);
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A filled box.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: colour.pdf() });
        self.rect(x, y, w, h, PaintMode::Fill);
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A straight line; `dash` gives dash and gap lengths.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, dash: &[f32]) {
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: Pt(x),
                y: Pt(self.height - y),
            },
            bezier: false,
        };
        let points = vec![point(from), point(to)];
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: BLACK.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        if !dash.is_empty() {
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, dash),
            });
        }
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A Code 128 barcode of `text` (printable ASCII) with its top-left corner at (`x`, `y`),
    /// bars `height` high and `module` points per module; quiet zones are the caller's margin.
    /// Returns the barcode's width.
    pub fn barcode(&mut self, x: f32, y: f32, module: f32, height: f32, text: &str) -> f32 {
        let mut at = x;
        for (i, run) in super::code128::modules(text).into_iter().enumerate() {
            let w = f32::from(run) * module;
            if i % 2 == 0 {
                self.fill_rect(at, y, w, height, BLACK);
            }
            at += w;
        }
        at - x
    }
}

/// A box of text in a grid row: spans `span` columns; labels are shaded and centred.
#[derive(Clone, Debug)]
pub struct Cell {
    pub text: String,
    pub span: usize,
    pub label: bool,
    pub colour: Colour,
}

impl Cell {
    pub fn label(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            label: true,
            colour: BLACK,
        }
    }
    pub fn value(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            label: false,
            colour: BLACK,
        }
    }
    pub fn span(self, span: usize) -> Cell {
        Cell { span, ..self }
    }
    pub fn colour(self, colour: Colour) -> Cell {
        Cell { colour, ..self }
    }
}

/// A row of cells; at least `min_height` points high.
#[derive(Clone, Debug)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub min_height: f32,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            min_height: 0.0,
        }
    }
    pub fn min_height(self, min_height: f32) -> Row {
        Row { min_height, ..self }
    }
}

/// Columns of a form or a table: left edge, column widths and the text size.
#[derive(Clone, Debug)]
pub struct Grid {
    pub x: f32,
    pub widths: Vec<f32>,
    pub size: f32,
}

/// A row with its cells measured and wrapped.
struct Laid {
    cells: Vec<(f32, f32, Vec<String>, Cell)>,
    min_height: f32,
}

impl Grid {
    /// A grid spanning `width` from `x`, columns in proportion to `weights`.
    pub fn proportional(x: f32, width: f32, weights: &[f32], size: f32) -> Grid {
        let total: f32 = weights.iter().sum();
        Grid {
            x,
            widths: weights.iter().map(|w| w / total * width).collect(),
            size,
        }
    }

    fn line_height(&self) -> f32 {
        self.size * LEADING
    }

    fn lay(&self, face: &Face, row: &Row) -> Laid {
        let mut col = 0;
        let mut cells = Vec::new();
        for cell in &row.cells {
            let end = (col + cell.span.max(1)).min(self.widths.len());
            let x = self.x + self.widths[..col].iter().sum::<f32>();
            let w: f32 = self.widths[col..end].iter().sum();
            let lines = face.lines(&cell.text, w - 2.0 * PAD, self.size);
            cells.push((x, w, lines, cell.clone()));
            col = end;
        }
        Laid {
            cells,
            min_height: row.min_height,
        }
    }

    fn height(&self, laid: &Laid) -> f32 {
        let lines = laid.cells.iter().map(|c| c.2.len()).max().unwrap_or(1);
        (lines as f32 * self.line_height() + 2.0 * PAD).max(laid.min_height)
    }

    /// Draws one row at `y` on `page` (no page breaks) and returns its height.
    pub fn place(&self, page: &mut Page, y: f32, row: &Row) -> f32 {
        let Ok(face) = Face::get() else { return 0.0 };
        let laid = self.lay(face, row);
        let h = self.height(&laid);
        self.draw(page, y, &laid, h);
        h
    }

    fn draw(&self, page: &mut Page, y: f32, laid: &Laid, h: f32) {
        let lh = self.line_height();
        for (x, w, lines, cell) in &laid.cells {
            if cell.label {
                page.fill_rect(*x, y, *w, h, LABEL_FILL);
            }
            page.stroke_rect(*x, y, *w, h, 0.6, BLACK);
            let style = Style::new(self.size)
                .colour(cell.colour)
                .align(if cell.label {
                    Align::Center
                } else {
                    Align::Left
                });
            // One-line cells are centred vertically; longer text starts at the top.
            let text_h = lines.len() as f32 * lh;
            let top = if lines.len() <= 1 {
                y + (h - text_h) / 2.0 + (lh - self.size) / 2.0
            } else {
                y + PAD + (lh - self.size) / 2.0
            };
            page.lines(x + PAD, top, w - 2.0 * PAD, lines, style);
        }
    }
}

/// One bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// What is written after the bar (the value with its unit).
    pub text: String,
    pub target: Option<f64>,
    pub colour: Colour,
}

/// Draws something at the top of every page and returns the y where the content starts.
pub type Header<'a> = Box<dyn FnMut(&mut Page) -> f32 + 'a>;

/// A document: pages of one size, content flowing down them; a grid row or table row that does
/// not fit continues on the next page, under the page header (and the table header) again.
pub struct Flow<'a> {
    doc: PdfDocument,
    /// The font resource of each font of the chain (embedded only if used).
    fonts: [FontId; CHAIN],
    paper: Paper,
    pages: Vec<Page>,
    header: Header<'a>,
    /// A table header repeated on each new page while a table is being drawn.
    repeat: Option<(Grid, Row)>,
    /// Current position on the last page.
    pub y: f32,
    /// Where content stops on every page.
    pub bottom: f32,
    top: f32,
}

/// A finished PDF.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

impl<'a> Flow<'a> {
    /// A document titled `title` on `paper`, content ending `bottom_margin` above the page's foot;
    /// the first page is opened (and `header` drawn on it) at once.
    pub fn new(title: &str, paper: Paper, bottom_margin: f32, header: Header<'a>) -> Result<Self> {
        Face::get()?;
        let mut flow = Flow {
            doc: PdfDocument::new(title),
            fonts: std::array::from_fn(|_| FontId::new()),
            paper,
            pages: Vec::new(),
            header,
            repeat: None,
            y: 0.0,
            bottom: paper.height - bottom_margin,
            top: 0.0,
        };
        flow.new_page();
        Ok(flow)
    }

    /// The page being drawn.
    pub fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page with the header (and the repeated table header).
    pub fn new_page(&mut self) {
        let mut page = Page {
            width: self.paper.width,
            height: self.paper.height,
            ops: Vec::new(),
            fonts: self.fonts.clone(),
        };
        self.y = (self.header)(&mut page);
        self.top = self.y;
        self.pages.push(page);
        if let Some((grid, row)) = self.repeat.take() {
            self.row(&grid, &row);
            self.repeat = Some((grid, row));
        }
    }

    /// Draws `picture` on the current page in the box at (`x`, `y`) (its top-left corner) of
    /// `w` × `h` points; the picture is stretched to the box, so the caller keeps its proportions.
    pub fn picture(&mut self, picture: &super::picture::Picture, x: f32, y: f32, w: f32, h: f32) {
        let id = self.doc.add_xobject(&picture.xobject);
        let page = self.page();
        let bottom = page.height - y - h;
        page.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(bottom)),
                scale_x: Some(w),
                scale_y: Some(h),
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
    }

    /// Makes sure `h` points are free below the current position, else starts a new page.
    pub fn need(&mut self, h: f32) {
        if self.y + h > self.bottom && self.y > self.top {
            self.new_page();
        }
    }

    /// A section heading kept with at least `keep` points of what follows.
    pub fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.need(size * 2.0 + keep);
        self.y += size * 0.6;
        let y = self.y;
        self.page()
            .text(MARGIN, y, 0.0, text, Style::new(size).bold());
        self.y += size * 1.5;
    }

    /// One grid row; a row taller than the space left continues on the next page (labels repeat
    /// with “（续）”).
    pub fn row(&mut self, grid: &Grid, row: &Row) {
        let Ok(face) = Face::get() else { return };
        let mut laid = grid.lay(face, row);
        loop {
            let h = grid.height(&laid);
            if self.y + h <= self.bottom + 0.01 {
                let y = self.y;
                grid.draw(self.page(), y, &laid, h);
                self.y += h;
                return;
            }
            if self.y > self.top && h <= self.bottom - self.top {
                self.new_page();
                continue;
            }
            let fit = ((self.bottom - self.y - 2.0 * PAD) / grid.line_height()).floor() as usize;
            if fit == 0 {
                self.new_page();
                continue;
            }
            let mut first = Laid {
                cells: Vec::new(),
                min_height: 0.0,
            };
            let mut rest = Laid {
                cells: Vec::new(),
                min_height: (laid.min_height - (self.bottom - self.y)).max(0.0),
            };
            for (x, w, lines, cell) in laid.cells {
                let cut = fit.min(lines.len());
                let (head, tail) = lines.split_at(cut);
                let tail = if cell.label && !head.is_empty() {
                    face.lines(&format!("{}（续）", cell.text), w - 2.0 * PAD, grid.size)
                } else {
                    tail.to_vec()
                };
                first.cells.push((x, w, head.to_vec(), cell.clone()));
                rest.cells.push((x, w, tail, cell));
            }
            let h = self.bottom - self.y;
            let y = self.y;
            grid.draw(self.page(), y, &first, h);
            self.new_page();
            laid = rest;
        }
    }

    /// A table: its header row, then the rows; the header repeats on every page the table runs
    /// onto. `progress` is told after each row.
    pub fn table(
        &mut self,
        grid: &Grid,
        header: Row,
        rows: impl IntoIterator<Item = Row>,
        progress: &mut dyn FnMut(u64),
    ) {
        self.need(grid.size * LEADING * 3.0 + 4.0 * PAD);
        self.row(grid, &header);
        self.repeat = Some((grid.clone(), header));
        for (i, row) in rows.into_iter().enumerate() {
            self.row(grid, &row);
            progress(i as u64 + 1);
        }
        self.repeat = None;
    }

    /// A horizontal bar chart across the page: a label, a bar scaled to `max` (or the largest
    /// value) and the value's text; a bar's target is a marker line across it.
    pub fn bars(&mut self, bars: &[Bar], max: Option<f64>) {
        let size = 8.5;
        let bar_h = 11.0;
        let step = 16.0;
        let max = max.unwrap_or_else(|| {
            bars.iter()
                .map(|b| b.value.max(b.target.unwrap_or(0.0)))
                .fold(0.0, f64::max)
        });
        let label_w = 120.0;
        let text_w = 130.0;
        let area = self.paper.width - 2.0 * MARGIN - label_w - text_w - 8.0;
        for bar in bars {
            self.need(step);
            let y = self.y;
            let x0 = MARGIN + label_w + 4.0;
            let scale = |v: f64| {
                if max > 0.0 {
                    (v / max) as f32 * area
                } else {
                    0.0
                }
            };
            let page = self.page();
            page.text(
                MARGIN,
                y + (bar_h - size) / 2.0,
                label_w,
                &bar.label,
                Style::new(size).align(Align::Right),
            );
            let w = scale(bar.value);
            if w > 0.0 {
                page.fill_rect(x0, y, w, bar_h, bar.colour);
            }
            page.line((x0, y - 2.0), (x0, y + bar_h + 2.0), 0.6, &[]);
            if let Some(t) = bar.target {
                let tx = x0 + scale(t);
                page.line((tx, y - 2.0), (tx, y + bar_h + 2.0), 1.2, &[2.0, 1.5]);
            }
            page.text(
                x0 + area + 6.0,
                y + (bar_h - size) / 2.0,
                0.0,
                &bar.text,
                Style::new(size).colour(bar.colour),
            );
            self.y += step;
        }
    }

    /// Vertical space.
    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// The fonts this document embeds, by resource: for each font of the chain that drew
    /// something, a sparse copy holding only the glyphs drawn with it (see `sparse`), or the
    /// whole font if that cannot be built. Fonts that drew nothing are left out.
    fn document_fonts(&self) -> Result<Vec<(FontId, ParsedFont)>> {
        let face = Face::get()?;
        let mut chars: [BTreeMap<char, u16>; CHAIN] = std::array::from_fn(|_| BTreeMap::new());
        let mut current = 0;
        for op in self.pages.iter().flat_map(|p| &p.ops) {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => current = self.fonts.iter().position(|f| f == id).unwrap_or(0),
                Op::ShowText { items } => {
                    let Some(font) = face.font(current) else {
                        continue;
                    };
                    for item in items {
                        if let TextItem::Text(s) = item {
                            for c in s.chars() {
                                if let Some(gid) = font.glyph(c) {
                                    chars[current].insert(c, gid);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (i, chars) in chars.iter().enumerate() {
            // A font the document does not draw with is not even loaded (decoding and parsing
            // a fallback costs tens of milliseconds).
            if chars.is_empty() {
                continue;
            }
            let Some(font) = face.font(i) else {
                continue;
            };
            let parsed = super::sparse::sparse(&font.bytes, chars)
                .and_then(|bytes| ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()))
                .unwrap_or_else(|| font.parsed.clone());
            out.push((self.fonts[i].clone(), parsed));
        }
        Ok(out)
    }

    /// Writes “第 N 页，共 M 页” (and `footer` at the left) at the foot of every page, then
    /// serialises the document with its metadata and the font subsets.
    pub fn finish(mut self, footer: &str, now: DateTime<Utc>) -> Result<Rendered> {
        let total = self.pages.len();
        let size = 8.0;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let y = page.height - MARGIN * 0.75 - size;
            let style = Style::new(size).colour(GREY);
            page.text(MARGIN, y, 0.0, footer, style);
            let w = page.width - 2.0 * MARGIN;
            page.text(
                MARGIN,
                y,
                w,
                &format!("第 {} 页，共 {} 页", i + 1, total),
                style.align(Align::Right),
            );
        }
        let date = printpdf::OffsetDateTime::from_unix_timestamp(now.timestamp())
            .map_err(|e| Error::State(format!("无效的生成时间：{e}")))?;
        let info = &mut self.doc.metadata.info;
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
        info.producer = "FrontDesk".into();
        info.creator = "FrontDesk".into();
        for (id, font) in self.document_fonts()? {
            self.doc.resources.fonts.map.insert(id, PdfFont::new(font));
        }
        let (w, h) = (Pt(self.paper.width), Pt(self.paper.height));
        self.doc.pages = self
            .pages
            .into_iter()
            .map(|p| PdfPage {
                media_box: Rect::from_wh(w, h),
                trim_box: Rect::from_wh(w, h),
                crop_box: Rect::from_wh(w, h),
                ops: p.ops,
            })
            .collect();
        let options = PdfSaveOptions {
            subset_fonts: true,
            image_optimization: None,
            ..Default::default()
        };
        let bytes = self.doc.save(&options, &mut Vec::new());
        Ok(Rendered {
            bytes,
            pages: total,
        })
    }
}

/// Page margin of every document, in points (about 10 mm).
pub const MARGIN: f32 = 28.0;

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn closing_marks_never_start_a_line_and_opening_marks_never_end_one() {
        const NO_START: &str = "，。、；：？！）」』》";
        const NO_END: &str = "（「『《";
        // (text, width in characters of width 1, expected lines or None to check invariants only)
        let cases: &[(&str, f32, Option<&[&str]>)] = &[
            ("一二三四，五六", 4.0, Some(&["一二三", "四，五六"])),
            ("一二三四。", 4.0, Some(&["一二三", "四。"])),
            ("一二三，。五六七", 4.0, Some(&["一二", "三，。五", "六七"])),
            ("一二三「四五」", 4.0, Some(&["一二三", "「四五」"])),
            ("甲乙丙丁）》戊", 4.0, Some(&["甲乙丙", "丁）》戊"])),
            ("甲乙丙丁）》」』", 4.0, Some(&["甲乙丙", "丁）》」』"])),
            ("一二三四五六七八", 4.0, Some(&["一二三四", "五六七八"])),
            ("第一行\n第二行", 10.0, Some(&["第一行", "第二行"])),
            (
                "电话13800138000请回电",
                12.0,
                Some(&["电话", "13800138000请", "回电"]),
            ),
            (
                "电话13800138000请回电",
                8.0,
                Some(&["电话", "13800138", "000请回电"]),
            ),
            ("，，，，，，", 2.0, None),
            (
                "他说：「好的，我们明天（周二）上午来修。」谢谢！",
                5.0,
                None,
            ),
            (
                "业主反映：楼上漏水、墙面发霉；要求：尽快处理？是！",
                3.0,
                None,
            ),
            ("《龙湖花园协调单》、『补打』；", 4.0, None),
        ];
        for (text, max, expected) in cases {
            let lines = wrap(text, *max, |_| 1.0);
            if let Some(exp) = expected {
                assert_eq!(&lines, exp, "{text:?} at {max}");
            }
            for (i, line) in lines.iter().enumerate() {
                let first = line.chars().next();
                if i > 0 && !text.chars().all(|c| NO_START.contains(c)) {
                    assert!(
                        !first.is_some_and(|c| NO_START.contains(c)),
                        "{text:?}: line {line:?} starts with a closing mark"
                    );
                }
                if i + 1 < lines.len() {
                    assert!(
                        !line.chars().last().is_some_and(|c| NO_END.contains(c)),
                        "{text:?}: line {line:?} ends with an opening mark"
                    );
                }
            }
            let joined: String = lines.concat();
            let original: String = text.chars().filter(|c| *c != '\n').collect();
            assert_eq!(joined, original, "characters lost or added");
        }
    }

    #[test]
    fn the_line_breaker_measures_each_glyph() {
        // Wide (2) and narrow (1) characters: lines are filled by measured width, not by count.
        let measure = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
        let lines = wrap("ab中文cd字", 5.0, measure);
        assert_eq!(lines, vec!["ab中", "文cd", "字"]);
        for line in wrap(&"漏水，天花板发霉。".repeat(30), 41.0, measure) {
            assert!(line.chars().map(measure).sum::<f32>() <= 41.0, "{line}");
        }
    }
}
