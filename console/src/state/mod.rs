//! What the console knows, as four contexts a view asks for (`use_session()` …): the session
//! (who, which site, which language and screen), the site (settings, team), the inbox (its live
//! socket, visitors, own status) and the open chat. `provide` builds them and ties their
//! lifecycles: a new session or site starts every connection and list over.

mod address;
mod chat;
mod inbox;
mod session;
mod site;

pub use chat::OpenChat;
pub use inbox::InboxState;
pub use session::Session;
pub use site::Site;

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Chats,
    Team,
    Replies,
    Answers,
    Settings,
    History,
    Visitors,
    Account,
    Reports,
}

/// Builds the contexts for the views below the caller.
pub fn provide() {
    let session = Session::new();
    let site = Site::new(session);
    let chat = OpenChat::new(session);
    let inbox = InboxState::new(session, site, chat);
    provide_context(session);
    provide_context(site);
    provide_context(chat);
    provide_context(inbox);
    // Signed in, signed out, another site or a new session: start over.
    Effect::watch(
        move || session.workspace(),
        move |workspace, previous, _| {
            if previous == Some(workspace) {
                return;
            }
            inbox.disconnect();
            chat.deselect();
            chat.from_history.set(None);
            site.clear();
            if workspace.is_some() {
                if address::arrive(session, chat) {
                    return; // another of his sites: this runs again there
                }
                site.load();
                session.load_account();
                inbox.connect();
            }
        },
        true,
    );
    address::follow(session, chat);
    // What is opened is seen.
    Effect::new(move |_| {
        if let Some(id) = chat.selected.get() {
            inbox.mark_seen(&id);
        }
    });
}

pub fn use_session() -> Session {
    expect_context()
}

pub fn use_site() -> Site {
    expect_context()
}

pub fn use_inbox() -> InboxState {
    expect_context()
}

pub fn use_chat() -> OpenChat {
    expect_context()
}
