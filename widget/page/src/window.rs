//! The chat window (the `widget` wasm module, Leptos): fetched when it is needed, started with
//! what this module knows of the page, then handed the calls meant for it, in order. Calls made
//! before it runs wait here; only the ones that need the window on screen go and fetch it.

use js_sys::{Array, Function, Object, Promise, Reflect};
use protocol::Locale;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[derive(Default)]
struct Window {
    /// The loader's `fetchWindow()`: imports and initialises the module, once.
    fetch: Option<Function>,
    fetched: Option<Promise>,
    /// This module's exports, which the window calls back.
    host: JsValue,
    starting: bool,
    /// The started window module.
    module: Option<JsValue>,
    waiting: Vec<(&'static str, Vec<JsValue>)>,
}

thread_local! {
    static WINDOW: RefCell<Window> = RefCell::new(Window::default());
}

pub fn prepare(fetch: Function, host: JsValue) {
    WINDOW.with(|w| {
        let mut w = w.borrow_mut();
        w.fetch = Some(fetch);
        w.host = host;
    });
}

/// Fetches the window's code (once) without starting it.
pub fn fetch() -> Option<Promise> {
    WINDOW.with(|w| {
        let mut w = w.borrow_mut();
        if w.fetched.is_none() {
            let promise = w.fetch.as_ref()?.call0(&JsValue::NULL).ok()?;
            w.fetched = promise.dyn_into::<Promise>().ok();
        }
        w.fetched.clone()
    })
}

/// Fetches and starts the window, unless it runs or is on its way.
pub fn load() {
    let go = WINDOW.with(|w| {
        let mut w = w.borrow_mut();
        let go = w.module.is_none() && !w.starting;
        w.starting |= go;
        go
    });
    if !go {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        let module = match fetch() {
            Some(promise) => JsFuture::from(promise).await,
            None => Err(JsValue::from_str("no window to fetch")),
        };
        let started = module.and_then(|module| start(&module).map(|()| module));
        match started {
            Ok(module) => {
                let waiting = WINDOW.with(|w| {
                    let mut w = w.borrow_mut();
                    w.module = Some(module);
                    std::mem::take(&mut w.waiting)
                });
                for (name, args) in waiting {
                    // A call that throws does not stop the ones after it.
                    if let Err(e) = invoke(name, &args) {
                        web_sys::console::error_1(&e);
                    }
                }
            }
            Err(e) => {
                WINDOW.with(|w| {
                    let mut w = w.borrow_mut();
                    w.starting = false;
                    w.fetched = None;
                });
                web_sys::console::error_2(&"Consultant chat window failed to load".into(), &e);
            }
        }
    });
}

/// `start(mount, handover, emit, host)`: the window begins where this page is.
fn start(module: &JsValue) -> Result<(), JsValue> {
    let host = WINDOW.with(|w| w.borrow().host.clone());
    let handover = Object::new();
    let set = |key: &str, value: JsValue| Reflect::set(&handover, &JsValue::from_str(key), &value);
    let (hidden_by_api, hidden_by_rule) = crate::hidden_flags();
    set(
        "site",
        crate::site().map(|s| s.as_str().into()).unwrap_or_default(),
    )?;
    set(
        "relay",
        crate::relay().map(JsValue::from).unwrap_or_default(),
    )?;
    let lang = match crate::locale() {
        Locale::En => "en",
        Locale::Ru => "ru",
    };
    set("lang", lang.into())?;
    set(
        "config",
        crate::config_json().map(JsValue::from).unwrap_or_default(),
    )?;
    set("hiddenByApi", hidden_by_api.into())?;
    set("hiddenByRule", hidden_by_rule.into())?;
    let emit = Reflect::get(&host, &"windowEvent".into())?;
    let start: Function = Reflect::get(module, &"start".into())?.dyn_into()?;
    let mount: JsValue = crate::mount().map(JsValue::from).unwrap_or_default();
    start.apply(module, &Array::of4(&mount, &handover, &emit, &host))?;
    Ok(())
}

fn invoke(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let Some(module) = WINDOW.with(|w| w.borrow().module.clone()) else {
        return Ok(JsValue::UNDEFINED);
    };
    let function: Function = Reflect::get(&module, &name.into())?.dyn_into()?;
    function.apply(&module, &args.iter().collect::<Array>())
}

pub fn is_loaded() -> bool {
    WINDOW.with(|w| w.borrow().module.is_some())
}

/// Calls the window, fetching and starting it first if need be.
pub fn call(name: &'static str, args: &[JsValue]) -> JsValue {
    if is_loaded() {
        return invoke(name, args).unwrap_or_else(|e| {
            web_sys::console::error_1(&e);
            JsValue::UNDEFINED
        });
    }
    WINDOW.with(|w| w.borrow_mut().waiting.push((name, args.to_vec())));
    load();
    JsValue::TRUE
}

/// Calls the window if it runs (its errors are the caller's), else keeps the call for when it
/// does, without fetching it.
pub fn call_when_loaded(name: &'static str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    if is_loaded() {
        return invoke(name, args);
    }
    WINDOW.with(|w| w.borrow_mut().waiting.push((name, args.to_vec())));
    Ok(JsValue::UNDEFINED)
}

/// `Consultant.reset()`: the window forgets the visitor; calls still waiting are his, dropped.
pub fn reset() {
    if is_loaded() {
        let _ = invoke("reset", &[]);
    } else {
        WINDOW.with(|w| w.borrow_mut().waiting.clear());
    }
}

/// The window's `getState()`, once it runs.
pub fn state() -> Option<JsValue> {
    is_loaded().then(|| invoke("getState", &[]).ok()).flatten()
}

/// What the window last told this module: open or not, and whether an operator is online (its
/// live conversation hears it; the config only at load). Told, not asked: the rules read it
/// every second, and `getState()` would have the window serialise its state each time.
#[derive(Clone, Copy, Default)]
struct Heard {
    open: bool,
    online: Option<bool>,
}

thread_local! {
    static HEARD: std::cell::Cell<Heard> = const { std::cell::Cell::new(Heard { open: false, online: None }) };
}

pub fn heard_open(open: bool) {
    HEARD.with(|h| h.set(Heard { open, ..h.get() }));
}

pub fn heard_online(online: bool) {
    HEARD.with(|h| {
        h.set(Heard {
            online: Some(online),
            ..h.get()
        })
    });
}

pub fn is_open() -> bool {
    HEARD.with(|h| h.get().open)
}

/// Whether an operator is online, as the window's live conversation last heard.
pub fn operators_online() -> Option<bool> {
    HEARD.with(|h| h.get().online)
}
