//! `protocol::lean`'s readers over the browser's own `JSON.parse`: no JSON codec compiled in.

use js_sys::{Array, Object, Reflect};
use protocol::lean::JsonValue;
use wasm_bindgen::{JsCast, JsValue};

pub struct Js(pub JsValue);

impl JsonValue for Js {
    fn field(&self, key: &str) -> Option<Self> {
        // Reflect.get throws on a primitive: then there is no such member.
        let value = Reflect::get(&self.0, &JsValue::from_str(key)).ok()?;
        (!value.is_null() && !value.is_undefined()).then_some(Js(value))
    }
    fn string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn items(&self) -> Option<Vec<Self>> {
        Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(Js).collect())
    }
    fn entries(&self) -> Option<Vec<(String, Self)>> {
        let object = self
            .0
            .dyn_ref::<Object>()
            .filter(|_| !Array::is_array(&self.0))?;
        let entries = Object::entries(object);
        let pairs = entries.iter().map(|entry| {
            let pair = Array::from(&entry);
            (pair.get(0).as_string().unwrap_or_default(), Js(pair.get(1)))
        });
        Some(pairs.collect())
    }
}

/// Parsed JSON: the browser's own in wasm; natively (the crate's tests) `serde_json`'s.
#[cfg(target_arch = "wasm32")]
pub type Parsed = Js;
#[cfg(not(target_arch = "wasm32"))]
pub type Parsed = protocol::lean::NativeJson;

/// `None` when `text` is not JSON.
pub fn parse(text: &str) -> Option<Parsed> {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JSON::parse(text).ok().map(Js);
    #[cfg(not(target_arch = "wasm32"))]
    return protocol::lean::parse_native(text);
}

/// `text` parsed and read by one of `protocol::lean`'s readers; `None` when it is not JSON or
/// not what `read` expects.
pub fn read<T>(text: &str, read: impl FnOnce(&Parsed) -> Option<T>) -> Option<T> {
    read(&parse(text)?)
}

/// A member of a JS object as a string.
pub fn text_field(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// Which site's widget this is, where its relay is, in which language: what both widget
/// modules are started with (`{ site, relay, lang }`).
pub struct Placement {
    pub site: protocol::SiteId,
    pub relay: String,
    pub locale: protocol::Locale,
}

impl Placement {
    pub fn read(options: &JsValue) -> Result<Placement, JsValue> {
        let site = text_field(options, "site")
            .and_then(|s| protocol::SiteId::parse(s).ok())
            .ok_or_else(|| JsValue::from_str("data-site is missing or invalid"))?;
        let relay = text_field(options, "relay")
            .ok_or_else(|| JsValue::from_str("relay origin is missing"))?;
        let locale = text_field(options, "lang")
            .and_then(|l| protocol::Locale::from_tag(&l))
            .unwrap_or_default();
        Ok(Placement {
            site,
            relay,
            locale,
        })
    }
}
