//! Conversation history: the search an operator runs (`GET …/history?…`), the page he gets
//! back, and the searchable text the relay keeps for each conversation.

use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::events::{Author, ChatMessage, ConversationSummary};
use crate::ids::OperatorId;
use serde::{Deserialize, Serialize};

/// Most characters of a conversation kept for text search (the newest are kept).
pub const MAX_SEARCH_TEXT: usize = 64 * 1024;
/// Conversations per history page.
pub const HISTORY_PAGE: usize = 50;
/// Longest search phrase.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingFilter {
    /// Rated in the top half of its scale.
    Good,
    /// Rated in the bottom half.
    Poor,
    /// Not rated at all.
    Unrated,
}

/// What to look for. Every part is optional; all given parts must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Words that must all occur in the messages, contact data or notes (case-insensitive).
    pub text: Option<String>,
    /// Chats this operator took part in.
    pub operator: Option<OperatorId>,
    /// Started at or after (ms since the epoch).
    pub from: Option<Millis>,
    /// Started before.
    pub to: Option<Millis>,
    pub rating: Option<RatingFilter>,
    pub department: Option<String>,
    /// Chats carrying this tag (in any letter case).
    pub tag: Option<String>,
    /// Paging: only conversations whose last activity is older than this.
    pub before: Option<Millis>,
}

/// One page of results, newest activity first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub conversations: Vec<ConversationSummary>,
    /// Pass as `before` for the next page; `None` when this was the last one.
    pub next_before: Option<Millis>,
}

fn invalid(field: &str, why: &str) -> ProtocolError {
    ProtocolError::new(ErrorCode::InvalidField, format!("{field}: {why}"))
}

impl HistoryQuery {
    /// Reads the query string's pairs; unknown keys are refused so a typo is not silently
    /// ignored, empty values mean "any".
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ProtocolError> {
        let mut query = HistoryQuery::default();
        let number = |field: &str, value: &str| {
            value
                .parse::<Millis>()
                .map_err(|_| invalid(field, "expected milliseconds since 1970"))
        };
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "text" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(invalid("text", "longer than 200 characters"));
                    }
                    query.text = Some(value.to_owned());
                }
                "operator" => {
                    query.operator = Some(
                        OperatorId::parse(value).map_err(|_| invalid("operator", "not an id"))?,
                    )
                }
                "from" => query.from = Some(number("from", value)?),
                "to" => query.to = Some(number("to", value)?),
                "before" => query.before = Some(number("before", value)?),
                "rating" => {
                    query.rating = Some(match value {
                        "good" => RatingFilter::Good,
                        "poor" => RatingFilter::Poor,
                        "unrated" => RatingFilter::Unrated,
                        _ => return Err(invalid("rating", "expected good, poor or unrated")),
                    })
                }
                "department" => {
                    if !crate::validate::is_slug(value) {
                        return Err(invalid("department", "not a department id"));
                    }
                    query.department = Some(value.to_owned())
                }
                "tag" => query.tag = Some(crate::tags::tag("tag", value)?),
                other => return Err(invalid(other, "unknown filter")),
            }
        }
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if from >= to {
                return Err(invalid("from", "must be before to"));
            }
        }
        Ok(query)
    }

    /// The search words, lowercased; a conversation matches when its text has every one.
    pub fn words(&self) -> Vec<String> {
        self.text
            .as_deref()
            .map(|t| t.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default()
    }

    /// Whether a conversation's summary passes the filters that are not about its text or
    /// operators (those the relay checks in SQL).
    pub fn admits(&self, summary: &ConversationSummary) -> bool {
        let state = &summary.state;
        let rating_ok = match (self.rating, &state.rating) {
            (None, _) => true,
            (Some(RatingFilter::Unrated), rating) => rating.is_none(),
            (Some(_), None) => false,
            (Some(wanted), Some(r)) => {
                r.scale.is_positive(r.score) == (wanted == RatingFilter::Good)
            }
        };
        rating_ok
            && self.from.is_none_or(|from| summary.started_at >= from)
            && self.to.is_none_or(|to| summary.started_at < to)
            && self.before.is_none_or(|before| summary.last_at < before)
            && self
                .department
                .as_ref()
                .is_none_or(|d| state.department.as_ref() == Some(d))
            && self
                .tag
                .as_ref()
                .is_none_or(|t| crate::tags::has_tag(&state.tags, t))
    }
}

/// What text search looks through for one conversation: every live message and note and
/// file names; lowercased, the newest kept when it is too long.
pub fn search_text(messages: &[ChatMessage]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for message in messages.iter().filter(|m| !m.deleted) {
        parts.push(&message.text);
        if let Some(file) = &message.attachment {
            parts.push(&file.name);
        }
    }
    let text = parts.join("\n").to_lowercase();
    if text.len() <= MAX_SEARCH_TEXT {
        return text;
    }
    let mut start = text.len() - MAX_SEARCH_TEXT;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_owned()
}

/// The visitor's contact data as searched, lowercased. Kept apart from the messages: roles
/// that see contacts masked must not find a chat by them.
pub fn contact_text(contact: &crate::ContactInfo) -> String {
    [&contact.name, &contact.email, &contact.phone]
        .into_iter()
        .flatten()
        .map(|v| v.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The operators who wrote in a conversation (not the system, not the visitor).
pub fn operator_authors(messages: &[ChatMessage]) -> Vec<OperatorId> {
    let mut ids = Vec::new();
    for message in messages {
        if let Author::Operator { id, .. } = &message.author {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Rating;
    use crate::settings::RatingScale;

    fn pairs(query: &str) -> Result<HistoryQuery, ProtocolError> {
        HistoryQuery::from_pairs(query.split('&').filter_map(|p| p.split_once('=')))
    }

    #[test]
    fn reads_every_filter_and_refuses_bad_ones() {
        let q = pairs(
            "text=teapot  Kazan&from=10&to=20&rating=poor&department=sales&before=99&operator=&tag= VIP  client ",
        )
        .unwrap();
        assert_eq!(q.tag.as_deref(), Some("VIP client"));
        assert_eq!(q.words(), vec!["teapot", "kazan"]);
        assert_eq!((q.from, q.to, q.before), (Some(10), Some(20), Some(99)));
        assert_eq!(q.rating, Some(RatingFilter::Poor));
        assert_eq!(q.department.as_deref(), Some("sales"));
        assert_eq!(q.operator, None, "empty means any");

        for (bad, field) in [
            ("from=yesterday", "from"),
            ("rating=5", "rating"),
            ("department=Sales!", "department"),
            ("sort=asc", "sort"),
            ("from=20&to=10", "from"),
            ("tag=a,b", "tag"),
            (&format!("tag={}", "x".repeat(41)), "tag"),
        ] {
            let error = pairs(bad).unwrap_err();
            assert!(error.message.starts_with(field), "{bad}: {}", error.message);
        }
        assert!(pairs(&format!("text={}", "x".repeat(201))).is_err());
    }

    fn summary(
        started_at: Millis,
        rating: Option<(u8, RatingScale)>,
        department: Option<&str>,
    ) -> ConversationSummary {
        let mut s: ConversationSummary = serde_json::from_value(serde_json::json!({
            "id": "c1", "visitor": "v1", "started_at": started_at, "last_at": started_at + 5,
            "last_preview": "", "last_author": {"kind": "visitor"}, "message_count": 1
        }))
        .unwrap();
        s.state.rating = rating.map(|(score, scale)| Rating {
            score,
            scale,
            comment: None,
        });
        s.state.department = department.map(str::to_owned);
        s
    }

    #[test]
    fn filters_by_rating_half_date_range_and_department() {
        let good = summary(100, Some((5, RatingScale::FiveFaces)), Some("sales"));
        let poor = summary(200, Some((1, RatingScale::Thumbs)), None);
        let unrated = summary(300, None, None);
        let q = |s: &str| pairs(s).unwrap();
        assert!(q("rating=good").admits(&good) && !q("rating=good").admits(&poor));
        assert!(q("rating=poor").admits(&poor) && !q("rating=poor").admits(&unrated));
        assert!(q("rating=unrated").admits(&unrated) && !q("rating=unrated").admits(&good));
        assert!(q("from=100&to=201").admits(&poor) && !q("from=100&to=200").admits(&poor));
        assert!(!q("from=150").admits(&good));
        assert!(q("department=sales").admits(&good) && !q("department=sales").admits(&poor));
        assert!(q("before=206").admits(&poor) && !q("before=205").admits(&poor));
        assert!(q("").admits(&unrated));
    }

    #[test]
    fn filters_by_tag_in_any_letter_case() {
        let mut tagged = summary(100, None, None);
        tagged.state.tags = vec!["Refund".into(), "Доставка".into()];
        let untagged = summary(200, None, None);
        let q = |s: &str| pairs(s).unwrap();
        assert!(q("tag=refund").admits(&tagged) && !q("tag=refund").admits(&untagged));
        assert!(q("tag=ДОСТАВКА").admits(&tagged));
        assert!(
            !q("tag=Ref").admits(&tagged),
            "a whole tag, not a part of one"
        );
        assert!(q("tag=").admits(&untagged), "empty means any");
    }

    fn message(author: serde_json::Value, text: &str, deleted: bool) -> ChatMessage {
        serde_json::from_value(serde_json::json!({
            "seq": 1, "client_id": "m1", "author": author, "text": text, "sent_at": 1, "deleted": deleted
        }))
        .unwrap()
    }

    #[test]
    fn search_text_holds_live_messages_lowercased_and_contacts_apart() {
        let contact = crate::ContactInfo {
            name: Some("Ivan".into()),
            email: Some("IVAN@mail.ru".into()),
            ..Default::default()
        };
        let messages = [
            message(
                serde_json::json!({"kind": "visitor"}),
                "Do you ship to KAZAN?",
                false,
            ),
            message(
                serde_json::json!({"kind": "visitor"}),
                "my card number",
                true,
            ),
        ];
        let text = search_text(&messages);
        assert!(text.contains("kazan"));
        assert!(
            !text.contains("card"),
            "deleted messages are not searchable"
        );
        assert_eq!(contact_text(&contact), "ivan\nivan@mail.ru");

        let long = [message(
            serde_json::json!({"kind": "visitor"}),
            &"ё".repeat(MAX_SEARCH_TEXT),
            false,
        )];
        let text = search_text(&long);
        assert!(text.len() <= MAX_SEARCH_TEXT && text.starts_with('ё'));
    }
}
