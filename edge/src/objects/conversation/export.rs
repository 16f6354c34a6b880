//! A conversation out of and into an export document (`protocol::export`).

use super::store::Meta;
use super::{ConversationRoom, SearchChange};
use crate::http;
use protocol::export::ConversationExport;
use protocol::{ErrorCode, SiteId};
use worker::{Response, Result};

impl ConversationRoom {
    /// Everything about this conversation; 404 when it does not exist.
    pub(super) fn export(&self) -> Result<Response> {
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return http::error(ErrorCode::NotFound, "no such conversation");
        };
        http::json(&ConversationExport {
            id: meta.conversation,
            visitor: meta.visitor,
            started_at: meta.started_at,
            geo: meta.geo,
            state: store.state()?,
            messages: store.all_with_notes()?,
            facts: store.facts()?,
        })
    }

    /// Recreates this conversation from an export, then has the site index it. 409 when it
    /// already exists: an import never overwrites.
    pub(super) async fn import(
        &self,
        site: SiteId,
        export: ConversationExport,
    ) -> Result<Response> {
        let store = self.store();
        if store.meta()?.is_some() {
            return http::error(ErrorCode::Conflict, "the conversation exists");
        }
        let meta = Meta {
            site,
            conversation: export.id,
            visitor: export.visitor,
            started_at: export.started_at,
            ip: None,
            geo: export.geo,
        };
        for message in &export.messages {
            store.restore(message)?;
        }
        store.set_facts(&export.facts)?;
        store.set_state(&export.state)?;
        store.put("meta", &meta)?;
        *self.search_change.borrow_mut() = SearchChange::Rebuild;
        self.update_site_as(&meta, &export.state, true).await?;
        Ok(Response::empty()?.with_status(204))
    }
}
