//! An update from Telegram, its secret already checked by the router: a private message
//! becomes the sender's conversation's message (one conversation per Telegram user, on and
//! on across days), his files are fetched and stored within the upload limits, a press on
//! a rating button rates the chat. What the chat refuses is answered in Telegram with why.

use super::api::{Answer, BotApi};
use super::update::{Incoming, IncomingFile, User};
use crate::files::ReceivedFile;
use crate::objects::conversation::channel_message::{ChannelMessage, TelegramPeer};
use crate::objects::conversation::link::{ConversationLink, NewConversation};
use protocol::{Attachment, Channel, ClientMessageId, ConversationId, Geo, SiteId, VisitorId};
use serde_json::json;
use worker::{Env, Result};

/// The conversation and visitor of a Telegram user on a site (the same every time he writes).
pub fn conversation_of(user_id: i64) -> (ConversationId, VisitorId) {
    let id = format!("tg-{user_id}");
    (
        ConversationId::parse(id.clone()).expect("a valid id"),
        VisitorId::parse(id).expect("a valid id"),
    )
}

/// Handles one update (`body`, its JSON) for the bot with `token`.
pub async fn receive(env: &Env, site: &SiteId, token: &str, body: &str) -> Result<()> {
    let Some((_, incoming)) = super::update::read(body) else {
        crate::log::event("telegram.unreadable_update", &[]);
        return Ok(());
    };
    let api = BotApi::new(env, token)?;
    match incoming {
        Incoming::Ignored(why) => {
            crate::log::event("telegram.ignored", &[("why", why)]);
            Ok(())
        }
        Incoming::Message {
            message_id,
            chat_id,
            from,
            text,
            file,
        } => message(env, &api, site, message_id, chat_id, from, text, file).await,
        Incoming::Rating {
            callback_id,
            chat_id,
            message_id,
            from,
            score,
        } => {
            let (conversation, _) = conversation_of(from.id);
            let rated = ConversationLink::new(env, site, &conversation)?
                .channel_rating(score)
                .await?;
            let ru = from.locale() == protocol::Locale::Ru;
            let thanks = match (&rated, ru) {
                (Ok(()), true) => "Спасибо за оценку!".to_owned(),
                (Ok(()), false) => "Thank you for rating the chat!".to_owned(),
                (Err(why), _) => why.clone(),
            };
            // The button's own answer, then the survey without its buttons: best effort.
            let body = json!({ "callback_query_id": callback_id, "text": thanks });
            api.call("answerCallbackQuery", &body).await?;
            if let (Some(message_id), Ok(())) = (message_id, &rated) {
                let body = json!({ "chat_id": chat_id, "message_id": message_id, "text": thanks });
                api.call("editMessageText", &body).await?;
            }
            Ok(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn message(
    env: &Env,
    api: &BotApi,
    site: &SiteId,
    message_id: i64,
    chat_id: i64,
    from: User,
    mut text: String,
    file: Option<IncomingFile>,
) -> Result<()> {
    let (conversation, visitor) = conversation_of(from.id);
    let link = ConversationLink::new(env, site, &conversation)?;
    let created = link
        .open(NewConversation {
            site: site.clone(),
            conversation: conversation.clone(),
            visitor,
            ip: None,
            geo: Geo::default(),
        })
        .await?;
    let photo = match created {
        true => profile_photo(env, api, site, &conversation, from.id).await?,
        false => None,
    };
    let mut attachments = Vec::new();
    if let Some(file) = file {
        match fetch_file(env, api, &file).await? {
            Ok(received) => {
                let (saved, refused) =
                    crate::files::save_received(env, site, &conversation, vec![received]).await?;
                attachments = saved;
                for (name, why) in refused {
                    text.push_str(&format!("\n[{name}: {why}]"));
                }
            }
            // Named in the chat, so that the operator can ask for it another way.
            Err(why) => text.push_str(&format!("\n[{}: {why}]", file.name)),
        }
    }
    let username = from.username.clone().filter(|u| {
        (3..=32).contains(&u.len()) && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    let stored = link
        .channel_message(ChannelMessage {
            client_id: ClientMessageId::parse(format!("tg-{message_id}"))
                .map_err(|e| worker::Error::RustError(e.to_string()))?,
            text: text.trim().to_owned(),
            attachments: attachments.clone(),
            via: Channel::Telegram,
            telegram: Some(TelegramPeer {
                chat_id,
                name: from.full_name(),
                username,
                locale: from.locale(),
            }),
            photo,
        })
        .await?;
    if let Err(why) = stored {
        for file in &attachments {
            crate::files::delete(env, site, &conversation, &file.id).await?;
        }
        crate::log::event("telegram.refused", &[("why", &why)]);
        // He reads why in Telegram, as a mail's sender reads it in the bounce.
        let body = json!({ "chat_id": chat_id, "text": why });
        if let Answer::Refused(e) = api.call("sendMessage", &body).await? {
            crate::log::event("telegram.refusal_not_sent", &[("why", &e)]);
        }
    }
    Ok(())
}

/// His Telegram picture (the first of his profile photos, in the size nearest 160 px), kept
/// as a file of the conversation for the visitor card; `None` when he shows none.
async fn profile_photo(
    env: &Env,
    api: &BotApi,
    site: &SiteId,
    conversation: &ConversationId,
    user_id: i64,
) -> Result<Option<Attachment>> {
    let body = json!({ "user_id": user_id, "limit": 1 });
    let Answer::Done(photos) = api.call("getUserProfilePhotos", &body).await? else {
        return Ok(None);
    };
    let sizes = photos["photos"][0].as_array().cloned().unwrap_or_default();
    let width = |size: &serde_json::Value| size["width"].as_u64().unwrap_or(0);
    let chosen = sizes
        .iter()
        .find(|size| width(size) >= 160)
        .or(sizes.last());
    let Some(file_id) = chosen.and_then(|size| size["file_id"].as_str()) else {
        return Ok(None);
    };
    let most = protocol::files::MAX_AVATAR_BYTES;
    let Ok(bytes) = api.download(file_id, most).await? else {
        return Ok(None);
    };
    let Ok(kind) = protocol::files::check_avatar("image/jpeg", &bytes) else {
        return Ok(None);
    };
    let photo = crate::files::save(env, site, conversation, "photo.jpg", kind, bytes).await?;
    Ok(Some(photo))
}

/// The file's bytes from Telegram, within the relay's upload limit.
async fn fetch_file(
    env: &Env,
    api: &BotApi,
    file: &IncomingFile,
) -> Result<std::result::Result<ReceivedFile, String>> {
    let most = crate::config::of(env)?.max_upload_bytes;
    if file.size.is_some_and(|size| size > most as u64) {
        return Ok(Err(format!(
            "larger than {} MB, the chat's limit",
            most / 1024 / 1024
        )));
    }
    Ok(api
        .download(&file.file_id, most)
        .await?
        .map(|bytes| ReceivedFile {
            name: file.name.clone(),
            content_type: file.content_type.clone(),
            bytes,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_conversation_per_telegram_user() {
        let (conversation, visitor) = conversation_of(123456789);
        assert_eq!(conversation.as_str(), "tg-123456789");
        assert_eq!(visitor.as_str(), "tg-123456789");
        assert_eq!(conversation_of(123456789).0, conversation);
        assert_ne!(conversation_of(987654321).0, conversation);
    }
}
