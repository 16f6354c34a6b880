//! A conversation with a Telegram user: what operators do in it goes to his Telegram chat
//! through the site's bot (`objects::telegram`), and what Telegram could not take comes back
//! as a note for the operators.

use super::channel_message::{TelegramPeer, TELEGRAM_PEER};
use super::store::Meta;
use super::ConversationRoom;
use crate::http;
use crate::objects::telegram::link::{Action, BotLink, Outgoing};
use protocol::{Author, SystemEvent};
use worker::{Response, Result};

/// "typing…" lasts about 5 s in Telegram: shown again at most this often.
const TYPING_EVERY_MS: u64 = 4_000;

impl ConversationRoom {
    fn telegram_peer(&self) -> Result<Option<TelegramPeer>> {
        self.store().get(TELEGRAM_PEER)
    }

    /// Queues `action` for the visitor's Telegram chat, when he is a Telegram user.
    pub(super) async fn to_telegram(&self, meta: &Meta, action: Action) -> Result<()> {
        let Some(peer) = self.telegram_peer()? else {
            return Ok(());
        };
        BotLink::new(&self.env, &meta.site)?
            .queue(Outgoing {
                site: meta.site.clone(),
                conversation: meta.conversation.clone(),
                chat_id: peer.chat_id,
                action,
            })
            .await
    }

    /// An operator is typing: shown in the Telegram chat (at most every few seconds).
    pub(super) async fn typing_to_telegram(&self, meta: &Meta) -> Result<()> {
        let now = http::now_ms();
        if now.saturating_sub(self.telegram_typing_at.get()) < TYPING_EVERY_MS {
            return Ok(());
        }
        let Some(peer) = self.telegram_peer()? else {
            return Ok(());
        };
        self.telegram_typing_at.set(now);
        BotLink::new(&self.env, &meta.site)?
            .typing(peer.chat_id)
            .await
    }

    /// The chat ended: a Telegram user is asked to rate it with buttons, in his language.
    pub(super) async fn survey_to_telegram(&self, meta: &Meta) -> Result<()> {
        let Some(peer) = self.telegram_peer()? else {
            return Ok(());
        };
        let rating = self.settings(meta).await?.rating;
        let scale = rating.scale;
        if !rating.asks_on_close() || self.store().state()?.rating.is_some() {
            return Ok(());
        }
        let locale = peer.locale;
        self.to_telegram(meta, Action::Survey { scale, locale })
            .await
    }

    /// His press on a rating button: 204, or 4xx with why (a second rating, a bad score).
    pub(super) async fn channel_rating(&self, score: u8) -> Result<Response> {
        let Some(meta) = self.store().meta()? else {
            return http::error(protocol::ErrorCode::NotFound, "no such conversation");
        };
        match self.rated(&meta, score, None).await? {
            Ok(()) => Ok(Response::empty()?.with_status(204)),
            Err(e) => http::protocol_error(e),
        }
    }

    /// A note for the operators that message `seq` did not reach Telegram, and why.
    pub(super) fn not_delivered(&self, seq: u64, reason: String) -> Result<()> {
        let event = SystemEvent::NotDelivered { seq, reason };
        self.append_note("system".into(), Author::System, String::new(), Some(event))
    }
}
