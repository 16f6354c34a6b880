//! Small helpers for JSON responses, API errors and internal requests to Durable Objects.

use protocol::{ErrorBody, ErrorCode, ProtocolError};
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{Headers, Method, Request, RequestInit, Response, Result, Stub};

pub fn status_of(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::MalformedFrame | ErrorCode::UnknownType | ErrorCode::InvalidField => 400,
        ErrorCode::Unauthorized => 401,
        ErrorCode::Forbidden => 403,
        ErrorCode::NotFound => 404,
        ErrorCode::Conflict | ErrorCode::ContactRequired | ErrorCode::DepartmentRequired => 409,
        ErrorCode::AlreadyRated => 409,
        ErrorCode::TooLarge => 413,
        ErrorCode::UnsupportedType => 415,
        ErrorCode::RateLimited => 429,
        ErrorCode::Internal => 500,
    }
}

/// A JSON error response: `{"code": "...", "message": "..."}` with the matching HTTP status.
pub fn error(code: ErrorCode, message: impl Into<String>) -> Result<Response> {
    Ok(Response::from_json(&ErrorBody::new(code, message))?.with_status(status_of(code)))
}

pub fn protocol_error(e: ProtocolError) -> Result<Response> {
    error(e.code, e.message)
}

pub fn json<T: Serialize>(value: &T) -> Result<Response> {
    Response::from_json(value)
}

/// Visitor endpoints are called from any site's pages. Tokens travel in bodies, never cookies,
/// so a wildcard origin exposes nothing; allowed origins per site come with the abuse limits.
pub fn with_cors(mut response: Response) -> Result<Response> {
    let headers = response.headers_mut();
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Content-Type, Authorization, X-File-Name",
    )?;
    headers.set("Access-Control-Max-Age", "86400")?;
    Ok(response)
}

/// Reads a request body as text, refusing it before buffering when the declared length is over
/// the limit and after buffering when it lied.
pub async fn body_text(req: &mut Request) -> std::result::Result<String, ProtocolError> {
    let limit = protocol::limits::MAX_HTTP_BODY_BYTES;
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = |n: usize| {
        ProtocolError::new(
            ErrorCode::TooLarge,
            format!("body of {n} bytes exceeds {limit}"),
        )
    };
    if let Some(n) = declared.filter(|n| *n > limit) {
        return Err(too_large(n));
    }
    let text = req.text().await.map_err(|e| {
        ProtocolError::new(ErrorCode::MalformedFrame, format!("unreadable body: {e}"))
    })?;
    if text.len() > limit {
        return Err(too_large(text.len()));
    }
    Ok(text)
}

/// Reads and decodes a JSON body within the size limit.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    req: &mut Request,
) -> std::result::Result<T, ProtocolError> {
    protocol::decode::decode_body(&body_text(req).await?)
}

/// Header names of requests from the router to a Durable Object. Only the router builds these
/// requests (clients cannot reach an object directly), so objects trust them.
pub mod internal {
    pub const SITE: &str = "x-consultant-site";
    pub const CONVERSATION: &str = "x-consultant-conversation";
    /// The visitor's IP address, as Cloudflare reports it (`CF-Connecting-IP`).
    pub const IP: &str = "x-consultant-ip";
    /// A [`crate::participant::Participant`], base64url JSON (names may be non-Latin).
    pub const PARTICIPANT: &str = "x-consultant-participant";
}

/// Sends a request to a Durable Object. `path` starts with `/`; `body` is JSON when present.
pub async fn call_object(
    stub: &Stub,
    method: Method,
    path: &str,
    headers: Headers,
    body: Option<String>,
) -> Result<Response> {
    if body.is_some() {
        headers.set("Content-Type", "application/json")?;
    }
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(headers)
        .with_body(body.map(|b| JsValue::from_str(&b)));
    let request = Request::new_with_init(&format!("https://object{path}"), &init)?;
    stub.fetch_with_request(request).await
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}
