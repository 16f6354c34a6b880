//! Trigger rules: proactive behaviour of the widget, configured per site. Pure logic; the widget
//! gathers a [`Visit`] every second and acts on what [`Engine::due`] returns.
//!
//! A rule fires when all its conditions hold, at most once per visit. Anti-spam: once the visitor
//! closes the window himself, no rule opens it or invites him again in this visit; and at most
//! one invitation per `invitation_interval_seconds`.

use crate::error::ProtocolError;
use crate::limits::{MAX_SOURCE_URL_CHARS, MAX_UTM_CHARS};
use crate::pattern::{Fold, Pattern};
use crate::validate::invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerRule {
    /// Stable id, also what `Consultant.startTrigger(id)` names.
    pub id: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// All must hold. No conditions: the rule holds on every page.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UtmParam {
    Source,
    Medium,
    Campaign,
    Term,
    Content,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum Condition {
    SecondsOnPage {
        at_least: u32,
    },
    SecondsOnSite {
        at_least: u32,
    },
    PagesViewed {
        at_least: u32,
    },
    /// The visitor's n-th visit to the site (1 = first), within `at_least..=at_most`.
    VisitNumber {
        at_least: u32,
        #[serde(default)]
        at_most: Option<u32>,
    },
    Url {
        pattern: Pattern,
    },
    Title {
        pattern: Pattern,
    },
    Referrer {
        pattern: Pattern,
    },
    Utm {
        param: UtmParam,
        pattern: Pattern,
    },
    /// ISO 3166 alpha-2 codes; holds when the visitor's country is any of them.
    Country {
        codes: Vec<String>,
    },
    City {
        names: Vec<String>,
    },
    /// 1 = Monday … 7 = Sunday, in the site's time zone.
    Weekday {
        days: Vec<u8>,
    },
    /// Hours `from..to` in the site's time zone; `from > to` wraps midnight (22..6).
    Hours {
        from: u8,
        to: u8,
    },
    OperatorOnline {
        online: bool,
    },
    AlreadyChatted {
        chatted: bool,
    },
    /// Holds on any of these kinds of device (see `device::Device`).
    Device {
        devices: Vec<crate::device::Device>,
    },
}

crate::internally_tagged!(Condition, "if");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum Action {
    /// A proactive message shown as if from an operator (of a department, when named).
    Invite {
        text: String,
        operator_name: String,
        #[serde(default)]
        avatar_url: Option<String>,
        #[serde(default)]
        department: Option<String>,
    },
    OpenWindow,
    ShowContactForm,
    /// After the visitor writes, show `text` as a system message if no operator has answered
    /// within `after_seconds`.
    SlowReplyNotice {
        after_seconds: u32,
        text: String,
    },
    /// Hide the whole widget on pages where the conditions hold.
    HideWidget,
}

crate::internally_tagged!(Action, "do");

impl Action {
    fn is_invitation(&self) -> bool {
        matches!(self, Action::Invite { .. })
    }

    /// Actions that put the window in front of the visitor: suppressed after he closed it.
    fn intrudes(&self) -> bool {
        matches!(
            self,
            Action::Invite { .. } | Action::OpenWindow | Action::ShowContactForm
        )
    }
}

/// What is known about the visit at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visit {
    pub seconds_on_page: u32,
    pub seconds_on_site: u32,
    pub pages_viewed: u32,
    pub visit_number: u32,
    pub url: String,
    pub title: String,
    pub referrer: String,
    pub utm: Utm,
    pub country: Option<String>,
    pub city: Option<String>,
    /// 1 = Monday … 7 = Sunday, in the site's time zone.
    pub weekday: u8,
    pub hour: u8,
    pub operator_online: bool,
    pub already_chatted: bool,
    /// As the relay read it from the User-Agent; unknown holds no device condition.
    pub device: Option<crate::device::Device>,
}

impl Condition {
    pub fn holds(&self, visit: &Visit) -> bool {
        self.holds_folded(visit, str::to_lowercase)
    }

    /// [`Condition::holds`], comparing texts case-insensitively by `fold`.
    pub fn holds_folded(&self, visit: &Visit, fold: Fold) -> bool {
        let any_of = |list: &[String], value: &Option<String>| {
            value
                .as_deref()
                .is_some_and(|v| list.iter().any(|item| item.eq_ignore_ascii_case(v)))
        };
        match self {
            Condition::SecondsOnPage { at_least } => visit.seconds_on_page >= *at_least,
            Condition::SecondsOnSite { at_least } => visit.seconds_on_site >= *at_least,
            Condition::PagesViewed { at_least } => visit.pages_viewed >= *at_least,
            Condition::VisitNumber { at_least, at_most } => {
                visit.visit_number >= *at_least
                    && at_most.is_none_or(|most| visit.visit_number <= most)
            }
            Condition::Url { pattern } => pattern.matches_folded(&visit.url, fold),
            Condition::Title { pattern } => pattern.matches_folded(&visit.title, fold),
            Condition::Referrer { pattern } => pattern.matches_folded(&visit.referrer, fold),
            Condition::Utm { param, pattern } => {
                pattern.matches_folded(visit.utm.get(*param).unwrap_or(""), fold)
            }
            Condition::Country { codes } => any_of(codes, &visit.country),
            Condition::City { names } => any_of(names, &visit.city),
            Condition::Weekday { days } => days.contains(&visit.weekday),
            Condition::Hours { from, to } => {
                if from <= to {
                    (*from..*to).contains(&visit.hour)
                } else {
                    visit.hour >= *from || visit.hour < *to
                }
            }
            Condition::OperatorOnline { online } => visit.operator_online == *online,
            Condition::AlreadyChatted { chatted } => visit.already_chatted == *chatted,
            Condition::Device { devices } => visit.device.is_some_and(|d| devices.contains(&d)),
        }
    }
}

impl TriggerRule {
    /// The rule as a visitor on `device` needs it: `None` when one of its device conditions
    /// excludes him, else without its device conditions (they hold).
    pub fn for_device(mut self, device: crate::device::Device) -> Option<TriggerRule> {
        let excluded = self
            .conditions
            .iter()
            .any(|c| matches!(c, Condition::Device { devices } if !devices.contains(&device)));
        if excluded {
            return None;
        }
        self.conditions
            .retain(|c| !matches!(c, Condition::Device { .. }));
        Some(self)
    }

    pub fn holds(&self, visit: &Visit) -> bool {
        self.holds_folded(visit, str::to_lowercase)
    }

    fn holds_folded(&self, visit: &Visit, fold: Fold) -> bool {
        self.enabled && self.conditions.iter().all(|c| c.holds_folded(visit, fold))
    }
}

/// What the engine remembers for one visit (the widget keeps it in sessionStorage).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitState {
    pub fired: Vec<String>,
    pub closed_by_visitor: bool,
    /// Seconds (any fixed epoch) of the last invitation shown.
    pub last_invitation_at: Option<u64>,
}

/// A visit ends after this long without a page view.
pub const VISIT_TIMEOUT_MS: u64 = 30 * 60 * 1000;

/// The visitor's visits to the site, kept in his browser's localStorage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    /// 1 for the first visit.
    pub number: u32,
    pub started_at: u64,
    pub last_seen_at: u64,
    pub pages: u32,
    #[serde(default)]
    pub state: VisitState,
    /// Where the visit came in (its UTM tags) and from (the referrer): the visit's source.
    #[serde(default)]
    pub landing_url: String,
    #[serde(default)]
    pub landing_referrer: String,
}

impl VisitRecord {
    /// Records a page view at `now` (ms): the same visit continues, or a new one starts after
    /// `VISIT_TIMEOUT_MS` of silence, with fresh anti-spam state.
    pub fn page_view(previous: Option<VisitRecord>, now: u64) -> VisitRecord {
        match previous {
            Some(mut visit) if now.saturating_sub(visit.last_seen_at) < VISIT_TIMEOUT_MS => {
                visit.pages += 1;
                visit.last_seen_at = now;
                visit
            }
            previous => VisitRecord {
                number: previous.map_or(0, |v| v.number) + 1,
                started_at: now,
                last_seen_at: now,
                pages: 1,
                state: VisitState::default(),
                landing_url: String::new(),
                landing_referrer: String::new(),
            },
        }
    }

    /// Notes the first page of a visit (later pages keep it).
    pub fn landed(&mut self, url: &str, referrer: &str) {
        if self.landing_url.is_empty() {
            self.landing_url = url.to_owned();
            self.landing_referrer = referrer.to_owned();
        }
    }

    /// Where this visit came from, as a conversation records it.
    pub fn source(&self) -> crate::triggers::VisitSource {
        let query = self.landing_url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or_default();
        crate::triggers::VisitSource {
            landing: self.landing_url.clone(),
            referrer: self.landing_referrer.clone(),
            utm: Utm::from_query(query),
            invitation: false,
        }
    }

    /// Keeps the visit alive while the visitor stays on a page.
    pub fn touch(&mut self, now: u64) {
        self.last_seen_at = self.last_seen_at.max(now);
    }

    pub fn seconds_on_site(&self, now: u64) -> u32 {
        (now.saturating_sub(self.started_at) / 1000) as u32
    }
}

pub use crate::time::weekday_and_hour;

/// A rule that fired, with the actions to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub rule: String,
    pub actions: Vec<Action>,
}

pub struct Engine<'a> {
    pub rules: &'a [TriggerRule],
    pub invitation_interval_seconds: u32,
    /// How texts are lower-cased for the rules' patterns (`str::to_lowercase`, or the
    /// browser's own in the page-view module).
    pub fold: Fold,
}

impl Engine<'_> {
    /// Rules that fire now. Marks them fired in `state`; a rule held back by anti-spam is not
    /// marked and may fire later (after the interval).
    pub fn due(&self, visit: &Visit, state: &mut VisitState, now: u64) -> Vec<Fired> {
        let mut fired = Vec::new();
        for rule in self.rules {
            if state.fired.contains(&rule.id) || !rule.holds_folded(visit, self.fold) {
                continue;
            }
            // Hiding is a property of the page, not an event: see `hidden`.
            let actions: Vec<Action> = rule
                .actions
                .iter()
                .filter(|a| !matches!(a, Action::HideWidget))
                .cloned()
                .collect();
            if actions.is_empty() {
                continue;
            }
            if state.closed_by_visitor && actions.iter().all(Action::intrudes) {
                continue;
            }
            let invites = actions.iter().any(Action::is_invitation);
            let too_soon = state.last_invitation_at.is_some_and(|at| {
                now < at.saturating_add(u64::from(self.invitation_interval_seconds))
            });
            if invites && too_soon {
                continue;
            }
            let actions: Vec<Action> = actions
                .into_iter()
                .filter(|a| !(state.closed_by_visitor && a.intrudes()))
                .collect();
            if invites && !state.closed_by_visitor {
                state.last_invitation_at = Some(now);
            }
            state.fired.push(rule.id.clone());
            fired.push(Fired {
                rule: rule.id.clone(),
                actions,
            });
        }
        fired
    }

    /// Whether a rule hides the widget on this page.
    pub fn hidden(&self, visit: &Visit) -> bool {
        self.rules.iter().any(|rule| {
            rule.actions.contains(&Action::HideWidget) && rule.holds_folded(visit, self.fold)
        })
    }

    /// `Consultant.startTrigger(id)`: the rule's actions, whatever its conditions; the page's
    /// developer asked for them explicitly.
    pub fn start(&self, id: &str, state: &mut VisitState, now: u64) -> Option<Fired> {
        let rule = self.rules.iter().find(|r| r.id == id)?;
        if rule.actions.iter().any(Action::is_invitation) {
            state.last_invitation_at = Some(now);
        }
        Some(Fired {
            rule: rule.id.clone(),
            actions: rule.actions.clone(),
        })
    }
}

/// Whether the "operator will answer shortly" notice is due: the visitor's last message is
/// `after_seconds` old and no operator wrote since.
pub fn slow_reply_due(
    last_visitor_message_at: Option<u64>,
    last_operator_message_at: Option<u64>,
    now: u64,
    after_seconds: u32,
) -> bool {
    match last_visitor_message_at {
        None => false,
        Some(visitor_at) => {
            let answered = last_operator_message_at.is_some_and(|op| op >= visitor_at);
            !answered && now >= visitor_at + u64::from(after_seconds)
        }
    }
}

impl Utm {
    pub fn get(&self, param: UtmParam) -> Option<&str> {
        match param {
            UtmParam::Source => self.source.as_deref(),
            UtmParam::Medium => self.medium.as_deref(),
            UtmParam::Campaign => self.campaign.as_deref(),
            UtmParam::Term => self.term.as_deref(),
            UtmParam::Content => self.content.as_deref(),
        }
    }

    /// Reads `utm_*` parameters from a URL's query string as they are written there (the
    /// page module, which runs on every page view, has no room for decoding: see `decoded`).
    pub fn from_query(query: &str) -> Self {
        let mut utm = Utm::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = Some(value.replace('+', " ")).filter(|v| !v.is_empty());
            match key {
                "utm_source" => utm.source = value,
                "utm_medium" => utm.medium = value,
                "utm_campaign" => utm.campaign = value,
                "utm_term" => utm.term = value,
                "utm_content" => utm.content = value,
                _ => {}
            }
        }
        utm
    }

    /// The tags percent-decoded (a Cyrillic campaign is its words): done by the relay when it
    /// records a visit's source or a live visitor's page.
    pub fn decoded(self) -> Self {
        let words = |tag: Option<String>| tag.map(|t| percent_decoded(&t));
        Utm {
            source: words(self.source),
            medium: words(self.medium),
            campaign: words(self.campaign),
            term: words(self.term),
            content: words(self.content),
        }
    }
}

/// `%D0%B2` → `в`; a text that does not decode to UTF-8 stays as it was.
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utm {
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub term: Option<String>,
    pub content: Option<String>,
}

/// Where the visitor came from: the first page of his visit, the site that sent him there and
/// the landing page's `utm_*` tags. Recorded once per conversation, shown to operators, and
/// passed on in webhooks and the REST API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSource {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub landing: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub referrer: String,
    #[serde(default)]
    pub utm: crate::triggers::Utm,
    /// The chat began as the visitor's answer to a proactive invitation (a trigger rule).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invitation: bool,
}

impl VisitSource {
    /// URLs must be http(s) (or empty) and not too long; tags are cut to length, no control
    /// characters.
    pub fn normalized(self) -> Result<Self, ProtocolError> {
        let url = |field: &str, value: String| {
            let value = value.trim().to_owned();
            let web = value.starts_with("https://") || value.starts_with("http://");
            if !(value.is_empty() || web) || value.chars().count() > MAX_SOURCE_URL_CHARS {
                return Err(invalid(format!(
                    "source.{field}: not an http(s) URL of at most 2000 characters"
                )));
            }
            Ok(value)
        };
        let tag = |value: Option<String>| {
            value
                .map(|v| {
                    v.chars()
                        .filter(|c| !c.is_control())
                        .take(MAX_UTM_CHARS)
                        .collect::<String>()
                        .trim()
                        .to_owned()
                })
                .filter(|v| !v.is_empty())
        };
        let utm = self.utm.decoded();
        Ok(VisitSource {
            landing: url("landing", self.landing)?,
            referrer: url("referrer", self.referrer)?,
            utm: crate::triggers::Utm {
                source: tag(utm.source),
                medium: tag(utm.medium),
                campaign: tag(utm.campaign),
                term: tag(utm.term),
                content: tag(utm.content),
            },
            invitation: self.invitation,
        })
    }

    pub fn is_empty(&self) -> bool {
        self == &VisitSource::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::MatchKind;

    fn visit() -> Visit {
        Visit {
            seconds_on_page: 12,
            seconds_on_site: 95,
            pages_viewed: 3,
            visit_number: 2,
            url: "https://shop.test/pricing.html?utm_campaign=spring".into(),
            title: "Pricing — Teapot Shop".into(),
            referrer: "https://www.google.com/".into(),
            utm: Utm::from_query("?utm_source=google&utm_campaign=spring+sale"),
            country: Some("RU".into()),
            city: Some("Kazan".into()),
            weekday: 3,
            hour: 14,
            operator_online: true,
            already_chatted: false,
            device: Some(crate::device::Device::Phone),
        }
    }

    fn contains(value: &str) -> Pattern {
        Pattern::new(MatchKind::Contains, value)
    }

    #[test]
    fn every_condition_holds_and_fails_as_documented() {
        use Condition::*;
        let table: Vec<(Condition, bool)> = vec![
            (SecondsOnPage { at_least: 12 }, true),
            (SecondsOnPage { at_least: 13 }, false),
            (SecondsOnSite { at_least: 90 }, true),
            (SecondsOnSite { at_least: 100 }, false),
            (PagesViewed { at_least: 3 }, true),
            (PagesViewed { at_least: 4 }, false),
            (
                VisitNumber {
                    at_least: 2,
                    at_most: None,
                },
                true,
            ),
            (
                VisitNumber {
                    at_least: 1,
                    at_most: Some(1),
                },
                false,
            ),
            (
                VisitNumber {
                    at_least: 3,
                    at_most: None,
                },
                false,
            ),
            (
                Url {
                    pattern: contains("/pricing"),
                },
                true,
            ),
            (
                Url {
                    pattern: contains("/cart"),
                },
                false,
            ),
            (
                Title {
                    pattern: contains("pricing"),
                },
                true,
            ),
            (
                Title {
                    pattern: Pattern::new(MatchKind::StartsWith, "Cart"),
                },
                false,
            ),
            (
                Referrer {
                    pattern: contains("google."),
                },
                true,
            ),
            (
                Referrer {
                    pattern: contains("yandex."),
                },
                false,
            ),
            (
                Utm {
                    param: UtmParam::Campaign,
                    pattern: Pattern::new(MatchKind::Equals, "spring sale"),
                },
                true,
            ),
            (
                Utm {
                    param: UtmParam::Source,
                    pattern: Pattern::new(MatchKind::Equals, "yandex"),
                },
                false,
            ),
            (
                Utm {
                    param: UtmParam::Medium,
                    pattern: contains("cpc"),
                },
                false,
            ),
            (
                Country {
                    codes: vec!["by".into(), "ru".into()],
                },
                true,
            ),
            (
                Country {
                    codes: vec!["DE".into()],
                },
                false,
            ),
            (
                City {
                    names: vec!["kazan".into()],
                },
                true,
            ),
            (
                City {
                    names: vec!["Moscow".into()],
                },
                false,
            ),
            (
                Weekday {
                    days: vec![1, 2, 3, 4, 5],
                },
                true,
            ),
            (Weekday { days: vec![6, 7] }, false),
            (Hours { from: 9, to: 18 }, true),
            (Hours { from: 15, to: 18 }, false),
            (Hours { from: 22, to: 6 }, false),
            (OperatorOnline { online: true }, true),
            (OperatorOnline { online: false }, false),
            (AlreadyChatted { chatted: false }, true),
            (AlreadyChatted { chatted: true }, false),
            (
                Device {
                    devices: vec![crate::device::Device::Phone, crate::device::Device::Tablet],
                },
                true,
            ),
            (
                Device {
                    devices: vec![crate::device::Device::Desktop],
                },
                false,
            ),
        ];
        for (condition, expected) in table {
            assert_eq!(condition.holds(&visit()), expected, "{condition:?}");
        }
    }

    #[test]
    fn the_relay_settles_device_conditions_for_the_visitor() {
        use crate::device::Device as D;
        let rule = TriggerRule {
            id: "phones".into(),
            enabled: true,
            conditions: vec![
                Condition::PagesViewed { at_least: 2 },
                Condition::Device {
                    devices: vec![D::Phone, D::Tablet],
                },
            ],
            actions: vec![Action::OpenWindow],
        };
        let kept = rule
            .clone()
            .for_device(D::Tablet)
            .expect("a tablet meets it");
        assert_eq!(
            kept.conditions,
            vec![Condition::PagesViewed { at_least: 2 }]
        );
        assert_eq!(rule.clone().for_device(D::Desktop), None);
        let any = TriggerRule {
            conditions: vec![],
            ..rule
        };
        assert_eq!(any.clone().for_device(D::Desktop), Some(any));
    }

    #[test]
    fn hours_wrap_midnight() {
        let night = Condition::Hours { from: 22, to: 6 };
        for (hour, expected) in [
            (21, false),
            (22, true),
            (23, true),
            (0, true),
            (5, true),
            (6, false),
        ] {
            let v = Visit { hour, ..visit() };
            assert_eq!(night.holds(&v), expected, "hour {hour}");
        }
    }

    #[test]
    fn missing_geo_never_matches() {
        let v = Visit {
            country: None,
            city: None,
            ..visit()
        };
        assert!(!Condition::Country {
            codes: vec!["RU".into()]
        }
        .holds(&v));
        assert!(!Condition::City {
            names: vec!["Kazan".into()]
        }
        .holds(&v));
    }

    fn rule(id: &str, conditions: Vec<Condition>, actions: Vec<Action>) -> TriggerRule {
        TriggerRule {
            id: id.into(),
            enabled: true,
            conditions,
            actions,
        }
    }

    fn invite() -> Action {
        Action::Invite {
            text: "Need a quote?".into(),
            operator_name: "Anna".into(),
            avatar_url: None,
            department: None,
        }
    }

    #[test]
    fn each_action_is_returned_when_its_rule_fires() {
        let actions = vec![
            invite(),
            Action::OpenWindow,
            Action::ShowContactForm,
            Action::SlowReplyNotice {
                after_seconds: 60,
                text: "Soon".into(),
            },
        ];
        for action in actions {
            let rules = [rule("r", vec![], vec![action.clone()])];
            let engine = Engine {
                rules: &rules,
                invitation_interval_seconds: 0,
                fold: str::to_lowercase,
            };
            let fired = engine.due(&visit(), &mut VisitState::default(), 0);
            assert_eq!(
                fired,
                vec![Fired {
                    rule: "r".into(),
                    actions: vec![action]
                }]
            );
        }
    }

    #[test]
    fn rules_fire_once_per_visit_and_only_when_all_conditions_hold() {
        let rules = [rule(
            "pricing",
            vec![
                Condition::SecondsOnPage { at_least: 10 },
                Condition::Url {
                    pattern: contains("pricing"),
                },
            ],
            vec![invite()],
        )];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 0,
            fold: str::to_lowercase,
        };
        let mut state = VisitState::default();
        let early = Visit {
            seconds_on_page: 9,
            ..visit()
        };
        assert!(engine.due(&early, &mut state, 0).is_empty());
        assert_eq!(engine.due(&visit(), &mut state, 1).len(), 1);
        assert!(engine.due(&visit(), &mut state, 2).is_empty());
    }

    #[test]
    fn disabled_rules_never_fire() {
        let mut r = rule("off", vec![], vec![Action::OpenWindow]);
        r.enabled = false;
        let rules = [r];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 0,
            fold: str::to_lowercase,
        };
        assert!(engine
            .due(&visit(), &mut VisitState::default(), 0)
            .is_empty());
    }

    #[test]
    fn a_window_the_visitor_closed_is_not_reopened_in_this_visit() {
        let rules = [
            rule("open", vec![], vec![Action::OpenWindow]),
            rule("invite", vec![], vec![invite()]),
            rule(
                "mixed",
                vec![],
                vec![
                    Action::OpenWindow,
                    Action::SlowReplyNotice {
                        after_seconds: 5,
                        text: "x".into(),
                    },
                ],
            ),
        ];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 0,
            fold: str::to_lowercase,
        };
        let mut state = VisitState {
            closed_by_visitor: true,
            ..Default::default()
        };
        let fired = engine.due(&visit(), &mut state, 0);
        assert_eq!(
            fired,
            vec![Fired {
                rule: "mixed".into(),
                actions: vec![Action::SlowReplyNotice {
                    after_seconds: 5,
                    text: "x".into()
                }]
            }]
        );
    }

    #[test]
    fn at_most_one_invitation_per_interval() {
        let rules = [
            rule("a", vec![], vec![invite()]),
            rule("b", vec![], vec![invite()]),
        ];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 300,
            fold: str::to_lowercase,
        };
        let mut state = VisitState::default();
        assert_eq!(engine.due(&visit(), &mut state, 1000).len(), 1);
        assert!(
            engine.due(&visit(), &mut state, 1299).is_empty(),
            "b held back"
        );
        let later = engine.due(&visit(), &mut state, 1300);
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].rule, "b");
    }

    #[test]
    fn hide_widget_follows_the_page() {
        let rules = [rule(
            "checkout",
            vec![Condition::Url {
                pattern: contains("/checkout"),
            }],
            vec![Action::HideWidget],
        )];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 0,
            fold: str::to_lowercase,
        };
        assert!(!engine.hidden(&visit()));
        let checkout = Visit {
            url: "https://shop.test/checkout".into(),
            ..visit()
        };
        assert!(engine.hidden(&checkout));
        assert!(engine
            .due(&checkout, &mut VisitState::default(), 0)
            .is_empty());
    }

    #[test]
    fn start_fires_regardless_of_conditions() {
        let rules = [rule(
            "never",
            vec![Condition::PagesViewed { at_least: 999 }],
            vec![invite()],
        )];
        let engine = Engine {
            rules: &rules,
            invitation_interval_seconds: 0,
            fold: str::to_lowercase,
        };
        let mut state = VisitState::default();
        assert_eq!(
            engine.start("never", &mut state, 7).unwrap().actions,
            vec![invite()]
        );
        assert_eq!(state.last_invitation_at, Some(7));
        assert!(engine.start("missing", &mut state, 7).is_none());
    }

    #[test]
    fn slow_reply_notice_timing() {
        assert!(!slow_reply_due(None, None, 100, 30));
        assert!(!slow_reply_due(Some(100), None, 129, 30));
        assert!(slow_reply_due(Some(100), None, 130, 30));
        assert!(
            slow_reply_due(Some(100), Some(90), 130, 30),
            "an older answer does not count"
        );
        assert!(!slow_reply_due(Some(100), Some(110), 200, 30));
    }

    #[test]
    fn visits_continue_or_start_over() {
        let first = VisitRecord::page_view(None, 1_000);
        assert_eq!((first.number, first.pages), (1, 1));
        let mut second_page = VisitRecord::page_view(Some(first.clone()), 60_000);
        assert_eq!((second_page.number, second_page.pages), (1, 2));
        second_page.state.closed_by_visitor = true;
        second_page.touch(120_000);
        assert_eq!(second_page.seconds_on_site(120_000), 119);
        let later = VisitRecord::page_view(Some(second_page), 120_000 + VISIT_TIMEOUT_MS);
        assert_eq!((later.number, later.pages), (2, 1));
        assert!(
            !later.state.closed_by_visitor,
            "a new visit starts with fresh anti-spam state"
        );
    }

    #[test]
    fn weekday_and_hour_in_the_site_zone() {
        // 2026-11-23 (a Monday) 21:30 UTC.
        let now = 1_795_469_400_000;
        assert_eq!(weekday_and_hour(now, 0), (1, 21));
        assert_eq!(
            weekday_and_hour(now, 180),
            (2, 0),
            "Moscow: already Tuesday"
        );
        assert_eq!(weekday_and_hour(now, -300), (1, 16));
        assert_eq!(weekday_and_hour(0, 0), (4, 0), "the epoch was a Thursday");
    }

    #[test]
    fn a_visit_knows_its_source() {
        let mut record = VisitRecord::page_view(None, 1_000);
        record.landed(
            "https://shop.test/tea?utm_source=ya&utm_campaign=spring+sale#top",
            "https://ya.ru/",
        );
        record.landed("https://shop.test/cart", "https://shop.test/tea");
        let source = record.source();
        assert_eq!(
            source.landing,
            "https://shop.test/tea?utm_source=ya&utm_campaign=spring+sale#top"
        );
        assert_eq!(source.referrer, "https://ya.ru/");
        assert_eq!(source.utm.campaign.as_deref(), Some("spring sale"));
        assert_eq!(source.utm.source.as_deref(), Some("ya"));
        assert!(source.clone().normalized().is_ok());
        let bad = crate::triggers::VisitSource {
            landing: "javascript:alert(1)".into(),
            ..source
        };
        assert!(bad.normalized().is_err());
    }

    #[test]
    fn utm_tags_are_read_as_words() {
        let utm = Utm::from_query(
            "?utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0+2026&utm_source=%ZZbad&utm_term=%FF",
        )
        .decoded();
        assert_eq!(utm.campaign.as_deref(), Some("весна 2026"));
        assert_eq!(
            utm.source.as_deref(),
            Some("%ZZbad"),
            "not a percent sequence"
        );
        assert_eq!(utm.term.as_deref(), Some("%FF"), "not UTF-8 once decoded");
        assert_eq!(percent_decoded("100%"), "100%");
        assert_eq!(percent_decoded("a%2Fb%20c"), "a/b c");
        assert_eq!(
            percent_decoded("https://ya.ru/search?text=%D1%87%D0%B0%D0%B9"),
            "https://ya.ru/search?text=чай"
        );
    }

    #[test]
    fn utm_from_query() {
        let utm = Utm::from_query("utm_source=ya&utm_medium=cpc&x=1&utm_term=");
        assert_eq!(utm.source.as_deref(), Some("ya"));
        assert_eq!(utm.medium.as_deref(), Some("cpc"));
        assert_eq!(utm.term, None);
    }

    #[test]
    fn rules_read_from_json() {
        let json = r#"{"id":"pricing-invite","conditions":[
            {"if":"seconds_on_page","at_least":10},
            {"if":"url","pattern":{"kind":"contains","value":"/pricing"}}],
            "actions":[{"do":"invite","text":"Hi!","operator_name":"Anna"}]}"#;
        let rule: TriggerRule = serde_json::from_str(json).unwrap();
        assert!(rule.enabled);
        assert_eq!(rule.conditions.len(), 2);
    }
}
