//! Whether the relay can be reached: the browser's `navigator.onLine` alone is not enough (it
//! stays true behind a dead network, and the app shell may come from the service worker's
//! cache), so the relay's health is asked at start, on every online/offline event, and every
//! few seconds while it does not answer.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

const RETRY_MS: i32 = 5_000;

fn probe(online: RwSignal<bool>) {
    wasm_bindgen_futures::spawn_local(async move {
        let answered = browser::http::request("GET", "/api/v1/health", None, &[])
            .await
            .is_ok();
        online.set(answered);
        if !answered {
            let retry = Closure::once_into_js(move || probe(online));
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    retry.unchecked_ref(),
                    RETRY_MS,
                );
            }
        }
    });
}

/// A signal that is false while the relay cannot be reached.
pub fn watch() -> RwSignal<bool> {
    let online = RwSignal::new(true);
    probe(online);
    for event in ["online", "offline"] {
        let listener = Closure::<dyn Fn()>::new(move || {
            if web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
                online.set(false);
            }
            probe(online);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
        listener.forget();
    }
    online
}
