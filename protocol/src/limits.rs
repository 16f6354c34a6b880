//! Size limits enforced by the relay and respected by the clients.

/// Longest message text, in Unicode scalar values (what a visitor perceives as characters).
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// Largest WebSocket frame the relay will parse. A message of `MAX_MESSAGE_CHARS` four-byte
/// characters plus its envelope fits; anything bigger is refused before JSON parsing.
pub const MAX_FRAME_BYTES: usize = 20 * 1024;
/// Largest JSON body of an HTTP request to the API.
pub const MAX_HTTP_BODY_BYTES: usize = 16 * 1024;
/// How many of the newest messages a client receives when it (re)connects.
pub const HISTORY_PAGE: usize = 500;
/// Operator display names, site names and similar short labels.
pub const MAX_NAME_CHARS: usize = 80;
/// E-mail addresses (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Passwords: a lower bound for safety, an upper bound so the KDF input stays small.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Characters of the last message shown in the operator's conversation list.
pub const PREVIEW_CHARS: usize = 140;
