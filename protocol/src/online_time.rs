//! How long each operator was online (signed in with the console open and not away) within a
//! report's period: the site records a span for each stretch online, this adds them up.

use crate::error::Millis;
use crate::ids::OperatorId;
use crate::reports::{OperatorStats, Report, ReportQuery, Timing};
use serde::{Deserialize, Serialize};

/// One stretch an operator was online; `until` is `None` while he still is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineSpan {
    pub operator: OperatorId,
    pub name: String,
    pub since: Millis,
    #[serde(default)]
    pub until: Option<Millis>,
}

/// The part of `span` within `[from, to)`, an open span counted up to `now`.
fn within(span: &OnlineSpan, from: Millis, to: Millis, now: Millis) -> u64 {
    let end = span.until.unwrap_or(now).min(to);
    end.saturating_sub(span.since.max(from))
}

/// Adds each operator's online time within the period to the report; an operator who was
/// online but had no chats gets a row of his own.
pub fn add_online_time(
    report: &mut Report,
    query: &ReportQuery,
    spans: &[OnlineSpan],
    now: Millis,
) {
    for span in spans {
        let ms = within(span, query.from, query.to, now);
        if ms == 0 {
            continue;
        }
        match report.operators.iter_mut().find(|o| o.id == span.operator) {
            Some(row) => row.online_ms += ms,
            None => report.operators.push(OperatorStats {
                id: span.operator.clone(),
                name: span.name.clone(),
                chats: 0,
                messages: 0,
                first_response: Timing::default(),
                rated: 0,
                rating_percent: None,
                online_ms: ms,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = 3_600_000;

    fn span(op: &str, since: u64, until: Option<u64>) -> OnlineSpan {
        OnlineSpan {
            operator: OperatorId::parse(op).unwrap(),
            name: op.to_uppercase(),
            since,
            until,
        }
    }

    fn report_with_anna() -> Report {
        Report {
            operators: vec![OperatorStats {
                id: OperatorId::parse("anna").unwrap(),
                name: "ANNA".into(),
                chats: 3,
                messages: 7,
                first_response: Timing::default(),
                rated: 0,
                rating_percent: None,
                online_ms: 0,
            }],
            ..Report::default()
        }
    }

    #[test]
    fn spans_are_cut_to_the_period_and_summed_per_operator() {
        let query = ReportQuery {
            from: 10 * H,
            to: 20 * H,
            tz_minutes: 0,
        };
        let spans = [
            span("anna", 8 * H, Some(11 * H)),  // 1 h inside
            span("anna", 12 * H, Some(14 * H)), // 2 h
            span("anna", 19 * H, Some(22 * H)), // 1 h: the period ends at 20:00
            span("boris", H, Some(2 * H)),      // before the period: nothing
            span("vera", 15 * H, None),         // still online: up to now (17:30)
        ];
        let mut report = report_with_anna();
        add_online_time(&mut report, &query, &spans, 17 * H + H / 2);
        let rows: Vec<(&str, u32, u64)> = report
            .operators
            .iter()
            .map(|o| (o.name.as_str(), o.chats, o.online_ms))
            .collect();
        assert_eq!(rows, vec![("ANNA", 3, 4 * H), ("VERA", 0, 2 * H + H / 2)]);
    }

    #[test]
    fn a_span_still_open_after_the_period_counts_to_its_end() {
        let query = ReportQuery {
            from: 0,
            to: 10 * H,
            tz_minutes: 0,
        };
        let mut report = Report::default();
        add_online_time(&mut report, &query, &[span("anna", 9 * H, None)], 30 * H);
        assert_eq!(report.operators[0].online_ms, H);
        // A span that opens after `now` (a clock step back) counts nothing.
        let mut report = Report::default();
        add_online_time(&mut report, &query, &[span("anna", 9 * H, None)], 8 * H);
        assert!(report.operators.is_empty());
    }
}
