//! One conversation: its message log in SQLite-backed storage and the hibernatable WebSockets of
//! the visitor and of the operators who have it open.

use crate::http::{self, internal};
use crate::objects::header;
use crate::participant::Participant;
use protocol::limits::{HISTORY_PAGE, PREVIEW_CHARS};
use protocol::{
    Author, ChatMessage, ClientMessageId, ConversationCommand, ConversationEvent, ConversationId,
    ConversationSummary, ErrorBody, ErrorCode, OperatorCard, SiteId, VisitorId,
};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Headers, Method, Request, Response, Result, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    client_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    UNIQUE (sender, client_id)
);";

/// Facts about the conversation, written once when the visitor first connects.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    site: SiteId,
    conversation: ConversationId,
    visitor: VisitorId,
    started_at: u64,
}

#[derive(Deserialize)]
struct MessageRow {
    seq: i64,
    client_id: String,
    author: String,
    text: String,
    sent_at: i64,
}

impl MessageRow {
    fn into_message(self) -> Result<ChatMessage> {
        Ok(ChatMessage {
            seq: self.seq as u64,
            client_id: ClientMessageId::parse(self.client_id)
                .map_err(|e| worker::Error::RustError(e.to_string()))?,
            author: serde_json::from_str(&self.author)?,
            text: self.text,
            sent_at: self.sent_at as u64,
        })
    }
}

#[derive(Deserialize)]
struct SeqRow {
    seq: i64,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

#[durable_object]
pub struct ConversationRoom {
    state: State,
    env: Env,
}

impl DurableObject for ConversationRoom {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            worker::console_error!("conversation schema failed: {e}");
        }
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/connect" => self.accept_participant(req).await,
            other => http::error(ErrorCode::NotFound, format!("no internal route {other}")),
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
        match protocol::decode_command(&frame) {
            Ok(ConversationCommand::Send { client_id, text }) => {
                self.store_and_broadcast(&ws, &participant, client_id, text)
                    .await
            }
            Err(e) => ws.send(&ConversationEvent::Error(e.into())),
        }
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
    fn meta(&self) -> Result<Option<Meta>> {
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT value FROM meta WHERE key = 'meta'", None)?
            .to_array()?;
        match rows.into_iter().next() {
            Some(row) => Ok(Some(serde_json::from_str(&row.value)?)),
            None => Ok(None),
        }
    }

    async fn accept_participant(&self, req: Request) -> Result<Response> {
        let participant = Participant::decode(&header(&req, internal::PARTICIPANT)?)
            .ok_or_else(|| worker::Error::RustError("bad participant header".into()))?;
        let site = SiteId::parse(header(&req, internal::SITE)?)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let conversation = ConversationId::parse(header(&req, internal::CONVERSATION)?)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let after: u64 = req
            .url()?
            .query_pairs()
            .find(|(k, _)| k == "after")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);

        let meta = match (self.meta()?, &participant) {
            (Some(meta), _) => meta,
            (None, Participant::Visitor { visitor }) => {
                let meta = Meta {
                    site,
                    conversation,
                    visitor: visitor.clone(),
                    started_at: http::now_ms(),
                };
                self.state.storage().sql().exec(
                    "INSERT INTO meta (key, value) VALUES ('meta', ?)",
                    vec![serde_json::to_string(&meta)?.into()],
                )?;
                meta
            }
            (None, Participant::Operator { .. }) => {
                return http::error(ErrorCode::NotFound, "no such conversation");
            }
        };
        if let Participant::Visitor { visitor } = &participant {
            if visitor != &meta.visitor {
                return http::error(
                    ErrorCode::Forbidden,
                    "this conversation belongs to another visitor",
                );
            }
        }

        let pair = WebSocketPair::new()?;
        let tag = match participant {
            Participant::Visitor { .. } => "visitor",
            Participant::Operator { .. } => "operator",
        };
        self.state.accept_websocket_with_tags(&pair.server, &[tag]);
        pair.server.serialize_attachment(&participant)?;
        pair.server.send(&ConversationEvent::Welcome {
            conversation: meta.conversation,
            messages: self.history_after(after)?,
            operator: self.last_operator()?,
        })?;
        Response::from_websocket(pair.client)
    }

    /// The newest `HISTORY_PAGE` messages with `seq > after`, oldest first.
    fn history_after(&self, after: u64) -> Result<Vec<ChatMessage>> {
        let rows: Vec<MessageRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT * FROM (SELECT seq, client_id, author, text, sent_at FROM messages
                 WHERE seq > ? ORDER BY seq DESC LIMIT ?) ORDER BY seq ASC",
                vec![(after as i64).into(), (HISTORY_PAGE as i64).into()],
            )?
            .to_array()?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    fn last_operator(&self) -> Result<Option<OperatorCard>> {
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT author AS value FROM messages WHERE sender LIKE 'operator:%'
                 ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array()?;
        Ok(match rows.into_iter().next() {
            Some(row) => match serde_json::from_str(&row.value)? {
                Author::Operator { id, name } => Some(OperatorCard { id, name }),
                _ => None,
            },
            None => None,
        })
    }

    /// Stores the message unless this sender already sent this `client_id`, then acknowledges
    /// it; only a newly stored message is broadcast and reported to the site.
    async fn store_and_broadcast(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        client_id: ClientMessageId,
        text: String,
    ) -> Result<()> {
        let sql = self.state.storage().sql();
        let sender = participant.sender_key();
        let author = participant.author();
        let sent_at = http::now_ms();
        // A retry of a stored message is acknowledged again; nothing is stored or broadcast.
        // (Checked before inserting: a conflicting INSERT would still burn a sequence number.)
        let existing: Vec<SeqRow> = sql
            .exec(
                "SELECT seq FROM messages WHERE sender = ? AND client_id = ?",
                vec![sender.clone().into(), client_id.as_str().into()],
            )?
            .to_array()?;
        if let Some(row) = existing.first() {
            return ws.send(&ConversationEvent::Ack {
                client_id,
                seq: row.seq as u64,
            });
        }
        let inserted: Vec<SeqRow> = sql
            .exec(
                "INSERT INTO messages (sender, client_id, author, text, sent_at)
                 VALUES (?, ?, ?, ?, ?) RETURNING seq",
                vec![
                    sender.into(),
                    client_id.as_str().into(),
                    serde_json::to_string(&author)?.into(),
                    text.clone().into(),
                    (sent_at as i64).into(),
                ],
            )?
            .to_array()?;
        let row = inserted
            .into_iter()
            .next()
            .ok_or_else(|| worker::Error::RustError("insert returned no sequence".into()))?;
        let message = ChatMessage {
            seq: row.seq as u64,
            client_id: client_id.clone(),
            author,
            text,
            sent_at,
        };
        ws.send(&ConversationEvent::Ack {
            client_id,
            seq: message.seq,
        })?;
        let event = ConversationEvent::Message {
            message: message.clone(),
        };
        for socket in self.state.get_websockets() {
            // A socket that is closing cannot take the frame; it will catch up on reconnect.
            let _ = socket.send(&event);
        }
        if let Err(e) = self.report_to_site(&message).await {
            worker::console_error!("could not update the site's inbox: {e}");
        }
        Ok(())
    }

    async fn report_to_site(&self, last: &ChatMessage) -> Result<()> {
        let Some(meta) = self.meta()? else {
            return Ok(());
        };
        let count: Vec<SeqRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT COUNT(*) AS seq FROM messages", None)?
            .to_array()?;
        let summary = ConversationSummary {
            id: meta.conversation,
            visitor: meta.visitor,
            started_at: meta.started_at,
            last_at: last.sent_at,
            last_preview: protocol::preview(&last.text, PREVIEW_CHARS),
            last_author: last.author.clone(),
            message_count: count.first().map(|c| c.seq as u64).unwrap_or_default(),
        };
        let stub = self
            .env
            .durable_object("SITES")?
            .id_from_name(meta.site.as_str())?
            .get_stub()?;
        let response = http::call_object(
            &stub,
            Method::Post,
            "/conversation-updated",
            Headers::new(),
            Some(serde_json::to_string(&summary)?),
        )
        .await?;
        if response.status_code() != 204 {
            return Err(worker::Error::RustError(format!(
                "site answered {}",
                response.status_code()
            )));
        }
        Ok(())
    }
}
