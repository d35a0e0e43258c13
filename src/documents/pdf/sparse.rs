//! A per-document “sparse” copy of one embedded TrueType font of the face chain (the main font
//! or a fallback): the same glyph ids, but only the outlines the document draws with it (and
//! the components of composite glyphs) and a cmap of only those characters. printpdf then
//! subsets this small font instead of the original (10 MB for the main font, 7.5 MB for the
//! CJK fallback), which keeps a slip well under 10 ms (subsetting the original parses every
//! glyph).
//!
//! Invariants: glyph ids and advance widths are those of the original font (hmtx is copied), so
//! measuring with the full font and drawing with the sparse one agree; a font that is not a
//! TrueType (`glyf`) font yields `None` and the caller falls back to the original.

use std::collections::{BTreeMap, BTreeSet};

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The tables of an sfnt font, by tag.
fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let count = usize::from(u16_at(font, 4)?);
    let mut out = BTreeMap::new();
    for i in 0..count {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        out.insert(tag, font.get(off..off + len)?);
    }
    Some(out)
}

/// Glyph ids a composite glyph refers to.
fn components(glyph: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    if glyph.len() < 10 || (glyph[0] as i8) >= 0 {
        return out;
    }
    let mut at = 10;
    while let (Some(flags), Some(gid)) = (u16_at(glyph, at), u16_at(glyph, at + 2)) {
        out.push(gid);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        if flags & 0x0020 == 0 {
            break;
        }
    }
    out
}

/// Builds the sparse font for the characters `chars` (character → glyph id in `font`).
pub fn sparse(font: &[u8], chars: &BTreeMap<char, u16>) -> Option<Vec<u8>> {
    let t = tables(font)?;
    let head = *t.get(b"head")?;
    let maxp = *t.get(b"maxp")?;
    let loca = *t.get(b"loca")?;
    let glyf = *t.get(b"glyf")?;
    let num_glyphs = usize::from(u16_at(maxp, 4)?);
    let long = u16_at(head, 50)? == 1;
    let offset = |gid: usize| -> Option<usize> {
        if long {
            u32_at(loca, gid * 4).map(|o| o as usize)
        } else {
            u16_at(loca, gid * 2).map(|o| usize::from(o) * 2)
        }
    };
    let glyph = |gid: usize| -> Option<&[u8]> { glyf.get(offset(gid)?..offset(gid + 1)?) };

    // Used glyphs, with the components of composites.
    let mut used: BTreeSet<u16> = chars.values().copied().collect();
    used.insert(0);
    let mut todo: Vec<u16> = used.iter().copied().collect();
    while let Some(gid) = todo.pop() {
        for c in components(glyph(usize::from(gid))?) {
            if usize::from(c) < num_glyphs && used.insert(c) {
                todo.push(c);
            }
        }
    }

    // loca: every glyph before a used one starts (empty) where the used one starts.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((num_glyphs + 1) * 4);
    let mut next = 0;
    for gid in used
        .iter()
        .map(|g| usize::from(*g))
        .filter(|g| *g < num_glyphs)
    {
        let start = (new_glyf.len() as u32).to_be_bytes();
        while next <= gid {
            new_loca.extend_from_slice(&start);
            next += 1;
        }
        new_glyf.extend_from_slice(glyph(gid)?);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    }
    let end = (new_glyf.len() as u32).to_be_bytes();
    while next <= num_glyphs {
        new_loca.extend_from_slice(&end);
        next += 1;
    }

    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]);
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());

    // cmap: one format 12 subtable (Windows, full Unicode) with one group per character.
    let mut cmap = Vec::new();
    cmap.extend_from_slice(&[0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12]);
    let length = 16 + 12 * chars.len() as u32;
    cmap.extend_from_slice(&12u16.to_be_bytes());
    cmap.extend_from_slice(&0u16.to_be_bytes());
    cmap.extend_from_slice(&length.to_be_bytes());
    cmap.extend_from_slice(&0u32.to_be_bytes());
    cmap.extend_from_slice(&(chars.len() as u32).to_be_bytes());
    for (c, gid) in chars {
        let c = *c as u32;
        cmap.extend_from_slice(&c.to_be_bytes());
        cmap.extend_from_slice(&c.to_be_bytes());
        cmap.extend_from_slice(&u32::from(*gid).to_be_bytes());
    }

    let mut out_tables: BTreeMap<[u8; 4], &[u8]> = BTreeMap::new();
    for tag in [b"hhea", b"maxp", b"hmtx", b"OS/2", b"name", b"post"] {
        if let Some(data) = t.get(tag) {
            out_tables.insert(*tag, data);
        }
    }
    out_tables.insert(*b"head", &new_head);
    out_tables.insert(*b"loca", &new_loca);
    out_tables.insert(*b"glyf", &new_glyf);
    out_tables.insert(*b"cmap", &cmap);
    Some(assemble(&out_tables))
}

/// An sfnt file from its tables (sorted by tag, 4-byte aligned). Table checksums are left 0:
/// this font only feeds the subsetter, which writes the embedded font with its own.
fn assemble(tables: &BTreeMap<[u8; 4], &[u8]>) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros());
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(15 - n.leading_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - power * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    out
}
