//! Telegram as a channel: the Bot API client (`api`), what an update means (`update`), and
//! what the relay does with one (`inbound`). The bot itself — its token, secret and outbox —
//! is `objects::telegram`.

pub mod api;
pub mod inbound;
pub mod update;

/// The header Telegram puts the webhook's `secret_token` in, on every update.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
