//! What the relay rate-limits; the rates come from its configuration (`RATE_*` variables, so a
//! deployment or a load test can set its own; defaults in `protocol::limits`).

use protocol::limits::Rate;
use worker::Env;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limited {
    /// Messages and other writes of one visitor (per conversation).
    VisitorMessages,
    /// New visitors, i.e. new conversations, from one IP address.
    NewVisitors,
    /// Visitors' file uploads from one IP address.
    Uploads,
}

/// The rate for `what` in this relay's configuration (`RATE_*`, see docs/configuration.md).
/// The router refuses every request under a bad configuration, so the defaults only stand in
/// for the type's sake.
pub fn rate(env: &Env, what: Limited) -> Rate {
    use protocol::limits::{NEW_VISITORS_PER_IP, UPLOADS_PER_IP, VISITOR_MESSAGES};
    let config = crate::config::get(env).ok();
    match what {
        Limited::VisitorMessages => config.map_or(VISITOR_MESSAGES, |c| c.rate_visitor_messages),
        Limited::NewVisitors => config.map_or(NEW_VISITORS_PER_IP, |c| c.rate_new_visitors_per_ip),
        Limited::Uploads => config.map_or(UPLOADS_PER_IP, |c| c.rate_uploads_per_ip),
    }
}
