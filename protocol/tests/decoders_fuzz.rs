//! Every decoder of client input, fed arbitrary and near-valid input: none panics, and every
//! refusal is a clear error. Runs `PROPTEST_CASES` cases each (2,000 by default here); a longer
//! run: `PROPTEST_CASES=200000 cargo test --release -p protocol --test decoders_fuzz`.

use proptest::prelude::*;
use protocol::decode::{decode_body, decode_command, decode_inbox_command};
use protocol::history::HistoryQuery;
use protocol::visitors::{describe_user_agent, PageView, PresenceCommand};
use protocol::{ConversationCommand, ErrorCode, SiteSettings};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig::with_cases(cases)
}

/// JSON-ish text: objects with known command types and random fields of random kinds.
fn near_valid_frame() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(ConversationCommand::TYPES.to_vec());
    let value = prop_oneof![
        any::<String>().prop_map(serde_json::Value::String),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<bool>().prop_map(|b| serde_json::json!(b)),
        Just(serde_json::Value::Null),
        prop::collection::vec(any::<u8>(), 0..4).prop_map(|v| serde_json::json!(v)),
    ];
    let field = prop::sample::select(vec![
        "client_id",
        "text",
        "typing",
        "contact",
        "items",
        "id",
        "score",
        "comment",
        "email",
        "phone",
        "seq",
        "operator",
        "to",
        "note",
        "attachment",
    ]);
    (kind, prop::collection::vec((field, value), 0..5)).prop_map(|(kind, fields)| {
        let mut object = serde_json::Map::new();
        object.insert("type".into(), kind.into());
        for (k, v) in fields {
            object.insert(k.into(), v);
        }
        serde_json::Value::Object(object).to_string()
    })
}

const CLEAR_CODES: [ErrorCode; 5] = [
    ErrorCode::MalformedFrame,
    ErrorCode::UnknownType,
    ErrorCode::TooLarge,
    ErrorCode::InvalidField,
    ErrorCode::UnsupportedType,
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn conversation_frames_never_panic(frame in any::<String>()) {
        if let Err(e) = decode_command(&frame) {
            prop_assert!(CLEAR_CODES.contains(&e.code), "{:?}", e);
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn near_valid_conversation_frames_never_panic(frame in near_valid_frame()) {
        match decode_command(&frame) {
            Ok(command) => {
                // What decodes encodes back and decodes to the same command.
                let again = decode_command(&command.to_frame());
                prop_assert_eq!(again.ok(), Some(command));
            }
            Err(e) => prop_assert!(CLEAR_CODES.contains(&e.code), "{:?}", e),
        }
    }

    #[test]
    fn inbox_frames_never_panic(frame in any::<String>()) {
        let _ = decode_inbox_command(&frame);
    }

    #[test]
    fn http_bodies_never_panic(body in any::<String>()) {
        let _ = decode_body::<protocol::VisitorSessionRequest>(&body);
        let _ = decode_body::<protocol::SignInRequest>(&body);
        let _ = decode_body::<protocol::NewOperator>(&body).map(|o| o.validate());
        let _ = decode_body::<protocol::webhooks::NewWebhook>(&body).map(|w| w.validate(false));
        let _ = decode_body::<protocol::rest::NewApiKey>(&body).map(|k| k.validate());
        let _ = decode_body::<protocol::rest::CustomDataUpdate>(&body)
            .map(|u| protocol::conversation::custom_data(&u.items));
        if let Ok(settings) = serde_json::from_str::<SiteSettings>(&body) {
            let _ = settings.validate();
        }
    }

    #[test]
    fn webhook_urls_never_panic(url in any::<String>(), dev in any::<bool>()) {
        let hook = protocol::webhooks::NewWebhook { url, events: vec![protocol::webhooks::WebhookEvent::ChatRated] };
        let _ = hook.validate(dev);
    }

    #[test]
    fn history_queries_never_panic(pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..6)) {
        let _ = HistoryQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }

    #[test]
    fn page_views_never_panic(url in any::<String>(), title in any::<String>(), referrer in any::<String>(), n in any::<u32>()) {
        let page = PageView { url, title, referrer, landing_url: String::new(), pages_viewed: n, visit_number: n, visit_started_at: 0 };
        if let Ok(page) = page.validated() {
            prop_assert!(page.url.chars().count() <= protocol::visitors::MAX_URL_CHARS);
            let _ = page.utm();
        }
        let _ = serde_json::from_str::<PresenceCommand>(&format!("{{\"type\":\"page\",\"page\":{}}}", n));
    }

    #[test]
    fn user_agents_never_panic(ua in any::<String>()) {
        let (browser, os) = describe_user_agent(&ua);
        prop_assert!(!browser.is_empty() && !os.is_empty());
    }

    #[test]
    fn uploads_and_photos_never_panic(name in any::<String>(), kind in prop::sample::select(vec!["image/png", "image/jpeg", "image/webp", "text/plain", "application/pdf", "x/y"]), bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let types: Vec<String> = protocol::files::ALLOWED_TYPES.iter().map(|t| t.to_string()).collect();
        let policy = protocol::files::UploadPolicy { max_bytes: 1024, types: &types };
        let _ = protocol::files::check_upload(&name, kind, &bytes, policy);
        let _ = protocol::files::check_avatar(kind, &bytes);
        let _ = protocol::files::image_size(&bytes);
    }

    #[test]
    fn image_headers_with_valid_magic_never_panic(magic in prop::sample::select(vec![&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &b"\xff\xd8"[..], &b"RIFF\0\0\0\0WEBPVP8X"[..], &b"RIFF\0\0\0\0WEBPVP8 "[..], &b"RIFF\0\0\0\0WEBPVP8L"[..]]), tail in prop::collection::vec(any::<u8>(), 0..64)) {
        let bytes = [magic, &tail[..]].concat();
        let _ = protocol::files::image_size(&bytes);
    }
}
