//! The site's record of every conversation for history search: what each conversation's object
//! reports (summary, searchable text, operators who took part) and the search over it.

use super::inbox::{masked_summary, visible};
use super::link::ConversationUpdate;
use super::SiteRoom;
use crate::participant::Participant;
use protocol::history::{HistoryPage, HistoryQuery, HISTORY_PAGE};
use protocol::ConversationSummary;
use serde::Deserialize;
use worker::Result;

/// Rows read per round while filling a page (filters in Rust may drop some).
const BATCH: i64 = 200;
/// Most search words used.
const MAX_WORDS: usize = 8;

#[derive(Deserialize)]
struct OperatorsRow {
    operators: String,
}

#[derive(Deserialize)]
struct LastAtRow {
    summary: String,
    last_at: i64,
}

/// `%word%` for LIKE, with the pattern characters of the word escaped.
fn like(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl SiteRoom {
    /// The operators recorded for a conversation, as stored (`,id,id,`).
    fn recorded_operators(&self, report: &ConversationUpdate) -> Result<String> {
        let rows: Vec<OperatorsRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT operators FROM conversations WHERE id = ?",
                vec![report.summary.id.as_str().into()],
            )?
            .to_array()?;
        let mut ids: Vec<String> = rows
            .first()
            .map(|r| {
                r.operators
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let state = &report.summary.state;
        let current = report
            .operators
            .iter()
            .chain(state.assignee.iter().map(|a| &a.id))
            .chain(state.invited.iter().map(|i| &i.id));
        for id in current {
            if !ids.iter().any(|x| x == id.as_str()) {
                ids.push(id.to_string());
            }
        }
        Ok(format!(",{},", ids.join(",")))
    }

    /// Stores the searchable parts of a report (the summary itself is stored by the caller).
    pub(super) fn record_for_history(&self, report: &ConversationUpdate) -> Result<()> {
        let operators = self.recorded_operators(report)?;
        let summary = &report.summary;
        let sql = self.state.storage().sql();
        sql.exec(
            "UPDATE conversations SET contact = ?, operators = ?, started_at = ?, facts = ? WHERE id = ?",
            vec![
                report.contact.as_str().into(),
                operators.into(),
                (summary.started_at as i64).into(),
                serde_json::to_string(&report.facts)?.into(),
                summary.id.as_str().into(),
            ],
        )?;
        if let Some(search) = &report.search {
            sql.exec(
                "UPDATE conversations SET search = ? WHERE id = ?",
                vec![search.as_str().into(), summary.id.as_str().into()],
            )?;
        }
        if let Some(new) = report.search_append.as_ref().filter(|t| !t.is_empty()) {
            // Keeps the newest MAX_SEARCH_TEXT characters, like a rebuild does.
            sql.exec(
                "UPDATE conversations SET search = substr(search || char(10) || ?, ?) WHERE id = ?",
                vec![
                    new.as_str().into(),
                    (-(protocol::history::MAX_SEARCH_TEXT as i64)).into(),
                    summary.id.as_str().into(),
                ],
            )?;
        }
        Ok(())
    }

    /// One page of conversations matching `query` that `participant` may open.
    pub(super) fn history(
        &self,
        query: &HistoryQuery,
        participant: &Participant,
    ) -> Result<HistoryPage> {
        let role = match participant {
            Participant::Operator { role, .. } => *role,
            Participant::Visitor { .. } => return Ok(HistoryPage::default()),
        };
        let masking = self.masking();
        // Contacts are searched only by roles that see them unmasked.
        let search_contacts = i64::from(!masking.hides_from(role));
        let mut sql = String::from(
            "SELECT summary, last_at FROM conversations WHERE last_at < ? AND (? = '' OR operators LIKE ? ESCAPE '\\')",
        );
        let operator = query
            .operator
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_default();
        let words: Vec<String> = query.words().into_iter().take(MAX_WORDS).collect();
        for _ in &words {
            sql.push_str(
                " AND (search LIKE ? ESCAPE '\\' OR (? = 1 AND contact LIKE ? ESCAPE '\\'))",
            );
        }
        sql.push_str(" ORDER BY last_at DESC LIMIT ?");

        let mut before = query
            .before
            .map(|b| b as i64)
            .unwrap_or(crate::http::NO_LIMIT);
        let mut page = HistoryPage::default();
        loop {
            let mut params: Vec<worker::SqlStorageValue> = vec![
                before.into(),
                operator.clone().into(),
                like(&format!(",{operator},")).into(),
            ];
            for word in &words {
                params.push(like(word).into());
                params.push(search_contacts.into());
                params.push(like(word).into());
            }
            params.push(BATCH.into());
            let rows: Vec<LastAtRow> = self.state.storage().sql().exec(&sql, params)?.to_array()?;
            let exhausted = (rows.len() as i64) < BATCH;
            for row in rows {
                before = row.last_at;
                let summary: ConversationSummary = serde_json::from_str(&row.summary)?;
                // Filtered as the reader sees it: a rating hidden from him cannot be found
                // by filtering on it either.
                let summary = masked_summary(summary, Some(role), &masking);
                if query.admits(&summary) && visible(&summary, participant) {
                    page.conversations.push(summary);
                    if page.conversations.len() == HISTORY_PAGE {
                        page.next_before = Some(row.last_at as u64);
                        return Ok(page);
                    }
                }
            }
            if exhausted {
                return Ok(page);
            }
        }
    }
}
