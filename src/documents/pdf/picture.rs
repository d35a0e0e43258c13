//! Pictures for a PDF: an attachment's photo or scan as an image the page can draw. A JPEG goes in
//! as it is (PDF reads JPEG: `DCTDecode`), only its size and colours read from its header; a PNG is
//! decoded, laid on white, shrunk to at most [`THUMBNAIL_PX`] pixels a side and deflated.
//!
//! Invariants: nothing here fails a document — a picture that cannot be read is `None`, and the
//! caller lists the file by name instead.

use printpdf::{DictItem, ExternalStream, ExternalXObject};

use crate::vocab::MediaType;

/// The longest side of a PNG thumbnail, in pixels (sharp at about 4 cm at 150 dpi).
pub const THUMBNAIL_PX: u32 = 240;

/// An image ready to embed: its pixel size and its PDF image stream.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub(super) xobject: ExternalXObject,
}

/// The picture of an attachment's file, if it is a JPEG or PNG that can be read.
pub fn picture(kind: MediaType, bytes: &[u8]) -> Option<Picture> {
    match kind {
        MediaType::Jpg => jpeg(bytes),
        MediaType::Png => png(bytes),
        _ => None,
    }
}

fn name(s: &str) -> DictItem {
    DictItem::Name(s.as_bytes().to_vec())
}

fn image(width: u32, height: u32, colours: &str, filter: &str, content: Vec<u8>) -> Picture {
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(width.into())),
        ("Height", DictItem::Int(height.into())),
        ("ColorSpace", name(colours)),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name(filter)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Picture {
        width,
        height,
        xobject: ExternalXObject {
            stream: ExternalStream {
                dict,
                content,
                compress: false,
            },
            width: None,
            height: None,
            dpi: None,
        },
    }
}

/// A baseline or progressive JPEG: size and components from its SOF marker.
fn jpeg(bytes: &[u8]) -> Option<Picture> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let seg = bytes.get(i + 4..i + 2 + len)?;
            let height = u32::from(u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]));
            let width = u32::from(u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]));
            let colours = match seg.get(5)? {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                _ => return None, // CMYK JPEGs need a Decode array; listed by name instead.
            };
            if width == 0 || height == 0 {
                return None;
            }
            return Some(image(width, height, colours, "DCTDecode", bytes.to_vec()));
        }
        i += 2 + len;
    }
    None
}

/// A PNG of 8-bit samples (any colour type, palettes expanded, 16-bit stripped), on white.
fn png(bytes: &[u8]) -> Option<Picture> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let (w, h) = (info.width, info.height);
    let channels = info.color_type.samples();
    let rgb = |x: u32, y: u32| -> [u8; 3] {
        let at = (y as usize * info.line_size) + x as usize * channels;
        let px = &buf[at..at + channels];
        let (c, alpha) = match channels {
            1 => ([px[0]; 3], 255),
            2 => ([px[0]; 3], px[1]),
            3 => ([px[0], px[1], px[2]], 255),
            _ => ([px[0], px[1], px[2]], px[3]),
        };
        let a = u32::from(alpha);
        c.map(|v| ((u32::from(v) * a + 255 * (255 - a)) / 255) as u8)
    };
    let scale = (w.max(h) as f32 / THUMBNAIL_PX as f32).max(1.0);
    let (tw, th) = (
        ((w as f32 / scale).round() as u32).max(1),
        ((h as f32 / scale).round() as u32).max(1),
    );
    let mut pixels = Vec::with_capacity((tw * th * 3) as usize);
    for y in 0..th {
        for x in 0..tw {
            let sx = ((x as f32 + 0.5) * scale) as u32;
            let sy = ((y as f32 + 0.5) * scale) as u32;
            pixels.extend(rgb(sx.min(w - 1), sy.min(h - 1)));
        }
    }
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&pixels, 6);
    Some(image(tw, th, "DeviceRGB", "FlateDecode", deflated))
}
