//! Why the relay does not do what a request asks: one error type for every handler, so a
//! refusal travels with `?` and becomes its response in one place (`Refusal::into_response`).

use crate::http;
use protocol::{ErrorCode, ProtocolError};
use worker::Response;

#[derive(Debug)]
pub enum Refusal {
    /// Told to the client: `{"code", "message"}` with the code's HTTP status.
    Refused { code: ErrorCode, message: String },
    /// An answer made elsewhere (an object's refusal, a 429 with `Retry-After`), passed on.
    Answer(Response),
    /// The relay itself failed: a 500, logged where the request entered.
    Failed(worker::Error),
}

/// What a handler or a check returns: its result, or why the request is refused.
pub type Handled<T = Response> = std::result::Result<T, Refusal>;

/// Refuses with `code` and a message for the client.
pub fn refuse<T>(code: ErrorCode, message: impl Into<String>) -> Handled<T> {
    Err(Refusal::new(code, message))
}

impl Refusal {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Refusal::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn into_response(self) -> worker::Result<Response> {
        match self {
            Refusal::Refused { code, message } => http::error(code, message),
            Refusal::Answer(response) => Ok(response),
            Refusal::Failed(e) => Err(e),
        }
    }
}

impl From<worker::Error> for Refusal {
    fn from(e: worker::Error) -> Self {
        Refusal::Failed(e)
    }
}

impl From<serde_json::Error> for Refusal {
    fn from(e: serde_json::Error) -> Self {
        Refusal::Failed(e.into())
    }
}

impl From<ProtocolError> for Refusal {
    fn from(e: ProtocolError) -> Self {
        Refusal::Refused {
            code: e.code,
            message: e.message,
        }
    }
}

/// Turns a handler's refusal into its response: the router's one place for it.
pub async fn answer(
    handled: impl std::future::Future<Output = Handled>,
) -> worker::Result<Response> {
    handled.await.or_else(Refusal::into_response)
}
