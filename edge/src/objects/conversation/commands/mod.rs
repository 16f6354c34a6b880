//! What the conversation does with each command from a visitor or an operator: who may send
//! it and at what rate (here), then one method per command, in the room of its concern:
//! `messages` (writing, notes, edits, paging, typing), `state` (department, closing, spam and
//! bans, rating, call back, transcripts, tags) and `handoff` (routing, assigning, transfers,
//! invitations); `report` saves the state and tells everyone; `escalation` moves a chat
//! nobody answers; `survey` asks for a rating after a silence; `auto_answer` answers a first
//! question the site has an answer to.

mod auto_answer;
mod escalation;
mod handoff;
mod messages;
mod report;
mod state;
mod survey;

pub(super) use messages::Written;

use super::ConversationRoom;
use crate::participant::Participant;
use protocol::{ClientMessageId, ConversationCommand, ConversationEvent, ErrorCode, ProtocolError};
use worker::{Result, WebSocket};

fn refuse(ws: &WebSocket, error: ProtocolError) -> Result<()> {
    ws.send(&ConversationEvent::Error(error.into()))
}

fn done(ws: &WebSocket, command: &str) -> Result<()> {
    ws.send(&ConversationEvent::Done {
        command: command.into(),
    })
}

pub(super) fn system_id() -> ClientMessageId {
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
        let allowed = match participant {
            // Writes have their own rate; every other command of a visitor (typing, contact,
            // department, rating…) a looser one, so that no command floods the room.
            Participant::Visitor { .. } => self.visitor_may(writes),
            Participant::Operator { id, .. } => self.operator_may(id),
        };
        // An operator's too: only a script in a loop meets it (see `OPERATOR_COMMANDS`).
        if let Err(retry_after_ms) = allowed {
            let client_id = match &command {
                ConversationCommand::Send { client_id, .. }
                | ConversationCommand::Offline { client_id, .. }
                | ConversationCommand::Note { client_id, .. } => Some(client_id.clone()),
                _ => None,
            };
            let error = protocol::ErrorBody::rate_limited(client_id, retry_after_ms);
            return ws.send(&ConversationEvent::Error(error));
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
        let meta = &meta;
        match command {
            ConversationCommand::Send {
                client_id,
                text,
                attachment,
            } => {
                self.send_message(ws, participant, meta, client_id, text, attachment)
                    .await
            }
            ConversationCommand::Offline {
                client_id,
                contact,
                text,
            } => {
                self.offline_message(ws, participant, meta, client_id, contact, text)
                    .await
            }
            ConversationCommand::Note { client_id, text } => {
                self.note(ws, participant, meta, client_id, text).await
            }
            ConversationCommand::Edit { seq, text } => {
                self.change_message(ws, participant, meta, seq, Some(text))
                    .await
            }
            ConversationCommand::Delete { seq } => {
                self.change_message(ws, participant, meta, seq, None).await
            }
            ConversationCommand::Earlier { before } => self.earlier(ws, participant, before),
            ConversationCommand::Typing { typing } => {
                self.typing(ws, participant, typing);
                if typing && matches!(participant, Participant::Operator { .. }) {
                    self.typing_to_telegram(meta).await?;
                }
                Ok(())
            }
            ConversationCommand::Contact { contact } => self.save_contact(ws, meta, contact).await,
            ConversationCommand::Consent { text, policy_url } => {
                self.consent(ws, meta, text, policy_url).await
            }
            ConversationCommand::CustomData { items } => {
                self.save_state(meta, |s| s.custom_data = items).await?;
                done(ws, "custom_data")
            }
            ConversationCommand::Source { source } => {
                if !source.is_empty() {
                    self.save_state(meta, |s| {
                        s.source.get_or_insert(source);
                    })
                    .await?;
                }
                done(ws, "source")
            }
            ConversationCommand::Department { id } => self.choose_department(ws, meta, id).await,
            ConversationCommand::Close => self.close(ws, participant, meta).await,
            ConversationCommand::Ban => self.ban(ws, participant, meta).await,
            ConversationCommand::Spam => self.spam(ws, meta).await,
            ConversationCommand::Assign { operator } => {
                self.assign_to(ws, participant, meta, operator).await
            }
            ConversationCommand::Transfer { to, note } => {
                self.transfer(ws, participant, meta, to, note).await
            }
            ConversationCommand::Invite { operator, note } => {
                self.invite(ws, participant, meta, operator, note).await
            }
            ConversationCommand::Rate { score, comment } => {
                self.rate(ws, meta, score, comment).await
            }
            ConversationCommand::Transcript { email } => {
                self.send_transcript(ws, meta, email).await
            }
            ConversationCommand::Callback { phone } => self.callback(ws, meta, phone).await,
            ConversationCommand::Tag { tag } => self.retag(ws, meta, tag, true).await,
            ConversationCommand::Untag { tag } => self.retag(ws, meta, tag, false).await,
            ConversationCommand::AutoFeedback { helpful } => {
                self.auto_feedback(ws, meta, helpful).await
            }
        }
    }
}
