//! Files uploaded to the conversation but never sent in a message: kept for an hour (the
//! sender may still be typing his message), then deleted by the conversation's alarm, so that
//! uploads alone cannot fill the file store.

use super::link::Uploaded;
use super::ConversationRoom;
use crate::http;
use serde::{Deserialize, Serialize};
use worker::Result;

/// How long an uploaded file waits for the message that sends it: an hour of the relay's day
/// (`RETENTION_DAY_MS`, which only tests shorten).
fn unsent_file_ms(env: &worker::Env) -> Result<u64> {
    Ok(crate::config::of(env)?.retention_day_ms / 24)
}
/// Store key of the uploads not sent yet.
const PENDING: &str = "unsent_files";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Pending {
    /// (file id, uploaded at ms)
    files: Vec<(String, u64)>,
}

impl ConversationRoom {
    fn pending_files(&self) -> Result<Pending> {
        Ok(self.store().get(PENDING)?.unwrap_or_default())
    }

    /// Remembers an upload and makes sure the alarm will look at it.
    pub(super) async fn uploaded(&self, uploaded: Uploaded) -> Result<()> {
        let mut pending = self.pending_files()?;
        pending.files.push((uploaded.id, http::now_ms()));
        self.store().put(PENDING, &pending)?;
        self.wake_at(http::now_ms() + unsent_file_ms(&self.env)?)
            .await
    }

    /// The file went out in a message: it stays with the conversation.
    pub(super) fn file_sent(&self, id: &str) -> Result<()> {
        let mut pending = self.pending_files()?;
        let before = pending.files.len();
        pending.files.retain(|(file, _)| file != id);
        if pending.files.len() != before {
            self.store().put(PENDING, &pending)?;
        }
        Ok(())
    }

    /// Deletes the uploads that waited out their hour; `Some(at)`: when the next one is due.
    pub(super) async fn delete_unsent_files(&self) -> Result<Option<u64>> {
        let Some(meta) = self.store().meta()? else {
            return Ok(None);
        };
        let now = http::now_ms();
        let wait = unsent_file_ms(&self.env)?;
        let pending = self.pending_files()?;
        let (due, waiting): (Vec<_>, Vec<_>) = pending
            .files
            .into_iter()
            .partition(|(_, at)| at + wait <= now);
        for (id, _) in &due {
            crate::files::delete(&self.env, &meta.site, &meta.conversation, id).await?;
        }
        let next = waiting.iter().map(|(_, at)| at + wait).min();
        self.store().put(PENDING, &Pending { files: waiting })?;
        Ok(next)
    }
}
