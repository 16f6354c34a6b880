//! The chat window. The page-view module (`widget/page`, on every page) starts it when the
//! visitor reaches for the chat: [`start`] gets a mount point inside the widget's shadow root
//! and what the page already knows (config, hidden flags); the page then forwards the page's
//! `Consultant.*` calls and the trigger rules' actions to the functions below.

mod chat;
mod host;
mod i18n;
mod session;
mod view;

use browser::json::Js;
use chat::Chat;
use leptos::prelude::{Set, Update};
use protocol::lean::{self, JsonValue};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static CHAT: RefCell<Option<Chat>> = const { RefCell::new(None) };
    static EMIT: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Tells the page (and through it the loader and the page's `Consultant.on(...)` listeners)
/// about an event.
pub(crate) fn emit(event: &str, detail: JsValue) {
    EMIT.with(|emit| {
        if let Some(f) = emit.borrow().as_ref() {
            let _ = f.call2(&JsValue::NULL, &JsValue::from_str(event), &detail);
        }
    });
}

fn field(options: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or_default()
}

/// Mounts the window. `handover`: `{ site, relay, lang, config?, hiddenByApi, hiddenByRule }`
/// (`config` the widget config's JSON as the page fetched it); `emit(event, detail)` reports
/// events; `host` is the page module's exports (see `host`).
#[wasm_bindgen]
pub fn start(
    mount: web_sys::HtmlElement,
    handover: JsValue,
    emit_fn: js_sys::Function,
    host: JsValue,
) -> Result<(), JsValue> {
    let browser::json::Placement {
        site,
        relay,
        locale,
    } = browser::json::Placement::read(&handover)?;
    EMIT.with(|e| *e.borrow_mut() = Some(emit_fn));
    host::attach(host);
    chat::set_hooks(chat::Hooks {
        session_changed: host::session_changed,
        closed_by_visitor: host::closed_by_visitor,
        source: host::source,
    });
    let chat = Chat::new(site, relay, locale);
    chat.hidden_by_api
        .set(field(&handover, "hiddenByApi").is_truthy());
    chat.hidden_by_rule
        .set(field(&handover, "hiddenByRule").is_truthy());
    if let Some(root) = mount.get_root_node().dyn_ref::<web_sys::ShadowRoot>() {
        view::adopt_styles(root)?;
    }
    leptos::mount::mount_to(mount, move || view::Widget(view::WidgetProps { chat })).forget();
    CHAT.with(|c| *c.borrow_mut() = Some(chat));
    let config = browser::json::text_field(&handover, "config")
        .and_then(|json| browser::json::read(&json, lean::window_config));
    match config {
        Some(config) => chat.apply_config(config),
        None => chat.load_config(),
    }
    chat.resume_if_returning();
    Ok(())
}

fn with_chat<T: Default>(f: impl FnOnce(Chat) -> T) -> T {
    CHAT.with(|c| *c.borrow()).map(f).unwrap_or_default()
}

/// Opens the chat window (and connects, on the first open).
#[wasm_bindgen]
pub fn open() {
    with_chat(|chat| chat.set_open(true, false));
}

#[wasm_bindgen]
pub fn close() {
    with_chat(|chat| chat.set_open(false, false));
}

/// The launcher's click: a close here is the visitor's own.
#[wasm_bindgen]
pub fn toggle() {
    with_chat(|chat| chat.set_open(!chat.is_open(), true));
}

/// Shows the widget again after `hide()`.
#[wasm_bindgen]
pub fn show() {
    with_chat(|chat| chat.hidden_by_api.set(false));
}

/// Hides the whole widget (launcher and window).
#[wasm_bindgen]
pub fn hide() {
    with_chat(|chat| {
        chat.hidden_by_api.set(true);
        chat.set_open(false, false);
    });
}

/// A `Consultant.*` argument read by one of `protocol::lean`'s readers, or what it should be.
fn argument<T>(
    value: JsValue,
    read: impl FnOnce(&Js) -> Option<T>,
    call: &str,
    expected: &str,
) -> Result<T, JsValue> {
    read(&Js(value)).ok_or_else(|| JsValue::from_str(&format!("{call}: expected {expected}")))
}

/// `{name, email, phone}` (any of them). Invalid values throw with the reason.
#[wasm_bindgen(js_name = setContactInfo)]
pub fn set_contact_info(contact: JsValue) -> Result<(), JsValue> {
    let contact = argument(
        contact,
        |v| v.0.is_object().then(|| lean::contact(v)).flatten(),
        "setContactInfo",
        "an object of strings {name, email, phone, custom}",
    )?;
    let contact = contact
        .normalized_folded(browser::fold_case)
        .map_err(|e| JsValue::from_str(&format!("setContactInfo: {}", e.message)))?;
    with_chat(|chat| {
        chat.state.update(|s| s.contact.merge(contact.clone()));
        chat.set_contact(contact);
    });
    Ok(())
}

/// `[{title, content, link?}, …]`, shown to operators beside the chat.
#[wasm_bindgen(js_name = setCustomData)]
pub fn set_custom_data(items: JsValue) -> Result<(), JsValue> {
    let items = argument(
        items,
        |v| {
            v.items()?
                .iter()
                .map(lean::custom_data_item)
                .collect::<Option<Vec<_>>>()
        },
        "setCustomData",
        "an array of {title, content, link?} strings",
    )?;
    let items = protocol::conversation::custom_data(&items)
        .map_err(|e| JsValue::from_str(&format!("setCustomData: {}", e.message)))?;
    with_chat(|chat| chat.set_custom_data(items));
    Ok(())
}

/// `{user_id, user_hash}` of the host site's logged-in user, the hash made by the site's
/// server (HMAC-SHA256 with the site's identity secret). Invalid values throw.
#[wasm_bindgen]
pub fn identify(user: JsValue) -> Result<(), JsValue> {
    let identity = argument(
        user,
        lean::identity,
        "identify",
        "{user_id, user_hash} strings",
    )?;
    identity
        .validate()
        .map_err(|e| JsValue::from_str(&format!("identify: {}", e.message)))?;
    if session::set_identity(identity) {
        with_chat(|chat| chat.restart_if_connected());
    }
    Ok(())
}

/// `Consultant.reset()`: forgets this visitor (a shared computer, a user who signed out of the
/// host site). Resuming a verified user's conversation needs `identify` again.
#[wasm_bindgen]
pub fn reset() {
    with_chat(|chat| chat.reset());
}

/// Sends a message as the visitor (e.g. from a "Ask about this product" button).
#[wasm_bindgen(js_name = sendMessage)]
pub fn send_message(text: String) -> bool {
    with_chat(|chat| chat.send(&text))
}

// The trigger rules' actions, from the page module.

/// A proactive invitation, shown as if from an operator (of `department`, where the chat goes
/// when the visitor answers it).
#[wasm_bindgen]
pub fn invite(
    operator_name: String,
    avatar_url: Option<String>,
    text: String,
    department: Option<String>,
) {
    with_chat(|chat| host::invite(chat, operator_name, avatar_url, text, department));
}

/// A rule asks for the visitor's contact details.
#[wasm_bindgen(js_name = requestContact)]
pub fn request_contact() {
    with_chat(|chat| chat.contact_requested.set(true));
}

#[wasm_bindgen(js_name = armSlowReply)]
pub fn arm_slow_reply(after_seconds: u32, text: String) {
    with_chat(|chat| host::arm_slow_reply(chat, after_seconds, text));
}

#[wasm_bindgen(js_name = setHiddenByRule)]
pub fn set_hidden_by_rule(hidden: bool) {
    with_chat(|chat| chat.hidden_by_rule.set(hidden));
}

/// An operator wrote first (the presence socket heard it): connect, open and chime.
#[wasm_bindgen(js_name = operatorStarted)]
pub fn operator_started() {
    with_chat(|chat| chat.operator_started());
}

/// `{ready, open, hidden, unread, online, messages, status}`.
#[wasm_bindgen(js_name = getState)]
pub fn get_state() -> JsValue {
    let state = with_chat(|chat| {
        use leptos::prelude::*;
        let status = match chat.state.with_untracked(|s| s.status) {
            protocol::Status::Open => "open",
            protocol::Status::Closed => "closed",
        };
        lean::ObjectWriter::new()
            .flag("ready", true)
            .flag("open", chat.open.get_untracked())
            .flag("hidden", chat.is_hidden())
            .number("unread", u64::from(chat.unread.get_untracked()))
            .flag(
                "online",
                chat.presence.with_untracked(|p| p.operators_online),
            )
            .number(
                "messages",
                chat.client.timeline.with_untracked(|t| t.messages().len()) as u64,
            )
            .text("status", status)
            .finish()
    });
    js_sys::JSON::parse(&state).unwrap_or(JsValue::NULL)
}
