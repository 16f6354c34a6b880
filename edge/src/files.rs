//! Files sent in chats, kept in the blob store (`blobs`) under `files/{site}/{conversation}/{id}`:
//! a file is reachable only through the conversation it was uploaded to.

use crate::blobs::{BlobInfo, Blobs};
use crate::objects::conversation::link::ConversationLink;
use protocol::{Attachment, ConversationId, SiteId};
use worker::{Env, Result};

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
    Blobs::open(env)?
        .put(
            &key(site, conversation, &id),
            bytes,
            &content_type,
            Some(name),
        )
        .await?;
    Ok(Attachment {
        id,
        name: name.to_owned(),
        size,
        content_type,
    })
}

fn attachment(id: &str, info: BlobInfo) -> Attachment {
    Attachment {
        id: id.to_owned(),
        name: info.name.unwrap_or_else(|| "file".into()),
        size: info.size,
        content_type: info.content_type,
    }
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
    let info = Blobs::open(env)?.head(&key(site, conversation, id)).await?;
    Ok(info.map(|info| attachment(id, info)))
}

/// The file's bytes with its attachment record.
pub async fn load(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    id: &str,
) -> Result<Option<(Attachment, Vec<u8>)>> {
    if !valid_id(id) {
        return Ok(None);
    }
    let found = Blobs::open(env)?.get(&key(site, conversation, id)).await?;
    Ok(found.map(|(info, bytes)| (attachment(id, info), bytes)))
}

/// Deletes one file of a conversation (an upload never sent).
pub async fn delete(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    id: &str,
) -> Result<()> {
    if !valid_id(id) {
        return Ok(());
    }
    Blobs::open(env)?.delete(&key(site, conversation, id)).await
}

/// Deletes every file of a conversation (data retention, erasure).
pub async fn delete_conversation(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
) -> Result<()> {
    Blobs::open(env)?
        .delete_dir(&format!("files/{site}/{conversation}/"))
        .await
}

/// A file that came with a message from another channel (a mail, Telegram).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores the files the chat accepts (type and size as for uploads); names the others with
/// why they were left out.
pub async fn save_received(
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
    files: Vec<ReceivedFile>,
) -> Result<(Vec<Attachment>, Vec<(String, String)>)> {
    let config = crate::config::of(env)?;
    let link = ConversationLink::new(env, site, conversation)?;
    let (mut saved, mut refused) = (Vec::new(), Vec::new());
    for file in files {
        match protocol::files::check_upload(
            &file.name,
            &file.content_type,
            &file.bytes,
            config.upload_policy(),
        ) {
            Ok(name) => {
                let bytes = file.bytes;
                let saved_file =
                    save(env, site, conversation, &name, &file.content_type, bytes).await?;
                // Like an upload: deleted in an hour unless a message sends it (a mail
                // delivered again stores no message, and leaves no file behind).
                link.uploaded(&saved_file.id).await?;
                saved.push(saved_file);
            }
            Err(e) => refused.push((file.name, e.message)),
        }
    }
    Ok((saved, refused))
}
