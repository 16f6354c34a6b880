//! The widget's state and its conversation with the relay. Reactive signals for the view; the
//! rules (ordering, dedupe, outbox) live in `protocol::Timeline`.

use crate::{emit, i18n, session};
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::{
    Applied, Author, ClientMessageId, ConversationCommand, ConversationEvent, Locale, OperatorCard,
    SiteId, Timeline, VisitorSession, WidgetConfig,
};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// Hands a command to the socket if it is open; otherwise it waits in the outbox for the
/// next welcome.
fn transmit(command: &ConversationCommand) {
    CONNECTION.with(|c| {
        if let Some(connection) = c.borrow().as_ref() {
            connection.send(&command.to_frame());
        }
    });
}

/// Where the widget is with the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Nothing started yet (a first-time visitor who has not opened the window).
    Idle,
    Starting,
    Connecting,
    Open,
    Reconnecting,
    Failed,
}

#[derive(Clone, Copy)]
pub struct Chat {
    site: StoredValue<SiteId>,
    relay: StoredValue<String>,
    pub open: RwSignal<bool>,
    pub locale: RwSignal<Locale>,
    pub config: RwSignal<Option<WidgetConfig>>,
    pub timeline: RwSignal<Timeline>,
    pub operator: RwSignal<Option<OperatorCard>>,
    pub link: RwSignal<Link>,
    /// A problem to show the visitor (e.g. a refused message), in his language.
    pub notice: RwSignal<Option<String>>,
    pub draft: RwSignal<String>,
}

impl Chat {
    pub fn new(site: SiteId, relay: String, locale: Locale) -> Self {
        Self {
            site: StoredValue::new(site),
            relay: StoredValue::new(relay),
            open: RwSignal::new(false),
            locale: RwSignal::new(locale),
            config: RwSignal::new(None),
            timeline: RwSignal::new(Timeline::default()),
            operator: RwSignal::new(None),
            link: RwSignal::new(Link::Idle),
            notice: RwSignal::new(None),
            draft: RwSignal::new(String::new()),
        }
    }

    pub fn texts(&self) -> &'static i18n::Texts {
        i18n::texts(self.locale.get())
    }

    pub fn is_open(&self) -> bool {
        self.open.get_untracked()
    }

    pub fn set_open(&self, open: bool) {
        if self.open.get_untracked() == open {
            return;
        }
        self.open.set(open);
        emit(if open { "open" } else { "close" }, JsValue::UNDEFINED);
        if open {
            self.ensure_connected();
        }
    }

    /// A returning visitor reconnects at once, so operator replies reach him with the window
    /// closed; a first-time visitor costs the relay nothing until he opens the chat.
    pub fn resume_if_returning(&self) {
        if session::has_stored_token(&self.site.get_value()) {
            self.ensure_connected();
        }
    }

    pub fn ensure_connected(&self) {
        if !matches!(self.link.get_untracked(), Link::Idle | Link::Failed) {
            return;
        }
        self.link.set(Link::Starting);
        let chat = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let relay = chat.relay.get_value();
            match session::start(&relay, &chat.site.get_value()).await {
                Ok(session) => chat.connect(session),
                Err(e) => {
                    web_sys::console::warn_1(&format!("chat: {e}").into());
                    chat.link.set(Link::Failed);
                }
            }
        });
    }

    fn connect(&self, session: VisitorSession) {
        if let Some(locale) = session.config.locale {
            self.locale.set(locale);
        }
        self.config.set(Some(session.config.clone()));
        let ws_base = self.relay.get_value().replacen("http", "ws", 1);
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
                chat.link.set(match status {
                    Status::Connecting => Link::Connecting,
                    Status::Open => Link::Open,
                    Status::Waiting => Link::Reconnecting,
                    Status::Closed => Link::Failed,
                })
            },
        );
        CONNECTION.with(|c| *c.borrow_mut() = Some(connection));
    }

    fn on_frame(&self, frame: &str) {
        let Ok(event) = serde_json::from_str::<ConversationEvent>(frame) else {
            web_sys::console::warn_1(&"chat: unreadable frame from relay".into());
            return;
        };
        let applied = self
            .timeline
            .try_update(|t| t.apply(event))
            .unwrap_or(Applied::Nothing);
        match applied {
            Applied::Nothing => {}
            Applied::Welcome { resend, operator } => {
                if operator.is_some() {
                    self.operator.set(operator);
                }
                resend.iter().for_each(transmit);
            }
            Applied::NewMessage(message) => {
                if let Author::Operator { id, name } = &message.author {
                    self.operator.set(Some(OperatorCard {
                        id: id.clone(),
                        name: name.clone(),
                    }));
                    let detail = serde_json::to_string(&message).unwrap_or_default();
                    emit(
                        "message:received",
                        js_sys::JSON::parse(&detail).unwrap_or_default(),
                    );
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

    /// Queues the visitor's message and sends it if the socket is up.
    pub fn send(&self, typed: &str) -> bool {
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return false;
        };
        let composed = self.timeline.try_update(|t| t.compose(client_id, typed));
        match composed {
            Some(Ok(command)) => {
                self.notice.set(None);
                transmit(&command);
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

    pub fn retry(&self) {
        self.ensure_connected();
    }
}
