//! The site's inbox as one live socket: the conversations, the visitors on the site, the
//! colleagues signed in, and this operator's own status.

use super::{OpenChat, Session, Site};
use crate::auth;
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::inbox::LiveList;
use protocol::{Availability, ConversationId, CustomStatus, Inbox, InboxEvent, InboxView};
use std::cell::RefCell;

thread_local! {
    /// The inbox socket (a plain slot: see `browser::conversation::ConversationClient`).
    static SOCKET: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// How many messages of each conversation this browser has shown.
const SEEN_KEY: &str = "consultant:console:seen";

#[derive(Clone, Copy)]
pub struct InboxState {
    session: Session,
    site: Site,
    chat: OpenChat,
    pub list: RwSignal<Inbox>,
    /// The inbox socket is up.
    pub connected: RwSignal<bool>,
    /// Which list the inbox shows: unassigned, mine, all.
    pub view: RwSignal<InboxView>,
    /// Visitors on the site now.
    pub visitors: RwSignal<LiveList>,
    /// The time, ticking every 10 s (time on site in the live list).
    pub now: RwSignal<u64>,
    /// This operator's own status: online takes chats, away does not.
    pub availability: RwSignal<Availability>,
    /// The custom status he chose, if any.
    pub custom: RwSignal<Option<CustomStatus>>,
}

/// What a desktop notification says of an inbox update, if anything: a visitor wrote in a
/// conversation new to this console (`new_chat`), or wrote again (`new_message`).
pub fn news_of(before: Option<u64>, update: &protocol::ConversationSummary) -> Option<News> {
    let fresh = before.is_none_or(|n| n < update.message_count);
    (fresh && update.last_author == protocol::Author::Visitor).then_some(if before.is_none() {
        News::NewChat
    } else {
        News::NewMessage
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    NewChat,
    NewMessage,
}

impl InboxState {
    pub fn new(session: Session, site: Site, chat: OpenChat) -> Self {
        let now = RwSignal::new(js_sys::Date::now() as u64);
        browser::every(10_000, move || now.set(js_sys::Date::now() as u64));
        Self {
            session,
            site,
            chat,
            list: RwSignal::new(Inbox::default()),
            connected: RwSignal::new(false),
            view: RwSignal::new(InboxView::Mine),
            visitors: RwSignal::new(LiveList::default()),
            now,
            availability: RwSignal::new(Availability::Online),
            custom: RwSignal::new(None),
        }
    }

    /// Opens the inbox socket of the current site.
    pub(super) fn connect(&self) {
        let Some(site) = self.session.site() else {
            return;
        };
        if let Some(seen) =
            browser::storage::get(SEEN_KEY).and_then(|s| serde_json::from_str(&s).ok())
        {
            self.list.update(|i| i.restore_seen(seen));
        }
        let inbox = *self;
        let url = format!(
            "{}/api/v1/sites/{site}/inbox-socket?",
            auth::socket_origin()
        );
        let connection = Connection::open_later(
            move || inbox.session.ticketed(url.clone(), None),
            move |frame| {
                if let Ok(event) = serde_json::from_str::<InboxEvent>(&frame) {
                    inbox.on_event(event);
                }
            },
            move |status| inbox.on_status(status),
        );
        SOCKET.with(|s| *s.borrow_mut() = Some(connection));
    }

    /// Closes the socket and forgets the site's lists.
    pub(super) fn disconnect(&self) {
        if let Some(connection) = SOCKET.with(|s| s.borrow_mut().take()) {
            connection.close();
        }
        self.list.set(Inbox::default());
        self.visitors.set(LiveList::default());
    }

    fn on_event(&self, event: InboxEvent) {
        match event {
            InboxEvent::Team { colleagues } => self.site.online.set(colleagues),
            InboxEvent::Updated { conversation } => {
                let before = self
                    .list
                    .with_untracked(|i| i.get(&conversation.id).map(|c| c.message_count));
                if let Some(news) = news_of(before, &conversation) {
                    let t = self.session.texts();
                    let title = match news {
                        News::NewChat => t.new_chat,
                        News::NewMessage => t.new_message,
                    };
                    crate::notify::new_message(title, &conversation.last_preview);
                }
                let id = conversation.id.clone();
                self.list
                    .update(|inbox| inbox.apply(InboxEvent::Updated { conversation }));
                if self.chat.selected.get_untracked().as_ref() == Some(&id) {
                    self.mark_seen(&id);
                }
            }
            InboxEvent::Gone { id } => {
                if self.chat.selected.get_untracked().as_ref() == Some(&id) {
                    self.chat.deselect();
                    let moved = self.session.texts().chat_moved;
                    self.chat.notice.set(Some(moved.to_owned()));
                }
                self.list
                    .update(|inbox| inbox.apply(InboxEvent::Gone { id }));
            }
            event @ (InboxEvent::Visitors { .. }
            | InboxEvent::MoreVisitors { .. }
            | InboxEvent::VisitorUpdated { .. }
            | InboxEvent::VisitorLeft { .. }) => self.visitors.update(|live| live.apply(event)),
            event => self.list.update(|inbox| inbox.apply(event)),
        }
    }

    fn on_status(&self, status: Status) {
        self.connected.set(status == Status::Open);
        // The relay closed the inbox for good (1008): the session ended (signed out
        // elsewhere, a new password, removed). A deliberate close empties the slot first.
        if status == Status::Closed && SOCKET.with(|s| s.borrow().is_some()) {
            // After this callback: the connection is still handling its close.
            let session = self.session;
            browser::later(0, move || session.signed_out());
            return;
        }
        // A new socket starts online: restate "away" after a reconnect.
        if status == Status::Open && self.availability.get_untracked() != Availability::Online {
            self.send_availability();
        }
    }

    /// Online, away or offline; or one of his custom statuses (with its own availability).
    pub fn set_status(&self, availability: Availability, custom: Option<CustomStatus>) {
        let availability = custom.as_ref().map_or(availability, |c| c.availability);
        self.availability.set(availability);
        self.custom.set(custom);
        self.send_availability();
    }

    fn send_availability(&self) {
        let command = protocol::InboxCommand::Status {
            availability: self.availability.get_untracked(),
            custom: self.custom.get_untracked(),
        };
        let frame = serde_json::to_string(&command).unwrap_or_default();
        SOCKET.with(|s| {
            if let Some(connection) = s.borrow().as_ref() {
                connection.send(&frame);
            }
        });
    }

    /// Everything in this conversation has been seen; remembered across reloads.
    pub fn mark_seen(&self, id: &ConversationId) {
        self.list.update(|i| i.mark_seen(id));
        let seen = self
            .list
            .with_untracked(|i| serde_json::to_string(i.seen()).unwrap_or_default());
        browser::storage::set(SEEN_KEY, &seen);
    }
}

#[cfg(test)]
mod tests {
    use super::{news_of, News};
    use protocol::{Author, ConversationSummary};

    fn update(message_count: u64, last_author: Author) -> ConversationSummary {
        ConversationSummary {
            id: protocol::ConversationId::parse("c1").unwrap(),
            visitor: protocol::VisitorId::parse("v1").unwrap(),
            started_at: 0,
            last_at: 0,
            last_preview: String::new(),
            last_author,
            message_count,
            state: Default::default(),
        }
    }

    #[test]
    fn only_a_visitors_new_words_are_news() {
        assert_eq!(
            news_of(None, &update(1, Author::Visitor)),
            Some(News::NewChat)
        );
        assert_eq!(
            news_of(Some(1), &update(2, Author::Visitor)),
            Some(News::NewMessage)
        );
        assert_eq!(
            news_of(Some(2), &update(2, Author::Visitor)),
            None,
            "nothing new: a state change"
        );
        let operator = Author::Operator {
            id: protocol::OperatorId::parse("o1").unwrap(),
            name: "Alla".into(),
        };
        assert_eq!(
            news_of(Some(2), &update(3, operator)),
            None,
            "his own colleague wrote"
        );
        assert_eq!(news_of(None, &update(1, Author::System)), None);
    }
}
