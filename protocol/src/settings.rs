//! Per-site settings: stored by the relay (the site's Durable Object), edited by admins, and
//! delivered to the widget (minus private parts) with its start-up config.

use crate::error::ErrorCode;
use crate::error::ProtocolError;
use crate::limits::MAX_MESSAGE_CHARS;
use crate::triggers::{Action, TriggerRule};
use crate::validate::{display_name, email};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// `#rrggbb`.
    pub accent_color: String,
    pub position: Position,
    /// Text next to the launcher icon; none shows the icon alone.
    #[serde(default)]
    pub launcher_label: Option<String>,
    /// An `https://` (or site-relative `/…`) URL of the company logo for the window header.
    #[serde(default)]
    pub logo_url: Option<String>,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            accent_color: "#1a5fd6".into(),
            position: Position::Right,
            launcher_label: None,
            logo_url: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactFormMode {
    /// Required fields must be filled before the first message.
    Before,
    /// Offered after the first message; the visitor may dismiss it.
    During,
    #[default]
    Never,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    Hidden,
    #[default]
    Optional,
    Required,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub required: bool,
}

impl Department {
    /// What the widget is sent: the name visitors are shown, no staff name, no hours
    /// (`Presence` says which departments are open).
    pub fn for_visitors(&self) -> Department {
        Department {
            id: self.id.clone(),
            name: self.shown_name().to_owned(),
            visitor_name: None,
            hours: None,
        }
    }

    /// The name visitors see.
    pub fn shown_name(&self) -> &str {
        self.visitor_name.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFormSettings {
    pub mode: ContactFormMode,
    #[serde(default)]
    pub name: FieldRule,
    #[serde(default)]
    pub email: FieldRule,
    #[serde(default)]
    pub phone: FieldRule,
    #[serde(default)]
    pub custom: Vec<CustomField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    /// What operators call it (the inbox, transfers, reports).
    pub name: String,
    /// What visitors are shown instead ("Buy a sofa" for "Sales B2C"); `None`: `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    /// Its own working hours; `None`: the site's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<crate::hours::OpeningHours>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingScale {
    Off,
    #[default]
    Thumbs,
    ThreeFaces,
    FiveFaces,
}

impl RatingScale {
    /// Highest score on the scale (scores run 1..=max); 0 when rating is off.
    pub fn max(self) -> u8 {
        match self {
            RatingScale::Off => 0,
            RatingScale::Thumbs => 2,
            RatingScale::ThreeFaces => 3,
            RatingScale::FiveFaces => 5,
        }
    }

    /// Whether `score` counts as positive: the top half of the scale.
    pub fn is_positive(self, score: u8) -> bool {
        score * 2 > self.max() + 1 || (self.max() == 2 && score == 2)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSettings {
    pub scale: RatingScale,
    #[serde(default)]
    pub positive_reply: Option<String>,
    #[serde(default)]
    pub negative_reply: Option<String>,
    /// When the visitor is asked to rate the chat.
    #[serde(default)]
    pub offer: SurveyOffer,
    /// For `after_silence`: minutes without a message, once an operator has answered.
    #[serde(default = "default_silence_minutes")]
    pub silence_minutes: u32,
}

fn default_silence_minutes() -> u32 {
    10
}

impl Default for RatingSettings {
    fn default() -> Self {
        Self {
            scale: RatingScale::default(),
            positive_reply: None,
            negative_reply: None,
            offer: SurveyOffer::default(),
            silence_minutes: default_silence_minutes(),
        }
    }
}

/// When the rating survey is offered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyOffer {
    /// When the chat ends.
    #[default]
    OnClose,
    /// When it ends, or once it has been quiet for `silence_minutes` after an answer.
    AfterSilence,
    /// Never asked (a rating is still taken from a client that sends one).
    Never,
}

impl RatingSettings {
    /// When a chat quiet since `last_at` is asked to rate: `None` unless the site asks after
    /// silence, an operator has answered and the visitor was not asked yet.
    pub fn silence_survey_at(
        &self,
        state: &crate::ConversationState,
        answered: bool,
        last_at: crate::error::Millis,
        minute_ms: u64,
    ) -> Option<crate::error::Millis> {
        let asks = self.scale != RatingScale::Off && self.offer == SurveyOffer::AfterSilence;
        let open = state.status == crate::Status::Open && !state.survey && !state.spam;
        (asks && open && answered && state.rating.is_none())
            .then(|| last_at + u64::from(self.silence_minutes) * minute_ms)
    }

    /// Whether closing the chat asks the visitor to rate it.
    pub fn asks_on_close(&self) -> bool {
        self.scale != RatingScale::Off && self.offer != SurveyOffer::Never
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineSettings {
    /// Hide the launcher entirely while no operator is online.
    #[serde(default)]
    pub hide_launcher: bool,
    /// Where offline messages are e-mailed.
    #[serde(default)]
    pub notify_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub name: String,
    /// `None`: follow the page's language.
    #[serde(default)]
    pub locale: Option<Locale>,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub contact_form: ContactFormSettings,
    #[serde(default)]
    pub offline: OfflineSettings,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub rating: RatingSettings,
    #[serde(default)]
    pub triggers: Vec<TriggerRule>,
    #[serde(default = "default_invitation_interval")]
    pub invitation_interval_seconds: u32,
    /// The site's time zone as an offset from UTC, from before `time_zone`; used while that is
    /// unset. The widget is sent the offset of the moment.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// The site's IANA time zone (`Europe/Moscow`): triggers' weekday and hour, working hours,
    /// alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// When chats are taken (the site's time zone); `None`: around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<crate::hours::OpeningHours>,
    /// Ready answers for operators; never sent to the widget.
    #[serde(default)]
    pub canned_replies: Vec<crate::canned::CannedReply>,
    /// Hide visitors' e-mail and phone from operators and/or admins.
    #[serde(default)]
    pub masking: ContactMasking,
    /// Who gets new chats.
    #[serde(default)]
    pub routing: RoutingSettings,
    /// The site's own wording for the widget's greeting and offline form.
    #[serde(default)]
    pub texts: WidgetTexts,
    /// Origins whose pages may run the widget (`https://shop.example`, `https://*.shop.example`);
    /// empty: any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// E-mail and webhook alerts: low ratings, nobody online in working hours.
    #[serde(default)]
    pub alerts: crate::settings::AlertSettings,
    /// The tags operators put on conversations; never sent to the widget.
    #[serde(default)]
    pub tags: crate::tags::TagSettings,
    /// Whether visitors must agree to the site's personal data policy to leave contact data.
    #[serde(default)]
    pub consent: crate::consent::ConsentSettings,
    /// No widget on phones (as the relay reads the visitor's User-Agent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hide_on_phones: bool,
}

/// Whether an entry of `allowed_origins` is `scheme://host[:port]`, the host optionally
/// starting with `*.` (any subdomain), and nothing else.
pub fn valid_origin_pattern(entry: &str) -> bool {
    let Some((scheme, rest)) = entry.split_once("://") else {
        return false;
    };
    let host = rest.strip_prefix("*.").unwrap_or(rest);
    let (host, port) = match host.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host, None),
    };
    matches!(scheme, "http" | "https")
        && entry.len() <= 200
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
}

/// Whether a page of `origin` (the browser's `Origin` header) may run the site's widget: any
/// page when the list is empty; else an exact entry or a `*.` entry's subdomains; and pages
/// on this machine (localhost, 127.0.0.1) when `dev`.
pub fn origin_allowed(allowed: &[String], origin: Option<&str>, dev: bool) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let Some(origin) = origin.map(str::to_ascii_lowercase) else {
        return false;
    };
    let local = ["http://localhost", "http://127.0.0.1"]
        .iter()
        .any(|l| origin == *l || origin.starts_with(&format!("{l}:")));
    if dev && local {
        return true;
    }
    allowed.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        match entry.split_once("://*.") {
            Some((scheme, domain)) => origin
                .strip_prefix(&format!("{scheme}://"))
                .is_some_and(|host| host.ends_with(&format!(".{domain}"))),
            None => origin == entry,
        }
    })
}

/// Texts a site may word itself (in its own language); `None` keeps the built-in ru/en text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetTexts {
    /// The first line of the chat window, from the company.
    #[serde(default)]
    pub greeting: Option<String>,
    /// Above the leave-a-message form when nobody is online.
    #[serde(default)]
    pub offline_intro: Option<String>,
}

/// How new chats are given to operators (`crate::routing` applies it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingSettings {
    /// Give new chats to an operator at once; off leaves them unassigned for operators to take.
    #[serde(default = "yes")]
    pub auto_assign: bool,
    /// Most simultaneous chats an operator gets automatically, unless his own entry says else.
    #[serde(default)]
    pub max_chats: Option<u32>,
    /// Per-operator departments and limits; operators not listed serve every department.
    #[serde(default)]
    pub operators: Vec<OperatorRouting>,
    /// Chats from these countries or cities go to these operators when one of them can take it.
    #[serde(default)]
    pub regions: Vec<crate::routing::RegionRule>,
    /// When nobody answers a new chat within this many seconds, it is offered to the next
    /// operator, then to everyone online, then the visitor is offered the leave-a-message
    /// form (`crate::routing::Escalation`); `None`: it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_answer_seconds: Option<u32>,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            auto_assign: true,
            max_chats: None,
            operators: Vec::new(),
            regions: Vec::new(),
            no_answer_seconds: None,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRouting {
    pub id: crate::ids::OperatorId,
    /// Department ids served; empty means all.
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub max_chats: Option<u32>,
}

impl RoutingSettings {
    /// The departments `operator` serves (empty: all) and his limit of simultaneous chats.
    pub fn for_operator(&self, operator: &crate::ids::OperatorId) -> (Vec<String>, Option<u32>) {
        match self.operators.iter().find(|o| &o.id == operator) {
            Some(entry) => (
                entry.departments.clone(),
                entry.max_chats.or(self.max_chats),
            ),
            None => (Vec::new(), self.max_chats),
        }
    }
}

/// Which roles see visitors' e-mail and phone masked. The owner always sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMasking {
    #[serde(default)]
    pub operators: bool,
    #[serde(default)]
    pub admins: bool,
    /// Hide visitors' ratings (and their comments) from operators; admins and the owner see
    /// them. Unlike the contact masks, admins may change it.
    #[serde(default)]
    pub ratings: bool,
}

impl ContactMasking {
    /// Whether `role` is kept from seeing visitors' ratings.
    pub fn hides_ratings_from(&self, role: crate::roles::Role) -> bool {
        self.ratings && role == crate::roles::Role::Operator
    }

    /// The part only the owner changes: what admins themselves may see.
    pub fn contacts(&self) -> (bool, bool) {
        (self.operators, self.admins)
    }

    pub fn hides_from(&self, role: crate::roles::Role) -> bool {
        match role {
            crate::roles::Role::Owner => false,
            crate::roles::Role::Admin => self.admins,
            crate::roles::Role::Operator => self.operators,
        }
    }
}

fn default_invitation_interval() -> u32 {
    300
}

impl SiteSettings {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            locale: None,
            theme: Theme::default(),
            contact_form: ContactFormSettings::default(),
            offline: OfflineSettings::default(),
            departments: Vec::new(),
            rating: RatingSettings::default(),
            triggers: Vec::new(),
            invitation_interval_seconds: default_invitation_interval(),
            utc_offset_minutes: 0,
            time_zone: None,
            hours: None,
            canned_replies: Vec::new(),
            masking: ContactMasking::default(),
            routing: RoutingSettings::default(),
            texts: WidgetTexts::default(),
            allowed_origins: Vec::new(),
            alerts: Default::default(),
            tags: Default::default(),
            hide_on_phones: false,
            consent: Default::default(),
        }
    }

    /// Checks every field; the first problem is reported with the field's path.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let bad = |field: &str, why: &str| {
            Err(ProtocolError::new(
                ErrorCode::InvalidField,
                format!("{field}: {why}"),
            ))
        };
        display_name("name", &self.name)?;
        self.alerts.validate()?;
        self.validate_time()?;
        self.tags.validate()?;
        self.consent.validate()?;
        let color = self.theme.accent_color.as_bytes();
        if color.len() != 7 || color[0] != b'#' || !color[1..].iter().all(u8::is_ascii_hexdigit) {
            return bad("theme.accent_color", "expected #rrggbb");
        }
        if let Some(label) = &self.theme.launcher_label {
            display_name("theme.launcher_label", label)?;
        }
        if let Some(url) = &self.theme.logo_url {
            if !(url.starts_with("https://") || url.starts_with('/')) || url.len() > 500 {
                return bad("theme.logo_url", "expected an https:// or /relative URL");
            }
        }
        let mut ids = std::collections::HashSet::new();
        for field in &self.contact_form.custom {
            if !is_slug(&field.id) || !ids.insert(&field.id) {
                return bad("contact_form.custom.id", "expected unique lowercase ids");
            }
            display_name("contact_form.custom.label", &field.label)?;
        }
        if let Some(address) = &self.offline.notify_email {
            email(address)?;
        }
        let mut ids = std::collections::HashSet::new();
        for department in &self.departments {
            if !is_slug(&department.id) || !ids.insert(&department.id) {
                return bad("departments.id", "expected unique lowercase ids");
            }
            display_name("departments.name", &department.name)?;
            if let Some(shown) = &department.visitor_name {
                display_name("departments.visitor_name", shown)?;
            }
            if let Some(hours) = &department.hours {
                hours.validate("departments.hours")?;
            }
        }
        for reply in [&self.rating.positive_reply, &self.rating.negative_reply]
            .into_iter()
            .flatten()
        {
            if reply.chars().count() > MAX_MESSAGE_CHARS {
                return bad("rating reply", "too long");
            }
        }
        if !(1..=1440).contains(&self.rating.silence_minutes) {
            return bad("rating.silence_minutes", "expected 1 to 1440 minutes");
        }
        let mut ids = std::collections::HashSet::new();
        for rule in &self.triggers {
            if !is_slug(&rule.id) || !ids.insert(&rule.id) {
                return bad("triggers.id", "expected unique lowercase ids");
            }
            for condition in &rule.conditions {
                if let crate::triggers::Condition::Device { devices } = condition {
                    if devices.is_empty() {
                        return bad(
                            "triggers.device.devices",
                            "name at least one kind of device",
                        );
                    }
                }
            }
            for action in &rule.actions {
                if let Action::Invite {
                    text,
                    operator_name,
                    department,
                    ..
                } = action
                {
                    if text.trim().is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
                        return bad("triggers.invite.text", "empty or too long");
                    }
                    display_name("triggers.invite.operator_name", operator_name)?;
                    if let Some(named) = department {
                        if !self.departments.iter().any(|d| &d.id == named) {
                            return bad(
                                "triggers.invite.department",
                                "not one of the site's departments",
                            );
                        }
                    }
                }
            }
        }
        let mut ids = std::collections::HashSet::new();
        for reply in &self.canned_replies {
            if !is_slug(&reply.id) || !ids.insert(&reply.id) {
                return bad("canned_replies.id", "expected unique lowercase ids");
            }
            display_name("canned_replies.title", &reply.title)?;
            if reply.text.trim().is_empty() || reply.text.chars().count() > MAX_MESSAGE_CHARS {
                return bad("canned_replies.text", "empty or too long");
            }
        }
        self.routing.validate(&self.departments)?;
        if self.allowed_origins.len() > 50 {
            return bad("allowed_origins", "at most 50");
        }
        if let Some(bad_entry) = self
            .allowed_origins
            .iter()
            .find(|e| !valid_origin_pattern(e))
        {
            return bad(
                "allowed_origins",
                &format!("{bad_entry:?} is not scheme://host[:port] (host may start with *.)"),
            );
        }
        for (field, text) in [
            ("texts.greeting", &self.texts.greeting),
            ("texts.offline_intro", &self.texts.offline_intro),
        ] {
            if let Some(text) = text {
                if text.trim().is_empty() || text.chars().count() > MAX_TEXT_SETTING_CHARS {
                    return bad(field, "empty or longer than 500 characters");
                }
            }
        }
        Ok(())
    }
}

/// Longest greeting or offline intro a site may set.
pub const MAX_TEXT_SETTING_CHARS: usize = 500;

/// Highest per-operator limit of simultaneous chats.
pub const MAX_CHATS_LIMIT: u32 = 100;

impl RoutingSettings {
    fn validate(&self, departments: &[Department]) -> Result<(), ProtocolError> {
        let bad = |field: &str, why: &str| {
            Err(ProtocolError::new(
                ErrorCode::InvalidField,
                format!("routing.{field}: {why}"),
            ))
        };
        let limit_ok = |max: Option<u32>| max.is_none_or(|m| (1..=MAX_CHATS_LIMIT).contains(&m));
        if !limit_ok(self.max_chats) {
            return bad("max_chats", "expected 1 to 100");
        }
        if self
            .no_answer_seconds
            .is_some_and(|s| !crate::routing::NO_ANSWER_SECONDS.contains(&s))
        {
            return bad("no_answer_seconds", "expected 5 to 3600 seconds");
        }
        let mut seen = std::collections::HashSet::new();
        for entry in &self.operators {
            if !seen.insert(&entry.id) {
                return bad("operators", "an operator is listed twice");
            }
            if !limit_ok(entry.max_chats) {
                return bad("operators.max_chats", "expected 1 to 100");
            }
            if let Some(unknown) = entry
                .departments
                .iter()
                .find(|d| !departments.iter().any(|x| &&x.id == d))
            {
                return bad(
                    "operators.departments",
                    &format!("no department {unknown:?}"),
                );
            }
        }
        for rule in &self.regions {
            if rule.operators.is_empty() || (rule.countries.is_empty() && rule.cities.is_empty()) {
                return bad("regions", "a rule needs operators and a country or a city");
            }
            if rule
                .countries
                .iter()
                .any(|c| c.len() != 2 || !c.chars().all(|c| c.is_ascii_alphabetic()))
            {
                return bad("regions.countries", "expected two-letter country codes");
            }
            if rule
                .cities
                .iter()
                .any(|c| c.trim().is_empty() || c.len() > 80)
            {
                return bad("regions.cities", "empty or too long");
            }
        }
        if self.regions.len() > 50 || self.operators.len() > 500 {
            return bad("regions", "too many rules");
        }
        Ok(())
    }
}

pub use crate::validate::is_slug;

/// Interface language. Every visitor- and operator-facing text exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Ru,
}

impl Locale {
    /// Picks a locale from a BCP 47 tag such as the page's `lang` or `navigator.language`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// Which side of the widget the launcher sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Left,
    #[default]
    Right,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSettings {
    /// Where alerts are e-mailed; none: webhooks only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Alert when a chat is rated below this point of its scale (0 % the lowest score, 100 %
    /// the highest; see `Rating::percent`); none: off. 50 alerts on 1 and 2 of 5, on 1 of 3,
    /// and on a thumbs-down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_rating_below_percent: Option<u8>,
    /// Alert when nobody is online within the site's working hours (`SiteSettings::hours`).
    #[serde(default)]
    pub nobody_online: bool,
    /// The alert's own hours from before the site had working hours: read, and moved into
    /// them by `SiteSettings::migrated`; never written.
    #[serde(default, skip_serializing)]
    pub working_hours: Option<WorkingHours>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    /// 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// `HH:MM`, the site's time zone.
    pub from: String,
    /// `HH:MM`, after `from`.
    pub to: String,
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn origins_exact_wildcard_and_local_in_dev() {
        let list = vec![
            "https://shop.example".to_owned(),
            "https://*.teapots.ru".to_owned(),
        ];
        let allowed = |o: Option<&str>, dev| origin_allowed(&list, o, dev);
        assert!(allowed(Some("https://shop.example"), false));
        assert!(allowed(Some("HTTPS://SHOP.EXAMPLE"), false));
        assert!(
            !allowed(Some("http://shop.example"), false),
            "scheme matters"
        );
        assert!(!allowed(Some("https://shop.example.evil.com"), false));
        assert!(allowed(Some("https://msk.teapots.ru"), false));
        assert!(!allowed(Some("https://teapots.ru.evil.com"), false));
        assert!(!allowed(Some("https://evilteapots.ru"), false));
        assert!(!allowed(None, false), "a listed site needs an Origin");
        assert!(
            allowed(Some("http://127.0.0.1:8795"), true) && allowed(Some("http://localhost"), true)
        );
        assert!(!allowed(Some("http://127.0.0.1:8795"), false));
        assert!(origin_allowed(&[], None, false), "no list: any page");

        for good in [
            "https://shop.example",
            "http://localhost:8080",
            "https://*.teapots.ru",
        ] {
            assert!(valid_origin_pattern(good), "{good}");
        }
        for bad in [
            "shop.example",
            "https://shop.example/",
            "ftp://x",
            "https://",
            "https://a:b",
            "https://Shop.Example",
        ] {
            assert!(!valid_origin_pattern(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(SiteSettings::new("Shop").validate().is_ok());
    }

    #[test]
    fn invalid_fields_are_named() {
        let mut s = SiteSettings::new("Shop");
        s.theme.accent_color = "red".into();
        assert!(s.validate().unwrap_err().message.contains("accent_color"));

        let mut s = SiteSettings::new("Shop");
        s.theme.logo_url = Some("javascript:alert(1)".into());
        assert!(s.validate().unwrap_err().message.contains("logo_url"));

        let mut s = SiteSettings::new("Shop");
        s.departments = vec![
            Department {
                id: "sales".into(),
                name: "Sales".into(),
                visitor_name: None,
                hours: None,
            },
            Department {
                id: "sales".into(),
                name: "Again".into(),
                visitor_name: None,
                hours: None,
            },
        ];
        assert!(s.validate().unwrap_err().message.contains("departments"));

        let mut s = SiteSettings::new("Shop");
        s.offline.notify_email = Some("nobody".into());
        assert!(s.validate().is_err());

        let mut s = SiteSettings::new("Shop");
        s.utc_offset_minutes = 15 * 60;
        assert!(s.validate().is_err());

        let rule = |conditions, department: Option<&str>| crate::triggers::TriggerRule {
            id: "r".into(),
            enabled: true,
            conditions,
            actions: vec![Action::Invite {
                text: "Hi".into(),
                operator_name: "Anna".into(),
                avatar_url: None,
                department: department.map(str::to_owned),
            }],
        };
        let mut s = SiteSettings::new("Shop");
        s.triggers = vec![rule(
            vec![crate::triggers::Condition::Device { devices: vec![] }],
            None,
        )];
        assert!(s
            .validate()
            .unwrap_err()
            .message
            .contains("triggers.device"));
        s.triggers = vec![rule(vec![], Some("nowhere"))];
        assert!(s
            .validate()
            .unwrap_err()
            .message
            .contains("triggers.invite.department"));
        s.departments = vec![Department {
            id: "nowhere".into(),
            name: "Somewhere".into(),
            visitor_name: None,
            hours: None,
        }];
        assert!(s.validate().is_ok(), "a department of the site");
    }

    #[test]
    fn routing_settings_are_checked() {
        let mut s = SiteSettings::new("Shop");
        s.departments = vec![Department {
            id: "sales".into(),
            name: "Sales".into(),
            visitor_name: None,
            hours: None,
        }];
        let anna = crate::ids::OperatorId::parse("anna").unwrap();
        s.routing.operators = vec![OperatorRouting {
            id: anna.clone(),
            departments: vec!["sales".into()],
            max_chats: Some(3),
        }];
        assert!(s.validate().is_ok());
        assert_eq!(
            s.routing.for_operator(&anna),
            (vec!["sales".into()], Some(3))
        );

        s.routing.operators[0].departments = vec!["support".into()];
        assert!(s.validate().unwrap_err().message.contains("support"));
        s.routing.operators[0].departments.clear();
        s.routing.operators[0].max_chats = Some(0);
        assert!(s.validate().is_err());
        s.routing.operators[0].max_chats = None;
        s.routing.max_chats = Some(2);
        assert_eq!(s.routing.for_operator(&anna), (vec![], Some(2)));

        s.routing.regions = vec![crate::routing::RegionRule {
            countries: vec!["Russia".into()],
            cities: vec![],
            operators: vec![anna],
        }];
        assert!(s.validate().unwrap_err().message.contains("countries"));
    }

    #[test]
    fn rating_scales() {
        assert!(RatingScale::Thumbs.is_positive(2));
        assert!(!RatingScale::Thumbs.is_positive(1));
        assert!(RatingScale::ThreeFaces.is_positive(3));
        assert!(!RatingScale::ThreeFaces.is_positive(2));
        assert!(RatingScale::FiveFaces.is_positive(4));
        assert!(!RatingScale::FiveFaces.is_positive(3));
    }

    #[test]
    fn visitors_are_sent_the_name_meant_for_them_and_nothing_internal() {
        let mut s = SiteSettings::new("Shop");
        s.departments = vec![
            Department {
                id: "b2c".into(),
                name: "Sales B2C (tier 2)".into(),
                visitor_name: Some("Buy a sofa".into()),
                hours: Some(crate::hours::OpeningHours::same_hours(
                    &[1],
                    "09:00",
                    "18:00",
                )),
            },
            Department {
                id: "help".into(),
                name: "Support".into(),
                visitor_name: None,
                hours: None,
            },
        ];
        assert!(s.validate().is_ok());
        let config = s.widget_config(
            crate::ids::SiteId::parse("shop").unwrap(),
            Default::default(),
            Default::default(),
        );
        let wire = serde_json::to_string(&config.departments).unwrap();
        assert_eq!(
            wire,
            r#"[{"id":"b2c","name":"Buy a sofa"},{"id":"help","name":"Support"}]"#
        );
        s.departments[0].visitor_name = Some(" ".into());
        assert!(s
            .validate()
            .unwrap_err()
            .message
            .contains("departments.visitor_name"));
    }
}
