//! Mail to `reply+<signed id>@EMAIL_REPLY_DOMAIN`, handed to the Worker by Cloudflare Email
//! Routing (locally: wrangler's `POST /cdn-cgi/handler/email`). A mail to a forged, altered or
//! expired address, to a conversation that refuses it, or that cannot be read is rejected
//! with the reason, which the sender's mail server returns to him: nothing is dropped silently.

use super::parse::parse;
use crate::auth::reply_address::{self, ReplyAddressError};
use crate::auth::token::TokenKey;
use crate::objects::conversation::channel_message::ChannelMessage;
use crate::objects::conversation::link::ConversationLink;
use protocol::{Channel, ClientMessageId};
use worker::{Env, ForwardableEmailMessage, Result};

/// Larger mails are refused unread (Email Routing itself takes up to 25 MB).
const MAX_MAIL_BYTES: f64 = 30.0 * 1024.0 * 1024.0;

pub async fn receive(message: &ForwardableEmailMessage, env: &Env) -> Result<()> {
    if let Err(why) = accept(message, env).await? {
        crate::log::event("mail.rejected", &[("reason", &why)]);
        message.set_reject(&why);
    }
    Ok(())
}

/// `Ok(Err(why))`: refused, with the reason for the sender.
async fn accept(
    message: &ForwardableEmailMessage,
    env: &Env,
) -> Result<std::result::Result<(), String>> {
    let config = crate::config::of(env)?;
    let Some(domain) = config.email_reply_domain.as_deref() else {
        return Ok(Err(ReplyAddressError::NotAReplyAddress.reason().into()));
    };
    let key = TokenKey::new(&config.token_secret).map_err(worker::Error::RustError)?;
    let now = crate::http::now_ms();
    let (site, conversation) = match reply_address::verify(&key, &message.to(), domain, now) {
        Ok(ids) => ids,
        Err(e) => return Ok(Err(e.reason().into())),
    };
    if message.raw_size() > MAX_MAIL_BYTES {
        return Ok(Err("the message is too large".into()));
    }
    let Some(mail) = parse(&message.raw_bytes().await?) else {
        return Ok(Err("the message could not be read".into()));
    };
    let client_id = ClientMessageId::parse(mail.client_id)
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let (attachments, refused) =
        crate::files::save_received(env, &site, &conversation, mail.files).await?;
    let mut text = mail.text;
    // Files the chat does not take are named, so that the operator can ask for them.
    for (name, why) in refused {
        text.push_str(&format!("\n[{name}: {why}]"));
    }
    let text = text.trim().to_owned();
    if text.is_empty() && attachments.is_empty() {
        return Ok(Err("the answer holds no text of its own".into()));
    }
    let answer = ChannelMessage {
        client_id,
        text,
        attachments: attachments.clone(),
        via: Channel::Email,
        telegram: None,
        photo: None,
    };
    let stored = ConversationLink::new(env, &site, &conversation)?
        .channel_message(answer)
        .await?;
    if stored.is_err() {
        for file in &attachments {
            crate::files::delete(env, &site, &conversation, &file.id).await?;
        }
    }
    Ok(stored)
}
