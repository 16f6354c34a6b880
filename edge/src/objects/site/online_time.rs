//! Operators' online time for reports: a span per stretch an operator is online (signed in,
//! console open, not away), opened and closed as the team changes.

use super::SiteRoom;
use crate::http;
use protocol::online_time::OnlineSpan;
use protocol::{OperatorCard, OperatorId};
use serde::Deserialize;
use worker::Result;

pub const MIGRATION: &str = "CREATE TABLE IF NOT EXISTS online_spans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        op TEXT NOT NULL, name TEXT NOT NULL,
        since INTEGER NOT NULL, until INTEGER);
     CREATE INDEX IF NOT EXISTS online_spans_open ON online_spans (until);
     CREATE INDEX IF NOT EXISTS online_spans_by_start ON online_spans (since);";

/// Spans are kept a little longer than the longest report's period.
const KEEP_MS: u64 = (protocol::reports::MAX_PERIOD_DAYS as u64 + 31) * 86_400_000;

#[derive(Deserialize)]
struct OpenRow {
    id: i64,
    op: String,
}

#[derive(Deserialize)]
struct SpanRow {
    op: String,
    name: String,
    since: i64,
    until: Option<i64>,
}

impl SiteRoom {
    /// Opens a span for each operator who is online now and had none open; closes the open
    /// spans of those who are not.
    pub(super) fn record_online(&self, online: &[OperatorCard]) -> Result<()> {
        let sql = self.state.storage().sql();
        let now = http::now_ms() as i64;
        let open: Vec<OpenRow> = sql
            .exec("SELECT id, op FROM online_spans WHERE until IS NULL", None)?
            .to_array()?;
        for row in open
            .iter()
            .filter(|r| !online.iter().any(|o| o.id.as_str() == r.op))
        {
            sql.exec(
                "UPDATE online_spans SET until = ? WHERE id = ?",
                vec![now.into(), row.id.into()],
            )?;
        }
        for card in online
            .iter()
            .filter(|o| !open.iter().any(|r| r.op == o.id.as_str()))
        {
            sql.exec(
                "INSERT INTO online_spans (op, name, since) VALUES (?, ?, ?)",
                vec![
                    card.id.as_str().into(),
                    card.name.as_str().into(),
                    now.into(),
                ],
            )?;
        }
        sql.exec(
            "DELETE FROM online_spans WHERE until IS NOT NULL AND until < ?",
            vec![(now - KEEP_MS as i64).into()],
        )?;
        Ok(())
    }

    /// The spans that overlap `[from, to)`.
    pub(super) fn online_spans(&self, from: u64, to: u64) -> Result<Vec<OnlineSpan>> {
        let rows: Vec<SpanRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT op, name, since, until FROM online_spans
                 WHERE since < ? AND (until IS NULL OR until > ?)",
                vec![(to as i64).into(), (from as i64).into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(OnlineSpan {
                    operator: OperatorId::parse(&r.op).ok()?,
                    name: r.name,
                    since: r.since as u64,
                    until: r.until.map(|u| u as u64),
                })
            })
            .collect())
    }
}
