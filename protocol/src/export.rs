//! A site's data as one JSON document: `GET /api/v1/sites/{site}/export` (owner), and
//! `POST /api/v1/sites/{site}/import` restores it into a site (the same or another relay).
//! Files' bytes stay in the bucket: messages keep their attachments' references.

use crate::error::ErrorCode;
use crate::error::ProtocolError;
use crate::events::{Author, ChatMessage};
use crate::ids::{ConversationId, SiteId, VisitorId};
use crate::reports::ChatFacts;
use crate::settings::SiteSettings;
use crate::{ConversationState, Geo};
use serde::{Deserialize, Serialize};

/// The document's version; an import refuses others.
pub const EXPORT_FORMAT: u32 = 1;
/// Conversations per export page (`?after=`); each is a read of its own object.
pub const EXPORT_PAGE: usize = 200;
/// Largest import body: a page of long conversations.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// One page of a site's data. `settings` come with every page; conversations in id order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteExport {
    pub format: u32,
    pub site: SiteId,
    pub exported_at: u64,
    pub settings: SiteSettings,
    pub conversations: Vec<ConversationExport>,
    /// Pass as `after` for the next page; `None` on the last one. Pages go by conversation
    /// id, which never changes, so a site that keeps chatting while it is exported has none of
    /// its conversations skipped or repeated (new ones may or may not be in).
    #[serde(default)]
    pub next_after: Option<ConversationId>,
    /// The site's automatic answers (replaced with the settings, when asked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_answers: Vec<crate::answers::AutoAnswer>,
}

/// One conversation: who, its state (the visitor's contact data and custom data included),
/// every message and private note, and the facts reports are made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationExport {
    pub id: ConversationId,
    pub visitor: VisitorId,
    pub started_at: u64,
    #[serde(default)]
    pub geo: Geo,
    pub state: ConversationState,
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub facts: ChatFacts,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub imported: u64,
    /// Conversations the site already had (an import never overwrites one).
    pub skipped: u64,
    /// Whether the document's settings replaced the site's (only when asked with
    /// `?settings=replace`; by default the site keeps its own).
    #[serde(default)]
    pub settings_replaced: bool,
}

impl SiteExport {
    /// Checks a document before anything is written: its version, unique conversations,
    /// messages in order with unique numbers, each message within the usual limits.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let bad = |why: String| Err(ProtocolError::new(ErrorCode::InvalidField, why));
        if self.format != EXPORT_FORMAT {
            return bad(format!(
                "export format {} is not {EXPORT_FORMAT}",
                self.format
            ));
        }
        if self.auto_answers.len() > crate::answers::MAX_ANSWERS {
            return bad(format!(
                "auto_answers: at most {}",
                crate::answers::MAX_ANSWERS
            ));
        }
        let mut answer_ids = std::collections::HashSet::new();
        for answer in &self.auto_answers {
            if answer.id.is_empty() || answer.id.len() > 64 || !answer_ids.insert(&answer.id) {
                return bad(format!(
                    "auto_answers: id {:?} is empty, too long or twice",
                    answer.id
                ));
            }
            if let Err(e) = answer.clone().tidied() {
                return bad(format!("auto_answers: {}", e.message));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for conversation in &self.conversations {
            if !ids.insert(&conversation.id) {
                return bad(format!("conversation {} appears twice", conversation.id));
            }
            // Contact and custom data pass the checks they passed when first given.
            let state = &conversation.state;
            if let Err(e) = state
                .contact
                .normalized()
                .and(crate::conversation::custom_data(&state.custom_data))
            {
                return bad(format!("conversation {}: {}", conversation.id, e.message));
            }
            let mut last = 0;
            for message in &conversation.messages {
                if message.seq <= last {
                    return bad(format!(
                        "conversation {}: message {} is out of order",
                        conversation.id, message.seq
                    ));
                }
                last = message.seq;
                if message.text.chars().count() > crate::limits::MAX_MESSAGE_CHARS {
                    return bad(format!(
                        "conversation {}: message {} is too long",
                        conversation.id, message.seq
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whose client ids a stored message counts among (the relay keeps them unique per sender).
pub fn sender_key(author: &Author) -> String {
    match author {
        Author::Visitor => "visitor".into(),
        Author::Operator { id, .. } => format!("operator:{id}"),
        Author::System => "system".into(),
        Author::Bot => "bot".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ClientMessageId;

    fn message(seq: u64, text: &str) -> ChatMessage {
        ChatMessage {
            seq,
            client_id: ClientMessageId::parse(format!("c{seq}")).unwrap(),
            author: Author::Visitor,
            text: text.into(),
            sent_at: seq * 1000,
            event: None,
            attachment: None,
            note: false,
            edited_at: None,
            deleted: false,
            via: None,
        }
    }

    fn export(conversations: Vec<ConversationExport>) -> SiteExport {
        SiteExport {
            format: EXPORT_FORMAT,
            site: SiteId::parse("demo").unwrap(),
            exported_at: 1,
            settings: SiteSettings::new("Shop"),
            conversations,
            next_after: None,
            auto_answers: vec![],
        }
    }

    fn conversation(id: &str, messages: Vec<ChatMessage>) -> ConversationExport {
        ConversationExport {
            id: ConversationId::parse(id).unwrap(),
            visitor: VisitorId::parse("visitor1").unwrap(),
            started_at: 1,
            geo: Geo::default(),
            state: ConversationState::default(),
            messages,
            facts: ChatFacts::default(),
        }
    }

    #[test]
    fn a_document_round_trips_through_json_and_validates() {
        let doc = export(vec![conversation(
            "conv0001",
            vec![message(1, "hi"), message(3, "bye")],
        )]);
        let text = serde_json::to_string(&doc).unwrap();
        let back: SiteExport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
        assert!(back.validate().is_ok());
    }

    #[test]
    fn bad_documents_are_refused_before_anything_is_written() {
        let mut wrong_format = export(vec![]);
        wrong_format.format = 99;
        let twice = export(vec![
            conversation("conv0001", vec![]),
            conversation("conv0001", vec![]),
        ]);
        let disorder = export(vec![conversation(
            "conv0001",
            vec![message(2, "a"), message(2, "b")],
        )]);
        let long = export(vec![conversation(
            "conv0001",
            vec![message(1, &"x".repeat(4001))],
        )]);
        let mut bad_contact = conversation("conv0001", vec![]);
        bad_contact.state.contact.email = Some("not an address".into());
        let bad_contact = export(vec![bad_contact]);
        for (doc, why) in [
            (wrong_format, "format"),
            (twice, "twice"),
            (disorder, "out of order"),
            (long, "too long"),
            (bad_contact, "conv0001: "),
        ] {
            let error = doc.validate().unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidField);
            assert!(error.message.contains(why), "{}", error.message);
        }
    }

    #[test]
    fn senders_match_the_relays_keys() {
        assert_eq!(sender_key(&Author::Visitor), "visitor");
        assert_eq!(sender_key(&Author::System), "system");
        let op = Author::Operator {
            id: crate::ids::OperatorId::parse("op000001").unwrap(),
            name: "A".into(),
        };
        assert_eq!(sender_key(&op), "operator:op000001");
    }
}
