//! The visitor widget. The loader (`widget/loader.js`, the one script tag) draws the launcher and
//! queues API calls; when it loads this module it calls [`start`] with a mount point inside its
//! shadow root, then forwards the page's API calls to the exported functions below.

mod chat;
mod i18n;
mod session;
mod view;

use chat::Chat;
use protocol::{Locale, SiteId};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static CHAT: RefCell<Option<Chat>> = const { RefCell::new(None) };
    static EMIT: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Tells the loader (and through it the page's `Consultant.on(...)` listeners) about an event.
pub(crate) fn emit(event: &str, detail: JsValue) {
    EMIT.with(|emit| {
        if let Some(f) = emit.borrow().as_ref() {
            let _ = f.call2(&JsValue::NULL, &JsValue::from_str(event), &detail);
        }
    });
}

fn string_field(options: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(options, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// Mounts the widget. `options`: `{ site, relay, lang }`; `emit(event, detail)` reports events.
#[wasm_bindgen]
pub fn start(
    mount: web_sys::HtmlElement,
    options: JsValue,
    emit_fn: js_sys::Function,
) -> Result<(), JsValue> {
    let site = string_field(&options, "site")
        .and_then(|s| SiteId::parse(s).ok())
        .ok_or_else(|| JsValue::from_str("data-site is missing or invalid"))?;
    let relay = string_field(&options, "relay")
        .ok_or_else(|| JsValue::from_str("relay origin is missing"))?;
    let locale = string_field(&options, "lang")
        .and_then(|l| Locale::from_tag(&l))
        .unwrap_or_default();
    EMIT.with(|e| *e.borrow_mut() = Some(emit_fn));

    let chat = Chat::new(site, relay, locale);
    if let Some(root) = mount.get_root_node().dyn_ref::<web_sys::ShadowRoot>() {
        view::adopt_styles(root)?;
    }
    leptos::mount::mount_to(mount, move || view::Widget(view::WidgetProps { chat })).forget();
    CHAT.with(|c| *c.borrow_mut() = Some(chat));
    chat.resume_if_returning();
    emit("ready", JsValue::UNDEFINED);
    Ok(())
}

fn with_chat(f: impl FnOnce(Chat)) {
    if let Some(chat) = CHAT.with(|c| *c.borrow()) {
        f(chat);
    }
}

/// Opens the chat window (and connects, on the first open).
#[wasm_bindgen]
pub fn open() {
    with_chat(|chat| chat.set_open(true));
}

#[wasm_bindgen]
pub fn close() {
    with_chat(|chat| chat.set_open(false));
}

#[wasm_bindgen]
pub fn toggle() {
    with_chat(|chat| chat.set_open(!chat.is_open()));
}
