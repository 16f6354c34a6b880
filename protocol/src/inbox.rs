//! The operator's list of conversations, newest activity first. Pure logic for the console.

use crate::events::{ConversationSummary, InboxEvent};
use crate::ids::ConversationId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    conversations: Vec<ConversationSummary>,
}

impl Inbox {
    pub fn conversations(&self) -> &[ConversationSummary] {
        &self.conversations
    }

    pub fn get(&self, id: &ConversationId) -> Option<&ConversationSummary> {
        self.conversations.iter().find(|c| &c.id == id)
    }

    /// Applies an inbox event. An update older than what we have is ignored (events from two
    /// conversations may arrive out of order, but one conversation's never go back in time).
    pub fn apply(&mut self, event: InboxEvent) {
        match event {
            InboxEvent::Snapshot { conversations } => {
                self.conversations.clear();
                conversations.into_iter().for_each(|c| self.upsert(c));
            }
            InboxEvent::Updated { conversation } => self.upsert(*conversation),
            InboxEvent::Team { .. } | InboxEvent::Error(_) => {}
        }
    }

    fn upsert(&mut self, summary: ConversationSummary) {
        if let Some(at) = self.conversations.iter().position(|c| c.id == summary.id) {
            if self.conversations[at].last_at > summary.last_at {
                return;
            }
            self.conversations.remove(at);
        }
        let at = self
            .conversations
            .partition_point(|c| c.last_at >= summary.last_at);
        self.conversations.insert(at, summary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Author;
    use crate::ids::VisitorId;

    fn summary(id: &str, last_at: u64) -> ConversationSummary {
        ConversationSummary {
            id: ConversationId::parse(id).unwrap(),
            visitor: VisitorId::parse("v").unwrap(),
            started_at: 0,
            last_at,
            last_preview: format!("{id}@{last_at}"),
            last_author: Author::Visitor,
            message_count: 1,
            state: Default::default(),
        }
    }

    fn order(inbox: &Inbox) -> Vec<String> {
        inbox
            .conversations()
            .iter()
            .map(|c| c.last_preview.clone())
            .collect()
    }

    #[test]
    fn newest_first_and_updates_move_to_top() {
        let mut inbox = Inbox::default();
        inbox.apply(InboxEvent::Snapshot {
            conversations: vec![summary("a", 1), summary("b", 3), summary("c", 2)],
        });
        assert_eq!(order(&inbox), ["b@3", "c@2", "a@1"]);
        inbox.apply(InboxEvent::Updated {
            conversation: Box::new(summary("a", 4)),
        });
        assert_eq!(order(&inbox), ["a@4", "b@3", "c@2"]);
    }

    #[test]
    fn stale_updates_are_ignored() {
        let mut inbox = Inbox::default();
        inbox.apply(InboxEvent::Updated {
            conversation: Box::new(summary("a", 5)),
        });
        inbox.apply(InboxEvent::Updated {
            conversation: Box::new(summary("a", 4)),
        });
        assert_eq!(order(&inbox), ["a@5"]);
    }
}
