//! Keeps the address bar and the console's place in step (`crate::route::Place`): the place
//! is written to the address as it changes; Back, Forward, an edited address or a link opened
//! here move the console there. A place asked for while signed out waits for the sign-in.

use super::{OpenChat, Screen, Session};
use crate::route::Place;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Where the address asks to go, until the workspace on that site has started.
    static WANTED: RefCell<Option<Place>> = const { RefCell::new(None) };
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn write_hash(hash: &str, replace: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(hash))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(hash))
    };
}

/// Starts following the address: reads the one the console was opened at, writes each new
/// place, and listens for Back/Forward.
pub(super) fn follow(session: Session, chat: OpenChat) {
    WANTED.with(|w| *w.borrow_mut() = Place::parse(&location_hash()));
    Effect::new(move |_| {
        let site = session.workspace().map(|(_, site)| site);
        let screen = session.screen.get();
        let conversation = chat.selected.get().filter(|_| screen.opens_chats());
        if site.is_none() || WANTED.with(|w| w.borrow().is_some()) {
            return;
        }
        let hash = Place {
            site,
            screen,
            conversation,
        }
        .to_hash();
        let now = location_hash();
        if hash != now {
            // The first place written replaces a blank or stale address instead of adding a step.
            write_hash(&hash, Place::parse(&now).is_none());
        }
    });
    let on_change = Closure::<dyn Fn()>::new(move || {
        let Some(place) = Place::parse(&location_hash()) else {
            return;
        };
        WANTED.with(|w| *w.borrow_mut() = Some(place));
        if session.current.with_untracked(Option::is_some) {
            arrive(session, chat);
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
    }
    on_change.forget();
}

/// Signed out: the place he was at waits for the next sign-in.
pub(super) fn remember_place() {
    WANTED.with(|w| *w.borrow_mut() = Place::parse(&location_hash()));
}

/// Goes to the wanted place, if any. `true` when that means another of his sites: the
/// workspace starts over there and calls this again.
pub(super) fn arrive(session: Session, chat: OpenChat) -> bool {
    let Some(place) = WANTED.with(|w| w.borrow().clone()) else {
        return false;
    };
    let member = session.current.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| s.sites.iter().any(|m| Some(&m.site) == place.site.as_ref()))
    });
    if member && place.site != session.site() {
        if let Some(site) = place.site.clone() {
            session.switch_site(site);
            return true;
        }
    }
    WANTED.with(|w| *w.borrow_mut() = None);
    let admin_only = matches!(place.screen, Screen::Reports | Screen::Settings);
    let screen = if admin_only && !session.is_admin() {
        Screen::Chats
    } else {
        place.screen
    };
    session.screen.set(screen);
    match place
        .conversation
        .filter(|_| member && screen.opens_chats())
    {
        Some(id) => chat.select(id),
        None if screen.opens_chats() => chat.deselect(),
        None => {}
    }
    false
}
