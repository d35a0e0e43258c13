//! Build script of the core: deflates the embedded CJK font (assets/fonts, OFL) into OUT_DIR, so
//! every binary carries 6 MB instead of 10.5 MB; `documents::pdf` inflates it once per process.

use std::path::PathBuf;

fn main() {
    let font = "assets/fonts/NotoSansSC-Regular.ttf";
    println!("cargo:rerun-if-changed={font}");
    let bytes = std::fs::read(font).expect("assets/fonts/NotoSansSC-Regular.ttf is missing");
    let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 10);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("font.deflate");
    std::fs::write(out, packed).expect("write the deflated font");
}
