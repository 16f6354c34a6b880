//! Who has the chat: routing for a new one, admins assigning it, operators transferring it
//! to a colleague or a department, and inviting a colleague in beside the assignee.

use super::super::store::Meta;
use super::super::ConversationRoom;
use super::{done, refuse};
use crate::objects::site::link::AssignRequest;
use crate::participant::Participant;
use protocol::{
    Author, ErrorCode, OperatorCard, OperatorId, ProtocolError, SystemEvent, TransferTarget,
};
use worker::{Result, WebSocket};

impl ConversationRoom {
    /// Asks the site's routing for an operator (when the site assigns automatically).
    pub(super) async fn route(
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
    pub(super) async fn assign_to(
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
        if !role.manages_site() && (current.is_some() || &operator != me) {
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
    pub(super) async fn transfer(
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
        if !role.manages_site() && !mine {
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
                    // The visitor reads it too: the name he is shown.
                    department: department.shown_name().to_owned(),
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
    pub(super) async fn invite(
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
        if !role.manages_site() && !state.involves(me) {
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
        self.append_note(participant.sender_key(), participant.author(), text, None)
    }
}
