//! Structured logs: one JSON object per line (`wrangler tail`, workerd's stdout, any log
//! shipper), for conversation lifecycle events and errors. Only ids, codes and counts: never a
//! message's text, a name, an e-mail address or an IP address.

use serde_json::{Map, Value};

/// `{"ts":…,"level":"info","event":"conversation.started","site":"demo",…}`
pub fn event(name: &str, fields: &[(&str, &str)]) {
    worker::console_log!("{}", line("info", name, fields));
}

/// `{"ts":…,"level":"error","event":"webhook.failed","error":"…",…}`
pub fn error(name: &str, error: &dyn std::fmt::Display, fields: &[(&str, &str)]) {
    let mut all = fields.to_vec();
    let text = error.to_string();
    all.push(("error", &text));
    worker::console_error!("{}", line("error", name, &all));
}

fn line(level: &str, name: &str, fields: &[(&str, &str)]) -> String {
    let mut object = Map::new();
    object.insert("ts".into(), Value::from(crate::http::now_ms()));
    object.insert("level".into(), Value::from(level));
    object.insert("event".into(), Value::from(name));
    for (key, value) in fields {
        object.insert((*key).into(), Value::from(*value));
    }
    Value::Object(object).to_string()
}
