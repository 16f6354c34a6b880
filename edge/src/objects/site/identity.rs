//! Identity verification: the site's identity secret (never in the settings operators read)
//! and which conversation each verified user of the host site has, so it follows him.

use super::link::{IdentityBinding, IdentitySecret};
use super::{no_content, SiteRoom, ValueRow};
use protocol::{ConversationId, VisitorId};
use serde::Deserialize;
use worker::{Response, Result};

#[derive(Deserialize)]
struct BindingRow {
    visitor: String,
    conversation: String,
}

impl SiteRoom {
    pub(super) fn identity_secret(&self) -> Result<IdentitySecret> {
        let rows: Vec<ValueRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT value FROM settings WHERE key = 'identity_secret'",
                None,
            )?
            .to_array()?;
        Ok(IdentitySecret {
            secret: rows.into_iter().next().map(|r| r.value),
        })
    }

    pub(super) fn set_identity_secret(&self, secret: &IdentitySecret) -> Result<Response> {
        let sql = self.state.storage().sql();
        match &secret.secret {
            Some(value) => sql.exec(
                "INSERT INTO settings (key, value) VALUES ('identity_secret', ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![value.as_str().into()],
            )?,
            None => sql.exec("DELETE FROM settings WHERE key = 'identity_secret'", None)?,
        };
        no_content()
    }

    /// The conversation a verified user has, if he has one.
    pub(super) fn identity_of(&self, user_id: &str) -> Result<Option<ConversationId>> {
        let rows: Vec<BindingRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT visitor, conversation FROM identities WHERE user_id = ?",
                vec![user_id.into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| ConversationId::parse(r.conversation).ok()))
    }

    /// The conversation of a verified user: the one he had (on any device), else `proposed`.
    pub(super) fn bind_identity(&self, proposed: IdentityBinding) -> Result<IdentityBinding> {
        let sql = self.state.storage().sql();
        let rows: Vec<BindingRow> = sql
            .exec(
                "SELECT visitor, conversation FROM identities WHERE user_id = ?",
                vec![proposed.user_id.as_str().into()],
            )?
            .to_array()?;
        if let Some(row) = rows.into_iter().next() {
            if let (Ok(visitor), Ok(conversation)) = (
                VisitorId::parse(row.visitor),
                ConversationId::parse(row.conversation),
            ) {
                return Ok(IdentityBinding {
                    user_id: proposed.user_id,
                    visitor,
                    conversation,
                });
            }
        }
        sql.exec(
            "INSERT INTO identities (user_id, visitor, conversation) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO NOTHING",
            vec![
                proposed.user_id.as_str().into(),
                proposed.visitor.as_str().into(),
                proposed.conversation.as_str().into(),
            ],
        )?;
        Ok(proposed)
    }
}
