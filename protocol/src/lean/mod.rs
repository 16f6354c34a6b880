//! Protocol types read and written without serde, for the widget's wasm. serde's derived
//! decoders are instantiated per type and per deserializer: in the page-view module those of the
//! trigger rules alone weighed more than its whole budget (45 KB brotli, all-in), and in the chat
//! window they were a sixth of its code.
//!
//! Readers work over any parsed JSON ([`JsonValue`]): the browser's own `JSON.parse` in the
//! widget and the console (`browser::json::Js`), `serde_json::Value` natively. Tests hold every
//! reader and writer here to the serde form of the same type, which the relay reads and writes,
//! so the two cannot drift apart. A field a reader does not know is ignored; a malformed rule or
//! condition is skipped, never a reason to drop the rest.
//!
//! [`page`] is what every page view needs; [`chat`] is the conversation socket's frames (the chat
//! window's and the console's conversation client's); [`config`] the widget config and the
//! visitor session.

pub mod chat;
pub mod config;
pub mod page;

pub use chat::*;
pub use config::*;
pub use page::*;

/// A parsed JSON value, as far as these readers need one.
pub trait JsonValue: Sized {
    /// The member `key` of an object; `None` when missing or `null`.
    fn field(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The items of an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The members of an object, in order.
    fn entries(&self) -> Option<Vec<(String, Self)>>;

    fn text(&self, key: &str) -> Option<String> {
        self.field(key)?.string()
    }
    fn u32(&self, key: &str) -> Option<u32> {
        let n = self.field(key)?.number()?;
        (n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0).then_some(n as u32)
    }
    fn u8(&self, key: &str) -> Option<u8> {
        u8::try_from(self.u32(key)?).ok()
    }
    fn u64(&self, key: &str) -> Option<u64> {
        let n = self.field(key)?.number()?;
        (n >= 0.0 && n.fract() == 0.0).then_some(n as u64)
    }
    fn flag(&self, key: &str) -> Option<bool> {
        self.field(key)?.boolean()
    }
    /// The member `key` read by `read`; `None` when missing or unreadable.
    fn member<T>(&self, key: &str, read: impl FnOnce(&Self) -> Option<T>) -> Option<T> {
        read(&self.field(key)?)
    }
    fn list<T>(&self, key: &str, item: impl Fn(&Self) -> Option<T>) -> Vec<T> {
        self.field(key)
            .and_then(|list| list.items())
            .map(|items| items.iter().filter_map(item).collect())
            .unwrap_or_default()
    }
    /// An optional text member that must be a string when present: `Some(None)` when absent,
    /// `None` when it is something else (for input a developer typed, where a number in the
    /// place of a name is a mistake to report, not to ignore).
    fn strict_text(&self, key: &str) -> Option<Option<String>> {
        match self.field(key) {
            None => Some(None),
            Some(value) => value.string().map(Some),
        }
    }
}

impl JsonValue for serde_json::Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn entries(&self) -> Option<Vec<(String, Self)>> {
        let object = self.as_object()?;
        Some(object.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }
}

/// Parsed JSON natively (the browser crates' native tests read through it).
pub type NativeJson = serde_json::Value;

/// A parsed text, or `None` when it is not JSON. Natively through `serde_json`; the widget and
/// the console parse with the browser's `JSON.parse` instead (`browser::json::parse`).
pub fn parse_native(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

/// Writes a JSON object, member by member.
pub struct ObjectWriter(String);

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    pub fn new() -> Self {
        ObjectWriter(String::from("{"))
    }

    fn key(&mut self, key: &str) -> &mut Self {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, key);
        self.0.push(':');
        self
    }

    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        quote(&mut self.0, value);
        self
    }

    pub fn number(&mut self, key: &str, value: u64) -> &mut Self {
        self.key(key);
        self.0.push_str(&digits(value));
        self
    }

    pub fn flag(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A member whose value is already JSON.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    pub fn texts(&mut self, key: &str, values: &[String]) -> &mut Self {
        self.key(key);
        self.0.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            quote(&mut self.0, value);
        }
        self.0.push(']');
        self
    }

    /// A text member left out when `None` (serde's `skip_serializing_if = "Option::is_none"`).
    pub fn text_if(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.text(key, value);
        }
        self
    }

    /// A text member written as `null` when `None` (serde's plain `Option`).
    pub fn text_or_null(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// A member whose value is already JSON, left out when `None`.
    pub fn raw_if(&mut self, key: &str, json: Option<String>) -> &mut Self {
        if let Some(json) = json {
            self.raw(key, &json);
        }
        self
    }

    /// A `true` member left out when false (serde's `skip_serializing_if = "Not::not"`).
    pub fn flag_if(&mut self, key: &str, value: bool) -> &mut Self {
        if value {
            self.flag(key, true);
        }
        self
    }

    pub fn finish(&mut self) -> String {
        let mut json = std::mem::take(&mut self.0);
        json.push('}');
        json
    }
}

/// A JSON array of values that are already JSON.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut json = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&item);
    }
    json.push(']');
    json
}

/// Decimal digits without `core::fmt` (which the page-view module otherwise does without).
pub(crate) fn digits(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn quote(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
