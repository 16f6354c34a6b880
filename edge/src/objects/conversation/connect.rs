//! A participant's socket: the visitor's (creating the conversation on his first connect)
//! or an operator's who may open it, then the log he has not seen, in frames.

use super::store::Meta;
use super::ConversationRoom;
use crate::http::{self, internal};
use crate::objects::header;
use crate::participant::Participant;
use protocol::limits::{HISTORY_PAGE, LOG_FRAME_MESSAGES};
use protocol::{Author, ConversationEvent, ConversationId, ErrorCode, OperatorCard, SiteId};
use worker::{Request, Response, Result, WebSocketPair};

impl ConversationRoom {
    pub(super) async fn accept_participant(&self, req: Request) -> Result<Response> {
        let participant = Participant::decode(&header(&req, internal::PARTICIPANT)?)
            .ok_or_else(|| worker::Error::RustError("bad participant header".into()))?;
        let site = SiteId::parse(header(&req, internal::SITE)?)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let conversation = ConversationId::parse(header(&req, internal::CONVERSATION)?)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let after: u64 = http::query(&req, "after")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let present = |key: &str| {
            http::query(&req, key)
                .ok()
                .flatten()
                .filter(|v| !v.is_empty())
        };
        let geo = protocol::Geo {
            country: present("country"),
            city: present("city"),
        };

        let ip = req.headers().get(internal::IP)?;
        let store = self.store();
        let meta = match (store.meta()?, &participant) {
            (Some(mut meta), Participant::Visitor { visitor }) if visitor == &meta.visitor => {
                if (ip.is_some() && meta.ip != ip) || meta.geo != geo {
                    meta.ip = ip.clone().or(meta.ip);
                    meta.geo = geo;
                    store.put("meta", &meta)?;
                }
                meta
            }
            (Some(meta), _) => meta,
            (None, Participant::Visitor { visitor }) => {
                let meta = Meta {
                    site,
                    conversation,
                    visitor: visitor.clone(),
                    started_at: http::now_ms(),
                    ip: ip.clone(),
                    geo,
                };
                store.put("meta", &meta)?;
                meta
            }
            (None, Participant::Operator { .. }) => {
                return http::error(ErrorCode::NotFound, "no such conversation");
            }
        };
        match &participant {
            Participant::Visitor { visitor } if visitor != &meta.visitor => {
                return http::error(
                    ErrorCode::Forbidden,
                    "this conversation belongs to another visitor",
                );
            }
            Participant::Operator { id, role, .. } if !store.state()?.open_to(id, *role) => {
                return http::error(ErrorCode::Forbidden, "this chat is assigned to a colleague");
            }
            _ => {}
        }
        let presence = self.site(&meta).presence().await.unwrap_or_default();
        // Warms the settings cache the masking of this participant's frames reads.
        self.settings(&meta).await?;
        let pair = WebSocketPair::new()?;
        let tags = crate::objects::revoke::socket_tags(&req, &participant);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&participant)?;
        if let Participant::Visitor { .. } = participant {
            self.visitor_returned()?;
        }
        let participant_copy = participant.clone();
        let operator = match store.last_operator_author()? {
            Some(Author::Operator { id, name }) => Some(OperatorCard { id, name }),
            _ => None,
        };
        let notes = matches!(participant, Participant::Operator { .. });
        // A new client gets the newest page; a returning one everything after what he saw. Both
        // go in frames of LOG_FRAME_MESSAGES: the welcome, then `messages` frames.
        let mut log = if after == 0 {
            store.newest_after(0, HISTORY_PAGE, notes)?
        } else {
            store.oldest_after(after, LOG_FRAME_MESSAGES, notes)?
        };
        let rest = log.split_off(log.len().min(LOG_FRAME_MESSAGES));
        let mut last_sent = log.last().map(|m| m.seq).unwrap_or(after);
        let full_first_frame = log.len() == LOG_FRAME_MESSAGES;
        let welcome = ConversationEvent::Welcome {
            conversation: meta.conversation,
            messages: log,
            operator,
            state: store.state()?,
            presence,
        };
        pair.server
            .send(&self.shape_for(&participant_copy, &welcome))?;
        if after == 0 {
            for chunk in rest.chunks(LOG_FRAME_MESSAGES) {
                let frame = ConversationEvent::Messages {
                    messages: chunk.to_vec(),
                };
                pair.server
                    .send(&self.shape_for(&participant_copy, &frame))?;
            }
        } else if full_first_frame {
            loop {
                let page = store.oldest_after(last_sent, LOG_FRAME_MESSAGES, notes)?;
                let Some(last) = page.last() else { break };
                last_sent = last.seq;
                let full = page.len() == LOG_FRAME_MESSAGES;
                let frame = ConversationEvent::Messages { messages: page };
                pair.server
                    .send(&self.shape_for(&participant_copy, &frame))?;
                if !full {
                    break;
                }
            }
        }
        Response::from_websocket(pair.client)
    }
}
