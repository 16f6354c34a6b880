//! The REST API for the site's own server (a CRM, a back office): per-site API keys, and the
//! shapes of what it reads (conversations, contacts) and writes (custom data). Described in
//! `docs/openapi.json`.

use crate::conversation::{ContactInfo, CustomDataItem};
use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::events::{ChatMessage, ConversationSummary};
use crate::ids::{ConversationId, VisitorId};
use serde::{Deserialize, Serialize};

/// Most API keys one site may have.
pub const MAX_KEYS: usize = 10;
/// What every key starts with (so a leaked one is easy to recognise and to scan for).
pub const KEY_PREFIX: &str = "ck_";
/// Longest key name.
pub const MAX_KEY_NAME_CHARS: usize = 80;

/// `POST …/api-keys` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// What the key is for ("CRM sync"), shown in the list.
    pub name: String,
}

impl NewApiKey {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_KEY_NAME_CHARS {
            return Err(ProtocolError::new(
                ErrorCode::InvalidField,
                "name: 1 to 80 characters",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ProtocolError::new(
                ErrorCode::InvalidField,
                "name: no control characters",
            ));
        }
        Ok(())
    }
}

/// A key as listed: never the key itself (only its hash is stored), but its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The key's first 10 characters, to tell keys apart.
    pub prefix: String,
    pub created_at: Millis,
    /// The operator (owner or admin) who created it.
    pub created_by: crate::ids::OperatorId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Millis>,
}

/// `POST …/api-keys` answer: the key, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub listed: ApiKey,
    pub key: String,
}

/// Whether a bearer token is shaped like an API key (else it is an operator's token).
pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
        && token.len() <= 100
        && token[KEY_PREFIX.len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `GET /api/rest/v1/sites/{site}/conversations/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationDetail {
    pub conversation: ConversationSummary,
    /// Every message, oldest first, without operators' private notes.
    pub messages: Vec<ChatMessage>,
}

/// One visitor who left contact data, with the conversation he left it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub visitor: VisitorId,
    pub conversation: ConversationId,
    pub contact: ContactInfo,
    /// The host site's user id, when he was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub started_at: Millis,
    pub last_at: Millis,
}

impl ContactRecord {
    /// The contact of a conversation, if the visitor left any.
    pub fn of(summary: &ConversationSummary) -> Option<Self> {
        let contact = &summary.state.contact;
        let empty = contact.name.is_none()
            && contact.email.is_none()
            && contact.phone.is_none()
            && contact.custom.is_empty();
        (!empty).then(|| ContactRecord {
            visitor: summary.visitor.clone(),
            conversation: summary.id.clone(),
            contact: contact.clone(),
            user_id: summary.state.verified_user.clone(),
            started_at: summary.started_at,
            last_at: summary.last_at,
        })
    }
}

/// `GET …/contacts` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contacts: Vec<ContactRecord>,
    /// Pass as `before` for the next page; `None` when this was the last one.
    pub next_before: Option<Millis>,
}

/// `PUT …/custom-data` body: replaces what operators see beside the chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomDataUpdate {
    pub items: Vec<CustomDataItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_short_plain_text() {
        assert!(NewApiKey {
            name: "CRM sync".into()
        }
        .validate()
        .is_ok());
        assert!(NewApiKey { name: "  ".into() }.validate().is_err());
        assert!(NewApiKey {
            name: "a".repeat(81)
        }
        .validate()
        .is_err());
        assert!(NewApiKey {
            name: "a\u{0}b".into()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn keys_are_told_from_operator_tokens() {
        assert!(looks_like_key("ck_AbC-12_x"));
        assert!(!looks_like_key("eyJhbGciOi.payload.sig"));
        assert!(!looks_like_key("ck_with space"));
        assert!(!looks_like_key(&format!("ck_{}", "a".repeat(100))));
    }

    #[test]
    fn only_conversations_with_contact_data_are_contacts() {
        let mut summary = ConversationSummary {
            id: ConversationId::parse("c1").unwrap(),
            visitor: VisitorId::parse("v1").unwrap(),
            started_at: 1,
            last_at: 2,
            last_preview: String::new(),
            last_author: crate::Author::Visitor,
            message_count: 1,
            state: Default::default(),
        };
        assert!(ContactRecord::of(&summary).is_none());
        summary.state.contact.email = Some("ivan@example.com".into());
        summary.state.verified_user = Some("user-42".into());
        let record = ContactRecord::of(&summary).unwrap();
        assert_eq!(record.user_id.as_deref(), Some("user-42"));
        assert_eq!(record.last_at, 2);
    }
}
