//! File attachments: what may be uploaded, checked by the relay before anything is stored.

use crate::decode::ProtocolError;
use crate::events::ErrorCode;
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

/// Checks an upload: a name, an accepted type whose bytes look like that type, a size within
/// the limit. Returns the cleaned file name.
pub fn check_upload(name: &str, content_type: &str, bytes: &[u8]) -> Result<String, ProtocolError> {
    let content_type = content_type.split(';').next().unwrap_or("").trim();
    if bytes.is_empty() {
        return Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "the file is empty",
        ));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("files may be at most {} MB", MAX_FILE_BYTES / 1024 / 1024),
        ));
    }
    if !ALLOWED_TYPES.contains(&content_type) {
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
    fn cleans_names() {
        assert_eq!(
            check_upload("../../etc/\"x\".png", "image/png", PNG).unwrap(),
            "....etcx.png"
        );
        assert_eq!(check_upload("  ", "image/png", PNG).unwrap(), "file");
    }
}
