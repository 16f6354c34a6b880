//! One site: its settings, the list of its conversations, the inbox sockets of the operators
//! signed in to it (which is also who is online), and the outbox of e-mails to send.

mod alerts;
mod answer;
mod api_keys;
mod auto_answers;
mod bans;
mod export;
mod history;
mod identity;
mod inbox;
pub mod link;
mod online_time;
mod operator_sockets;
mod outbox;
mod presence;
mod push;
mod reports;
mod retention;
mod routing;
mod settings_holders;
mod team;
mod webhooks;

use crate::http::{self, internal};
use link::PresenceInit;
use link::{PageOrigin, SiteInit, SiteRoute, INBOX_PATH, PRESENCE_PATH};
use protocol::rate_table::RateTable;
use protocol::{ErrorCode, InboxEvent, SiteId, SiteSettings};
use serde::Deserialize;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage,
};

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    last_at INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (last_at DESC);
CREATE TABLE IF NOT EXISTS bans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visitor TEXT,
    ip TEXT,
    ban TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

pub(crate) const MIGRATIONS: &[&str] = &[
    // v1: assignment. Who has each open chat (for routing loads) and when each operator last
    // got one (round robin).
    "ALTER TABLE conversations ADD COLUMN assignee TEXT;
     ALTER TABLE conversations ADD COLUMN open INTEGER NOT NULL DEFAULT 0;
     CREATE TABLE IF NOT EXISTS routed (operator TEXT PRIMARY KEY, at INTEGER NOT NULL);",
    // v2: history search. Searchable text of the messages and of the contact data, and every
    // operator who took part (`,id,id,`).
    "ALTER TABLE conversations ADD COLUMN search TEXT NOT NULL DEFAULT '';
     ALTER TABLE conversations ADD COLUMN contact TEXT NOT NULL DEFAULT '';
     ALTER TABLE conversations ADD COLUMN operators TEXT NOT NULL DEFAULT '';
     ALTER TABLE conversations ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;",
    // v3: verified users of the host site and their conversations.
    "CREATE TABLE IF NOT EXISTS identities (
        user_id TEXT PRIMARY KEY, visitor TEXT NOT NULL, conversation TEXT NOT NULL);",
    // v4: webhook endpoints and their deliveries.
    webhooks::MIGRATION,
    // v5: API keys of the REST API (hashed).
    api_keys::MIGRATION,
    // v6: facts of each conversation for reports.
    reports::MIGRATION,
    // v7: finished conversations by age, for data retention: its due time is asked on every
    // report of a conversation, which must not scan the whole table.
    "CREATE INDEX IF NOT EXISTS conversations_finished_by_age ON conversations (open, last_at);",
    // v8: where operators have conversation sockets open, to close them when access ends;
    // which outbox e-mails went to addresses visitors typed (capped per day), by age.
    operator_sockets::MIGRATION,
    // v9: which conversations hold the site's settings, to hand them a change.
    settings_holders::MIGRATION,
    // v10: mails not sent yet are retried.
    outbox::MIGRATION,
    // v11: operators' stretches online, for reports.
    online_time::MIGRATION,
    // v12: automatic answers.
    auto_answers::MIGRATION,
];

/// A `value` column, for the site's queries.
#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

/// An `id` column, for the site's queries.
#[derive(Deserialize)]
struct IdRow {
    id: String,
}

#[durable_object]
pub struct SiteRoom {
    state: State,
    env: Env,
    /// The site's id once known (see `remember_site_id`).
    known_site: std::cell::RefCell<Option<SiteId>>,
    /// The settings as last read or written: every request reads them, only settings changes
    /// and imports write them, and this object is their only writer.
    cached_settings: std::cell::RefCell<Option<SiteSettings>>,
    /// The automatic answers as last read (this object is their only writer).
    cached_answers: std::cell::RefCell<Option<Vec<protocol::answers::AutoAnswer>>>,
    /// Per-IP rates (new visitors, uploads), in memory: limits over seconds and minutes.
    rates: std::cell::RefCell<RateTable<(crate::limits::Limited, String)>>,
}

/// Most IP addresses whose rates are remembered at once (a flood cannot grow memory).
const MAX_RATED_IPS: usize = 10_000;

impl DurableObject for SiteRoom {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = crate::objects::migrate(&state.storage().sql(), SCHEMA, MIGRATIONS) {
            crate::log::error("schema.migration_failed", &e, &[("object", "site")]);
        }
        crate::objects::answer_pings(&state);
        Self {
            state,
            env,
            known_site: Default::default(),
            cached_settings: Default::default(),
            cached_answers: Default::default(),
            rates: std::cell::RefCell::new(RateTable::new(MAX_RATED_IPS)),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        self.remember_site_id(&req)?;
        let path = req.path();
        if path == INBOX_PATH || path == PRESENCE_PATH {
            if self.settings()?.is_none() {
                return http::error(ErrorCode::NotFound, "no such site");
            }
            return if path == INBOX_PATH {
                self.open_inbox(&req)
            } else {
                // Passed in the query: it may hold non-ASCII (a city), which headers may not.
                let init: PresenceInit =
                    serde_json::from_str(&http::query(&req, "init")?.unwrap_or_default())?;
                self.open_presence(init)
            };
        }
        let route = match http::read_route::<SiteRoute>(&mut req).await {
            Ok(route) => route,
            Err(e) => return http::error(ErrorCode::NotFound, e.to_string()),
        };
        if !matches!(route, SiteRoute::Init(_)) && self.settings()?.is_none() {
            return http::error(ErrorCode::NotFound, "no such site");
        }
        self.answer(route).await
    }

    /// Webhook deliveries that are due, and the check for nobody online in working hours.
    async fn alarm(&self) -> Result<Response> {
        self.deliver_webhooks().await?;
        self.retry_due_mail().await?;
        if let Some(site) = self.site_id()? {
            self.alert_if_nobody_online(&site, None).await?;
            self.apply_retention(&site).await?;
        }
        self.schedule_alarm().await?;
        no_content()
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let WebSocketIncomingMessage::String(frame) = message else {
            return ws.send(&InboxEvent::Error(protocol::ErrorBody::new(
                ErrorCode::MalformedFrame,
                "binary frames are not accepted",
            )));
        };
        if self.is_presence(&ws) {
            return self.presence_frame(&ws, &frame);
        }
        self.inbox_frame(&ws, &frame).await
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        crate::objects::finish_close(&ws, code);
        if self.is_presence(&ws) {
            self.presence_closed(&ws);
            return Ok(());
        }
        self.announce_team(Some(&ws));
        // The last operator signing out during working hours leaves visitors unanswered.
        if let Some(site) = self.site_id()? {
            self.alert_if_nobody_online(&site, Some(&ws)).await?;
        }
        Ok(())
    }
}

fn no_content() -> Result<Response> {
    Ok(Response::empty()?.with_status(204))
}

impl SiteRoom {
    /// Whether `page` may run the widget.
    fn origin_allowed(&self, page: &PageOrigin) -> Result<bool> {
        let allowed = self
            .settings()?
            .map(|s| s.allowed_origins)
            .unwrap_or_default();
        let origin = page.origin.as_deref().filter(|o| !o.is_empty());
        Ok(protocol::settings::origin_allowed(
            &allowed, origin, page.dev,
        ))
    }

    /// Takes one `what` from this IP address's rate; `Err` is how long until the next.
    fn admit(&self, what: crate::limits::Limited, ip: &str) -> std::result::Result<(), u64> {
        let rate = crate::limits::rate(&self.env, what);
        let now = http::now_ms();
        // A full table forgets the quietest addresses first, never the busy ones.
        self.rates
            .borrow_mut()
            .take(&(what, protocol::rate_table::ip_key(ip)), rate, now)
    }

    /// A visitor's presence socket (not an operator's console).
    fn is_presence(&self, ws: &WebSocket) -> bool {
        self.state.get_tags(ws).iter().any(|t| t == "visitor")
    }

    /// Keeps the site's id (every internal request names it), for work no request starts:
    /// socket events, alarms.
    fn remember_site_id(&self, req: &Request) -> Result<()> {
        let Some(site) = req.headers().get(internal::SITE)? else {
            return Ok(());
        };
        if self.site_id()?.is_none() {
            self.state.storage().sql().exec(
                "INSERT INTO settings (key, value) VALUES ('site_id', ?) ON CONFLICT (key) DO NOTHING",
                vec![site.into()],
            )?;
        }
        Ok(())
    }

    pub(super) fn site_id(&self) -> Result<Option<SiteId>> {
        if let Some(site) = self.known_site.borrow().clone() {
            return Ok(Some(site));
        }
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT value FROM settings WHERE key = 'site_id'", None)?
            .to_array()?;
        let site = rows
            .first()
            .and_then(|r| SiteId::parse(r.value.as_str()).ok());
        self.known_site.replace(site.clone());
        Ok(site)
    }

    fn init(&self, init: SiteInit) -> Result<Response> {
        let mut settings = self
            .settings()?
            .unwrap_or_else(|| SiteSettings::new(&init.site_name));
        settings.name = init.site_name;
        self.save_settings(&settings)?;
        no_content()
    }

    fn masking(&self) -> protocol::settings::ContactMasking {
        self.settings()
            .ok()
            .flatten()
            .map(|s| s.masking)
            .unwrap_or_default()
    }

    fn settings(&self) -> Result<Option<SiteSettings>> {
        if let Some(settings) = self.cached_settings.borrow().as_ref() {
            return Ok(Some(settings.clone()));
        }
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT value FROM settings WHERE key = 'site'", None)?
            .to_array()?;
        let settings: Option<SiteSettings> = rows
            .into_iter()
            .next()
            .map(|row| serde_json::from_str(&row.value).map(SiteSettings::migrated))
            .transpose()?;
        self.cached_settings.borrow_mut().clone_from(&settings);
        Ok(settings)
    }

    fn save_settings(&self, settings: &SiteSettings) -> Result<()> {
        // Settings in an older shape (the REST API, an import) are stored in today's.
        let settings = &settings.clone().migrated();
        self.state.storage().sql().exec(
            "INSERT INTO settings (key, value) VALUES ('site', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![serde_json::to_string(settings)?.into()],
        )?;
        *self.cached_settings.borrow_mut() = Some(settings.clone());
        Ok(())
    }
}
