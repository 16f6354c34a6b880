//! The visitor's identity and what the widget keeps in his browser: the relay-signed token (so
//! a reload or a later visit continues the same conversation) and contact data not yet
//! confirmed by the relay.

use browser::json::read;
use protocol::lean::{self, JsonValue};
use protocol::{
    ContactInfo, Identity, SiteId, VisitorSession, VisitorSessionRequest, WidgetConfig,
};
use std::cell::RefCell;

thread_local! {
    /// The host site's logged-in user, from `Consultant.identify` (this page only).
    static IDENTITY: RefCell<Option<Identity>> = const { RefCell::new(None) };
}

/// Forgets the verified user (`Consultant.reset()`).
pub fn clear_identity() {
    IDENTITY.with(|i| i.borrow_mut().take());
}

/// Forgets everything kept of this visitor in the browser: token, contact, unsent messages.
pub fn forget_all(site: &SiteId) {
    for what in ["token", "contact", "outbox"] {
        browser::storage::remove(&key(site, what));
    }
}

/// Remembers the verified user for session starts; true when it changed.
pub fn set_identity(identity: Identity) -> bool {
    IDENTITY.with(|i| i.replace(Some(identity.clone())) != Some(identity))
}

fn key(site: &SiteId, what: &str) -> String {
    format!("consultant:{site}:{what}")
}

/// Whether this browser has talked to this site's chat before.
pub fn has_stored_token(site: &SiteId) -> bool {
    stored_token(site).is_some()
}

pub fn stored_token(site: &SiteId) -> Option<String> {
    browser::storage::get(&key(site, "token"))
}

/// The site's widget config, without starting a session.
pub async fn config(relay: &str, site: &SiteId) -> Result<WidgetConfig, String> {
    let url = format!("{relay}/api/v1/sites/{site}/widget-config");
    let answer = browser::http::get(&url).await?;
    if !answer.ok() {
        return Err(format!("relay answered {}: {}", answer.status, answer.body));
    }
    read(&answer.body, lean::window_config).ok_or_else(|| not_understood(&answer.body))
}

fn not_understood(body: &str) -> String {
    format!("the relay's answer is not understood: {body}")
}

/// Starts or resumes the visitor session with the relay.
pub async fn start(relay: &str, site: &SiteId) -> Result<VisitorSession, String> {
    let request = VisitorSessionRequest {
        token: browser::storage::get(&key(site, "token")),
        identity: IDENTITY.with(|i| i.borrow().clone()),
    };
    let body = lean::session_request_json(&request);
    let url = format!("{relay}/api/v1/sites/{site}/visitors");
    let answer = browser::http::post_json(&url, &body).await?;
    if !answer.ok() {
        return Err(format!("relay answered {}: {}", answer.status, answer.body));
    }
    let session =
        read(&answer.body, lean::visitor_session).ok_or_else(|| not_understood(&answer.body))?;
    browser::storage::set(&key(site, "token"), &session.token);
    Ok(session)
}

/// Keeps contact data until the relay confirms it, so a reload in between loses nothing.
pub fn remember_profile(site: &SiteId, contact: &ContactInfo) {
    browser::storage::set(&key(site, "contact"), &lean::contact_json(contact));
}

pub fn stored_profile(site: &SiteId) -> Option<ContactInfo> {
    read(
        &browser::storage::get(&key(site, "contact"))?,
        lean::contact,
    )
}

pub fn forget_profile(site: &SiteId) {
    browser::storage::remove(&key(site, "contact"));
}

/// Messages not yet acknowledged, kept so a reload or a closed tab loses none.
pub fn save_outbox(site: &SiteId, pending: &[protocol::Pending]) {
    if pending.is_empty() {
        browser::storage::remove(&key(site, "outbox"));
    } else {
        let json = lean::array(pending.iter().map(lean::pending_json));
        browser::storage::set(&key(site, "outbox"), &json);
    }
}

pub fn stored_outbox(site: &SiteId) -> Vec<protocol::Pending> {
    browser::storage::get(&key(site, "outbox"))
        .and_then(|json| browser::json::parse(&json)?.items())
        .map(|items| items.iter().filter_map(lean::pending).collect())
        .unwrap_or_default()
}
