//! Automatic answers: a visitor's first question that the site has an answer to is answered
//! at once by the relay, and the chat waits, unrouted, for his verdict: helpful (nobody else
//! is needed) or "talk to a person" (routing as usual). Writing again, or an operator
//! answering, hands it over as well (see `store_message`).

use super::super::store::{Draft, Meta};
use super::super::ConversationRoom;
use super::{done, refuse, system_id};
use crate::http;
use protocol::answers::{AutoAnswered, AutoOutcome};
use protocol::{Author, ConversationEvent, ErrorCode, ProtocolError};
use worker::{Result, WebSocket};

impl ConversationRoom {
    /// After the visitor's message `asked` (its text, when written in the web chat): the
    /// automatic answer, stored and sent, when it is his first message, nobody has taken the
    /// chat and the site has an answer to it.
    pub(super) async fn answer_automatically(
        &self,
        meta: &Meta,
        asked: Option<&str>,
    ) -> Result<Option<AutoAnswered>> {
        let Some(asked) = asked.filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let store = self.store();
        let (state, mut facts) = (store.state()?, store.facts()?);
        let first_question = facts.visitor_messages == 1 && !facts.operator_started;
        if !first_question
            || state.auto_answer.is_some()
            || state.assignee.is_some()
            || state.offline
        {
            return Ok(None);
        }
        let Some(answer) = self.site(meta).match_auto_answer(asked).await? else {
            return Ok(None);
        };
        let message = store.append(Draft {
            sender: "bot".into(),
            client_id: system_id(),
            author: Author::Bot,
            text: answer.answer,
            event: None,
            attachment: None,
            note: false,
            via: None,
        })?;
        let seq = message.seq;
        self.broadcast(&ConversationEvent::Message { message }, None);
        facts.auto_answered = true;
        store.set_facts(&facts)?;
        Ok(Some(AutoAnswered {
            id: answer.id,
            question: answer.question,
            seq,
            outcome: AutoOutcome::Offered,
        }))
    }

    /// `AutoFeedback`: the visitor's verdict on the automatic answer he was given.
    pub(super) async fn auto_feedback(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        helpful: bool,
    ) -> Result<()> {
        let store = self.store();
        let state = store.state()?;
        if !state.awaits_verdict() {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::Conflict,
                    "no automatic answer waits for a verdict",
                ),
            );
        }
        let mut assignee = None;
        if !helpful {
            let mut facts = store.facts()?;
            facts.handed_over_at = Some(http::now_ms());
            store.set_facts(&facts)?;
            if state.assignee.is_none() {
                assignee = self.route(meta, None).await?;
                self.announce_assignee(assignee.as_ref())?;
            }
        }
        self.save_state(meta, |s| {
            // Another command may have handed it over meanwhile.
            if let Some(given) = s
                .auto_answer
                .as_mut()
                .filter(|a| a.outcome == AutoOutcome::Offered)
            {
                given.outcome = match helpful {
                    true => AutoOutcome::Helpful,
                    false => AutoOutcome::HandedOver,
                };
            }
            if s.assignee.is_none() {
                s.assignee = assignee;
            }
        })
        .await?;
        if !helpful {
            self.schedule_escalation(meta).await?;
        }
        done(ws, "auto_feedback")
    }
}
