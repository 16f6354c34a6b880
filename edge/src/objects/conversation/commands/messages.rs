//! Writing into the chat: messages (with files), offline messages, operators' notes, edits
//! and deletions, earlier pages, typing; each stored once whatever the retries.

use super::super::store::{Draft, Meta, Store};
use super::super::{ConversationRoom, SearchChange};
use super::{refuse, system_id};
use crate::objects::telegram::link::Action;
use crate::participant::Participant;
use protocol::conversation::{check_visitor_may_write, Status};
use protocol::limits::{LOG_FRAME_MESSAGES, MAX_MESSAGE_CHARS};
use protocol::{
    Attachment, Author, Channel, ChatMessage, ClientMessageId, ContactInfo, ConversationEvent,
    ErrorCode, OperatorCard, ProtocolError, SystemEvent,
};
use worker::{Result, WebSocket};

/// A message as its sender wrote it, before the store numbers it.
pub(in super::super) struct Written {
    pub client_id: ClientMessageId,
    pub text: String,
    pub attachment: Option<Attachment>,
    /// How it came, when not through the web chat.
    pub via: Option<Channel>,
}

impl Written {
    pub fn new(client_id: ClientMessageId, text: String, attachment: Option<Attachment>) -> Self {
        Self {
            client_id,
            text,
            attachment,
            via: None,
        }
    }
}

impl ConversationRoom {
    /// `Send`: a message (with a file uploaded to this conversation, if any).
    pub(super) async fn send_message(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        client_id: ClientMessageId,
        text: String,
        attachment: Option<Attachment>,
    ) -> Result<()> {
        if let Err(e) = self.within_length(&text, &client_id) {
            return refuse(ws, e);
        }
        if let Participant::Visitor { .. } = participant {
            let settings = self.settings(meta).await?;
            if let Err(mut e) = check_visitor_may_write(&settings, &self.store().state()?) {
                e.client_id = Some(client_id);
                return refuse(ws, e);
            }
        }
        // Trust only what storage says about the file, and only this conversation's.
        let attachment = match attachment {
            None => None,
            Some(claimed) => {
                let stored =
                    crate::files::stored(&self.env, &meta.site, &meta.conversation, &claimed.id)
                        .await?;
                match stored {
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
                }
            }
        };
        let written = Written::new(client_id, text, attachment);
        self.store_message(Some(ws), participant, meta, written)
            .await
    }

    /// `Offline`: a message left when nobody is online, with the visitor's contact data; the
    /// site's address for them gets it by e-mail (once, whatever the retries).
    pub(super) async fn offline_message(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        client_id: ClientMessageId,
        contact: ContactInfo,
        text: String,
    ) -> Result<()> {
        if let Err(e) = self.within_length(&text, &client_id) {
            return refuse(ws, e);
        }
        if !contact.is_empty() {
            if let Err(mut e) = self.may_keep_contact(meta).await? {
                e.client_id = Some(client_id);
                return refuse(ws, e);
            }
        }
        self.save_state(meta, |s| {
            s.contact.merge(contact);
            s.offline = true;
        })
        .await?;
        let store = self.store();
        let fresh = store.stored_seq("visitor", &client_id)?.is_none();
        let written = Written::new(client_id, text.clone(), None);
        self.store_message(Some(ws), participant, meta, written)
            .await?;
        if fresh {
            let settings = self.settings(meta).await?;
            if let Some(to) = settings.offline.notify_email.clone() {
                let contact = store.state()?.contact;
                let email = protocol::chat_mail::offline_email(
                    &settings,
                    &contact,
                    &text,
                    to,
                    crate::http::now_ms(),
                );
                self.site(meta).queue_email(&email).await?;
            }
        }
        Ok(())
    }

    /// `Note`: a private note, for operators only.
    pub(super) async fn note(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        client_id: ClientMessageId,
        text: String,
    ) -> Result<()> {
        let written = Written::new(client_id, text, None);
        if let Some(message) = self.append_once(Some(ws), participant, written, true)? {
            self.broadcast_to_operators(&ConversationEvent::Message { message });
            // Notes are searchable in history.
            self.update_site(meta, &self.store().state()?).await?;
        }
        Ok(())
    }

    /// `Edit` (with the new text) or `Delete` (without): an operator's own message.
    pub(super) async fn change_message(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
        seq: u64,
        text: Option<String>,
    ) -> Result<()> {
        let store = self.store();
        if let Err(e) = own_message(&store, participant, seq) {
            return refuse(ws, e);
        }
        let action = match text {
            Some(text) => {
                store.edit(seq, &text)?;
                Action::Edit { seq, text }
            }
            None => {
                store.delete(seq)?;
                Action::Delete { seq }
            }
        };
        self.announce_change(&store, seq)?;
        if !store.message(seq)?.is_some_and(|m| m.note) {
            self.to_telegram(meta, action).await?;
        }
        self.update_site(meta, &store.state()?).await
    }

    /// `Earlier`: the page of the log before `before`, as this participant may see it.
    pub(super) fn earlier(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        before: u64,
    ) -> Result<()> {
        let notes = matches!(participant, Participant::Operator { .. });
        let messages = self
            .store()
            .newest_before(before, LOG_FRAME_MESSAGES, notes)?;
        let event = ConversationEvent::Messages { messages };
        ws.send(&self.shape_for(participant, &event))
    }

    /// `Typing`: shown to the other side at once, never stored.
    pub(super) fn typing(&self, ws: &WebSocket, participant: &Participant, typing: bool) {
        let event = ConversationEvent::Typing {
            author: participant.author(),
            typing,
        };
        self.broadcast(&event, Some(ws));
    }

    /// Stores a message unless this sender already sent this `client_id`, then acknowledges
    /// it; only a newly stored message is broadcast and reported to the site. A visitor writing
    /// into an ended chat reopens it.
    pub(in super::super) async fn store_message(
        &self,
        ws: Option<&WebSocket>,
        participant: &Participant,
        meta: &Meta,
        written: Written,
    ) -> Result<()> {
        let Some(message) = self.append_once(ws, participant, written, false)? else {
            return Ok(());
        };
        let operator = match participant {
            Participant::Operator { id, .. } => Some(id),
            Participant::Visitor { .. } => None,
        };
        // Broadcast first: once stored, a message reaches every open socket whatever fails next.
        let (seq, sent_at) = (message.seq, message.sent_at);
        let asked = (message.via.is_none()).then(|| message.text.clone());
        let to_telegram = Action::Send {
            seq,
            text: message.text.clone(),
            attachment: message.attachment.clone(),
        };
        self.broadcast(&ConversationEvent::Message { message }, None);
        if operator.is_some() {
            self.reply_written(seq).await?;
            self.to_telegram(meta, to_telegram).await?;
        }
        let store = self.store();
        let mut facts = store.facts()?;
        facts.record(operator, sent_at);
        store.set_facts(&facts)?;
        let visitor = matches!(participant, Participant::Visitor { .. });
        // A first question the site has an answer to is answered at once and waits for the
        // visitor's verdict, unrouted; writing again while it waits asks for a person.
        let automatic = match visitor {
            true => self.answer_automatically(meta, asked.as_deref()).await?,
            false => None,
        };
        let state = store.state()?;
        let verdict_awaited = state.awaits_verdict();
        if visitor && verdict_awaited {
            facts.handed_over_at = Some(sent_at);
            store.set_facts(&facts)?;
        }
        // An unassigned chat goes to the operator who answers it, or routing picks one for
        // the visitor's message.
        let mut assignee = None;
        if state.assignee.is_none() && automatic.is_none() {
            assignee = match participant {
                Participant::Operator { .. } => participant.operator_card(),
                Participant::Visitor { .. } => self.route(meta, None).await?,
            };
            self.announce_assignee(assignee.as_ref())?;
        }
        let answered = automatic.is_some();
        self.save_state(meta, |s| {
            if visitor && s.status == Status::Closed {
                s.status = Status::Open;
            }
            if s.assignee.is_none() {
                s.assignee = assignee;
            }
            match automatic {
                Some(given) => s.auto_answer = Some(given),
                None => s.hand_over_from_automatic(),
            }
        })
        .await?;
        if visitor && !answered {
            self.schedule_escalation(meta).await?;
        }
        self.schedule_silence_survey(meta).await
    }

    /// Says in the log who took the chat.
    pub(super) fn announce_assignee(&self, card: Option<&OperatorCard>) -> Result<()> {
        if let Some(card) = card {
            let event = SystemEvent::Assigned {
                name: card.name.clone(),
            };
            self.system_message(String::new(), Some(event))?;
        }
        Ok(())
    }

    /// Stores a message unless this sender already sent `client_id`, and acknowledges it
    /// either way. Returns the message only when it is new (a retry stores nothing).
    pub(super) fn append_once(
        &self,
        ws: Option<&WebSocket>,
        participant: &Participant,
        written: Written,
        note: bool,
    ) -> Result<Option<ChatMessage>> {
        let store = self.store();
        let sender = participant.sender_key();
        let Written {
            client_id,
            text,
            attachment,
            via,
        } = written;
        // The sender's socket may have closed since it sent the command (commands wait their
        // turn): its ack is then lost, harmlessly — the client resends and is acked again. A
        // failed ack must never stop the message from reaching everyone else.
        let ack = |client_id, seq| {
            if let Some(ws) = ws {
                let _ = ws.send(&ConversationEvent::Ack { client_id, seq });
            }
        };
        if let Some(seq) = store.stored_seq(&sender, &client_id)? {
            ack(client_id, seq);
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
            via,
        })?;
        ack(client_id, message.seq);
        let mut change = self.search_change.borrow_mut();
        match &mut *change {
            SearchChange::Appended(list) => list.push(message.clone()),
            SearchChange::Unchanged => *change = SearchChange::Appended(vec![message.clone()]),
            SearchChange::Rebuild => {}
        }
        Ok(Some(message))
    }

    /// Sends the changed message to whoever may see it.
    fn announce_change(&self, store: &Store, seq: u64) -> Result<()> {
        *self.search_change.borrow_mut() = SearchChange::Rebuild;
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
    pub(super) fn system_message(
        &self,
        text: String,
        event: Option<SystemEvent>,
    ) -> Result<ChatMessage> {
        let message = self.store().append(Draft {
            sender: "system".into(),
            client_id: system_id(),
            author: Author::System,
            text,
            event,
            attachment: None,
            note: false,
            via: None,
        })?;
        self.broadcast(
            &ConversationEvent::Message {
                message: message.clone(),
            },
            None,
        );
        Ok(message)
    }

    /// Appends an event the team reads and the visitor never does (a private note).
    pub(super) fn system_note(&self, event: SystemEvent) -> Result<ChatMessage> {
        let message = self.store().append(Draft {
            sender: "system".into(),
            client_id: system_id(),
            author: Author::System,
            text: String::new(),
            event: Some(event),
            attachment: None,
            note: true,
            via: None,
        })?;
        self.broadcast_to_operators(&ConversationEvent::Message {
            message: message.clone(),
        });
        Ok(message)
    }

    /// The relay's `MAX_MESSAGE_CHARS` (the decoder already holds every text to the 4,000 cap).
    pub(in super::super) fn within_length(
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
}

/// Checks `seq` is a live message written by this operator.
fn own_message(
    store: &Store,
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
