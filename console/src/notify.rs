//! Sound and a desktop notification for a new visitor message while the console's tab is
//! hidden, so an operator working elsewhere never misses a chat.

use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Some browsers (iOS Safari outside home-screen apps) have no Notification API at all.
fn supported() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false)
}

fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.hidden())
        .unwrap_or(false)
}

/// Whether the browser may still ask the operator for permission (it needs a click).
pub fn can_ask() -> bool {
    supported() && Notification::permission() == NotificationPermission::Default
}

pub fn ask() {
    let _ = Notification::request_permission();
}

pub fn new_message(title: &str, body: &str) {
    if !tab_hidden() {
        return;
    }
    browser::sound::chime();
    if supported() && Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body(body);
        options.set_tag("consultant-new-message");
        // Through the service worker where there is one: Android's Chrome has no
        // `new Notification` (it throws), and the worker's click handler focuses the console.
        let controlled = web_sys::window()
            .is_some_and(|w| w.navigator().service_worker().controller().is_some());
        if controlled {
            let title = title.to_owned();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(registration) = crate::push::registration().await {
                    let _ = registration.show_notification_with_options(&title, &options);
                }
            });
        } else {
            let _ = Notification::new_with_options(title, &options);
        }
    }
}
