//! One conversation: its message log and state in SQLite-backed storage, and the hibernatable
//! WebSockets of the visitor and of the operators who have it open.

pub mod channel_message;
mod commands;
mod connect;
mod export;
pub mod link;
mod reply_mail;
pub(crate) mod store;
mod telegram;
mod uploads;

use crate::http;
use crate::objects::site::link::SiteLink;
use crate::participant::Participant;
use link::{ConversationRoute, NewConversation, VerifiedVisitor, CONNECT_PATH, SETTINGS_KEPT_MS};
use protocol::{
    Author, ChatMessage, ConversationEvent, ConversationState, ErrorBody, ErrorCode, SiteSettings,
    SystemEvent,
};
use std::cell::RefCell;
use store::{Meta, Store};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage,
};

#[durable_object]
pub struct ConversationRoom {
    state: State,
    env: Env,
    settings: RefCell<Option<(SiteSettings, u64)>>,
    /// The visitor's rate of writes (in memory: a limit over seconds and minutes).
    visitor_rate: RefCell<Option<protocol::limits::Bucket>>,
    /// The visitor's rate of his other commands.
    visitor_other_rate: RefCell<Option<protocol::limits::Bucket>>,
    /// Each operator's rate of commands.
    operator_rates: RefCell<protocol::rate_table::RateTable<protocol::OperatorId>>,
    /// What changed in the searchable text since the last report to the site.
    search_change: RefCell<SearchChange>,
    /// Commands received while another is being carried out, in arrival order.
    pending: RefCell<
        std::collections::VecDeque<(WebSocket, Participant, protocol::ConversationCommand)>,
    >,
    /// Whether a handler is carrying out commands now.
    busy: std::cell::Cell<bool>,
    /// When "typing…" was last shown in the visitor's Telegram chat (ms).
    telegram_typing_at: std::cell::Cell<u64>,
}

/// Marks the conversation's command queue idle when the handler draining it ends.
struct Busy<'a>(&'a std::cell::Cell<bool>);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// How the site's search text of this conversation must change.
#[derive(Default)]
enum SearchChange {
    #[default]
    Unchanged,
    /// New messages: their text is appended (cheap, the usual case).
    Appended(Vec<protocol::ChatMessage>),
    /// An edit or deletion: the text is rebuilt from the log.
    Rebuild,
}

impl DurableObject for ConversationRoom {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = Store(state.storage().sql()).migrate() {
            crate::log::error("schema.migration_failed", &e, &[("object", "conversation")]);
        }
        crate::objects::answer_pings(&state);
        Self {
            state,
            env,
            settings: RefCell::new(None),
            visitor_rate: RefCell::new(None),
            visitor_other_rate: RefCell::new(None),
            operator_rates: RefCell::new(protocol::rate_table::RateTable::new(
                protocol::limits::MAX_RATED_OPERATORS,
            )),
            search_change: RefCell::new(SearchChange::Unchanged),
            pending: RefCell::default(),
            busy: Default::default(),
            telegram_typing_at: Default::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.path() == CONNECT_PATH {
            return self.accept_participant(req).await;
        }
        let route = match http::read_route::<ConversationRoute>(&mut req).await {
            Ok(route) => route,
            Err(e) => return http::error(ErrorCode::NotFound, e.to_string()),
        };
        let done = || Ok(Response::empty()?.with_status(204));
        match route {
            ConversationRoute::Open(new) => {
                let status = if self.create_if_new(new)? { 201 } else { 204 };
                Ok(Response::empty()?.with_status(status))
            }
            ConversationRoute::Verify(verified) => self.verify(verified).await,
            ConversationRoute::Access { participant } => self.access(&participant),
            ConversationRoute::Transcript { until } => self.transcript(until),
            ConversationRoute::CustomData(update) => self.set_custom_data(update).await,
            ConversationRoute::Uploaded(uploaded) => {
                self.uploaded(uploaded).await?;
                done()
            }
            ConversationRoute::ChannelMessage(message) => self.channel_message(message).await,
            ConversationRoute::ChannelRating { score } => self.channel_rating(score).await,
            ConversationRoute::NotDelivered { seq, reason } => {
                self.not_delivered(seq, reason)?;
                done()
            }
            ConversationRoute::Revoke(revoke) => {
                crate::objects::revoke::close_revoked(&self.state, &revoke);
                done()
            }
            ConversationRoute::Settings(settings) => {
                // Kept as long as the ones they replace: the site hands changes to a
                // conversation for that long after it read them.
                if let Some((held, _)) = self.settings.borrow_mut().as_mut() {
                    *held = *settings;
                }
                done()
            }
            ConversationRoute::Erase => self.erase().await,
            ConversationRoute::Export => self.export(),
            ConversationRoute::Import { site, conversation } => {
                self.import(site, *conversation).await
            }
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let Some(participant) = ws.deserialize_attachment::<Participant>()? else {
            ws.close(Some(1011), Some("socket lost its identity"))?;
            return Ok(());
        };
        let frame = match message {
            WebSocketIncomingMessage::String(text) => text,
            WebSocketIncomingMessage::Binary(_) => {
                let error =
                    ErrorBody::new(ErrorCode::MalformedFrame, "binary frames are not accepted");
                return ws.send(&ConversationEvent::Error(error));
            }
        };
        let command = match protocol::decode_command(&frame) {
            Ok(command) => command,
            Err(e) => return ws.send(&ConversationEvent::Error(e.into())),
        };
        // One command at a time, in arrival order: a command that awaits the site (choosing a
        // department, routing) must be done before the next one reads the state. Commands
        // arriving meanwhile wait in `pending`; the handler already running carries them out.
        self.pending
            .borrow_mut()
            .push_back((ws, participant, command));
        if self.busy.replace(true) {
            return Ok(());
        }
        // Should this handler be dropped midway, the next command starts a new one.
        let _idle_again = Busy(&self.busy);
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some((ws, participant, command)) = next else {
                return Ok(());
            };
            if let Err(e) = self.handle(&ws, &participant, command).await {
                crate::log::error("conversation.command_failed", &e, &[]);
                let _ = ws.send(&ConversationEvent::Error(ErrorBody::new(
                    ErrorCode::Internal,
                    "the relay could not finish this command; sending it again is safe",
                )));
            }
        }
    }

    /// Uploads never sent are deleted an hour on (`uploads`); replies to a visitor who left
    /// are e-mailed to him (`reply_mail`); a chat nobody answers escalates (`escalation`); a
    /// quiet one asks for a rating (`survey`). Each says when it needs the alarm next.
    async fn alarm(&self) -> Result<Response> {
        let files = self.delete_unsent_files().await?;
        let mail = self.mail_replies_if_due().await?;
        let escalation = self.escalate_if_due().await?;
        let survey = self.survey_if_quiet().await?;
        let next = [files, mail, escalation, survey]
            .into_iter()
            .flatten()
            .min();
        if let Some(next) = next {
            self.wake_at(next).await?;
        }
        Ok(Response::empty()?.with_status(204))
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        crate::objects::finish_close(&ws, code);
        Ok(())
    }
}

impl ConversationRoom {
    /// Takes one of the visitor's commands from his rate (writes, or the others); `Err` is
    /// how long until the next.
    fn visitor_may(&self, write: bool) -> std::result::Result<(), u64> {
        let (rate, bucket) = if write {
            let rate = crate::limits::rate(&self.env, crate::limits::Limited::VisitorMessages);
            (rate, &self.visitor_rate)
        } else {
            (
                protocol::limits::VISITOR_OTHER_COMMANDS,
                &self.visitor_other_rate,
            )
        };
        let now = http::now_ms();
        bucket
            .borrow_mut()
            .get_or_insert_with(|| protocol::limits::Bucket::new(rate, now))
            .take(rate, now)
    }

    /// Takes one command from `operator`'s rate; `Err` is how long until the next.
    fn operator_may(&self, operator: &protocol::OperatorId) -> std::result::Result<(), u64> {
        let rate = crate::config::get(&self.env).map_or(protocol::limits::OPERATOR_COMMANDS, |c| {
            c.rate_operator_commands
        });
        self.operator_rates
            .borrow_mut()
            .take(operator, rate, http::now_ms())
    }

    fn store(&self) -> Store {
        Store(self.state.storage().sql())
    }

    fn site<'a>(&'a self, meta: &'a Meta) -> SiteLink<'a> {
        SiteLink::new(&self.env, &meta.site)
    }

    /// The site's settings: as last pushed by the site, or fetched at most every
    /// `SETTINGS_KEPT_MS`.
    async fn settings(&self, meta: &Meta) -> Result<SiteSettings> {
        let now = http::now_ms();
        if let Some((settings, at)) = self.settings.borrow().as_ref() {
            if now < at + SETTINGS_KEPT_MS {
                return Ok(settings.clone());
            }
        }
        let settings = self.site(meta).settings_for(&meta.conversation).await?;
        *self.settings.borrow_mut() = Some((settings.clone(), now));
        Ok(settings)
    }

    /// Whether an operator may open this conversation now (file requests ask).
    fn access(&self, participant: &Participant) -> Result<Response> {
        let store = self.store();
        if store.meta()?.is_none() {
            return http::error(ErrorCode::NotFound, "no such conversation");
        }
        match participant {
            Participant::Operator { id, role, .. } if !store.state()?.open_to(id, *role) => {
                http::error(ErrorCode::Forbidden, "this chat is assigned to a colleague")
            }
            _ => Ok(Response::empty()?.with_status(204)),
        }
    }

    /// The site's server replaced the custom data operators see (REST API; validated there).
    async fn set_custom_data(&self, update: protocol::rest::CustomDataUpdate) -> Result<Response> {
        let Some(meta) = self.store().meta()? else {
            return http::error(ErrorCode::NotFound, "no such conversation");
        };
        self.save_state(&meta, |s| s.custom_data = update.items)
            .await?;
        Ok(Response::empty()?.with_status(204))
    }

    /// Deletes the conversation for good (data retention): its files, its storage, and the
    /// sockets still on it. The object is left empty, as if it had never been created.
    async fn erase(&self) -> Result<Response> {
        if let Some(meta) = self.store().meta()? {
            crate::files::delete_conversation(&self.env, &meta.site, &meta.conversation).await?;
        }
        for socket in self.state.get_websockets() {
            let _ = socket.close(Some(1000), Some("conversation deleted"));
        }
        self.state.storage().delete_all().await?;
        *self.settings.borrow_mut() = None;
        *self.search_change.borrow_mut() = SearchChange::Unchanged;
        self.store().migrate()?;
        Ok(Response::empty()?.with_status(204))
    }

    /// The messages up to `until` (ms), without private notes: webhooks' transcripts.
    fn transcript(&self, until: Option<u64>) -> Result<Response> {
        let until = until.unwrap_or(u64::MAX);
        let mut messages = self.store().all_but_notes()?;
        messages.retain(|m| m.sent_at <= until);
        http::json(&messages)
    }

    /// The visitor is a verified user of the host site: recorded in the state operators see
    /// (the conversation is created if this is his first visit).
    async fn verify(&self, verified: VerifiedVisitor) -> Result<Response> {
        self.create_if_new(verified.conversation)?;
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return http::error(ErrorCode::NotFound, "no such conversation");
        };
        if store.state()?.verified_user.as_ref() != Some(&verified.user_id) {
            let user = verified.user_id;
            self.save_state(&meta, |s| s.verified_user = Some(user))
                .await?;
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// `true` when it did not exist yet.
    fn create_if_new(&self, new: NewConversation) -> Result<bool> {
        let store = self.store();
        let created = store.meta()?.is_none();
        if created {
            store.put(
                "meta",
                &Meta {
                    site: new.site,
                    conversation: new.conversation,
                    visitor: new.visitor,
                    started_at: http::now_ms(),
                    ip: new.ip,
                    geo: new.geo,
                },
            )?;
        }
        Ok(created)
    }

    /// Stores an operators-only note (`text` or a system `event`) and sends it to the operators.
    fn append_note(
        &self,
        sender: String,
        author: Author,
        text: String,
        event: Option<SystemEvent>,
    ) -> Result<()> {
        let message = self.store().append(store::Draft {
            sender,
            client_id: commands::system_id(),
            author,
            text,
            event,
            attachment: None,
            note: true,
            via: None,
        })?;
        self.broadcast_to_operators(&ConversationEvent::Message { message });
        Ok(())
    }

    /// Sends `event` to the operators only (private notes and their changes).
    fn broadcast_to_operators(&self, event: &ConversationEvent) {
        for socket in crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms()) {
            let _ = socket.send(event);
        }
    }

    /// Sends `event` to every socket of the conversation except `skip`.
    fn broadcast(&self, event: &ConversationEvent, skip: Option<&WebSocket>) {
        let operators = crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms());
        let visitors = self.state.get_websockets_with_tag("visitor");
        for socket in visitors.into_iter().chain(operators) {
            if Some(&socket) != skip {
                let participant = socket
                    .deserialize_attachment::<Participant>()
                    .ok()
                    .flatten();
                let shaped = participant.map(|p| self.shape_for(&p, event));
                // A socket that is closing cannot take the frame; it catches up on reconnect.
                let _ = socket.send(shaped.as_ref().unwrap_or(event));
            }
        }
    }

    /// The masking setting as last read from the site (every command reads it first).
    fn masking(&self) -> protocol::settings::ContactMasking {
        self.settings
            .borrow()
            .as_ref()
            .map(|(s, _)| s.masking.clone())
            .unwrap_or_default()
    }

    /// An event as `participant` may see it: operators whose role the site masks get the
    /// visitor's e-mail and phone masked, and no ratings when the site hides them.
    fn shape_for(&self, participant: &Participant, event: &ConversationEvent) -> ConversationEvent {
        let Participant::Operator { role, .. } = participant else {
            return for_visitor(event);
        };
        let masking = self.masking();
        let (contacts, ratings) = (masking.hides_from(*role), masking.hides_ratings_from(*role));
        if !contacts && !ratings {
            return event.clone();
        }
        let mask_message = |message: &protocol::ChatMessage| {
            let mut message = message.clone();
            if let (true, Some(SystemEvent::Rated { score, scale })) = (ratings, &mut message.event)
            {
                // "The visitor rated the chat", without the score.
                (*score, *scale) = (0, protocol::settings::RatingScale::Off);
            }
            if !contacts {
                return message;
            }
            if let Some(protocol::SystemEvent::CallbackRequested { phone }) = &mut message.event {
                *phone = protocol::ContactInfo {
                    phone: Some(phone.clone()),
                    ..Default::default()
                }
                .masked()
                .phone
                .unwrap_or_default();
            }
            message
        };
        reshaped(event, |state| state.for_role(*role, &masking), mask_message)
    }
}

/// An event as the visitor may see it: the chat's state without the operators' tags.
fn for_visitor(event: &ConversationEvent) -> ConversationEvent {
    reshaped(event, ConversationState::for_visitor, ChatMessage::clone)
}

/// `event` with its state and messages as a reader may see them (`state`, `message`); other
/// events as they are.
fn reshaped(
    event: &ConversationEvent,
    state: impl Fn(&ConversationState) -> ConversationState,
    message: impl Fn(&ChatMessage) -> ChatMessage,
) -> ConversationEvent {
    match event {
        ConversationEvent::State { state: s } => ConversationEvent::State { state: state(s) },
        ConversationEvent::Message { message: m } => ConversationEvent::Message {
            message: message(m),
        },
        ConversationEvent::Messages { messages } => ConversationEvent::Messages {
            messages: messages.iter().map(&message).collect(),
        },
        ConversationEvent::Welcome {
            conversation,
            messages,
            operator,
            state: s,
            presence,
        } => ConversationEvent::Welcome {
            conversation: conversation.clone(),
            messages: messages.iter().map(&message).collect(),
            operator: operator.clone(),
            state: state(s),
            presence: presence.clone(),
        },
        other => other.clone(),
    }
}
