//! What the conversation does with each command from a visitor or an operator.

use super::store::{Draft, Meta};
use super::ConversationRoom;
use crate::http;
use crate::objects::site::AssignRequest;
use crate::participant::Participant;
use protocol::conversation::{check_rating, check_visitor_may_write, Status};
use protocol::limits::PREVIEW_CHARS;
use protocol::limits::{LOG_FRAME_MESSAGES, MAX_MESSAGE_CHARS};
use protocol::{
    Author, ChatMessage, ClientMessageId, ContactInfo, ConversationCommand, ConversationEvent,
    ConversationState, ConversationSummary, ErrorCode, Locale, OperatorCard, OperatorId,
    OutboxEmail, ProtocolError, Role, SiteSettings, SystemEvent, TransferTarget,
};
use worker::{Result, WebSocket};

/// How many transcripts this conversation has e-mailed (store key).
const TRANSCRIPTS_SENT: &str = "transcripts_sent";

fn refuse(ws: &WebSocket, error: ProtocolError) -> Result<()> {
    ws.send(&ConversationEvent::Error(error.into()))
}

fn done(ws: &WebSocket, command: &str) -> Result<()> {
    ws.send(&ConversationEvent::Done {
        command: command.into(),
    })
}

fn system_id() -> ClientMessageId {
    ClientMessageId::parse(format!("sys-{}", crate::random::id())).expect("valid id")
}

impl ConversationRoom {
    pub(super) async fn handle(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        command: ConversationCommand,
    ) -> Result<()> {
        if command.visitor_only() && matches!(participant, Participant::Operator { .. }) {
            return refuse(
                ws,
                ProtocolError::new(ErrorCode::Forbidden, "only the visitor sends this"),
            );
        }
        if command.operator_only() && matches!(participant, Participant::Visitor { .. }) {
            return refuse(
                ws,
                ProtocolError::new(ErrorCode::Forbidden, "only operators send this"),
            );
        }
        let writes = matches!(
            command,
            ConversationCommand::Send { .. }
                | ConversationCommand::Offline { .. }
                | ConversationCommand::Callback { .. }
                | ConversationCommand::Transcript { .. }
        );
        if matches!(participant, Participant::Visitor { .. }) {
            // Writes have their own rate; every other command of a visitor (typing, contact,
            // department, rating…) a looser one, so that no command floods the room.
            if let Err(retry_after_ms) = self.visitor_may(writes) {
                let client_id = match &command {
                    ConversationCommand::Send { client_id, .. }
                    | ConversationCommand::Offline { client_id, .. } => Some(client_id.clone()),
                    _ => None,
                };
                let error = protocol::ErrorBody::rate_limited(client_id, retry_after_ms);
                return ws.send(&ConversationEvent::Error(error));
            }
        }
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return refuse(
                ws,
                ProtocolError::new(ErrorCode::NotFound, "no such conversation"),
            );
        };
        // Every command reads the site's settings (cached for seconds): the masking of what
        // operators receive depends on them.
        self.settings(&meta).await?;
        // The state is read again after every await: another command may have changed it.
        match command {
            ConversationCommand::Send {
                client_id,
                text,
                attachment,
            } => {
                if let Err(e) = self.within_length(&text, &client_id) {
                    return refuse(ws, e);
                }
                if let Participant::Visitor { .. } = participant {
                    let settings = self.settings(&meta).await?;
                    if let Err(mut e) = check_visitor_may_write(&settings, &store.state()?) {
                        e.client_id = Some(client_id);
                        return refuse(ws, e);
                    }
                }
                // Trust only what storage says about the file, and only this conversation's.
                let attachment = match attachment {
                    None => None,
                    Some(claimed) => match crate::files::stored(
                        &self.env,
                        &meta.site,
                        &meta.conversation,
                        &claimed.id,
                    )
                    .await?
                    {
                        Some(stored) => {
                            self.file_sent(&stored.id)?;
                            Some(stored)
                        }
                        None => {
                            let mut e = ProtocolError::new(
                                ErrorCode::NotFound,
                                "no such file in this conversation",
                            );
                            e.client_id = Some(client_id);
                            return refuse(ws, e);
                        }
                    },
                };
                self.store_message(ws, participant, &meta, client_id, text, attachment)
                    .await
            }
            ConversationCommand::Offline {
                client_id,
                contact,
                text,
            } => {
                if let Err(e) = self.within_length(&text, &client_id) {
                    return refuse(ws, e);
                }
                self.save_state(&meta, |s| {
                    s.contact.merge(contact);
                    s.offline = true;
                })
                .await?;
                let fresh = store.stored_seq("visitor", &client_id)?.is_none();
                self.store_message(ws, participant, &meta, client_id, text.clone(), None)
                    .await?;
                if fresh {
                    let settings = self.settings(&meta).await?;
                    if let Some(to) = settings.offline.notify_email.clone() {
                        let contact = store.state()?.contact;
                        let email = offline_email(&settings, &contact, &text, to);
                        self.site(&meta).queue_email(&email).await?;
                    }
                }
                Ok(())
            }
            ConversationCommand::Note { client_id, text } => {
                if let Some(message) =
                    self.append_once(ws, participant, client_id, text, None, true)?
                {
                    self.broadcast_to_operators(&ConversationEvent::Message { message });
                    // Notes are searchable in history.
                    self.report(&meta, &store.state()?).await?;
                }
                Ok(())
            }
            ConversationCommand::Edit { seq, text } => {
                if let Err(e) = own_message(&store, participant, seq) {
                    return refuse(ws, e);
                }
                store.edit(seq, &text)?;
                self.announce_change(&store, seq)?;
                self.report(&meta, &store.state()?).await
            }
            ConversationCommand::Delete { seq } => {
                if let Err(e) = own_message(&store, participant, seq) {
                    return refuse(ws, e);
                }
                store.delete(seq)?;
                self.announce_change(&store, seq)?;
                self.report(&meta, &store.state()?).await
            }
            ConversationCommand::Earlier { before } => {
                let notes = matches!(participant, Participant::Operator { .. });
                let messages = store.page_before(before, LOG_FRAME_MESSAGES, notes)?;
                let event = ConversationEvent::Messages { messages };
                ws.send(&self.shape_for(participant, &event))
            }
            ConversationCommand::Typing { typing } => {
                let event = ConversationEvent::Typing {
                    author: participant.author(),
                    typing,
                };
                self.broadcast(&event, Some(ws));
                Ok(())
            }
            ConversationCommand::Contact { contact } => {
                self.save_state(&meta, |s| s.contact.merge(contact)).await?;
                done(ws, "contact")
            }
            ConversationCommand::CustomData { items } => {
                self.save_state(&meta, |s| s.custom_data = items).await?;
                done(ws, "custom_data")
            }
            ConversationCommand::Source { source } => {
                if !source.is_empty() {
                    self.save_state(&meta, |s| {
                        s.source.get_or_insert(source);
                    })
                    .await?;
                }
                done(ws, "source")
            }
            ConversationCommand::Department { id } => {
                let settings = self.settings(&meta).await?;
                if !settings.departments.iter().any(|d| d.id == id) {
                    return refuse(
                        ws,
                        ProtocolError::new(ErrorCode::InvalidField, "no such department"),
                    );
                }
                self.save_state(&meta, |s| s.department = Some(id)).await?;
                done(ws, "department")
            }
            ConversationCommand::Close => {
                if store.state()?.status == Status::Closed {
                    return done(ws, "close");
                }
                let event = match participant {
                    Participant::Operator { name, .. } => {
                        SystemEvent::ClosedByOperator { name: name.clone() }
                    }
                    Participant::Visitor { .. } => SystemEvent::EndedByVisitor,
                };
                self.system_message(String::new(), Some(event))?;
                self.save_state(&meta, |s| s.status = Status::Closed)
                    .await?;
                done(ws, "close")
            }
            ConversationCommand::Ban => {
                let by = match participant {
                    Participant::Operator { name, .. } => name.clone(),
                    Participant::Visitor { .. } => String::new(),
                };
                self.site(&meta)
                    .ban(&protocol::Ban {
                        id: 0,
                        visitor: Some(meta.visitor.clone()),
                        ip: meta.ip.clone(),
                        by,
                        at: http::now_ms(),
                    })
                    .await?;
                if !store.state()?.spam {
                    self.system_message(String::new(), Some(SystemEvent::EndedAsSpam))?;
                    self.save_state(&meta, |s| {
                        s.status = Status::Closed;
                        s.spam = true;
                    })
                    .await?;
                }
                // The banned visitor's sockets are closed; reconnecting is refused at the edge.
                for socket in self.state.get_websockets_with_tag("visitor") {
                    let _ = socket.close(Some(1008), Some("banned"));
                }
                done(ws, "ban")
            }
            ConversationCommand::Spam => {
                if store.state()?.spam {
                    return done(ws, "spam");
                }
                self.system_message(String::new(), Some(SystemEvent::EndedAsSpam))?;
                self.save_state(&meta, |s| {
                    s.status = Status::Closed;
                    s.spam = true;
                })
                .await?;
                done(ws, "spam")
            }
            ConversationCommand::Assign { operator } => {
                self.assign_to(ws, participant, &meta, operator).await
            }
            ConversationCommand::Transfer { to, note } => {
                self.transfer(ws, participant, &meta, to, note).await
            }
            ConversationCommand::Invite { operator, note } => {
                self.invite(ws, participant, &meta, operator, note).await
            }
            ConversationCommand::Rate { score, comment } => {
                let settings = self.settings(&meta).await?;
                let rating =
                    match check_rating(&settings, &store.state()?, score, comment.as_deref()) {
                        Ok(rating) => rating,
                        Err(e) => return refuse(ws, e),
                    };
                let positive = rating.scale.is_positive(score);
                self.system_message(
                    String::new(),
                    Some(SystemEvent::Rated {
                        score,
                        scale: rating.scale,
                    }),
                )?;
                let reply = if positive {
                    settings.rating.positive_reply.clone()
                } else {
                    settings.rating.negative_reply.clone()
                };
                if let Some(reply) = reply.filter(|r| !r.trim().is_empty()) {
                    self.system_message(reply, None)?;
                }
                self.save_state(&meta, |s| s.rating = Some(rating)).await?;
                done(ws, "rate")
            }
            ConversationCommand::Transcript { email } => {
                // The address is the visitor's word only: a few per chat, a chat with
                // something in it, and a daily cap per site (the site object's).
                let sent: u32 = store.get(TRANSCRIPTS_SENT)?.unwrap_or(0);
                if sent >= protocol::limits::TRANSCRIPTS_PER_CONVERSATION {
                    return refuse(
                        ws,
                        ProtocolError::new(
                            ErrorCode::RateLimited,
                            "this chat's transcript was sent as many times as it may be",
                        ),
                    );
                }
                let messages = store.all()?;
                if messages.is_empty() {
                    return refuse(
                        ws,
                        ProtocolError::new(
                            ErrorCode::InvalidField,
                            "this chat has no messages yet",
                        ),
                    );
                }
                let settings = self.settings(&meta).await?;
                let body = transcript(&settings, &messages);
                let subject = match settings.locale {
                    Some(Locale::Ru) => format!("Ваш чат с {}", settings.name),
                    _ => format!("Your chat with {}", settings.name),
                };
                let queued = self
                    .site(&meta)
                    .queue_visitor_email(&OutboxEmail {
                        to: email,
                        subject,
                        body,
                        created_at: http::now_ms(),
                        delivery: Default::default(),
                    })
                    .await?;
                if !queued {
                    return refuse(
                        ws,
                        ProtocolError::new(
                            ErrorCode::RateLimited,
                            "transcripts cannot be sent today: try again tomorrow",
                        ),
                    );
                }
                store.put(TRANSCRIPTS_SENT, &(sent + 1))?;
                done(ws, "transcript")
            }
            ConversationCommand::Callback { phone } => {
                self.system_message(
                    String::new(),
                    Some(SystemEvent::CallbackRequested {
                        phone: phone.clone(),
                    }),
                )?;
                self.save_state(&meta, |s| s.callback = Some(phone)).await?;
                done(ws, "callback")
            }
        }
    }

    /// Stores a message unless this sender already sent this `client_id`, then acknowledges
    /// it; only a newly stored message is broadcast and reported to the site. A visitor writing
    /// into an ended chat reopens it.
    async fn store_message(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        client_id: ClientMessageId,
        text: String,
        attachment: Option<protocol::Attachment>,
    ) -> Result<()> {
        let Some(message) =
            self.append_once(ws, participant, client_id, text, attachment, false)?
        else {
            return Ok(());
        };
        let operator = match participant {
            Participant::Operator { id, .. } => Some(id),
            Participant::Visitor { .. } => None,
        };
        // Broadcast first: once stored, a message reaches every open socket whatever fails next.
        let sent_at = message.sent_at;
        self.broadcast(&ConversationEvent::Message { message }, None);
        let store = self.store();
        let mut facts = store.facts()?;
        facts.record(operator, sent_at);
        store.set_facts(&facts)?;
        let visitor = matches!(participant, Participant::Visitor { .. });
        // An unassigned chat goes to the operator who answers it, or routing picks one for
        // the visitor's message.
        let mut assignee = None;
        if self.store().state()?.assignee.is_none() {
            assignee = match participant {
                Participant::Operator { .. } => participant.operator_card(),
                Participant::Visitor { .. } => self.route(meta, None).await?,
            };
        }
        if let Some(card) = &assignee {
            let event = SystemEvent::Assigned {
                name: card.name.clone(),
            };
            self.system_message(String::new(), Some(event))?;
        }
        self.save_state(meta, |s| {
            if visitor && s.status == Status::Closed {
                s.status = Status::Open;
            }
            if s.assignee.is_none() {
                s.assignee = assignee;
            }
        })
        .await
    }

    /// Asks the site's routing for an operator (when the site assigns automatically).
    async fn route(
        &self,
        meta: &Meta,
        exclude: Option<&OperatorId>,
    ) -> Result<Option<OperatorCard>> {
        let settings = self.settings(meta).await?;
        if !settings.routing.auto_assign {
            return Ok(None);
        }
        let state = self.store().state()?;
        let request = AssignRequest {
            conversation: meta.conversation.clone(),
            department: state.department.clone(),
            previous: self.store().last_operator_author()?.and_then(|a| match a {
                Author::Operator { id, .. } => Some(id),
                _ => None,
            }),
            exclude: exclude.cloned(),
            geo: meta.geo.clone(),
        };
        self.site(meta).assign(&request).await
    }

    /// A current member of the site's team, or a refusal naming the problem.
    async fn colleague_card(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        id: &OperatorId,
    ) -> Result<Option<OperatorCard>> {
        match crate::objects::directory::colleague(&self.env, &meta.site, id).await? {
            Some(info) => Ok(Some(OperatorCard {
                id: info.id,
                name: info.name,
            })),
            None => {
                refuse(
                    ws,
                    ProtocolError::new(ErrorCode::NotFound, "no such operator on this site"),
                )?;
                Ok(None)
            }
        }
    }

    /// `Assign`: admins give the chat to anyone of the team; an operator takes an unassigned
    /// chat for himself.
    async fn assign_to(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        operator: OperatorId,
    ) -> Result<()> {
        let Participant::Operator { id: me, role, .. } = participant else {
            return Ok(());
        };
        let current = self.store().state()?.assignee;
        if *role == Role::Operator && (current.is_some() || &operator != me) {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::Forbidden,
                    "operators take unassigned chats for themselves; admins assign",
                ),
            );
        }
        let Some(card) = self.colleague_card(ws, meta, &operator).await? else {
            return Ok(());
        };
        if current.as_ref().is_some_and(|c| c.id == card.id) {
            return done(ws, "assign");
        }
        let event = match &current {
            Some(previous) => SystemEvent::Transferred {
                from: previous.name.clone(),
                to: card.name.clone(),
            },
            None => SystemEvent::Assigned {
                name: card.name.clone(),
            },
        };
        self.system_message(String::new(), Some(event))?;
        self.save_state(meta, |s| {
            s.invited.retain(|i| i.id != card.id);
            s.assignee = Some(card);
        })
        .await?;
        done(ws, "assign")
    }

    /// `Transfer`: the chat's operator (or an admin) hands it to a colleague or a department.
    async fn transfer(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        to: TransferTarget,
        note: Option<String>,
    ) -> Result<()> {
        let Participant::Operator { id: me, role, name } = participant else {
            return Ok(());
        };
        let current = self.store().state()?.assignee;
        let mine = current.as_ref().is_none_or(|c| &c.id == me);
        if *role == Role::Operator && !mine {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::Forbidden,
                    "only the chat's operator or an admin transfers it",
                ),
            );
        }
        let from = current.as_ref().map_or(name.clone(), |c| c.name.clone());
        match to {
            TransferTarget::Operator { id } => {
                let Some(card) = self.colleague_card(ws, meta, &id).await? else {
                    return Ok(());
                };
                if current.as_ref().is_some_and(|c| c.id == card.id) {
                    return refuse(
                        ws,
                        ProtocolError::new(ErrorCode::Conflict, "the chat is already theirs"),
                    );
                }
                self.private_note(participant, note)?;
                let event = SystemEvent::Transferred {
                    from,
                    to: card.name.clone(),
                };
                self.system_message(String::new(), Some(event))?;
                self.save_state(meta, |s| {
                    s.invited.retain(|i| i.id != card.id);
                    s.assignee = Some(card);
                })
                .await?;
            }
            TransferTarget::Department { id } => {
                let settings = self.settings(meta).await?;
                let Some(department) = settings.departments.iter().find(|d| d.id == id) else {
                    return refuse(
                        ws,
                        ProtocolError::new(ErrorCode::NotFound, "no such department"),
                    );
                };
                self.private_note(participant, note)?;
                let event = SystemEvent::TransferredToDepartment {
                    department: department.name.clone(),
                };
                self.system_message(String::new(), Some(event))?;
                self.save_state(meta, |s| {
                    s.department = Some(id);
                    s.assignee = None;
                })
                .await?;
                // Routing for the new department, past the operator who handed it on.
                let exclude = current.map(|c| c.id);
                if let Some(card) = self.route(meta, exclude.as_ref()).await? {
                    let event = SystemEvent::Assigned {
                        name: card.name.clone(),
                    };
                    self.system_message(String::new(), Some(event))?;
                    self.save_state(meta, |s| {
                        if s.assignee.is_none() {
                            s.assignee = Some(card);
                        }
                    })
                    .await?;
                }
            }
        }
        done(ws, "transfer")
    }

    /// `Invite`: someone in the chat (or an admin) brings a colleague in beside the assignee.
    async fn invite(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        operator: OperatorId,
        note: Option<String>,
    ) -> Result<()> {
        let Participant::Operator { id: me, role, .. } = participant else {
            return Ok(());
        };
        let state = self.store().state()?;
        if *role == Role::Operator && !state.involves(me) {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::Forbidden,
                    "only operators in the chat or admins invite colleagues",
                ),
            );
        }
        let Some(card) = self.colleague_card(ws, meta, &operator).await? else {
            return Ok(());
        };
        if state.involves(&card.id) {
            return done(ws, "invite");
        }
        self.private_note(participant, note)?;
        let event = SystemEvent::Invited {
            name: card.name.clone(),
        };
        self.system_message(String::new(), Some(event))?;
        self.save_state(meta, |s| {
            if !s.involves(&card.id) {
                s.invited.push(card);
            }
        })
        .await?;
        done(ws, "invite")
    }

    /// Stores a note that goes with a transfer or an invitation, for operators only.
    fn private_note(&self, participant: &Participant, note: Option<String>) -> Result<()> {
        let Some(text) = note else { return Ok(()) };
        let message = self.store().append(Draft {
            sender: participant.sender_key(),
            client_id: system_id(),
            author: participant.author(),
            text,
            event: None,
            attachment: None,
            note: true,
        })?;
        self.broadcast_to_operators(&ConversationEvent::Message { message });
        Ok(())
    }

    /// Stores a message unless this sender already sent `client_id`, and acknowledges it
    /// either way. Returns the message only when it is new (a retry stores nothing).
    fn append_once(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        client_id: ClientMessageId,
        text: String,
        attachment: Option<protocol::Attachment>,
        note: bool,
    ) -> Result<Option<ChatMessage>> {
        let store = self.store();
        let sender = participant.sender_key();
        // The sender's socket may have closed since it sent the command (commands wait their
        // turn): its ack is then lost, harmlessly — the client resends and is acked again. A
        // failed ack must never stop the message from reaching everyone else.
        if let Some(seq) = store.stored_seq(&sender, &client_id)? {
            let _ = ws.send(&ConversationEvent::Ack { client_id, seq });
            return Ok(None);
        }
        let message = store.append(Draft {
            sender,
            client_id: client_id.clone(),
            author: participant.author(),
            text,
            event: None,
            attachment,
            note,
        })?;
        let _ = ws.send(&ConversationEvent::Ack {
            client_id,
            seq: message.seq,
        });
        let mut change = self.search_change.borrow_mut();
        match &mut *change {
            super::SearchChange::Appended(list) => list.push(message.clone()),
            super::SearchChange::Unchanged => {
                *change = super::SearchChange::Appended(vec![message.clone()])
            }
            super::SearchChange::Rebuild => {}
        }
        Ok(Some(message))
    }

    /// Sends the changed message to whoever may see it.
    fn announce_change(&self, store: &super::store::Store, seq: u64) -> Result<()> {
        *self.search_change.borrow_mut() = super::SearchChange::Rebuild;
        let Some(message) = store.message(seq)? else {
            return Ok(());
        };
        let event = ConversationEvent::Changed {
            message: message.clone(),
        };
        if message.note {
            self.broadcast_to_operators(&event);
        } else {
            self.broadcast(&event, None);
        }
        Ok(())
    }

    /// Appends a system message and broadcasts it.
    fn system_message(&self, text: String, event: Option<SystemEvent>) -> Result<ChatMessage> {
        let message = self.store().append(Draft {
            sender: "system".into(),
            client_id: system_id(),
            author: Author::System,
            text,
            event,
            attachment: None,
            note: false,
        })?;
        self.broadcast(
            &ConversationEvent::Message {
                message: message.clone(),
            },
            None,
        );
        Ok(message)
    }

    /// Changes the state — read, changed and written with no await in between, so concurrent
    /// commands never undo each other — then tells everyone in the conversation and the inbox.
    pub(super) async fn save_state(
        &self,
        meta: &Meta,
        change: impl FnOnce(&mut ConversationState),
    ) -> Result<()> {
        let store = self.store();
        let mut state = store.state()?;
        let before = state.clone();
        change(&mut state);
        let state = &state;
        if state.status == Status::Closed && before.status != Status::Closed {
            let mut facts = store.facts()?;
            facts.closed_at = Some(http::now_ms());
            store.set_facts(&facts)?;
        }
        // Most messages change nothing: then nothing is written or sent but the site's report.
        if *state != before {
            store.set_state(state)?;
            self.broadcast(
                &ConversationEvent::State {
                    state: state.clone(),
                },
                None,
            );
            // Operators the chat was transferred away from lose it at once.
            for socket in self.state.get_websockets_with_tag("operator") {
                if let Ok(Some(Participant::Operator { id, role, .. })) =
                    socket.deserialize_attachment::<Participant>()
                {
                    if !state.open_to(&id, role) {
                        let _ = socket.close(Some(1008), Some("assigned to a colleague"));
                    }
                }
            }
        }
        self.report(meta, state).await
    }

    /// The relay's `MAX_MESSAGE_CHARS` (the decoder already holds every text to the 4,000 cap).
    fn within_length(
        &self,
        text: &str,
        client_id: &ClientMessageId,
    ) -> std::result::Result<(), ProtocolError> {
        let most = crate::config::get(&self.env).map_or(MAX_MESSAGE_CHARS, |c| c.max_message_chars);
        if text.chars().count() <= most {
            return Ok(());
        }
        let mut e = ProtocolError::new(
            ErrorCode::TooLarge,
            format!("messages may be at most {most} characters"),
        );
        e.client_id = Some(client_id.clone());
        Err(e)
    }

    /// Tells the site (inbox and history) how the conversation stands now.
    async fn report(&self, meta: &Meta, state: &ConversationState) -> Result<()> {
        self.report_as(meta, state, false).await
    }

    /// `imported`: the conversation came from an export; the site indexes it quietly (no
    /// webhooks, alerts or lifecycle logs for events that happened long ago).
    pub(super) async fn report_as(
        &self,
        meta: &Meta,
        state: &ConversationState,
        imported: bool,
    ) -> Result<()> {
        let store = self.store();
        let Some(last) = store.last_message()? else {
            return Ok(());
        };
        let summary = ConversationSummary {
            id: meta.conversation.clone(),
            visitor: meta.visitor.clone(),
            started_at: meta.started_at,
            last_at: last.sent_at,
            last_preview: match (&last.attachment, last.text.is_empty()) {
                (Some(file), true) => format!("📎 {}", file.name),
                _ => protocol::preview(&last.text, PREVIEW_CHARS),
            },
            last_author: last.author.clone(),
            message_count: store.count()?,
            state: state.clone(),
        };
        // History search: new messages are appended; an edit or deletion rebuilds the text
        // from the newest messages and notes (a long chat keeps its latest part).
        let change = std::mem::take(&mut *self.search_change.borrow_mut());
        let (search, search_append, operators) = match &change {
            super::SearchChange::Unchanged => (None, None, Vec::new()),
            super::SearchChange::Appended(new) => (
                None,
                Some(protocol::history::search_text(new)),
                protocol::history::operator_authors(new),
            ),
            super::SearchChange::Rebuild => {
                let messages = store.history_after(0, 2000, true)?;
                (
                    Some(protocol::history::search_text(&messages)),
                    None,
                    protocol::history::operator_authors(&messages),
                )
            }
        };
        let report = crate::objects::site::ConversationReport {
            facts: store.facts()?,
            search,
            search_append,
            contact: protocol::history::contact_text(&state.contact),
            operators,
            summary,
            imported,
        };
        if let Err(e) = self.site(meta).report(&report).await {
            // The message is stored; the inbox catches up with the next update, and the
            // search text is rebuilt then.
            crate::log::error(
                "inbox.report_failed",
                &e,
                &[("conversation", meta.conversation.as_str())],
            );
            *self.search_change.borrow_mut() = super::SearchChange::Rebuild;
        }
        Ok(())
    }
}

/// Checks `seq` is a live message written by this operator.
fn own_message(
    store: &super::store::Store,
    participant: &Participant,
    seq: u64,
) -> std::result::Result<(), ProtocolError> {
    let message = store
        .message(seq)
        .ok()
        .flatten()
        .filter(|m| !m.deleted)
        .ok_or_else(|| ProtocolError::new(ErrorCode::NotFound, "no such message"))?;
    let mine = matches!(
        (&message.author, participant),
        (Author::Operator { id, .. }, Participant::Operator { id: me, .. }) if id == me
    );
    if !mine || message.event.is_some() {
        return Err(ProtocolError::new(
            ErrorCode::Forbidden,
            "only the author edits or deletes a message",
        ));
    }
    Ok(())
}

fn clock(ms: u64) -> String {
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_iso_string()
        .into();
    format!("{} UTC", iso.get(..16).unwrap_or("").replace('T', " "))
}

/// A plain-text transcript, one line a message.
fn transcript(settings: &SiteSettings, messages: &[ChatMessage]) -> String {
    let ru = settings.locale == Some(Locale::Ru);
    let mut out = String::new();
    for m in messages {
        let who = match &m.author {
            Author::Visitor => if ru { "Вы" } else { "You" }.to_owned(),
            Author::Operator { name, .. } => name.clone(),
            Author::System => settings.name.clone(),
        };
        let text = match &m.event {
            None => m.text.clone(),
            Some(SystemEvent::ClosedByOperator { name }) => {
                if ru {
                    format!("{name} завершил(а) чат")
                } else {
                    format!("{name} closed the chat")
                }
            }
            Some(SystemEvent::EndedByVisitor) => if ru {
                "Вы завершили чат"
            } else {
                "You ended the chat"
            }
            .to_owned(),
            Some(SystemEvent::EndedAsSpam) => if ru {
                "Оператор завершил чат"
            } else {
                "The operator ended the chat"
            }
            .to_owned(),
            Some(SystemEvent::Rated { score, scale }) => {
                if ru {
                    format!("Оценка: {score} из {}", scale.max())
                } else {
                    format!("Rating: {score} of {}", scale.max())
                }
            }
            Some(SystemEvent::CallbackRequested { phone }) => {
                if ru {
                    format!("Заказан обратный звонок: {phone}")
                } else {
                    format!("Call back requested: {phone}")
                }
            }
            Some(SystemEvent::Assigned { name } | SystemEvent::Invited { name }) => {
                if ru {
                    format!("{name} в чате")
                } else {
                    format!("{name} joined the chat")
                }
            }
            Some(SystemEvent::Transferred { to, .. }) => {
                if ru {
                    format!("Чат передан: {to}")
                } else {
                    format!("The chat was transferred to {to}")
                }
            }
            Some(SystemEvent::TransferredToDepartment { department }) => {
                if ru {
                    format!("Чат передан в отдел «{department}»")
                } else {
                    format!("The chat was transferred to {department}")
                }
            }
        };
        out.push_str(&format!("[{}] {who}: {text}\n", clock(m.sent_at)));
    }
    out
}

fn offline_email(
    settings: &SiteSettings,
    contact: &ContactInfo,
    text: &str,
    to: String,
) -> OutboxEmail {
    let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    OutboxEmail {
        to,
        subject: format!(
            "Offline message from {} — {}",
            field(&contact.name),
            settings.name
        ),
        body: format!(
            "Name: {}\nE-mail: {}\nPhone: {}\n\n{}\n",
            field(&contact.name),
            field(&contact.email),
            field(&contact.phone),
            text
        ),
        created_at: http::now_ms(),
        delivery: Default::default(),
    }
}
