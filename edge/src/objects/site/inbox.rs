//! Operators' consoles: the inbox socket (a snapshot of the conversations an operator may
//! open, then every change to them) and the reports conversations send when they change.

use super::link::ConversationUpdate;
use super::{no_content, SiteRoom};
use crate::http::{self, internal};
use crate::objects::header;
use crate::participant::Participant;
use protocol::inbox::live_list_frames;
use protocol::{Availability, ConversationSummary, InboxCommand, InboxEvent, SiteId};
use serde::{Deserialize, Serialize};
use worker::{Request, Response, Result, WebSocket, WebSocketPair};

/// How many conversations the inbox snapshot carries.
const INBOX_PAGE: i64 = 200;

/// What an inbox socket remembers (its attachment, so it survives hibernation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct InboxMember {
    pub(super) participant: Participant,
    /// What counts for routing: a custom status's own availability when one is chosen.
    pub(super) availability: Availability,
    pub(super) since: u64,
    #[serde(default)]
    pub(super) custom: Option<protocol::CustomStatus>,
}

#[derive(Deserialize)]
pub(super) struct SummaryRow {
    pub(super) summary: String,
}

/// The role behind an inbox socket (visitors never have one).
pub(super) fn operator_role(participant: &Participant) -> Option<protocol::Role> {
    match participant {
        Participant::Operator { role, .. } => Some(*role),
        Participant::Visitor { .. } => None,
    }
}

/// A summary as an operator with `role` may see it under the site's masking setting.
pub(super) fn masked_summary(
    mut summary: ConversationSummary,
    role: Option<protocol::Role>,
    masking: &protocol::settings::ContactMasking,
) -> ConversationSummary {
    if let Some(role) = role {
        summary.state = summary.state.for_role(role, masking);
    }
    summary
}

/// Whether this participant's inbox lists the conversation (see `ConversationState::open_to`).
pub(super) fn visible(summary: &ConversationSummary, participant: &Participant) -> bool {
    match participant {
        Participant::Operator { id, role, .. } => summary.state.open_to(id, *role),
        Participant::Visitor { .. } => false,
    }
}

impl SiteRoom {
    /// A frame from an operator's console: his status.
    pub(super) async fn inbox_frame(&self, ws: &WebSocket, frame: &str) -> Result<()> {
        match protocol::decode::decode_inbox_command(frame) {
            Ok(InboxCommand::Status {
                availability,
                custom,
            }) => {
                let availability = custom.as_ref().map_or(availability, |c| c.availability);
                if let Some(mut member) = ws.deserialize_attachment::<InboxMember>()? {
                    if member.availability != availability || member.custom != custom {
                        member.availability = availability;
                        member.custom = custom;
                        member.since = http::now_ms();
                        ws.serialize_attachment(&member)?;
                    }
                }
                self.announce_team(None);
                if availability != Availability::Online {
                    if let Some(site) = self.site_id()? {
                        self.alert_if_nobody_online(&site, None).await?;
                    }
                }
                Ok(())
            }
            Err(e) => ws.send(&InboxEvent::Error(e.into())),
        }
    }

    pub(super) fn open_inbox(&self, req: &Request) -> Result<Response> {
        let participant = Participant::decode(&header(req, internal::PARTICIPANT)?)
            .ok_or_else(|| worker::Error::RustError("bad participant header".into()))?;
        let rows: Vec<SummaryRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT summary FROM conversations ORDER BY last_at DESC LIMIT ?",
                vec![INBOX_PAGE.into()],
            )?
            .to_array()?;
        let conversations = rows
            .into_iter()
            .map(|row| serde_json::from_str(&row.summary))
            .collect::<std::result::Result<Vec<ConversationSummary>, _>>()?;

        let role = operator_role(&participant);
        let pair = WebSocketPair::new()?;
        let tags = crate::objects::revoke::socket_tags(req, &participant);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&InboxMember {
            participant: participant.clone(),
            availability: Availability::Online,
            since: http::now_ms(),
            custom: None,
        })?;
        let masking = self.masking();
        let conversations = conversations
            .into_iter()
            .filter(|c| visible(c, &participant))
            .map(|c| masked_summary(c, role, &masking))
            .collect();
        pair.server.send(&InboxEvent::Snapshot { conversations })?;
        for frame in live_list_frames(self.live_visitors()) {
            pair.server.send(&frame)?;
        }
        self.announce_team(None);
        Response::from_websocket(pair.client)
    }

    pub(super) async fn conversation_updated(
        &self,
        site: &SiteId,
        report: ConversationUpdate,
    ) -> Result<Response> {
        let summary = report.summary.clone();
        let before = self.summary_of(&summary.id)?;
        let open = summary.state.status == protocol::Status::Open && !summary.state.spam;
        self.state.storage().sql().exec(
            "INSERT INTO conversations (id, last_at, summary, assignee, open) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at,
                 summary = excluded.summary, assignee = excluded.assignee, open = excluded.open
             WHERE excluded.last_at >= conversations.last_at",
            vec![
                summary.id.as_str().into(),
                (summary.last_at as i64).into(),
                serde_json::to_string(&summary)?.into(),
                summary
                    .state
                    .assignee
                    .as_ref()
                    .map(|a| a.id.to_string())
                    .into(),
                i64::from(open).into(),
            ],
        )?;
        self.record_for_history(&report)?;
        // A report older than what the site holds (they may cross) changes nothing.
        if !report.imported && before.as_ref().is_none_or(|b| b.last_at <= summary.last_at) {
            for event in protocol::webhooks::events_between(before.as_ref(), &summary) {
                let count = summary.message_count.to_string();
                crate::log::event(
                    event.name(),
                    &[
                        ("site", site.as_str()),
                        ("conversation", summary.id.as_str()),
                        ("messages", &count),
                    ],
                );
            }
            self.queue_webhooks(site, before.as_ref(), &summary)?;
            self.alert_low_rating(site, before.as_ref(), &summary)
                .await?;
            self.push_change(site, before.as_ref(), &summary);
        }
        let masking = self.masking();
        for socket in crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms()) {
            let Some(member) = socket
                .deserialize_attachment::<InboxMember>()
                .ok()
                .flatten()
            else {
                continue;
            };
            let role = operator_role(&member.participant);
            let event = if visible(&summary, &member.participant) {
                InboxEvent::Updated {
                    conversation: Box::new(masked_summary(summary.clone(), role, &masking)),
                }
            } else {
                InboxEvent::Gone {
                    id: summary.id.clone(),
                }
            };
            let _ = socket.send(&event);
        }
        no_content()
    }
}
