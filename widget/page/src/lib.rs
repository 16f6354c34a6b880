//! What the widget runs on every page of a site, whether or not the visitor ever chats: the
//! launcher's theme, badge and visibility, the presence socket (operators see the page in their
//! live list and may start a chat), and the site's trigger rules. No Leptos and no JSON codec
//! (`protocol::lean` reads the few types it needs), so a page view stays light.
//!
//! The chat window — the `widget` crate, Leptos — is loaded by [`window`] when the visitor
//! reaches for the launcher, a rule invites him or opens it, the page calls `Consultant.open()`,
//! or he has a conversation under way. Calls meant for the window wait for it in order.

mod launcher;
mod presence;
mod visit;
mod window;

use protocol::lean::PageConfig;
use protocol::{Locale, SiteId};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRoot};

/// This page's widget: where it lives and what the relay said of the site.
struct Page {
    site: SiteId,
    relay: String,
    locale: Locale,
    root: ShadowRoot,
    mount: HtmlElement,
    emit: js_sys::Function,
    config: Option<PageConfig>,
    /// The config as the relay sent it, handed to the window (which reads all of it).
    config_json: Option<String>,
    hidden_by_api: bool,
    hidden_by_rule: bool,
    /// The site does not allow its chat on this page.
    refused: bool,
    unread: u32,
}

thread_local! {
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
}

fn with_page<T>(f: impl FnOnce(&mut Page) -> T) -> Option<T> {
    PAGE.with(|p| p.borrow_mut().as_mut().map(f))
}

pub(crate) fn site() -> Option<SiteId> {
    with_page(|p| p.site.clone())
}

pub(crate) fn relay() -> Option<String> {
    with_page(|p| p.relay.clone())
}

pub(crate) fn locale() -> Locale {
    with_page(|p| p.locale).unwrap_or_default()
}

pub(crate) fn root() -> Option<ShadowRoot> {
    with_page(|p| p.root.clone())
}

pub(crate) fn config() -> Option<PageConfig> {
    with_page(|p| p.config.clone()).flatten()
}

/// `consultant:{site}:{what}` in localStorage.
pub(crate) fn stored(what: &str) -> Option<String> {
    browser::storage::get(&["consultant:", site()?.as_str(), ":", what].concat())
}

pub(crate) fn store(what: &str, value: &str) {
    if let Some(site) = site() {
        browser::storage::set(&["consultant:", site.as_str(), ":", what].concat(), value);
    }
}

/// Tells the loader (and the page's `Consultant.on(...)` listeners) about an event.
pub(crate) fn emit(event: &str, detail: &JsValue) {
    if let Some(emit) = with_page(|p| p.emit.clone()) {
        let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(event), detail);
    }
}

/// Starts the page's part. `options`: `{ site, relay, lang }`; `emit(event, detail)` reports
/// events; `fetch_window()` resolves to the initialised window module; `host` is this module's
/// own exports, handed to the window so it can call back.
#[wasm_bindgen]
pub fn start(
    mount: HtmlElement,
    options: JsValue,
    emit_fn: js_sys::Function,
    fetch_window: js_sys::Function,
    host: JsValue,
) -> Result<(), JsValue> {
    let browser::json::Placement {
        site,
        relay,
        locale,
    } = browser::json::Placement::read(&options)?;
    let root = mount
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .map_err(|_| JsValue::from_str("the mount point is not in a shadow root"))?;
    PAGE.with(|p| {
        *p.borrow_mut() = Some(Page {
            site,
            relay,
            locale,
            root,
            mount,
            emit: emit_fn,
            config: None,
            config_json: None,
            hidden_by_api: false,
            hidden_by_rule: false,
            refused: false,
            unread: 0,
        })
    });
    window::prepare(fetch_window, host);
    wasm_bindgen_futures::spawn_local(load_config());
    emit("ready", &JsValue::UNDEFINED);
    Ok(())
}

/// The site's widget config (theme, rules, who is online), without creating a visitor.
async fn load_config() {
    let (Some(relay), Some(site)) = (relay(), site()) else {
        return;
    };
    let url = [&relay, "/api/v1/sites/", site.as_str(), "/widget-config"].concat();
    let answer = match browser::http::get(&url).await {
        Ok(answer) => answer,
        Err(e) => return web_sys::console::warn_1(&e.into()),
    };
    if answer.status == 403 {
        // The site does not allow its chat on this page: show nothing at all.
        web_sys::console::warn_1(&answer.body.into());
        with_page(|p| p.refused = true);
        return launcher::set_hidden(true);
    }
    let Some(config) = answer
        .ok()
        .then(|| browser::json::parse(&answer.body))
        .flatten()
        .map(|v| protocol::lean::page_config(&v))
    else {
        return web_sys::console::warn_1(&"chat: no widget config".into());
    };
    with_page(|p| {
        if let Some(locale) = config.locale {
            p.locale = locale;
        }
        p.config = Some(config.clone());
        p.config_json = Some(answer.body);
    });
    launcher::apply_theme(&config, locale());
    show_launcher();
    visit::start();
    presence::connect();
    // A conversation under way (or messages left unsent): the window connects at once, so the
    // operator's replies reach the visitor with the window closed.
    if stored("token").is_some() || stored("outbox").is_some() {
        window::load();
    }
}

/// Whether the launcher shows, as this module knows it (the window decides once it runs).
fn show_launcher() {
    if window::is_loaded() {
        return;
    }
    let no_chat = stored("token").is_none();
    let hidden = with_page(|p| {
        let offline = p
            .config
            .as_ref()
            .is_some_and(|c| c.hide_launcher_when_offline && !c.operators_online)
            && no_chat;
        p.refused || p.hidden_by_api || p.hidden_by_rule || offline
    });
    launcher::set_hidden(hidden.unwrap_or(false));
}

/// A rule hides (or stops hiding) the widget on this page.
pub(crate) fn set_hidden_by_rule(hidden: bool) {
    if with_page(|p| std::mem::replace(&mut p.hidden_by_rule, hidden)) == Some(hidden) {
        return;
    }
    let _ = window::call_when_loaded("setHiddenByRule", &[JsValue::from_bool(hidden)]);
    show_launcher();
}

/// An invitation arrived with the window closed (or not there yet): badge and chime now.
pub(crate) fn note_unread() {
    let count = with_page(|p| {
        p.unread += 1;
        p.unread
    });
    if !window::is_loaded() {
        launcher::set_unread(count.unwrap_or(1), locale());
    }
    browser::sound::chime();
}

pub(crate) fn config_json() -> Option<String> {
    with_page(|p| p.config_json.clone()).flatten()
}

pub(crate) fn hidden_flags() -> (bool, bool) {
    with_page(|p| (p.hidden_by_api, p.hidden_by_rule)).unwrap_or_default()
}

pub(crate) fn mount() -> Option<HtmlElement> {
    with_page(|p| p.mount.clone())
}

// The page's `Consultant.*` calls, through the loader.

#[wasm_bindgen]
pub fn open() {
    window::call("open", &[]);
}

#[wasm_bindgen]
pub fn close() {
    let _ = window::call_when_loaded("close", &[]);
}

/// The launcher's click.
#[wasm_bindgen]
pub fn toggle() {
    window::call("toggle", &[]);
}

#[wasm_bindgen]
pub fn show() {
    with_page(|p| p.hidden_by_api = false);
    let _ = window::call_when_loaded("show", &[]);
    show_launcher();
}

#[wasm_bindgen]
pub fn hide() {
    with_page(|p| p.hidden_by_api = true);
    let _ = window::call_when_loaded("hide", &[]);
    show_launcher();
}

/// Kept for the window (which validates and throws once it runs); no reason to load it.
#[wasm_bindgen(js_name = setContactInfo)]
pub fn set_contact_info(contact: JsValue) -> Result<JsValue, JsValue> {
    window::call_when_loaded("setContactInfo", &[contact])
}

#[wasm_bindgen(js_name = setCustomData)]
pub fn set_custom_data(items: JsValue) -> Result<JsValue, JsValue> {
    window::call_when_loaded("setCustomData", &[items])
}

/// Checked here, so a wrong call throws at once even before the window runs.
#[wasm_bindgen]
pub fn identify(user: JsValue) -> Result<JsValue, JsValue> {
    let identity = protocol::lean::identity(&browser::json::Js(user.clone()))
        .ok_or_else(|| JsValue::from_str("identify: expected {user_id, user_hash} strings"))?;
    if let Err(e) = identity.validate() {
        return Err(JsValue::from_str(&["identify: ", &e.message].concat()));
    }
    window::call_when_loaded("identify", &[user])
}

#[wasm_bindgen(js_name = sendMessage)]
pub fn send_message(text: String) -> JsValue {
    window::call("sendMessage", &[JsValue::from_str(&text)])
}

#[wasm_bindgen(js_name = startTrigger)]
pub fn start_trigger(id: String) -> bool {
    visit::start_trigger(&id)
}

/// `Consultant.reset()`: the loader has cleared what the browser keeps; this page forgets the
/// rest (the window's own state, calls still waiting for it, the unread count).
#[wasm_bindgen]
pub fn reset() {
    with_page(|p| p.unread = 0);
    visit::forget_chat();
    window::reset();
    if !window::is_loaded() {
        launcher::set_unread(0, locale());
    }
    presence::refresh();
}

/// `{ready, open, hidden, unread, online, messages, status}`.
#[wasm_bindgen(js_name = getState)]
pub fn get_state() -> JsValue {
    if let Some(state) = window::state() {
        return state;
    }
    let state = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&state, &JsValue::from_str(key), &value);
    };
    let (api, rule) = hidden_flags();
    let refused = with_page(|p| p.refused).unwrap_or(false);
    set("ready", JsValue::TRUE);
    set("open", JsValue::FALSE);
    set("hidden", JsValue::from_bool(api || rule || refused));
    set("unread", with_page(|p| p.unread).unwrap_or(0).into());
    let online = config().is_some_and(|c| c.operators_online);
    set("online", JsValue::from_bool(online));
    set("messages", 0.into());
    set("status", JsValue::NULL);
    state.into()
}

/// The visitor hovers or focuses the launcher: fetch the window, he may be about to click.
#[wasm_bindgen]
pub fn warm() {
    window::fetch();
}

// The window's calls back (its `host`).

/// The window's events, on their way to the page: this module keeps what it needs of them.
#[wasm_bindgen(js_name = windowEvent)]
pub fn window_event(event: String, detail: JsValue) {
    if event == "open" || event == "close" {
        window::heard_open(event == "open");
        launcher::set_open(event == "open", locale());
    }
    emit(&event, &detail);
}

#[wasm_bindgen(js_name = closedByVisitor)]
pub fn closed_by_visitor() {
    visit::closed_by_visitor();
}

/// Whether the visitor has written in his conversation (a trigger condition).
#[wasm_bindgen]
pub fn chatted(chatted: bool) {
    visit::set_chatted(chatted);
}

/// Whether an operator is online, as the window's conversation hears it.
#[wasm_bindgen]
pub fn online(online: bool) {
    window::heard_online(online);
}

/// The visitor's chat token changed: the presence socket links the page to the new chat.
#[wasm_bindgen(js_name = sessionChanged)]
pub fn session_changed() {
    presence::refresh();
}

/// The window's view of the launcher.
#[wasm_bindgen(js_name = setLauncher)]
pub fn set_launcher(unread: u32, hidden: bool) {
    launcher::set_unread(unread, locale());
    launcher::set_hidden(hidden || with_page(|p| p.refused).unwrap_or(false));
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32 without threads: nothing else can enter the allocator.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
