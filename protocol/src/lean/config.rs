//! The chat window's start-up data without serde: the widget config and the visitor session,
//! and the request that starts one.

use super::{chat, page, JsonValue, ObjectWriter};
use crate::api::{VisitorSession, VisitorSessionRequest, WidgetConfig};
use crate::ids::{ConversationId, SiteId, VisitorId};
use crate::settings::{
    ContactFormMode, ContactFormSettings, CustomField, Department, FieldRule, Locale, Position,
    Theme, WidgetTexts,
};
use crate::visitors::Geo;

pub fn widget_config<V: JsonValue>(v: &V) -> Option<WidgetConfig> {
    config_with_rules(v, |v| v.list("triggers", page::rule))
}

/// The chat window's reading: the trigger rules are the page module's business, so the window
/// leaves them out (and its wasm the rules' reader).
pub fn window_config<V: JsonValue>(v: &V) -> Option<WidgetConfig> {
    config_with_rules(v, |_| Vec::new())
}

fn config_with_rules<V: JsonValue>(
    v: &V,
    rules: impl FnOnce(&V) -> Vec<crate::triggers::TriggerRule>,
) -> Option<WidgetConfig> {
    Some(WidgetConfig {
        site: SiteId::parse(v.text("site")?).ok()?,
        site_name: v.text("site_name")?,
        locale: v.member("locale", |l| locale(&l.string()?)),
        theme: v.member("theme", theme)?,
        contact_form: v.member("contact_form", contact_form)?,
        departments: v.list("departments", |d| {
            Some(Department {
                id: d.text("id")?,
                name: d.text("name")?,
                visitor_name: None,
                hours: None,
            })
        }),
        rating_scale: chat::rating_scale(&v.text("rating_scale")?)?,
        hide_launcher_when_offline: v.flag("hide_launcher_when_offline")?,
        triggers: rules(v),
        invitation_interval_seconds: v.u32("invitation_interval_seconds")?,
        utc_offset_minutes: utc_offset_minutes(v)?,
        presence: v.member("presence", chat::presence)?,
        geo: v.member("geo", geo).unwrap_or_default(),
        texts: WidgetTexts {
            greeting: v.member("texts", |t| t.text("greeting")),
            offline_intro: v.member("texts", |t| t.text("offline_intro")),
        },
        max_message_chars: v
            .u32("max_message_chars")
            .map_or(crate::limits::MAX_MESSAGE_CHARS, |n| n as usize),
        consent: v.member("consent", |c| {
            Some(crate::consent::ConsentSettings {
                required: c.flag("required").unwrap_or(false),
                policy_url: c.text("policy_url"),
                text: c.text("text"),
            })
        }),
    })
}

/// `"en"` or `"ru"`, as serde writes a [`Locale`].
pub fn locale(name: &str) -> Option<Locale> {
    match name {
        "en" => Some(Locale::En),
        "ru" => Some(Locale::Ru),
        _ => None,
    }
}

pub fn position(name: &str) -> Option<Position> {
    match name {
        "left" => Some(Position::Left),
        "right" => Some(Position::Right),
        _ => None,
    }
}

pub fn utc_offset_minutes<V: JsonValue>(v: &V) -> Option<i32> {
    let n = v.field("utc_offset_minutes")?.number()?;
    (n.fract() == 0.0 && n.abs() <= f64::from(i32::MAX)).then_some(n as i32)
}

pub fn geo<V: JsonValue>(v: &V) -> Option<Geo> {
    Some(Geo {
        country: v.text("country"),
        city: v.text("city"),
    })
}

fn theme<V: JsonValue>(v: &V) -> Option<Theme> {
    Some(Theme {
        accent_color: v.text("accent_color")?,
        position: position(&v.text("position")?)?,
        launcher_label: v.text("launcher_label"),
        logo_url: v.text("logo_url"),
    })
}

fn contact_form<V: JsonValue>(v: &V) -> Option<ContactFormSettings> {
    let rule = |key| match v.text(key).as_deref() {
        None => Some(FieldRule::default()),
        Some("hidden") => Some(FieldRule::Hidden),
        Some("optional") => Some(FieldRule::Optional),
        Some("required") => Some(FieldRule::Required),
        Some(_) => None,
    };
    Some(ContactFormSettings {
        mode: match v.text("mode")?.as_str() {
            "before" => ContactFormMode::Before,
            "during" => ContactFormMode::During,
            "never" => ContactFormMode::Never,
            _ => return None,
        },
        name: rule("name")?,
        email: rule("email")?,
        phone: rule("phone")?,
        custom: v.list("custom", |f| {
            Some(CustomField {
                id: f.text("id")?,
                label: f.text("label")?,
                required: f.flag("required").unwrap_or(false),
            })
        }),
    })
}

/// A visitor session, its config read as the window reads it ([`window_config`]).
pub fn visitor_session<V: JsonValue>(v: &V) -> Option<VisitorSession> {
    Some(VisitorSession {
        token: v.text("token")?,
        visitor: VisitorId::parse(v.text("visitor")?).ok()?,
        conversation: ConversationId::parse(v.text("conversation")?).ok()?,
        config: v.member("config", window_config)?,
    })
}

/// The body of `POST /api/v1/sites/{site}/visitors`.
pub fn session_request_json(request: &VisitorSessionRequest) -> String {
    let mut w = ObjectWriter::new();
    w.text_or_null("token", request.token.as_deref());
    if let Some(identity) = &request.identity {
        let identity = ObjectWriter::new()
            .text("user_id", &identity.user_id)
            .text("user_hash", &identity.user_hash)
            .finish();
        w.raw("identity", &identity);
    }
    w.finish()
}
