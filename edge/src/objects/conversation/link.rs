//! The typed link to a conversation object: every request but a socket's is a variant of
//! [`ConversationRoute`], sent as one JSON body, so the callers (the router, the site object)
//! and the object cannot disagree on a path or a field. A socket is a GET with `Upgrade` to
//! [`CONNECT_PATH`], its participant in the router's internal headers.

use crate::http;
use crate::objects::revoke::Revoke;
use crate::participant::Participant;
use protocol::export::ConversationExport;
use protocol::{ChatMessage, ConversationId, Geo, SiteId, VisitorId};
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Response, Result, Stub};

/// Where sockets connect (`?after=` the last message a client saw, `&country=&city=` a
/// visitor's place).
pub const CONNECT_PATH: &str = "/connect";

/// How long the site's settings are reused before asking the site again. The site pushes a
/// change to every conversation that read them within this time (`ConversationRoute::Settings`), so a
/// conversation follows a change at once; the limit only bounds what a lost push leaves behind.
pub const SETTINGS_KEPT_MS: u64 = 60 * 60 * 1000;

/// Everything a conversation object does besides its sockets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum ConversationRoute {
    /// Create it for a visitor an operator starts a chat with.
    Open(NewConversation),
    /// Its visitor is a verified user of the host site.
    Verify(VerifiedVisitor),
    /// Whether `participant` may open it now (204, 403 or 404).
    Access { participant: Participant },
    /// The messages up to `until` (ms), without private notes.
    Transcript { until: Option<u64> },
    /// The site's server replaced the custom data operators see (validated by the router).
    CustomData(protocol::rest::CustomDataUpdate),
    /// A file was uploaded: deleted in an hour unless a message sends it.
    Uploaded(Uploaded),
    /// The visitor wrote by e-mail or Telegram (checked and read by the router).
    ChannelMessage(super::channel_message::ChannelMessage),
    /// The visitor pressed a rating button in Telegram.
    ChannelRating { score: u8 },
    /// The operator's message `seq` did not reach the visitor's messenger.
    NotDelivered { seq: u64, reason: String },
    /// Close an operator's sockets whose access ended.
    Revoke(Revoke),
    /// The site's settings changed: these are the ones to follow from now on.
    Settings(Box<protocol::SiteSettings>),
    /// Delete it for good (data retention).
    Erase,
    /// Everything about it, for a site's export (404 when it does not exist).
    Export,
    /// Recreate it from an export (409 when it exists).
    Import {
        site: SiteId,
        conversation: Box<ConversationExport>,
    },
}

/// A conversation an operator starts (a chat a visitor starts is created by his first connect).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewConversation {
    pub site: SiteId,
    pub conversation: ConversationId,
    pub visitor: VisitorId,
    pub ip: Option<String>,
    pub geo: Geo,
}

/// The conversation's visitor is this verified user of the host site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedVisitor {
    pub conversation: NewConversation,
    pub user_id: String,
}

/// A file uploaded to the conversation and not sent yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Uploaded {
    pub id: String,
}

/// What an import of one conversation did.
pub enum Imported {
    Created,
    /// It existed: an import never overwrites.
    Exists,
}

/// The client side: one conversation of a site.
pub struct ConversationLink(Stub);

impl ConversationLink {
    pub fn new(env: &Env, site: &SiteId, conversation: &ConversationId) -> Result<Self> {
        Ok(Self(
            env.durable_object("CONVERSATIONS")?
                .id_from_name(&format!("{site}/{conversation}"))?
                .get_stub()?,
        ))
    }

    /// Sends `route` and returns the object's response as it is.
    pub async fn send(&self, route: &ConversationRoute) -> Result<Response> {
        let body = serde_json::to_string(route)?;
        http::call_object(&self.0, Method::Post, "/", Headers::new(), Some(body)).await
    }

    /// Sends `route`; an answer that is not a success is an error with its message.
    async fn done(&self, route: &ConversationRoute) -> Result<Response> {
        http::expect_success(self.send(route).await?).await
    }

    /// Opens a socket: `headers` carry the participant (and `Upgrade: websocket`).
    pub async fn connect(
        &self,
        headers: Headers,
        after: u64,
        geo: Option<&Geo>,
    ) -> Result<Response> {
        let mut path = format!("{CONNECT_PATH}?after={after}");
        if let Some(geo) = geo {
            path.push_str(&format!(
                "&country={}&city={}",
                http::encode(geo.country.as_deref().unwrap_or("")),
                http::encode(geo.city.as_deref().unwrap_or(""))
            ));
        }
        http::call_object(&self.0, Method::Get, &path, headers, None).await
    }

    /// Creates it unless it exists: `true` when it is new.
    pub async fn open(&self, new: NewConversation) -> Result<bool> {
        Ok(self
            .done(&ConversationRoute::Open(new))
            .await?
            .status_code()
            == 201)
    }

    pub async fn verify(&self, verified: VerifiedVisitor) -> Result<()> {
        self.done(&ConversationRoute::Verify(verified))
            .await
            .map(|_| ())
    }

    /// 204 when `participant` may open it, else the refusal (403, 404) as the object worded it.
    pub async fn access(&self, participant: &Participant) -> Result<Response> {
        self.send(&ConversationRoute::Access {
            participant: participant.clone(),
        })
        .await
    }

    pub async fn transcript(&self, until: Option<u64>) -> Result<Vec<ChatMessage>> {
        self.done(&ConversationRoute::Transcript { until })
            .await?
            .json()
            .await
    }

    /// 204, or 404 when there is no such conversation.
    pub async fn set_custom_data(
        &self,
        update: protocol::rest::CustomDataUpdate,
    ) -> Result<Response> {
        self.send(&ConversationRoute::CustomData(update)).await
    }

    pub async fn uploaded(&self, id: &str) -> Result<()> {
        let uploaded = Uploaded { id: id.to_owned() };
        self.done(&ConversationRoute::Uploaded(uploaded))
            .await
            .map(|_| ())
    }

    /// Stores the visitor's message by e-mail or Telegram: `Err(why)` when the conversation
    /// refuses it.
    pub async fn channel_message(
        &self,
        message: super::channel_message::ChannelMessage,
    ) -> Result<std::result::Result<(), String>> {
        refusal(
            self.send(&ConversationRoute::ChannelMessage(message))
                .await?,
        )
        .await
    }

    /// The visitor's rating from Telegram's buttons: `Err(why)` when it is not taken.
    pub async fn channel_rating(&self, score: u8) -> Result<std::result::Result<(), String>> {
        refusal(
            self.send(&ConversationRoute::ChannelRating { score })
                .await?,
        )
        .await
    }

    pub async fn not_delivered(&self, seq: u64, reason: &str) -> Result<()> {
        let route = ConversationRoute::NotDelivered {
            seq,
            reason: reason.to_owned(),
        };
        self.done(&route).await.map(|_| ())
    }

    pub async fn revoke(&self, revoke: &Revoke) -> Result<()> {
        self.done(&ConversationRoute::Revoke(revoke.clone()))
            .await
            .map(|_| ())
    }

    /// Hands the site's new settings to the conversation.
    pub async fn settings_changed(&self, settings: &protocol::SiteSettings) -> Result<()> {
        let route = ConversationRoute::Settings(Box::new(settings.clone()));
        self.done(&route).await.map(|_| ())
    }

    pub async fn erase(&self) -> Result<()> {
        self.done(&ConversationRoute::Erase).await.map(|_| ())
    }

    /// The conversation as an export has it; `None` when it does not exist.
    pub async fn export(&self) -> Result<Option<ConversationExport>> {
        let mut answer = self.send(&ConversationRoute::Export).await?;
        match answer.status_code() {
            404 => Ok(None),
            _ if answer.status_code() < 300 => Ok(Some(answer.json().await?)),
            status => Err(worker::Error::RustError(format!(
                "export failed ({status})"
            ))),
        }
    }

    pub async fn import(
        &self,
        site: &SiteId,
        conversation: ConversationExport,
    ) -> Result<Imported> {
        let route = ConversationRoute::Import {
            site: site.clone(),
            conversation: Box::new(conversation),
        };
        let answer = self.send(&route).await?;
        match answer.status_code() {
            409 => Ok(Imported::Exists),
            status if status < 300 => Ok(Imported::Created),
            status => Err(worker::Error::RustError(format!(
                "import failed ({status})"
            ))),
        }
    }
}

/// `Ok` for a success, else the object's reason.
async fn refusal(mut response: Response) -> Result<std::result::Result<(), String>> {
    if response.status_code() < 300 {
        return Ok(Ok(()));
    }
    let why = response
        .json::<protocol::ErrorBody>()
        .await
        .map(|e| e.message)
        .unwrap_or_else(|_| format!("refused ({})", response.status_code()));
    Ok(Err(why))
}
