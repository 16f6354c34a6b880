//! What flows over the WebSockets.
//!
//! A conversation socket (visitor or operator) sends [`ConversationCommand`]s and receives
//! [`ConversationEvent`]s. An operator's inbox socket receives [`InboxEvent`]s.

use crate::conversation::OperatorCard;
use crate::conversation::{ContactInfo, ConversationState, CustomDataItem, Presence};
use crate::error::{ErrorBody, ErrorCode, Millis};
use crate::ids::{ClientMessageId, ConversationId, OperatorId, VisitorId};
use crate::settings::RatingScale;
use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum Author {
    Visitor,
    Operator {
        id: OperatorId,
        name: String,
    },
    System,
    /// The site's automatic answer (see `answers`).
    Bot,
}

crate::internally_tagged!(Author, "kind");

/// Something that happened in a conversation, stored in its log as a system message. Clients
/// render it in their own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum SystemEvent {
    ClosedByOperator {
        name: String,
    },
    EndedByVisitor,
    /// Marked as spam; the visitor is only told the operator ended the chat.
    EndedAsSpam,
    Rated {
        score: u8,
        scale: RatingScale,
    },
    CallbackRequested {
        phone: String,
    },
    /// An operator took the chat (routing, by hand, or by answering it).
    Assigned {
        name: String,
    },
    /// The chat went from one operator to another.
    Transferred {
        from: String,
        to: String,
    },
    /// The chat went to a department's queue.
    TransferredToDepartment {
        department: String,
    },
    /// A colleague was invited into the chat.
    Invited {
        name: String,
    },
    /// An operator's message `seq` did not reach the visitor's messenger (operators only).
    NotDelivered {
        seq: u64,
        reason: String,
    },
    /// Nobody answered in time, whoever it was offered to: the visitor is offered the
    /// leave-a-message form (`routing.no_answer_seconds`).
    NoAnswer,
    /// Nobody answered in time: the chat went back to everyone's queue (a note: operators only).
    OfferedToEveryone,
}

crate::internally_tagged!(SystemEvent, "event");

/// How a message reached the chat when not through the web chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The visitor's answer to a reply mail.
    Email,
    /// A private message to the site's Telegram bot.
    Telegram,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Telegram => "telegram",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "email" => Some(Channel::Email),
            "telegram" => Some(Channel::Telegram),
            _ => None,
        }
    }
}

/// A stored message. `seq` is assigned by the relay: 1, 2, 3… within a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub seq: u64,
    pub client_id: ClientMessageId,
    pub author: Author,
    pub text: String,
    pub sent_at: Millis,
    /// Set on system messages that record an event (their `text` is then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<SystemEvent>,
    /// A file sent with the message (its `text` may then be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<crate::files::Attachment>,
    /// A private note among operators; never sent to the visitor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub note: bool,
    /// Set once the author edited the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Millis>,
    /// Set once the author deleted it (its text and file are then gone).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Not written in the web chat: e.g. the visitor answered a reply mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Channel>,
}

/// A command from a client on a conversation socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum ConversationCommand {
    /// Send a message. Re-sending the same `client_id` stores nothing new and is acknowledged again.
    Send {
        client_id: ClientMessageId,
        #[serde(default)]
        text: String,
        /// A file uploaded first (`POST …/files`); the text may then be empty.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::files::Attachment>,
    },
    /// The sender started or stopped typing. Relayed to the others, never stored.
    Typing { typing: bool },
    /// Older messages: the relay answers with a `messages` frame of the (at most
    /// [`crate::limits::LOG_FRAME_MESSAGES`]) messages just before `before`.
    Earlier { before: u64 },
    /// Visitor only: contact data from the contact form or `Consultant.setContactInfo`.
    Contact { contact: ContactInfo },
    /// Visitor only: facts from `Consultant.setCustomData`, replacing earlier ones.
    CustomData { items: Vec<CustomDataItem> },
    /// Visitor only: where his visit came from; the first one recorded stays.
    Source {
        source: crate::triggers::VisitSource,
    },
    /// Visitor only: the department chosen before the first message.
    Department { id: String },
    /// An operator closes the chat, or the visitor ends it.
    Close,
    /// Visitor only, once, after the chat ended.
    Rate {
        score: u8,
        #[serde(default)]
        comment: Option<String>,
    },
    /// Visitor only: e-mail me this conversation.
    Transcript { email: String },
    /// Visitor only: call me back at this number.
    Callback { phone: String },
    /// Visitor only: he ticked the consent checkbox reading `text` beside the policy at
    /// `policy_url`; goes before the contact data it allows.
    Consent { text: String, policy_url: String },
    /// Visitor only: the leave-a-message form, used when no operator is online.
    Offline {
        client_id: ClientMessageId,
        contact: ContactInfo,
        text: String,
    },
    /// Operator only: a private note for colleagues; the visitor never receives it.
    Note {
        client_id: ClientMessageId,
        text: String,
    },
    /// Operator only: change the text of one's own message; the visitor sees the change.
    Edit { seq: u64, text: String },
    /// Operator only: delete one's own message; the visitor sees it disappear.
    Delete { seq: u64 },
    /// Operator only: end the chat as spam; the visitor sees "the operator ended the chat" and
    /// can neither write nor rate.
    Spam,
    /// Operator only: as spam, and the visitor and his IP may start no chat again until an
    /// admin lifts the ban.
    Ban,
    /// Operator only: give the chat to `operator`. Admins assign to anyone of the site; an
    /// operator only takes an unassigned chat for himself.
    Assign { operator: OperatorId },
    /// Operator only (the assignee or an admin): hand the chat to a colleague or a department,
    /// with an optional note the new operator reads (the visitor never sees it).
    Transfer {
        to: TransferTarget,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Operator only (someone in the chat, or an admin): bring a colleague into the chat.
    Invite {
        operator: OperatorId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Operator only: put a tag on the chat (one of the site's list, or a free one when the
    /// site allows them; see `tags`).
    Tag { tag: String },
    /// Operator only: take a tag off the chat.
    Untag { tag: String },
    /// Visitor only: whether the automatic answer he was given helped; `false` asks for a
    /// person (the chat goes to routing).
    AutoFeedback { helpful: bool },
}

crate::internally_tagged!(ConversationCommand, "type");

/// Where a chat is transferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum TransferTarget {
    Operator { id: OperatorId },
    Department { id: String },
}

crate::internally_tagged!(TransferTarget, "kind");

impl ConversationCommand {
    /// The `type` tags the relay understands; anything else is an unknown command.
    pub const TYPES: &'static [&'static str] = &[
        "send",
        "typing",
        "earlier",
        "contact",
        "custom_data",
        "source",
        "department",
        "close",
        "rate",
        "transcript",
        "callback",
        "offline",
        "note",
        "edit",
        "delete",
        "spam",
        "ban",
        "assign",
        "transfer",
        "invite",
        "tag",
        "untag",
        "consent",
        "auto_feedback",
    ];

    /// Commands only the visitor may send.
    pub fn visitor_only(&self) -> bool {
        !matches!(
            self,
            ConversationCommand::Send { .. }
                | ConversationCommand::Typing { .. }
                | ConversationCommand::Earlier { .. }
                | ConversationCommand::Close
        ) && !self.operator_only()
    }

    /// Commands only operators may send.
    pub fn operator_only(&self) -> bool {
        matches!(
            self,
            ConversationCommand::Note { .. }
                | ConversationCommand::Edit { .. }
                | ConversationCommand::Delete { .. }
                | ConversationCommand::Spam
                | ConversationCommand::Ban
                | ConversationCommand::Assign { .. }
                | ConversationCommand::Transfer { .. }
                | ConversationCommand::Invite { .. }
                | ConversationCommand::Tag { .. }
                | ConversationCommand::Untag { .. }
        )
    }

    /// The JSON text frame for a WebSocket: serde's form, written without serde (the widget
    /// and the console then carry no serializer for commands; `lean`'s tests compare the two).
    pub fn to_frame(&self) -> String {
        crate::lean::command_json(self)
    }
}

/// What the relay sends on a conversation socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum ConversationEvent {
    /// First frame after connecting: the newest messages (up to `HISTORY_PAGE`) in order.
    Welcome {
        conversation: ConversationId,
        messages: Vec<ChatMessage>,
        operator: Option<OperatorCard>,
        #[serde(default)]
        state: ConversationState,
        #[serde(default)]
        presence: Presence,
    },
    /// More of the log right after a welcome, in order: the relay sends the catch-up in
    /// frames of at most [`crate::limits::LOG_FRAME_MESSAGES`] messages, however far behind the
    /// client is.
    Messages { messages: Vec<ChatMessage> },
    /// The conversation's state changed (contact data, status, rating, …).
    State { state: ConversationState },
    /// Someone else in the conversation started or stopped typing.
    Typing { author: Author, typing: bool },
    /// A command without a message of its own (contact, transcript, …) was carried out.
    Done { command: String },
    /// A message was stored (by anyone, including the receiver on another tab).
    Message { message: ChatMessage },
    /// A stored message was edited or deleted: replace it by `seq`.
    Changed { message: ChatMessage },
    /// The receiver's message `client_id` is stored as `seq`.
    Ack {
        client_id: ClientMessageId,
        seq: u64,
    },
    /// Something the receiver sent was refused; nothing was stored for it.
    Error(ErrorBody),
}

crate::internally_tagged!(ConversationEvent, "type");

/// A conversation as the operator's inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub visitor: VisitorId,
    pub started_at: Millis,
    pub last_at: Millis,
    pub last_preview: String,
    pub last_author: Author,
    pub message_count: u64,
    #[serde(default)]
    pub state: ConversationState,
}

impl ConversationSummary {
    /// True while the visitor wrote last: someone should answer.
    pub fn awaits_reply(&self) -> bool {
        self.last_author == Author::Visitor
    }
}

/// What the relay sends on an operator's inbox socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum InboxEvent {
    /// First frame: the open conversations of the site, newest activity first.
    Snapshot {
        conversations: Vec<ConversationSummary>,
    },
    /// A conversation started or got a new message.
    Updated {
        conversation: Box<ConversationSummary>,
    },
    /// Who of the team is signed in, with their status (sent on connect and on every change).
    Team {
        colleagues: Vec<ColleagueStatus>,
    },
    /// The receiver may no longer see this conversation (it was transferred away).
    Gone {
        id: ConversationId,
    },
    /// The visitors on the site now (sent on connect): the first
    /// `visitors::LIVE_LIST_FRAME` of them, the rest in `more_visitors` frames after it.
    Visitors {
        visitors: Vec<crate::visitors::LiveVisitor>,
    },
    /// The next part of the list begun by `visitors`, appended to it.
    MoreVisitors {
        visitors: Vec<crate::visitors::LiveVisitor>,
    },
    /// A visitor arrived or moved to another page.
    VisitorUpdated {
        visitor: Box<crate::visitors::LiveVisitor>,
    },
    /// A visitor closed his last tab of the site.
    VisitorLeft {
        id: String,
    },
    Error(ErrorBody),
}

crate::internally_tagged!(InboxEvent, "type");

/// Whether an operator takes new chats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    #[default]
    Online,
    Away,
    /// Signed in but shown offline: takes no chats.
    Offline,
}

/// One of an operator's own statuses ("🍔 Lunch", "📞 On a call"): up to
/// [`MAX_CUSTOM_STATUSES`], each on top of online (takes chats) or away (takes none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomStatus {
    pub emoji: String,
    pub text: String,
    pub availability: Availability,
}

/// How many custom statuses an operator may keep.
pub const MAX_CUSTOM_STATUSES: usize = 3;

impl CustomStatus {
    /// One emoji (a short cluster of code points, no letters or digits) and a short comment.
    pub fn validate(&self) -> Result<(), crate::ProtocolError> {
        let bad = |why: &str| Err(crate::ProtocolError::new(ErrorCode::InvalidField, why));
        let emoji = self.emoji.trim();
        if emoji.is_empty()
            || emoji.chars().count() > 8
            || emoji
                .chars()
                .any(|c| c.is_alphanumeric() || c.is_whitespace())
        {
            return bad("emoji: expected one emoji");
        }
        let text = self.text.trim();
        if text.is_empty() || text.chars().count() > 60 || text.chars().any(char::is_control) {
            return bad("text: 1 to 60 characters");
        }
        if self.availability == Availability::Offline {
            return bad("availability: a custom status is online or away");
        }
        Ok(())
    }

    /// Checks a whole list (the account's saved statuses).
    pub fn validate_list(list: &[CustomStatus]) -> Result<(), crate::ProtocolError> {
        if list.len() > MAX_CUSTOM_STATUSES {
            return Err(crate::ProtocolError::new(
                ErrorCode::InvalidField,
                "statuses: at most 3",
            ));
        }
        list.iter().try_for_each(CustomStatus::validate)
    }
}

/// A signed-in colleague as the team sees him.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColleagueStatus {
    pub id: OperatorId,
    pub name: String,
    pub availability: Availability,
    /// Since when (ms).
    pub since: Millis,
    /// His own status, when he chose one.
    #[serde(default)]
    pub custom: Option<CustomStatus>,
}

/// A command on the inbox socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum InboxCommand {
    /// Online takes chats; away does not (the widget offers the offline form when nobody is
    /// online).
    Status {
        availability: Availability,
        /// A custom status; its own availability wins over `availability`.
        #[serde(default)]
        custom: Option<CustomStatus>,
    },
}

crate::internally_tagged!(InboxCommand, "type");

/// Cuts `text` to at most `max` characters for previews, marking the cut with an ellipsis.
pub fn preview(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_a_stable_json_shape() {
        let event = ConversationEvent::Ack {
            client_id: ClientMessageId::parse("c1").unwrap(),
            seq: 7,
        };
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"type":"ack","client_id":"c1","seq":7}"#
        );
        let error = ConversationEvent::Error(ErrorBody::new(ErrorCode::TooLarge, "too big"));
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"type":"error","code":"too_large","message":"too big"}"#
        );
    }

    #[test]
    fn author_round_trips() {
        let author = Author::Operator {
            id: OperatorId::parse("op1").unwrap(),
            name: "Anna".into(),
        };
        let json = serde_json::to_string(&author).unwrap();
        assert_eq!(json, r#"{"kind":"operator","id":"op1","name":"Anna"}"#);
        assert_eq!(serde_json::from_str::<Author>(&json).unwrap(), author);
    }

    #[test]
    fn preview_flattens_and_cuts() {
        assert_eq!(preview("a\n\n b", 10), "a b");
        assert_eq!(preview("абвгдеёжз", 5), "абвг…");
        assert_eq!(preview("12345", 5), "12345");
    }
}
