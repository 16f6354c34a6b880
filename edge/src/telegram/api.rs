//! Calls to the Telegram Bot API (`TELEGRAM_API_URL`/bot<token>/<method>) and what their
//! answers mean for a message waiting to go out: taken, wait as told (429 `retry_after`), try
//! again later (5xx, no answer), or refused for good (any other 4xx, with Telegram's reason).

use crate::http;
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::JsValue;
use worker::{Env, Headers, Method, Request, RequestInit, Result};

/// How long the Bot API may take to answer one call.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// What came of one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Its `result`.
    Done(Value),
    /// Flood control: try again after this many seconds (everything of this bot waits).
    WaitSeconds(u64),
    /// Worth trying again later: 5xx, no answer, an answer that is not the Bot API's.
    Later(String),
    /// Refused for good: the token is revoked, the user blocked the bot, the message is gone…
    Refused(String),
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

/// Reads the Bot API's answer: its status and its JSON envelope.
pub fn classify(status: u16, body: &str) -> Answer {
    let envelope: Option<Envelope> = serde_json::from_str(body).ok();
    let reason = |fallback: String| {
        envelope
            .as_ref()
            .and_then(|e| e.description.clone())
            .map(|d| d.chars().take(200).collect())
            .unwrap_or(fallback)
    };
    match (status, &envelope) {
        (
            200..=299,
            Some(Envelope {
                ok: true, result, ..
            }),
        ) => Answer::Done(result.clone().unwrap_or(Value::Null)),
        (429, _) => {
            let wait = envelope
                .as_ref()
                .and_then(|e| e.parameters.as_ref())
                .and_then(|p| p.retry_after)
                .unwrap_or(5);
            // A wait longer than an hour is Telegram's business, not a reason to hold the
            // queue all day: the outbox's own schedule takes over.
            Answer::WaitSeconds(wait.clamp(1, 3_600))
        }
        (500..=599, _) | (_, None) => Answer::Later(reason(format!("Telegram answered {status}"))),
        _ => Answer::Refused(reason(format!("Telegram answered {status}"))),
    }
}

/// One bot: where its API is and its token (checked by `protocol::channels::check_bot_token`).
pub struct BotApi {
    base: String,
    token: String,
}

impl BotApi {
    pub fn new(env: &Env, token: &str) -> Result<Self> {
        protocol::channels::check_bot_token(token)
            .map_err(|e| worker::Error::RustError(e.message))?;
        Ok(Self {
            base: crate::config::of(env)?.telegram_api_url.clone(),
            token: token.to_owned(),
        })
    }

    fn url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base, self.token)
    }

    /// A method with a JSON body.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Answer> {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(worker::RequestRedirect::Manual)
            .with_body(Some(JsValue::from_str(&body.to_string())));
        self.send(Request::new_with_init(&self.url(method), &init)?)
            .await
    }

    /// A method with a file: `field` holds `bytes` named `name`; `fields` are the rest.
    pub async fn upload(
        &self,
        method: &str,
        fields: &[(&str, String)],
        field: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Answer> {
        let failed = |_| worker::Error::RustError("could not make the file's body".into());
        let form = web_sys::FormData::new().map_err(failed)?;
        for (key, value) in fields {
            form.append_with_str(key, value).map_err(failed)?;
        }
        let array = js_sys::Uint8Array::from(bytes);
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(content_type);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
            &js_sys::Array::of1(&array),
            &options,
        )
        .map_err(failed)?;
        form.append_with_blob_and_filename(field, &blob, name)
            .map_err(failed)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_redirect(worker::RequestRedirect::Manual)
            .with_body(Some(form.into()));
        self.send(Request::new_with_init(&self.url(method), &init)?)
            .await
    }

    async fn send(&self, request: Request) -> Result<Answer> {
        match http::send_within(request, TIMEOUT).await {
            Ok(mut response) => {
                let status = response.status_code();
                let body = response.text().await.unwrap_or_default();
                Ok(classify(status, &body))
            }
            Err(why) => Ok(Answer::Later(why)),
        }
    }

    /// The bytes of a file a user sent (`getFile`, then its download address), at most
    /// `most` bytes; `Err(why)` when it cannot be had.
    pub async fn download(
        &self,
        file_id: &str,
        most: usize,
    ) -> Result<std::result::Result<Vec<u8>, String>> {
        let answer = self
            .call("getFile", &serde_json::json!({ "file_id": file_id }))
            .await?;
        let path = match answer {
            Answer::Done(file) => file
                .get("file_path")
                .and_then(Value::as_str)
                .map(str::to_owned),
            Answer::Refused(why) | Answer::Later(why) => return Ok(Err(why)),
            Answer::WaitSeconds(_) => return Ok(Err("Telegram asked to wait".into())),
        };
        // A path from Telegram, placed in our address: only plain path characters.
        let Some(path) = path.filter(|p| {
            !p.contains("..")
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'))
        }) else {
            return Ok(Err("Telegram gave no way to download the file".into()));
        };
        let url = format!("{}/file/bot{}/{path}", self.base, self.token);
        let mut init = RequestInit::new();
        init.with_method(Method::Get)
            .with_redirect(worker::RequestRedirect::Manual);
        let request = Request::new_with_init(&url, &init)?;
        let mut response = match http::send_within(request, TIMEOUT).await {
            Ok(response) if response.status_code() == 200 => response,
            Ok(response) => {
                return Ok(Err(format!("Telegram answered {}", response.status_code())))
            }
            Err(why) => return Ok(Err(why)),
        };
        let bytes = response.bytes().await?;
        if bytes.len() > most {
            return Ok(Err("the file is too large".into()));
        }
        Ok(Ok(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_taken_waited_for_retried_or_refused() {
        assert_eq!(
            classify(200, r#"{"ok":true,"result":{"message_id":5}}"#),
            Answer::Done(serde_json::json!({"message_id": 5}))
        );
        assert_eq!(
            classify(
                429,
                r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#
            ),
            Answer::WaitSeconds(3)
        );
        assert_eq!(classify(429, "busy"), Answer::WaitSeconds(5));
        assert_eq!(
            classify(502, "<html>Bad Gateway</html>"),
            Answer::Later("Telegram answered 502".into())
        );
        assert_eq!(
            classify(200, "<html>a proxy's page</html>"),
            Answer::Later("Telegram answered 200".into())
        );
        assert_eq!(
            classify(
                403,
                r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#
            ),
            Answer::Refused("Forbidden: bot was blocked by the user".into())
        );
    }
}
