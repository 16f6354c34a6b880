//! Webhooks: the site's server hears about chats as they happen. Which events there are, the
//! endpoints admins register, the JSON body each delivery carries, when a conversation's
//! change is an event, and when a failed delivery is tried again.

use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::events::{ChatMessage, ConversationSummary};
use crate::ids::SiteId;
use crate::Status;
use serde::{Deserialize, Serialize};

/// Most endpoints one site may register.
pub const MAX_ENDPOINTS: usize = 5;
/// Longest endpoint URL.
pub const MAX_URL_CHARS: usize = 500;
/// Deliveries the log keeps per site (older ones are forgotten).
pub const LOG_KEEP: usize = 500;
/// Newest deliveries the log shows.
pub const LOG_PAGE: usize = 100;
/// Waits before each retry, in units of `WEBHOOK_RETRY_UNIT_MS` (a minute by default):
/// 1 min, 5 min, 30 min, 2 h, 6 h, 12 h; then the delivery is given up.
pub const RETRY_UNITS: [u64; 6] = [1, 5, 30, 120, 360, 720];
/// The header carrying `t=<ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "X-Consultant-Signature";
/// The header naming the event (`chat.started`, …).
pub const EVENT_HEADER: &str = "X-Consultant-Event";
/// The header with the delivery's id (the same on every retry: dedupe by it).
pub const DELIVERY_HEADER: &str = "X-Consultant-Delivery";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WebhookEvent {
    /// The first message of a conversation (the visitor's, or an operator's proactive one).
    #[serde(rename = "chat.started")]
    ChatStarted,
    /// An operator took the chat (by routing or by answering it).
    #[serde(rename = "chat.accepted")]
    ChatAccepted,
    /// The chat was closed by an operator or ended by the visitor; carries the transcript.
    #[serde(rename = "chat.finished")]
    ChatFinished,
    /// A message left through the offline form; carries the transcript.
    #[serde(rename = "offline.message")]
    OfflineMessage,
    /// The visitor rated the chat.
    #[serde(rename = "chat.rated")]
    ChatRated,
    /// Alert: a chat was rated below the site's threshold (`alerts.low_rating_below_percent`).
    #[serde(rename = "alert.low_rating")]
    AlertLowRating,
    /// Alert: nobody is online during working hours (at most once per 30 minutes; no
    /// conversation in the body).
    #[serde(rename = "alert.nobody_online")]
    AlertNobodyOnline,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 7] = [
        WebhookEvent::ChatStarted,
        WebhookEvent::ChatAccepted,
        WebhookEvent::ChatFinished,
        WebhookEvent::OfflineMessage,
        WebhookEvent::ChatRated,
        WebhookEvent::AlertLowRating,
        WebhookEvent::AlertNobodyOnline,
    ];

    /// The name on the wire and in the event header.
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::ChatStarted => "chat.started",
            WebhookEvent::ChatAccepted => "chat.accepted",
            WebhookEvent::ChatFinished => "chat.finished",
            WebhookEvent::OfflineMessage => "offline.message",
            WebhookEvent::ChatRated => "chat.rated",
            WebhookEvent::AlertLowRating => "alert.low_rating",
            WebhookEvent::AlertNobodyOnline => "alert.nobody_online",
        }
    }

    /// Whether the body carries the conversation's messages.
    pub fn has_transcript(self) -> bool {
        matches!(
            self,
            WebhookEvent::ChatFinished | WebhookEvent::OfflineMessage
        )
    }
}

/// `POST …/webhooks` body: an admin registers an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<WebhookEvent>,
}

/// Whether a webhook's host (`name[:port]`) can only be a public server: names that stand for
/// this machine or a local network, and IP address literals, are refused. (The relay's own
/// network rules stop a public name that resolves to a private address: Cloudflare's fetch, or
/// `selfhost/workerd.capnp`, which lets webhooks reach public addresses only.)
pub fn public_host(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name)
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let local_suffix = [
        ".localhost",
        ".local",
        ".internal",
        ".home.arpa",
        ".lan",
        ".intranet",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix));
    // A top-level domain has letters: anything else (`10.0.0.5`, `2130706433`, `0x7f.1`) is an
    // address literal in one of the forms resolvers accept.
    let tld = name.rsplit('.').next().unwrap_or_default();
    let literal = name.parse::<std::net::IpAddr>().is_ok()
        || !tld.chars().any(|c| c.is_ascii_alphabetic())
        || tld.starts_with("0x");
    !name.is_empty() && name.contains('.') && name != "localhost" && !local_suffix && !literal
}

/// Whether the relay may post to `url`: `https://` to a public host, or `http://` to this
/// machine when `dev` (local runs and tests). Webhooks and push endpoints both pass here.
pub fn outbound_url(url: &str, dev: bool) -> Result<(), &'static str> {
    let loopback = ["http://127.0.0.1", "http://localhost"].iter().any(|base| {
        url.strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
    });
    let host = url.strip_prefix("https://").map(|rest| {
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let https_ok = host.as_ref().is_some_and(|h| {
        !h.is_empty()
            && !h.contains('@')
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    });
    if !(https_ok || dev && loopback) {
        return Err("must be an https:// address");
    }
    if https_ok && !host.as_deref().is_some_and(public_host) {
        return Err(
            "must be a public address (not this machine, a private network or an IP literal)",
        );
    }
    if url.chars().any(char::is_whitespace) {
        return Err("must not contain spaces");
    }
    Ok(())
}

impl NewWebhook {
    /// The URL is `https://…` (or `http://` to this machine when `dev`); at least one event,
    /// each once.
    pub fn validate(&self, dev: bool) -> Result<(), ProtocolError> {
        let invalid = |why: &str| ProtocolError::new(ErrorCode::InvalidField, why.to_owned());
        let url = self.url.trim();
        if url.chars().count() > MAX_URL_CHARS {
            return Err(invalid("url: at most 500 characters"));
        }
        outbound_url(url, dev).map_err(|why| invalid(&format!("url: {why}")))?;
        if self.events.is_empty() {
            return Err(invalid("events: choose at least one"));
        }
        let mut seen = self.events.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != self.events.len() {
            return Err(invalid("events: each event once"));
        }
        Ok(())
    }
}

/// A registered endpoint, as admins see it (the secret included: they set up the receiver).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// Signs every delivery (see [`SIGNATURE_HEADER`]).
    pub secret: String,
    pub created_at: Millis,
    /// Registered by the owner: while contact data is masked from admins, only such endpoints
    /// receive visitors' e-mails and phones (an admin's could hand him what masking hides).
    #[serde(default)]
    pub created_by_owner: bool,
}

/// The JSON body of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookBody {
    /// The delivery's id, the same on every retry.
    pub id: String,
    pub event: WebhookEvent,
    pub site: SiteId,
    /// When it happened (ms since the epoch).
    pub at: Millis,
    /// The conversation as it stood then: visitor, contact data, department, assignee,
    /// rating, status, where the visit came from (none for `alert.nobody_online`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<ConversationSummary>,
    /// `chat.finished` and `offline.message`: the messages up to then (no private notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ChatMessage>>,
}

/// One delivery in the log admins see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: String,
    pub endpoint: String,
    pub url: String,
    pub event: WebhookEvent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<crate::ids::ConversationId>,
    pub created_at: Millis,
    pub attempts: u32,
    /// The endpoint's last HTTP status, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the last attempt failed (network error, status), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<Millis>,
    /// When it is tried again; `None` once delivered or given up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<Millis>,
}

/// The events between how a conversation stood (`before`, `None` when the site had not heard
/// of it) and how it stands now. Each is also keyed (see [`event_key`]) so that a report that
/// arrives twice never delivers twice.
pub fn events_between(
    before: Option<&ConversationSummary>,
    after: &ConversationSummary,
) -> Vec<WebhookEvent> {
    let mut events = Vec::new();
    let was = before.map(|b| &b.state);
    let now = &after.state;
    if before.is_none() {
        events.push(WebhookEvent::ChatStarted);
    }
    if now.offline && !was.is_some_and(|w| w.offline) {
        events.push(WebhookEvent::OfflineMessage);
    }
    if now.assignee.is_some() && was.is_none_or(|w| w.assignee.is_none()) {
        events.push(WebhookEvent::ChatAccepted);
    }
    if now.status == Status::Closed && was.is_some_and(|w| w.status != Status::Closed) {
        events.push(WebhookEvent::ChatFinished);
    }
    if now.rating.is_some() && was.is_none_or(|w| w.rating.is_none()) {
        events.push(WebhookEvent::ChatRated);
    }
    events
}

/// What makes an event unique in a conversation: most happen once; a chat may be finished
/// again after the visitor reopened it, so finishing is keyed by its message count too.
pub fn event_key(event: WebhookEvent, after: &ConversationSummary) -> String {
    match event {
        WebhookEvent::ChatFinished => {
            format!("{}:{}:{}", after.id, event.name(), after.message_count)
        }
        _ => format!("{}:{}", after.id, event.name()),
    }
}

/// When to try a delivery again after `attempts` failed ones, or `None` to give up.
pub fn retry_delay_ms(attempts: u32, unit_ms: u64) -> Option<u64> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    RETRY_UNITS.get(index).map(|units| units * unit_ms)
}

/// Whether an endpoint's answer counts as delivered: any 2xx.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::OperatorCard;
    use crate::events::Author;
    use crate::ids::{ConversationId, OperatorId, VisitorId};

    fn summary() -> ConversationSummary {
        ConversationSummary {
            id: ConversationId::parse("c1").unwrap(),
            visitor: VisitorId::parse("v1").unwrap(),
            started_at: 1,
            last_at: 1,
            last_preview: "hi".into(),
            last_author: Author::Visitor,
            message_count: 1,
            state: Default::default(),
        }
    }

    fn card() -> OperatorCard {
        OperatorCard {
            id: OperatorId::parse("op1").unwrap(),
            name: "Anna".into(),
        }
    }

    #[test]
    fn a_chat_lives_through_every_event_once() {
        let first = summary();
        assert_eq!(
            events_between(None, &first),
            vec![WebhookEvent::ChatStarted]
        );
        let mut accepted = first.clone();
        accepted.state.assignee = Some(card());
        assert_eq!(
            events_between(Some(&first), &accepted),
            vec![WebhookEvent::ChatAccepted]
        );
        assert!(events_between(Some(&accepted), &accepted).is_empty());
        let mut closed = accepted.clone();
        closed.state.status = Status::Closed;
        assert_eq!(
            events_between(Some(&accepted), &closed),
            vec![WebhookEvent::ChatFinished]
        );
        let mut rated = closed.clone();
        rated.state.rating = Some(crate::Rating {
            score: 5,
            scale: Default::default(),
            comment: None,
        });
        assert_eq!(
            events_between(Some(&closed), &rated),
            vec![WebhookEvent::ChatRated]
        );
        // A transfer is not a second acceptance.
        let mut transferred = rated.clone();
        transferred.state.assignee = Some(OperatorCard {
            name: "Boris".into(),
            ..card()
        });
        assert!(events_between(Some(&rated), &transferred).is_empty());
    }

    #[test]
    fn an_offline_message_starts_a_chat_or_arrives_in_one() {
        let mut offline = summary();
        offline.state.offline = true;
        assert_eq!(
            events_between(None, &offline),
            vec![WebhookEvent::ChatStarted, WebhookEvent::OfflineMessage]
        );
        assert_eq!(
            events_between(Some(&summary()), &offline),
            vec![WebhookEvent::OfflineMessage]
        );
    }

    #[test]
    fn finishing_again_after_a_reopen_is_a_new_event() {
        let mut closed = summary();
        closed.state.status = Status::Closed;
        let mut later = closed.clone();
        later.message_count = 7;
        assert_ne!(
            event_key(WebhookEvent::ChatFinished, &closed),
            event_key(WebhookEvent::ChatFinished, &later)
        );
        assert_eq!(
            event_key(WebhookEvent::ChatRated, &closed),
            event_key(WebhookEvent::ChatRated, &later)
        );
    }

    #[test]
    fn retries_back_off_then_give_up() {
        assert_eq!(retry_delay_ms(0, 60_000), None);
        assert_eq!(retry_delay_ms(1, 60_000), Some(60_000));
        assert_eq!(retry_delay_ms(2, 60_000), Some(300_000));
        assert_eq!(retry_delay_ms(6, 60_000), Some(720 * 60_000));
        assert_eq!(retry_delay_ms(7, 60_000), None);
        assert!(delivered(204) && !delivered(301) && !delivered(500));
    }

    #[test]
    fn endpoints_are_https_with_distinct_events() {
        let hook = |url: &str, events: Vec<WebhookEvent>| NewWebhook {
            url: url.into(),
            events,
        };
        let all = WebhookEvent::ALL.to_vec();
        assert!(hook("https://crm.example/hooks/chat", all.clone())
            .validate(false)
            .is_ok());
        for bad in [
            "http://crm.example/hook",
            "ftp://crm.example",
            "https://",
            "https://user@crm.example/",
            "https://crm.example/a b",
            "javascript:alert(1)",
        ] {
            assert!(hook(bad, all.clone()).validate(false).is_err(), "{bad}");
        }
        let local = hook("http://127.0.0.1:8814/hook", all.clone());
        assert!(local.validate(false).is_err());
        assert!(local.validate(true).is_ok());
        assert!(hook("http://127.0.0.1.evil.example/", all.clone())
            .validate(true)
            .is_err());
        for private in [
            "https://localhost/hook",
            "https://localhost:8443/hook",
            "https://127.0.0.1/hook",
            "https://10.0.0.5:8080/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://192.168.1.1/",
            "https://0x7f.1/",
            "https://2130706433/",
            "https://printer.local/",
            "https://db.internal/",
            "https://router.home.arpa/",
            "https://intranet/",
            "https://api.localhost/",
        ] {
            assert!(
                hook(private, all.clone()).validate(false).is_err(),
                "{private}"
            );
        }
        assert!(hook("https://hooks.crm.example:8443/x", all.clone())
            .validate(false)
            .is_ok());
        let long = format!("https://crm.example/{}", "a".repeat(500));
        assert!(hook(&long, all.clone()).validate(false).is_err());
        assert!(hook("https://crm.example", vec![]).validate(false).is_err());
        let twice = vec![WebhookEvent::ChatRated, WebhookEvent::ChatRated];
        assert!(hook("https://crm.example", twice).validate(false).is_err());
    }

    #[test]
    fn event_names_are_the_wire_names() {
        for event in WebhookEvent::ALL {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.name()));
        }
    }
}
