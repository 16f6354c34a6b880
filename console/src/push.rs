//! This device's push subscription: asks the browser for one with the relay's public key
//! (through the service worker, which shows what arrives) and names the device for the list.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What went wrong, for the operator.
pub enum SubscribeError {
    Unsupported,
    Denied,
    Failed(String),
}

fn property(of: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(of, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Push needs a service worker and the Push API (iOS only has them in home-screen apps).
pub fn supported() -> bool {
    let global = js_sys::global();
    let navigator = property(&global, "navigator");
    !property(&navigator, "serviceWorker").is_undefined()
        && !property(&global, "PushManager").is_undefined()
}

/// base64url (no padding) to bytes, through the browser's `atob`.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let mut standard = text.replace('-', "+").replace('_', "/");
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let binary = web_sys::window()?.atob(&standard).ok()?;
    binary
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

pub(crate) async fn registration() -> Result<web_sys::ServiceWorkerRegistration, SubscribeError> {
    let container = web_sys::window()
        .map(|w| w.navigator().service_worker())
        .ok_or(SubscribeError::Unsupported)?;
    let ready = container.ready().map_err(|_| SubscribeError::Unsupported)?;
    JsFuture::from(ready)
        .await
        .map_err(|e| SubscribeError::Failed(format!("{e:?}")))?
        .dyn_into()
        .map_err(|_| SubscribeError::Unsupported)
}

/// Subscribes this browser with `public_key` (the relay's VAPID key): the subscription as
/// JSON (`endpoint`, `keys`), ready to be registered with the relay.
pub async fn subscribe(public_key: &str) -> Result<String, SubscribeError> {
    if !supported() {
        return Err(SubscribeError::Unsupported);
    }
    let permission =
        web_sys::Notification::request_permission().map_err(|_| SubscribeError::Unsupported)?;
    let answer = JsFuture::from(permission)
        .await
        .ok()
        .and_then(|p| p.as_string());
    if answer.as_deref() != Some("granted") {
        return Err(SubscribeError::Denied);
    }
    let key = decode_base64url(public_key)
        .ok_or_else(|| SubscribeError::Failed("the server's key is not base64url".into()))?;
    let manager = registration()
        .await?
        .push_manager()
        .map_err(|_| SubscribeError::Unsupported)?;
    let options = web_sys::PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&js_sys::Uint8Array::from(key.as_slice()).into());
    let subscribing = manager
        .subscribe_with_options(&options)
        .map_err(|e| SubscribeError::Failed(format!("{e:?}")))?;
    let subscription = JsFuture::from(subscribing).await.map_err(|e| {
        let message = property(&e, "message").as_string();
        SubscribeError::Failed(message.unwrap_or_else(|| format!("{e:?}")))
    })?;
    // JSON.stringify calls the subscription's toJSON: {endpoint, expirationTime, keys}.
    js_sys::JSON::stringify(&subscription)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| SubscribeError::Failed("no subscription".into()))
}

/// "Chrome on Android", "Firefox on Windows", … from the browser's user agent string.
pub fn device_label(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("YaBrowser/", "Yandex Browser"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map_or("Browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} · {system}"),
        None => browser.to_owned(),
    }
}

pub fn this_device_label() -> String {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    device_label(&agent)
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(device_label(android), "Chrome · Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(iphone), "Safari · iOS");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(device_label(edge), "Edge · Windows");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device_label(firefox), "Firefox · Linux");
        assert_eq!(device_label(""), "Browser");
    }
}
