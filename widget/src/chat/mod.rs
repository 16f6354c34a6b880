//! The widget's state and its conversation with the relay. Reactive signals for the view; the
//! rules (ordering, dedupe, outbox, triggers, validation) live in `protocol`.
//! `relay` is the conversation with the relay (session, socket, frames); `writing` what the
//! visitor sends (messages, files, contact data, typing).

mod relay;
mod writing;

/// What the layers above the chat do when it changes, set once by `lib.rs`: the chat knows
/// nothing of the page module beside it (`host`).
#[derive(Clone, Copy)]
pub struct Hooks {
    /// The visitor's session changed (a chat started, or was forgotten).
    pub session_changed: fn(Chat),
    /// The visitor closed the window himself: no rule opens it again in this visit.
    pub closed_by_visitor: fn(),
    /// Where this visit came from, for the conversation's record.
    pub source: fn(&SiteId) -> Option<protocol::triggers::VisitSource>,
}

thread_local! {
    static HOOKS: std::cell::Cell<Option<Hooks>> = const { std::cell::Cell::new(None) };
}

pub fn set_hooks(hooks: Hooks) {
    HOOKS.with(|h| h.set(Some(hooks)));
}

fn hooks() -> Option<Hooks> {
    HOOKS.with(std::cell::Cell::get)
}

use crate::{emit, i18n, session};
use browser::conversation::{ConversationClient, ConversationSocket, TypingIndicator};
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::settings::ContactFormMode;
use protocol::{
    Applied, Author, ClientMessageId, ContactInfo, ConversationCommand, ConversationState,
    CustomDataItem, Locale, OperatorCard, Presence, SiteId, Timeline, VisitorSession, WidgetConfig,
};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

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
        /// Where the chat goes when the visitor answers (the department picker is skipped).
        department: Option<String>,
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
    /// The conversation: its timeline (messages, the outbox) and its socket.
    pub client: ConversationClient,
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
            client: ConversationClient::new(&relay::SOCKET),
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
            if let Some(hooks) = hooks() {
                (hooks.closed_by_visitor)();
            }
        }
    }

    pub fn is_hidden(&self) -> bool {
        let offline_hidden = self
            .config
            .with(|c| c.as_ref().is_some_and(|c| c.hide_launcher_when_offline))
            && !self.presence.with(|p| p.operators_online)
            && self.client.timeline.with(|t| t.messages().is_empty());
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
                }
                Err(e) => web_sys::console::warn_1(&format!("chat: {e}").into()),
            }
        });
    }

    pub fn apply_config(&self, config: WidgetConfig) {
        if let Some(locale) = config.locale {
            self.locale.set(locale);
        }
        self.presence.set(config.presence.clone());
        self.config.set(Some(config));
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
                        .client
                        .timeline
                        .with(|t| t.messages().iter().any(|m| m.author == Author::Visitor)) =>
            {
                Some(ContactFormMode::During)
            }
            _ => None,
        }
    }

    /// Whether the window shows the leave-a-message form: nobody online to answer and no
    /// conversation going on, or nobody answered in time (the relay said so last).
    pub fn offline(&self) -> bool {
        let department = self.state.with(|s| s.department.clone());
        let (empty, unanswered) = self.client.timeline.with(|t| {
            let last = t.messages().last().and_then(|m| m.event.as_ref());
            (
                t.messages().is_empty() && t.pending().is_empty(),
                matches!(last, Some(protocol::SystemEvent::NoAnswer)),
            )
        });
        (unanswered || empty && !self.presence.with(|p| p.can_answer(department.as_deref())))
            && self.config.with(Option::is_some)
    }

    pub fn needs_department(&self) -> bool {
        self.config
            .with(|c| c.as_ref().is_some_and(|c| !c.departments.is_empty()))
            && self.state.with(|s| s.department.is_none())
            && self.invited_to().is_none()
    }

    /// The department a proactive invitation the visitor sees names.
    pub fn invited_to(&self) -> Option<String> {
        self.notes.with(|notes| {
            notes.iter().find_map(|n| match n {
                Note::Invitation { department, .. } => department.clone(),
                _ => None,
            })
        })
    }

    /// An operator ended the chat as spam: no more writing or rating.
    pub fn ended_as_spam(&self) -> bool {
        self.state.with(|s| s.spam)
    }

    pub fn awaits_rating(&self) -> bool {
        // The relay asks (on close, or after a silence, as the site says).
        self.state
            .with(|s| s.survey && s.rating.is_none() && !s.spam)
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

    /// Uploads a file to the visitor's conversation, then sends it as a message.
    pub(super) async fn upload_and_send(&self, file: &web_sys::File) -> Result<(), String> {
        let (token, conversation) = self.session.get_value().ok_or("no session")?;
        let url = format!(
            "{}/api/v1/sites/{}/conversations/{conversation}/files",
            self.relay(),
            self.site()
        );
        self.client.send_file(&url, &token, file).await
    }
}
