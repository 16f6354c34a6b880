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
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none() {
            // `set_alarm` takes an i64 as an offset from now, not a time.
            storage.set_alarm(unsent_file_ms(&self.env)? as i64).await?;
        }
        Ok(())
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

    /// Deletes the uploads that waited out their hour; sets the alarm for the next one.
    pub(super) async fn delete_unsent_files(&self) -> Result<()> {
        let Some(meta) = self.store().meta()? else {
            return Ok(());
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
        if let Some((_, oldest)) = waiting.iter().min_by_key(|(_, at)| *at) {
            self.state
                .storage()
                .set_alarm((oldest + wait).saturating_sub(now) as i64)
                .await?;
        }
        self.store().put(PENDING, &Pending { files: waiting })?;
        Ok(())
    }
}
