//! Files sent in chats, kept in the R2 bucket `FILES` under `files/{site}/{conversation}/{id}`:
//! a file is reachable only through the conversation it was uploaded to.

use protocol::{Attachment, ConversationId, SiteId};
use std::collections::HashMap;
use worker::{Env, HttpMetadata, Result};

fn key(site: &SiteId, conversation: &ConversationId, id: &str) -> String {
    format!("files/{site}/{conversation}/{id}")
}

/// File ids are ours (random base64url); anything else is not a file of ours.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub async fn save(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Attachment> {
    let id = crate::random::id();
    let size = bytes.len() as u64;
    let content_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    env.bucket("FILES")?
        .put(key(site, conversation, &id), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(content_type.clone()),
            ..Default::default()
        })
        .custom_metadata(HashMap::from([("name".to_owned(), name.to_owned())]))
        .execute()
        .await?;
    Ok(Attachment {
        id,
        name: name.to_owned(),
        size,
        content_type,
    })
}

/// What storage says about a file of this conversation, if there is one.
pub async fn stored(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    id: &str,
) -> Result<Option<Attachment>> {
    if !valid_id(id) {
        return Ok(None);
    }
    let Some(object) = env
        .bucket("FILES")?
        .head(key(site, conversation, id))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Attachment {
        id: id.to_owned(),
        name: object
            .custom_metadata()?
            .remove("name")
            .unwrap_or_else(|| "file".into()),
        size: object.size(),
        content_type: object
            .http_metadata()
            .content_type
            .unwrap_or_else(|| "application/octet-stream".into()),
    }))
}

/// The file's bytes with its attachment record.
pub async fn load(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    id: &str,
) -> Result<Option<(Attachment, Vec<u8>)>> {
    let Some(attachment) = stored(env, site, conversation, id).await? else {
        return Ok(None);
    };
    let Some(object) = env
        .bucket("FILES")?
        .get(key(site, conversation, id))
        .execute()
        .await?
    else {
        return Ok(None);
    };
    let Some(body) = object.body() else {
        return Ok(None);
    };
    Ok(Some((attachment, body.bytes().await?)))
}

/// Deletes every file of a conversation (data retention, erasure).
pub async fn delete_conversation(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
) -> Result<()> {
    let bucket = env.bucket("FILES")?;
    let prefix = format!("files/{site}/{conversation}/");
    let mut cursor = None;
    loop {
        let mut list = bucket.list().prefix(prefix.clone());
        if let Some(at) = cursor.take() {
            list = list.cursor(at);
        }
        let page = list.execute().await?;
        for object in page.objects() {
            bucket.delete(object.key()).await?;
        }
        match (page.truncated(), page.cursor()) {
            (true, Some(next)) => cursor = Some(next),
            _ => return Ok(()),
        }
    }
}
