//! Tells the relay which page this visitor is on (operators see it in their live list), and
//! hears when an operator starts a chat with him.

use crate::chat::Chat;
use crate::session;
use browser::socket::{Connection, Status};
use protocol::visitors::{PageView, PresenceCommand, PresenceEvent};
use std::cell::RefCell;

thread_local! {
    static LINK: RefCell<Option<Connection>> = const { RefCell::new(None) };
    /// The page last reported, so only changes are sent.
    static REPORTED: RefCell<Option<PageView>> = const { RefCell::new(None) };
    /// The chat token the socket connected with (it links the visitor to his chat).
    static TOKEN_USED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// This browser's random key for the site: links its tabs into one visitor in the list.
fn browser_key(site: &protocol::SiteId) -> String {
    let name = format!("consultant:{site}:browser");
    browser::storage::get(&name).unwrap_or_else(|| {
        let key = browser::client_id().replace('-', "");
        browser::storage::set(&name, &key);
        key
    })
}

/// Opens the presence socket (again, after the visitor got a chat token).
pub fn connect(chat: Chat) {
    if let Some(previous) = LINK.with(|l| l.borrow_mut().take()) {
        previous.close();
    }
    let site = chat.site();
    let key = browser_key(&site);
    let ws_base = chat.relay().replacen("http", "ws", 1);
    let url = move || {
        let token = session::stored_token(&site);
        TOKEN_USED.with(|t| *t.borrow_mut() = token.clone());
        let token = token.unwrap_or_default();
        format!("{ws_base}/api/v1/sites/{site}/presence-socket?key={key}&token={token}")
    };
    let connection = Connection::open(
        url,
        move |frame| on_event(chat, &frame),
        |status| {
            if status == Status::Open {
                // A new socket knows nothing yet: report the page again.
                REPORTED.with(|r| r.borrow_mut().take());
                page_viewed(crate::visit::page_view());
            }
        },
    );
    LINK.with(|l| *l.borrow_mut() = Some(connection));
}

/// Reconnects once the visitor has a chat token the socket did not carry.
pub fn refresh(chat: Chat) {
    let connected = LINK.with(|l| l.borrow().is_some());
    let stale = TOKEN_USED.with(|t| *t.borrow() != session::stored_token(&chat.site()));
    if connected && stale {
        connect(chat);
    }
}

/// Sends the page when it changed (called every second by the visit tracker).
pub fn page_viewed(page: Option<PageView>) {
    let Some(page) = page else { return };
    if REPORTED.with(|r| r.borrow().as_ref() == Some(&page)) {
        return;
    }
    let frame =
        serde_json::to_string(&PresenceCommand::Page { page: page.clone() }).unwrap_or_default();
    let sent = LINK.with(|l| l.borrow().as_ref().is_some_and(|c| c.send(&frame)));
    if sent {
        REPORTED.with(|r| *r.borrow_mut() = Some(page));
    }
}

fn on_event(chat: Chat, frame: &str) {
    match crate::json::decode::<PresenceEvent>(frame) {
        Ok(PresenceEvent::ChatStarted { token, .. }) => {
            session::adopt_token(&chat.site(), &token);
            chat.operator_started();
        }
        Ok(PresenceEvent::OpenChat) => chat.operator_started(),
        Err(_) => {}
    }
}
