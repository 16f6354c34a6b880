//! Web Push from the relay: each message encrypted for its device (`encrypt`, RFC 8291) and
//! sent to the device's push service with our VAPID token (`vapid`). Best effort, like any
//! push: a device that is gone (404/410) is forgotten; other failures are logged.

pub mod encrypt;
pub mod vapid;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// A push service keeps an undelivered message this long (the operator's phone may be off).
const TTL_SECONDS: &str = "86400";

/// The relay's sender identity, when push is configured (`VAPID_PRIVATE_KEY`).
pub fn sender(env: &Env) -> Option<vapid::Vapid> {
    let config = crate::config::get(env).ok()?;
    let key = config.vapid_private_key.as_deref()?;
    match vapid::Vapid::new(key, &config.vapid_subject) {
        Ok(vapid) => Some(vapid),
        Err(why) => {
            crate::log::error("push.bad_key", &why, &[]);
            None
        }
    }
}

/// Whether `p256dh` is a point on P-256 and `auth` 16 bytes: what encryption will need.
pub fn keys_usable(p256dh: &str, auth: &str) -> bool {
    let point = B64.decode(p256dh).ok();
    let auth = B64.decode(auth).ok();
    matches!((point, auth), (Some(point), Some(auth))
        if point.len() == 65 && auth.len() == 16 && p256::PublicKey::from_sec1_bytes(&point).is_ok())
}

/// Where one push is going.
pub struct Target<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    Accepted,
    /// The subscription is gone: forget the device.
    Gone,
    Failed(String),
}

/// Encrypts `payload` for `target` and posts it to its push service.
pub async fn send(sender: &vapid::Vapid, target: &Target<'_>, payload: &[u8]) -> Sent {
    let (Ok(key), Ok(auth)) = (B64.decode(target.p256dh), B64.decode(target.auth)) else {
        return Sent::Gone;
    };
    let ours = loop {
        // A random scalar is a valid key but for a vanishing few: draw again then.
        if let Ok(key) = p256::SecretKey::from_slice(&crate::random::bytes::<32>()) {
            break key;
        }
    };
    let body = match encrypt::encrypt(payload, &key, &auth, &ours, crate::random::bytes::<16>()) {
        Ok(body) => body,
        Err(encrypt::EncryptError::TooLong) => return Sent::Failed("payload too long".into()),
        Err(_) => return Sent::Gone,
    };
    let now = crate::http::now_ms() / 1000;
    let Some(authorization) = sender.authorization(target.endpoint, now) else {
        return Sent::Gone;
    };
    let request = || -> worker::Result<Request> {
        let headers = Headers::new();
        headers.set("Content-Type", "application/octet-stream")?;
        headers.set("Content-Encoding", "aes128gcm")?;
        headers.set("TTL", TTL_SECONDS)?;
        headers.set("Urgency", "high")?;
        headers.set("Authorization", &authorization)?;
        let mut init = RequestInit::new();
        let bytes = js_sys::Uint8Array::from(body.as_slice());
        // A redirect could lead anywhere (a private address): never followed.
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(worker::RequestRedirect::Manual)
            .with_body(Some(bytes.into()));
        Request::new_with_init(target.endpoint, &init)
    };
    let Ok(request) = request() else {
        return Sent::Gone;
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    wasm_bindgen_futures::spawn_local(async move {
        Delay::from(TIMEOUT).await;
        controller.abort();
    });
    match Fetch::Request(request).send_with_signal(&signal).await {
        Ok(response) => match response.status_code() {
            200..=299 => Sent::Accepted,
            404 | 410 => Sent::Gone,
            status => Sent::Failed(format!("HTTP {status}")),
        },
        Err(_) if signal.aborted() => Sent::Failed("no answer within 10 s".into()),
        Err(_) => Sent::Failed("could not connect".into()),
    }
}
