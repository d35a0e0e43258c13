//! Input checks shared by every form: text, phone numbers, unit codes, money.
//!
//! Each check either returns the normalised value or an [`Error::Invalid`] naming the field in
//! Chinese. Normalisation is deliberately small and predictable: full-width ASCII (digits, letters,
//! `－`) becomes half-width, surrounding white space is trimmed; the clerk's wording is otherwise kept
//! exactly, including emoji, rare CJK (𠮷) and SQL metacharacters.

use crate::error::{Error, Result};

/// Turns full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space into their ASCII forms.
pub fn fold_fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// How a text field may look.
#[derive(Clone, Copy, Debug)]
pub struct TextRule {
    pub field: &'static str,
    pub label: &'static str,
    pub max_chars: usize,
    /// Multi-line fields accept line breaks and tabs; single-line ones do not.
    pub multiline: bool,
}

impl TextRule {
    pub const fn line(field: &'static str, label: &'static str, max_chars: usize) -> Self {
        TextRule {
            field,
            label,
            max_chars,
            multiline: false,
        }
    }

    pub const fn text(field: &'static str, label: &'static str, max_chars: usize) -> Self {
        TextRule {
            field,
            label,
            max_chars,
            multiline: true,
        }
    }

    fn err(&self, message: impl Into<String>) -> Error {
        Error::invalid(self.field, self.label, message)
    }

    /// A required field: present, not blank, within length, no control characters.
    pub fn required(&self, value: Option<&str>) -> Result<String> {
        match self.optional(value)? {
            Some(v) => Ok(v),
            None => Err(self.err("必填，不能为空")),
        }
    }

    /// An optional field: blank becomes `None`; otherwise checked as [`TextRule::required`].
    pub fn optional(&self, value: Option<&str>) -> Result<Option<String>> {
        let Some(v) = value else { return Ok(None) };
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let v = if self.multiline {
            v.replace("\r\n", "\n")
        } else {
            v.to_string()
        };
        if let Some(c) = v.chars().find(|&c| {
            c.is_control() && !(self.multiline && (c == '\n' || c == '\t'))
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        }) {
            return Err(self.err(format!(
                "含有不可见的控制字符（U+{:04X}），请删除后重新输入",
                c as u32
            )));
        }
        let n = v.chars().count();
        if n > self.max_chars {
            return Err(self.err(format!("过长：{n} 字，最多 {} 字", self.max_chars)));
        }
        Ok(Some(v))
    }
}

/// Normalises and checks a phone number: mobile (11 digits starting 1[3-9]), landline with area
/// code (0 + 9–11 digits) or local (7–8 digits), optional extension after `-`/`转`. Full-width digits,
/// spaces, dashes and brackets are accepted as typed; the stored form is digits only, with the
/// extension after a `-`.
pub fn phone(field: &'static str, label: &'static str, value: &str) -> Result<String> {
    let folded = fold_fullwidth(value.trim());
    let (main, ext) = match folded.split_once('转') {
        Some((m, e)) => (m.to_string(), Some(e.trim().to_string())),
        None => (folded.clone(), None),
    };
    let mut digits = String::new();
    for c in main.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '（' | '）' => {}
            '+' if digits.is_empty() => {}
            _ => {
                return Err(Error::invalid(
                    field,
                    label,
                    format!("“{}”含有非数字字符“{c}”", value.trim()),
                ))
            }
        }
    }
    if let Some(rest) = digits
        .strip_prefix("86")
        .filter(|r| r.len() == 11 && r.starts_with('1'))
    {
        digits = rest.to_string();
    }
    let ok = match digits.as_bytes() {
        [b'1', b'3'..=b'9', rest @ ..] => rest.len() == 9,
        [b'0', rest @ ..] => (9..=11).contains(&rest.len()),
        d => (7..=8).contains(&d.len()) && d[0] != b'0' && d[0] != b'1',
    };
    if !ok {
        return Err(Error::invalid(
            field,
            label,
            format!(
                "“{}”不是有效的电话号码（手机号 11 位，座机含区号或 7–8 位）",
                value.trim()
            ),
        ));
    }
    match ext {
        Some(e) if !e.is_empty() => {
            if e.len() > 6 || !e.chars().all(|c| c.is_ascii_digit()) {
                return Err(Error::invalid(field, label, "分机号应为 1–6 位数字"));
            }
            Ok(format!("{digits}-{e}"))
        }
        _ => Ok(digits),
    }
}

/// A unit (户位/房号) as building, entrance (单元, may be empty) and room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitCode {
    pub building: String,
    pub entrance: String,
    pub room: String,
}

impl UnitCode {
    /// The canonical text: `楼栋-单元-室` (`3-2-1201`), or `楼栋-室` where there is no 单元.
    pub fn canonical(&self) -> String {
        if self.entrance.is_empty() {
            format!("{}-{}", self.building, self.room)
        } else {
            format!("{}-{}-{}", self.building, self.entrance, self.room)
        }
    }
}

/// Parses a unit as typed at the desk: `3-2-1201`, `3栋2单元1201`, `3号楼2单元1201室`, `A座1201`,
/// `12-101`; full-width digits and letters are accepted.
pub fn unit_code(field: &'static str, label: &'static str, value: &str) -> Result<UnitCode> {
    let s: String = fold_fullwidth(value.trim())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let bad = || {
        Error::invalid(
            field,
            label,
            format!(
                "“{}”格式不正确，应为 楼栋-单元-室，如 3-2-1201",
                value.trim()
            ),
        )
    };
    if s.is_empty() {
        return Err(Error::invalid(field, label, "必填，不能为空"));
    }
    let part_ok =
        |p: &str| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric());
    let parts: Vec<String> = if s.contains('-') {
        s.split('-').map(str::to_string).collect()
    } else {
        // Chinese markers: building ends at 号楼/栋/幢/座/号, entrance at 单元, room may end in 室/号.
        let mut rest = s.as_str();
        let mut parts = Vec::new();
        let building_end = ["号楼", "栋", "幢", "座", "号"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
            .min_by_key(|(i, _)| *i);
        let Some((i, len)) = building_end else {
            return Err(bad());
        };
        parts.push(rest[..i].to_string());
        rest = &rest[i + len..];
        if let Some(i) = rest.find("单元") {
            parts.push(rest[..i].to_string());
            rest = &rest[i + "单元".len()..];
        }
        let room = rest.trim_end_matches('室').trim_end_matches('号');
        parts.push(room.to_string());
        parts
    };
    match parts.as_slice() {
        [b, r] if part_ok(b) && part_ok(r) => Ok(UnitCode {
            building: b.clone(),
            entrance: String::new(),
            room: r.clone(),
        }),
        [b, e, r] if part_ok(b) && part_ok(e) && part_ok(r) => Ok(UnitCode {
            building: b.clone(),
            entrance: e.clone(),
            room: r.clone(),
        }),
        _ => Err(bad()),
    }
}

/// Parses a money amount in yuan (`12.5`, `¥1,200`, full-width digits) into fen.
pub fn money_fen(field: &'static str, label: &'static str, value: &str) -> Result<i64> {
    let s: String = fold_fullwidth(value.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '¥' | '￥' | ' ' | '元'))
        .collect();
    let bad = || {
        Error::invalid(
            field,
            label,
            format!("“{}”不是有效金额，如 120.50", value.trim()),
        )
    };
    let (yuan, fen) = match s.split_once('.') {
        Some((y, f)) => (y, f),
        None => (s.as_str(), ""),
    };
    if yuan.is_empty() || !yuan.chars().all(|c| c.is_ascii_digit()) || yuan.len() > 10 {
        return Err(bad());
    }
    if fen.len() > 2 || !fen.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let y: i64 = yuan.parse().map_err(|_| bad())?;
    let f: i64 = format!("{fen:0<2}").parse().map_err(|_| bad())?;
    Ok(y * 100 + f)
}

/// Formats fen as yuan with two decimals.
pub fn fen_to_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// Masks a phone for display: `138****8000`.
/// `text` with every run of 7 or more digits (a phone number typed into free text) masked as
/// [`mask_phone`] masks a phone.
pub fn mask_phones_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 7 {
            out.push_str(&mask_phone(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let keep_end = 4;
    let keep_start = 3;
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(chars.len() - keep_start - keep_end));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}
