//! The attachments' policy part: the largest file, the most files and megabytes on one case, and
//! the kinds of file accepted (seed: 问题记录应包括文字、图片、影像; 音频、视频、照片).
//!
//! Invariant: pure data with the defaults.

use serde::{Deserialize, Serialize};

use crate::vocab::MediaType;

/// The attachment limits and the kinds of file a desk accepts (the policy's `attachments`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AttachmentPolicy {
    /// Largest file, in MB (a phone photo is 2–8 MB, a minute of phone video about 30 MB).
    pub max_file_mb: u32,
    /// Most live attachments on one case.
    pub max_per_subject: u32,
    /// Most MB of live attachments on one case.
    pub max_subject_mb: u32,
    /// The kinds accepted, by code (`jpg`, `png`, `heic`, `pdf`, `mp3`, `m4a`, `wav`, `mp4`).
    pub allowed: Vec<MediaType>,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        AttachmentPolicy {
            max_file_mb: 50,
            max_per_subject: 30,
            max_subject_mb: 300,
            allowed: vec![
                MediaType::Jpg,
                MediaType::Png,
                MediaType::Heic,
                MediaType::Pdf,
                MediaType::Mp3,
                MediaType::M4a,
                MediaType::Wav,
                MediaType::Mp4,
            ],
        }
    }
}
