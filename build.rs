//! Build script of the core: compresses the fonts of the PDFs' face chain (assets/fonts, see
//! SOURCE.md there) with LZMA (the `.lzma` format: xz's preset 9 with its "extreme" match search,
//! the dictionary as large as the font) into OUT_DIR, so every binary carries about 8.2 MB instead
//! of 19 MB, and writes `fonts.rs`, the chain in order: `FONTS: [(&str, &[u8]); N]`, each font's
//! file name and compressed bytes. `documents::pdf` decodes a font once per process, when first
//! needed (≈ 0.2 s for the main font).
//!
//! Why LZMA and not deflate: the Windows installer compresses the executables with LZMA, which
//! cannot shrink deflate streams further; fonts already at LZMA density cost the installer
//! ≈ 2.6 MB less (docs/benchmarks.md, "The Windows installer").
//!
//! Invariant: the first font is the main face (Noto Sans SC); each later one is a fallback
//! holding only characters the fonts before it lack (scripts/fonts/make-fallback).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use lzma_rust2::{LzmaOptions, LzmaWriter};

/// The face chain, main font first.
const CHAIN: [&str; 4] = [
    "NotoSansSC-Regular.ttf",
    "FallbackHan.ttf",
    "FallbackHanGH.ttf",
    "FallbackEmoji.ttf",
];

/// `bytes` as a `.lzma` stream (header with the uncompressed size, no end marker).
fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut options = LzmaOptions::with_preset(9);
    // xz's -9e: the longest match length and a deep search.
    options.nice_len = LzmaOptions::NICE_LEN_MAX;
    options.depth_limit = 512;
    // A larger dictionary gains nothing and would make the decoder allocate it.
    options.dict_size = u32::try_from(bytes.len())
        .expect("a font below 4 GB")
        .max(4096);
    let size = u64::try_from(bytes.len()).expect("length");
    let mut writer =
        LzmaWriter::new_use_header(Vec::new(), &options, Some(size)).expect("an LZMA encoder");
    writer.write_all(bytes).expect("LZMA-compress a font");
    writer.finish().expect("finish the LZMA stream")
}

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut list = format!("static FONTS: [(&str, &[u8]); {}] = [\n", CHAIN.len());
    for name in CHAIN {
        let font = format!("assets/fonts/{name}");
        println!("cargo:rerun-if-changed={font}");
        let bytes = std::fs::read(&font).unwrap_or_else(|e| panic!("{font}: {e}"));
        let file = out.join(format!("{name}.lzma"));
        std::fs::write(&file, compress(&bytes)).expect("write a compressed font");
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
