//! Browser-side helpers shared by the widget and the console: a WebSocket that reconnects with
//! backoff and jitter, localStorage access and small JSON HTTP calls.

pub mod backoff;
#[cfg(feature = "conversation")]
pub mod conversation;
pub mod format;
pub mod http;
pub mod json;
pub mod socket;
pub mod sound;
pub mod storage;
pub mod texts;

/// A fresh random id for a message the client is about to send (`crypto.randomUUID`).
pub fn client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("m{}", (js_sys::Math::random() * 1e16) as u64))
}

/// Lower-cases like `String.prototype.toLowerCase`: a `protocol::pattern::Fold` for code in
/// the browser, where Rust's `to_lowercase` would bring 12 KB of Unicode tables along.
pub fn fold_case(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// Runs `f` once after `ms` milliseconds.
pub fn later(ms: u32, f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            ms as i32,
        );
    }
}

/// Runs `f` every `ms` milliseconds for the life of the page.
pub fn every(ms: u32, f: impl FnMut() + 'static) {
    use wasm_bindgen::JsCast;
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            ms as i32,
        );
    }
    callback.forget();
}

/// `encodeURIComponent`, for header values that must stay ASCII (file names).
pub fn encode_component(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}
