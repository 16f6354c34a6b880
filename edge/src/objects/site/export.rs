//! A site's data out and in (`protocol::export`): the settings, and each conversation read
//! from (or written to) its own object.

use super::{IdRow, SiteRoom};
use crate::http::{self, call_object, internal};
use protocol::export::{ImportResult, SiteExport, EXPORT_FORMAT, EXPORT_PAGE};
use protocol::{ConversationId, ErrorCode, SiteId};
use worker::{Headers, Method, Request, Response, Result};

impl SiteRoom {
    /// `GET /export?after=<id>&limit=N`: the settings and a page of conversations (at most
    /// `EXPORT_PAGE`) in id order.
    pub(super) async fn export(&self, site: &SiteId, req: &Request) -> Result<Response> {
        let url = req.url()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let after = param("after").unwrap_or_default();
        let page = param("limit")
            .and_then(|v| v.parse::<usize>().ok())
            .map_or(EXPORT_PAGE, |n| n.clamp(1, EXPORT_PAGE));
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
            let stub = crate::objects::conversation::stub(&self.env, site, &id)?;
            let mut response =
                call_object(&stub, Method::Get, "/export", Headers::new(), None).await?;
            if response.status_code() == 200 {
                conversations.push(response.json().await?);
            }
        }
        http::json(&SiteExport {
            format: EXPORT_FORMAT,
            site: site.clone(),
            exported_at: http::now_ms(),
            settings,
            conversations,
            next_after: last.filter(|_| more),
        })
    }

    /// `POST /import[?settings=replace]`: each conversation the site does not have yet is
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
        }
        let mut result = ImportResult {
            settings_replaced: replace_settings,
            ..Default::default()
        };
        for conversation in export.conversations {
            let stub = crate::objects::conversation::stub(&self.env, site, &conversation.id)?;
            let headers = Headers::new();
            headers.set(internal::SITE, site.as_str())?;
            let body = Some(serde_json::to_string(&conversation)?);
            let response = call_object(&stub, Method::Post, "/import", headers, body).await?;
            match response.status_code() {
                204 => result.imported += 1,
                409 => result.skipped += 1,
                status => {
                    return http::error(
                        ErrorCode::Internal,
                        format!(
                            "conversation {} could not be imported ({status})",
                            conversation.id
                        ),
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
