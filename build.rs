//! Build script of the core: deflates the fonts of the PDFs' face chain (assets/fonts, see
//! SOURCE.md there) into OUT_DIR, so every binary carries about 10.5 MB instead of 19 MB, and
//! writes `fonts.rs`, the chain in order: `FONTS: [(&str, &[u8]); N]`, each font's file name
//! and deflated bytes. `documents::pdf` inflates a font once per process, when first needed.
//!
//! Invariant: the first font is the main face (Noto Sans SC); each later one is a fallback
//! holding only characters the fonts before it lack (scripts/fonts/make-fallback).

use std::fmt::Write;
use std::path::PathBuf;

/// The face chain, main font first.
const CHAIN: [&str; 4] = [
    "NotoSansSC-Regular.ttf",
    "FallbackHan.ttf",
    "FallbackHanGH.ttf",
    "FallbackEmoji.ttf",
];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut list = format!("static FONTS: [(&str, &[u8]); {}] = [\n", CHAIN.len());
    for name in CHAIN {
        let font = format!("assets/fonts/{name}");
        println!("cargo:rerun-if-changed={font}");
        let bytes = std::fs::read(&font).unwrap_or_else(|e| panic!("{font}: {e}"));
        let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 10);
        let file = out.join(format!("{name}.deflate"));
        std::fs::write(&file, packed).expect("write a deflated font");
        writeln!(
            list,
            "    ({name:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("format");
    }
    list.push_str("];\n");
    std::fs::write(out.join("fonts.rs"), list).expect("write fonts.rs");
}
