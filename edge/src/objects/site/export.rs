//! A site's data out and in (`protocol::export`): the settings, and each conversation read
//! from (or written to) its own object.

use super::{IdRow, SiteRoom};
use crate::http;
use crate::objects::conversation::link::{ConversationLink, Imported};
use protocol::export::{ImportResult, SiteExport, EXPORT_FORMAT, EXPORT_PAGE};
use protocol::{ConversationId, ErrorCode, SiteId};
use worker::{Response, Result};

impl SiteRoom {
    /// A page of the export: the settings and at most `limit` (`EXPORT_PAGE`) conversations
    /// after `after`, in id order.
    pub(super) async fn export(
        &self,
        site: &SiteId,
        after: Option<String>,
        limit: Option<usize>,
    ) -> Result<Response> {
        let after = after.unwrap_or_default();
        let page = limit.map_or(EXPORT_PAGE, |n| n.clamp(1, EXPORT_PAGE));
        let Some(settings) = self.settings()? else {
            return http::error(ErrorCode::NotFound, "no such site");
        };
        // One more than a page tells whether another page follows.
        let rows: Vec<IdRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT id FROM conversations WHERE id > ? ORDER BY id LIMIT ?",
                vec![after.into(), ((page + 1) as i64).into()],
            )?
            .to_array()?;
        let more = rows.len() > page;
        let mut conversations = Vec::new();
        let mut last = None;
        for row in rows.into_iter().take(page) {
            let Ok(id) = ConversationId::parse(&row.id) else {
                continue;
            };
            last = Some(id.clone());
            if let Some(conversation) = ConversationLink::new(&self.env, site, &id)?
                .export()
                .await?
            {
                conversations.push(conversation);
            }
        }
        http::json(&SiteExport {
            format: EXPORT_FORMAT,
            site: site.clone(),
            exported_at: http::now_ms(),
            settings,
            conversations,
            next_after: last.filter(|_| more),
            auto_answers: self.auto_answers()?,
        })
    }

    /// Each conversation the site does not have yet is
    /// recreated; the document's settings replace the site's only when asked (the router has
    /// validated the document).
    pub(super) async fn import(
        &self,
        site: &SiteId,
        export: SiteExport,
        replace_settings: bool,
    ) -> Result<Response> {
        if replace_settings {
            self.save_settings(&export.settings)?;
            self.replace_auto_answers(&export.auto_answers)?;
        }
        let mut result = ImportResult {
            settings_replaced: replace_settings,
            ..Default::default()
        };
        for conversation in export.conversations {
            let id = conversation.id.clone();
            match ConversationLink::new(&self.env, site, &id)?
                .import(site, conversation)
                .await
            {
                Ok(Imported::Created) => result.imported += 1,
                Ok(Imported::Exists) => result.skipped += 1,
                Err(e) => {
                    return http::error(
                        ErrorCode::Internal,
                        format!("conversation {id} could not be imported ({e})"),
                    )
                }
            }
        }
        crate::log::event(
            "site.imported",
            &[
                ("site", site.as_str()),
                ("imported", &result.imported.to_string()),
            ],
        );
        http::json(&result)
    }
}
