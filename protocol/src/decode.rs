//! Decoders of client input. Each returns a [`ProtocolError`] that maps onto an [`ErrorBody`]:
//! no input, however malformed, panics or is half-accepted.

use crate::error::{ErrorCode, ProtocolError};
use crate::events::ConversationCommand;
use crate::ids::ClientMessageId;
use crate::limits::{MAX_FRAME_BYTES, MAX_HTTP_BODY_BYTES, MAX_MESSAGE_CHARS};
use serde::de::DeserializeOwned;

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
    normalize(command).map_err(with_id)
}

/// Validates and normalises each command's fields (checks that need the site's settings or the
/// conversation's state are the relay's, in `conversation::check_*`).
fn normalize(command: ConversationCommand) -> Result<ConversationCommand, ProtocolError> {
    use crate::conversation::custom_data;
    use crate::validate::phone;
    use ConversationCommand as C;
    Ok(match command {
        C::Send {
            client_id,
            text,
            attachment: Some(attachment),
        } if text.trim().is_empty() => C::Send {
            client_id,
            text: String::new(),
            attachment: Some(attachment),
        },
        C::Send {
            client_id,
            text,
            attachment,
        } => C::Send {
            client_id,
            text: message_text(&text)?,
            attachment,
        },
        C::Contact { contact } => C::Contact {
            contact: contact.normalized()?,
        },
        C::CustomData { items } => C::CustomData {
            items: custom_data(&items)?,
        },
        C::Source { source } => C::Source {
            source: source.normalized()?,
        },
        C::Department { id } => {
            if !crate::validate::is_slug(&id) {
                return Err(ProtocolError::new(
                    ErrorCode::InvalidField,
                    "department id is not valid",
                ));
            }
            C::Department { id }
        }
        C::Transcript { email } => C::Transcript {
            email: crate::validate::email(&email)?,
        },
        C::Callback { phone: number } => C::Callback {
            phone: phone(&number)?,
        },
        C::Offline {
            client_id,
            contact,
            text,
        } => C::Offline {
            client_id,
            contact: contact.normalized()?,
            text: message_text(&text)?,
        },
        C::Note { client_id, text } => C::Note {
            client_id,
            text: message_text(&text)?,
        },
        C::Edit { seq, text } => C::Edit {
            seq,
            text: message_text(&text)?,
        },
        C::Transfer { to, note } => {
            if let crate::events::TransferTarget::Department { id } = &to {
                if !crate::validate::is_slug(id) {
                    return Err(ProtocolError::new(
                        ErrorCode::InvalidField,
                        "department id is not valid",
                    ));
                }
            }
            C::Transfer {
                to,
                note: optional_text(note)?,
            }
        }
        C::Invite { operator, note } => C::Invite {
            operator,
            note: optional_text(note)?,
        },
        C::Consent { text, policy_url } => {
            let (text, policy_url) = crate::consent::agreement(&text, &policy_url)?;
            C::Consent { text, policy_url }
        }
        C::Tag { tag } => C::Tag {
            tag: crate::tags::tag("tag", &tag)?,
        },
        C::Untag { tag } => C::Untag {
            tag: crate::tags::tag("tag", &tag)?,
        },
        other @ (C::Typing { .. }
        | C::Earlier { .. }
        | C::Assign { .. }
        | C::Close
        | C::Rate { .. }
        | C::Delete { .. }
        | C::Spam
        | C::Ban
        | C::AutoFeedback { .. }) => other,
    })
}

/// An optional note: blank means none, otherwise a valid message text.
fn optional_text(text: Option<String>) -> Result<Option<String>, ProtocolError> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| message_text(&t))
        .transpose()
}

/// Decodes one frame from an operator's inbox socket.
pub fn decode_inbox_command(frame: &str) -> Result<crate::events::InboxCommand, ProtocolError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(ProtocolError::new(ErrorCode::TooLarge, "frame too large"));
    }
    let command: crate::events::InboxCommand = serde_json::from_str(frame).map_err(|e| {
        let code = if e.is_data() {
            ErrorCode::InvalidField
        } else {
            ErrorCode::MalformedFrame
        };
        ProtocolError::new(code, e.to_string())
    })?;
    let crate::events::InboxCommand::Status { custom, .. } = &command;
    if let Some(custom) = custom {
        custom.validate()?;
    }
    Ok(command)
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
                text: "Hello\nthere".into(),
                attachment: None
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
    fn decodes_and_checks_every_command() {
        assert!(matches!(
            decode_command(r#"{"type":"typing","typing":true}"#),
            Ok(ConversationCommand::Typing { typing: true })
        ));
        assert!(matches!(
            decode_command(r#"{"type":"close"}"#),
            Ok(ConversationCommand::Close)
        ));
        assert!(matches!(
            decode_command(r#"{"type":"rate","score":2}"#),
            Ok(ConversationCommand::Rate {
                score: 2,
                comment: None
            })
        ));
        let ok = [
            r#"{"type":"contact","contact":{"name":"Ivan","email":"I@X.IO"}}"#,
            r#"{"type":"custom_data","items":[{"title":"Cart","content":"2 items"}]}"#,
            r#"{"type":"department","id":"sales"}"#,
            r#"{"type":"transcript","email":"me@x.io"}"#,
            r#"{"type":"callback","phone":"+7 912 345 67 89"}"#,
            r#"{"type":"offline","client_id":"o1","contact":{"email":"a@b.io"},"text":"Call me"}"#,
        ];
        for frame in ok {
            assert!(decode_command(frame).is_ok(), "{frame}");
        }
        let bad = [
            r#"{"type":"contact","contact":{"email":"nope"}}"#,
            r#"{"type":"custom_data","items":[{"title":"x","content":"y","link":"javascript:1"}]}"#,
            r#"{"type":"department","id":"../x"}"#,
            r#"{"type":"transcript","email":"me"}"#,
            r#"{"type":"callback","phone":"call me"}"#,
            r#"{"type":"offline","client_id":"o1","contact":{},"text":" "}"#,
            r#"{"type":"rate","score":"five"}"#,
            r#"{"type":"typing"}"#,
        ];
        for frame in bad {
            assert_eq!(code_of(frame), ErrorCode::InvalidField, "{frame}");
        }
        match decode_command(r#"{"type":"contact","contact":{"email":"I@X.IO","name":" "}}"#) {
            Ok(ConversationCommand::Contact { contact }) => {
                assert_eq!(contact.email.as_deref(), Some("i@x.io"));
                assert_eq!(contact.name, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decodes_inbox_commands() {
        assert!(decode_inbox_command(r#"{"type":"status","availability":"away"}"#).is_ok());
        assert_eq!(
            decode_inbox_command(r#"{"type":"status","availability":"asleep"}"#)
                .unwrap_err()
                .code,
            ErrorCode::InvalidField
        );
        assert_eq!(
            decode_inbox_command("{").unwrap_err().code,
            ErrorCode::MalformedFrame
        );
        let lunch = r#"{"type":"status","availability":"away","custom":{"emoji":"🍔","text":"Lunch","availability":"away"}}"#;
        assert!(decode_inbox_command(lunch).is_ok());
        for (bad, why) in [
            (
                r#"{"emoji":"ab","text":"Lunch","availability":"away"}"#,
                "emoji",
            ),
            (r#"{"emoji":"👨‍👩‍👧","text":"","availability":"away"}"#, "text"),
            (
                r#"{"emoji":"🍔","text":"Lunch","availability":"offline"}"#,
                "availability",
            ),
        ] {
            let frame = format!(r#"{{"type":"status","availability":"away","custom":{bad}}}"#);
            let error = decode_inbox_command(&frame).unwrap_err();
            assert!(error.message.starts_with(why), "{bad}: {}", error.message);
        }
        let status = |emoji: &str| crate::events::CustomStatus {
            emoji: emoji.into(),
            text: "On a call".into(),
            availability: crate::events::Availability::Online,
        };
        assert!(crate::events::CustomStatus::validate_list(&[
            status("📞"),
            status("🎧"),
            status("🍔")
        ])
        .is_ok());
        assert!(crate::events::CustomStatus::validate_list(&vec![status("📞"); 4]).is_err());
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
