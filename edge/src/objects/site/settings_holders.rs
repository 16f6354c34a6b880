//! Which conversations hold the site's settings: each one that reads them is recorded, and a
//! change is handed to every one that read them within the time a conversation keeps them
//! (`SETTINGS_KEPT_MS`), so a live chat follows a change at once instead of on a timer.

use super::SiteRoom;
use crate::http;
use crate::objects::conversation::link::{ConversationLink, SETTINGS_KEPT_MS};
use protocol::{ConversationId, SiteSettings};
use serde::Deserialize;
use worker::Result;

pub(super) const MIGRATION: &str = "
CREATE TABLE IF NOT EXISTS settings_holders (
    conversation TEXT PRIMARY KEY,
    at INTEGER NOT NULL);";

impl SiteRoom {
    /// `conversation` reads the settings now.
    pub(super) fn settings_read_by(&self, conversation: &ConversationId) -> Result<()> {
        let now = http::now_ms() as i64;
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM settings_holders WHERE at < ?",
            vec![(now - SETTINGS_KEPT_MS as i64).into()],
        )?;
        sql.exec(
            "INSERT INTO settings_holders (conversation, at) VALUES (?, ?)
             ON CONFLICT (conversation) DO UPDATE SET at = excluded.at",
            vec![conversation.as_str().into(), now.into()],
        )?;
        Ok(())
    }

    /// Hands changed settings to the conversations that may hold the old ones. One that
    /// cannot be reached keeps the old ones at most `SETTINGS_KEPT_MS` (logged).
    pub(super) async fn push_settings(&self, settings: &SiteSettings) -> Result<()> {
        #[derive(Deserialize)]
        struct Row {
            conversation: String,
        }
        let since = http::now_ms().saturating_sub(SETTINGS_KEPT_MS) as i64;
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT conversation FROM settings_holders WHERE at >= ?",
                vec![since.into()],
            )?
            .to_array()?;
        let site = self.known_site_id()?;
        for row in rows {
            let Ok(id) = ConversationId::parse(row.conversation) else {
                continue;
            };
            let pushed = ConversationLink::new(&self.env, &site, &id)?
                .settings_changed(settings)
                .await;
            if let Err(e) = pushed {
                crate::log::error("settings.push_failed", &e, &[("conversation", id.as_str())]);
            }
        }
        Ok(())
    }
}
