//! Web Push for operators: the browser subscriptions they register (one per device), what the
//! relay lists back, the message the console's service worker shows, and who gets one when a
//! conversation changes. The crypto (RFC 8291, VAPID) is the relay's, in `edge/src/push`.

use crate::error::{ErrorCode, ProtocolError};
use crate::events::{Author, ConversationSummary};
use crate::ids::OperatorId;
use crate::Status;
use serde::{Deserialize, Serialize};

const MAX_ENDPOINT_CHARS: usize = 1000;
const MAX_LABEL_CHARS: usize = 80;
/// Devices one operator may register; the oldest goes when another comes.
pub const MAX_DEVICES: usize = 10;

/// The keys of a browser's subscription, base64url as `PushSubscription.toJSON()` gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKeys {
    /// The browser's P-256 public key, uncompressed (65 bytes: 87 characters).
    pub p256dh: String,
    /// The authentication secret (16 bytes: 22 characters).
    pub auth: String,
}

/// `POST /api/v1/account/push-devices`: this device's subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPushDevice {
    pub endpoint: String,
    pub keys: PushKeys,
    /// What the operator will recognise it by in the list ("Chrome on Android").
    #[serde(default)]
    pub label: String,
}

fn base64url_of_len(text: &str, chars: usize) -> bool {
    text.len() == chars
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl NewPushDevice {
    /// The endpoint is a public `https://` address (or this machine when `dev`), the keys
    /// have their lengths, the label is short.
    pub fn validate(&self, dev: bool) -> Result<(), ProtocolError> {
        let invalid = |why: String| ProtocolError::new(ErrorCode::InvalidField, why);
        if self.endpoint.chars().count() > MAX_ENDPOINT_CHARS {
            return Err(invalid(format!(
                "endpoint: at most {MAX_ENDPOINT_CHARS} characters"
            )));
        }
        crate::webhooks::outbound_url(&self.endpoint, dev)
            .map_err(|why| invalid(format!("endpoint: {why}")))?;
        if !base64url_of_len(&self.keys.p256dh, 87) {
            return Err(invalid(
                "keys.p256dh: a P-256 public key, 87 base64url characters".into(),
            ));
        }
        if !base64url_of_len(&self.keys.auth, 22) {
            return Err(invalid(
                "keys.auth: 16 bytes, 22 base64url characters".into(),
            ));
        }
        if self.label.chars().count() > MAX_LABEL_CHARS || self.label.chars().any(char::is_control)
        {
            return Err(invalid(format!(
                "label: at most {MAX_LABEL_CHARS} characters, one line"
            )));
        }
        Ok(())
    }
}

/// A registered device as "My account" lists it: never its keys, and of its endpoint (a
/// capability: whoever has it can push) only the push service's host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushDevice {
    pub id: String,
    pub label: String,
    /// `fcm.googleapis.com`, `updates.push.services.mozilla.com`, …
    pub service: String,
    pub created_at: u64,
}

/// `GET /api/v1/account/push-devices`: the relay's public VAPID key (none: this relay sends no
/// pushes) and this operator's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushDevices {
    pub public_key: Option<String>,
    pub devices: Vec<PushDevice>,
}

/// What a push carries, for the service worker to show; `url` opens the chat in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    pub url: String,
    /// One notification per conversation: a newer one replaces it.
    pub tag: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushReason {
    /// The visitor's first message, no one has the chat yet: everyone on the team.
    NewChat,
    /// A visitor's message in a chat that is someone's: its operator and those invited.
    NewMessage,
}

/// Who should hear of this change, and why: a visitor wrote, in an open chat that is not spam.
/// `None` for the whole team.
pub fn push_for(
    before: Option<&ConversationSummary>,
    after: &ConversationSummary,
) -> Option<(PushReason, Option<Vec<OperatorId>>)> {
    let before_count = before.map_or(0, |b| b.message_count);
    let visitor_wrote = after.message_count > before_count && after.last_author == Author::Visitor;
    if !visitor_wrote || after.state.status != Status::Open || after.state.spam {
        return None;
    }
    let first = before_count == 0;
    let Some(assignee) = &after.state.assignee else {
        return first.then_some((PushReason::NewChat, None));
    };
    let mut operators = vec![assignee.id.clone()];
    operators.extend(after.state.invited.iter().map(|i| i.id.clone()));
    let reason = if first {
        PushReason::NewChat
    } else {
        PushReason::NewMessage
    };
    Some((reason, Some(operators)))
}

/// The notification for `summary` (already masked for its reader), in the site's language.
pub fn message(
    summary: &ConversationSummary,
    reason: PushReason,
    locale: crate::Locale,
    site: &crate::SiteId,
) -> PushMessage {
    let ru = locale == crate::Locale::Ru;
    let title = match (reason, ru) {
        (PushReason::NewChat, false) => "New chat",
        (PushReason::NewChat, true) => "Новый чат",
        (PushReason::NewMessage, false) => "New message",
        (PushReason::NewMessage, true) => "Новое сообщение",
    };
    let who = summary.state.contact.name.clone().unwrap_or_else(|| {
        if ru {
            "Посетитель"
        } else {
            "Visitor"
        }
        .to_owned()
    });
    PushMessage {
        title: title.to_owned(),
        body: format!("{who}: {}", preview(&summary.last_preview)),
        // The console's address of the chat, relative to the console (the worker's scope).
        url: format!("#/{site}/chats/{}", summary.id),
        tag: summary.id.to_string(),
    }
}

/// The preview a notification shows: the start of the message, on one line.
pub fn preview(text: &str) -> String {
    const CHARS: usize = 140;
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::OperatorCard;

    fn device(endpoint: &str) -> NewPushDevice {
        NewPushDevice {
            endpoint: endpoint.into(),
            keys: PushKeys {
                p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".into(),
                auth: "BTBZMqHH6r4Tts7J_aSIgg".into(),
            },
            label: "Chrome on Android".into(),
        }
    }

    #[test]
    fn a_push_service_address_and_real_keys_only() {
        assert!(device("https://fcm.googleapis.com/fcm/send/abc")
            .validate(false)
            .is_ok());
        assert!(device("http://127.0.0.1:8899/push/1")
            .validate(true)
            .is_ok());
        for bad in [
            "http://127.0.0.1:8899/push/1",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.5/x",
            "https://printer.local/x",
            "http://fcm.googleapis.com/x",
            "javascript:alert(1)",
            "",
        ] {
            assert!(device(bad).validate(false).is_err(), "{bad}");
        }
        let mut short = device("https://fcm.googleapis.com/x");
        short.keys.p256dh.pop();
        assert!(short.validate(false).is_err());
        let mut auth = device("https://fcm.googleapis.com/x");
        auth.keys.auth = "BTBZMqHH6r4Tts7J_aSIg=".into();
        assert!(auth.validate(false).is_err());
        let mut label = device("https://fcm.googleapis.com/x");
        label.label = "two\nlines".into();
        assert!(label.validate(false).is_err());
        let long = format!("https://fcm.googleapis.com/{}", "a".repeat(1000));
        assert!(device(&long).validate(false).is_err());
    }

    fn operator() -> Author {
        Author::Operator {
            id: OperatorId::parse("anna".to_owned()).unwrap(),
            name: "Anna".into(),
        }
    }

    fn summary(count: u64, author: Author, assignee: Option<&str>) -> ConversationSummary {
        let mut s: ConversationSummary = serde_json::from_value(serde_json::json!({
            "id": "c1", "visitor": "v1", "started_at": 1, "last_at": 2,
            "last_preview": "hi", "last_author": {"kind": "visitor"}, "message_count": count,
        }))
        .unwrap();
        s.last_author = author;
        s.state.assignee = assignee.map(|id| OperatorCard {
            id: OperatorId::parse(id.to_owned()).unwrap(),
            name: id.into(),
        });
        s
    }

    #[test]
    fn the_first_message_of_an_unassigned_chat_goes_to_the_team() {
        let after = summary(1, Author::Visitor, None);
        assert_eq!(push_for(None, &after), Some((PushReason::NewChat, None)));
        let before = summary(0, Author::Visitor, None);
        assert_eq!(
            push_for(Some(&before), &after),
            Some((PushReason::NewChat, None))
        );
        // A second message while still unassigned: the chat is already in everyone's inbox.
        assert_eq!(
            push_for(Some(&after), &summary(2, Author::Visitor, None)),
            None
        );
    }

    #[test]
    fn later_messages_go_to_whoever_has_the_chat() {
        let before = summary(3, operator(), Some("anna"));
        let after = summary(4, Author::Visitor, Some("anna"));
        let anna = OperatorId::parse("anna".to_owned()).unwrap();
        assert_eq!(
            push_for(Some(&before), &after),
            Some((PushReason::NewMessage, Some(vec![anna.clone()])))
        );
        // Auto-assigned from the first message: a new chat, for its operator.
        assert_eq!(
            push_for(None, &summary(1, Author::Visitor, Some("anna"))),
            Some((PushReason::NewChat, Some(vec![anna])))
        );
    }

    #[test]
    fn nothing_for_operators_own_words_closed_chats_spam_or_a_mere_update() {
        let before = summary(3, Author::Visitor, Some("anna"));
        assert_eq!(
            push_for(Some(&before), &summary(4, operator(), Some("anna"))),
            None
        );
        assert_eq!(
            push_for(Some(&before), &summary(3, Author::Visitor, Some("anna"))),
            None
        );
        let mut closed = summary(4, Author::Visitor, Some("anna"));
        closed.state.status = Status::Closed;
        assert_eq!(push_for(Some(&before), &closed), None);
        let mut spam = summary(1, Author::Visitor, None);
        spam.state.spam = true;
        assert_eq!(push_for(None, &spam), None);
    }

    #[test]
    fn the_notification_names_the_visitor_and_opens_the_chat() {
        let site = crate::SiteId::parse("demo".to_owned()).unwrap();
        let mut chat = summary(1, Author::Visitor, None);
        let en = message(&chat, PushReason::NewChat, crate::Locale::En, &site);
        assert_eq!(
            en,
            PushMessage {
                title: "New chat".into(),
                body: "Visitor: hi".into(),
                url: "#/demo/chats/c1".into(),
                tag: "c1".into(),
            }
        );
        chat.state.contact.name = Some("Олег".into());
        let ru = message(&chat, PushReason::NewMessage, crate::Locale::Ru, &site);
        assert_eq!(
            (ru.title.as_str(), ru.body.as_str()),
            ("Новое сообщение", "Олег: hi")
        );
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview("Hello,\n  do you\tship?"), "Hello, do you ship?");
        let long = "я".repeat(200);
        assert_eq!(preview(&long).chars().count(), 141);
        assert!(preview(&long).ends_with('…'));
    }
}
