//! The operator's signed-in session, kept in localStorage until it expires or he signs out.

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
    Network,
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
        _ => Err(SignInError::Network),
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
