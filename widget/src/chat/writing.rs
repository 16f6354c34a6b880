//! What the visitor sends: messages (with files), offline messages, contact and custom data,
//! typing, and the visit's source with his first message.

use super::*;

impl Chat {
    pub fn note(&self, note: Note) {
        self.notes.update(|notes| {
            if !notes.contains(&note) {
                notes.push(note)
            }
        });
    }

    /// Tells the conversation where the visit came from (and whether the visitor is answering
    /// a proactive invitation); the relay keeps the first it hears.
    pub(super) fn record_source(&self) {
        // Answering an invitation that names a department sends the chat there.
        if let Some(id) = untrack(|| self.invited_to()) {
            if self.state.with_untracked(|s| s.department.is_none()) {
                self.command(ConversationCommand::Department { id });
            }
        }
        if self.state.with_untracked(|s| s.source.is_some()) {
            return;
        }
        if let Some(mut source) = super::hooks().and_then(|h| (h.source)(&self.site())) {
            source.invitation = self
                .notes
                .with_untracked(|n| n.iter().any(|n| matches!(n, Note::Invitation { .. })));
            self.command(ConversationCommand::Source { source });
        }
    }

    /// Queues the visitor's message and sends it if the socket is up.
    pub fn send(&self, typed: &str) -> bool {
        // Where the visit came from goes before his first message, and only with one.
        if let Err(e) = protocol::decode::message_text(typed) {
            self.notice.set(Some(e.message));
            return false;
        }
        self.record_source();
        match self.client.send(typed, None) {
            Ok(()) => {
                self.notice.set(None);
                emit("message:sent", JsValue::from_str(typed.trim()));
                self.ensure_connected();
                true
            }
            Err(message) => {
                self.notice.set(Some(message).filter(|m| !m.is_empty()));
                false
            }
        }
    }

    /// Tells the operator the visitor is typing, at most every few seconds.
    pub fn typing(&self) {
        self.client.typing();
    }

    /// Contact data from the form or `Consultant.setContactInfo`; kept in the browser (with
    /// what is kept already: the page's data waits there for the visitor's consent) until the
    /// relay confirms it.
    pub fn set_contact(&self, newer: ContactInfo) {
        let mut contact = session::stored_profile(&self.site()).unwrap_or_default();
        contact.merge(newer);
        session::remember_profile(&self.site(), &contact);
        if !self.transmit(&ConversationCommand::Contact { contact }) {
            self.ensure_connected();
        }
    }

    /// The consent checkbox the forms must show: the site's, while this conversation has no
    /// agreement yet.
    pub fn consent_needed(&self) -> Option<protocol::consent::ConsentSettings> {
        if self.state.with(|s| s.consent.is_some()) {
            return None;
        }
        self.config
            .with(|c| c.as_ref().and_then(|c| c.consent.clone()))
    }

    /// The checkbox's words: the site's own, or ours in the visitor's language.
    pub fn consent_words(&self, consent: &protocol::consent::ConsentSettings) -> String {
        consent
            .text
            .clone()
            .unwrap_or_else(|| self.texts().consent_default.to_owned())
    }

    /// He ticked the box: the relay records the words he read before the contact data they
    /// allow (the command goes first, on this socket or the next one).
    pub fn agree(&self, consent: &protocol::consent::ConsentSettings) {
        let text = self.consent_words(consent);
        let policy_url = consent.policy_url.clone().unwrap_or_default();
        self.state.update(|s| {
            s.consent = Some(protocol::consent::ConsentRecord {
                at: js_sys::Date::now() as u64,
                text: text.clone(),
                policy_url: policy_url.clone(),
            })
        });
        self.command(ConversationCommand::Consent { text, policy_url });
    }

    pub fn set_custom_data(&self, items: Vec<CustomDataItem>) {
        self.command(ConversationCommand::CustomData { items });
    }

    pub fn send_offline(&self, contact: ContactInfo, text: String) {
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return;
        };
        self.client
            .timeline
            .update(|t| t.queue(client_id.clone(), text.clone(), None));
        self.command(ConversationCommand::Offline {
            client_id,
            contact,
            text,
        });
        self.offline_sent.set(true);
        emit("offline:message", JsValue::UNDEFINED);
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
            let result = chat.upload_and_send(&file).await;
            chat.uploading.set(false);
            match result {
                Ok(()) => emit("message:sent", JsValue::from_str(&file.name())),
                Err(message) => chat.notice.set(Some(format!("{}: {message}", t.not_sent))),
            }
        });
    }
}
