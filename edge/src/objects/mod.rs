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
