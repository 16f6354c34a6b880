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
        ErrorCode::AlreadyRated | ErrorCode::ConsentRequired => 409,
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

/// Headers for a file people uploaded, served back as it is: its type, never sniffed into
/// another, sandboxed (an HTML or SVG file runs no script), loadable by the widget from other
/// origins, and `cache` as the caller allows.
pub fn stored_file_headers(content_type: &str, cache: &str) -> Result<Headers> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Content-Security-Policy", "default-src 'none'; sandbox")?;
    headers.set("Cache-Control", cache)?;
    headers.set("Cross-Origin-Resource-Policy", "cross-origin")?;
    Ok(headers)
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

/// What every API answer carries: not to be sniffed, cached or referred from. A socket's
/// upgrade passes as it is; headers a handler set (a file's own CSP) are kept.
pub fn with_security_headers(response: Response) -> Result<Response> {
    if response.status_code() == 101 {
        return Ok(response);
    }
    // Answers of Durable Objects have immutable headers: copy them into new ones.
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        headers.append(&name, &value)?;
    }
    for (name, value) in [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ] {
        if !headers.has(name)? {
            headers.set(name, value)?;
        }
    }
    Ok(response.with_headers(headers))
}

/// Reads a request body of at most `limit` bytes: refused before reading when the declared
/// `Content-Length` is over it, and while reading (never buffered whole) when there is none
/// or it lied. The rest of an oversized body is read and dropped, up to `MAX_DRAIN_BYTES`
/// (answering before the body is consumed breaks the connection for the next request under
/// `wrangler dev`), then cancelled.
pub async fn read_capped(
    req: &mut Request,
    limit: usize,
    too_large: impl Fn() -> String,
) -> std::result::Result<Vec<u8>, ProtocolError> {
    use wasm_bindgen::JsCast;
    let refuse = || ProtocolError::new(ErrorCode::TooLarge, too_large());
    let unreadable = |e: JsValue| {
        ProtocolError::new(ErrorCode::MalformedFrame, format!("unreadable body: {e:?}"))
    };
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(refuse());
    }
    let Some(stream) = req.inner().body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    loop {
        let step = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(unreadable)?;
        let field = |name: &str| js_sys::Reflect::get(&step, &JsValue::from_str(name));
        if field("done").map_err(unreadable)?.as_bool().unwrap_or(true) {
            return Ok(body);
        }
        let chunk: js_sys::Uint8Array = field("value").map_err(unreadable)?.unchecked_into();
        if body.len() + chunk.length() as usize > limit {
            drain(&reader).await;
            return Err(refuse());
        }
        body.extend_from_slice(&chunk.to_vec());
    }
}

/// The most of an oversized body read (and dropped) before the stream is cancelled.
const MAX_DRAIN_BYTES: u64 = 64 * 1024 * 1024;

async fn drain(reader: &web_sys::ReadableStreamDefaultReader) {
    use wasm_bindgen::JsCast;
    let mut drained = 0u64;
    while drained < MAX_DRAIN_BYTES {
        let Ok(step) = wasm_bindgen_futures::JsFuture::from(reader.read()).await else {
            return;
        };
        let field = |name: &str| js_sys::Reflect::get(&step, &JsValue::from_str(name));
        if field("done").ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return;
        }
        drained += field("value").ok().map_or(0, |v| {
            v.unchecked_into::<js_sys::Uint8Array>().length() as u64
        });
    }
    let _ = wasm_bindgen_futures::JsFuture::from(reader.cancel()).await;
}

/// Reads a JSON request body as text within `MAX_HTTP_BODY_BYTES`.
pub async fn body_text(req: &mut Request) -> std::result::Result<String, ProtocolError> {
    let limit = protocol::limits::MAX_HTTP_BODY_BYTES;
    let bytes = read_capped(req, limit, || {
        format!("a request body may be at most {limit} bytes")
    })
    .await?;
    String::from_utf8(bytes)
        .map_err(|_| ProtocolError::new(ErrorCode::MalformedFrame, "the body is not UTF-8 text"))
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
    /// An operator's session and its end (`objects::revoke::SocketSession`), for his sockets.
    pub const SESSION: &str = "x-consultant-session";
}

/// The route an object's request carries: one JSON body (each object's `link.rs`).
pub async fn read_route<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T> {
    let body = req.text().await?;
    serde_json::from_str(&body).map_err(|e| worker::Error::RustError(e.to_string()))
}

/// An object's answer when it is a success; otherwise an error with the object's words for it.
pub async fn expect_success(mut answer: Response) -> Result<Response> {
    if (200..300).contains(&answer.status_code()) {
        return Ok(answer);
    }
    let status = answer.status_code();
    let why = answer
        .json::<ErrorBody>()
        .await
        .map(|e| e.message)
        .unwrap_or_default();
    Err(worker::Error::RustError(format!(
        "answered {status}: {why}"
    )))
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

/// A query parameter of a request, if it has one.
pub fn query(req: &Request, key: &str) -> Result<Option<String>> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned()))
}

/// Every query parameter of a request, in order.
pub fn query_pairs(req: &Request) -> Result<Vec<(String, String)>> {
    Ok(req.url()?.query_pairs().into_owned().collect())
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

/// "No bound" for a SQL parameter: the largest integer JavaScript holds exactly (SQL values
/// cross into JS; `i64::MAX` would be rounded, with a warning in the log that breaks its
/// one-JSON-object-per-line form).
pub const NO_LIMIT: i64 = (1 << 53) - 1;

/// The relay's address for links it hands out (reset mails, Telegram's webhook, transcripts):
/// `PUBLIC_ORIGIN` when set, since a `Host` header is the asker's to choose; else the request's.
pub fn public_origin(req: &Request, env: &worker::Env) -> Result<String> {
    match &crate::config::of(env)?.public_origin {
        Some(origin) => Ok(origin.clone()),
        None => Ok(req.url()?.origin().ascii_serialization()),
    }
}

pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Sends a request out of the relay, giving up after `timeout`. `Err` says why there was no
/// answer in words an owner can act on (the runtime's own error may name internals).
pub async fn send_within(
    request: Request,
    timeout: std::time::Duration,
) -> std::result::Result<Response, String> {
    let controller = worker::AbortController::default();
    let signal = controller.signal();
    wasm_bindgen_futures::spawn_local(async move {
        worker::Delay::from(timeout).await;
        controller.abort();
    });
    match worker::Fetch::Request(request)
        .send_with_signal(&signal)
        .await
    {
        Ok(response) => Ok(response),
        Err(_) if signal.aborted() => Err(format!("no answer within {} s", timeout.as_secs())),
        Err(_) => Err("could not connect".into()),
    }
}
