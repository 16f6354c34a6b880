//! The typed link to a site's Telegram bot object: its connection, the secret its updates
//! carry, and the queue of what goes out to Telegram users.

use crate::http;
use protocol::channels::TelegramStatus;
use protocol::settings::RatingScale;
use protocol::{Attachment, ConversationId, Locale, SiteId};
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Result, Stub};

/// Something to do in a Telegram chat, in its turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// An operator's message `seq` (with its file, if any).
    Send {
        seq: u64,
        text: String,
        #[serde(default)]
        attachment: Option<Attachment>,
    },
    /// The operator changed the text of `seq`.
    Edit { seq: u64, text: String },
    /// The operator deleted `seq`.
    Delete { seq: u64 },
    /// The chat ended: the rating survey, with a button per score.
    Survey { scale: RatingScale, locale: Locale },
}

/// One action for one conversation's Telegram chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    pub site: SiteId,
    pub conversation: ConversationId,
    pub chat_id: i64,
    pub action: Action,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum BotRoute {
    /// Connect with this token (checked with Telegram), its updates to `webhook_url`:
    /// `TelegramStatus`, or 400 with Telegram's reason.
    Connect {
        token: String,
        webhook_url: String,
    },
    Disconnect,
    Status,
    /// The token, when `secret` is the one this bot's updates carry (403 otherwise).
    Check {
        secret: String,
    },
    /// Queue an action; it goes out after every earlier one.
    Queue(Outgoing),
    /// "typing…" in the chat, now or never.
    Typing {
        chat_id: i64,
    },
}

/// `Check`'s answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checked {
    pub token: String,
}

pub struct BotLink(Stub);

impl BotLink {
    pub fn new(env: &Env, site: &SiteId) -> Result<Self> {
        Ok(Self(
            env.durable_object("TELEGRAM")?
                .id_from_name(site.as_str())?
                .get_stub()?,
        ))
    }

    pub async fn send(&self, route: &BotRoute) -> Result<worker::Response> {
        let body = serde_json::to_string(route)?;
        http::call_object(&self.0, Method::Post, "/", Headers::new(), Some(body)).await
    }

    pub async fn status(&self) -> Result<TelegramStatus> {
        http::expect_success(self.send(&BotRoute::Status).await?)
            .await?
            .json()
            .await
    }

    /// The bot's token when `secret` is its updates' secret.
    pub async fn check(&self, secret: &str) -> Result<Option<String>> {
        let route = BotRoute::Check {
            secret: secret.to_owned(),
        };
        let mut answer = self.send(&route).await?;
        if answer.status_code() != 200 {
            return Ok(None);
        }
        Ok(Some(answer.json::<Checked>().await?.token))
    }

    pub async fn queue(&self, outgoing: Outgoing) -> Result<()> {
        http::expect_success(self.send(&BotRoute::Queue(outgoing)).await?)
            .await
            .map(|_| ())
    }

    pub async fn typing(&self, chat_id: i64) -> Result<()> {
        http::expect_success(self.send(&BotRoute::Typing { chat_id }).await?)
            .await
            .map(|_| ())
    }
}
