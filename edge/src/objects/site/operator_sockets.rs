//! Where the site's operators have sockets open: their inbox sockets here, and the
//! conversations they opened. When an operator's access ends (removed, signed out, a new
//! password) every one of those sockets is closed at once.

use super::SiteRoom;
use crate::objects::revoke::{close_revoked, Revoke};
use protocol::{ConversationId, OperatorId, SiteId};
use serde::Deserialize;
use worker::Result;

pub(super) const MIGRATION: &str = "
CREATE TABLE IF NOT EXISTS operator_sockets (
    op TEXT NOT NULL,
    conversation TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (op, conversation));
ALTER TABLE outbox ADD COLUMN to_visitor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS outbox_by_age ON outbox (created_at);";

/// A conversation socket is only as old as its session: longer than that, nothing to close.
const REMEMBERED_MS: i64 = 24 * 60 * 60 * 1000;

impl SiteRoom {
    /// The router opened `op`'s socket on `conversation`.
    pub(super) fn operator_socket_opened(
        &self,
        op: &OperatorId,
        conversation: &ConversationId,
    ) -> Result<()> {
        let now = crate::http::now_ms() as i64;
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM operator_sockets WHERE at < ?",
            vec![(now - REMEMBERED_MS).into()],
        )?;
        sql.exec(
            "INSERT INTO operator_sockets (op, conversation, at) VALUES (?, ?, ?)
             ON CONFLICT (op, conversation) DO UPDATE SET at = excluded.at",
            vec![op.as_str().into(), conversation.as_str().into(), now.into()],
        )?;
        Ok(())
    }

    /// Closes the sockets `revoke` names: inbox sockets here, then those on conversations.
    pub(super) async fn revoke(&self, site: &SiteId, revoke: &Revoke) -> Result<()> {
        close_revoked(&self.state, revoke);
        #[derive(Deserialize)]
        struct Row {
            conversation: String,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT conversation FROM operator_sockets WHERE op = ?",
                vec![revoke.op.as_str().into()],
            )?
            .to_array()?;
        for row in rows {
            let Ok(conversation) = ConversationId::parse(row.conversation) else {
                continue;
            };
            crate::objects::conversation::link::ConversationLink::new(
                &self.env,
                site,
                &conversation,
            )?
            .revoke(revoke)
            .await?;
        }
        if revoke.only.is_none() && revoke.keep.is_none() {
            self.state.storage().sql().exec(
                "DELETE FROM operator_sockets WHERE op = ?",
                vec![revoke.op.as_str().into()],
            )?;
        }
        Ok(())
    }
}
