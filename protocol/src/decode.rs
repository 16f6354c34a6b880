//! Decoders of client input. Each returns a [`ProtocolError`] that maps onto an [`ErrorBody`]:
//! no input, however malformed, panics or is half-accepted.

use crate::events::{ConversationCommand, ErrorBody, ErrorCode};
use crate::ids::ClientMessageId;
use crate::limits::{MAX_FRAME_BYTES, MAX_HTTP_BODY_BYTES, MAX_MESSAGE_CHARS};
use serde::de::DeserializeOwned;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub code: ErrorCode,
    pub message: String,
    pub client_id: Option<ClientMessageId>,
}

impl ProtocolError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            client_id: None,
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ProtocolError {}

impl From<ProtocolError> for ErrorBody {
    fn from(e: ProtocolError) -> Self {
        ErrorBody {
            code: e.code,
            message: e.message,
            client_id: e.client_id,
        }
    }
}

/// Decodes one WebSocket text frame from a visitor or operator.
pub fn decode_command(frame: &str) -> Result<ConversationCommand, ProtocolError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("frame of {} bytes exceeds {MAX_FRAME_BYTES}", frame.len()),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(frame)
        .map_err(|e| ProtocolError::new(ErrorCode::MalformedFrame, format!("not JSON: {e}")))?;
    let kind = value
        .get("type")
        .and_then(|t| t.as_str())
        .ok_or_else(|| {
            ProtocolError::new(
                ErrorCode::MalformedFrame,
                "expected a JSON object with a string \"type\"",
            )
        })?
        .to_owned();
    if !ConversationCommand::TYPES.contains(&kind.as_str()) {
        return Err(ProtocolError::new(
            ErrorCode::UnknownType,
            format!("unknown command type {kind:?}"),
        ));
    }
    // Keep the client id, when readable, so the client can tell which message failed.
    let client_id = value
        .get("client_id")
        .and_then(|c| c.as_str())
        .and_then(|c| ClientMessageId::parse(c).ok());
    let with_id = |mut e: ProtocolError| {
        e.client_id = client_id.clone();
        e
    };
    let command: ConversationCommand = serde_json::from_value(value)
        .map_err(|e| with_id(ProtocolError::new(ErrorCode::InvalidField, e.to_string())))?;
    match command {
        ConversationCommand::Send { client_id, text } => {
            let text = message_text(&text).map_err(with_id)?;
            Ok(ConversationCommand::Send { client_id, text })
        }
    }
}

/// Normalises a message text: surrounding whitespace trimmed, not empty, not over the limit,
/// no control characters other than newlines and tabs.
pub fn message_text(text: &str) -> Result<String, ProtocolError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "message text is empty",
        ));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("message of {chars} characters exceeds {MAX_MESSAGE_CHARS}"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ProtocolError::new(
            ErrorCode::InvalidField,
            "message text contains control characters",
        ));
    }
    Ok(trimmed.replace("\r\n", "\n"))
}

/// Decodes a JSON HTTP body into `T`, refusing oversized bodies first.
pub fn decode_body<T: DeserializeOwned>(body: &str) -> Result<T, ProtocolError> {
    if body.len() > MAX_HTTP_BODY_BYTES {
        return Err(ProtocolError::new(
            ErrorCode::TooLarge,
            format!("body of {} bytes exceeds {MAX_HTTP_BODY_BYTES}", body.len()),
        ));
    }
    serde_json::from_str(body).map_err(|e| {
        let code = if e.is_data() {
            ErrorCode::InvalidField
        } else {
            ErrorCode::MalformedFrame
        };
        ProtocolError::new(code, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(frame: &str) -> ErrorCode {
        decode_command(frame).unwrap_err().code
    }

    #[test]
    fn decodes_a_send() {
        let cmd = decode_command(r#"{"type":"send","client_id":"c-1","text":"  Hello\r\nthere "}"#)
            .unwrap();
        assert_eq!(
            cmd,
            ConversationCommand::Send {
                client_id: ClientMessageId::parse("c-1").unwrap(),
                text: "Hello\nthere".into()
            }
        );
    }

    #[test]
    fn classifies_bad_frames() {
        assert_eq!(code_of("not json"), ErrorCode::MalformedFrame);
        assert_eq!(code_of("[1,2]"), ErrorCode::MalformedFrame);
        assert_eq!(code_of(r#"{"text":"x"}"#), ErrorCode::MalformedFrame);
        assert_eq!(code_of(r#"{"type":"explode"}"#), ErrorCode::UnknownType);
        assert_eq!(
            code_of(r#"{"type":"send","text":"x"}"#),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code_of(r#"{"type":"send","client_id":"a b","text":"x"}"#),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code_of(r#"{"type":"send","client_id":"c","text":"   "}"#),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code_of(r#"{"type":"send","client_id":"c","text":"a\u0000b"}"#),
            ErrorCode::InvalidField
        );
    }

    #[test]
    fn enforces_size_limits() {
        let at_limit = "я".repeat(MAX_MESSAGE_CHARS);
        let frame = format!(r#"{{"type":"send","client_id":"c","text":"{at_limit}"}}"#);
        assert!(decode_command(&frame).is_ok());

        let over = "a".repeat(MAX_MESSAGE_CHARS + 1);
        let frame = format!(r#"{{"type":"send","client_id":"c9","text":"{over}"}}"#);
        let err = decode_command(&frame).unwrap_err();
        assert_eq!(err.code, ErrorCode::TooLarge);
        assert_eq!(err.client_id.unwrap().as_str(), "c9");

        let huge = "x".repeat(MAX_FRAME_BYTES + 1);
        assert_eq!(code_of(&huge), ErrorCode::TooLarge);
    }

    #[test]
    fn body_decoder_distinguishes_syntax_from_fields() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            n: u32,
        }
        assert_eq!(
            decode_body::<Body>("{").unwrap_err().code,
            ErrorCode::MalformedFrame
        );
        assert_eq!(
            decode_body::<Body>(r#"{"n":"x"}"#).unwrap_err().code,
            ErrorCode::InvalidField
        );
        assert_eq!(decode_body::<Body>(r#"{"n":3}"#).unwrap().n, 3);
    }
}
