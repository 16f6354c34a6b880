//! Data retention (`RETENTION_DAYS`): finished conversations whose last message is older than
//! that are deleted — messages, files and the site's index entries — by the site's alarm, set
//! for the moment the oldest one falls due. Report facts (counts and times, nothing personal)
//! stay, so past reports do not change.

use super::{IdRow, SiteRoom};
use crate::http;
use crate::objects::conversation::link::ConversationLink;
use protocol::{ConversationId, SiteId};
use serde::Deserialize;
use worker::Result;

/// Conversations deleted per alarm; the rest follow in the next one, a second later.
const BATCH: usize = 50;

#[derive(Deserialize)]
struct OldestRow {
    oldest: Option<i64>,
}

impl SiteRoom {
    /// When the next finished conversation falls due for deletion, if retention is on.
    pub(super) fn retention_due_at(&self) -> Result<Option<i64>> {
        let Some(keep) = crate::config::of(&self.env)?.retention_ms() else {
            return Ok(None);
        };
        let rows: Vec<OldestRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT MIN(last_at) AS oldest FROM conversations WHERE open = 0",
                None,
            )?
            .to_array()?;
        Ok(rows
            .first()
            .and_then(|r| r.oldest)
            // Never sooner than a second from now: a conversation that could not be deleted
            // is retried, not spun on.
            .map(|oldest| (oldest + keep as i64 + 1).max(http::now_ms() as i64 + 1000)))
    }

    /// Deletes the finished conversations that are due (at most `BATCH`).
    pub(super) async fn apply_retention(&self, site: &SiteId) -> Result<()> {
        let Some(keep) = crate::config::of(&self.env)?.retention_ms() else {
            return Ok(());
        };
        let cutoff = http::now_ms().saturating_sub(keep) as i64;
        let sql = self.state.storage().sql();
        let due: Vec<IdRow> = sql
            .exec(
                "SELECT id FROM conversations WHERE open = 0 AND last_at < ? ORDER BY last_at LIMIT ?",
                vec![cutoff.into(), (BATCH as i64).into()],
            )?
            .to_array()?;
        for row in due {
            let Ok(id) = ConversationId::parse(&row.id) else {
                continue;
            };
            if let Err(e) = ConversationLink::new(&self.env, site, &id)?.erase().await {
                crate::log::error(
                    "retention.erase_failed",
                    &e,
                    &[("site", site.as_str()), ("conversation", id.as_str())],
                );
                continue;
            }
            sql.exec(
                "DELETE FROM conversations WHERE id = ?",
                vec![id.as_str().into()],
            )?;
            sql.exec(
                "DELETE FROM identities WHERE conversation = ?",
                vec![id.as_str().into()],
            )?;
            crate::log::event(
                "conversation.deleted",
                &[
                    ("site", site.as_str()),
                    ("conversation", id.as_str()),
                    ("reason", "retention"),
                ],
            );
        }
        Ok(())
    }
}
