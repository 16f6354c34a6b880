//! The typed link to a site object: every request but a socket's is a variant of
//! [`SiteRoute`], sent as one JSON body, so the router, the conversations and the object cannot
//! disagree on a path or a field. Sockets are GETs with `Upgrade` to [`INBOX_PATH`] (operators'
//! consoles) and [`PRESENCE_PATH`] (visitors' pages).

use crate::http::{self, internal};
use crate::limits::Limited;
use crate::objects::revoke::Revoke;
use crate::participant::Participant;
use protocol::export::SiteExport;
use protocol::rest::ApiKey;
use protocol::visitors::ProactiveChat;
use protocol::webhooks::WebhookEndpoint;
use protocol::{
    Ban, ConversationId, ConversationSummary, ErrorBody, Geo, OperatorCard, OperatorId,
    OutboxEmail, Presence, SiteId, SiteSettings, VisitorId,
};
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Response, Result, Stub};

/// An operator's console socket (the inbox, the team, the live visitor list).
pub const INBOX_PATH: &str = "/inbox";
/// A visitor's page socket (the live visitor list), its `PresenceInit` JSON in `?init=`.
pub const PRESENCE_PATH: &str = "/presence-socket";

/// The page a widget runs on, as the router saw it: its `Origin`, and whether this is a local
/// run (where pages on this machine may run any site's widget).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageOrigin {
    pub origin: Option<String>,
    pub dev: bool,
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

/// What a conversation's object tells its site after every change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConversationUpdate {
    pub summary: ConversationSummary,
    /// `protocol::history::search_text` of all its messages, when it was rebuilt.
    #[serde(default)]
    pub search: Option<String>,
    /// The search text of messages new since the last report, to append.
    #[serde(default)]
    pub search_append: Option<String>,
    /// `protocol::history::contact_text` of the visitor's contact data.
    pub contact: String,
    /// Operators who wrote, were assigned or were invited.
    pub operators: Vec<OperatorId>,
    /// For reports: who started it, first response, closing time, message counts.
    #[serde(default)]
    pub facts: protocol::reports::ChatFacts,
    /// Restored from an export: indexed without webhooks, alerts or lifecycle logs.
    #[serde(default)]
    pub imported: bool,
}

/// `POST /api-keys` (internal): a new key as listed, and its hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredKey {
    pub listed: ApiKey,
    pub hash: String,
}

/// `POST /identity` (internal): the verified user's conversation, bound on first sight.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityBinding {
    pub user_id: String,
    pub visitor: VisitorId,
    pub conversation: ConversationId,
}

/// `GET`/`PUT /identity-secret` (internal).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdentitySecret {
    pub secret: Option<String>,
}

/// Router → site: who opens a presence socket (everything but his page, which he sends).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PresenceInit {
    /// The browser's own random key: the secret that links his tabs. Never shown to anyone.
    pub key: String,
    pub visitor: Option<VisitorId>,
    pub conversation: Option<ConversationId>,
    pub geo: Geo,
    pub ip: Option<String>,
    pub browser: String,
    pub os: String,
}

/// Router → site: an operator starts a chat with live visitor `id`. The router has minted a
/// session in case the visitor has none yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartChat {
    pub id: String,
    pub token: String,
    pub visitor: VisitorId,
    pub conversation: ConversationId,
}

/// Site → router: what came of `StartChat`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum StartOutcome {
    Started(StartedChat),
    /// The visitor closed his last tab.
    Left,
    /// The visitor or his IP address is banned: he is not disturbed.
    Banned,
}

/// `POST /init` body: creates the site (idempotent; a second call updates the name).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteInit {
    pub site: SiteId,
    pub site_name: String,
}

/// Site → router: the conversation to write into, and whether it is new (then the router
/// creates it, for this visitor, from here).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartedChat {
    pub chat: ProactiveChat,
    pub created: bool,
    pub visitor: VisitorId,
    pub ip: Option<String>,
    pub geo: Geo,
}

/// Everything a site object does besides its sockets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum SiteRoute {
    /// Create the site (idempotent; again, it renames it).
    Init(SiteInit),
    Settings,
    /// The settings, for a conversation that follows them (it is handed every change).
    SettingsFor {
        conversation: ConversationId,
    },
    /// Settings validated by the router.
    SaveSettings(Box<SiteSettings>),
    /// Whether a page may run the widget (204 or 403).
    Origin(PageOrigin),
    /// The widget's configuration for a page (403 when the page may not run it).
    Config {
        page: PageOrigin,
        geo: Geo,
        /// The visitor's kind of device, read from his User-Agent by the router.
        device: protocol::device::Device,
    },
    Presence,
    /// Who should get a chat, by the site's routing rules.
    Assign(AssignRequest),
    Ban(Ban),
    Bans,
    Unban {
        id: i64,
        #[serde(default = "all_of_it")]
        part: protocol::bans::BanPart,
    },
    Banned {
        visitor: Option<VisitorId>,
        ip: Option<String>,
    },
    /// An operator starts a chat with a visitor on the site now.
    LiveChat(StartChat),
    /// Take one `what` from an IP address's rate (429 with how long to wait).
    Admit {
        what: Limited,
        ip: String,
    },
    /// An e-mail to an address a visitor typed (429 past the site's daily cap).
    VisitorEmail(OutboxEmail),
    QueueEmail(OutboxEmail),
    Outbox,
    /// The router opened an operator's socket on a conversation.
    OperatorSocket {
        op: OperatorId,
        conversation: ConversationId,
    },
    /// Close an operator's sockets on the site and its conversations.
    Revoke(Revoke),
    IdentitySecret,
    SetIdentitySecret(IdentitySecret),
    BindIdentity(IdentityBinding),
    /// The conversation of a verified user (404 when he has none).
    Identity {
        user_id: String,
    },
    /// A conversation changed: its summary, search text and report facts.
    ConversationUpdated(Box<ConversationUpdate>),
    /// The site's summary of a conversation (404 when it has none).
    Summary {
        id: ConversationId,
    },
    /// History search as `participant` may see it; `query` as the client sent it.
    History {
        participant: Participant,
        query: Vec<(String, String)>,
    },
    /// Reports (JSON, or CSV as a download); `query` as the client sent it.
    Reports {
        query: Vec<(String, String)>,
        csv: bool,
        /// What a chat's id is appended to for its transcript in the console (the CSV's links).
        chat_links: String,
    },
    /// A page of the site's export.
    Export {
        after: Option<String>,
        limit: Option<usize>,
    },
    /// A document checked by the router; settings replaced only when asked.
    Import {
        export: Box<SiteExport>,
        replace_settings: bool,
    },
    Webhooks,
    AddWebhook(WebhookEndpoint),
    RemoveWebhook {
        id: String,
    },
    WebhookLog,
    ApiKeys,
    AddApiKey(StoredKey),
    RevokeApiKey {
        id: String,
    },
    /// The key with this hash (404 when none).
    ApiKey {
        hash: String,
    },
    AutoAnswers,
    /// An answer tidied by the router: a new one (with the id the router gave it) or a
    /// replacement of the one with its id.
    SaveAutoAnswer {
        answer: protocol::answers::AutoAnswer,
        new: bool,
    },
    RemoveAutoAnswer {
        id: String,
    },
    /// The automatic answer a visitor's message asks for (`null` when none).
    MatchAutoAnswer {
        text: String,
    },
}

fn all_of_it() -> protocol::bans::BanPart {
    protocol::bans::BanPart::All
}

/// The client side: one site's object.
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

    /// Sends `route` and returns the object's response as it is (the router passes many on
    /// to its client).
    pub async fn send(&self, route: &SiteRoute) -> Result<Response> {
        let headers = Headers::new();
        // Every request names the site: the object keeps it for work no request starts.
        headers.set(internal::SITE, self.site.as_str())?;
        let body = Some(serde_json::to_string(route)?);
        http::call_object(&self.stub()?, Method::Post, "/", headers, body).await
    }

    /// Sends `route`; an answer that is not a success is an error naming it.
    async fn done(&self, route: &SiteRoute) -> Result<Response> {
        http::expect_success(self.send(route).await?).await
    }

    /// Opens a socket (`path` is [`INBOX_PATH`] or [`PRESENCE_PATH`] with its query);
    /// `headers` carry `Upgrade: websocket` and, for an operator, who he is.
    pub async fn connect(&self, path: &str, headers: Headers) -> Result<Response> {
        headers.set(internal::SITE, self.site.as_str())?;
        http::call_object(&self.stub()?, Method::Get, path, headers, None).await
    }

    pub async fn init(&self, init: SiteInit) -> Result<()> {
        self.done(&SiteRoute::Init(init)).await.map(|_| ())
    }

    pub async fn settings(&self) -> Result<SiteSettings> {
        self.done(&SiteRoute::Settings).await?.json().await
    }

    /// The settings for `conversation`, which is then handed every change of them.
    pub async fn settings_for(&self, conversation: &ConversationId) -> Result<SiteSettings> {
        let conversation = conversation.clone();
        let route = SiteRoute::SettingsFor { conversation };
        self.done(&route).await?.json().await
    }

    pub async fn presence(&self) -> Result<Presence> {
        self.done(&SiteRoute::Presence).await?.json().await
    }

    pub async fn conversation_updated(&self, update: ConversationUpdate) -> Result<()> {
        let route = SiteRoute::ConversationUpdated(Box::new(update));
        self.done(&route).await.map(|_| ())
    }

    pub async fn identity_secret(&self) -> Result<Option<String>> {
        let secret: IdentitySecret = self.done(&SiteRoute::IdentitySecret).await?.json().await?;
        Ok(secret.secret)
    }

    pub async fn bind_identity(&self, proposed: &IdentityBinding) -> Result<IdentityBinding> {
        let route = SiteRoute::BindIdentity(proposed.clone());
        self.done(&route).await?.json().await
    }

    /// Starts a chat with a live visitor (see `presence::SiteRoom::start_chat`).
    pub async fn start_chat(&self, start: &StartChat) -> Result<StartOutcome> {
        let route = SiteRoute::LiveChat(start.clone());
        self.done(&route).await?.json().await
    }

    /// The operator routing picks for a chat, if anyone can take it now.
    pub async fn assign(&self, request: &AssignRequest) -> Result<Option<OperatorCard>> {
        let route = SiteRoute::Assign(request.clone());
        self.done(&route).await?.json().await
    }

    pub async fn ban(&self, ban: &Ban) -> Result<()> {
        self.done(&SiteRoute::Ban(ban.clone())).await.map(|_| ())
    }

    /// Whether this visitor or IP address is banned on the site.
    pub async fn is_banned(&self, visitor: Option<&VisitorId>, ip: Option<&str>) -> Result<bool> {
        let route = SiteRoute::Banned {
            visitor: visitor.cloned(),
            ip: ip.map(str::to_owned),
        };
        self.done(&route).await?.json().await
    }

    /// Whether this IP address may do `what` now; `Err` is how long until it may.
    pub async fn admit(&self, what: Limited, ip: &str) -> Result<std::result::Result<(), u64>> {
        let route = SiteRoute::Admit {
            what,
            ip: ip.to_owned(),
        };
        let mut answer = self.send(&route).await?;
        if answer.status_code() == 429 {
            let error: ErrorBody = answer.json().await?;
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
        let route = SiteRoute::OperatorSocket {
            op: op.clone(),
            conversation: conversation.clone(),
        };
        self.done(&route).await.map(|_| ())
    }

    /// Closes an operator's sockets on this site and its conversations (`objects::revoke`).
    pub async fn revoke(&self, revoke: &Revoke) -> Result<()> {
        self.done(&SiteRoute::Revoke(revoke.clone()))
            .await
            .map(|_| ())
    }

    /// Queues an e-mail to an address a visitor typed; `false` when the site's daily cap on
    /// those is reached.
    pub async fn queue_visitor_email(&self, email: &OutboxEmail) -> Result<bool> {
        let answer = self.send(&SiteRoute::VisitorEmail(email.clone())).await?;
        match answer.status_code() {
            204 => Ok(true),
            429 => Ok(false),
            other => Err(worker::Error::RustError(format!(
                "site {} answered {other} to a visitor's e-mail",
                self.site
            ))),
        }
    }

    /// The automatic answer `text` asks for, if the site has one.
    pub async fn match_auto_answer(
        &self,
        text: &str,
    ) -> Result<Option<protocol::answers::AutoAnswer>> {
        let route = SiteRoute::MatchAutoAnswer { text: text.into() };
        self.done(&route).await?.json().await
    }

    pub async fn queue_email(&self, email: &OutboxEmail) -> Result<()> {
        self.done(&SiteRoute::QueueEmail(email.clone()))
            .await
            .map(|_| ())
    }
}
