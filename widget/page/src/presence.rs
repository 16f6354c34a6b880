//! Tells the relay which page this visitor is on (operators see it in their live list), and
//! hears when an operator starts a chat with him.

use crate::window;
use browser::socket::{Connection, Status};
use protocol::lean::{page_command_json, presence_event};
use protocol::visitors::{PageView, PresenceEvent};
use std::cell::RefCell;

thread_local! {
    static LINK: RefCell<Option<Connection>> = const { RefCell::new(None) };
    /// The page last reported, so only changes are sent.
    static REPORTED: RefCell<Option<PageView>> = const { RefCell::new(None) };
    /// The chat token the socket connected with (it links the visitor to his chat).
    static TOKEN_USED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// This browser's random key for the site: links its tabs into one visitor in the list.
fn browser_key() -> String {
    crate::stored("browser").unwrap_or_else(|| {
        let key = browser::client_id().replace('-', "");
        crate::store("browser", &key);
        key
    })
}

/// Opens the presence socket (again, after the visitor got a chat token).
pub fn connect() {
    if let Some(previous) = LINK.with(|l| l.borrow_mut().take()) {
        previous.close();
    }
    let (Some(site), Some(relay)) = (crate::site(), crate::relay()) else {
        return;
    };
    let key = browser_key();
    let base = [
        &relay.replacen("http", "ws", 1),
        "/api/v1/sites/",
        site.as_str(),
        "/presence-socket?key=",
        &key,
        "&token=",
    ]
    .concat();
    let url = move || {
        let token = crate::stored("token");
        TOKEN_USED.with(|t| *t.borrow_mut() = token.clone());
        [base.as_str(), token.as_deref().unwrap_or_default()].concat()
    };
    let connection = Connection::open(
        url,
        |frame| on_event(&frame),
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

/// Reconnects when the visitor's chat token is not the one the socket carried.
pub fn refresh() {
    let connected = LINK.with(|l| l.borrow().is_some());
    let stale = TOKEN_USED.with(|t| *t.borrow() != crate::stored("token"));
    if connected && stale {
        connect();
    }
}

/// Sends the page when it changed (called every second by the visit tracker).
pub fn page_viewed(page: Option<PageView>) {
    let Some(page) = page else { return };
    if REPORTED.with(|r| r.borrow().as_ref() == Some(&page)) {
        return;
    }
    let frame = page_command_json(&page);
    let sent = LINK.with(|l| l.borrow().as_ref().is_some_and(|c| c.send(&frame)));
    if sent {
        REPORTED.with(|r| *r.borrow_mut() = Some(page));
    }
}

fn on_event(frame: &str) {
    let Some(event) = browser::json::parse(frame).and_then(|v| presence_event(&v)) else {
        return;
    };
    if let PresenceEvent::ChatStarted { token, .. } = event {
        crate::store("token", &token);
    }
    // An operator wrote first: the window connects, opens and chimes.
    window::call("operatorStarted", &[]);
}
