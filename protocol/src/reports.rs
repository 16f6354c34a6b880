//! Reports: the facts each conversation keeps about itself (who started it, when the visitor
//! first wrote and was first answered, when it closed), and the aggregates of a period the
//! console charts: chats per day and per hour, first response and duration, missed chats,
//! ratings, per-operator load and efficiency, chats by source. Pure functions, unit-tested.

use crate::answers::AutoOutcome;
use crate::conversation::{ConversationState, Rating};
use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::ids::OperatorId;
use crate::settings::RatingScale;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;
/// Longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// What a conversation records about itself as messages arrive (kept by its object, sent to the
/// site with every report).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatFacts {
    /// The first message a person wrote was an operator's (a proactive chat).
    #[serde(default)]
    pub operator_started: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_visitor_at: Option<Millis>,
    /// The first operator message after the visitor's first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reply_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Millis>,
    #[serde(default)]
    pub visitor_messages: u32,
    #[serde(default)]
    pub operator_messages: u32,
    /// Operators who wrote, with how many messages each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_operator: BTreeMap<OperatorId, u32>,
    /// The visitor's first message got an automatic answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_answered: bool,
    /// When the visitor so answered asked for a person, or wrote again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over_at: Option<Millis>,
}

impl ChatFacts {
    /// Counts one message a person wrote (not notes, not system events).
    pub fn record(&mut self, operator: Option<&OperatorId>, at: Millis) {
        let first = self.visitor_messages == 0 && self.operator_messages == 0;
        match operator {
            Some(id) => {
                if first {
                    self.operator_started = true;
                }
                if self.first_visitor_at.is_some() && self.first_reply_at.is_none() {
                    self.first_reply_at = Some(at);
                }
                self.operator_messages += 1;
                *self.by_operator.entry(id.clone()).or_default() += 1;
            }
            None => {
                self.first_visitor_at.get_or_insert(at);
                self.visitor_messages += 1;
            }
        }
    }

    /// Since when the visitor waits for a person: his first message, or, answered
    /// automatically, the moment he asked for one (never while the answer may do).
    pub fn waiting_since(&self) -> Option<Millis> {
        if self.auto_answered {
            self.handed_over_at
        } else {
            self.first_visitor_at
        }
    }

    /// From when the visitor began waiting for a person to the first operator's answer.
    pub fn first_response_ms(&self) -> Option<u64> {
        let since = self.waiting_since().or(self.first_visitor_at)?;
        Some(self.first_reply_at?.saturating_sub(since))
    }
}

/// How a chat began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatSource {
    /// The visitor wrote first.
    Visitor,
    /// The visitor answered a proactive invitation (a trigger rule).
    Invitation,
    /// An operator started it (proactive chat from the live visitor list).
    Operator,
    /// The visitor came with a `utm_campaign`.
    Campaign,
}

/// One conversation as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRecord {
    pub id: crate::ids::ConversationId,
    pub started_at: Millis,
    pub state: ConversationState,
    pub facts: ChatFacts,
}

impl ChatRecord {
    pub fn source(&self) -> ChatSource {
        let source = self.state.source.as_ref();
        if self.facts.operator_started {
            ChatSource::Operator
        } else if source.is_some_and(|s| s.invitation) {
            ChatSource::Invitation
        } else if source.is_some_and(|s| s.utm.campaign.is_some()) {
            ChatSource::Campaign
        } else {
            ChatSource::Visitor
        }
    }

    /// The visitor wrote and no operator ever answered (nor did an automatic answer he found
    /// helpful).
    pub fn missed(&self) -> bool {
        self.facts.visitor_messages > 0 && self.facts.first_reply_at.is_none() && !self.helped()
    }

    /// An automatic answer the visitor found helpful.
    pub fn helped(&self) -> bool {
        self.auto_outcome() == Some(AutoOutcome::Helpful)
    }

    pub fn auto_outcome(&self) -> Option<AutoOutcome> {
        self.state.auto_answer.as_ref().map(|a| a.outcome)
    }

    pub fn duration_ms(&self) -> Option<u64> {
        Some(self.facts.closed_at?.saturating_sub(self.started_at))
    }

    /// The rating on 0..=100 (lowest score 0, highest 100).
    pub fn rating_percent(&self) -> Option<u32> {
        self.state.rating.as_ref().map(Rating::percent)
    }
}

/// `GET …/reports?from&to&tz`: the period (ms) and the viewer's offset from UTC in minutes
/// (days and hours are his).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    pub from: Millis,
    pub to: Millis,
    pub tz_minutes: i32,
}

impl ReportQuery {
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ProtocolError> {
        let invalid = |why: &str| ProtocolError::new(ErrorCode::InvalidField, why.to_owned());
        let (mut from, mut to, mut tz) = (None, None, 0i32);
        for (key, value) in pairs {
            match key {
                "from" => {
                    from = Some(
                        value
                            .parse()
                            .map_err(|_| invalid("from: expected milliseconds since 1970"))?,
                    )
                }
                "to" => {
                    to = Some(
                        value
                            .parse()
                            .map_err(|_| invalid("to: expected milliseconds since 1970"))?,
                    )
                }
                "tz" => {
                    tz = value
                        .parse()
                        .ok()
                        .filter(|m: &i32| m.abs() <= 14 * 60)
                        .ok_or_else(|| invalid("tz: minutes east of UTC, -840 to 840"))?
                }
                other => {
                    return Err(invalid(&format!(
                        "{other}: unknown parameter (from, to, tz)"
                    )))
                }
            }
        }
        let (Some(from), Some(to)) = (from, to) else {
            return Err(invalid("from and to are required"));
        };
        if from >= to {
            return Err(invalid("from: must be before to"));
        }
        if (to - from) as i64 > MAX_PERIOD_DAYS * DAY_MS {
            return Err(invalid("the period is at most 366 days"));
        }
        Ok(ReportQuery {
            from,
            to,
            tz_minutes: tz,
        })
    }

    fn local(&self, at: Millis) -> i64 {
        at as i64 + self.tz_minutes as i64 * 60_000
    }

    /// The viewer's day number (days since 1970 in his time zone).
    pub fn day_of(&self, at: Millis) -> i64 {
        self.local(at).div_euclid(DAY_MS)
    }

    pub fn hour_of(&self, at: Millis) -> usize {
        (self.local(at).rem_euclid(DAY_MS) / 3_600_000) as usize
    }
}

/// Median and mean of some durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub count: u32,
    pub median_ms: Option<u64>,
    pub mean_ms: Option<u64>,
}

impl Timing {
    fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        let count = values.len() as u32;
        if values.is_empty() {
            return Timing::default();
        }
        let mid = values.len() / 2;
        let median = if values.len().is_multiple_of(2) {
            (values[mid - 1] + values[mid]) / 2
        } else {
            values[mid]
        };
        Timing {
            count,
            median_ms: Some(median),
            mean_ms: Some(values.iter().sum::<u64>() / count as u64),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// Days since 1970 in the viewer's time zone.
    pub day: i64,
    pub chats: u32,
    pub missed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorStats {
    pub id: OperatorId,
    pub name: String,
    /// Chats assigned to him.
    pub chats: u32,
    pub messages: u32,
    pub first_response: Timing,
    pub rated: u32,
    /// Mean rating of his chats, 0..=100.
    pub rating_percent: Option<u32>,
    /// How long he was online within the period (see `online_time`).
    #[serde(default)]
    pub online_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingStats {
    pub rated: u32,
    /// Rated in the top half of the scale.
    pub good: u32,
    pub poor: u32,
    pub mean_percent: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub chats: u32,
    pub missed: u32,
    pub offline: u32,
    /// Every day of the period, empty ones too.
    pub per_day: Vec<DayStats>,
    pub per_hour: Vec<u32>,
    pub first_response: Timing,
    pub duration: Timing,
    pub ratings: RatingStats,
    pub operators: Vec<OperatorStats>,
    pub sources: BTreeMap<ChatSource, u32>,
    /// Chats per tag, the most used first.
    #[serde(default)]
    pub tags: Vec<TagCount>,
    #[serde(default)]
    pub automatic: AutomaticStats,
}

/// Chats whose first message got an automatic answer, and what the visitors did then (those
/// still deciding are in `answered` only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticStats {
    pub answered: u32,
    /// The visitor found it helpful: nobody else was needed.
    pub helpful: u32,
    /// The visitor asked for a person or wrote again, or an operator answered.
    pub handed_over: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub tag: String,
    pub chats: u32,
}

/// The report of the chats started within the period.
pub fn aggregate(query: &ReportQuery, chats: &[ChatRecord]) -> Report {
    let chats: Vec<&ChatRecord> = chats
        .iter()
        .filter(|c| c.started_at >= query.from && c.started_at < query.to)
        .collect();
    let first_day = query.day_of(query.from);
    let last_day = query.day_of(query.to.saturating_sub(1));
    let mut per_day: Vec<DayStats> = (first_day..=last_day)
        .map(|day| DayStats {
            day,
            chats: 0,
            missed: 0,
        })
        .collect();
    let mut report = Report {
        per_hour: vec![0; 24],
        ..Report::default()
    };
    let mut operators: BTreeMap<OperatorId, (String, Vec<&ChatRecord>)> = BTreeMap::new();
    for chat in &chats {
        report.chats += 1;
        let missed = chat.missed();
        report.missed += u32::from(missed);
        report.offline += u32::from(chat.state.offline);
        let index = (query.day_of(chat.started_at) - first_day) as usize;
        if let Some(day) = per_day.get_mut(index) {
            day.chats += 1;
            day.missed += u32::from(missed);
        }
        report.per_hour[query.hour_of(chat.started_at)] += 1;
        *report.sources.entry(chat.source()).or_default() += 1;
        if let Some(outcome) = chat.auto_outcome() {
            let automatic = &mut report.automatic;
            automatic.answered += 1;
            automatic.helpful += u32::from(outcome == AutoOutcome::Helpful);
            automatic.handed_over += u32::from(outcome == AutoOutcome::HandedOver);
        }
        if let Some(assignee) = &chat.state.assignee {
            operators
                .entry(assignee.id.clone())
                .or_insert_with(|| (assignee.name.clone(), Vec::new()))
                .1
                .push(chat);
        }
    }
    report.per_day = per_day;
    report.first_response = Timing::of(
        chats
            .iter()
            .filter_map(|c| c.facts.first_response_ms())
            .collect(),
    );
    report.duration = Timing::of(chats.iter().filter_map(|c| c.duration_ms()).collect());
    report.ratings = ratings(&chats);
    report.tags = crate::tags::count(chats.iter().map(|c| c.state.tags.as_slice()))
        .into_iter()
        .map(|(tag, chats)| TagCount { tag, chats })
        .collect();
    report.operators = operators
        .into_iter()
        .map(|(id, (name, theirs))| {
            let rated = ratings(&theirs);
            OperatorStats {
                messages: theirs
                    .iter()
                    .map(|c| c.facts.by_operator.get(&id).copied().unwrap_or(0))
                    .sum(),
                id,
                name,
                chats: theirs.len() as u32,
                first_response: Timing::of(
                    theirs
                        .iter()
                        .filter_map(|c| c.facts.first_response_ms())
                        .collect(),
                ),
                rated: rated.rated,
                rating_percent: rated.mean_percent,
                online_ms: 0,
            }
        })
        .collect();
    report
        .operators
        .sort_by(|a, b| b.chats.cmp(&a.chats).then(a.name.cmp(&b.name)));
    report
}

fn ratings(chats: &[&ChatRecord]) -> RatingStats {
    let mut stats = RatingStats::default();
    let mut total = 0u32;
    for chat in chats {
        let (Some(percent), Some(rating)) = (chat.rating_percent(), chat.state.rating.as_ref())
        else {
            continue;
        };
        stats.rated += 1;
        total += percent;
        if rating.scale.is_positive(rating.score) {
            stats.good += 1;
        } else {
            stats.poor += 1;
        }
    }
    stats.mean_percent = (stats.rated > 0).then(|| total / stats.rated);
    stats
}

/// One line per chat of the period, for a spreadsheet (RFC 4180: quoted where needed).
pub fn csv(query: &ReportQuery, chats: &[ChatRecord], chat_links: &str) -> String {
    let mut out = String::from(
        "conversation,started_at,source,department,operator,visitor_messages,operator_messages,first_response_s,duration_s,missed,offline,rating,rating_scale,rating_comment,name,email,phone,utm_source,utm_medium,utm_campaign,tags,auto_answer,transcript\r\n",
    );
    let secs = |ms: Option<u64>| ms.map(|m| (m / 1000).to_string()).unwrap_or_default();
    for chat in chats
        .iter()
        .filter(|c| c.started_at >= query.from && c.started_at < query.to)
    {
        let s = &chat.state;
        let utm = s.source.as_ref().map(|s| s.utm.clone()).unwrap_or_default();
        let source = match chat.source() {
            ChatSource::Visitor => "visitor",
            ChatSource::Invitation => "invitation",
            ChatSource::Operator => "operator",
            ChatSource::Campaign => "campaign",
        };
        let fields = [
            chat.id.to_string(),
            iso_time(chat.started_at),
            source.to_owned(),
            s.department.clone().unwrap_or_default(),
            s.assignee
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            chat.facts.visitor_messages.to_string(),
            chat.facts.operator_messages.to_string(),
            secs(chat.facts.first_response_ms()),
            secs(chat.duration_ms()),
            chat.missed().to_string(),
            s.offline.to_string(),
            s.rating
                .as_ref()
                .map(|r| r.score.to_string())
                .unwrap_or_default(),
            s.rating
                .as_ref()
                .map(|r| scale_name(r.scale))
                .unwrap_or_default(),
            s.rating
                .as_ref()
                .and_then(|r| r.comment.clone())
                .unwrap_or_default(),
            s.contact.name.clone().unwrap_or_default(),
            s.contact.email.clone().unwrap_or_default(),
            s.contact.phone.clone().unwrap_or_default(),
            utm.source.unwrap_or_default(),
            utm.medium.unwrap_or_default(),
            utm.campaign.unwrap_or_default(),
            s.tags.join(", "),
            chat.auto_outcome()
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            format!("{chat_links}{}", chat.id),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn scale_name(scale: RatingScale) -> String {
    serde_json::to_value(scale)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Quotes a field that holds a comma, quote or line break; a leading `=`, `+`, `-` or `@`
/// gets a `'` so a spreadsheet does not run it as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub use crate::time::{civil_from_days, iso_time};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::OperatorCard;
    use crate::ids::ConversationId;
    use crate::triggers::VisitSource;

    const H: u64 = 3_600_000;
    // 2026-11-02T00:00:00Z, a Monday.
    const DAY0: u64 = 1_793_577_600_000;

    fn op(id: &str) -> OperatorId {
        OperatorId::parse(id).unwrap()
    }

    fn chat(id: &str, started_at: u64) -> ChatRecord {
        ChatRecord {
            id: ConversationId::parse(id).unwrap(),
            started_at,
            state: Default::default(),
            facts: Default::default(),
        }
    }

    fn answered(mut c: ChatRecord, by: &str, after_ms: u64, rating: Option<u8>) -> ChatRecord {
        c.facts.record(None, c.started_at);
        c.facts.record(Some(&op(by)), c.started_at + after_ms);
        c.facts
            .record(Some(&op(by)), c.started_at + after_ms + 1000);
        c.facts.closed_at = Some(c.started_at + 10 * 60_000);
        c.state.assignee = Some(OperatorCard {
            id: op(by),
            name: by.to_uppercase(),
        });
        c.state.rating = rating.map(|score| Rating {
            score,
            scale: RatingScale::FiveFaces,
            comment: None,
        });
        c
    }

    #[test]
    fn facts_follow_the_conversation() {
        let mut facts = ChatFacts::default();
        facts.record(None, 100);
        facts.record(None, 200);
        assert_eq!(facts.first_response_ms(), None);
        facts.record(Some(&op("anna")), 5_100);
        facts.record(Some(&op("anna")), 9_000);
        assert_eq!(facts.first_response_ms(), Some(5_000));
        assert!(!facts.operator_started);
        assert_eq!(facts.by_operator[&op("anna")], 2);

        let mut proactive = ChatFacts::default();
        proactive.record(Some(&op("anna")), 100);
        proactive.record(None, 500);
        assert!(proactive.operator_started);
        assert_eq!(
            proactive.first_response_ms(),
            None,
            "no reply after the visitor's first yet"
        );
    }

    #[test]
    fn a_period_in_numbers() {
        let query = ReportQuery {
            from: DAY0,
            to: DAY0 + 3 * 24 * H,
            tz_minutes: 180, // Moscow
        };
        let mut missed = chat("m", DAY0 + 24 * H + 22 * H); // 01:00 local on day 3
        missed.facts.record(None, missed.started_at);
        missed.state.offline = true;
        let mut campaign = answered(chat("c", DAY0 + 9 * H), "boris", 60_000, Some(2));
        campaign.state.source = Some(VisitSource {
            utm: crate::triggers::Utm {
                campaign: Some("spring".into()),
                ..Default::default()
            },
            ..Default::default()
        });
        campaign.state.tags = vec!["Refund".into()];
        let mut tagged = answered(chat("a", DAY0 + 9 * H), "anna", 20_000, Some(5));
        tagged.state.tags = vec!["refund".into(), "VIP".into()];
        let mut outside = chat("outside", DAY0 + 5 * 24 * H);
        outside.state.tags = vec!["VIP".into()];
        let chats = vec![
            tagged,
            answered(chat("b", DAY0 + 10 * H), "anna", 40_000, None),
            campaign,
            missed,
            outside,
        ];
        let report = aggregate(&query, &chats);
        assert_eq!(report.chats, 4);
        assert_eq!(report.missed, 1);
        assert_eq!(report.offline, 1);
        // Three local days, plus the one the period's last UTC hours fall on locally.
        let days: Vec<u32> = report.per_day.iter().map(|d| d.chats).collect();
        assert_eq!(days, vec![3, 0, 1, 0]);
        assert_eq!(report.per_day[2].missed, 1);
        assert_eq!(report.per_hour[12], 2, "09:00 UTC is 12:00 in Moscow");
        assert_eq!(report.per_hour[1], 1);
        assert_eq!(report.first_response.count, 3);
        assert_eq!(report.first_response.median_ms, Some(40_000));
        assert_eq!(report.first_response.mean_ms, Some(40_000));
        assert_eq!(report.duration.median_ms, Some(600_000));
        assert_eq!(report.ratings.rated, 2);
        assert_eq!((report.ratings.good, report.ratings.poor), (1, 1));
        assert_eq!(report.ratings.mean_percent, Some(62));
        assert_eq!(report.sources[&ChatSource::Visitor], 3);
        assert_eq!(report.sources[&ChatSource::Campaign], 1);
        let tags: Vec<(&str, u32)> = report
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), t.chats))
            .collect();
        assert_eq!(tags, vec![("refund", 2), ("VIP", 1)], "within the period");
        let anna = &report.operators[0];
        assert_eq!(
            (anna.name.as_str(), anna.chats, anna.messages),
            ("ANNA", 2, 4)
        );
        assert_eq!(anna.first_response.median_ms, Some(30_000));
        assert_eq!(anna.rating_percent, Some(100));
        assert_eq!(report.operators[1].rating_percent, Some(25));
    }

    #[test]
    fn queries_are_checked() {
        let q = |s: &str| ReportQuery::from_pairs(s.split('&').filter_map(|p| p.split_once('=')));
        assert!(q("from=1&to=2&tz=-300").is_ok());
        assert!(q("from=2&to=1").is_err());
        assert!(q("from=x&to=1").is_err());
        assert!(q("from=1").is_err());
        assert!(q("from=1&to=2&tz=9999").is_err());
        assert!(q("from=1&to=2&colour=red").is_err());
        assert!(q(&format!("from=0&to={}", 400 * DAY_MS)).is_err());
    }

    #[test]
    fn csv_is_safe_for_spreadsheets() {
        let query = ReportQuery {
            from: DAY0,
            to: DAY0 + 24 * H,
            tz_minutes: 0,
        };
        let mut c = answered(chat("a", DAY0 + H), "anna", 20_000, Some(5));
        c.state.contact.name = Some("=HYPERLINK(\"x\")".into());
        c.state.contact.email = Some("ivan@example.com".into());
        if let Some(rating) = c.state.rating.as_mut() {
            rating.comment = Some("Quick, thanks, \"great\"".into());
        }
        c.state.tags = vec!["Refund".into(), "VIP client".into()];
        let out = csv(&query, &[c], "https://chat.shop.test/console/#/demo/chats/");
        let lines: Vec<&str> = out.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with(",rating_scale,rating_comment,name,email,phone,utm_source,utm_medium,utm_campaign,tags,auto_answer,transcript"));
        assert!(lines[1].starts_with(
            "a,2026-11-02T01:00:00Z,visitor,,ANNA,1,2,20,600,false,false,5,five_faces,\"Quick, thanks, \"\"great\"\"\","
        ));
        assert!(lines[1].contains(",\"'=HYPERLINK(\"\"x\"\")\",ivan@example.com,"));
        assert!(lines[1]
            .ends_with(",\"Refund, VIP client\",,https://chat.shop.test/console/#/demo/chats/a"));
    }

    #[test]
    fn automatic_answers_are_counted_and_a_helpful_one_is_not_missed() {
        use crate::answers::AutoAnswered;
        let query = ReportQuery {
            from: DAY0,
            to: DAY0 + 24 * H,
            tz_minutes: 0,
        };
        let auto = |id: &str, outcome: Option<AutoOutcome>| {
            let mut c = chat(id, DAY0 + H);
            c.facts.record(None, c.started_at);
            c.state.auto_answer = outcome.map(|outcome| AutoAnswered {
                id: "delivery".into(),
                question: "Delivery".into(),
                seq: 2,
                outcome,
            });
            c
        };
        let chats = vec![
            auto("helped", Some(AutoOutcome::Helpful)),
            auto("person", Some(AutoOutcome::HandedOver)),
            auto("deciding", Some(AutoOutcome::Offered)),
            auto("plain", None),
        ];
        let report = aggregate(&query, &chats);
        assert_eq!(
            report.automatic,
            AutomaticStats {
                answered: 3,
                helpful: 1,
                handed_over: 1
            }
        );
        assert_eq!(report.missed, 3, "all but the helped one wait for a person");
        let out = csv(&query, &chats, "/c/");
        assert!(out.contains(",helpful,/c/helped\r\n"), "{out}");
        assert!(out.contains(",handed_over,/c/person\r\n"));
        assert!(out.contains(",,/c/plain\r\n"));
    }

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(iso_time(DAY0), "2026-11-02T00:00:00Z");
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
