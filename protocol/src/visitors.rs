//! Visitors on the site now: what the widget reports about its page over its presence socket,
//! what operators see in the live list, and how an operator starts a chat with one of them.

use crate::error::ProtocolError;
use crate::error::{ErrorCode, Millis};
use crate::ids::{ConversationId, VisitorId};
use crate::triggers::Utm;
use serde::{Deserialize, Serialize};

/// Longest URL or referrer kept.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest page title kept.
pub const MAX_TITLE_CHARS: usize = 300;

/// The page a visitor is on, as his widget reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    pub url: String,
    #[serde(default)]
    pub title: String,
    /// The visit's referrer (where its first page was reached from).
    #[serde(default)]
    pub referrer: String,
    /// The visit's first page, whose UTM tags name its campaign.
    #[serde(default)]
    pub landing_url: String,
    /// Pages viewed in this visit, this one included.
    pub pages_viewed: u32,
    /// 1 on the first visit to the site.
    pub visit_number: u32,
    /// When this visit started (ms since the epoch).
    pub visit_started_at: Millis,
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

impl PageView {
    /// Checks the URL is a web address and trims every text to its cap.
    pub fn validated(self) -> Result<Self, ProtocolError> {
        let web = |u: &str| u.starts_with("https://") || u.starts_with("http://");
        if !web(&self.url) {
            return Err(ProtocolError::new(
                ErrorCode::InvalidField,
                "url: expected an http(s) address",
            ));
        }
        Ok(PageView {
            url: cut(&self.url, MAX_URL_CHARS),
            title: cut(self.title.trim(), MAX_TITLE_CHARS),
            referrer: if web(&self.referrer) {
                cut(&self.referrer, MAX_URL_CHARS)
            } else {
                String::new()
            },
            landing_url: if web(&self.landing_url) {
                cut(&self.landing_url, MAX_URL_CHARS)
            } else {
                String::new()
            },
            pages_viewed: self.pages_viewed.max(1),
            visit_number: self.visit_number.max(1),
            visit_started_at: self.visit_started_at,
        })
    }

    /// The visit's `utm_*` tags: its landing page's, else this page's.
    pub fn utm(&self) -> Utm {
        let tags = |url: &str| {
            let query = url
                .split_once('?')
                .map(|(_, q)| q.split('#').next().unwrap_or(q))
                .unwrap_or("");
            Utm::from_query(query).decoded()
        };
        let landing = tags(&self.landing_url);
        if landing != Utm::default() {
            landing
        } else {
            tags(&self.url)
        }
    }
}

/// Widget → relay on the presence socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum PresenceCommand {
    /// Sent on connect and whenever the page changes (single-page sites).
    Page { page: PageView },
}

crate::internally_tagged!(PresenceCommand, "type");

/// Relay → widget on the presence socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum PresenceEvent {
    /// An operator started a chat with a visitor who had none: his session token.
    ChatStarted {
        token: String,
        conversation: ConversationId,
    },
    /// An operator wrote to a visitor who already has a chat: open it.
    OpenChat,
}

crate::internally_tagged!(PresenceEvent, "type");

/// The visitor's last chat, for the live list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousChat {
    pub last_at: Millis,
    pub message_count: u64,
}

/// One visitor on the site now, as operators see him.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveVisitor {
    /// Names this visit in the list and in "start a chat"; not the browser's own key.
    pub id: String,
    pub visitor: Option<VisitorId>,
    pub conversation: Option<ConversationId>,
    /// Name from the contact data, when he gave it.
    #[serde(default)]
    pub name: Option<String>,
    pub page: PageView,
    pub utm: Utm,
    pub geo: Geo,
    pub ip: Option<String>,
    pub browser: String,
    pub os: String,
    /// Open tabs of the site.
    pub tabs: u32,
    pub previous_chat: Option<PreviousChat>,
}

/// `POST …/live-visitors/{id}/chat` answer: the conversation to write into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProactiveChat {
    pub conversation: ConversationId,
}

/// Visitors per frame of the live list sent on connect: each frame is decoded in a task of its
/// own, so thousands of visitors never block the console for long (5,000 in one frame: 95 ms).
pub const LIVE_LIST_FRAME: usize = 500;

impl LiveVisitor {
    /// Whether one of the fields an operator searches by contains `words` (lower-case).
    pub(crate) fn mentions(&self, words: &str) -> bool {
        [
            self.name.as_deref(),
            Some(self.page.url.as_str()),
            Some(self.page.title.as_str()),
            self.geo.city.as_deref(),
            self.geo.country.as_deref(),
            self.ip.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(words))
    }
}

/// Browser and operating system from a `User-Agent` header, in words an operator knows.
pub fn describe_user_agent(ua: &str) -> (String, String) {
    let version = |marker: &str| -> Option<String> {
        let start = ua.find(marker)? + marker.len();
        let major: String = ua[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some(major)
    };
    let named = |name: &str, marker: &str| match version(marker) {
        Some(v) if !v.is_empty() => format!("{name} {v}"),
        _ => name.to_owned(),
    };
    // Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
    let browser = if ua.contains("Edg/") {
        named("Edge", "Edg/")
    } else if ua.contains("OPR/") {
        named("Opera", "OPR/")
    } else if ua.contains("YaBrowser/") {
        named("Yandex Browser", "YaBrowser/")
    } else if ua.contains("Firefox/") {
        named("Firefox", "Firefox/")
    } else if ua.contains("Chrome/") {
        named("Chrome", "Chrome/")
    } else if ua.contains("Safari/") && ua.contains("Version/") {
        named("Safari", "Version/")
    } else {
        "unknown".to_owned()
    };
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "unknown"
    };
    (browser, os.to_owned())
}

/// Where the visitor is, as the relay's edge location knows it (Cloudflare's `request.cf`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geo {
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::{live_list_frames, LiveList};

    fn live(id: &str, url: &str) -> LiveVisitor {
        LiveVisitor {
            id: id.into(),
            visitor: None,
            conversation: None,
            name: None,
            page: PageView {
                url: url.into(),
                ..Default::default()
            },
            utm: Utm::default(),
            geo: Geo::default(),
            ip: None,
            browser: String::new(),
            os: String::new(),
            tabs: 1,
            previous_chat: None,
        }
    }

    #[test]
    fn live_list_keeps_newest_first_and_places_stable() {
        use crate::events::InboxEvent;
        let mut list = LiveList::default();
        list.apply(InboxEvent::Visitors {
            visitors: vec![live("a", "https://s/1")],
        });
        list.apply(InboxEvent::VisitorUpdated {
            visitor: Box::new(live("b", "https://s/1")),
        });
        list.apply(InboxEvent::VisitorUpdated {
            visitor: Box::new(live("a", "https://s/2")),
        });
        let ids: Vec<_> = list
            .visitors()
            .iter()
            .map(|v| (v.id.as_str(), v.page.url.as_str()))
            .collect();
        assert_eq!(ids, [("b", "https://s/1"), ("a", "https://s/2")]);
        list.apply(InboxEvent::VisitorLeft { id: "b".into() });
        assert_eq!(list.visitors().len(), 1);
        list.apply(InboxEvent::Visitors { visitors: vec![] });
        assert!(
            list.visitors().is_empty(),
            "a new snapshot replaces the list"
        );
    }

    #[test]
    fn a_long_live_list_arrives_in_parts_and_is_whole_again() {
        use crate::events::InboxEvent;
        let everyone: Vec<_> = (0..LIVE_LIST_FRAME * 2 + 3)
            .map(|i| live(&format!("v{i}"), "https://s/"))
            .collect();
        let frames = live_list_frames(everyone.clone());
        let sizes: Vec<_> = frames
            .iter()
            .map(|f| match f {
                InboxEvent::Visitors { visitors } => ("first", visitors.len()),
                InboxEvent::MoreVisitors { visitors } => ("more", visitors.len()),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        let expected = [
            ("first", LIVE_LIST_FRAME),
            ("more", LIVE_LIST_FRAME),
            ("more", 3),
        ];
        assert_eq!(sizes, expected);
        let mut list = LiveList(vec![live("stale", "https://s/")]);
        frames.into_iter().for_each(|f| list.apply(f));
        assert_eq!(
            list.visitors(),
            everyone.as_slice(),
            "same visitors, same order"
        );
        let empty = live_list_frames(vec![]);
        assert_eq!(empty.len(), 1, "an empty site still sends its (empty) list");
    }

    #[test]
    fn search_finds_visitors_by_name_page_place_or_ip_ignoring_case() {
        let mut anna = live("a", "https://shop.example/teapots/blue");
        anna.name = Some("Anna Petrova".into());
        let mut moscow = live("b", "https://shop.example/checkout");
        moscow.geo.city = Some("Москва".into());
        moscow.page.title = "Checkout".into();
        let mut by_ip = live("c", "https://shop.example/");
        by_ip.ip = Some("203.0.113.7".into());
        let list = LiveList(vec![anna, moscow, by_ip]);
        let found = |q: &str| list.search(q).map(|v| v.id.as_str()).collect::<Vec<_>>();
        assert_eq!(
            found("  "),
            ["a", "b", "c"],
            "an empty query lists everyone"
        );
        assert_eq!(found("ANNA"), ["a"]);
        assert_eq!(found("teapots"), ["a"]);
        assert_eq!(found("москва"), ["b"]);
        assert_eq!(found("checkout"), ["b"], "by title or address");
        assert_eq!(found("203.0.113"), ["c"]);
        assert_eq!(found("shop.example"), ["a", "b", "c"]);
        assert!(found("nobody").is_empty());
    }

    #[test]
    fn user_agents_of_common_browsers() {
        let table = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131", "Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18", "macOS"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari 18", "iOS"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133", "Linux"),
            ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 YaBrowser/24.10.1.1 Mobile Safari/537.36", "Yandex Browser 24", "Android"),
            ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera 115", "Windows"),
            ("curl/8.5.0", "unknown", "unknown"),
        ];
        for (ua, browser, os) in table {
            assert_eq!(
                describe_user_agent(ua),
                (browser.to_owned(), os.to_owned()),
                "{ua}"
            );
        }
    }

    #[test]
    fn page_views_are_checked_and_capped() {
        let page = PageView {
            url: format!(
                "https://shop.test/tea?utm_source=ya&utm_campaign=spring+sale#top{}",
                "x".repeat(3000)
            ),
            title: format!("  {}  ", "T".repeat(400)),
            referrer: "javascript:alert(1)".into(),
            landing_url: String::new(),
            pages_viewed: 0,
            visit_number: 2,
            visit_started_at: 5,
        }
        .validated()
        .unwrap();
        assert_eq!(page.url.chars().count(), MAX_URL_CHARS);
        assert_eq!(page.title.chars().count(), MAX_TITLE_CHARS);
        assert_eq!(page.referrer, "", "only web referrers are kept");
        assert_eq!(page.pages_viewed, 1);
        let utm = page.utm();
        assert_eq!(utm.source.as_deref(), Some("ya"));
        assert_eq!(utm.campaign.as_deref(), Some("spring sale"));
        let later = PageView {
            url: "https://shop.test/delivery".into(),
            landing_url: "https://shop.test/?utm_campaign=autumn".into(),
            ..page.clone()
        };
        assert_eq!(
            later.utm().campaign.as_deref(),
            Some("autumn"),
            "the visit's campaign"
        );

        let bad = PageView {
            url: "file:///etc/passwd".into(),
            ..Default::default()
        };
        assert!(bad.validated().unwrap_err().message.starts_with("url:"));
    }
}
