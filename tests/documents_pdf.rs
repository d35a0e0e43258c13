//! PDF documents, read back: every document's text (through the embedded font's ToUnicode map),
//! page sizes, the embedded font being a subset, the metadata; masking and the audited right to
//! unmask; printing a slip logs the print only when the file was written; a 2,000-character slip
//! runs over pages without losing a character; characters Noto Sans SC lacks (𠮷, 𪚥, 😀) are
//! drawn from the fallback fonts' embedded glyphs, and one no font has as □; the line breaker
//! never starts a line with a closing mark; the Code 128 symbols.

use std::collections::HashMap;
use std::path::Path;

use frontdesk::complaints::{self, AttemptInput, CloseInput};
use frontdesk::documents::pdf;
use frontdesk::documents::{self, Disclosure};
use frontdesk::intake::IntakeInput;
use frontdesk::policy::{self, SlipPaper};
use frontdesk::repairs::{self, DispatchInput, FinishInput, RepairInput, StepInput};
use frontdesk::slips::{self, Slip, SlipInput};
use frontdesk::{Error, Store};
use lopdf::content::Content;
use lopdf::{Document, Object};

use crate::common::*;
use crate::complaints::{as_clerk, as_supervisor, open_complaint, record_intake};
use crate::slips::slip_for;

// ---------------------------------------------------------------------------------------------
// Reading a PDF back

/// What a PDF holds, as a reader sees it.
pub(crate) struct Read {
    /// Text of each page, one drawn line per line.
    pages: Vec<String>,
    /// Page sizes in points, rounded.
    sizes: Vec<(i64, i64)>,
    /// Embedded fonts: base name and the length of the embedded font program.
    fonts: Vec<(String, usize)>,
    info: HashMap<String, String>,
    bytes: usize,
    /// Every character drawn, in order: the text its glyph maps to, the base name of the font
    /// it is drawn with, and the length of that glyph's outline in the embedded font program.
    drawn: Vec<(String, String, usize)>,
}

impl Read {
    pub(crate) fn text(&self) -> String {
        self.pages.join("\n")
    }
}

fn pdf_string(o: &Object) -> String {
    match o {
        Object::String(b, _) if b.starts_with(&[0xFE, 0xFF]) => {
            let units: Vec<u16> = b[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Object::String(b, _) => String::from_utf8_lossy(b).into_owned(),
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        other => format!("{other:?}"),
    }
}

/// The length of glyph `gid`'s outline in a TrueType font program (0: an empty glyph, which
/// is what .notdef and a missing glyph draw as nothing).
fn glyph_len(font: &[u8], gid: u16) -> usize {
    let u16_at = |d: &[u8], at: usize| usize::from(u16::from_be_bytes([d[at], d[at + 1]]));
    let u32_at =
        |d: &[u8], at: usize| u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]) as usize;
    let table = |tag: &[u8]| {
        (0..u16_at(font, 4))
            .map(|i| 12 + 16 * i)
            .find(|rec| &font[*rec..rec + 4] == tag)
            .map(|rec| &font[u32_at(font, rec + 8)..][..u32_at(font, rec + 12)])
            .expect("table in the font program")
    };
    let (head, loca) = (table(b"head"), table(b"loca"));
    let long = u16_at(head, 50) == 1;
    let offset = |g: usize| {
        if long {
            u32_at(loca, g * 4)
        } else {
            u16_at(loca, g * 2) * 2
        }
    };
    let gid = usize::from(gid);
    if (gid + 2) * if long { 4 } else { 2 } > loca.len() {
        return 0;
    }
    offset(gid + 1).saturating_sub(offset(gid))
}

/// Parses the `bfchar` pairs of a ToUnicode CMap.
fn to_unicode(cmap: &str) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let mut inside = false;
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            inside = true;
        } else if line == "endbfchar" {
            inside = false;
        } else if inside {
            let hex: Vec<&str> = line
                .split(['<', '>', ' '])
                .filter(|s| !s.is_empty())
                .collect();
            let code = u16::from_str_radix(hex[0], 16).unwrap();
            let units: Vec<u16> = hex[1]
                .as_bytes()
                .chunks(4)
                .map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                .collect();
            map.insert(code, String::from_utf16_lossy(&units));
        }
    }
    map
}

pub(crate) fn read(path: &Path) -> Read {
    let bytes = std::fs::read(path).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let mut pages = Vec::new();
    let mut sizes = Vec::new();
    let mut fonts = Vec::new();
    let mut drawn = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let page = doc.get_dictionary(page_id).unwrap();
        let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let num = |o: &Object| {
            o.as_float()
                .map(f64::from)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .unwrap()
        };
        sizes.push((
            (num(&media[2]) - num(&media[0])).round() as i64,
            (num(&media[3]) - num(&media[1])).round() as i64,
        ));
        let mut maps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
        let mut programs: HashMap<Vec<u8>, (String, Vec<u8>)> = HashMap::new();
        for (name, font) in doc.get_page_fonts(page_id).unwrap() {
            let cmap = font
                .get(b"ToUnicode")
                .and_then(|o| o.as_reference())
                .map(|id| {
                    let s = doc.get_object(id).unwrap().as_stream().unwrap();
                    let data = s
                        .decompressed_content()
                        .unwrap_or_else(|_| s.content.clone());
                    to_unicode(&String::from_utf8_lossy(&data))
                })
                .unwrap_or_default();
            let base = pdf_string(font.get(b"BaseFont").unwrap());
            let descendant = font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0].clone();
            let (_, descendant) = doc.dereference(&descendant).unwrap();
            let descriptor = descendant
                .as_dict()
                .unwrap()
                .get(b"FontDescriptor")
                .unwrap();
            let (_, descriptor) = doc.dereference(descriptor).unwrap();
            let file = descriptor
                .as_dict()
                .unwrap()
                .get(b"FontFile2")
                .expect("a TrueType font program is embedded");
            let (_, file) = doc.dereference(file).unwrap();
            let stream = file.as_stream().unwrap();
            let program = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            if !fonts.iter().any(|(b, _)| *b == base) {
                fonts.push((base.clone(), program.len()));
            }
            programs.insert(name.clone(), (base, program));
            maps.insert(name, cmap);
        }
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut text = String::new();
        let mut font: Vec<u8> = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "ET" => text.push('\n'),
                "Tj" | "TJ" => {
                    let map = &maps[&font];
                    let mut strings = Vec::new();
                    for o in &op.operands {
                        match o {
                            Object::Array(a) => {
                                strings.extend(a.iter().filter_map(|x| x.as_str().ok()))
                            }
                            other => strings.extend(other.as_str().ok()),
                        }
                    }
                    for s in strings {
                        for c in s.chunks(2) {
                            let code = u16::from_be_bytes([c[0], c[1]]);
                            let unicode = map.get(&code).map(String::as_str).unwrap_or("\u{FFFD}");
                            text.push_str(unicode);
                            let (base, program) = &programs[&font];
                            drawn.push((
                                unicode.to_string(),
                                base.clone(),
                                glyph_len(program, code),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        pages.push(text);
    }
    let mut info = HashMap::new();
    if let Ok(r) = doc.trailer.get(b"Info") {
        let (_, dict) = doc.dereference(r).unwrap();
        for (k, v) in dict.as_dict().unwrap() {
            info.insert(String::from_utf8_lossy(k).into_owned(), pdf_string(v));
        }
    }
    Read {
        pages,
        sizes,
        fonts,
        info,
        bytes: bytes.len(),
        drawn,
    }
}

const FONT_FILE_BYTES: usize = 9_867_196;

/// The checks every document must pass: the font embedded and subset, metadata, page size.
#[track_caller]
fn assert_well_formed(r: &Read, size: (i64, i64), title_has: &str) {
    assert_eq!(r.fonts.len(), 1, "one font: {:?}", r.fonts);
    let (name, len) = &r.fonts[0];
    let (tag, rest) = name.split_once('+').expect("subset tag ABCDEF+");
    assert!(
        tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
        "{name}"
    );
    assert!(rest.contains("NotoSansSC"), "{name}");
    assert!(
        *len < FONT_FILE_BYTES / 20,
        "embedded font program {len} bytes: not a subset"
    );
    assert!(
        r.sizes.iter().all(|s| *s == size),
        "page sizes {:?}, want {size:?}",
        r.sizes
    );
    assert!(
        r.info.get("Title").is_some_and(|t| t.contains(title_has)),
        "{:?}",
        r.info
    );
    assert_eq!(
        r.info.get("Producer").map(String::as_str),
        Some("FrontDesk"),
        "{:?}",
        r.info
    );
    let created = r.info.get("CreationDate").cloned().unwrap_or_default();
    assert!(created.starts_with("D:2026"), "creation date {created:?}");
    for (i, page) in r.pages.iter().enumerate() {
        let n = format!("第 {} 页，共 {} 页", i + 1, r.pages.len());
        assert!(page.contains(&n), "page {} lacks {n:?}", i + 1);
        assert!(
            !page.contains('\u{FFFD}'),
            "undecodable glyph on page {}",
            i + 1
        );
    }
}

#[track_caller]
fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "missing {n:?} in:\n{text}");
    }
}

/// Every character of `needle` (white space aside) appears in `text` in order.
fn in_order(text: &str, needle: &str) -> bool {
    let mut hay = text.chars().filter(|c| !c.is_whitespace());
    needle
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| hay.any(|h| h == c))
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn new_slip(d: &mut Desk) -> Slip {
    let c = open_complaint(d);
    slip_for(d, &c.no, "工程维修部", Some("sun"))
}

fn print(
    d: &mut Desk,
    actor: &frontdesk::Actor,
    no: &str,
    disclosure: Disclosure,
    out: &Path,
) -> frontdesk::Result<pdf::Written> {
    d.store
        .write(actor, |w| pdf::print_slip(w, no, disclosure, out))
}

// ---------------------------------------------------------------------------------------------
// The 协调单

#[test]
fn slip_prints_every_field_masked_by_default() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let grade = complaints::load(d.store.conn(), s.complaint_id.as_ref().unwrap())
        .unwrap()
        .grade;
    let dir = scratch("pdf-slip");
    let out = dir.join("协调单.pdf");
    let clerk = d.clerk.clone();
    let w = print(&mut d, &clerk, &s.no, Disclosure::Masked, &out).unwrap();
    assert_eq!(w.pages, 1);
    assert!(w.bytes <= 80 * 1024, "{} bytes", w.bytes);
    let r = read(&out);
    assert_eq!(r.bytes as u64, w.bytes);
    assert_well_formed(&r, (595, 420), &s.no);
    let text = r.text();
    assert_has(
        &text,
        &[
            "《龙湖花园协调单》",
            &s.no,
            "登记时间：2026-11-23 09:00",
            "3-2-1201",
            "张伟",
            "138****8000",
            "工程维修部",
            "孙师傅",
            grade.label(),
            "投诉等级",
            "楼上卫生间漏水，天花板发霉",
            "答复期限",
            "处理结果",
            "业主签名",
            "回访记录",
        ],
    );
    assert!(!text.contains("13800138000"), "phone printed in full");
    assert!(!text.contains("补打"), "first print marked as a reprint");
    assert_eq!(slips::load(d.store.conn(), &s.no).unwrap().print_count, 1);

    // The second print is a 补打.
    let again = dir.join("补打.pdf");
    print(&mut d, &clerk, &s.no, Disclosure::Masked, &again).unwrap();
    assert_has(&read(&again).text(), &["补打"]);
    assert_eq!(slips::load(d.store.conn(), &s.no).unwrap().print_count, 2);
}

#[test]
fn slip_full_phone_only_through_the_audited_right() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let eid = d.estate.id.clone();
    let out = scratch("pdf-slip-full").join("full.pdf");
    let before = snapshot(&d.store);
    let r = as_clerk(&mut d, |w| {
        let full = documents::unmask(w, &eid, "协调单")?;
        pdf::print_slip(w, &s.no, full, &out)
    });
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert_eq!(
        before,
        snapshot(&d.store),
        "a refused print changed the database"
    );
    assert!(!out.exists());

    as_supervisor(&mut d, |w| {
        let full = documents::unmask(w, &eid, "协调单")?;
        pdf::print_slip(w, &s.no, full, &out)
    })
    .unwrap();
    assert_has(&read(&out).text(), &["13800138000"]);
}

#[test]
fn a_slip_that_cannot_be_written_is_not_logged_as_printed() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let out = scratch("pdf-slip-fail")
        .join("没有这个文件夹")
        .join("x.pdf");
    let before = snapshot(&d.store);
    let clerk = d.clerk.clone();
    let r = print(&mut d, &clerk, &s.no, Disclosure::Masked, &out);
    assert_invalid(r, "out", "文件夹不存在");
    assert_eq!(
        before,
        snapshot(&d.store),
        "the print was logged although no file was written"
    );
}

#[test]
fn a_2000_character_report_continues_on_further_pages_without_loss() {
    let mut d = desk();
    let c = open_complaint(&mut d);
    let sentence =
        "业主反映：楼上卫生间漏水，已经三天，天花板发霉、墙皮脱落；要求尽快维修（含赔偿）！";
    let content: String = sentence.chars().cycle().take(2000).collect();
    let eid = d.estate.id.clone();
    let s = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                complaint: Some(c.no.clone()),
                department: Some("工程维修部".into()),
                content: Some(content.clone()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    let out = scratch("pdf-slip-long").join("long.pdf");
    let clerk = d.clerk.clone();
    let w = print(&mut d, &clerk, &s.no, Disclosure::Masked, &out).unwrap();
    assert!(w.pages > 1, "2,000 characters on {} page", w.pages);
    assert!(w.bytes <= 80 * 1024, "{} bytes", w.bytes);
    let r = read(&out);
    assert_well_formed(&r, (595, 420), &s.no);
    // Every page repeats the header; the report's characters all appear, in order.
    for (i, page) in r.pages.iter().enumerate() {
        assert!(
            page.contains("龙湖花园协调单") && page.contains(&s.no),
            "page {} lacks the header",
            i + 1
        );
        for line in page.lines() {
            assert!(
                !line.starts_with(|c| "，。、；：？！）」』》".contains(c)),
                "line starts with a closing mark: {line}"
            );
        }
    }
    assert_has(&r.pages[1], &["续页"]);
    assert!(
        in_order(&r.text(), &content),
        "characters of the report were lost"
    );
    let total: usize = r.text().chars().filter(|c| "漏".contains(*c)).count();
    assert!(
        total >= content.matches('漏').count(),
        "report characters missing"
    );
}

#[test]
fn a_slip_with_only_the_required_fields() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let i = record_intake(
        &mut d,
        &IntakeInput {
            channel: Some("来访".into()),
            kind: Some("投诉".into()),
            unit: Some("1-1-101".into()),
            content: Some("大堂灯不亮".into()),
            ..IntakeInput::default()
        },
    );
    let s = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                intake: Some(i.no.clone()),
                department: Some("客服中心".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    let out = scratch("pdf-slip-min").join("min.pdf");
    let clerk = d.clerk.clone();
    let w = print(&mut d, &clerk, &s.no, Disclosure::Masked, &out).unwrap();
    assert_eq!(w.pages, 1);
    let r = read(&out);
    assert_well_formed(&r, (595, 420), &s.no);
    assert_has(
        &r.text(),
        &[
            "大堂灯不亮",
            "客服中心",
            &s.no,
            "1-1-101",
            "房号",
            "联系电话",
            "未立案",
        ],
    );
}

#[test]
fn characters_the_main_font_lacks_print_from_the_fallback_fonts() {
    // 𠮷 and 𪚥 (CJK Extension B) and 😀 are not in Noto Sans SC; U+E000 (private use) is in
    // no font of the chain and prints as □.
    // A long report changes font within its lines and wraps over several of them.
    let content = format!(
        "业主𠮷田女士反映：门口“𪚥”字招牌松动😀，私用字\u{E000}。{}",
        "𠮷田家门口😀的𪚥字招牌，".repeat(15)
    );
    let mut d = desk();
    let eid = d.estate.id.clone();
    let i = record_intake(
        &mut d,
        &IntakeInput {
            person_name: Some("𠮷田".into()),
            content: Some(content.clone()),
            ..crate::complaints::complaint_call()
        },
    );
    let s = as_clerk(&mut d, |w| {
        slips::create(
            w,
            &eid,
            &SlipInput {
                intake: Some(i.no.clone()),
                department: Some("工程维修部".into()),
                ..SlipInput::default()
            },
        )
    })
    .unwrap();
    let out = scratch("pdf-slip-fallback").join("fallback.pdf");
    let clerk = d.clerk.clone();
    let w = print(&mut d, &clerk, &s.no, Disclosure::Masked, &out).unwrap();
    assert_eq!(w.pages, 1);
    assert!(w.bytes <= 80 * 1024, "{} bytes", w.bytes);
    let r = read(&out);
    let text = r.text();
    assert_has(&text, &["𠮷田", "门口“𪚥”字招牌松动😀", "私用字□"]);
    // The slip's own □ (the 回访 boxes) and the one for U+E000, no more.
    assert_eq!(text.matches('□').count(), 4, "{text}");
    assert!(!text.contains('\u{FFFD}'), "undecodable glyph:\n{text}");
    assert!(
        in_order(&text, &content.replace('\u{E000}', "□")),
        "characters of the report were lost:\n{text}"
    );
    let lines = text.lines().filter(|l| l.contains("字招牌")).count();
    assert!(lines >= 3, "the report on {lines} lines:\n{text}");

    // Each is drawn with a fallback font, embedded as a subset, from a glyph with an outline.
    let drawn = |c: &str| {
        r.drawn
            .iter()
            .find(|(t, _, _)| t == c)
            .unwrap_or_else(|| panic!("{c} not drawn"))
            .clone()
    };
    for (c, font) in [
        ("𠮷", "FrontDeskFallbackHan-"),
        ("𪚥", "FrontDeskFallbackHan-"),
        ("😀", "FrontDeskFallbackEmoji-"),
        ("田", "NotoSansSC-"),
        ("□", "NotoSansSC-"),
    ] {
        let (_, base, outline) = drawn(c);
        assert!(base.contains(font), "{c} drawn with {base}");
        assert!(outline > 0, "{c}: an empty glyph in {base}");
    }
    assert_eq!(r.fonts.len(), 3, "{:?}", r.fonts);
    for (name, len) in &r.fonts {
        let (tag, _) = name.split_once('+').expect("subset tag ABCDEF+");
        assert!(tag.len() == 6, "{name}");
        assert!(*len < 200_000, "{name}: {len} bytes, not a subset");
    }
    // Every glyph drawn has an outline but the spaces'.
    for (t, base, outline) in &r.drawn {
        assert!(
            *outline > 0 || t.trim().is_empty(),
            "{t:?} drawn with an empty glyph of {base}"
        );
    }
}

#[test]
fn slip_paper_follows_the_estate_policy() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let eid = d.estate.id.clone();
    let mut p = policy::current(d.store.conn(), &eid).unwrap().policy;
    p.documents.slip_paper = SlipPaper::A4;
    as_supervisor(&mut d, |w| policy::save(w, &eid, &p, None)).unwrap();
    let out = scratch("pdf-slip-a4").join("a4.pdf");
    let clerk = d.clerk.clone();
    print(&mut d, &clerk, &s.no, Disclosure::Masked, &out).unwrap();
    let r = read(&out);
    assert_well_formed(&r, (595, 842), &s.no);
    let bench = pdf::render_slip_bytes(
        d.store.conn(),
        &s.no,
        false,
        Disclosure::Masked,
        d.store.now(),
    )
    .unwrap();
    assert!(bench.bytes.starts_with(b"%PDF") && bench.pages == 1);
}

// ---------------------------------------------------------------------------------------------
// The 派工单, one complaint's record, the register and the month report

#[test]
fn repair_order_in_three_parts_with_fees() {
    let mut d = crate::repairs::setup();
    let (clerk, eid) = (d.clerk.clone(), d.estate.id.clone());
    let o = d
        .store
        .write(&clerk, |w| {
            let o = repairs::create(
                w,
                &eid,
                &RepairInput {
                    unit: Some("3-2-1201".into()),
                    reporter_name: Some("张伟".into()),
                    phone: Some("13800138000".into()),
                    kind: Some("房屋".into()),
                    content: Some("厨房水龙头滴水".into()),
                    ..Default::default()
                },
            )?;
            repairs::dispatch(
                w,
                &o.no,
                &DispatchInput {
                    repairer: Some("sun".into()),
                    ..Default::default()
                },
            )?;
            repairs::accept(w, &o.no, &StepInput::default())?;
            repairs::arrive(w, &o.no, &StepInput::default())?;
            repairs::finish(
                w,
                &o.no,
                &FinishInput {
                    work_done: Some("更换水龙头两个".into()),
                    paid: true,
                    price_item: Some("P01".into()),
                    quantity: Some("2".into()),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let dir = scratch("pdf-repair");
    let out = dir.join("派工单.pdf");
    let w = d
        .store
        .write(&clerk, |w| {
            pdf::print_repair_order(w, &o.no, Disclosure::Masked, &out)
        })
        .unwrap();
    assert_eq!(w.pages, 1);
    let r = read(&out);
    assert_well_formed(&r, (595, 842), &o.no);
    let text = r.text();
    assert_has(
        &text,
        &[
            "龙湖花园派工单（维修单）",
            "第一联",
            "客服存根",
            "第二联",
            "维修联",
            "第三联",
            "业主联",
            &o.no,
            "厨房水龙头滴水",
            "更换水龙头",
            "合计 ¥70.00",
            "孙师傅",
            "138****8000",
            "沿虚线裁开",
            "维修工签名",
            "业主签名",
        ],
    );
    assert_eq!(
        text.matches(o.no.as_str()).count(),
        3,
        "the number once per part"
    );
    assert!(!text.contains("13800138000"));
    assert!(!text.contains("补打"), "the first print is the original");

    // A dispatched order printed, moved to another repairer (转单), printed again: 补打 on each
    // part, naming the repairer it is with now.
    let (first, again) = (dir.join("派工单2.pdf"), dir.join("派工单2-补打1.pdf"));
    let o2 = d
        .store
        .write(&d.supervisor.clone(), |w| {
            frontdesk::estate::add_staff(
                w,
                &eid,
                &frontdesk::estate::StaffInput {
                    login: Some("qian".into()),
                    name: Some("钱师傅".into()),
                    role: Some("维修工".into()),
                    department: Some("工程维修部".into()),
                    phone: None,
                    password: Some("secret123".into()),
                },
            )?;
            let o2 = repairs::create(
                w,
                &eid,
                &RepairInput {
                    unit: Some("3-2-1201".into()),
                    kind: Some("房屋".into()),
                    content: Some("卫生间地漏堵塞".into()),
                    ..Default::default()
                },
            )?;
            let by_sun = DispatchInput {
                repairer: Some("sun".into()),
                ..Default::default()
            };
            repairs::dispatch(w, &o2.no, &by_sun)?;
            pdf::print_repair_order(w, &o2.no, Disclosure::Masked, &first)?;
            repairs::reassign(
                w,
                &o2.no,
                &repairs::ReassignInput {
                    repairer: Some("qian".into()),
                    reason: Some("孙师傅休假".into()),
                },
            )?;
            pdf::print_repair_order(w, &o2.no, Disclosure::Masked, &again)?;
            Ok(o2)
        })
        .unwrap();
    let (text1, text2) = (read(&first).text(), read(&again).text());
    assert!(!text1.contains("补打") && text1.contains("孙师傅"));
    assert_eq!(text2.matches("补打").count(), 3, "补打 on every part");
    assert!(
        text2.contains("钱师傅") && !text2.contains("孙师傅"),
        "the repairer now"
    );
    let prints: Vec<(bool, Option<String>)> = d
        .store
        .conn()
        .prepare(
            "SELECT reprint, repairer_id FROM repair_prints WHERE repair_id = ?1 ORDER BY rowid",
        )
        .unwrap()
        .query_map([&o2.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(prints.len(), 2);
    assert_eq!((prints[0].0, prints[1].0), (false, true));
    assert_ne!(
        prints[0].1, prints[1].1,
        "each print records the repairer of its moment"
    );
    let o2 = repairs::get(d.store.conn(), &o2.no).unwrap().order;
    assert_eq!(o2.print_count, 2);
}

#[test]
fn complaint_record_with_its_whole_history_over_numbered_pages() {
    let mut d = desk();
    let s = new_slip(&mut d);
    let no = s.complaint_no.clone().unwrap();
    for i in 0..30 {
        as_clerk(&mut d, |w| {
            complaints::add_attempt(
                w,
                &no,
                &AttemptInput {
                    method: Some("电话".into()),
                    said: Some(format!("第{i}次联系业主，说明维修安排和进度，业主表示理解")),
                    result: Some("处理中".into()),
                    ..AttemptInput::default()
                },
            )
        })
        .unwrap();
        d.clock.advance(chrono::Duration::minutes(10));
    }
    as_clerk(&mut d, |w| {
        complaints::request_confirmation(w, &no)?;
        complaints::close(
            w,
            &no,
            &CloseInput {
                result: Some("已更换防水层，业主满意".into()),
                satisfaction: Some("满意".into()),
            },
        )
    })
    .unwrap();
    let out = scratch("pdf-record").join("记录表.pdf");
    let w = pdf::complaint_record(d.store.conn(), &no, Disclosure::Masked, d.store.now(), &out)
        .unwrap();
    assert!(w.pages >= 2, "{} pages", w.pages);
    let r = read(&out);
    assert_well_formed(&r, (595, 842), &no);
    let text = r.text();
    assert_has(
        &text,
        &[
            "《客户投诉处理记录表》",
            &no,
            "3-2-1201",
            "138****8000",
            "楼上卫生间漏水",
            "尽快维修并赔偿",
            "联系与处理记录",
            "第29次联系业主",
            "协调单",
            &s.no,
            "处理经过",
            "状态变更",
            "已更换防水层，业主满意",
            "回访",
        ],
    );
    assert!(!text.contains("13800138000"));
}

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(frontdesk::time::Clock::fixed(t0()));
    frontdesk::demo::load(&mut store, frontdesk::demo::DEMO_SEED).unwrap();
    store
}

#[test]
fn register_and_month_report_over_demo_data() {
    let store = demo_store();
    let conn = store.conn();
    let estate = frontdesk::estate::only_estate(conn).unwrap();
    let dir = scratch("pdf-register");
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    );
    let mut seen = Vec::new();
    let out = dir.join("登记表.pdf");
    let w = pdf::complaint_register(
        conn,
        &estate.id,
        from,
        to,
        Disclosure::Masked,
        store.now(),
        &out,
        &mut |done, total| seen.push((done, total)),
    )
    .unwrap();
    let list = complaints::list(
        conn,
        &estate.id,
        &complaints::ComplaintFilter {
            from: Some(frontdesk::time::parse_input("from", "f", "2026-10-01").unwrap()),
            to: Some(frontdesk::time::parse_input("to", "t", "2026-11-01").unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(list.len() > 5, "demo has complaints in October");
    // The register also lists 投诉 contacts that never became a case (a household visit's, say).
    let uncased: i64 = conn
        .query_row(
            "SELECT count(*) FROM intakes i WHERE i.kind = 'complaint' AND i.voided_at IS NULL
               AND i.received_at >= '2026-09-30T16:00:00.000Z' AND i.received_at < '2026-10-31T16:00:00.000Z'
               AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.intake_id = i.id
                               AND c.voided_at IS NULL AND c.status <> 'voided')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let rows = list.len() as u64 + uncased as u64;
    assert_eq!(seen.last(), Some(&(rows, rows)));
    let r = read(&out);
    assert_well_formed(&r, (842, 595), "2026-10-01");
    assert_eq!(r.pages.len(), w.pages);
    for page in &r.pages {
        assert_has(
            page,
            &[
                "《客户投诉处理记录表》",
                "龙湖花园",
                "投诉编号",
                "登记时间",
                "联系电话",
                "接待人",
                "回访结果",
            ],
        );
    }
    let text = r.text();
    for c in &list {
        assert!(text.contains(&c.no), "{} missing", c.no);
        if let Some(p) = &c.phone {
            assert!(!text.contains(p.as_str()), "full phone {p}");
        }
    }

    let out = dir.join("月报.pdf");
    pdf::month_report(conn, &estate.id, from, store.now(), &out).unwrap();
    let r = read(&out);
    assert_well_formed(&r, (595, 842), "2026-10");
    let report = frontdesk::kpi::compute(
        conn,
        &estate.id,
        from,
        to + chrono::Duration::days(1),
        store.now(),
    )
    .unwrap();
    let text = r.text();
    assert_has(
        &text,
        &[
            "龙湖花园客服月报",
            "2026年10月",
            "关键指标",
            "按类别",
            "按责任部门",
            "分类统计",
        ],
    );
    for k in &report.kpis {
        assert!(text.contains(k.label), "{} missing", k.label);
        if k.met == Some(false) {
            assert!(text.contains("未达标"));
        }
    }
    for c in &report.complaints.by_category {
        assert!(
            text.contains(&format!("{} 件", c.count)) && text.contains(&c.label),
            "{c:?}"
        );
    }
}

/// Every register other than the complaint register prints with its workbook's columns: the
/// title on every page, the header repeated, each row's number (the same rows as the workbook),
/// phones masked.
#[test]
fn every_register_prints_with_its_workbook_columns() {
    use frontdesk::documents::{Format, Register};
    use frontdesk::time::Period;
    let store = demo_store();
    let conn = store.conn();
    let estate = frontdesk::estate::only_estate(conn).unwrap();
    let dir = scratch("pdf-registers");
    let period = Period::parse("2026-10-01", "2026-10-31").unwrap();
    for (register, header, number) in [
        (Register::Slips, "协调单号", "LH-XT"),
        (Register::Repairs, "维修单号", "LH-WX"),
        (Register::Followups, "应回访时间", "LH-"),
        (Register::PhoneLog, "登记编号", "LH-DJ"),
        (Register::Requests, "登记编号", "LH-DJ"),
    ] {
        let pdf_out = dir.join(register.file_name(&estate.name, &period, Format::Pdf));
        let xlsx_out = dir.join(register.file_name(&estate.name, &period, Format::Xlsx));
        let write = |format, out: &Path| {
            register
                .write(
                    format,
                    conn,
                    &estate.id,
                    &period,
                    store.now(),
                    Disclosure::Masked,
                    out,
                    &mut |_, _| {},
                )
                .unwrap()
        };
        let printed = write(Format::Pdf, &pdf_out);
        let workbook = write(Format::Xlsx, &xlsx_out);
        assert!(workbook.count > 3, "{register:?}: demo rows in October");
        let r = read(&pdf_out);
        assert_well_formed(&r, (842, 595), register.title());
        assert_eq!(r.pages.len() as u64, printed.count, "{register:?}");
        for page in &r.pages {
            assert_has(
                page,
                &[&format!("《{}》", register.title()), "龙湖花园", header],
            );
        }
        let text = r.text();
        assert!(
            text.contains(&format!("共 {} 条", workbook.count)),
            "{register:?}: the count of the workbook's rows"
        );
        assert!(text.contains(number), "{register:?}");
        assert!(
            !regex_like_full_mobile(&text),
            "{register:?}: a full mobile number printed"
        );
    }
}

/// True when `text` holds 11 consecutive digits starting with 1 (a full mobile number).
fn regex_like_full_mobile(text: &str) -> bool {
    let digits: Vec<char> = text.chars().collect();
    digits
        .windows(11)
        .any(|w| w[0] == '1' && w.iter().all(|c| c.is_ascii_digit()))
}
