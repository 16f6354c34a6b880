//! The ground floor: how anything in the product says no. An [`ErrorCode`] and a sentence,
//! as HTTP bodies and socket error frames carry them ([`ErrorBody`]), and the error every
//! decoder and validator returns ([`ProtocolError`]). Plus the one unit of time on the wire.

use crate::ids::ClientMessageId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch, as the relay's clock saw it.
pub type Millis = u64;

/// Machine-readable error kinds, shared by HTTP responses and socket error frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not an object with a `type`.
    MalformedFrame,
    /// A `type` the relay does not know.
    UnknownType,
    /// Over a size limit.
    TooLarge,
    /// A file type that is not accepted, or content that does not match its type.
    UnsupportedType,
    /// Well-formed but a field is missing or invalid.
    InvalidField,
    /// No or bad credentials.
    Unauthorized,
    /// Credentials are fine but do not allow this.
    Forbidden,
    NotFound,
    Conflict,
    /// The site's contact form (mode "before") must be filled before writing.
    ContactRequired,
    /// The site has departments and none was chosen.
    DepartmentRequired,
    AlreadyRated,
    /// The site asks visitors to agree to its personal data policy before it keeps their
    /// contact data, and this visitor has not.
    ConsentRequired,
    /// Too many in too short a time; try again after `retry_after_ms`.
    RateLimited,
    Internal,
}

/// A clear error: what kind, and a sentence for a developer reading logs or devtools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// The message this error is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientMessageId>,
    /// For `rate_limited`: when trying again will work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            client_id: None,
            retry_after_ms: None,
        }
    }

    /// `rate_limited`, naming the message it is about and when to try again.
    pub fn rate_limited(client_id: Option<ClientMessageId>, retry_after_ms: u64) -> Self {
        Self {
            code: ErrorCode::RateLimited,
            message: "too many messages in a short time; try again shortly".into(),
            client_id,
            retry_after_ms: Some(retry_after_ms),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub code: ErrorCode,
    pub message: String,
    pub client_id: Option<ClientMessageId>,
}

impl ProtocolError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            client_id: None,
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ProtocolError {}

impl From<ProtocolError> for ErrorBody {
    fn from(e: ProtocolError) -> Self {
        ErrorBody {
            code: e.code,
            message: e.message,
            client_id: e.client_id,
            retry_after_ms: None,
        }
    }
}
