//! JSON decoding for the widget, through `serde_json::Value`: every type's decoder is then
//! instantiated for one deserializer (the tree) instead of also for the text parser, which
//! makes the wasm smaller.

use serde::de::DeserializeOwned;

pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(text).and_then(T::deserialize)
}
