//! Reports of a period: the conversations started in it, with their facts, aggregated by
//! `protocol::reports` (JSON for the console's charts, CSV for a spreadsheet).

use super::SiteRoom;
use crate::http;
use protocol::reports::{aggregate, csv, ChatFacts, ChatRecord, ReportQuery};
use protocol::ConversationSummary;
use serde::Deserialize;
use worker::{Response, Result};

pub const MIGRATION: &str = "ALTER TABLE conversations ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
     CREATE INDEX IF NOT EXISTS conversations_by_start ON conversations (started_at);";

/// Most conversations one report reads (a year of a busy site).
const MAX_ROWS: i64 = 100_000;

#[derive(Deserialize)]
struct Row {
    summary: String,
    facts: String,
}

impl SiteRoom {
    fn chats_started(&self, query: &ReportQuery) -> Result<Vec<ChatRecord>> {
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT summary, facts FROM conversations
                 WHERE started_at >= ? AND started_at < ? ORDER BY started_at LIMIT ?",
                vec![
                    (query.from as i64).into(),
                    (query.to as i64).into(),
                    MAX_ROWS.into(),
                ],
            )?
            .to_array()?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let summary: ConversationSummary = serde_json::from_str(&row.summary).ok()?;
                let facts: ChatFacts = serde_json::from_str(&row.facts).unwrap_or_default();
                Some(ChatRecord {
                    id: summary.id,
                    started_at: summary.started_at,
                    state: summary.state,
                    facts,
                })
            })
            .collect())
    }

    /// `GET /reports?from&to&tz` (JSON) and `GET /reports.csv?from&to&tz` (with `chat_links`,
    /// what each chat's id is appended to for its transcript).
    pub(super) fn report(
        &self,
        pairs: &[(String, String)],
        chat_links: Option<&str>,
    ) -> Result<Response> {
        let query =
            match ReportQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                Ok(query) => query,
                Err(e) => return http::protocol_error(e),
            };
        let chats = self.chats_started(&query)?;
        let Some(chat_links) = chat_links else {
            let mut report = aggregate(&query, &chats);
            let spans = self.online_spans(query.from, query.to)?;
            protocol::online_time::add_online_time(&mut report, &query, &spans, http::now_ms());
            return http::json(&report);
        };
        let mut response = Response::ok(csv(&query, &chats, chat_links))?;
        let headers = response.headers_mut();
        headers.set("Content-Type", "text/csv; charset=utf-8")?;
        headers.set(
            "Content-Disposition",
            &format!(
                "attachment; filename=\"chats-{}-{}.csv\"",
                &protocol::reports::iso_time(query.from)[..10],
                &protocol::reports::iso_time(query.to.saturating_sub(1))[..10]
            ),
        )?;
        Ok(response)
    }
}
