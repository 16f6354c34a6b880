//! The visitor's identity: a relay-signed token kept in localStorage, per site, so a reload or
//! a later visit continues the same conversation.

use protocol::{SiteId, VisitorSession, VisitorSessionRequest};

fn storage_key(site: &SiteId) -> String {
    format!("consultant:{site}:token")
}

/// Whether this browser has talked to this site's chat before.
pub fn has_stored_token(site: &SiteId) -> bool {
    browser::storage::get(&storage_key(site)).is_some()
}

/// Starts or resumes the visitor session with the relay.
pub async fn start(relay: &str, site: &SiteId) -> Result<VisitorSession, String> {
    let request = VisitorSessionRequest {
        token: browser::storage::get(&storage_key(site)),
    };
    let body = serde_json::to_string(&request).map_err(|e| e.to_string())?;
    let url = format!("{relay}/api/v1/sites/{site}/visitors");
    let answer = browser::http::post_json(&url, &body).await?;
    if !answer.ok() {
        return Err(format!("relay answered {}: {}", answer.status, answer.body));
    }
    let session: VisitorSession = serde_json::from_str(&answer.body).map_err(|e| e.to_string())?;
    browser::storage::set(&storage_key(site), &session.token);
    Ok(session)
}
