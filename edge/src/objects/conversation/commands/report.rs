//! Saving the conversation's state and telling everyone: its sockets, the operators who lose
//! it, and the site (inbox, history search, reports).

use super::super::store::Meta;
use super::super::{ConversationRoom, SearchChange};
use crate::http;
use crate::participant::Participant;
use protocol::conversation::Status;
use protocol::limits::PREVIEW_CHARS;
use protocol::{ConversationEvent, ConversationState, ConversationSummary};
use worker::Result;

impl ConversationRoom {
    /// Changes the state — read, changed and written with no await in between, so concurrent
    /// commands never undo each other — then tells everyone in the conversation and the inbox.
    pub(in crate::objects::conversation) async fn save_state(
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
        self.update_site(meta, state).await
    }

    /// Tells the site (inbox and history) how the conversation stands now.
    pub(super) async fn update_site(&self, meta: &Meta, state: &ConversationState) -> Result<()> {
        self.update_site_as(meta, state, false).await
    }

    /// `imported`: the conversation came from an export; the site indexes it quietly (no
    /// webhooks, alerts or lifecycle logs for events that happened long ago).
    pub(in crate::objects::conversation) async fn update_site_as(
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
            SearchChange::Unchanged => (None, None, Vec::new()),
            SearchChange::Appended(new) => (
                None,
                Some(protocol::history::search_text(new)),
                protocol::history::operator_authors(new),
            ),
            SearchChange::Rebuild => {
                let messages = store.newest_after(0, 2000, true)?;
                (
                    Some(protocol::history::search_text(&messages)),
                    None,
                    protocol::history::operator_authors(&messages),
                )
            }
        };
        let report = crate::objects::site::link::ConversationUpdate {
            facts: store.facts()?,
            search,
            search_append,
            contact: protocol::history::contact_text(&state.contact),
            operators,
            summary,
            imported,
        };
        if let Err(e) = self.site(meta).conversation_updated(report).await {
            // The message is stored; the inbox catches up with the next update, and the
            // search text is rebuilt then.
            crate::log::error(
                "inbox.report_failed",
                &e,
                &[("conversation", meta.conversation.as_str())],
            );
            *self.search_change.borrow_mut() = SearchChange::Rebuild;
        }
        Ok(())
    }
}
