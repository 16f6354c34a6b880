//! The widget's conversation with the relay: the visitor's session, the socket behind its sync
//! gate, and what each frame from the relay does.

use super::*;

thread_local! {
    /// The chat's socket, behind the sync gate (`browser::conversation`).
    pub(super) static SOCKET: ConversationSocket = const { ConversationSocket::new() };
    /// Whether the operator's "typing" is still the news.
    static OPERATOR_TYPING: TypingIndicator = TypingIndicator::default();
    /// Commands waiting for the socket (contact data set before the chat started, …).
    static CONTROL_QUEUE: RefCell<Vec<ConversationCommand>> = const { RefCell::new(Vec::new()) };
    /// A resend after `rate_limited` is waiting.
    static RETRY_SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Commands that tell the relay about the visitor (not about the chat's course): they must
/// reach it before his messages do.
fn describes_the_visitor(command: &ConversationCommand) -> bool {
    matches!(
        command,
        ConversationCommand::Department { .. }
            | ConversationCommand::Consent { .. }
            | ConversationCommand::Contact { .. }
            | ConversationCommand::CustomData { .. }
            | ConversationCommand::Source { .. }
    )
}

impl Chat {
    /// Hands a command to the socket if it is open and synced; otherwise messages wait in the
    /// outbox and other commands in the control queue, both sent again on the next welcome.
    pub(super) fn transmit(&self, command: &ConversationCommand) -> bool {
        self.client.transmit(command)
    }

    /// A returning visitor reconnects at once, so operator replies reach him with the window
    /// closed; a first-time visitor costs the relay nothing until he opens the chat. Messages
    /// left unsent by the last page come back into the outbox and go out on connect.
    pub fn resume_if_returning(&self) {
        let site = self.site();
        let unsent = session::stored_outbox(&site);
        let has_unsent = !unsent.is_empty();
        self.client.timeline.update(|t| t.restore(unsent));
        let chat = *self;
        Effect::new(move |_| {
            chat.client
                .timeline
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
        self.client.socket(|s| s.replace(None));
        // Unsent messages go with the visitor into his (possibly other) conversation.
        let unsent = self
            .client
            .timeline
            .with_untracked(|t| t.pending().to_vec());
        self.client.timeline.set(Timeline::default());
        self.client.timeline.update(|t| t.restore(unsent));
        self.relay_state.set(RelayState::Idle);
        self.ensure_connected();
    }

    /// `Consultant.reset()`: closes the chat, forgets the visitor's session, contact, unsent
    /// messages and identity, and leaves the widget as a new visitor finds it.
    pub fn reset(&self) {
        self.client.socket(|s| s.replace(None));
        self.set_open(false, false);
        self.session.set_value(None);
        self.client.timeline.set(Timeline::default());
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
        if let Some(hooks) = super::hooks() {
            (hooks.session_changed)(*self);
        }
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

    pub(super) fn connect(&self, session: VisitorSession) {
        self.apply_config(session.config.clone());
        self.session
            .set_value(Some((session.token.clone(), session.conversation.clone())));
        if let Some(hooks) = super::hooks() {
            (hooks.session_changed)(*self);
        }
        let ws_base = self.relay().replacen("http", "ws", 1);
        let chat = *self;
        let url = move || {
            format!(
                "{ws_base}/api/v1/sites/{}/conversations/{}/visitor-socket?token={}&after={}",
                session.config.site,
                session.conversation,
                session.token,
                chat.client.timeline.with_untracked(Timeline::last_seq)
            )
        };
        let connection = Connection::open(
            url,
            move |frame| chat.on_frame(&frame),
            move |status| {
                chat.client.socket(ConversationSocket::unsynced);
                chat.relay_state.set(match status {
                    Status::Connecting => RelayState::Connecting,
                    Status::Open => RelayState::Open,
                    Status::Waiting => RelayState::Reconnecting,
                    Status::Closed => RelayState::Failed,
                })
            },
        );
        self.client.socket(|s| s.replace(Some(connection)));
    }

    pub(super) fn on_frame(&self, frame: &str) {
        let Some(applied) = self.client.receive(frame) else {
            web_sys::console::warn_1(&"chat: unreadable frame from relay".into());
            return;
        };
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
                self.client.socket(|s| s.welcomed(&[]));
                // What the visitor told before the socket was up (his department, contact
                // data) goes before his messages: the relay checks a message against it (a
                // site that asks for a department refuses a message without one). Other
                // commands (ending the chat, a rating) go after them, in the order given. The
                // stored contact goes after the consent that may be queued to allow it.
                let queued = CONTROL_QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
                let (setup, later): (Vec<_>, Vec<_>) =
                    queued.into_iter().partition(describes_the_visitor);
                for command in setup {
                    self.command(command);
                }
                if let Some(contact) = session::stored_profile(&self.site()) {
                    self.transmit(&ConversationCommand::Contact { contact });
                }
                resend.iter().for_each(|c| {
                    self.transmit(c);
                });
                // A conversation already under way (an operator started it, or an earlier
                // visit) records this visit's source now; a new one with its first message.
                if self
                    .client
                    .timeline
                    .with_untracked(|t| !t.messages().is_empty())
                {
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
                    let detail = protocol::lean::chat_message_json(&message);
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
                        chat.client
                            .timeline
                            .with_untracked(|t| t.outbox())
                            .iter()
                            .for_each(|c| {
                                chat.transmit(c);
                            });
                    });
                }
            }
            Applied::Refused { error, returned } => {
                web_sys::console::warn_1(&format!("chat: {}", error.message).into());
                // Contact data from the page (`setContactInfo`) before the visitor agreed: it
                // stays in the browser and goes with his agreement.
                if error.code == protocol::ErrorCode::ConsentRequired && returned.is_none() {
                    return;
                }
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

    pub(super) fn on_done(&self, command: &str) {
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

    pub(super) fn show_operator_typing(&self, name: Option<String>) {
        self.operator_typing.set(name.clone());
        // Forget the indicator if the "stopped" frame never comes.
        let chat = *self;
        OPERATOR_TYPING.with(|t| t.changed(name.is_some(), move || chat.operator_typing.set(None)));
    }

    /// Sends a command now, or when the socket is next up.
    pub fn command(&self, command: ConversationCommand) {
        if !self.transmit(&command) {
            CONTROL_QUEUE.with(|q| q.borrow_mut().push(command));
            self.ensure_connected();
        }
    }

    pub fn retry(&self) {
        self.ensure_connected();
    }
}
