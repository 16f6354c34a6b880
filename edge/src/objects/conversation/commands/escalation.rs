//! A chat nobody answers in time (`routing.no_answer_seconds`): offered to the next operator,
//! then to everyone online, then the visitor is offered the leave-a-message form. The steps
//! (`protocol::routing::Escalation`) ring on the conversation's alarm; an operator's answer
//! ends them.

use super::super::store::Meta;
use super::super::ConversationRoom;
use crate::http;
use protocol::conversation::Status;
use protocol::routing::{escalation_due, Escalation};
use protocol::SystemEvent;
use worker::Result;

/// How many steps this conversation has taken (store key).
const STEPS_TAKEN: &str = "no_answer_steps";

impl ConversationRoom {
    /// After a visitor's message: the alarm rings when the next step is due.
    pub(super) async fn schedule_escalation(&self, meta: &Meta) -> Result<()> {
        let settings = self.settings(meta).await?;
        // Every visitor message passes here: a site that lets chats wait reads nothing more.
        if settings.routing.no_answer_seconds.is_none() {
            return Ok(());
        }
        let store = self.store();
        let taken: u8 = store.get(STEPS_TAKEN)?.unwrap_or(0);
        if let Some(at) = escalation_due(settings.routing.no_answer_seconds, &store.facts()?, taken)
        {
            self.wake_at(at).await?;
        }
        Ok(())
    }

    /// On the alarm: takes the step that is due, if one is; returns when the next one is.
    pub(in crate::objects::conversation) async fn escalate_if_due(&self) -> Result<Option<u64>> {
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return Ok(None);
        };
        let settings = self.settings(&meta).await?;
        let seconds = settings.routing.no_answer_seconds;
        let taken: u8 = store.get(STEPS_TAKEN)?.unwrap_or(0);
        let Some(due) = escalation_due(seconds, &store.facts()?, taken) else {
            return Ok(None);
        };
        if due > http::now_ms() {
            return Ok(Some(due));
        }
        let state = store.state()?;
        if state.status == Status::Closed || state.spam {
            return Ok(None);
        }
        store.put(STEPS_TAKEN, &(taken + 1))?;
        match Escalation::after(taken) {
            Some(Escalation::NextOperator) => {
                if let Some(current) = state.assignee {
                    let next = self.route(&meta, Some(&current.id)).await?;
                    if let Some(card) = next.filter(|c| c.id != current.id) {
                        let event = SystemEvent::Transferred {
                            from: current.name,
                            to: card.name.clone(),
                        };
                        self.system_message(String::new(), Some(event))?;
                        self.save_state(&meta, |s| s.assignee = Some(card)).await?;
                    }
                }
            }
            // Unassigned, it is in every operator's queue; a note tells the team why.
            Some(Escalation::Everyone) if state.assignee.is_some() => {
                self.system_note(SystemEvent::OfferedToEveryone)?;
                self.save_state(&meta, |s| s.assignee = None).await?;
            }
            Some(Escalation::LeaveMessage) => {
                self.system_message(String::new(), Some(SystemEvent::NoAnswer))?;
                self.update_site(&meta, &store.state()?).await?;
            }
            Some(Escalation::Everyone) | None => {}
        }
        Ok(escalation_due(seconds, &store.facts()?, taken + 1))
    }
}
