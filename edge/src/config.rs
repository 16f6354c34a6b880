//! The relay's configuration from the Worker's environment, parsed once per isolate by
//! `protocol::config` (which names every setting and its default).

use protocol::config::{ConfigError, RelayConfig};
use std::rc::Rc;
use worker::Env;

thread_local! {
    static PARSED: std::cell::OnceCell<Result<Rc<RelayConfig>, ConfigError>> = const { std::cell::OnceCell::new() };
}

/// The configuration, or every bad setting by name (never a secret's value).
pub fn get(env: &Env) -> Result<Rc<RelayConfig>, ConfigError> {
    PARSED.with(|cell| {
        cell.get_or_init(|| {
            // Read as plain properties: a setting left unset (plain workerd binds only what
            // the environment has) is absent, which `env.var` would not survive.
            RelayConfig::from_lookup(|name| {
                js_sys::Reflect::get(env.as_ref(), &wasm_bindgen::JsValue::from_str(name))
                    .ok()
                    .and_then(|value| value.as_string())
            })
            .map(Rc::new)
        })
        .clone()
    })
}

/// For Durable Objects, which the router only reaches with a good configuration.
pub fn of(env: &Env) -> worker::Result<Rc<RelayConfig>> {
    get(env).map_err(|e| worker::Error::RustError(e.to_string()))
}
