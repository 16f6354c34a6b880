//! What a client shows of a conversation: stored messages in `seq` order, plus its own messages
//! not yet acknowledged (the outbox). Pure logic shared by the widget and the console.

use crate::events::ChatMessage;
use crate::ids::ClientMessageId;

/// A message this client sent that the relay has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub client_id: ClientMessageId,
    pub text: String,
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

    pub fn queue(&mut self, client_id: ClientMessageId, text: String) {
        self.pending.push(Pending { client_id, text });
    }

    /// The relay stored `client_id`; the message itself arrives (or arrived) as an event.
    pub fn acknowledge(&mut self, client_id: &ClientMessageId) {
        self.pending.retain(|p| &p.client_id != client_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Author;

    fn msg(seq: u64, client: &str) -> ChatMessage {
        ChatMessage {
            seq,
            client_id: ClientMessageId::parse(client).unwrap(),
            author: Author::Visitor,
            text: format!("m{seq}"),
            sent_at: seq,
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

    #[test]
    fn outbox_settles_on_ack_or_on_the_stored_message() {
        let mut t = Timeline::default();
        t.queue(ClientMessageId::parse("a").unwrap(), "hello".into());
        t.queue(ClientMessageId::parse("b").unwrap(), "again".into());
        t.acknowledge(&ClientMessageId::parse("a").unwrap());
        assert_eq!(t.pending().len(), 1);
        t.insert(msg(5, "b"));
        assert!(t.pending().is_empty());
    }
}
