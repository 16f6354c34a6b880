//! JSON over `fetch`.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// An HTTP answer: the status and the body text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What a refusal says to a person: the relay's `ErrorBody` message, else the body as it came.
    pub fn error_message(&self) -> String {
        crate::json::read(&self.body, protocol::lean::error_body)
            .map_or_else(|| self.body.clone(), |e| e.message)
    }
}

/// POSTs `body` as JSON. Err only when the request could not be made at all (offline, CORS).
pub async fn post_json(url: &str, body: &str) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("Content-Type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    fetch(url, &init).await
}

/// POSTs raw bytes (a `File` or `Blob`) with the given headers.
pub async fn post_body(
    url: &str,
    body: &JsValue,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    send_body("POST", url, body, headers).await
}

/// Sends raw bytes (a `File` or `Blob`) with any method and the given headers.
pub async fn send_body(
    method: &str,
    url: &str,
    body: &JsValue,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_body(body);
    let h = web_sys::Headers::new().map_err(describe)?;
    for (name, value) in headers {
        h.set(name, value).map_err(describe)?;
    }
    init.set_headers(&h);
    fetch(url, &init).await
}

/// Any method with optional JSON body and extra headers (e.g. `Authorization`).
pub async fn request(
    method: &str,
    url: &str,
    json_body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let h = web_sys::Headers::new().map_err(describe)?;
    if let Some(body) = json_body {
        init.set_body(&JsValue::from_str(body));
        h.set("Content-Type", "application/json")
            .map_err(describe)?;
    }
    for (name, value) in headers {
        h.set(name, value).map_err(describe)?;
    }
    init.set_headers(&h);
    fetch(url, &init).await
}

/// GETs `url` with `headers` (e.g. `Authorization`) and answers an object URL of the body, for
/// an `<img src>` or a download link; the caller revokes it when done.
pub async fn fetch_blob_url(url: &str, headers: &[(&str, &str)]) -> Result<String, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let h = web_sys::Headers::new().map_err(describe)?;
    for (name, value) in headers {
        h.set(name, value).map_err(describe)?;
    }
    init.set_headers(&h);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(describe)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(describe)?)
        .await
        .map_err(describe)?
        .unchecked_into();
    web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)
}

/// GETs `url`.
pub async fn get(url: &str) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    fetch(url, &init).await
}

async fn fetch(url: &str, init: &web_sys::RequestInit) -> Result<Answer, String> {
    let request = web_sys::Request::new_with_str_and_init(url, init).map_err(describe)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(describe)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(Answer {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
    })
}

fn describe(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|err| String::from(err.message()))
        })
        .unwrap_or_else(|| "network error".into())
}

/// Uploads a file to the relay's `…/files` endpoint with a bearer token. Ok: the response body
/// (the attachment as JSON). Err: the relay's error message, or why the request failed.
pub async fn upload_file(url: &str, token: &str, file: &web_sys::File) -> Result<String, String> {
    let auth = format!("Bearer {token}");
    let name = crate::encode_component(&file.name());
    let content_type = file.type_();
    let answer = post_body(
        url,
        file,
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", content_type.as_str()),
            ("X-File-Name", name.as_str()),
        ],
    )
    .await?;
    if answer.ok() {
        return Ok(answer.body);
    }
    // Error bodies are `{"code": …, "message": …}`.
    let message = js_sys::JSON::parse(&answer.body)
        .ok()
        .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("message")).ok())
        .and_then(|m| m.as_string())
        .unwrap_or(answer.body);
    Err(message)
}
