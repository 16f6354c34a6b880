//! The widget's state and its conversation with the relay. Reactive signals for the view; the
//! rules (ordering, dedupe, outbox, triggers, validation) live in `protocol`.

use crate::{emit, i18n, launcher, session};
use browser::conversation::{ConversationSocket, TypingIndicator};
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::settings::ContactFormMode;
use protocol::{
    Applied, Author, ClientMessageId, ContactInfo, ConversationCommand, ConversationEvent,
    ConversationState, CustomDataItem, Locale, OperatorCard, Presence, SiteId,
    Status as ChatStatus, Timeline, VisitorSession, WidgetConfig,
};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    /// The chat's socket, behind the sync gate (`browser::conversation`).
    static SOCKET: ConversationSocket = const { ConversationSocket::new() };
    /// Whether the operator's "typing" is still the news.
    static OPERATOR_TYPING: TypingIndicator = TypingIndicator::default();
    /// Commands waiting for the socket (contact data set before the chat started, …).
    static CONTROL_QUEUE: RefCell<Vec<ConversationCommand>> = const { RefCell::new(Vec::new()) };
    /// A resend after `rate_limited` is waiting.
    static RETRY_SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Hands a command to the socket if it is open and synced; otherwise messages wait in the
/// outbox and other commands in the control queue, both sent again on the next welcome.
fn transmit(command: &ConversationCommand) -> bool {
    SOCKET.with(|s| s.transmit(command))
}

/// Commands that tell the relay about the visitor (not about the chat's course): they must
/// reach it before his messages do.
fn describes_the_visitor(command: &ConversationCommand) -> bool {
    matches!(
        command,
        ConversationCommand::Department { .. }
            | ConversationCommand::Contact { .. }
            | ConversationCommand::CustomData { .. }
            | ConversationCommand::Source { .. }
    )
}

/// Where the widget is with the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayState {
    /// Nothing started yet (a first-time visitor who has not opened the window).
    Idle,
    Starting,
    Connecting,
    Open,
    Reconnecting,
    Failed,
}

/// A small form opened from the window's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    None,
    Transcript,
    Callback,
}

/// Something shown in the message list that is not a stored message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Note {
    Invitation {
        operator_name: String,
        avatar_url: Option<String>,
        text: String,
    },
    /// The trigger's "operator will answer shortly" text (or the default).
    SlowReply(String),
    /// A confirmation such as "transcript sent", in the visitor's language.
    Confirmation(&'static str),
}

#[derive(Clone, Copy)]
pub struct Chat {
    site: StoredValue<SiteId>,
    relay: StoredValue<String>,
    pub open: RwSignal<bool>,
    /// Hidden by `Consultant.hide()`.
    pub hidden_by_api: RwSignal<bool>,
    /// Hidden by a trigger rule on this page.
    pub hidden_by_rule: RwSignal<bool>,
    pub locale: RwSignal<Locale>,
    pub config: RwSignal<Option<WidgetConfig>>,
    pub presence: RwSignal<Presence>,
    pub timeline: RwSignal<Timeline>,
    pub state: RwSignal<ConversationState>,
    pub operator: RwSignal<Option<OperatorCard>>,
    pub operator_typing: RwSignal<Option<String>>,
    pub relay_state: RwSignal<RelayState>,
    /// A problem to show the visitor (e.g. a refused message), in his language.
    pub notice: RwSignal<Option<String>>,
    pub draft: RwSignal<String>,
    pub unread: RwSignal<u32>,
    pub notes: RwSignal<Vec<Note>>,
    pub panel: RwSignal<Panel>,
    /// The visitor dismissed the "during" contact form, or a trigger asked to show it.
    pub contact_dismissed: RwSignal<bool>,
    pub contact_requested: RwSignal<bool>,
    pub offline_sent: RwSignal<bool>,
    /// The visitor's token and conversation, once the session started.
    session: StoredValue<Option<(String, protocol::ConversationId)>>,
    pub uploading: RwSignal<bool>,
}

impl Chat {
    pub fn new(site: SiteId, relay: String, locale: Locale) -> Self {
        Self {
            site: StoredValue::new(site),
            relay: StoredValue::new(relay),
            open: RwSignal::new(false),
            hidden_by_api: RwSignal::new(false),
            hidden_by_rule: RwSignal::new(false),
            locale: RwSignal::new(locale),
            config: RwSignal::new(None),
            presence: RwSignal::new(Presence::default()),
            timeline: RwSignal::new(Timeline::default()),
            state: RwSignal::new(ConversationState::default()),
            operator: RwSignal::new(None),
            operator_typing: RwSignal::new(None),
            relay_state: RwSignal::new(RelayState::Idle),
            notice: RwSignal::new(None),
            draft: RwSignal::new(String::new()),
            unread: RwSignal::new(0),
            notes: RwSignal::new(Vec::new()),
            panel: RwSignal::new(Panel::None),
            contact_dismissed: RwSignal::new(false),
            contact_requested: RwSignal::new(false),
            offline_sent: RwSignal::new(false),
            session: StoredValue::new(None),
            uploading: RwSignal::new(false),
        }
    }

    /// The relay's limit on a message's length (its `MAX_MESSAGE_CHARS`).
    pub fn max_message_chars(&self) -> usize {
        self.config.with(|c| {
            c.as_ref()
                .map_or(protocol::limits::MAX_MESSAGE_CHARS, |c| c.max_message_chars)
        })
    }

    pub fn texts(&self) -> &'static i18n::Texts {
        i18n::texts(self.locale.get())
    }

    /// The site's own wording of a text, when it set one.
    pub fn site_text(
        &self,
        pick: impl Fn(&protocol::settings::WidgetTexts) -> &Option<String>,
    ) -> Option<String> {
        self.config
            .with(|c| c.as_ref().and_then(|c| pick(&c.texts).clone()))
    }

    pub fn site(&self) -> SiteId {
        self.site.get_value()
    }

    pub fn relay(&self) -> String {
        self.relay.get_value()
    }

    pub fn is_open(&self) -> bool {
        self.open.get_untracked()
    }

    /// Opens or closes the window. `by_visitor` marks a close the visitor did himself: no
    /// trigger reopens the window in this visit.
    pub fn set_open(&self, open: bool, by_visitor: bool) {
        if self.open.get_untracked() == open {
            return;
        }
        self.open.set(open);
        emit(if open { "open" } else { "close" }, JsValue::UNDEFINED);
        if open {
            self.unread.set(0);
            self.ensure_connected();
        } else if by_visitor {
            crate::visit::closed_by_visitor();
        }
    }

    pub fn is_hidden(&self) -> bool {
        let offline_hidden = self
            .config
            .with(|c| c.as_ref().is_some_and(|c| c.hide_launcher_when_offline))
            && !self.presence.with(|p| p.operators_online)
            && self.timeline.with(|t| t.messages().is_empty());
        self.hidden_by_api.get() || self.hidden_by_rule.get() || offline_hidden
    }

    /// The start-up config (theme, triggers, presence) without creating a visitor.
    pub fn load_config(&self) {
        let chat = *self;
        wasm_bindgen_futures::spawn_local(async move {
            match session::config(&chat.relay(), &chat.site()).await {
                Ok(config) => chat.apply_config(config),
                // The site does not allow its chat on this page: show nothing at all.
                Err(e) if e.starts_with("relay answered 403") => {
                    web_sys::console::warn_1(&format!("chat: {e}").into());
                    chat.hidden_by_rule.set(true);
                    launcher::set_hidden(true);
                }
                Err(e) => web_sys::console::warn_1(&format!("chat: {e}").into()),
            }
        });
    }

    fn apply_config(&self, config: WidgetConfig) {
        if let Some(locale) = config.locale {
            self.locale.set(locale);
        }
        self.presence.set(config.presence.clone());
        launcher::apply_theme(&config.theme, self.texts());
        let first = self.config.with_untracked(Option::is_none);
        self.config.set(Some(config));
        if first {
            crate::visit::start(*self);
            crate::presence::connect(*self);
        }
    }

    /// A returning visitor reconnects at once, so operator replies reach him with the window
    /// closed; a first-time visitor costs the relay nothing until he opens the chat. Messages
    /// left unsent by the last page come back into the outbox and go out on connect.
    pub fn resume_if_returning(&self) {
        let site = self.site();
        let unsent = session::stored_outbox(&site);
        let has_unsent = !unsent.is_empty();
        self.timeline.update(|t| t.restore(unsent));
        let chat = *self;
        Effect::new(move |_| {
            chat.timeline
                .with(|t| session::save_outbox(&site, t.pending()));
        });
        if has_unsent || session::has_stored_token(&self.site()) {
            self.ensure_connected();
        }
    }

    /// The visitor's identity changed after the chat connected: start the session again (his
    /// verified conversation may be another one).
    pub fn restart_if_connected(&self) {
        if matches!(
            self.relay_state.get_untracked(),
            RelayState::Idle | RelayState::Starting
        ) {
            return;
        }
        SOCKET.with(|s| s.replace(None));
        // Unsent messages go with the visitor into his (possibly other) conversation.
        let unsent = self.timeline.with_untracked(|t| t.pending().to_vec());
        self.timeline.set(Timeline::default());
        self.timeline.update(|t| t.restore(unsent));
        self.relay_state.set(RelayState::Idle);
        self.ensure_connected();
    }

    /// `Consultant.reset()`: closes the chat, forgets the visitor's session, contact, unsent
    /// messages and identity, and leaves the widget as a new visitor finds it.
    pub fn reset(&self) {
        SOCKET.with(|s| s.replace(None));
        self.set_open(false, false);
        self.session.set_value(None);
        self.timeline.set(Timeline::default());
        self.state.set(ConversationState::default());
        self.operator.set(None);
        self.operator_typing.set(None);
        self.unread.set(0);
        self.notes.set(Vec::new());
        self.panel.set(Panel::None);
        self.notice.set(None);
        self.draft.set(String::new());
        self.contact_dismissed.set(false);
        self.contact_requested.set(false);
        self.offline_sent.set(false);
        self.relay_state.set(RelayState::Idle);
        session::clear_identity();
        session::forget_all(&self.site());
        // The page stays in the live list, no longer linked to the forgotten chat.
        crate::presence::refresh(*self);
    }

    /// An operator wrote first: connect, open the window, and chime.
    pub fn operator_started(&self) {
        self.ensure_connected();
        if !self.is_open() {
            browser::sound::chime();
        }
        self.set_open(true, false);
    }

    pub fn ensure_connected(&self) {
        if !matches!(
            self.relay_state.get_untracked(),
            RelayState::Idle | RelayState::Failed
        ) {
            return;
        }
        self.relay_state.set(RelayState::Starting);
        let chat = *self;
        wasm_bindgen_futures::spawn_local(async move {
            match session::start(&chat.relay(), &chat.site()).await {
                Ok(session) => chat.connect(session),
                Err(e) => {
                    web_sys::console::warn_1(&format!("chat: {e}").into());
                    chat.relay_state.set(RelayState::Failed);
                }
            }
        });
    }

    fn connect(&self, session: VisitorSession) {
        self.apply_config(session.config.clone());
        self.session
            .set_value(Some((session.token.clone(), session.conversation.clone())));
        crate::presence::refresh(*self);
        let ws_base = self.relay().replacen("http", "ws", 1);
        let chat = *self;
        let url = move || {
            format!(
                "{ws_base}/api/v1/sites/{}/conversations/{}/visitor-socket?token={}&after={}",
                session.config.site,
                session.conversation,
                session.token,
                chat.timeline.with_untracked(Timeline::last_seq)
            )
        };
        let connection = Connection::open(
            url,
            move |frame| chat.on_frame(&frame),
            move |status| {
                SOCKET.with(ConversationSocket::unsynced);
                chat.relay_state.set(match status {
                    Status::Connecting => RelayState::Connecting,
                    Status::Open => RelayState::Open,
                    Status::Waiting => RelayState::Reconnecting,
                    Status::Closed => RelayState::Failed,
                })
            },
        );
        SOCKET.with(|s| s.replace(Some(connection)));
    }

    fn on_frame(&self, frame: &str) {
        let Ok(event) = crate::json::decode::<ConversationEvent>(frame) else {
            web_sys::console::warn_1(&"chat: unreadable frame from relay".into());
            return;
        };
        let applied = self
            .timeline
            .try_update(|t| t.apply(event))
            .unwrap_or(Applied::Nothing);
        match applied {
            Applied::Nothing => {}
            Applied::Welcome {
                resend,
                operator,
                state,
                presence,
            } => {
                if operator.is_some() {
                    self.operator.set(operator);
                }
                self.state.set(state);
                self.presence.set(presence);
                // The gate opens; the outbox goes after what describes the visitor (below).
                SOCKET.with(|s| s.welcomed(&[]));
                // What the visitor told before the socket was up (his department, contact
                // data) goes before his messages: the relay checks a message against it (a
                // site that asks for a department refuses a message without one). Other
                // commands (ending the chat, a rating) go after them, in the order given.
                if let Some(contact) = session::stored_profile(&self.site()) {
                    transmit(&ConversationCommand::Contact { contact });
                }
                let queued = CONTROL_QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
                let (setup, later): (Vec<_>, Vec<_>) =
                    queued.into_iter().partition(describes_the_visitor);
                for command in setup {
                    self.command(command);
                }
                resend.iter().for_each(|c| {
                    transmit(c);
                });
                // A conversation already under way (an operator started it, or an earlier
                // visit) records this visit's source now; a new one with its first message.
                if self.timeline.with_untracked(|t| !t.messages().is_empty()) {
                    self.record_source();
                }
                for command in later {
                    self.command(command);
                }
            }
            Applied::State(state) => self.state.set(state),
            Applied::Typing { author, typing } => {
                if let Author::Operator { name, .. } = author {
                    self.show_operator_typing(typing.then_some(name));
                }
            }
            Applied::Done(command) => self.on_done(&command),
            Applied::NewMessage(message) => {
                if let Author::Operator { id, name } = &message.author {
                    self.operator_typing.set(None);
                    self.operator.set(Some(OperatorCard {
                        id: id.clone(),
                        name: name.clone(),
                    }));
                    let detail = serde_json::to_string(&message).unwrap_or_default();
                    emit(
                        "message:received",
                        js_sys::JSON::parse(&detail).unwrap_or_default(),
                    );
                    if !self.open.get_untracked() {
                        self.unread.update(|n| *n += 1);
                        browser::sound::chime();
                    }
                }
            }
            Applied::Throttled { retry_after_ms } => {
                self.notice.set(Some(self.texts().too_fast.to_owned()));
                // One retry at a time: the relay dedupes by id, but there is no need to flood.
                if !RETRY_SCHEDULED.with(|r| r.replace(true)) {
                    let chat = *self;
                    browser::later(retry_after_ms.min(60_000) as u32, move || {
                        RETRY_SCHEDULED.with(|r| r.set(false));
                        chat.notice.set(None);
                        chat.timeline
                            .with_untracked(|t| t.outbox())
                            .iter()
                            .for_each(|c| {
                                transmit(c);
                            });
                    });
                }
            }
            Applied::Refused { error, returned } => {
                web_sys::console::warn_1(&format!("chat: {}", error.message).into());
                // The relay will never take this message: give the text back to the visitor.
                if let Some(returned) = returned {
                    if self.draft.with_untracked(String::is_empty) {
                        self.draft.set(returned.text);
                    }
                }
                self.notice.set(Some(format!(
                    "{}: {}",
                    self.texts().not_sent,
                    error.message
                )));
            }
        }
    }

    fn on_done(&self, command: &str) {
        let t = self.texts();
        match command {
            "transcript" => self.note(Note::Confirmation(t.transcript_sent)),
            "callback" => self.note(Note::Confirmation(t.callback_sent)),
            "contact" => {
                crate::session::forget_profile(&self.site());
            }
            "rate" => emit("rating", JsValue::UNDEFINED),
            _ => {}
        }
    }

    pub fn note(&self, note: Note) {
        self.notes.update(|notes| {
            if !notes.contains(&note) {
                notes.push(note)
            }
        });
    }

    fn show_operator_typing(&self, name: Option<String>) {
        self.operator_typing.set(name.clone());
        // Forget the indicator if the "stopped" frame never comes.
        let chat = *self;
        OPERATOR_TYPING.with(|t| t.changed(name.is_some(), move || chat.operator_typing.set(None)));
    }

    /// Sends a command now, or when the socket is next up.
    pub fn command(&self, command: ConversationCommand) {
        if !transmit(&command) {
            CONTROL_QUEUE.with(|q| q.borrow_mut().push(command));
            self.ensure_connected();
        }
    }

    /// Tells the conversation where the visit came from (and whether the visitor is answering
    /// a proactive invitation); the relay keeps the first it hears.
    fn record_source(&self) {
        if self.state.with_untracked(|s| s.source.is_some()) {
            return;
        }
        if let Some(mut source) = crate::visit::source() {
            source.invitation = self
                .notes
                .with_untracked(|n| n.iter().any(|n| matches!(n, Note::Invitation { .. })));
            self.command(ConversationCommand::Source { source });
        }
    }

    /// Queues the visitor's message and sends it if the socket is up.
    pub fn send(&self, typed: &str) -> bool {
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return false;
        };
        let composed = self
            .timeline
            .try_update(|t| t.compose(client_id, typed, None));
        match composed {
            Some(Ok(command)) => {
                self.notice.set(None);
                self.record_source();
                transmit(&command);
                SOCKET.with(ConversationSocket::message_sent);
                emit("message:sent", JsValue::from_str(typed.trim()));
                self.ensure_connected();
                true
            }
            Some(Err(e)) => {
                self.notice.set(Some(e.message));
                false
            }
            None => false,
        }
    }

    /// Tells the operator the visitor is typing, at most every few seconds.
    pub fn typing(&self) {
        SOCKET.with(|s| s.typing(js_sys::Date::now()));
    }

    /// Contact data from the form or `Consultant.setContactInfo`; kept in the browser until
    /// the relay confirms it.
    pub fn set_contact(&self, contact: ContactInfo) {
        session::remember_profile(&self.site(), &contact);
        if !transmit(&ConversationCommand::Contact { contact }) {
            self.ensure_connected();
        }
    }

    pub fn set_custom_data(&self, items: Vec<CustomDataItem>) {
        self.command(ConversationCommand::CustomData { items });
    }

    pub fn send_offline(&self, contact: ContactInfo, text: String) {
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return;
        };
        self.timeline
            .update(|t| t.queue(client_id.clone(), text.clone(), None));
        self.command(ConversationCommand::Offline {
            client_id,
            contact,
            text,
        });
        self.offline_sent.set(true);
        emit("offline:message", JsValue::UNDEFINED);
    }

    /// The contact form to show now, if any: "before" until its required fields are in,
    /// "during" after the first message until filled or dismissed, or when a trigger asks.
    pub fn contact_form(&self) -> Option<ContactFormMode> {
        let mode = self
            .config
            .with(|c| c.as_ref().map(|c| c.contact_form.mode))?;
        let missing = self.config.with(|c| {
            c.as_ref()
                .map(|c| {
                    !c.contact_form
                        .missing(&self.state.with(|s| s.contact.clone()))
                        .is_empty()
                })
                .unwrap_or(false)
        });
        let has_contact = self.state.with(|s| !s.contact.is_empty());
        match mode {
            ContactFormMode::Before if missing => Some(ContactFormMode::Before),
            _ if self.contact_requested.get() && !has_contact && !self.contact_dismissed.get() => {
                Some(ContactFormMode::During)
            }
            ContactFormMode::During
                if !has_contact
                    && !self.contact_dismissed.get()
                    && self
                        .timeline
                        .with(|t| t.messages().iter().any(|m| m.author == Author::Visitor)) =>
            {
                Some(ContactFormMode::During)
            }
            _ => None,
        }
    }

    /// Whether the window shows the leave-a-message form: nobody online to answer and no
    /// conversation going on.
    pub fn offline(&self) -> bool {
        let department = self.state.with(|s| s.department.clone());
        !self.presence.with(|p| p.can_answer(department.as_deref()))
            && self
                .timeline
                .with(|t| t.messages().is_empty() && t.pending().is_empty())
            && self.config.with(Option::is_some)
    }

    pub fn needs_department(&self) -> bool {
        self.config
            .with(|c| c.as_ref().is_some_and(|c| !c.departments.is_empty()))
            && self.state.with(|s| s.department.is_none())
    }

    /// An operator ended the chat as spam: no more writing or rating.
    pub fn ended_as_spam(&self) -> bool {
        self.state.with(|s| s.spam)
    }

    pub fn awaits_rating(&self) -> bool {
        self.state
            .with(|s| s.status == ChatStatus::Closed && s.rating.is_none() && !s.spam)
            && self.config.with(|c| {
                c.as_ref()
                    .is_some_and(|c| c.rating_scale != protocol::settings::RatingScale::Off)
            })
    }

    /// Where the visitor's browser fetches a file of this conversation.
    pub fn file_url(&self, file: &protocol::Attachment) -> Option<String> {
        let (token, conversation) = self.session.get_value()?;
        Some(format!(
            "{}/api/v1/sites/{}/conversations/{conversation}/files/{}?token={token}",
            self.relay(),
            self.site(),
            file.id
        ))
    }

    /// Uploads a file, then sends it as a message. Size and type are checked here first so
    /// the visitor gets the reason in his language; the relay checks again.
    pub fn send_file(&self, file: web_sys::File) {
        let t = self.texts();
        let size = file.size() as usize;
        let content_type = file.type_();
        if size > protocol::files::MAX_FILE_BYTES {
            return self.notice.set(Some(t.file_too_large.to_owned()));
        }
        if !protocol::files::ALLOWED_TYPES.contains(&content_type.as_str()) {
            return self.notice.set(Some(t.file_type.to_owned()));
        }
        let chat = *self;
        self.uploading.set(true);
        self.notice.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            if chat.session.with_value(Option::is_none) {
                if let Ok(session) = session::start(&chat.relay(), &chat.site()).await {
                    chat.connect(session);
                }
            }
            let result = chat.upload(&file).await;
            chat.uploading.set(false);
            match result {
                Ok(attachment) => {
                    let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
                        return;
                    };
                    let command = chat
                        .timeline
                        .try_update(|t| t.compose(client_id, "", Some(attachment)));
                    if let Some(Ok(command)) = command {
                        transmit(&command);
                        emit("message:sent", JsValue::from_str(&file.name()));
                    }
                }
                Err(message) => chat.notice.set(Some(format!("{}: {message}", t.not_sent))),
            }
        });
    }

    async fn upload(&self, file: &web_sys::File) -> Result<protocol::Attachment, String> {
        let (token, conversation) = self.session.get_value().ok_or("no session")?;
        let url = format!(
            "{}/api/v1/sites/{}/conversations/{conversation}/files",
            self.relay(),
            self.site()
        );
        let body = browser::http::upload_file(&url, &token, file).await?;
        crate::json::decode(&body).map_err(|e| e.to_string())
    }

    pub fn retry(&self) {
        self.ensure_connected();
    }
}
