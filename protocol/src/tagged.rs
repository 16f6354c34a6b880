//! The wire's internally tagged enums (`{"type": "welcome", "messages": […]}`) without serde's
//! derive for them. That derive buffers every input into serde's private `Content` tree and
//! instantiates each variant's decoder for it — about a sixth of the widget's wasm. Instead an
//! enum is declared with `#[serde(remote = "Self")]`, so serde derives the externally tagged
//! form (`{"welcome": {"messages": […]}}`, or `"visitor"` for a unit variant) as inherent
//! functions, and [`internally_tagged!`] implements `Serialize` and `Deserialize` by moving
//! the tag between the two forms on a `serde_json::Value`. The JSON on the wire is the same.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Implements the wire form for an enum declared with `#[serde(remote = "Self")]`.
#[macro_export]
macro_rules! internally_tagged {
    ($name:ident, $tag:literal) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let external = $name::serialize(self, serde_json::value::Serializer);
                $crate::tagged::to_wire(external, $tag, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::tagged::from_wire(deserializer, $tag, |external| {
                    $name::deserialize(external)
                })
            }
        }
    };
}

/// Writes the externally tagged `external` with its variant name under `tag` instead.
pub fn to_wire<S: Serializer>(
    external: Result<Value, serde_json::Error>,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let (variant, fields): (String, Map<String, Value>) =
        match external.map_err(S::Error::custom)? {
            Value::String(variant) => (variant, Map::new()),
            Value::Object(outer) if outer.len() == 1 => {
                let (variant, inner) = outer.into_iter().next().expect("one entry");
                match inner {
                    Value::Object(fields) => (variant, fields),
                    _ => return Err(S::Error::custom("a tagged variant must hold named fields")),
                }
            }
            _ => return Err(S::Error::custom("expected an enum variant")),
        };
    // The tag first, as serde writes it (and people read logs); then the fields.
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry(tag, &variant)?;
    for (name, value) in &fields {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// Reads an object whose `tag` names the variant and whose other fields are the variant's.
pub fn from_wire<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    tag: &'static str,
    external: impl Fn(Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    let Value::Object(mut fields) = Value::deserialize(deserializer)? else {
        return Err(D::Error::custom(format!(
            "expected an object with a \"{tag}\""
        )));
    };
    let variant = match fields.remove(tag) {
        Some(Value::String(variant)) => variant,
        Some(_) => return Err(D::Error::custom(format!("\"{tag}\" must be a string"))),
        None => return Err(D::Error::missing_field(tag)),
    };
    // A unit variant is a bare name in the external form. As with serde's own internally
    // tagged enums, fields a variant does not have are ignored — a unit variant's too — and a
    // variant whose fields are all optional may arrive with none.
    let unit = Value::String(variant.clone());
    if fields.is_empty() {
        if let Ok(value) = external(unit.clone()) {
            return Ok(value);
        }
    }
    let mut outer = Map::new();
    outer.insert(variant, Value::Object(fields));
    external(Value::Object(outer))
        .or_else(|error| external(unit).map_err(|_| error))
        .map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use crate::error::{ErrorBody, ErrorCode};
    use crate::events::{Author, ConversationCommand, ConversationEvent};
    use crate::OperatorId;
    use serde_json::json;

    #[test]
    fn unit_struct_and_newtype_variants_keep_their_wire_form() {
        let visitor = serde_json::to_value(Author::Visitor).unwrap();
        assert_eq!(visitor, json!({"kind": "visitor"}));
        let operator = Author::Operator {
            id: OperatorId::parse("op-1").unwrap(),
            name: "Alla".into(),
        };
        let wire = serde_json::to_value(&operator).unwrap();
        assert_eq!(
            wire,
            json!({"kind": "operator", "id": "op-1", "name": "Alla"})
        );
        assert_eq!(serde_json::from_value::<Author>(wire).unwrap(), operator);
        assert_eq!(
            serde_json::from_str::<Author>(r#"{"kind":"visitor"}"#).unwrap(),
            Author::Visitor
        );
        let error = ConversationEvent::Error(ErrorBody::new(ErrorCode::TooLarge, "big"));
        let wire = serde_json::to_value(&error).unwrap();
        assert_eq!(wire["type"], "error");
        assert_eq!(wire["code"], "too_large");
        assert_eq!(
            serde_json::from_value::<ConversationEvent>(wire).unwrap(),
            error
        );
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let missing = serde_json::from_str::<ConversationCommand>(r#"{"text":"hi"}"#);
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("missing field `type`"));
        let unknown = serde_json::from_str::<ConversationCommand>(r#"{"type":"fly"}"#);
        assert!(unknown
            .unwrap_err()
            .to_string()
            .contains("unknown variant `fly`"));
        let with_extra = serde_json::from_str::<ConversationCommand>(r#"{"type":"close","why":1}"#);
        assert_eq!(
            with_extra.unwrap(),
            ConversationCommand::Close,
            "unknown fields are ignored"
        );
        let not_object = serde_json::from_str::<Author>(r#""visitor""#);
        assert!(not_object.is_err());
        let wrong_field =
            serde_json::from_str::<ConversationCommand>(r#"{"type":"send","text":5}"#);
        assert!(wrong_field.is_err());
    }
}
