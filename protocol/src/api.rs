//! HTTP request and response bodies of the relay's API (`/api/v1/...`).

use crate::error::ProtocolError;
use crate::ids::{ConversationId, OperatorId, SiteId, VisitorId};
use crate::limits::MAX_PASSWORD_CHARS;
use crate::roles::Role;
use crate::settings::{Department, Locale};
use crate::validate::invalid;
use crate::visitors::Geo;
use serde::{Deserialize, Serialize};

/// What the widget starts with: the public part of the site's settings, who is online, and
/// where the visitor is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    pub site: SiteId,
    pub site_name: String,
    /// `None`: follow the page's language.
    pub locale: Option<Locale>,
    pub theme: crate::settings::Theme,
    pub contact_form: crate::settings::ContactFormSettings,
    pub departments: Vec<crate::settings::Department>,
    pub rating_scale: crate::settings::RatingScale,
    pub hide_launcher_when_offline: bool,
    pub triggers: Vec<crate::triggers::TriggerRule>,
    pub invitation_interval_seconds: u32,
    pub utc_offset_minutes: i32,
    pub presence: crate::conversation::Presence,
    pub geo: Geo,
    #[serde(default)]
    pub texts: crate::settings::WidgetTexts,
    /// The relay's `MAX_MESSAGE_CHARS`.
    #[serde(default = "max_message_chars")]
    pub max_message_chars: usize,
    /// The consent checkbox of the contact and offline forms, when the site requires one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<crate::consent::ConsentSettings>,
}

/// The rule `hide_on_phones` becomes in the widget's configuration (its id is no slug: no
/// rule of the site's can have it).
pub const HIDE_ON_PHONES_RULE: &str = "site:hide-on-phones";

fn max_message_chars() -> usize {
    crate::limits::MAX_MESSAGE_CHARS
}

impl crate::settings::SiteSettings {
    pub fn widget_config(
        &self,
        site: SiteId,
        presence: crate::conversation::Presence,
        geo: Geo,
    ) -> WidgetConfig {
        WidgetConfig {
            site,
            site_name: self.name.clone(),
            locale: self.locale,
            theme: self.theme.clone(),
            contact_form: self.contact_form.clone(),
            departments: self
                .departments
                .iter()
                .map(Department::for_visitors)
                .collect(),
            rating_scale: self.rating.scale,
            hide_launcher_when_offline: self.offline.hide_launcher,
            triggers: self.triggers.clone(),
            invitation_interval_seconds: self.invitation_interval_seconds,
            utc_offset_minutes: self.utc_offset_minutes,
            presence,
            geo,
            texts: self.texts.clone(),
            max_message_chars: crate::limits::MAX_MESSAGE_CHARS,
            consent: self.consent.for_widget(),
        }
    }

    /// [`Self::widget_config`] for a visitor on `device`. The device is known before the page
    /// runs any rule and does not change while it does, so the relay settles the rules' device
    /// conditions here and the page never reads one: "hide on phones" is one more rule.
    pub fn widget_config_for(
        &self,
        site: SiteId,
        presence: crate::conversation::Presence,
        geo: Geo,
        device: crate::device::Device,
    ) -> WidgetConfig {
        let mut config = self.widget_config(site, presence, geo);
        if self.hide_on_phones {
            config.triggers.push(crate::triggers::TriggerRule {
                id: HIDE_ON_PHONES_RULE.into(),
                enabled: true,
                conditions: vec![crate::triggers::Condition::Device {
                    devices: vec![crate::device::Device::Phone],
                }],
                actions: vec![crate::triggers::Action::HideWidget],
            });
        }
        config.triggers = std::mem::take(&mut config.triggers)
            .into_iter()
            .filter_map(|rule| rule.for_device(device))
            .collect();
        config
    }
}

/// `POST /api/v1/sites/{site}/visitors`: start or resume a visitor session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorSessionRequest {
    /// The token from an earlier session (localStorage); absent on the first visit.
    #[serde(default)]
    pub token: Option<String>,
    /// A logged-in user of the host site, vouched for by the site's server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
}

/// Identity verification (as Intercom and Chatwoot do it): the host site's server computes
/// `user_hash = hex(HMAC-SHA256(site's identity secret, user_id))` and the page passes both to
/// `Consultant.identify`. The relay checks the hash; the user's chat then follows him across
/// browsers and devices, and operators see him as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub user_id: String,
    pub user_hash: String,
}

impl Identity {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let id = self.user_id.trim();
        if id.is_empty() || id.chars().count() > 128 || id.chars().any(char::is_control) {
            return Err(invalid("identity.user_id: 1 to 128 characters"));
        }
        let hash = &self.user_hash;
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(invalid("identity.user_hash: 64 hex digits (HMAC-SHA256)"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorSession {
    pub token: String,
    pub visitor: VisitorId,
    pub conversation: ConversationId,
    pub config: WidgetConfig,
}

/// `POST /api/v1/auth/sign-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteMembership {
    pub site: SiteId,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSession {
    pub token: String,
    pub operator: OperatorId,
    pub name: String,
    pub sites: Vec<SiteMembership>,
    /// When the token stops being accepted, in ms since the epoch.
    pub expires_at: u64,
}

/// `POST /api/v1/sites/{site}/tickets`: a one-minute pass for one operator socket, so that
/// the session token never travels in a URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRequest {
    /// The conversation whose socket it opens; `None`: the inbox socket.
    #[serde(default)]
    pub conversation: Option<ConversationId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketTicket {
    pub ticket: String,
    pub expires_at: u64,
}

/// `PUT /api/v1/account/password`: the signed-in operator changes his password; the current
/// one is asked for, so a borrowed session cannot lock the owner out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

impl PasswordChange {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if self.current.chars().count() > MAX_PASSWORD_CHARS {
            return Err(invalid("current password is too long"));
        }
        password(&self.new)
    }
}

/// `POST /api/v1/auth/password-reset`: "forgot password". Answered the same whether or not the
/// address has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub email: String,
    /// The language of the e-mail.
    #[serde(default)]
    pub locale: Locale,
}

/// `POST /api/v1/auth/password-reset/confirm`: the one-time code from the e-mailed link and
/// the new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub code: String,
    pub password: String,
}

impl PasswordReset {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if self.code.is_empty() || self.code.len() > 128 {
            return Err(invalid("this reset link is not valid"));
        }
        password(&self.password)
    }
}

/// `POST /api/v1/bootstrap`: creates the first owner and his site on an empty installation.
/// Authorised by the `BOOTSTRAP_TOKEN` secret of the environment, refused once an owner exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootstrapRequest {
    pub owner_email: String,
    pub owner_name: String,
    pub owner_password: String,
    pub site: SiteId,
    pub site_name: String,
}

impl BootstrapRequest {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        email(&self.owner_email)?;
        display_name("owner_name", &self.owner_name)?;
        password(&self.owner_password)?;
        display_name("site_name", &self.site_name)?;
        Ok(())
    }
}

/// An e-mail the relay queued (offline messages, transcripts). Sent through Cloudflare's
/// `send_email` in production; locally it stays in the site's outbox, which admins can list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub to: String,
    /// Where an answer from a mail client goes: the visitor for an offline message, the
    /// site's address for a reply mailed to a visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub created_at: u64,
    #[serde(default)]
    pub delivery: Delivery,
}

/// What became of an e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum Delivery {
    /// Kept in the outbox: no sender configured (`EMAIL_FROM` empty), as in local runs.
    #[default]
    Queued,
    Sent,
    /// Not taken yet (the server is down or busy): tried again from the outbox.
    Retrying {
        attempts: u32,
        reason: String,
    },
    Failed {
        reason: String,
    },
}

crate::internally_tagged!(Delivery, "state");

/// `POST /api/v1/sites/{site}/operators`: an owner or admin adds a colleague (only the owner
/// may make admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOperator {
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
}

impl NewOperator {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        display_name("name", &self.name)?;
        email(&self.email)?;
        password(&self.password)?;
        if self.role == Role::Owner {
            return Err(invalid("a site has one owner; add operators or admins"));
        }
        Ok(())
    }
}

/// An operator of a site as the team list shows him.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub id: OperatorId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Removed operators keep their chats in history but can no longer sign in.
    pub removed: bool,
    /// `/api/v1/avatars/{id}?v=…` when he has a photo.
    #[serde(default)]
    pub avatar: Option<String>,
}

/// `GET /api/v1/account`: the signed-in operator's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountProfile {
    pub id: OperatorId,
    pub name: String,
    pub email: String,
    pub avatar: Option<String>,
    /// His saved custom statuses (at most three).
    pub statuses: Vec<crate::events::CustomStatus>,
    pub sites: Vec<SiteMembership>,
}

/// `POST /api/v1/sites`: an owner adds another site to his account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSite {
    pub site: SiteId,
    pub name: String,
}

impl NewSite {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        display_name("name", &self.name)?;
        if !crate::validate::is_slug(self.site.as_str()) {
            return Err(invalid("site: lowercase letters, digits and dashes"));
        }
        Ok(())
    }
}

/// Where an operator's avatar is served (public: visitors see it too); `at` busts caches.
pub fn avatar_path(operator: &OperatorId, at: u64) -> String {
    format!("/api/v1/avatars/{operator}?v={at}")
}

/// A banned visitor and/or IP address: refused a chat until an admin lifts the ban.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    #[serde(default)]
    pub id: u64,
    pub visitor: Option<VisitorId>,
    pub ip: Option<String>,
    /// The operator who banned.
    pub by: String,
    #[serde(default)]
    pub at: u64,
}

pub use crate::validate::{display_name, email, password};

/// Body of every non-2xx API response.
pub type ApiError = crate::error::ErrorBody;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Anna@Example.COM ").unwrap(), "anna@example.com");
        for bad in ["", "anna", "@x.io", "a@x", "a@.x", "a b@x.io", "a@x.io."] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_and_names() {
        assert!(password("short").is_err());
        assert!(password("long enough").is_ok());
        assert!(display_name("name", "  ").is_err());
        assert_eq!(display_name("name", " Anna ").unwrap(), "Anna");
        assert!(display_name("name", &"x".repeat(81)).is_err());
    }

    #[test]
    fn locale_from_page_language() {
        assert_eq!(Locale::from_tag("ru-RU"), Some(Locale::Ru));
        assert_eq!(Locale::from_tag("EN_us"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
    }
}
