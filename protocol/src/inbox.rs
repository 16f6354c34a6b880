//! The operator's list of conversations, newest activity first. Pure logic for the console.

use crate::conversation::Status;
use crate::events::{ConversationSummary, InboxEvent};
use crate::ids::{ConversationId, OperatorId};
use crate::visitors::{LiveVisitor, LIVE_LIST_FRAME};
use std::collections::BTreeMap;

/// The console's three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxView {
    /// Open chats nobody took yet.
    Unassigned,
    /// Chats assigned to me or that I was invited to.
    Mine,
    /// Everything (admins and the owner).
    All,
}

impl InboxView {
    pub fn shows(self, conversation: &ConversationSummary, me: &OperatorId) -> bool {
        let state = &conversation.state;
        match self {
            InboxView::Unassigned => {
                state.assignee.is_none() && state.status == Status::Open && !state.spam
            }
            InboxView::Mine => state.involves(me),
            InboxView::All => true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    conversations: Vec<ConversationSummary>,
    /// How many messages of each conversation this operator has seen.
    seen: BTreeMap<ConversationId, u64>,
}

impl Inbox {
    /// The conversations `view` shows, newest activity first.
    pub fn in_view(&self, view: InboxView, me: &OperatorId) -> Vec<ConversationSummary> {
        self.conversations
            .iter()
            .filter(|c| view.shows(c, me))
            .cloned()
            .collect()
    }

    /// Messages of `id` this operator has not seen.
    pub fn unread(&self, id: &ConversationId) -> u64 {
        let Some(conversation) = self.get(id) else {
            return 0;
        };
        let seen = self.seen.get(id).copied().unwrap_or(0);
        conversation.message_count.saturating_sub(seen)
    }

    /// How many conversations of `view` have unread messages.
    pub fn unread_in(&self, view: InboxView, me: &OperatorId) -> usize {
        self.conversations
            .iter()
            .filter(|c| view.shows(c, me) && self.unread(&c.id) > 0)
            .count()
    }

    /// Everything in `id` is seen now (it is open on screen).
    pub fn mark_seen(&mut self, id: &ConversationId) {
        if let Some(count) = self.get(id).map(|c| c.message_count) {
            self.seen.insert(id.clone(), count);
        }
    }

    /// What was seen, to keep across reloads.
    pub fn seen(&self) -> &BTreeMap<ConversationId, u64> {
        &self.seen
    }

    /// Restores what was seen before a reload.
    pub fn restore_seen(&mut self, seen: BTreeMap<ConversationId, u64>) {
        self.seen = seen;
    }
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
                for c in conversations {
                    // A conversation this console never saw counts as read up to its last
                    // message, which is unread while it awaits a reply.
                    let waiting = c.awaits_reply() && c.state.status == Status::Open;
                    self.seen
                        .entry(c.id.clone())
                        .or_insert(c.message_count - u64::from(waiting).min(c.message_count));
                    self.upsert(c);
                }
            }
            InboxEvent::Updated { conversation } => self.upsert(*conversation),
            InboxEvent::Gone { id } => self.conversations.retain(|c| c.id != id),
            // The team and the live visitors are kept elsewhere (`visitors::LiveList`).
            InboxEvent::Team { .. }
            | InboxEvent::Visitors { .. }
            | InboxEvent::MoreVisitors { .. }
            | InboxEvent::VisitorUpdated { .. }
            | InboxEvent::VisitorLeft { .. }
            | InboxEvent::Error(_) => {}
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

/// The live list as sent on connect: one `visitors` frame (empty when nobody is on the site),
/// then `more_visitors` frames, each of at most `LIVE_LIST_FRAME` visitors.
pub fn live_list_frames(visitors: Vec<LiveVisitor>) -> Vec<crate::events::InboxEvent> {
    use crate::events::InboxEvent;
    let mut rest = visitors.into_iter().peekable();
    let first = rest.by_ref().take(LIVE_LIST_FRAME).collect();
    let mut frames = vec![InboxEvent::Visitors { visitors: first }];
    while rest.peek().is_some() {
        let visitors = rest.by_ref().take(LIVE_LIST_FRAME).collect();
        frames.push(InboxEvent::MoreVisitors { visitors });
    }
    frames
}

/// The console's live list: newest arrivals first; a visitor who moves keeps his place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveList(pub(crate) Vec<LiveVisitor>);

impl LiveList {
    pub fn apply(&mut self, event: crate::events::InboxEvent) {
        use crate::events::InboxEvent;
        match event {
            InboxEvent::Visitors { visitors } => self.0 = visitors,
            InboxEvent::MoreVisitors { visitors } => self.0.extend(visitors),
            InboxEvent::VisitorUpdated { visitor } => {
                match self.0.iter_mut().find(|v| v.id == visitor.id) {
                    Some(known) => *known = *visitor,
                    None => self.0.insert(0, *visitor),
                }
            }
            InboxEvent::VisitorLeft { id } => self.0.retain(|v| v.id != id),
            _ => {}
        }
    }

    pub fn visitors(&self) -> &[LiveVisitor] {
        &self.0
    }

    /// The visitors whose name, page (address or title), city, country or IP contains
    /// `query`, ignoring case; all of them for an empty query. In list order.
    pub fn search<'a>(&'a self, query: &str) -> impl Iterator<Item = &'a LiveVisitor> + 'a {
        let words = query.trim().to_lowercase();
        self.0
            .iter()
            .filter(move |v| words.is_empty() || v.mentions(&words))
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

    fn card(id: &str) -> crate::conversation::OperatorCard {
        crate::conversation::OperatorCard {
            id: OperatorId::parse(id).unwrap(),
            name: id.into(),
        }
    }

    #[test]
    fn views_split_unassigned_mine_and_all() {
        let anna = OperatorId::parse("anna").unwrap();
        let mut waiting = summary("waiting", 1);
        let mut mine = summary("mine", 2);
        mine.state.assignee = Some(card("anna"));
        let mut invited = summary("invited", 3);
        invited.state.assignee = Some(card("boris"));
        invited.state.invited = vec![card("anna")];
        let mut theirs = summary("theirs", 4);
        theirs.state.assignee = Some(card("boris"));
        let mut closed = summary("closed", 5);
        closed.state.status = Status::Closed;
        let mut inbox = Inbox::default();
        inbox.apply(InboxEvent::Snapshot {
            conversations: vec![waiting.clone(), mine, invited, theirs, closed],
        });
        let ids = |inbox: &Inbox, view| {
            inbox
                .in_view(view, &anna)
                .iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&inbox, InboxView::Unassigned), ["waiting"]);
        assert_eq!(ids(&inbox, InboxView::Mine), ["invited", "mine"]);
        assert_eq!(ids(&inbox, InboxView::All).len(), 5);

        waiting.state.spam = true;
        waiting.last_at = 9;
        inbox.apply(InboxEvent::Updated {
            conversation: Box::new(waiting),
        });
        assert!(ids(&inbox, InboxView::Unassigned).is_empty());
        inbox.apply(InboxEvent::Gone {
            id: ConversationId::parse("theirs").unwrap(),
        });
        assert_eq!(ids(&inbox, InboxView::All).len(), 4);
    }

    #[test]
    fn unread_counts_follow_what_was_seen() {
        let anna = OperatorId::parse("anna").unwrap();
        let a = ConversationId::parse("a").unwrap();
        let mut inbox = Inbox::default();
        let mut first = summary("a", 1);
        first.message_count = 4;
        inbox.apply(InboxEvent::Snapshot {
            conversations: vec![first.clone()],
        });
        // Waiting for a reply on load: its last message is unread.
        assert_eq!(inbox.unread(&a), 1);
        inbox.mark_seen(&a);
        assert_eq!(inbox.unread(&a), 0);
        first.message_count = 6;
        first.last_at = 2;
        inbox.apply(InboxEvent::Updated {
            conversation: Box::new(first),
        });
        assert_eq!(inbox.unread(&a), 2);
        assert_eq!(inbox.unread_in(InboxView::Unassigned, &anna), 1);
        assert_eq!(inbox.unread_in(InboxView::Mine, &anna), 0);

        // What was seen survives a reload (a new inbox and a new snapshot).
        let seen = inbox.seen().clone();
        let mut reloaded = Inbox::default();
        reloaded.restore_seen(seen);
        let mut again = summary("a", 2);
        again.message_count = 6;
        reloaded.apply(InboxEvent::Snapshot {
            conversations: vec![again],
        });
        assert_eq!(reloaded.unread(&a), 2);
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
