//! File attachments: what may be uploaded, checked by the relay before anything is stored.

use crate::error::ErrorCode;
use crate::error::ProtocolError;
use serde::{Deserialize, Serialize};

/// Largest file, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
const MAX_FILE_NAME_CHARS: usize = 120;

/// A stored file, referenced by a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// Accepted types. Images are previewed inline; everything else is offered as a download.
pub const ALLOWED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// Magic bytes of the types whose content we can check, so a page cannot be uploaded as an
/// "image" and then served inline.
fn content_matches(content_type: &str, bytes: &[u8]) -> bool {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    match content_type {
        "image/png" => starts(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => starts(b"\xff\xd8\xff"),
        "image/gif" => starts(b"GIF87a") || starts(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP",
        "application/pdf" => starts(b"%PDF-"),
        "application/zip"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            starts(b"PK\x03\x04")
        }
        "application/msword" | "application/vnd.ms-excel" => starts(b"\xd0\xcf\x11\xe0"),
        "text/plain" => std::str::from_utf8(bytes).is_ok(),
        _ => false,
    }
}

/// What this relay accepts (`MAX_UPLOAD_MB`, `UPLOAD_TYPES`; see `config`).
#[derive(Debug, Clone, Copy)]
pub struct UploadPolicy<'a> {
    pub max_bytes: usize,
    /// A subset of [`ALLOWED_TYPES`].
    pub types: &'a [String],
}

/// Checks an upload: a name, an accepted type whose bytes look like that type, a size within
/// the limit. Returns the cleaned file name.
pub fn check_upload(
    name: &str,
    content_type: &str,
    bytes: &[u8],
    policy: UploadPolicy,
) -> Result<String, ProtocolError> {
    let content_type = content_type.split(';').next().unwrap_or("").trim();
    if bytes.is_empty() {
        return Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "the file is empty",
        ));
    }
    if bytes.len() > policy.max_bytes.min(MAX_FILE_BYTES) {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("files may be at most {} MB", policy.max_bytes / 1024 / 1024),
        ));
    }
    if !ALLOWED_TYPES.contains(&content_type) || !policy.types.iter().any(|t| t == content_type) {
        return Err(ProtocolError::new(
            ErrorCode::UnsupportedType,
            format!("files of type {content_type:?} are not accepted"),
        ));
    }
    if !content_matches(content_type, bytes) {
        return Err(ProtocolError::new(
            ErrorCode::UnsupportedType,
            format!("the file's content is not {content_type}"),
        ));
    }
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let name = name.trim();
    Ok(if name.is_empty() {
        "file".into()
    } else {
        name.into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn all_types() -> Vec<String> {
        ALLOWED_TYPES.iter().map(|t| t.to_string()).collect()
    }

    /// The defaults: every supported type, up to 10 MB.
    fn check_upload(name: &str, content_type: &str, bytes: &[u8]) -> Result<String, ProtocolError> {
        let types = all_types();
        let policy = UploadPolicy {
            max_bytes: MAX_FILE_BYTES,
            types: &types,
        };
        super::check_upload(name, content_type, bytes, policy)
    }

    #[test]
    fn accepts_files_that_are_what_they_claim() {
        assert_eq!(
            check_upload("photo.png", "image/png", PNG).unwrap(),
            "photo.png"
        );
        assert!(check_upload("a.pdf", "application/pdf", b"%PDF-1.7 ...").is_ok());
        assert!(check_upload("a.txt", "text/plain; charset=utf-8", "привет".as_bytes()).is_ok());
    }

    #[test]
    fn refuses_the_rest_with_clear_codes() {
        let code = |name: &str, t: &str, b: &[u8]| check_upload(name, t, b).unwrap_err().code;
        assert_eq!(
            code("x.html", "text/html", b"<script>"),
            ErrorCode::UnsupportedType
        );
        assert_eq!(
            code("x.png", "image/png", b"<html>"),
            ErrorCode::UnsupportedType,
            "content sniffed"
        );
        assert_eq!(
            code("x.svg", "image/svg+xml", b"<svg/>"),
            ErrorCode::UnsupportedType
        );
        assert_eq!(code("e.png", "image/png", b""), ErrorCode::InvalidField);
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(code("big.txt", "text/plain", &big), ErrorCode::TooLarge);
    }

    #[test]
    fn a_relay_may_accept_less() {
        let types = vec!["image/png".to_string()];
        let policy = UploadPolicy {
            max_bytes: 1024 * 1024,
            types: &types,
        };
        assert!(super::check_upload("a.png", "image/png", PNG, policy).is_ok());
        let pdf = super::check_upload("a.pdf", "application/pdf", b"%PDF-1.7", policy);
        assert_eq!(pdf.unwrap_err().code, ErrorCode::UnsupportedType);
        let mut big = PNG.to_vec();
        big.resize(1024 * 1024 + 1, 0);
        let error = super::check_upload("big.png", "image/png", &big, policy).unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::TooLarge, "files may be at most 1 MB")
        );
    }

    #[test]
    fn cleans_names() {
        assert_eq!(
            check_upload("../../etc/\"x\".png", "image/png", PNG).unwrap(),
            "....etcx.png"
        );
        assert_eq!(check_upload("  ", "image/png", PNG).unwrap(), "file");
    }
}

/// Largest avatar, in bytes.
pub const MAX_AVATAR_BYTES: usize = 512 * 1024;
/// Smallest and largest side of an avatar, in pixels.
pub const AVATAR_SIDE: std::ops::RangeInclusive<u32> = 32..=2048;
/// Avatar formats.
pub const AVATAR_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp"];

/// Width and height from an image's header (PNG, JPEG, WebP); `None` when unreadable.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]) as u32);
    let le16 = |at: usize| Some(u16::from_le_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]) as u32);
    let le24 = |at: usize| Some(le16(at)? | (*bytes.get(at + 2)? as u32) << 16);
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        let be32 = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
        return Some((be32(16)?, be32(20)?));
    }
    if bytes.starts_with(b"\xff\xd8") {
        // Walk the segments to the first start-of-frame marker.
        let mut at = 2;
        while at + 9 < bytes.len() {
            if bytes[at] != 0xff {
                return None;
            }
            let marker = bytes[at + 1];
            let length = be16(at + 2)? as usize;
            let start_of_frame =
                matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
            if start_of_frame {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            at += 2 + length;
        }
        return None;
    }
    if bytes.len() > 30 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return match &bytes[12..16] {
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            b"VP8L" => {
                let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
                Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
            }
            _ => None,
        };
    }
    None
}

/// Checks an avatar upload: PNG, JPEG or WebP whose bytes match the type, at most 512 KB,
/// each side 32 to 2048 pixels. Returns the clean content type.
pub fn check_avatar(content_type: &str, bytes: &[u8]) -> Result<&'static str, ProtocolError> {
    let content_type = content_type.split(';').next().unwrap_or("").trim();
    let Some(kind) = AVATAR_TYPES.iter().find(|t| **t == content_type) else {
        return Err(ProtocolError::new(
            ErrorCode::UnsupportedType,
            "an avatar is a PNG, JPEG or WebP image",
        ));
    };
    if bytes.len() > MAX_AVATAR_BYTES {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            "an avatar may be at most 512 KB",
        ));
    }
    if !content_matches(kind, bytes) {
        return Err(ProtocolError::new(
            ErrorCode::UnsupportedType,
            "the file is not the image type it claims",
        ));
    }
    match image_size(bytes) {
        Some((w, h)) if AVATAR_SIDE.contains(&w) && AVATAR_SIDE.contains(&h) => Ok(kind),
        Some(_) => Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "an avatar is 32 to 2048 pixels on each side",
        )),
        None => Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "the image cannot be read",
        )),
    }
}

#[cfg(test)]
mod avatar_tests {
    use super::*;

    /// A minimal PNG header of `w` × `h` (enough for the size check).
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend(w.to_be_bytes());
        bytes.extend(h.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes
    }

    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0];
        bytes.extend([0xff, 0xc0, 0, 11, 8]);
        bytes.extend(h.to_be_bytes());
        bytes.extend(w.to_be_bytes());
        bytes.extend([1, 1, 0x11, 0]);
        bytes
    }

    fn webp_vp8x(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        bytes.extend(&(w - 1).to_le_bytes()[..3]);
        bytes.extend(&(h - 1).to_le_bytes()[..3]);
        bytes.extend([0; 4]);
        bytes
    }

    #[test]
    fn reads_sizes_of_png_jpeg_webp() {
        assert_eq!(image_size(&png(200, 100)), Some((200, 100)));
        assert_eq!(image_size(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(image_size(&webp_vp8x(300, 301)), Some((300, 301)));
        assert_eq!(image_size(b"GIF89a...."), None);
    }

    #[test]
    fn avatars_are_checked_for_type_bytes_and_size() {
        assert_eq!(check_avatar("image/png", &png(256, 256)), Ok("image/png"));
        assert_eq!(
            check_avatar("image/jpeg; q=1", &jpeg(64, 64)),
            Ok("image/jpeg")
        );
        let code = |r: Result<&str, ProtocolError>| r.unwrap_err().code;
        assert_eq!(
            code(check_avatar("image/gif", b"GIF89a")),
            ErrorCode::UnsupportedType
        );
        assert_eq!(
            code(check_avatar("image/png", &jpeg(64, 64))),
            ErrorCode::UnsupportedType
        );
        assert_eq!(
            code(check_avatar("image/png", &png(16, 16))),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code(check_avatar("image/png", &png(4000, 300))),
            ErrorCode::InvalidField
        );
        let mut big = png(256, 256);
        big.resize(MAX_AVATAR_BYTES + 1, 0);
        assert_eq!(code(check_avatar("image/png", &big)), ErrorCode::TooLarge);
    }
}
