//! `protocol::lean`'s readers over the browser's own `JSON.parse` (no JSON codec in this module).

use js_sys::{Array, Reflect};
use protocol::lean::JsonValue;
use wasm_bindgen::JsValue;

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
}

pub fn parse(text: &str) -> Option<Js> {
    js_sys::JSON::parse(text).ok().map(Js)
}
