//! The operator's signed-in session, kept in localStorage until it expires or he signs out, and
//! the requests that get one (sign-in, password reset links).

use protocol::{OperatorSession, SignInRequest};

const KEY: &str = "consultant:console:session";

pub fn stored() -> Option<OperatorSession> {
    let session: OperatorSession = serde_json::from_str(&browser::storage::get(KEY)?).ok()?;
    if session.expires_at as f64 <= js_sys::Date::now() {
        browser::storage::remove(KEY);
        return None;
    }
    Some(session)
}

/// Keeps a session the relay handed out (e.g. after adding a site).
pub fn remember(session: &OperatorSession) {
    if let Ok(json) = serde_json::to_string(session) {
        browser::storage::set(KEY, &json);
    }
}

pub fn forget() {
    browser::storage::remove(KEY);
}

pub enum SignInError {
    BadCredentials,
    /// Too many attempts: try again in this many seconds.
    TooMany(u64),
    Network,
}

/// The seconds a 429 answer asks to wait.
pub fn retry_after_s(body: &str) -> u64 {
    serde_json::from_str::<protocol::ErrorBody>(body)
        .ok()
        .and_then(|e| e.retry_after_ms)
        .map_or(60, |ms| ms.div_ceil(1000))
}

pub async fn sign_in(email: String, password: String) -> Result<OperatorSession, SignInError> {
    let body = serde_json::to_string(&SignInRequest { email, password })
        .map_err(|_| SignInError::Network)?;
    let answer = browser::http::post_json("/api/v1/auth/sign-in", &body)
        .await
        .map_err(|_| SignInError::Network)?;
    match answer.status {
        200 => {
            let session: OperatorSession =
                serde_json::from_str(&answer.body).map_err(|_| SignInError::Network)?;
            browser::storage::set(KEY, &answer.body);
            Ok(session)
        }
        400 | 401 | 413 => Err(SignInError::BadCredentials),
        429 => Err(SignInError::TooMany(retry_after_s(&answer.body))),
        _ => Err(SignInError::Network),
    }
}

/// The one-time code of a password-reset link (`…/console/#reset=<code>`), if the page was
/// opened from one.
pub fn reset_code() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#reset=")
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
}

/// Drops the reset code from the address, so that it is not left in the history.
pub fn clear_reset_code() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash("");
    }
}

/// `ws://host` or `wss://host` for the page's own origin.
pub fn socket_origin() -> String {
    let location = web_sys::window().expect("window").location();
    let scheme = if location.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}", location.host().unwrap_or_default())
}
