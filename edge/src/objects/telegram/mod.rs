//! One site's Telegram bot: its token and the secret its updates carry (set with
//! `setWebhook`), and the outbox of what operators send to Telegram users, which goes out in
//! order and is retried until Telegram takes it (see `outbox`). An object of its own, so that
//! the site's object does no Bot API work.

pub mod link;
mod outbox;

use crate::http;
use crate::telegram::api::{Answer, BotApi};
use link::{BotRoute, Checked};
use protocol::channels::{check_bot_token, TelegramStatus};
use protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sent (
    conversation TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    caption INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation, seq, message_id)
);";

/// The connected bot (store key `bot`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Bot {
    token: String,
    /// What every update must carry in `X-Telegram-Bot-Api-Secret-Token`.
    secret: String,
    username: String,
    name: String,
}

#[durable_object]
pub struct TelegramBot {
    state: State,
    env: Env,
    /// A flush is under way: what is queued meanwhile goes out in that flush, in its turn.
    flushing: std::cell::Cell<bool>,
}

impl DurableObject for TelegramBot {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = crate::objects::migrate(&state.storage().sql(), SCHEMA, &[]) {
            crate::log::error("schema.migration_failed", &e, &[("object", "telegram")]);
        }
        Self {
            state,
            env,
            flushing: Default::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let route = match http::read_route::<BotRoute>(&mut req).await {
            Ok(route) => route,
            Err(e) => return http::error(ErrorCode::NotFound, e.to_string()),
        };
        let done = || Ok(Response::empty()?.with_status(204));
        match route {
            BotRoute::Connect { token, webhook_url } => {
                self.connect_bot(&token, &webhook_url).await
            }
            BotRoute::Disconnect => {
                self.disconnect().await?;
                done()
            }
            BotRoute::Status => http::json(&self.status()?),
            BotRoute::Check { secret } => match self.bot()? {
                Some(bot) if crate::auth::same_secret(&bot.secret, &secret) => {
                    http::json(&Checked { token: bot.token })
                }
                _ => http::error(ErrorCode::Forbidden, "not this bot's secret"),
            },
            BotRoute::Queue(outgoing) => {
                self.enqueue(&outgoing)?;
                // Sent from the alarm, so that the operator's command does not wait on Telegram.
                self.wake_at(http::now_ms()).await?;
                done()
            }
            BotRoute::Typing { chat_id } => {
                if let Some(bot) = self.bot()? {
                    let body = json!({ "chat_id": chat_id, "action": "typing" });
                    // Shown for a few seconds, or not at all: never queued or retried.
                    BotApi::new(&self.env, &bot.token)?
                        .call("sendChatAction", &body)
                        .await?;
                }
                done()
            }
        }
    }

    async fn alarm(&self) -> Result<Response> {
        self.flush().await?;
        Ok(Response::empty()?.with_status(204))
    }
}

impl TelegramBot {
    fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        #[derive(Deserialize)]
        struct Row {
            value: String,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec("SELECT value FROM meta WHERE key = ?", vec![key.into()])?
            .to_array()?;
        rows.first()
            .map(|r| serde_json::from_str(&r.value).map_err(worker::Error::from))
            .transpose()
    }

    fn bot(&self) -> Result<Option<Bot>> {
        self.get("bot")
    }

    fn status(&self) -> Result<TelegramStatus> {
        let bot = self.bot()?;
        Ok(TelegramStatus {
            connected: bot.is_some(),
            username: bot.as_ref().map(|b| b.username.clone()),
            name: bot.map(|b| b.name),
            waiting: self.waiting()?,
        })
    }

    /// Checks the token with Telegram (`getMe`), then points the bot's updates here with a
    /// new secret (`setWebhook`). A bot connected before is let go.
    async fn connect_bot(&self, token: &str, webhook_url: &str) -> Result<Response> {
        if let Err(e) = check_bot_token(token) {
            return http::protocol_error(e);
        }
        let api = BotApi::new(&self.env, token)?;
        let me = match api.call("getMe", &json!({})).await? {
            Answer::Done(me) => me,
            answer => return refused("Telegram did not accept this token", answer),
        };
        let text = |key: &str| {
            me.get(key)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let secret = crate::random::id() + &crate::random::id();
        let webhook = json!({
            "url": webhook_url,
            "secret_token": secret,
            "allowed_updates": ["message", "callback_query"],
        });
        if let answer @ (Answer::Refused(_) | Answer::Later(_) | Answer::WaitSeconds(_)) =
            api.call("setWebhook", &webhook).await?
        {
            return refused("Telegram did not take the bot's webhook", answer);
        }
        if let Some(old) = self.bot()?.filter(|old| old.token != token) {
            self.let_go(&old).await?;
        }
        let bot = Bot {
            token: token.to_owned(),
            secret,
            username: text("username"),
            name: text("first_name"),
        };
        self.state.storage().sql().exec(
            "INSERT INTO meta (key, value) VALUES ('bot', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![serde_json::to_string(&bot)?.into()],
        )?;
        crate::log::event("telegram.connected", &[("bot", &bot.username)]);
        http::json(&self.status()?)
    }

    /// Stops the bot's updates (`deleteWebhook`) and forgets it; what was still queued is
    /// reported as not delivered by the next flush.
    async fn disconnect(&self) -> Result<()> {
        if let Some(bot) = self.bot()? {
            self.let_go(&bot).await?;
        }
        self.state
            .storage()
            .sql()
            .exec("DELETE FROM meta WHERE key = 'bot'", None)?;
        self.wake_at(http::now_ms()).await
    }

    async fn let_go(&self, bot: &Bot) -> Result<()> {
        // Best effort: a token revoked meanwhile has no webhook left to delete.
        BotApi::new(&self.env, &bot.token)?
            .call("deleteWebhook", &json!({}))
            .await?;
        Ok(())
    }
}

/// 400 (Telegram refused) or 502 (Telegram could not be reached), with its reason.
fn refused(what: &str, answer: Answer) -> Result<Response> {
    let (status, why) = match answer {
        Answer::Refused(why) => (400, why),
        Answer::Later(why) => (502, why),
        Answer::WaitSeconds(s) => (502, format!("Telegram asked to wait {s} s")),
        Answer::Done(_) => (500, String::new()),
    };
    let code = if status == 400 {
        ErrorCode::InvalidField
    } else {
        ErrorCode::Internal
    };
    let body = protocol::ErrorBody::new(code, format!("{what}: {why}"));
    Ok(http::json(&body)?.with_status(status))
}
