//! What a client shows of a conversation: stored messages in `seq` order, plus its own messages
//! not yet acknowledged (the outbox). Pure logic shared by the widget and the console.

use crate::conversation::OperatorCard;
use crate::conversation::{ConversationState, Presence};
use crate::decode::message_text;
use crate::error::ErrorBody;
use crate::error::ProtocolError;
use crate::events::{Author, ChatMessage, ConversationCommand, ConversationEvent};
use crate::ids::ClientMessageId;

/// A message this client sent that the relay has not acknowledged yet (kept across page
/// reloads by the widget).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub client_id: ClientMessageId,
    pub text: String,
    pub attachment: Option<crate::files::Attachment>,
}

/// What applying a relay event changed, for the client to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Nothing,
    /// (Re)connected. The outbox must be sent again (the relay dedupes by client id).
    Welcome {
        resend: Vec<ConversationCommand>,
        operator: Option<OperatorCard>,
        state: ConversationState,
        presence: Presence,
    },
    State(ConversationState),
    Typing {
        author: Author,
        typing: bool,
    },
    /// A command without a message of its own was carried out.
    Done(String),
    /// A message not seen before.
    NewMessage(ChatMessage),
    /// The relay refused something. `returned` is our refused message, taken out of the outbox
    /// so its text can be given back to the writer rather than lost.
    Refused {
        error: ErrorBody,
        returned: Option<Pending>,
    },
    /// Sent too fast: the outbox keeps the message; send it again after this long.
    Throttled {
        retry_after_ms: u64,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    messages: Vec<ChatMessage>,
    pending: Vec<Pending>,
}

impl Timeline {
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    /// The highest sequence number seen: a reconnect asks for everything after it.
    pub fn last_seq(&self) -> u64 {
        self.messages.last().map(|m| m.seq).unwrap_or(0)
    }

    /// Adds a stored message; duplicates (same `seq`) are ignored, order is by `seq` whatever
    /// the arrival order. A stored message also settles the outbox entry with its client id.
    /// Returns whether the message was new.
    pub fn insert(&mut self, message: ChatMessage) -> bool {
        self.pending.retain(|p| p.client_id != message.client_id);
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(_) => false,
            Err(at) => {
                self.messages.insert(at, message);
                true
            }
        }
    }

    pub fn queue(
        &mut self,
        client_id: ClientMessageId,
        text: String,
        attachment: Option<crate::files::Attachment>,
    ) {
        self.pending.push(Pending {
            client_id,
            text,
            attachment,
        });
    }

    /// Puts back messages that were waiting when the page was left. Their ids keep the resend
    /// idempotent: one the relay already stored is acknowledged again, not stored twice.
    pub fn restore(&mut self, pending: Vec<Pending>) {
        for p in pending {
            let known = self.pending.iter().any(|x| x.client_id == p.client_id)
                || self.messages.iter().any(|m| m.client_id == p.client_id);
            if !known {
                self.pending.push(p);
            }
        }
    }

    /// Validates what the user typed, puts it in the outbox and returns the command to send.
    /// With an attachment the text may be empty.
    pub fn compose(
        &mut self,
        client_id: ClientMessageId,
        typed: &str,
        attachment: Option<crate::files::Attachment>,
    ) -> Result<ConversationCommand, ProtocolError> {
        let text = match (&attachment, typed.trim().is_empty()) {
            (Some(_), true) => String::new(),
            _ => message_text(typed)?,
        };
        self.queue(client_id.clone(), text.clone(), attachment.clone());
        Ok(ConversationCommand::Send {
            client_id,
            text,
            attachment,
        })
    }

    /// The outbox as commands, oldest first.
    pub fn outbox(&self) -> Vec<ConversationCommand> {
        self.pending
            .iter()
            .map(|p| ConversationCommand::Send {
                client_id: p.client_id.clone(),
                text: p.text.clone(),
                attachment: p.attachment.clone(),
            })
            .collect()
    }

    /// Applies one event from the relay.
    pub fn apply(&mut self, event: ConversationEvent) -> Applied {
        match event {
            ConversationEvent::Welcome {
                messages,
                operator,
                state,
                presence,
                ..
            } => {
                for message in messages {
                    self.insert(message);
                }
                Applied::Welcome {
                    resend: self.outbox(),
                    operator,
                    state,
                    presence,
                }
            }
            // The rest of the catch-up: history, not news (no badge, no sound).
            ConversationEvent::Messages { messages } => {
                for message in messages {
                    self.insert(message);
                }
                Applied::Nothing
            }
            ConversationEvent::State { state } => Applied::State(state),
            ConversationEvent::Changed { message } => {
                if let Ok(at) = self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
                    self.messages[at] = message;
                }
                Applied::Nothing
            }
            ConversationEvent::Typing { author, typing } => Applied::Typing { author, typing },
            ConversationEvent::Done { command } => Applied::Done(command),
            ConversationEvent::Message { message } => {
                if self.insert(message.clone()) {
                    Applied::NewMessage(message)
                } else {
                    Applied::Nothing
                }
            }
            ConversationEvent::Ack { client_id, .. } => {
                self.acknowledge(&client_id);
                Applied::Nothing
            }
            // Too fast: the message stays in the outbox, to go again when the relay says.
            ConversationEvent::Error(error) if error.code == crate::ErrorCode::RateLimited => {
                Applied::Throttled {
                    retry_after_ms: error.retry_after_ms.unwrap_or(1000),
                }
            }
            ConversationEvent::Error(error) => {
                let returned = error.client_id.as_ref().and_then(|id| {
                    let at = self.pending.iter().position(|p| &p.client_id == id)?;
                    Some(self.pending.remove(at))
                });
                Applied::Refused { error, returned }
            }
        }
    }

    /// The relay stored `client_id`; the message itself arrives (or arrived) as an event.
    pub fn acknowledge(&mut self, client_id: &ClientMessageId) {
        self.pending.retain(|p| &p.client_id != client_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: u64, client: &str) -> ChatMessage {
        ChatMessage {
            seq,
            client_id: ClientMessageId::parse(client).unwrap(),
            author: Author::Visitor,
            text: format!("m{seq}"),
            sent_at: seq,
            event: None,
            attachment: None,
            note: false,
            edited_at: None,
            deleted: false,
            via: None,
        }
    }

    #[test]
    fn keeps_seq_order_and_drops_duplicates() {
        let mut t = Timeline::default();
        assert!(t.insert(msg(2, "b")));
        assert!(t.insert(msg(1, "a")));
        assert!(!t.insert(msg(2, "b")));
        assert!(t.insert(msg(3, "c")));
        let seqs: Vec<u64> = t.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert_eq!(t.last_seq(), 3);
    }

    fn id(s: &str) -> ClientMessageId {
        ClientMessageId::parse(s).unwrap()
    }

    #[test]
    fn restored_outbox_skips_what_is_known() {
        let mut t = Timeline::default();
        t.insert(msg(1, "stored"));
        t.compose(id("waiting"), "still here", None).unwrap();
        let saved = |c: &str| Pending {
            client_id: id(c),
            text: "x".into(),
            attachment: None,
        };
        t.restore(vec![
            saved("stored"),
            saved("waiting"),
            saved("lost-in-reload"),
        ]);
        let ids: Vec<&str> = t.pending().iter().map(|p| p.client_id.as_str()).collect();
        assert_eq!(ids, ["waiting", "lost-in-reload"]);
        let json = serde_json::to_string(t.pending()).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<Pending>>(&json).unwrap(),
            t.pending()
        );
    }

    #[test]
    fn compose_validates_and_queues() {
        let mut t = Timeline::default();
        assert!(t.compose(id("a"), "   ", None).is_err());
        assert!(t.pending().is_empty());
        let command = t.compose(id("a"), " hi ", None).unwrap();
        assert_eq!(
            command,
            ConversationCommand::Send {
                client_id: id("a"),
                text: "hi".into(),
                attachment: None
            }
        );
        assert_eq!(t.outbox(), vec![command]);
    }

    #[test]
    fn welcome_merges_history_and_asks_to_resend_the_outbox() {
        let mut t = Timeline::default();
        t.insert(msg(1, "a"));
        t.compose(id("mine"), "unsent", None).unwrap();
        let applied = t.apply(ConversationEvent::Welcome {
            conversation: crate::ConversationId::parse("c").unwrap(),
            messages: vec![msg(1, "a"), msg(2, "b")],
            operator: None,
            state: Default::default(),
            presence: Default::default(),
        });
        assert_eq!(t.messages().len(), 2);
        assert_eq!(
            applied,
            Applied::Welcome {
                resend: vec![ConversationCommand::Send {
                    client_id: id("mine"),
                    text: "unsent".into(),
                    attachment: None
                }],
                operator: None,
                state: Default::default(),
                presence: Default::default(),
            }
        );
    }

    #[test]
    fn catch_up_frames_fill_the_log_quietly_and_settle_the_outbox() {
        let mut t = Timeline::default();
        t.insert(msg(1, "a"));
        t.compose(id("c"), "sent before the drop", None).unwrap();
        let applied = t.apply(ConversationEvent::Messages {
            messages: vec![msg(3, "c"), msg(2, "b"), msg(1, "a")],
        });
        assert_eq!(applied, Applied::Nothing, "history is not news");
        let seqs: Vec<u64> = t.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert!(t.outbox().is_empty(), "the stored copy settles the outbox");
    }

    #[test]
    fn changes_replace_messages_in_place() {
        let mut t = Timeline::default();
        t.insert(msg(1, "a"));
        t.insert(msg(2, "b"));
        let mut edited = msg(1, "a");
        edited.text = "fixed".into();
        edited.edited_at = Some(9);
        t.apply(ConversationEvent::Changed { message: edited });
        assert_eq!(t.messages()[0].text, "fixed");
        let unknown = msg(7, "z");
        t.apply(ConversationEvent::Changed { message: unknown });
        assert_eq!(t.messages().len(), 2, "a change never adds a message");
    }

    #[test]
    fn only_new_messages_are_reported() {
        let mut t = Timeline::default();
        let event = || ConversationEvent::Message {
            message: msg(1, "a"),
        };
        assert_eq!(t.apply(event()), Applied::NewMessage(msg(1, "a")));
        assert_eq!(t.apply(event()), Applied::Nothing);
    }

    #[test]
    fn a_refused_message_leaves_the_outbox_and_is_returned() {
        let mut t = Timeline::default();
        t.compose(id("x"), "too long, say", None).unwrap();
        let mut error = ErrorBody::new(crate::ErrorCode::TooLarge, "too large");
        error.client_id = Some(id("x"));
        match t.apply(ConversationEvent::Error(error)) {
            Applied::Refused { returned, .. } => {
                assert_eq!(returned.unwrap().text, "too long, say")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(t.pending().is_empty());
    }

    #[test]
    fn rate_limited_messages_stay_in_the_outbox() {
        let mut t = Timeline::default();
        t.compose(id("fast"), "one more", None).unwrap();
        let applied = t.apply(ConversationEvent::Error(ErrorBody::rate_limited(
            Some(id("fast")),
            1500,
        )));
        assert_eq!(
            applied,
            Applied::Throttled {
                retry_after_ms: 1500
            }
        );
        assert_eq!(t.outbox().len(), 1, "kept, to be sent again");
    }

    #[test]
    fn outbox_settles_on_ack_or_on_the_stored_message() {
        let mut t = Timeline::default();
        t.queue(ClientMessageId::parse("a").unwrap(), "hello".into(), None);
        t.queue(ClientMessageId::parse("b").unwrap(), "again".into(), None);
        t.acknowledge(&ClientMessageId::parse("a").unwrap());
        assert_eq!(t.pending().len(), 1);
        t.insert(msg(5, "b"));
        assert!(t.pending().is_empty());
    }
}
