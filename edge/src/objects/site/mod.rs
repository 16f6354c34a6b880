//! One site: its settings, the list of its conversations, the inbox sockets of the operators
//! signed in to it (which is also who is online), and the outbox of e-mails to send.

mod alerts;
mod api_keys;
mod export;
mod history;
mod identity;
mod operator_sockets;
mod presence;
mod reports;
mod retention;
mod webhooks;

use crate::http::{self, internal};
use crate::objects::header;
use crate::participant::Participant;
pub use api_keys::StoredKey;
pub use history::ConversationReport;
pub use identity::{IdentityBinding, IdentitySecret};
pub use presence::{PresenceInit, StartChat, StartOutcome};
use protocol::history::HistoryQuery;
use protocol::rate_table::RateTable;
use protocol::routing::{route, ChatRequest, OperatorLoad};
use protocol::visitors::live_list_frames;
use protocol::{
    Availability, ColleagueStatus, ConversationId, ConversationSummary, ErrorCode, Geo,
    InboxCommand, InboxEvent, OperatorCard, OperatorId, OutboxEmail, Presence, SiteId,
    SiteSettings,
};
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Headers, Method, Request, Response, Result, State, Stub,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
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
];

/// How many conversations the inbox snapshot carries.
const INBOX_PAGE: i64 = 200;
/// How many queued e-mails the outbox listing shows.
const OUTBOX_PAGE: i64 = 100;

/// `POST /init` body: creates the site (idempotent; a second call updates the name).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteInit {
    pub site: SiteId,
    pub site_name: String,
}

/// `POST /assign` body: who should get this chat, by the site's routing rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignRequest {
    pub conversation: ConversationId,
    pub department: Option<String>,
    /// The operator the visitor talked to before.
    pub previous: Option<OperatorId>,
    /// Not this operator (the one handing the chat on).
    pub exclude: Option<OperatorId>,
    pub geo: Geo,
}

/// What an inbox socket remembers (its attachment, so it survives hibernation).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InboxMember {
    participant: Participant,
    /// What counts for routing: a custom status's own availability when one is chosen.
    availability: Availability,
    since: u64,
    #[serde(default)]
    custom: Option<protocol::CustomStatus>,
}

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

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

#[derive(Deserialize)]
struct EmailRow {
    email: String,
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
            rates: std::cell::RefCell::new(RateTable::new(MAX_RATED_IPS)),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        self.remember_site_id(&req)?;
        if path != "/init" && self.settings()?.is_none() {
            return http::error(ErrorCode::NotFound, "no such site");
        }
        match (req.method(), path.as_str()) {
            (Method::Post, "/init") => {
                let init: SiteInit = req.json().await?;
                self.init(init)
            }
            (Method::Get, "/settings") => http::json(&self.settings()?),
            (Method::Put, "/settings") => {
                let settings: SiteSettings = req.json().await?;
                self.save_settings(&settings)?;
                self.schedule_alarm().await?;
                no_content()
            }
            (Method::Get, "/origin") => {
                if self.origin_allowed(&req)? {
                    no_content()
                } else {
                    http::error(ErrorCode::Forbidden, "origin not allowed")
                }
            }
            (Method::Get, "/config") => {
                let site = SiteId::parse(header(&req, internal::SITE)?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                if !self.origin_allowed(&req)? {
                    return http::error(ErrorCode::Forbidden, "origin not allowed");
                }
                let geo: Geo = req.query().unwrap_or_default();
                let settings = self.settings()?.unwrap_or_else(|| SiteSettings::new(""));
                // A visitor arrived: is anyone there to answer?
                self.alert_if_nobody_online(&site, None).await?;
                let mut config = settings.widget_config(site, self.presence(), geo);
                config.max_message_chars = crate::config::of(&self.env)?.max_message_chars;
                http::json(&config)
            }
            (Method::Get, "/presence") => http::json(&self.presence()),
            (Method::Post, "/assign") => {
                let request: AssignRequest = req.json().await?;
                http::json(&self.assign(&request)?)
            }
            (Method::Post, "/bans") => {
                let ban: protocol::Ban = req.json().await?;
                self.state.storage().sql().exec(
                    "INSERT INTO bans (visitor, ip, ban) VALUES (?, ?, ?)",
                    vec![
                        ban.visitor.as_ref().map(|v| v.to_string()).into(),
                        ban.ip.clone().into(),
                        serde_json::to_string(&ban)?.into(),
                    ],
                )?;
                no_content()
            }
            (Method::Get, "/bans") => http::json(&self.bans()?),
            (Method::Delete, "/bans") => {
                let id: i64 = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "id")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(-1);
                self.state
                    .storage()
                    .sql()
                    .exec("DELETE FROM bans WHERE id = ?", vec![id.into()])?;
                no_content()
            }
            (Method::Get, "/banned") => {
                let query: std::collections::HashMap<String, String> =
                    req.url()?.query_pairs().into_owned().collect();
                let banned = self.banned(query.get("visitor"), query.get("ip"))?;
                http::json(&serde_json::json!({ "banned": banned }))
            }
            (Method::Get, "/inbox") => self.open_inbox(&req),
            (Method::Get, "/presence-socket") => {
                // Passed in the query: it may hold non-ASCII (a city), which headers may not.
                let init = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "init")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                let init: PresenceInit = serde_json::from_str(&init)?;
                self.open_presence(init)
            }
            (Method::Post, "/live-chat") => {
                let start: StartChat = req.json().await?;
                http::json(&self.start_chat(start)?)
            }
            (Method::Get, "/admit") => {
                let url = req.url()?;
                let value = |key: &str| {
                    url.query_pairs()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default()
                };
                let what: crate::limits::Limited =
                    serde_json::from_value(serde_json::Value::String(value("what")))?;
                match self.admit(what, &value("ip")) {
                    Ok(()) => no_content(),
                    Err(retry_after_ms) => {
                        let error = protocol::ErrorBody::rate_limited(None, retry_after_ms);
                        Ok(http::json(&error)?.with_status(429))
                    }
                }
            }
            (Method::Post, "/visitor-email") => {
                let email: OutboxEmail = req.json().await?;
                if self.queue_visitor_email(email).await? {
                    no_content()
                } else {
                    http::error(
                        ErrorCode::RateLimited,
                        "this site has sent as many e-mails to visitors as it may today",
                    )
                }
            }
            (Method::Post, "/operator-socket") => {
                let opened: operator_sockets::OperatorSocketOpened = req.json().await?;
                self.operator_socket_opened(&opened)?;
                no_content()
            }
            (Method::Post, "/revoke") => {
                let site = SiteId::parse(header(&req, internal::SITE)?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                let revoke: crate::objects::revoke::Revoke = req.json().await?;
                self.revoke(&site, &revoke).await?;
                no_content()
            }
            (Method::Get, "/identity-secret") => http::json(&self.identity_secret()?),
            (Method::Put, "/identity-secret") => {
                let secret: IdentitySecret = req.json().await?;
                self.set_identity_secret(&secret)
            }
            (Method::Post, "/identity") => {
                let proposed: IdentityBinding = req.json().await?;
                http::json(&self.bind_identity(proposed)?)
            }
            (Method::Get, "/history") => {
                let participant = Participant::decode(&header(&req, internal::PARTICIPANT)?)
                    .ok_or_else(|| worker::Error::RustError("bad participant header".into()))?;
                let url = req.url()?;
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                match HistoryQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                {
                    Ok(query) => http::json(&self.history(&query, &participant)?),
                    Err(e) => http::protocol_error(e),
                }
            }
            (Method::Post, "/conversation-updated") => {
                let report: ConversationReport = req.json().await?;
                let site = SiteId::parse(header(&req, internal::SITE)?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                let response = self.conversation_updated(&site, report).await?;
                self.schedule_alarm().await?;
                Ok(response)
            }
            (Method::Get, "/export") => {
                let site = SiteId::parse(header(&req, internal::SITE)?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                self.export(&site, &req).await
            }
            (Method::Post, "/import") => {
                let site = SiteId::parse(header(&req, internal::SITE)?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                let replace_settings = query(&req, "settings")? == "replace";
                let export = req.json().await?;
                self.import(&site, export, replace_settings).await
            }
            (Method::Get, "/webhooks") => http::json(&self.webhooks()?),
            (Method::Post, "/webhooks") => {
                let endpoint: protocol::webhooks::WebhookEndpoint = req.json().await?;
                self.add_webhook(&endpoint)
            }
            (Method::Delete, "/webhooks") => self.remove_webhook(&query(&req, "id")?),
            (Method::Get, "/webhook-log") => http::json(&self.webhook_log()?),
            (Method::Get, "/reports") => self.report(&req, false),
            (Method::Get, "/reports.csv") => self.report(&req, true),
            (Method::Get, "/api-keys") => http::json(&self.api_keys()?),
            (Method::Post, "/api-keys") => {
                let key: StoredKey = req.json().await?;
                self.add_api_key(&key)
            }
            (Method::Delete, "/api-keys") => self.revoke_api_key(&query(&req, "id")?),
            (Method::Get, "/api-key") => self.check_api_key(&query(&req, "hash")?),
            (Method::Get, "/summary") => {
                let id = ConversationId::parse(query(&req, "id")?)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                match self.summary_of(&id)? {
                    Some(summary) => http::json(&summary),
                    None => http::error(ErrorCode::NotFound, "no such conversation"),
                }
            }
            (Method::Get, "/identity") => match self.identity_of(&query(&req, "user_id")?)? {
                Some(conversation) => http::json(&conversation),
                None => http::error(ErrorCode::NotFound, "no conversation of this user"),
            },
            (Method::Post, "/outbox") => {
                let email: OutboxEmail = req.json().await?;
                self.queue_email(email).await?;
                no_content()
            }
            (Method::Get, "/outbox") => {
                let rows: Vec<EmailRow> = self
                    .state
                    .storage()
                    .sql()
                    .exec(
                        "SELECT email FROM outbox ORDER BY id DESC LIMIT ?",
                        vec![OUTBOX_PAGE.into()],
                    )?
                    .to_array()?;
                let emails = rows
                    .iter()
                    .map(|r| serde_json::from_str(&r.email))
                    .collect::<std::result::Result<Vec<OutboxEmail>, _>>()?;
                http::json(&emails)
            }
            (_, other) => http::error(ErrorCode::NotFound, format!("no internal route {other}")),
        }
    }

    /// Webhook deliveries that are due, and the check for nobody online in working hours.
    async fn alarm(&self) -> Result<Response> {
        self.deliver_webhooks().await?;
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
        match protocol::decode::decode_inbox_command(&frame) {
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

/// The role behind an inbox socket (visitors never have one).
fn operator_role(participant: &Participant) -> Option<protocol::Role> {
    match participant {
        Participant::Operator { role, .. } => Some(*role),
        Participant::Visitor { .. } => None,
    }
}

/// A summary as an operator with `role` may see it under the site's masking setting.
fn masked_summary(
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
fn visible(summary: &ConversationSummary, participant: &Participant) -> bool {
    match participant {
        Participant::Operator { id, role, .. } => summary.state.open_to(id, *role),
        Participant::Visitor { .. } => false,
    }
}

/// A query parameter of an internal request ("" when absent).
fn query(req: &Request, name: &str) -> Result<String> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default())
}

fn no_content() -> Result<Response> {
    Ok(Response::empty()?.with_status(204))
}

impl SiteRoom {
    /// Whether the page origin in the request's query (`origin`, `dev`) may run the widget.
    fn origin_allowed(&self, req: &Request) -> Result<bool> {
        let url = req.url()?;
        let value = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        let allowed = self
            .settings()?
            .map(|s| s.allowed_origins)
            .unwrap_or_default();
        Ok(protocol::settings::origin_allowed(
            &allowed,
            value("origin").as_deref(),
            value("dev").as_deref() == Some("true"),
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

    fn bans(&self) -> Result<Vec<protocol::Ban>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            ban: String,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec("SELECT id, ban FROM bans ORDER BY id DESC", None)?
            .to_array()?;
        rows.into_iter()
            .map(|r| {
                let mut ban: protocol::Ban = serde_json::from_str(&r.ban)?;
                ban.id = r.id as u64;
                Ok(ban)
            })
            .collect()
    }

    pub(super) fn banned(&self, visitor: Option<&String>, ip: Option<&String>) -> Result<bool> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let empty = String::new();
        let rows: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT COUNT(*) AS n FROM bans WHERE (visitor IS NOT NULL AND visitor = ?)
                 OR (ip IS NOT NULL AND ip = ?)",
                vec![
                    visitor.unwrap_or(&empty).as_str().into(),
                    ip.unwrap_or(&empty).as_str().into(),
                ],
            )?
            .to_array()?;
        Ok(rows.first().is_some_and(|c| c.n > 0))
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
            .map(|row| serde_json::from_str(&row.value))
            .transpose()?;
        self.cached_settings.borrow_mut().clone_from(&settings);
        Ok(settings)
    }

    fn save_settings(&self, settings: &SiteSettings) -> Result<()> {
        self.state.storage().sql().exec(
            "INSERT INTO settings (key, value) VALUES ('site', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![serde_json::to_string(settings)?.into()],
        )?;
        *self.cached_settings.borrow_mut() = Some(settings.clone());
        Ok(())
    }

    /// Signed-in operators (one entry per open console), except a socket that is closing.
    fn members(&self, closing: Option<&WebSocket>) -> Vec<InboxMember> {
        self.state
            .get_websockets_with_tag("operator")
            .into_iter()
            .filter(|ws| Some(ws) != closing)
            .filter_map(|ws| ws.deserialize_attachment::<InboxMember>().ok().flatten())
            .collect()
    }

    /// Tells every open console who of the team is signed in and available.
    fn announce_team(&self, closing: Option<&WebSocket>) {
        let mut colleagues: Vec<ColleagueStatus> = Vec::new();
        for member in self.members(closing) {
            if let Participant::Operator { id, name, .. } = member.participant {
                // One entry per operator, however many consoles he has open.
                match colleagues.iter_mut().find(|c| c.id == id) {
                    Some(existing) if member.since > existing.since => {
                        existing.availability = member.availability;
                        existing.since = member.since;
                        existing.custom = member.custom;
                    }
                    Some(_) => {}
                    None => colleagues.push(ColleagueStatus {
                        id,
                        name,
                        availability: member.availability,
                        since: member.since,
                        custom: member.custom,
                    }),
                }
            }
        }
        let event = InboxEvent::Team { colleagues };
        for socket in crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms()) {
            if Some(&socket) != closing {
                let _ = socket.send(&event);
            }
        }
    }

    /// Operators online now: signed in with the console open (an inbox socket) and not away.
    fn online_operators(&self) -> Vec<OperatorCard> {
        let mut online: Vec<OperatorCard> = Vec::new();
        for member in self.members(None) {
            if member.availability != Availability::Online {
                continue;
            }
            if let Participant::Operator { id, name, .. } = member.participant {
                if !online.iter().any(|o| o.id == id) {
                    online.push(OperatorCard { id, name });
                }
            }
        }
        online
    }

    /// Who can answer: any online operator, and per department the online operators the
    /// routing settings let serve it.
    fn presence(&self) -> Presence {
        let online = self.online_operators();
        let settings = self
            .settings()
            .ok()
            .flatten()
            .unwrap_or_else(|| SiteSettings::new(""));
        let serves = |operator: &OperatorCard, department: &str| {
            let (departments, _) = settings.routing.for_operator(&operator.id);
            departments.is_empty() || departments.iter().any(|d| d == department)
        };
        Presence {
            operators_online: !online.is_empty(),
            departments_online: settings
                .departments
                .iter()
                .filter(|d| online.iter().any(|o| serves(o, &d.id)))
                .map(|d| d.id.clone())
                .collect(),
        }
    }

    /// Picks the operator for a chat (`protocol::routing`) from who is online, their open chats
    /// and the site's routing settings, and counts the chat against him at once so that chats
    /// arriving together spread out.
    fn assign(&self, request: &AssignRequest) -> Result<Option<OperatorCard>> {
        #[derive(Deserialize)]
        struct Load {
            assignee: String,
            n: i64,
        }
        #[derive(Deserialize)]
        struct Routed {
            operator: String,
            at: i64,
        }
        let sql = self.state.storage().sql();
        let loads: Vec<Load> = sql
            .exec(
                "SELECT assignee, COUNT(*) AS n FROM conversations
                 WHERE open = 1 AND assignee IS NOT NULL AND id != ? GROUP BY assignee",
                vec![request.conversation.as_str().into()],
            )?
            .to_array()?;
        let routed: Vec<Routed> = sql
            .exec("SELECT operator, at FROM routed", None)?
            .to_array()?;
        let Some(settings) = self.settings()? else {
            return Ok(None);
        };
        let online = self.online_operators();
        let operators: Vec<OperatorLoad> = online
            .iter()
            .filter(|o| request.exclude.as_ref() != Some(&o.id))
            .map(|o| {
                let (departments, max_chats) = settings.routing.for_operator(&o.id);
                OperatorLoad {
                    id: o.id.clone(),
                    online: true,
                    departments,
                    active_chats: loads
                        .iter()
                        .find(|l| l.assignee == o.id.as_str())
                        .map_or(0, |l| l.n as u32),
                    max_chats,
                    last_assigned_at: routed
                        .iter()
                        .find(|r| r.operator == o.id.as_str())
                        .map_or(0, |r| r.at as u64),
                }
            })
            .collect();
        let chosen = route(
            &operators,
            &settings.routing.regions,
            ChatRequest {
                department: request.department.as_deref(),
                previous_operator: request.previous.as_ref(),
                country: request.geo.country.as_deref(),
                city: request.geo.city.as_deref(),
            },
        );
        let Some(chosen) = chosen else {
            return Ok(None);
        };
        sql.exec(
            "INSERT INTO routed (operator, at) VALUES (?, ?)
             ON CONFLICT (operator) DO UPDATE SET at = excluded.at",
            vec![chosen.as_str().into(), (http::now_ms() as i64).into()],
        )?;
        sql.exec(
            "UPDATE conversations SET assignee = ?, open = 1 WHERE id = ?",
            vec![chosen.as_str().into(), request.conversation.as_str().into()],
        )?;
        Ok(online.into_iter().find(|o| o.id == chosen))
    }

    fn open_inbox(&self, req: &Request) -> Result<Response> {
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

    async fn conversation_updated(
        &self,
        site: &SiteId,
        report: ConversationReport,
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

/// How other code talks to a site's object.
pub struct SiteLink<'a> {
    env: &'a Env,
    site: &'a SiteId,
}

impl<'a> SiteLink<'a> {
    pub fn new(env: &'a Env, site: &'a SiteId) -> Self {
        Self { env, site }
    }

    fn stub(&self) -> Result<Stub> {
        self.env
            .durable_object("SITES")?
            .id_from_name(self.site.as_str())?
            .get_stub()
    }

    async fn call(&self, method: Method, path: &str, body: Option<String>) -> Result<Response> {
        let headers = Headers::new();
        headers.set(internal::SITE, self.site.as_str())?;
        http::call_object(&self.stub()?, method, path, headers, body).await
    }

    async fn expect_ok(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response> {
        let response = self.call(method, path, body).await?;
        if !(200..300).contains(&response.status_code()) {
            return Err(worker::Error::RustError(format!(
                "site {} answered {} to {path}",
                self.site,
                response.status_code()
            )));
        }
        Ok(response)
    }

    pub async fn settings(&self) -> Result<SiteSettings> {
        self.expect_ok(Method::Get, "/settings", None)
            .await?
            .json()
            .await
    }

    pub async fn presence(&self) -> Result<Presence> {
        self.expect_ok(Method::Get, "/presence", None)
            .await?
            .json()
            .await
    }

    pub async fn report(&self, report: &ConversationReport) -> Result<()> {
        let body = Some(serde_json::to_string(report)?);
        self.expect_ok(Method::Post, "/conversation-updated", body)
            .await?;
        Ok(())
    }

    pub async fn identity_secret(&self) -> Result<Option<String>> {
        let secret: IdentitySecret = self
            .expect_ok(Method::Get, "/identity-secret", None)
            .await?
            .json()
            .await?;
        Ok(secret.secret)
    }

    pub async fn bind_identity(&self, proposed: &IdentityBinding) -> Result<IdentityBinding> {
        let body = Some(serde_json::to_string(proposed)?);
        self.expect_ok(Method::Post, "/identity", body)
            .await?
            .json()
            .await
    }

    /// Starts a chat with a live visitor (see `presence::SiteRoom::start_chat`).
    pub async fn start_chat(&self, start: &StartChat) -> Result<StartOutcome> {
        let body = Some(serde_json::to_string(start)?);
        self.expect_ok(Method::Post, "/live-chat", body)
            .await?
            .json()
            .await
    }

    /// The operator routing picks for a chat, if anyone can take it now.
    pub async fn assign(&self, request: &AssignRequest) -> Result<Option<OperatorCard>> {
        let body = Some(serde_json::to_string(request)?);
        self.expect_ok(Method::Post, "/assign", body)
            .await?
            .json()
            .await
    }

    pub async fn ban(&self, ban: &protocol::Ban) -> Result<()> {
        let body = Some(serde_json::to_string(ban)?);
        self.expect_ok(Method::Post, "/bans", body).await?;
        Ok(())
    }

    /// Whether this visitor or IP address is banned on the site.
    pub async fn is_banned(
        &self,
        visitor: Option<&protocol::VisitorId>,
        ip: Option<&str>,
    ) -> Result<bool> {
        let path = format!(
            "/banned?visitor={}&ip={}",
            visitor.map(|v| v.to_string()).unwrap_or_default(),
            crate::http::encode(ip.unwrap_or(""))
        );
        let mut answer = self.expect_ok(Method::Get, &path, None).await?;
        let value: serde_json::Value = answer.json().await?;
        Ok(value["banned"].as_bool().unwrap_or(false))
    }

    /// Whether this IP address may do `what` now; `Err` is how long until it may.
    pub async fn admit(
        &self,
        what: crate::limits::Limited,
        ip: &str,
    ) -> Result<std::result::Result<(), u64>> {
        let what_name = serde_json::to_value(what)?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let path = format!("/admit?what={what_name}&ip={}", crate::http::encode(ip));
        let mut answer = self.call(Method::Get, &path, None).await?;
        if answer.status_code() == 429 {
            let error: protocol::ErrorBody = answer.json().await?;
            return Ok(Err(error.retry_after_ms.unwrap_or(1000)));
        }
        Ok(Ok(()))
    }

    /// The router opened an operator's socket on `conversation`.
    pub async fn operator_socket_opened(
        &self,
        op: &OperatorId,
        conversation: &ConversationId,
    ) -> Result<()> {
        let opened = operator_sockets::OperatorSocketOpened {
            op: op.clone(),
            conversation: conversation.clone(),
        };
        let body = Some(serde_json::to_string(&opened)?);
        self.expect_ok(Method::Post, "/operator-socket", body)
            .await?;
        Ok(())
    }

    /// Closes an operator's sockets on this site and its conversations (`objects::revoke`).
    pub async fn revoke(&self, revoke: &crate::objects::revoke::Revoke) -> Result<()> {
        let body = Some(serde_json::to_string(revoke)?);
        self.expect_ok(Method::Post, "/revoke", body).await?;
        Ok(())
    }

    /// Queues an e-mail to an address a visitor typed; `false` when the site's daily cap on
    /// those is reached.
    pub async fn queue_visitor_email(&self, email: &OutboxEmail) -> Result<bool> {
        let body = Some(serde_json::to_string(email)?);
        let answer = self.call(Method::Post, "/visitor-email", body).await?;
        match answer.status_code() {
            204 => Ok(true),
            429 => Ok(false),
            other => Err(worker::Error::RustError(format!(
                "site {} answered {other} to /visitor-email",
                self.site
            ))),
        }
    }

    pub async fn queue_email(&self, email: &OutboxEmail) -> Result<()> {
        let body = Some(serde_json::to_string(email)?);
        self.expect_ok(Method::Post, "/outbox", body).await?;
        Ok(())
    }

    /// A request forwarded as is to the site's object (e.g. the inbox socket upgrade).
    pub async fn forward(
        &self,
        method: Method,
        path: &str,
        headers: Headers,
        body: Option<String>,
    ) -> Result<Response> {
        headers.set(internal::SITE, self.site.as_str())?;
        http::call_object(&self.stub()?, method, path, headers, body).await
    }
}
