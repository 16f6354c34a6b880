//! What an update from Telegram means for the chat, read from its JSON (the Bot API's
//! `Update`): a private message (text, a photo, a document) or a press on a rating button.
//! Everything else — groups, channels, edits, other bots — is acknowledged and left alone.

use serde::Deserialize;

#[derive(Deserialize)]
struct Update {
    update_id: i64,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    callback_query: Option<CallbackQuery>,
}

#[derive(Deserialize)]
struct Message {
    message_id: i64,
    chat: Chat,
    #[serde(default)]
    from: Option<User>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    /// Sizes of one photo, smallest first.
    #[serde(default)]
    photo: Vec<PhotoSize>,
    #[serde(default)]
    document: Option<Document>,
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
}

/// Who wrote, as Telegram shows him.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

impl User {
    /// "First Last", as the visitor card shows it.
    pub fn full_name(&self) -> String {
        let mut name = self.first_name.trim().to_owned();
        if let Some(last) = self.last_name.as_deref().map(str::trim) {
            if !last.is_empty() {
                if !name.is_empty() {
                    name.push(' ');
                }
                name.push_str(last);
            }
        }
        name.chars()
            .take(protocol::limits::MAX_NAME_CHARS)
            .collect()
    }

    /// Russian for users whose Telegram is in Russian (and its neighbours' languages that
    /// read it more often than English), English otherwise.
    pub fn locale(&self) -> protocol::Locale {
        match self.language_code.as_deref() {
            Some(code) if ["ru", "uk", "be", "kk"].iter().any(|l| code.starts_with(l)) => {
                protocol::Locale::Ru
            }
            _ => protocol::Locale::En,
        }
    }
}

#[derive(Deserialize)]
struct PhotoSize {
    file_id: String,
    #[serde(default)]
    file_size: Option<u64>,
}

#[derive(Deserialize)]
struct Document {
    file_id: String,
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    file_size: Option<u64>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    id: String,
    from: User,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    data: Option<String>,
}

/// A file the message carries, to fetch with `getFile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingFile {
    pub file_id: String,
    pub name: String,
    pub content_type: String,
    /// As Telegram states it (checked again on the bytes).
    pub size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A private message to the bot.
    Message {
        message_id: i64,
        chat_id: i64,
        from: User,
        text: String,
        file: Option<IncomingFile>,
    },
    /// A rating button of the survey was pressed.
    Rating {
        callback_id: String,
        chat_id: i64,
        /// The survey's own message, whose buttons are then taken away.
        message_id: Option<i64>,
        from: User,
        score: u8,
    },
    /// Acknowledged and left alone, with why (for the log).
    Ignored(&'static str),
}

/// The callback data of a rating button.
pub fn rating_data(score: u8) -> String {
    format!("rate:{score}")
}

/// Reads one update; `None` when it is not an update at all.
pub fn read(body: &str) -> Option<(i64, Incoming)> {
    let update: Update = serde_json::from_str(body).ok()?;
    let incoming = if let Some(message) = update.message {
        message_of(message)
    } else if let Some(query) = update.callback_query {
        rating_of(query)
    } else {
        Incoming::Ignored("not a message")
    };
    Some((update.update_id, incoming))
}

fn message_of(message: Message) -> Incoming {
    let Some(from) = message.from.filter(|f| !f.is_bot) else {
        return Incoming::Ignored("not from a person");
    };
    if message.chat.kind != "private" || message.chat.id != from.id {
        return Incoming::Ignored("not a private chat");
    }
    let text = message.text.or(message.caption).unwrap_or_default();
    // The largest size of a photo; Telegram names none, so one is made from the message.
    let file = match (message.document, message.photo.into_iter().last()) {
        (Some(doc), _) => Some(IncomingFile {
            name: doc
                .file_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "file".into()),
            content_type: doc
                .mime_type
                .unwrap_or_else(|| "application/octet-stream".into()),
            file_id: doc.file_id,
            size: doc.file_size,
        }),
        (None, Some(photo)) => Some(IncomingFile {
            file_id: photo.file_id,
            name: format!("photo-{}.jpg", message.message_id),
            content_type: "image/jpeg".into(),
            size: photo.file_size,
        }),
        (None, None) => None,
    };
    if text.trim().is_empty() && file.is_none() {
        // Stickers, voice, locations…: not something the chat can show yet.
        return Incoming::Ignored("no text or file");
    }
    Incoming::Message {
        message_id: message.message_id,
        chat_id: message.chat.id,
        from,
        text,
        file,
    }
}

fn rating_of(query: CallbackQuery) -> Incoming {
    let score = query
        .data
        .as_deref()
        .and_then(|d| d.strip_prefix("rate:"))
        .and_then(|s| s.parse::<u8>().ok());
    let Some(score) = score else {
        return Incoming::Ignored("not a rating button");
    };
    Incoming::Rating {
        callback_id: query.id,
        chat_id: query.from.id,
        message_id: query.message.map(|m| m.message_id),
        from: query.from,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IVAN: &str = r#"{"id": 42, "is_bot": false, "first_name": "Иван", "last_name": "Петров", "username": "ivan", "language_code": "ru"}"#;

    fn update(inner: &str) -> String {
        format!(r#"{{"update_id": 7, {inner}}}"#)
    }

    #[test]
    fn a_private_text_message() {
        let body = update(&format!(
            r#""message": {{"message_id": 5, "chat": {{"id": 42, "type": "private"}}, "from": {IVAN}, "text": "Здравствуйте"}}"#
        ));
        let (id, incoming) = read(&body).unwrap();
        assert_eq!(id, 7);
        let Incoming::Message {
            chat_id,
            from,
            text,
            file,
            ..
        } = incoming
        else {
            panic!("{incoming:?}")
        };
        assert_eq!((chat_id, text.as_str(), file), (42, "Здравствуйте", None));
        assert_eq!(from.full_name(), "Иван Петров");
        assert_eq!(from.locale(), protocol::Locale::Ru);
    }

    #[test]
    fn the_largest_photo_with_its_caption_and_a_named_document() {
        let body = update(&format!(
            r#""message": {{"message_id": 9, "chat": {{"id": 42, "type": "private"}}, "from": {IVAN}, "caption": "see", "photo": [{{"file_id": "small", "file_size": 10}}, {{"file_id": "big", "file_size": 900}}]}}"#
        ));
        let Some((_, Incoming::Message { text, file, .. })) = read(&body) else {
            panic!()
        };
        assert_eq!(text, "see");
        let file = file.unwrap();
        assert_eq!((file.file_id.as_str(), file.size), ("big", Some(900)));
        assert_eq!(file.content_type, "image/jpeg");
        let body = update(&format!(
            r#""message": {{"message_id": 9, "chat": {{"id": 42, "type": "private"}}, "from": {IVAN}, "document": {{"file_id": "d", "file_name": "order.pdf", "mime_type": "application/pdf"}}}}"#
        ));
        let Some((_, Incoming::Message { text, file, .. })) = read(&body) else {
            panic!()
        };
        assert_eq!(text, "");
        assert_eq!(file.unwrap().name, "order.pdf");
    }

    #[test]
    fn groups_bots_stickers_and_others_are_left_alone() {
        let group = update(&format!(
            r#""message": {{"message_id": 1, "chat": {{"id": -100, "type": "group"}}, "from": {IVAN}, "text": "hi"}}"#
        ));
        assert_eq!(
            read(&group).unwrap().1,
            Incoming::Ignored("not a private chat")
        );
        let bot = update(
            r#""message": {"message_id": 1, "chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": true, "first_name": "B"}, "text": "hi"}"#,
        );
        assert_eq!(
            read(&bot).unwrap().1,
            Incoming::Ignored("not from a person")
        );
        let sticker = update(&format!(
            r#""message": {{"message_id": 1, "chat": {{"id": 42, "type": "private"}}, "from": {IVAN}, "sticker": {{"file_id": "s"}}}}"#
        ));
        assert_eq!(
            read(&sticker).unwrap().1,
            Incoming::Ignored("no text or file")
        );
        let edit = update(r#""edited_message": {}"#);
        assert_eq!(read(&edit).unwrap().1, Incoming::Ignored("not a message"));
        assert!(read("not json").is_none());
        assert!(read(r#"{"message": {}}"#).is_none());
    }

    #[test]
    fn a_rating_button() {
        let body = update(&format!(
            r#""callback_query": {{"id": "cb1", "from": {IVAN}, "message": {{"message_id": 11, "chat": {{"id": 42, "type": "private"}}}}, "data": "{}"}}"#,
            rating_data(2)
        ));
        let Some((
            _,
            Incoming::Rating {
                score,
                chat_id,
                message_id,
                ..
            },
        )) = read(&body)
        else {
            panic!()
        };
        assert_eq!((score, chat_id, message_id), (2, 42, Some(11)));
        let other = update(&format!(
            r#""callback_query": {{"id": "cb1", "from": {IVAN}, "data": "rate:many"}}"#
        ));
        assert_eq!(
            read(&other).unwrap().1,
            Incoming::Ignored("not a rating button")
        );
    }
}
