//! One site: its widget settings, the list of its conversations, and the inbox sockets of the
//! operators signed in to it (so new conversations and messages show up live).

use crate::http::{self, internal};
use crate::objects::header;
use crate::participant::Participant;
use protocol::{ConversationSummary, ErrorCode, InboxEvent, Position, SiteId, WidgetConfig};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    last_at INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (last_at DESC);";

/// How many conversations the inbox snapshot carries.
const INBOX_PAGE: i64 = 200;

/// `POST /init` body: creates the site (idempotent; a second call updates the name).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteInit {
    pub site: SiteId,
    pub site_name: String,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

#[durable_object]
pub struct SiteRoom {
    state: State,
    #[allow(dead_code)]
    env: Env,
}

impl DurableObject for SiteRoom {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            worker::console_error!("site schema failed: {e}");
        }
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/init" => {
                let init: SiteInit = req.json().await?;
                self.init(init)
            }
            "/config" => match self.config()? {
                Some(config) => http::json(&config),
                None => http::error(ErrorCode::NotFound, "no such site"),
            },
            "/inbox" => self.open_inbox(&req),
            "/conversation-updated" => {
                let summary: ConversationSummary = req.json().await?;
                self.conversation_updated(summary)
            }
            other => http::error(ErrorCode::NotFound, format!("no internal route {other}")),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> Result<()> {
        // The inbox is receive-only for now; say so instead of ignoring the frame.
        ws.send(&InboxEvent::Error(protocol::ErrorBody::new(
            ErrorCode::UnknownType,
            "the inbox socket accepts no commands",
        )))
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

impl SiteRoom {
    fn init(&self, init: SiteInit) -> Result<Response> {
        let config = WidgetConfig {
            site: init.site,
            site_name: init.site_name,
            locale: None,
            accent_color: "#1a5fd6".into(),
            position: Position::Right,
        };
        self.state.storage().sql().exec(
            "INSERT INTO settings (key, value) VALUES ('widget', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![serde_json::to_string(&config)?.into()],
        )?;
        Ok(Response::empty()?.with_status(204))
    }

    fn config(&self) -> Result<Option<WidgetConfig>> {
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT value FROM settings WHERE key = 'widget'", None)?
            .to_array()?;
        match rows.into_iter().next() {
            Some(row) => Ok(Some(serde_json::from_str(&row.value)?)),
            None => Ok(None),
        }
    }

    fn open_inbox(&self, req: &Request) -> Result<Response> {
        let participant = Participant::decode(&header(req, internal::PARTICIPANT)?)
            .ok_or_else(|| worker::Error::RustError("bad participant header".into()))?;
        if self.config()?.is_none() {
            return http::error(ErrorCode::NotFound, "no such site");
        }
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

        let pair = WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &["operator"]);
        pair.server.serialize_attachment(&participant)?;
        pair.server.send(&InboxEvent::Snapshot { conversations })?;
        Response::from_websocket(pair.client)
    }

    fn conversation_updated(&self, summary: ConversationSummary) -> Result<Response> {
        self.state.storage().sql().exec(
            "INSERT INTO conversations (id, last_at, summary) VALUES (?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at, summary = excluded.summary
             WHERE excluded.last_at >= conversations.last_at",
            vec![
                summary.id.as_str().into(),
                (summary.last_at as i64).into(),
                serde_json::to_string(&summary)?.into(),
            ],
        )?;
        let event = InboxEvent::Updated {
            conversation: summary,
        };
        for socket in self.state.get_websockets_with_tag("operator") {
            let _ = socket.send(&event);
        }
        Ok(Response::empty()?.with_status(204))
    }
}
