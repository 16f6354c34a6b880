//! The conversation open in the console: its messages and state over the shared conversation
//! client (`browser::conversation`), and what the operator does in it.

use super::Session;
use crate::auth;
use browser::conversation::{ConversationClient, ConversationSocket, TypingIndicator};
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::{
    Applied, Author, ClientMessageId, ConversationCommand, ConversationId, ConversationState,
    ConversationSummary, OperatorId, Timeline, TransferTarget,
};

thread_local! {
    /// The open conversation's socket, behind the sync gate (`browser::conversation`).
    static SOCKET: ConversationSocket = const { ConversationSocket::new() };
    /// Whether the visitor's "typing" is still the news.
    static VISITOR_TYPING: TypingIndicator = TypingIndicator::default();
}

#[derive(Clone, Copy)]
pub struct OpenChat {
    session: Session,
    pub selected: RwSignal<Option<ConversationId>>,
    pub client: ConversationClient,
    /// The open conversation's socket is up.
    pub connected: RwSignal<bool>,
    /// Its state (contact data, status, callback…).
    pub state: RwSignal<ConversationState>,
    /// Its visitor is typing.
    pub visitor_typing: RwSignal<bool>,
    /// A problem to show the operator (a refused message, a moved chat), in his language.
    pub notice: RwSignal<Option<String>>,
    /// The conversation opened from history (it may not be in the inbox).
    pub from_history: RwSignal<Option<ConversationSummary>>,
    /// The visitor card is shown: beside the chat on a wide screen, instead of it on a phone.
    pub card_open: RwSignal<bool>,
}

/// Wide enough for the inbox, the chat and the card side by side.
fn wide_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(min-width: 1280px)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// A note or transfer message as the relay takes it: none when only blanks were typed.
fn optional(note: String) -> Option<String> {
    Some(note).filter(|n| !n.trim().is_empty())
}

impl OpenChat {
    pub fn new(session: Session) -> Self {
        Self {
            session,
            selected: RwSignal::new(None),
            client: ConversationClient::new(&SOCKET),
            connected: RwSignal::new(false),
            state: RwSignal::new(ConversationState::default()),
            visitor_typing: RwSignal::new(false),
            notice: RwSignal::new(None),
            from_history: RwSignal::new(None),
            card_open: RwSignal::new(wide_screen()),
        }
    }

    pub fn timeline(&self) -> RwSignal<Timeline> {
        self.client.timeline
    }

    /// Closes the open conversation (it was transferred away, or the operator left it).
    pub fn deselect(&self) {
        self.client.socket(|s| s.replace(None));
        self.selected.set(None);
        self.client.timeline.set(Timeline::default());
    }

    /// Opens a conversation: a socket to it replaces the previous one.
    pub fn select(&self, conversation: ConversationId) {
        if self.selected.get_untracked().as_ref() == Some(&conversation) {
            return;
        }
        self.client.socket(|s| s.replace(None));
        let Some(site) = self.session.site() else {
            return;
        };
        self.selected.set(Some(conversation.clone()));
        self.client.timeline.set(Timeline::default());
        self.state.set(ConversationState::default());
        self.visitor_typing.set(false);
        self.notice.set(None);
        let chat = *self;
        let base = format!(
            "{}/api/v1/sites/{site}/conversations/{conversation}/operator-socket?",
            auth::socket_origin()
        );
        let connection = Connection::open_later(
            move || {
                let after = chat.client.timeline.with_untracked(Timeline::last_seq);
                let url = format!("{base}after={after}&");
                chat.session.ticketed(url, Some(conversation.clone()))
            },
            move |frame| chat.on_frame(&frame),
            move |status| {
                chat.client.socket(|s| s.unsynced());
                chat.connected.set(status == Status::Open)
            },
        );
        self.client.socket(|s| s.replace(Some(connection)));
    }

    fn on_frame(&self, frame: &str) {
        match self.client.receive(frame).unwrap_or(Applied::Nothing) {
            Applied::Welcome { resend, state, .. } => {
                self.state.set(state);
                self.client.socket(|s| s.welcomed(&resend));
            }
            Applied::State(state) => self.state.set(state),
            Applied::Typing { author, typing } => {
                if author == Author::Visitor {
                    self.show_visitor_typing(typing);
                }
            }
            Applied::NewMessage(message) => {
                if message.author == Author::Visitor {
                    self.visitor_typing.set(false);
                }
            }
            // Operators are not rate limited; should it happen, the outbox resends on reconnect.
            Applied::Throttled { .. } => self.refused(None),
            Applied::Refused { error, .. } => self.refused(Some(&error.message)),
            Applied::Done(_) | Applied::Nothing => {}
        }
    }

    /// Tells the operator a message did not go, and why when the relay said.
    fn refused(&self, reason: Option<&str>) {
        let not_sent = self.session.texts().not_sent;
        self.notice.set(Some(match reason {
            Some(reason) => format!("{not_sent}: {reason}"),
            None => not_sent.to_owned(),
        }));
    }

    fn show_visitor_typing(&self, typing: bool) {
        self.visitor_typing.set(typing);
        // Forget the indicator if the "stopped" frame never comes.
        let chat = *self;
        VISITOR_TYPING.with(|t| t.changed(typing, move || chat.visitor_typing.set(false)));
    }

    /// Tells the visitor the operator is typing, at most every few seconds.
    pub fn typing(&self) {
        self.client.typing();
    }

    /// The address of the open conversation's files (`/files/{id}` for one), on this origin.
    fn files_url(&self) -> String {
        format!(
            "/api/v1/sites/{}/conversations/{}/files",
            self.session
                .site()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            self.selected
                .get_untracked()
                .map(|c| c.to_string())
                .unwrap_or_default(),
        )
    }

    /// Where a file of the open conversation is; fetched with the session token in the
    /// `Authorization` header (`browser::http::fetch_blob_url`), never with it in the URL.
    pub fn file_url(&self, file: &protocol::Attachment) -> String {
        format!("{}/{}", self.files_url(), file.id)
    }

    /// Uploads a file to the open conversation and sends it.
    pub fn send_file(&self, file: web_sys::File) {
        if self.selected.get_untracked().is_none() {
            return;
        }
        let chat = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let url = chat.files_url();
            let token = chat.session.token();
            if let Err(message) = chat.client.send_file(&url, &token, &file).await {
                chat.refused(Some(&message));
            }
        });
    }

    /// Queues the operator's reply and sends it if the socket is up.
    pub fn reply(&self, typed: &str) -> bool {
        match self.client.send(typed, None) {
            Ok(()) => {
                self.notice.set(None);
                true
            }
            Err(message) => {
                self.notice.set(Some(message).filter(|m| !m.is_empty()));
                false
            }
        }
    }

    /// A private note to colleagues. Not kept in the outbox: a note must never be resent as a
    /// message, so it is sent only while connected.
    pub fn note(&self, typed: &str) -> bool {
        let text = match protocol::decode::message_text(typed) {
            Ok(text) => text,
            Err(e) => {
                self.notice.set(Some(e.message));
                return false;
            }
        };
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return false;
        };
        if !self.transmit(&ConversationCommand::Note { client_id, text }) {
            let reconnecting = self.session.texts().reconnecting;
            self.notice.set(Some(reconnecting.to_owned()));
            return false;
        }
        self.notice.set(None);
        true
    }

    pub fn edit(&self, seq: u64, typed: &str) -> bool {
        match protocol::decode::message_text(typed) {
            Ok(text) => self.transmit(&ConversationCommand::Edit { seq, text }),
            Err(e) => {
                self.notice.set(Some(e.message));
                false
            }
        }
    }

    /// The oldest message of the open conversation this console holds.
    pub fn earliest_seq(&self) -> Option<u64> {
        self.client.earliest_seq()
    }

    /// Asks for the messages before the oldest one held.
    pub fn load_earlier(&self) {
        if let Some(before) = self.earliest_seq() {
            self.transmit(&ConversationCommand::Earlier { before });
        }
    }

    pub fn delete(&self, seq: u64) {
        self.transmit(&ConversationCommand::Delete { seq });
    }

    /// Closes the open conversation (the visitor is then asked to rate it).
    pub fn close_conversation(&self) {
        self.transmit(&ConversationCommand::Close);
    }

    /// Ends the chat as spam: the visitor is told the operator ended it and can no longer
    /// write or rate.
    pub fn mark_spam(&self) {
        self.transmit(&ConversationCommand::Spam);
    }

    /// Bans the visitor and his IP address (admins lift bans).
    pub fn ban(&self) {
        self.transmit(&ConversationCommand::Ban);
    }

    /// Takes an unassigned chat (admins: gives it to `operator`).
    pub fn assign(&self, operator: OperatorId) {
        self.transmit(&ConversationCommand::Assign { operator });
    }

    /// Hands the open chat to a colleague or a department, with a note for them.
    pub fn transfer(&self, to: TransferTarget, note: String) {
        let note = optional(note);
        self.transmit(&ConversationCommand::Transfer { to, note });
    }

    /// Brings a colleague into the open chat.
    pub fn invite(&self, operator: OperatorId, note: String) {
        let note = optional(note);
        self.transmit(&ConversationCommand::Invite { operator, note });
    }

    /// Puts a tag on the open chat when the site's tags allow it; `false` and a notice (in
    /// the operator's language) when they do not.
    pub fn tag(&self, typed: &str, allowed: &protocol::tags::TagSettings) -> bool {
        let texts = self.session.tag_texts();
        let current = self.state.with_untracked(|s| s.tags.clone());
        let refusal = match allowed.add(&current, typed) {
            Ok(_) => None,
            Err(_) if protocol::tags::tag("tag", typed).is_err() => Some(texts.bad_tag),
            Err(_) if current.len() >= protocol::tags::MAX_CONVERSATION_TAGS => {
                Some(texts.too_many)
            }
            Err(_) => Some(texts.not_listed),
        };
        if let Some(why) = refusal {
            self.notice.set(Some(why.to_owned()));
            return false;
        }
        self.notice.set(None);
        self.transmit(&ConversationCommand::Tag {
            tag: typed.to_owned(),
        })
    }

    pub fn untag(&self, tag: String) {
        self.transmit(&ConversationCommand::Untag { tag });
    }

    /// Hands a command to the socket once its welcome is handled (so nothing overtakes an
    /// unsent message); `false`: it did not go.
    fn transmit(&self, command: &ConversationCommand) -> bool {
        self.client.transmit(command)
    }
}
