//! A visitor's message that came another way than the web chat — his answer by e-mail to a
//! reply mail (read by `crate::mail::inbound`), a private message to the site's Telegram bot
//! (read by `crate::telegram::inbound`): stored as his messages, marked with the channel,
//! routed and reported like any other; one delivered twice is stored once.

use super::commands::Written;
use super::store::Meta;
use super::ConversationRoom;
use crate::http;
use crate::participant::Participant;
use protocol::{Attachment, Channel, ClientMessageId, CustomDataItem, ErrorCode, Locale};
use serde::{Deserialize, Serialize};
use worker::{Response, Result};

/// What the message holds; its files are already in this conversation's storage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelMessage {
    /// From the channel's own id of it (a mail's Message-ID, a Telegram message id): the
    /// same message is stored once.
    pub client_id: ClientMessageId,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub via: Channel,
    /// The Telegram user who wrote, for a message to the bot.
    #[serde(default)]
    pub telegram: Option<TelegramPeer>,
    /// His picture, stored in this conversation (with his first message).
    #[serde(default)]
    pub photo: Option<Attachment>,
}

/// Who the conversation's visitor is on Telegram: where replies go, and his card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramPeer {
    pub chat_id: i64,
    pub name: String,
    pub username: Option<String>,
    pub locale: Locale,
}

/// Store key of the conversation's `TelegramPeer`.
pub(super) const TELEGRAM_PEER: &str = "telegram";

impl ConversationRoom {
    /// 204 once stored; 404 for no such conversation; 403 or 429 with why (sent back to the
    /// visitor: in the bounce, or as the bot's answer).
    pub(super) async fn channel_message(&self, message: ChannelMessage) -> Result<Response> {
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return http::error(ErrorCode::NotFound, "no such conversation");
        };
        if store.state()?.spam {
            return http::error(ErrorCode::Forbidden, "the operator ended this chat");
        }
        if self
            .site(&meta)
            .is_banned(Some(&meta.visitor), None)
            .await?
        {
            return http::error(ErrorCode::Forbidden, "this visitor may not chat here");
        }
        if let Err(e) = self.within_length(&message.text, &message.client_id) {
            return http::protocol_error(e);
        }
        if self.visitor_may(true).is_err() {
            return http::error(
                ErrorCode::RateLimited,
                "too many messages in a short time: please write again later",
            );
        }
        if let Some(peer) = &message.telegram {
            self.remember_telegram_peer(&meta, peer).await?;
        }
        if let Some(photo) = message.photo.clone() {
            self.save_state(&meta, |s| s.photo = Some(photo)).await?;
        }
        let visitor = Participant::Visitor {
            visitor: meta.visitor.clone(),
        };
        let via = message.via;
        let written = |client_id, text, attachment| Written {
            client_id,
            text,
            attachment,
            via: Some(via),
        };
        let ChannelMessage {
            client_id,
            text,
            attachments,
            ..
        } = message;
        let mut files = attachments.into_iter().peekable();
        // A Telegram caption belongs to its one file; a mail's text stands on its own.
        let with_text = match via {
            Channel::Telegram => files.next(),
            Channel::Email => None,
        };
        if !text.is_empty() || with_text.is_some() || files.peek().is_none() {
            if let Some(file) = &with_text {
                self.file_sent(&file.id)?;
            }
            let first = written(client_id.clone(), text, with_text);
            self.store_message(None, &visitor, &meta, first).await?;
        }
        // A message carries one file: each further file is a message of its own.
        for (i, file) in files.enumerate() {
            self.file_sent(&file.id)?;
            let id = ClientMessageId::parse(format!("{}-{i}", client_id.as_str()))
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            self.store_message(
                None,
                &visitor,
                &meta,
                written(id, String::new(), Some(file)),
            )
            .await?;
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// Keeps where replies go, and shows operators who he is on Telegram: his name (unless
    /// he gave another), his @username with a link.
    async fn remember_telegram_peer(&self, meta: &Meta, peer: &TelegramPeer) -> Result<()> {
        let store = self.store();
        if store.get::<TelegramPeer>(TELEGRAM_PEER)?.as_ref() == Some(peer) {
            return Ok(());
        }
        store.put(TELEGRAM_PEER, peer)?;
        let mut card = vec![CustomDataItem {
            title: "Telegram".into(),
            content: peer.name.clone(),
            link: None,
        }];
        if let Some(username) = &peer.username {
            card[0].content = format!("@{username}");
            card[0].link = Some(format!("https://t.me/{username}"));
        }
        let name = peer.name.clone();
        self.save_state(meta, |s| {
            if s.contact.name.is_none() && !name.is_empty() {
                s.contact.name = Some(name);
            }
            s.custom_data = card;
            s.channel = Some(Channel::Telegram);
        })
        .await
    }
}
