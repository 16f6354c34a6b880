//! The console's state and its two live connections: the site's inbox, and the conversation
//! that is open. Ordering and dedupe rules are `protocol::{Inbox, Timeline}`.

use crate::i18n;
use crate::session;
use browser::conversation::{ConversationSocket, TypingIndicator};
use browser::socket::{Connection, Status};
use leptos::prelude::*;
use protocol::{
    Applied, Author, ClientMessageId, ConversationCommand, ConversationEvent, ConversationId,
    ConversationState, Inbox, InboxEvent, Locale, OperatorSession, SiteId, Timeline,
};
use std::cell::RefCell;

thread_local! {
    static INBOX: RefCell<Option<Connection>> = const { RefCell::new(None) };
    /// The open conversation's socket, behind the sync gate (`browser::conversation`).
    static OPEN: ConversationSocket = const { ConversationSocket::new() };
    /// Whether the visitor's "typing" is still the news.
    static VISITOR_TYPING: TypingIndicator = TypingIndicator::default();
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Chats,
    Team,
    Replies,
    Settings,
    History,
    Visitors,
    Account,
    Reports,
}

const LOCALE_KEY: &str = "consultant:console:locale";
/// The site last worked on.
const SITE_KEY: &str = "consultant:console:site";
/// How many messages of each conversation this browser has shown.
const SEEN_KEY: &str = "consultant:console:seen";

#[derive(Clone, Copy)]
pub struct Desk {
    pub locale: RwSignal<Locale>,
    pub session: RwSignal<Option<OperatorSession>>,
    pub inbox: RwSignal<Inbox>,
    pub inbox_live: RwSignal<bool>,
    pub selected: RwSignal<Option<ConversationId>>,
    pub timeline: RwSignal<Timeline>,
    pub open_live: RwSignal<bool>,
    pub notice: RwSignal<Option<String>>,
    /// Which screen the workspace shows.
    pub screen: RwSignal<Screen>,
    /// Colleagues signed in now, with their status.
    pub team: RwSignal<Vec<protocol::ColleagueStatus>>,
    /// This operator's own status: online takes chats, away does not.
    pub availability: RwSignal<protocol::Availability>,
    /// The site's settings (canned replies, departments…), read after sign-in.
    pub settings: RwSignal<Option<protocol::SiteSettings>>,
    /// The open conversation's state (contact data, status, callback…).
    pub state: RwSignal<ConversationState>,
    /// The visitor of the open conversation is typing.
    pub visitor_typing: RwSignal<bool>,
    /// Which list the inbox shows: unassigned, mine, all.
    pub view: RwSignal<protocol::InboxView>,
    /// Everyone on the site's team, removed ones included (names in history, transfers).
    pub roster: RwSignal<Vec<protocol::OperatorInfo>>,
    /// The conversation opened from history (it may not be in the inbox).
    pub from_history: RwSignal<Option<protocol::ConversationSummary>>,
    /// Visitors on the site now.
    pub live: RwSignal<protocol::inbox::LiveList>,
    /// The time, ticking every 10 s (time on site in the live list).
    pub now: RwSignal<u64>,
    /// The signed-in operator's own account (saved statuses, avatar, sites).
    pub account: RwSignal<Option<protocol::AccountProfile>>,
    /// The custom status he chose, if any.
    pub custom: RwSignal<Option<protocol::CustomStatus>>,
    /// The site the console works on (he may have several).
    pub current_site: RwSignal<Option<SiteId>>,
}

fn initial_locale() -> Locale {
    browser::storage::get(LOCALE_KEY)
        .and_then(|l| Locale::from_tag(&l))
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Locale::from_tag(&l))
        })
        .unwrap_or_default()
}

impl Desk {
    pub fn new() -> Self {
        let desk = Self {
            locale: RwSignal::new(initial_locale()),
            session: RwSignal::new(None),
            inbox: RwSignal::new(Inbox::default()),
            inbox_live: RwSignal::new(false),
            selected: RwSignal::new(None),
            timeline: RwSignal::new(Timeline::default()),
            open_live: RwSignal::new(false),
            notice: RwSignal::new(None),
            screen: RwSignal::new(Screen::Chats),
            settings: RwSignal::new(None),
            team: RwSignal::new(Vec::new()),
            availability: RwSignal::new(protocol::Availability::Online),
            state: RwSignal::new(ConversationState::default()),
            visitor_typing: RwSignal::new(false),
            view: RwSignal::new(protocol::InboxView::Mine),
            roster: RwSignal::new(Vec::new()),
            from_history: RwSignal::new(None),
            live: RwSignal::new(Default::default()),
            now: RwSignal::new(js_sys::Date::now() as u64),
            account: RwSignal::new(None),
            custom: RwSignal::new(None),
            current_site: RwSignal::new(
                browser::storage::get(SITE_KEY).and_then(|s| SiteId::parse(s).ok()),
            ),
        };
        if let Some(session) = session::stored() {
            desk.signed_in(session);
        }
        let now = desk.now;
        browser::every(10_000, move || now.set(js_sys::Date::now() as u64));
        desk
    }

    pub fn texts(&self) -> &'static i18n::Texts {
        i18n::texts(self.locale.get())
    }

    /// Texts of the account's safety (sign-in help, passwords, sessions).
    pub fn account_texts(&self) -> &'static i18n::AccountTexts {
        i18n::account_texts(self.locale.get())
    }

    pub fn switch_locale(&self) {
        let next = match self.locale.get_untracked() {
            Locale::En => Locale::Ru,
            Locale::Ru => Locale::En,
        };
        browser::storage::set(LOCALE_KEY, if next == Locale::Ru { "ru" } else { "en" });
        self.locale.set(next);
    }

    /// The operator's membership on the site this console works on: the chosen one while he
    /// is still on it, else his first site.
    fn membership(&self) -> Option<protocol::SiteMembership> {
        let chosen = self.current_site.get_untracked();
        self.session.with_untracked(|s| {
            let sites = &s.as_ref()?.sites;
            sites
                .iter()
                .find(|m| Some(&m.site) == chosen.as_ref())
                .or_else(|| sites.first())
                .cloned()
        })
    }

    pub fn site(&self) -> Option<SiteId> {
        self.membership().map(|m| m.site)
    }

    /// Works on another of his sites: every connection and list starts over for it.
    pub fn switch_site(&self, site: SiteId) {
        browser::storage::set(SITE_KEY, site.as_str());
        self.current_site.set(Some(site));
        let Some(session) = self.session.get_untracked() else {
            return;
        };
        self.reset();
        self.signed_in(session);
    }

    /// A new session from the relay (e.g. after adding a site), kept like a sign-in.
    pub fn adopt_session(&self, session: OperatorSession, site: SiteId) {
        session::remember(&session);
        self.session.set(Some(session));
        self.switch_site(site);
    }

    /// Online, away or offline; or one of his custom statuses (with its own availability).
    pub fn set_status(
        &self,
        availability: protocol::Availability,
        custom: Option<protocol::CustomStatus>,
    ) {
        let availability = custom.as_ref().map_or(availability, |c| c.availability);
        self.availability.set(availability);
        self.custom.set(custom);
        self.send_availability();
    }

    /// Reads his own account: saved statuses, avatar, sites.
    pub fn load_account(&self) {
        let desk = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let auth = format!("Bearer {}", desk.token());
            if let Ok(answer) = browser::http::request(
                "GET",
                "/api/v1/account",
                None,
                &[("Authorization", auth.as_str())],
            )
            .await
            {
                if answer.ok() {
                    desk.account.set(serde_json::from_str(&answer.body).ok());
                }
            }
        });
    }

    fn send_availability(&self) {
        let command = protocol::InboxCommand::Status {
            availability: self.availability.get_untracked(),
            custom: self.custom.get_untracked(),
        };
        let frame = serde_json::to_string(&command).unwrap_or_default();
        INBOX.with(|c| {
            if let Some(connection) = c.borrow().as_ref() {
                connection.send(&frame);
            }
        });
    }

    /// Reads the site's settings (operators may read them; admins may change them).
    pub fn load_settings(&self) {
        let desk = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let Some(site) = desk.site() else { return };
            let auth = format!("Bearer {}", desk.token());
            let url = format!("/api/v1/sites/{site}/settings");
            if let Ok(answer) =
                browser::http::request("GET", &url, None, &[("Authorization", auth.as_str())]).await
            {
                if answer.ok() {
                    desk.settings.set(serde_json::from_str(&answer.body).ok());
                }
            }
        });
    }

    /// Changes the settings (admins): reads the current ones first, so a change made meanwhile
    /// elsewhere is not overwritten; `Err` carries the relay's reason.
    pub async fn update_settings(
        &self,
        change: impl FnOnce(&mut protocol::SiteSettings),
    ) -> Result<(), String> {
        let site = self.site().ok_or("no site")?;
        let auth = format!("Bearer {}", self.token());
        let url = format!("/api/v1/sites/{site}/settings");
        let current =
            browser::http::request("GET", &url, None, &[("Authorization", auth.as_str())]).await?;
        let mut settings: protocol::SiteSettings =
            serde_json::from_str(&current.body).map_err(|e| e.to_string())?;
        change(&mut settings);
        let settings = &settings;
        let body = serde_json::to_string(settings).map_err(|e| e.to_string())?;
        let answer = browser::http::request(
            "PUT",
            &url,
            Some(&body),
            &[("Authorization", auth.as_str())],
        )
        .await?;
        if !answer.ok() {
            return Err(serde_json::from_str::<protocol::ErrorBody>(&answer.body)
                .map(|e| e.message)
                .unwrap_or(answer.body));
        }
        self.settings.set(Some(settings.clone()));
        Ok(())
    }

    /// Calls the relay's API for the current site (`path` after `/api/v1/sites/{site}`) as
    /// this operator; `Ok` is the answer's body, `Err` the relay's reason.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<String, String> {
        let site = self.site().ok_or("no site")?;
        let auth = format!("Bearer {}", self.token());
        let url = format!("/api/v1/sites/{site}{path}");
        let answer =
            browser::http::request(method, &url, body, &[("Authorization", auth.as_str())]).await?;
        if answer.ok() {
            Ok(answer.body)
        } else {
            Err(serde_json::from_str::<protocol::ErrorBody>(&answer.body)
                .map(|e| e.message)
                .unwrap_or(answer.body))
        }
    }

    /// `call` in the background: `then` gets the answer's body; a failure is shown in `error`,
    /// which a success clears.
    pub fn call_then(
        self,
        method: &'static str,
        path: String,
        body: Option<String>,
        error: RwSignal<Option<String>>,
        then: impl FnOnce(String) + 'static,
    ) {
        wasm_bindgen_futures::spawn_local(async move {
            match self.call(method, &path, body.as_deref()).await {
                Ok(answer) => {
                    error.set(None);
                    then(answer);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    }

    /// Reads the site's team (names for history and transfers).
    pub fn load_roster(&self) {
        let desk = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let Some(site) = desk.site() else { return };
            let auth = format!("Bearer {}", desk.token());
            let url = format!("/api/v1/sites/{site}/operators");
            if let Ok(answer) =
                browser::http::request("GET", &url, None, &[("Authorization", auth.as_str())]).await
            {
                if let Ok(team) = serde_json::from_str(&answer.body) {
                    desk.roster.set(team);
                }
            }
        });
    }

    /// Whether this operator was removed from the team (his chats stay, marked).
    pub fn is_removed(&self, id: &protocol::OperatorId) -> bool {
        self.roster
            .with(|r| r.iter().any(|o| &o.id == id && o.removed))
    }

    /// Admins and the owner see every chat and assign them.
    pub fn is_admin(&self) -> bool {
        self.role().is_some_and(protocol::Role::manages_site)
    }

    /// The operator's role on the current site.
    pub fn role(&self) -> Option<protocol::Role> {
        self.membership().map(|m| m.role)
    }

    pub fn token(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
            .unwrap_or_default()
    }

    pub fn signed_in(&self, session: OperatorSession) {
        self.session.set(Some(session));
        let Some(site) = self.site() else {
            return;
        };
        self.load_settings();
        self.load_roster();
        self.load_account();
        if let Some(seen) =
            browser::storage::get(SEEN_KEY).and_then(|s| serde_json::from_str(&s).ok())
        {
            self.inbox.update(|i| i.restore_seen(seen));
        }
        let desk = *self;
        let url = format!(
            "{}/api/v1/sites/{site}/inbox-socket?",
            session::socket_origin()
        );
        let connection = Connection::open_later(
            move || desk.ticketed(url.clone(), None),
            move |frame| match serde_json::from_str::<InboxEvent>(&frame) {
                Ok(InboxEvent::Team { colleagues }) => desk.team.set(colleagues),
                Ok(InboxEvent::Updated { conversation }) => {
                    let before = desk
                        .inbox
                        .with_untracked(|i| i.get(&conversation.id).map(|c| c.message_count));
                    let fresh = before.is_none_or(|n| n < conversation.message_count);
                    if fresh && conversation.last_author == protocol::Author::Visitor {
                        let t = desk.texts();
                        let title = if before.is_none() {
                            t.new_chat
                        } else {
                            t.new_message
                        };
                        crate::notify::new_message(title, &conversation.last_preview);
                    }
                    let id = conversation.id.clone();
                    desk.inbox
                        .update(|inbox| inbox.apply(InboxEvent::Updated { conversation }));
                    if desk.selected.get_untracked().as_ref() == Some(&id) {
                        desk.mark_seen(&id);
                    }
                }
                Ok(InboxEvent::Gone { id }) => {
                    if desk.selected.get_untracked().as_ref() == Some(&id) {
                        desk.deselect();
                        desk.notice.set(Some(desk.texts().chat_moved.to_owned()));
                    }
                    desk.inbox
                        .update(|inbox| inbox.apply(InboxEvent::Gone { id }));
                }
                Ok(
                    event @ (InboxEvent::Visitors { .. }
                    | InboxEvent::MoreVisitors { .. }
                    | InboxEvent::VisitorUpdated { .. }
                    | InboxEvent::VisitorLeft { .. }),
                ) => desk.live.update(|live| live.apply(event)),
                Ok(event) => desk.inbox.update(|inbox| inbox.apply(event)),
                Err(_) => {}
            },
            move |status| {
                desk.inbox_live.set(status == Status::Open);
                // The relay closed the inbox for good (1008): the session ended (signed out
                // elsewhere, a new password, removed). A deliberate close empties the slot first.
                if status == Status::Closed && INBOX.with(|c| c.borrow().is_some()) {
                    // After this callback: the connection is still handling its close.
                    browser::later(0, move || desk.signed_out());
                    return;
                }
                // A new socket starts online: restate "away" after a reconnect.
                if status == Status::Open
                    && desk.availability.get_untracked() != protocol::Availability::Online
                {
                    desk.send_availability();
                }
            },
        );
        INBOX.with(|c| *c.borrow_mut() = Some(connection));
    }

    /// Signs out here: the relay ends this session (its sockets close everywhere).
    pub fn sign_out(&self) {
        let auth = format!("Bearer {}", self.token());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = browser::http::request(
                "POST",
                "/api/v1/auth/sign-out",
                None,
                &[("Authorization", auth.as_str())],
            )
            .await;
        });
        self.signed_out();
    }

    /// Forgets the session on this device (the relay ended it, or the operator signed out).
    pub fn signed_out(&self) {
        self.reset();
        session::forget();
        self.session.set(None);
        self.screen.set(Screen::Chats);
    }

    /// The URL of an operator socket with a fresh ticket appended (`base` ends in `?` or `&`):
    /// the session token itself never goes in a URL. A session the relay ended signs out.
    fn ticketed(
        &self,
        base: String,
        conversation: Option<ConversationId>,
    ) -> browser::socket::UrlFuture {
        let desk = *self;
        Box::pin(async move {
            let site = desk.site()?;
            let auth = format!("Bearer {}", desk.token());
            let body = serde_json::to_string(&protocol::TicketRequest { conversation }).ok()?;
            let answer = browser::http::request(
                "POST",
                &format!("/api/v1/sites/{site}/tickets"),
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            .ok()?;
            if answer.status == 401 {
                desk.signed_out();
                return None;
            }
            let ticket: protocol::SocketTicket = serde_json::from_str(&answer.body).ok()?;
            Some(format!("{base}ticket={}", ticket.ticket))
        })
    }

    /// Closes both connections and forgets everything of the current site.
    fn reset(&self) {
        if let Some(connection) = INBOX.with(|c| c.borrow_mut().take()) {
            connection.close();
        }
        OPEN.with(|s| s.replace(None));
        self.selected.set(None);
        self.inbox.set(Inbox::default());
        self.timeline.set(Timeline::default());
        self.live.set(Default::default());
        self.team.set(Vec::new());
        self.settings.set(None);
        self.roster.set(Vec::new());
        self.from_history.set(None);
    }

    /// Everything in this conversation has been seen; remembered across reloads.
    pub fn mark_seen(&self, id: &ConversationId) {
        self.inbox.update(|i| i.mark_seen(id));
        let seen = self
            .inbox
            .with_untracked(|i| serde_json::to_string(i.seen()).unwrap_or_default());
        browser::storage::set(SEEN_KEY, &seen);
    }

    /// Closes the open conversation (it was transferred away, or the operator left it).
    pub fn deselect(&self) {
        OPEN.with(|s| s.replace(None));
        self.selected.set(None);
        self.timeline.set(Timeline::default());
    }

    /// Opens a conversation: a socket to it replaces the previous one.
    pub fn select(&self, conversation: ConversationId) {
        if self.selected.get_untracked().as_ref() == Some(&conversation) {
            return;
        }
        OPEN.with(|s| s.replace(None));
        let Some(site) = self.site() else {
            return;
        };
        self.mark_seen(&conversation);
        self.selected.set(Some(conversation.clone()));
        self.timeline.set(Timeline::default());
        self.state.set(ConversationState::default());
        self.visitor_typing.set(false);
        self.notice.set(None);
        let desk = *self;
        let base = format!(
            "{}/api/v1/sites/{site}/conversations/{conversation}/operator-socket?",
            session::socket_origin()
        );
        let connection = Connection::open_later(
            move || {
                let after = desk.timeline.with_untracked(Timeline::last_seq);
                desk.ticketed(format!("{base}after={after}&"), Some(conversation.clone()))
            },
            move |frame| desk.on_conversation_frame(&frame),
            move |status| {
                OPEN.with(ConversationSocket::unsynced);
                desk.open_live.set(status == Status::Open)
            },
        );
        OPEN.with(|s| s.replace(Some(connection)));
    }

    fn on_conversation_frame(&self, frame: &str) {
        let Ok(event) = serde_json::from_str::<ConversationEvent>(frame) else {
            return;
        };
        let applied = self
            .timeline
            .try_update(|t| t.apply(event))
            .unwrap_or(Applied::Nothing);
        match applied {
            Applied::Welcome { resend, state, .. } => {
                self.state.set(state);
                OPEN.with(|s| s.welcomed(&resend));
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
            Applied::Throttled { .. } => self.notice.set(Some(self.texts().not_sent.to_owned())),
            Applied::Refused { error, .. } => {
                self.notice.set(Some(format!(
                    "{}: {}",
                    self.texts().not_sent,
                    error.message
                )));
            }
            Applied::Done(_) | Applied::Nothing => {}
        }
    }

    fn show_visitor_typing(&self, typing: bool) {
        self.visitor_typing.set(typing);
        // Forget the indicator if the "stopped" frame never comes.
        let desk = *self;
        VISITOR_TYPING.with(|t| t.changed(typing, move || desk.visitor_typing.set(false)));
    }

    /// Tells the visitor the operator is typing, at most every few seconds.
    pub fn typing(&self) {
        OPEN.with(|s| s.typing(js_sys::Date::now()));
    }

    /// Where a file of the open conversation is; fetched with the session token in the
    /// `Authorization` header (`browser::http::fetch_blob_url`), never with it in the URL.
    pub fn file_url(&self, file: &protocol::Attachment) -> String {
        format!(
            "/api/v1/sites/{}/conversations/{}/files/{}",
            self.site().map(|s| s.to_string()).unwrap_or_default(),
            self.selected
                .get_untracked()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            file.id,
        )
    }

    /// Uploads a file to the open conversation and sends it.
    pub fn send_file(&self, file: web_sys::File) {
        let Some(conversation) = self.selected.get_untracked() else {
            return;
        };
        let desk = *self;
        wasm_bindgen_futures::spawn_local(async move {
            let url = format!(
                "/api/v1/sites/{}/conversations/{conversation}/files",
                desk.site().map(|s| s.to_string()).unwrap_or_default()
            );
            let attachment = match browser::http::upload_file(&url, &desk.token(), &file).await {
                Ok(body) => serde_json::from_str::<protocol::Attachment>(&body).ok(),
                Err(message) => {
                    desk.notice
                        .set(Some(format!("{}: {message}", desk.texts().not_sent)));
                    None
                }
            };
            let Some(attachment) = attachment else { return };
            let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
                return;
            };
            if let Some(Ok(command)) = desk
                .timeline
                .try_update(|t| t.compose(client_id, "", Some(attachment)))
            {
                transmit(&command);
            }
        });
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
        if !transmit(&ConversationCommand::Note { client_id, text }) {
            self.notice.set(Some(self.texts().reconnecting.to_owned()));
            return false;
        }
        self.notice.set(None);
        true
    }

    pub fn edit(&self, seq: u64, typed: &str) -> bool {
        match protocol::decode::message_text(typed) {
            Ok(text) => transmit(&ConversationCommand::Edit { seq, text }),
            Err(e) => {
                self.notice.set(Some(e.message));
                false
            }
        }
    }

    /// The oldest message of the open conversation this console holds.
    pub fn earliest_seq(&self) -> Option<u64> {
        self.timeline.with(|t| t.messages().first().map(|m| m.seq))
    }

    /// Asks for the messages before the oldest one held.
    pub fn load_earlier(&self) {
        if let Some(before) = self.earliest_seq() {
            transmit(&ConversationCommand::Earlier { before });
        }
    }

    pub fn delete(&self, seq: u64) {
        transmit(&ConversationCommand::Delete { seq });
    }

    pub fn me(&self) -> Option<protocol::OperatorId> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.operator.clone()))
    }

    /// Closes the open conversation (the visitor is then asked to rate it).
    pub fn close_conversation(&self) {
        transmit(&ConversationCommand::Close);
    }

    /// Ends the chat as spam: the visitor is told the operator ended it and can no longer
    /// write or rate.
    pub fn mark_spam(&self) {
        transmit(&ConversationCommand::Spam);
    }

    /// Bans the visitor and his IP address (admins lift bans).
    pub fn ban(&self) {
        transmit(&ConversationCommand::Ban);
    }

    /// Takes an unassigned chat (admins: gives it to `operator`).
    pub fn assign(&self, operator: protocol::OperatorId) {
        transmit(&ConversationCommand::Assign { operator });
    }

    /// Hands the open chat to a colleague or a department, with a note for them.
    pub fn transfer(&self, to: protocol::TransferTarget, note: String) {
        transmit(&ConversationCommand::Transfer {
            to,
            note: Some(note).filter(|n| !n.trim().is_empty()),
        });
    }

    /// Brings a colleague into the open chat.
    pub fn invite(&self, operator: protocol::OperatorId, note: String) {
        transmit(&ConversationCommand::Invite {
            operator,
            note: Some(note).filter(|n| !n.trim().is_empty()),
        });
    }

    /// Queues the operator's reply and sends it if the socket is up.
    pub fn reply(&self, typed: &str) -> bool {
        let Ok(client_id) = ClientMessageId::parse(browser::client_id()) else {
            return false;
        };
        match self
            .timeline
            .try_update(|t| t.compose(client_id, typed, None))
        {
            Some(Ok(command)) => {
                self.notice.set(None);
                transmit(&command);
                OPEN.with(ConversationSocket::message_sent);
                true
            }
            Some(Err(e)) => {
                self.notice.set(Some(e.message));
                false
            }
            None => false,
        }
    }
}

/// Hands a command to the open conversation's socket once its welcome is handled; until then
/// the command waits in the outbox for the welcome (so nothing overtakes an unsent message).
fn transmit(command: &ConversationCommand) -> bool {
    OPEN.with(|s| s.transmit(command))
}
