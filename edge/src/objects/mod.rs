//! Durable Objects: one [`directory::AccountDirectory`] for accounts, one [`site::SiteRoom`] per
//! site, one [`conversation::ConversationRoom`] per conversation.

pub mod conversation;
pub mod directory;
pub mod site;

/// Reads a header the router set on an internal request.
pub(crate) fn header(req: &worker::Request, name: &str) -> worker::Result<String> {
    req.headers()
        .get(name)?
        .ok_or_else(|| worker::Error::RustError(format!("internal request without {name}")))
}

/// Completes a closing handshake the client started. 1005 and 1006 only describe what happened
/// and may not be sent, so those are answered with a normal 1000.
pub(crate) fn finish_close(ws: &worker::WebSocket, code: usize) {
    let code = match code {
        1005 | 1006 => 1000,
        other => other as u16,
    };
    // The socket may already be gone; then there is nothing left to finish.
    let _ = ws.close(Some(code), Some("closed"));
}
