//! What the widget's page-view module reads and writes: its part of the widget config, the
//! trigger rules, the visit record and the presence socket's frames.

use super::{JsonValue, ObjectWriter};
use crate::pattern::{MatchKind, Pattern};
use crate::settings::{Locale, Position};
use crate::triggers::{Action, Condition, TriggerRule, UtmParam, VisitRecord, VisitState};
use crate::visitors::{Geo, PageView, PresenceEvent};
use crate::ConversationId;

/// What the page-view module needs of `WidgetConfig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageConfig {
    pub locale: Option<Locale>,
    pub accent_color: Option<String>,
    pub position: Position,
    pub launcher_label: Option<String>,
    pub hide_launcher_when_offline: bool,
    pub triggers: Vec<TriggerRule>,
    pub invitation_interval_seconds: u32,
    pub utc_offset_minutes: i32,
    /// The config's `presence.operators_online` (the page needs nothing else of it).
    pub operators_online: bool,
    pub geo: Geo,
}

pub fn page_config<V: JsonValue>(v: &V) -> PageConfig {
    // Read member by member rather than through `config`'s readers of the same parts: those
    // check more than the page needs, and every byte here is on every page view.
    let theme = v.field("theme");
    let theme_text = |key| theme.as_ref().and_then(|t| t.text(key));
    let presence = v.field("presence");
    let geo = v.field("geo");
    PageConfig {
        locale: v.text("locale").and_then(|l| Locale::from_tag(&l)),
        accent_color: theme_text("accent_color"),
        position: match theme_text("position").as_deref() {
            Some("left") => Position::Left,
            _ => Position::Right,
        },
        launcher_label: theme_text("launcher_label"),
        hide_launcher_when_offline: v.flag("hide_launcher_when_offline").unwrap_or(false),
        triggers: v.list("triggers", rule),
        invitation_interval_seconds: v.u32("invitation_interval_seconds").unwrap_or(0),
        utc_offset_minutes: v
            .field("utc_offset_minutes")
            .and_then(|n| n.number())
            .map_or(0, |n| n as i32),
        operators_online: presence
            .as_ref()
            .and_then(|p| p.flag("operators_online"))
            .unwrap_or(false),
        geo: Geo {
            country: geo.as_ref().and_then(|g| g.text("country")),
            city: geo.as_ref().and_then(|g| g.text("city")),
        },
    }
}

pub fn rule<V: JsonValue>(v: &V) -> Option<TriggerRule> {
    Some(TriggerRule {
        id: v.text("id")?,
        enabled: v.flag("enabled").unwrap_or(true),
        conditions: v.list("conditions", condition),
        actions: v.list("actions", action),
    })
}

fn pattern<V: JsonValue>(v: &V) -> Option<Pattern> {
    let kind = match v.text("kind")?.as_str() {
        "contains" => MatchKind::Contains,
        "equals" => MatchKind::Equals,
        "starts_with" => MatchKind::StartsWith,
        "ends_with" => MatchKind::EndsWith,
        "wildcard" => MatchKind::Wildcard,
        _ => return None,
    };
    Some(Pattern {
        kind,
        value: v.text("value")?,
        negate: v.flag("negate").unwrap_or(false),
    })
}

pub fn condition<V: JsonValue>(v: &V) -> Option<Condition> {
    let at_least = || v.u32("at_least");
    let pattern = || v.field("pattern").as_ref().and_then(pattern);
    let texts = |key| v.list(key, JsonValue::string);
    let hour = |key| v.u32(key).and_then(|h| u8::try_from(h).ok());
    Some(match v.text("if")?.as_str() {
        "seconds_on_page" => Condition::SecondsOnPage {
            at_least: at_least()?,
        },
        "seconds_on_site" => Condition::SecondsOnSite {
            at_least: at_least()?,
        },
        "pages_viewed" => Condition::PagesViewed {
            at_least: at_least()?,
        },
        "visit_number" => Condition::VisitNumber {
            at_least: at_least()?,
            at_most: v.u32("at_most"),
        },
        "url" => Condition::Url {
            pattern: pattern()?,
        },
        "title" => Condition::Title {
            pattern: pattern()?,
        },
        "referrer" => Condition::Referrer {
            pattern: pattern()?,
        },
        "utm" => Condition::Utm {
            param: match v.text("param")?.as_str() {
                "source" => UtmParam::Source,
                "medium" => UtmParam::Medium,
                "campaign" => UtmParam::Campaign,
                "term" => UtmParam::Term,
                "content" => UtmParam::Content,
                _ => return None,
            },
            pattern: pattern()?,
        },
        "country" => Condition::Country {
            codes: texts("codes"),
        },
        "city" => Condition::City {
            names: texts("names"),
        },
        "weekday" => Condition::Weekday {
            days: v.list("days", |d| {
                d.number()
                    .filter(|n| (1.0..=7.0).contains(n))
                    .map(|n| n as u8)
            }),
        },
        "hours" => Condition::Hours {
            from: hour("from")?,
            to: hour("to")?,
        },
        "operator_online" => Condition::OperatorOnline {
            online: v.flag("online")?,
        },
        "already_chatted" => Condition::AlreadyChatted {
            chatted: v.flag("chatted")?,
        },
        // "device" never reaches a page: the relay settles it (`TriggerRule::for_device`).
        _ => return None,
    })
}

pub fn action<V: JsonValue>(v: &V) -> Option<Action> {
    Some(match v.text("do")?.as_str() {
        "invite" => Action::Invite {
            text: v.text("text")?,
            operator_name: v.text("operator_name")?,
            avatar_url: v.text("avatar_url"),
            department: v.text("department"),
        },
        "open_window" => Action::OpenWindow,
        "show_contact_form" => Action::ShowContactForm,
        "slow_reply_notice" => Action::SlowReplyNotice {
            after_seconds: v.u32("after_seconds")?,
            text: v.text("text")?,
        },
        "hide_widget" => Action::HideWidget,
        _ => return None,
    })
}

pub fn visit_record<V: JsonValue>(v: &V) -> Option<VisitRecord> {
    let state = v.field("state");
    Some(VisitRecord {
        number: v.u32("number")?,
        started_at: v.u64("started_at")?,
        last_seen_at: v.u64("last_seen_at")?,
        pages: v.u32("pages")?,
        state: VisitState {
            fired: state
                .as_ref()
                .map(|s| s.list("fired", JsonValue::string))
                .unwrap_or_default(),
            closed_by_visitor: state
                .as_ref()
                .and_then(|s| s.flag("closed_by_visitor"))
                .unwrap_or(false),
            last_invitation_at: state.as_ref().and_then(|s| s.u64("last_invitation_at")),
        },
        landing_url: v.text("landing_url").unwrap_or_default(),
        landing_referrer: v.text("landing_referrer").unwrap_or_default(),
    })
}

pub fn presence_event<V: JsonValue>(v: &V) -> Option<PresenceEvent> {
    match v.text("type")?.as_str() {
        "chat_started" => Some(PresenceEvent::ChatStarted {
            token: v.text("token")?,
            conversation: ConversationId::parse(v.text("conversation")?).ok()?,
        }),
        "open_chat" => Some(PresenceEvent::OpenChat),
        _ => None,
    }
}

/// `Consultant.identify({user_id, user_hash})`'s argument.
pub fn identity<V: JsonValue>(v: &V) -> Option<crate::Identity> {
    Some(crate::Identity {
        user_id: v.text("user_id")?,
        user_hash: v.text("user_hash")?,
    })
}

pub fn visit_record_json(record: &VisitRecord) -> String {
    let state = &record.state;
    let mut state_json = ObjectWriter::new();
    state_json
        .texts("fired", &state.fired)
        .flag("closed_by_visitor", state.closed_by_visitor);
    if let Some(at) = state.last_invitation_at {
        state_json.number("last_invitation_at", at);
    }
    ObjectWriter::new()
        .number("number", u64::from(record.number))
        .number("started_at", record.started_at)
        .number("last_seen_at", record.last_seen_at)
        .number("pages", u64::from(record.pages))
        .raw("state", &state_json.finish())
        .text("landing_url", &record.landing_url)
        .text("landing_referrer", &record.landing_referrer)
        .finish()
}

/// The presence socket's `page` command.
pub fn page_command_json(page: &PageView) -> String {
    let page_json = ObjectWriter::new()
        .text("url", &page.url)
        .text("title", &page.title)
        .text("referrer", &page.referrer)
        .text("landing_url", &page.landing_url)
        .number("pages_viewed", u64::from(page.pages_viewed))
        .number("visit_number", u64::from(page.visit_number))
        .number("visit_started_at", page.visit_started_at)
        .finish();
    ObjectWriter::new()
        .text("type", "page")
        .raw("page", &page_json)
        .finish()
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
