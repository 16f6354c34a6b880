//! Browser-side helpers shared by the widget and the console: a WebSocket that reconnects with
//! backoff and jitter, localStorage access and small JSON HTTP calls.

pub mod backoff;
pub mod http;
pub mod socket;
pub mod storage;

/// A fresh random id for a message the client is about to send (`crypto.randomUUID`).
pub fn client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("m{}", (js_sys::Math::random() * 1e16) as u64))
}
